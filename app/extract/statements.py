"""Stage 6, statements: frames that no denial consumed become `alleges` / `confirms` statements.

`emit_frames` drops hedged, conditional and refused transfers, finds the claimant
(attribution.py), completes a missing supplier or recipient from the sentence and the article
(`_complete_parties`), and emits one statement per party pair and weapon; `emit_exchange` adds
the reverse leg of "... in exchange for"; `ListContext` carries a transfer into the itemised
list after "... the following:".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.extract import patterns as P
from app.extract.attribution import claimant_of, quote_speaker
from app.extract.goods import quantity_at, weapons_in
from app.extract.lexicon import ActorMention, Lexicon
from app.extract.parties import others_as_agent
from app.extract.pronouns import object_reference, pronoun_parties
from app.extract.lists import bullet_actor
from app.extract.roles import ROLE_KINDS, is_origin, prep_actor
from app.extract.sentences import Sentence, clause_of
from app.extract.state import ArticleState, Frame, Speaker
from app.extract.types import ExtractedStatement


_EXCHANGE_RE = re.compile(r"\bin (?:exchange|return) for\b", re.I)
_SELF_ACT = re.compile(r"commissioned|inducted|took delivery|takes delivery|taken delivery|taking delivery|take delivery", re.I)
_URGED_BEFORE = re.compile(r"\burg\w+|\bcall\w* on\b", re.I)
_STRONG_BREAK = re.compile(r";|\s[—–]\s")
_EXPECTED = re.compile(r"expected", re.I)
_EITHER_SIDE = re.compile(r"\bto\s+(?:either|any|both)\s+(?:of\s+the\s+)?(?:\w+\s+)?(?:side|sides|party|parties)\b", re.I)
_ANNOUNCE_CONFIRM = re.compile(r"\b(?:announc\w*|confirm\w*)\b")
_LIST_TRANSFER = re.compile(r"\b(?:suppl\w+|sent|sold|deliver\w*|transfer\w*|export\w*|provid\w*|shipp\w*|import\w*|bought|"
                            r"purchas\w*|acquir\w*)\b", re.I)


def emit_frames(st: Sentence, idx: int, frames: list[Frame], denied_frames: set[int], state: ArticleState,
                first_actor: ActorMention | None, lex: Lexicon) -> None:
    """Emit the `alleges` / `confirms` (and self-negated `denies`) statements of the frames no denial consumed."""
    t = st.text
    for i, f in enumerate(frames):
        if i in denied_frames or (f.trigger.form == "dealings" and not f.negated):
            continue
        if _hedged(t, f, None if st.folds else st.low):
            continue
        speaker = _frame_speaker(st, f, state, first_actor)
        sup, rec, speaker = _sentence_parties(st, f, frames, denied_frames, speaker, state, first_actor)
        claimant = speaker.code if speaker else None
        if claimant is not None and claimant in (sup, rec) and not st.in_quote and _in_relative_aside(st, f):
            # "Iran, which sent drones to Russia, denied it": the aside is the outlet's, not the denier's
            speaker = Speaker(state.doc_voice or "media")
            claimant = speaker.code
        paired = _paired_subject(f, sup, rec, state)
        if paired is not None:
            (sup, rec), f = paired, replace(f, more_suppliers=[], more_recipients=[])
        # "Spain, for its part, plans to send ten tanks": the party's own plan, so the recipient it has
        # announced for is the article's, as when it is quoted saying so
        own_plan = rec is None and sup is not None and claimant in (None, "media") and not st.in_quote \
            and f.trigger.kind == "supply" and _party_act(st, f, sup, "")
        sup, rec = _article_parties(st, f, frames, sup, rec, sup if own_plan else claimant, state, lex)
        if sup is None and rec is not None:
            state.add_open_recipient(rec)
        if sup is None or rec is None or sup == rec:
            continue
        # a party's own public act (pledge, contract, approval) or plan relayed by the outlet is its statement
        self_claim = claimant in (None, "media") and not st.in_quote and _party_act(st, f, sup, rec) \
            and not _DISCLOSED.search(t)
        pk = state.package
        if claimant == "media" and not self_claim and pk is not None and (pk.supplier, pk.recipient) == (sup, rec) \
                and not st.speech():
            claimant, speaker = pk.claimant, Speaker(pk.claimant)  # the announced package, restated
        if self_claim:
            claimant = sup if f.trigger.kind == "supply" else rec
            speaker = Speaker(claimant)
        if f.negated:
            if claimant in (None, "media") and _own_official_denies(st, f, sup, rec, first_actor):
                claimant = sup if f.trigger.kind == "supply" else rec
                speaker = Speaker(claimant)
            if claimant in (sup, rec):  # the denier's side stays; the other may be a list ("to Armenia or Azerbaijan")
                others = [rec, *f.more_recipients] if claimant == sup else [sup, *f.more_suppliers]
                for other in dict.fromkeys(others):
                    pair = (sup, other) if claimant == sup else (other, rec)
                    if pair[0] == pair[1]:
                        continue
                    for cat, system, _ in f.weapons:
                        state.add(idx, "denies", *pair, cat, system, f.status, speaker, claimant, st, f.quantity)
            continue
        status = "planned" if P.SEEK_RE.search(t[f.clause[0]: f.trigger.start]) else f.status
        _emit_pairs(st, idx, f, sup, rec, status, speaker, claimant, state, self_claim)


# "..., a foreign ministry spokeswoman said", "..., said the ministry": an official named by title alone
_UNNAMED_OFFICIAL = re.compile(
    r"(?:[,”\"]\s*(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:spokes(?:man|woman|person)|ministry|embassy|government|statement)\s+"
    r"(?:\w+ly\s+)?(?:said|says|told|added|stated|insisted|maintained)"
    r"|[,”\"]\s*(?:said|says|added|stated)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:spokes(?:man|woman|person)|ministry|embassy|government))\b", re.I)


def _own_official_denies(st: Sentence, f: Frame, sup: str | None, rec: str | None, first_actor: ActorMention | None) -> bool:
    """ "Egypt has never sent weapons to Libya, the spokesman said": a party denying its own transfer,
    through an official the sentence names by title alone, speaks for that party (the subject)."""
    actor_side = sup if f.trigger.kind == "supply" else rec
    if first_actor is None or first_actor.code != actor_side or first_actor.start - st.start > f.trigger.start:
        return False
    return _UNNAMED_OFFICIAL.search(st.text, f.trigger.end) is not None


# a party's plan known from what it did not publish is not its own statement
_DISCLOSED = re.compile(r"\b(?:according to|citing|based on|seen by|obtained by|reviewed by)\s+(?:a\s+|the\s+|an\s+)?(?:\w+\s+){0,2}?"
                        r"(?:leaked|secret|confidential|classified|internal|intercepted)\b"
                        r"|\b(?:leaked|secret|confidential|classified|internal)\s+(?:\w+\s+)?(?:documents?|cables?|papers|memos?|emails?|"
                        r"files|records|assessments?|reports?)\s+(?:show|showed|shows|reveal\w*|seen|obtained|reviewed|indicate\w*)\b"
                        r"|\b(?:documents?|cables?|memos?|emails?|files|records)\s+(?:seen|obtained|reviewed|leaked)\s+(?:by|to)\b", re.I)


_HEADLINE_TO = re.compile(r"\b[Tt]o\b")
_SUBJECT_GAP = re.compile(r"(?:,[^,]{0,30},)?\s*(?:\w+\s+){0,2}?")


def _paired_subject(f: Frame, sup: str | None, rec: str | None, state: ArticleState) -> tuple[str, str] | None:
    """ "Yerevan and New Delhi signed an agreement for buying ...": a subject of two parties with no other
    side is the pair itself, oriented as the article's earlier claims orient it."""
    if (sup is None) == (rec is None):
        return None
    listed = f.more_recipients if sup is None else f.more_suppliers
    if len(listed) != 1:
        return None
    a, b = (rec or sup), listed[0]
    forward = next(state.claims_of_pair((a, b)), None) is not None
    backward = next(state.claims_of_pair((b, a)), None) is not None
    if forward == backward:
        return None
    return (a, b) if forward else (b, a)


def _party_act(st: Sentence, f: Frame, sup: str, rec: str) -> bool:
    """The frame's acting party (the supplier of a supply, the recipient of an acquisition) announces,
    pledges or approves it before the trigger, or is the subject of a decision or plan to make it."""
    t = st.text
    actor_side = sup if f.trigger.kind == "supply" else rec
    cm = P.COMMIT_RE.search(t, f.clause[0], f.trigger.end)
    if cm and P.CONTRACT_RE.match(t, cm.start()):
        cm = None  # "concluded an agreement to buy": a signed deal, stated by the outlet (and confirmed by the deal)
    if cm and (any(a.code == actor_side and f.clause[0] <= a.start - st.start < cm.start() for a in st.actors)
               or (f.supplier_from_subject_pronoun and actor_side == sup and cm.start() >= f.trigger.start - 40)):
        return True
    if f.trigger.kind != "supply" or f.trigger.form not in {"verb", "noun"}:
        return False
    decisions = list(P.DECIDE_RE.finditer(t, f.clause[0], f.trigger.start))
    if st.headline:  # headline grammar: "Poland To Transfer Four MiG-29 Jets To Kyiv"
        decisions += list(_HEADLINE_TO.finditer(t, f.clause[0], f.trigger.start))
    for dm in decisions:
        if len(t[dm.end():f.trigger.start].split()) > 6 or _RAISED_BY.search(t, max(0, dm.start() - 14), dm.start()):
            continue  # "militias said to be funnelling weapons": someone else's claim, not the party's plan
        for a in st.actors:  # the party (or the last of a coordinated subject) right before the plan
            if a.code == sup and a.end - st.start <= dm.start() and _SUBJECT_GAP.fullmatch(t, a.end - st.start, dm.start()):
                # "concerned by reports that Iran is planning to send ...": the reports' claim, not Iran's plan
                return _REPORTED_THAT.search(t, max(0, a.start - st.start - 30), a.start - st.start) is None
    return False


_REPORTED_THAT = re.compile(r"\b(?:reports?|claims?|allegations?|accusations?|fears?|concerns?|suggestions?|rumou?rs?|"
                            r"indications?|signs?|evidence|intelligence|suspicions?)\s+that\s+(?:the\s+)?$", re.I)
_RAISED_BY = re.compile(r"\b(?:said|reported|believed|thought|understood|alleged|suspected|rumou?red|claimed)\s+$", re.I)
_APPROVED_POSSIBLE = re.compile(r"\b(?:approv\w*|clear\w*|authori[sz]\w*|notif\w*(?:\s+Congress\s+of)?|green-?l\w*)\s+(?:(?:a|an|the|this)\s+)?"
                                r"(?:possible|potential)\b", re.I)
_ANY_BEFORE = re.compile(r"\b(?:any|every)\s+(?:[\w()-]+\s+){0,2}$", re.I)
_BAN_ON = re.compile(r"\b(?:ban|embargo|moratorium|prohibition|restrictions?|curbs?)\s+on\s+(?:\w+\s+){0,2}$", re.I)


_SUSPENDED_AFTER = re.compile(r"[^.;,]{0,80}?\b(?:is|was|are|were|remains?|remained|has been|have been|had been)\s+"
                              r"(?:still\s+|now\s+|also\s+|currently\s+)?(?:suspended|halted|banned|frozen|on hold|paused)\b", re.I)
_CAN_BE = re.compile(r"\b(?:can|could|may|might)\s+(?:\w+ly\s+)?be\s+(?:\w+ly\s+)?$", re.I)


def _hedged(t: str, f: Frame, low: str | None = None) -> bool:
    """No evidence, a condition, a refusal, a ban ("the ban on weapons sales to Iran") or no goods in
    particular ("any weapon it obtains") before the trigger: the sentence asserts no transfer. An approved
    "possible sale" (the formula of an arms-sale notification) is an approval, not a hedge. `low`: the
    text's lower case when it has no letter that folds to ASCII (the first scans then use P.lowered)."""
    no_evidence, conditional, scanned = (P.NO_EVIDENCE_RE, P.CONDITIONAL_RE, t) if low is None \
        else (P.NO_EVIDENCE_LOW, P.CONDITIONAL_LOW, low)
    ne = no_evidence.search(scanned[: f.trigger.start])
    if ne and ne.group(0).lower() in ("possible", "potential") and _APPROVED_POSSIBLE.search(t, max(0, ne.start() - 40), ne.end()):
        ne = no_evidence.search(scanned, ne.end(), f.trigger.start)
    if ne or conditional.search(scanned[max(0, f.clause[0] - 40): f.trigger.start]):
        return True
    if f.trigger.form == "passive" and f.supplier is None \
            and _CAN_BE.search(t, max(0, f.trigger.start - 30), f.trigger.start):
        return True  # "an airfield from which explosives can be exported": a capability, nobody's transfer
    if f.trigger.form == "noun" and _SUSPENDED_AFTER.match(t, f.trigger.end, f.clause[1]):
        return True  # "the direct export to Egypt of F-16 parts is still suspended": not happening
    if " on " in t[max(0, f.trigger.start - 50):f.trigger.start] and _BAN_ON.search(t, max(0, f.trigger.start - 50), f.trigger.start):
        return True  # "the ban on weapons sales to Iran": what is banned is not said to happen
    if not f.negated and f.trigger.form == "verb" and ("any " in t or "every " in t) \
            and all(_ANY_BEFORE.search(t, max(0, pos - 30), pos) for _, _, pos in f.weapons):
        return True  # "any weapon it obtains": no goods in particular
    return bool(P.REFUSAL_RE.search(t[f.clause[0]: f.trigger.start]) and not _URGED_BEFORE.search(t[: f.trigger.start]))


def _frame_speaker(st: Sentence, f: Frame, state: ArticleState, first_actor: ActorMention | None) -> Speaker | None:
    """Who claims the frame: its explicit attribution, else the interviewee, the quote's speaker, nobody
    ("reports that ..."), or the document's voice (the outlet, `media`)."""
    speaker, explicit = claimant_of(st, f.trigger.start, f.trigger.end, state, first_actor)
    if explicit:
        return speaker
    if st.para in state.answer_paras:
        return Speaker(state.interviewee)
    if st.in_quote:
        return quote_speaker(st, state)
    if P.OWNERLESS_RE.search(st.text[: f.trigger.start]):
        return Speaker(None)
    return Speaker(state.doc_voice or "media")


def _sentence_parties(st: Sentence, f: Frame, frames: list[Frame], denied_frames: set[int], speaker: Speaker | None,
                      state: ArticleState, first_actor: ActorMention | None) -> tuple[str | None, str | None, Speaker | None]:
    """A missing supplier or recipient from the sentence: its other frames, the speaker, the last subject."""
    t = st.text
    claimant = speaker.code if speaker else None
    sup, rec = f.supplier, f.recipient
    if sup is None or rec is None:
        for gi, g in enumerate(frames):
            if g is f or gi in denied_frames or (g.trigger.kind != f.trigger.kind and sup is None):
                continue
            a_, b_ = sorted((g.trigger.start, f.trigger.start))
            if _STRONG_BREAK.search(t[a_:b_]):
                continue
            if rec is None and sup is not None and g.recipient and g.recipient != sup:
                rec = g.recipient
            elif sup is None and rec is not None and g.supplier and g.supplier != rec:
                sup = g.supplier
    if f.trigger.form == "supplier" and rec is None and f.supplier_from_subject_pronoun:
        rec = claimant if claimant not in (None, "media", sup) else None
    if f.trigger.form == "thank":
        if rec is None:
            rec = claimant if claimant not in (None, "media") and claimant != sup else state.dominant(sup, 2)
        if rec is not None:
            speaker = speaker if speaker is not None and speaker.code == rec else Speaker(rec)
            claimant = rec
    if f.trigger.form == "arrive" and rec is None and sup is not None and claimant not in (None, "media") and claimant != sup:
        rec = claimant
    if f.trigger.form == "arrive" and rec is None and sup is not None and _EXPECTED.match(t, f.trigger.start):
        rec = state.common_recipient(sup, least=2)
    if f.supplier_from_subject_pronoun:
        sup, rec = pronoun_parties(st, f, sup, rec, claimant, state, first_actor)
    if sup is None and f.trigger.kind == "supply" and f.trigger.form == "noun" and claimant not in (None, "media", rec) \
            and _ADMITS_BEFORE.search(t, max(0, f.trigger.start - 50), f.trigger.start):
        sup = claimant  # "Seoul confirms shell shipments to US": the speaker's own shipments
    if rec is None and f.trigger.kind == "supply":
        rec = object_reference(st, f, claimant, state)
    return sup, rec, speaker


_RELATIVE_ASIDE = re.compile(r",\s+(?:which|who)\s[^,;]*,", re.I)


def _in_relative_aside(st: Sentence, f: Frame) -> bool:
    """The frame's trigger sits in a non-restrictive relative clause (", which ... ,") with words after it."""
    for m in _RELATIVE_ASIDE.finditer(st.text):
        if m.start() < f.trigger.start < m.end() and st.text[m.end():].strip(" .”\"") != "":
            return True
    return False


_ADMITS_BEFORE = re.compile(r"\b(?:confirm|acknowledg|admit)\w*\s+(?:(?:the|its|their|a|an|new|first|more|further)\s+)?(?:[\w-]+\s+){0,2}$", re.I)
def _article_parties(st: Sentence, f: Frame, frames: list[Frame], sup: str | None, rec: str | None,
                     claimant: str | None, state: ArticleState, lex: Lexicon) -> tuple[str | None, str | None]:
    """A missing supplier or recipient from the article: a named system's maker, the party's usual
    counterpart in the claims so far, or the claimant announcing its own deal."""
    t = st.text
    role_codes = {a.code for a in st.actors if a.kind in ROLE_KINDS and not is_origin(st, a)}
    if sup is None and rec is not None and f.trigger.kind in ("supply", "acquire") and f.trigger.form != "thank":
        # "TB2s sold to Azerbaijan": a named system's maker, when nothing else names a supplier
        makers = lex.makers(f.weapons)
        if len(makers) == 1 and rec not in makers and not (role_codes - {rec} - set(f.more_recipients) - makers):
            sup = makers.pop()
    if rec is None and sup is not None and _EITHER_SIDE.search(t[f.trigger.end:f.clause[1]]):
        rec = state.partner(sup) or next((g.recipient for g in frames if g is not f and g.recipient and g.recipient != sup
                                          and (g.supplier in (None, sup))), None)
    if sup is None and rec is not None and f.trigger.form != "turned" and not others_as_agent(st, f.clause[0], f.trigger.start):
        cand = state.partner(rec)
        if cand and (role_codes <= {cand, rec} or state.dominant(rec) == cand):
            sup = cand
    elif rec is None and sup is not None and f.trigger.form in {"noun", "passive", "verb"}:
        cand = state.partner(sup)
        if claimant == sup:
            cand = state.last_recipient(sup)
        if cand is None and claimant == sup and not state.is_recipient(sup):
            # a party announcing its own transfer in an article about one recipient ("says it will send")
            cand = state.common_recipient(sup)
        if cand and ((role_codes <= {cand, sup} and (f.trigger.form != "verb" or state.dominant(sup, 2) == cand
                                                      or role_codes <= {sup}
                                                      or (claimant == sup)))
                     or (claimant == sup)
                     or state.dominant(sup) == cand):
            rec = cand
    claimant_party = claimant not in (None, "media", rec) and lex.taxonomy.actor(claimant) is not None \
        and lex.taxonomy.actor(claimant).kind in ROLE_KINDS
    if sup is None and rec is not None and f.trigger.form == "contract" and claimant_party and _ANNOUNCE_CONFIRM.search(t):
        sup = claimant  # the seller announcing the buyer's contract
    if sup is None and rec is not None and f.trigger.form == "passive" and claimant_party \
            and _AUX_BEFORE.search(t, max(0, f.trigger.start - 30), f.trigger.start) and not _BY_SOMEONE.match(t, f.trigger.end):
        sup = claimant  # "Britain said the missiles were delivered to Kyiv", not "it downed a drone supplied to the RSF"
    return sup, rec


_AUX_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
_BY_SOMEONE = re.compile(r"[^.;,]{0,40}?\bby\s+(?:a|an|the|another|some|other|unnamed|unidentified|foreign)\b", re.I)


def _emit_pairs(st: Sentence, idx: int, f: Frame, sup: str, rec: str, status: str, speaker: Speaker | None,
                claimant: str | None, state: ArticleState, self_claim: bool = False) -> None:
    """One statement per supplier, recipient (with the coordinated ones) and weapon; a party's own act
    is each coordinated party's own claim ("Spain and Portugal agreed to send")."""
    t = st.text
    for s_code in [sup, *f.more_suppliers]:
        for r_code in [rec, *f.more_recipients]:
            if s_code == r_code:
                continue
            if self_claim:
                claimant = s_code if f.trigger.kind == "supply" else r_code
                speaker = speaker if speaker is not None and speaker.code == claimant else Speaker(claimant)
            stance = "confirms" if claimant in (s_code, r_code) else "alleges"
            for cat, system, _ in f.weapons:
                state.add(idx, stance, s_code, r_code, cat, system, status, speaker, claimant, st, f.quantity)
            # a party's own formal act (a signed contract, a commissioning) is also its confirmation
            actor_side = r_code if f.trigger.kind == "acquire" else s_code
            if stance == "alleges" and (claimant == "media" or (claimant is None and not st.said())) and not st.in_quote and (
                    f.trigger.form == "contract" or _SELF_ACT.match(t, f.trigger.start)
                    or P.CONTRACT_RE.search(t, f.clause[0], f.trigger.start)) \
                    and any(a.code == actor_side and a.start - st.start < f.trigger.start for a in st.actors):
                for cat, system, _ in f.weapons:
                    state.add(idx, "confirms", s_code, r_code, cat, system, status, Speaker(actor_side), actor_side,
                              st, f.quantity)


def emit_exchange(st: Sentence, idx: int, frames: list[Frame], state: ArticleState) -> None:
    """ "... in exchange for technology": the reverse transfer of the sentence's last claim."""
    t = st.text
    # every _EXCHANGE_RE match has one of these in lower case (none of their letters folds from non-ASCII)
    em = _EXCHANGE_RE.search(t) if frames and ("exchange for" in st.low or "return for" in st.low) else None
    if em and any(f.trigger.end < em.start() for f in frames):
        last = state.last_claim_since(idx)
        if last is not None:
            hi = clause_of(st.bounds(), em.end(), len(t))[1]
            # "... in exchange for Patriot batteries from the United States": a third party pays, to the supplier
            source = prep_actor(st, em.end(), hi, "from")
            sup, rec = (source.code, last.supplier) if source is not None else (last.recipient, last.supplier)
            if sup == rec:
                return
            for cat, system, _ in weapons_in(st, em.end() + 1, hi, state):
                state.add(idx, last.stance if last.stance != "confirms" else "alleges", sup, rec,
                          cat, system, last.status, None, last.claimant, st, None)


@dataclass(slots=True)
class ListContext:
    """An itemised list after "... will provide the following:" continues the transfer before it."""

    frame: ExtractedStatement | None = None  # the claim the list's items continue
    intro: tuple[str | None, str | None] | None = None  # (claimant, recipient) of an intro naming a transfer

    def step(self, st: Sentence, idx: int, frames: list[Frame], state: ArticleState,
             sentence_speaker: Speaker | None, explicit: bool) -> None:
        t = st.text
        bullet = P.BULLET_RE.match(t) is not None
        head = bullet_actor(st) if bullet and self.intro is not None else None
        if head is not None:
            self._emit_actor_item(st, idx, head, state)
        elif bullet and self.frame is not None:
            lf = self.frame
            for w in st.weapons:
                state.emit(ExtractedStatement(lf.stance, lf.supplier, lf.recipient, w.category, w.system, lf.status,
                                              lf.claimant, lf.speaker, st.text, st.start, st.end, lf.speaker_role,
                                              quantity_at(st, w.start - st.start)), idx)
        elif t.rstrip().endswith(":"):
            self.frame = state.last_claim_since(idx - 2)
            self.intro = None
            if _LIST_TRANSFER.search(t):
                intro_speaker = sentence_speaker if explicit else (
                    state.last_speaker if state.last_speaker and idx - state.last_speaker_idx <= 3 else None)
                intro_rec = next((f.recipient for f in frames if f.recipient), None)
                self.intro = ((intro_speaker.code if intro_speaker else "media") or None, intro_rec)
        elif not bullet:
            self.frame = None
            self.intro = None

    def _emit_actor_item(self, st: Sentence, idx: int, head: ActorMention, state: ArticleState) -> None:
        """ "• Russia: Su-30 fighters": the item's actor supplies the intro's (or the article's usual) recipient."""
        t = st.text
        colon = t.index(":", head.end - st.start)
        rec = self.intro[1] or state.dominant(head.code, 2) \
            or state.common_recipient(head.code) or state.common_open_recipient(head.code)
        if rec and rec != head.code:
            claimant = self.intro[0]
            stance = "confirms" if claimant in (head.code, rec) else "alleges"
            for cat, system, pos in weapons_in(st, colon, len(t), state):
                state.emit(ExtractedStatement(stance, head.code, rec, cat, system, "delivered", claimant, None,
                                              st.text, st.start, st.end, None, quantity_at(st, pos)), idx)

