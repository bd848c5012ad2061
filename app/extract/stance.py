"""Stage 5, stance: denials.

`denial_spans` finds a sentence's denial words and predicates; `apply_denials` turns each into
`denies` statements, for the frames it governs ("X denied supplying ...") or, when it has no
transfer of its own, for the nearest preceding claim about a pair the denier is party to
(`_implied_denial`); a denial before any claim waits in `state.pending` for the first claim
after it (`resolve_pending`). It returns the frames a denial consumed.
"""
from __future__ import annotations

import re

from app.extract import patterns as P
from app.extract.patterns import may_match
from app.extract.attribution import claimant_of, quote_speaker
from app.extract.goods import weapons_in
from app.extract.lexicon import ActorMention, Lexicon
from app.extract.roles import ROLE_KINDS, is_origin, preps_before, relative_antecedent, subject_actor
from app.extract.sentences import Sentence, clause_of, has_any, rel_span, text_before
from app.extract.state import ArticleState, Frame, PendingDenial, Quoted, cat_order


_DENIAL_HINTS = tuple(sorted(P.WORDS["denial"]["hints"]))  # every denial regex needs one


def denial_spans(st: Sentence) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the sentence's denials: kind `verb` ("denied", "called it baseless") or
    `pred` ("the reports were false", whose denier is the speaker)."""
    t = st.text
    low = st.low
    if not has_any(low, *_DENIAL_HINTS):  # what a regex alternation of the hints would say, faster
        return []
    folds = st.folds
    if may_match(_NOT_DENIAL_NEEDS, low, folds) and P.NOT_DENIAL_RE.search(t):
        cleaned = P.NOT_DENIAL_RE.sub(lambda m: "x" * len(m.group(0)), t)
    else:
        cleaned = t
    # the regexes below are skipped when the sentence lacks what each needs (`P.hints`); `cleaned`
    # only has x's where `t` had other letters, so it lacks whatever `t` lacks
    if folds:
        spans = [(m.start(), m.end(), "verb") for m in P.DENY_VERB_RE.finditer(cleaned)]
    else:  # the same scan of the lower case, without IGNORECASE (P.lowered)
        spans = [(m.start(), m.end(), "verb") for m in P.DENY_VERB_LOW.finditer(low if cleaned is t else cleaned.lower())]
    for m in (P.CALL_PRED_RE.finditer(cleaned) if may_match(_CALL_PRED_NEEDS, low, folds) else ()):
        spans.append((m.start(), m.end(), "verb"))
    for m in (P.DESCRIBE_AS_RE.finditer(cleaned) if may_match(_DESCRIBE_AS_NEEDS, low, folds) else ()):
        if P.DENY_PRED_RE.search(cleaned[m.end(): m.end() + 40]):
            spans.append((m.start(), m.end(), "verb"))
    for m in (_CALLED_CLAIMS.finditer(cleaned) if may_match(_CALLED_CLAIMS_NEEDS, low, folds) else ()):
        if P.DENY_PRED_RE.search(cleaned[m.end(): m.end() + 160]):
            spans.append((m.start(), m.end(), "verb"))
    for m in (_WHAT_CALLED.finditer(cleaned) if may_match(_WHAT_CALLED_NEEDS, low, folds) else ()):
        spans.append((m.start(), m.end(), "verb"))
    for m in (_NO_TRUTH.finditer(cleaned) if "no truth" in low or "no basis" in low else ()):
        spans.append((m.start(), m.end(), "verb"))  # "there is no truth to the allegation that we sold ...": its object follows
    for m in (_WAS_FALSE.finditer(cleaned) if may_match(_DENY_PRED_NEEDS, low, folds) else ()):
        if re.search(r"\b(?:reports?|claims?|accusations?|allegations?|charges?|suggestions?)\b", cleaned[: m.start()], re.I):
            spans.append((m.start(), m.end(), "pred"))
    return sorted(spans)


_CALLED_CLAIMS = re.compile(r"\b(?:call\w*|brand\w*|label\w*)\s+(?:the\s+|these\s+|such\s+)?(?:\w+\s+)?"
                            r"(?:claims?|reports?|accusations?|allegations?|charges?)\b", re.I)
_WHAT_CALLED = re.compile(r"\bwhat (?:he|she|it|they) (?:called|described as)\s+(?=(?:“|\")?(?:baseless|groundless|unfounded|false|fake|fabricated))", re.I)
_WAS_FALSE = re.compile(r"\b(?:was|were|is|are|been)\s+(?:“|\")?(?:\w+\s+)?(?=(?:baseless|groundless|unfounded|untrue|fabricat|lies|nonsense|absurd|completely wrong|totally wrong|false|fake|not true|a lie))", re.I)
_NO_TRUTH = re.compile(r"\b(?:there\s+is|there[’']s|there\s+was|there\s+are)\s+(?:absolutely\s+)?no\s+(?:truth|basis)\s+"
                       r"(?:to|in|for|behind)\b", re.I)
_NOT_DENIAL_NEEDS = P.hints(P.NOT_DENIAL_RE)
_CALL_PRED_NEEDS = P.hints(P.CALL_PRED_RE)
_DESCRIBE_AS_NEEDS = P.hints(P.DESCRIBE_AS_RE)
_CALLED_CLAIMS_NEEDS = P.hints(_CALLED_CLAIMS)
_WHAT_CALLED_NEEDS = P.hints(_WHAT_CALLED)
# _WAS_FALSE's lookahead holds its predicate words: one of DENY_PRED_RE's must be there
_DENY_PRED_NEEDS = P.hints(P.DENY_PRED_RE)


def apply_denials(st: Sentence, idx: int, frames: list[Frame], denials: list[tuple[int, int, str]],
                  state: ArticleState, first_actor: ActorMention | None, lex: Lexicon) -> set[int]:
    """Emit the `denies` statements of sentence `idx`; returns the indexes of the frames they consumed."""
    denied_frames: set[int] = set()
    for dpos, dend, dkind in denials:
        denier = _denier(st, dpos, dend, dkind, state, first_actor)
        if denier is None:
            # "the government of <someone unknown> denied acquiring drones": no party we know denies,
            # and the transfer it denies is nobody's claim either
            denied_frames.update(i for i, f in enumerate(frames) if f.trigger.start >= dend
                                 and _GERUND_GAP.fullmatch(st.text[dend:f.trigger.start]))
            continue
        if dkind == "pred":
            own = [i for i, f in enumerate(frames) if f.trigger.start < dpos and i not in denied_frames]
            dpos = 0
        else:
            own = [i for i, f in enumerate(frames) if f.trigger.start >= dpos and i not in denied_frames
                   and not _SCOPE_END.search(st.text, dend, f.trigger.start)]
        if _deny_frames(st, idx, frames, own, denier, dpos, dend, state, denied_frames, lex):
            continue
        if own:
            denied_frames.update(own)
            continue
        _implied_denial(st, idx, frames, denier, dpos, dend, state)
    return denied_frames


def _denier(st: Sentence, dpos: int, dend: int, dkind: str, state: ArticleState,
            first_actor: ActorMention | None) -> str | None:
    """Who denies: the subject of the denial word, else the sentence's speaker."""
    t = st.text
    wm = _WHICH_IT.search(t, max(0, dpos - 40), dpos)
    if wm is not None:  # "..., which it denies": "it" is the sentence's subject, not the clause's antecedent
        denier_actor = subject_actor(st, 0, wm.start())
    else:
        denier_actor = subject_actor(st, clause_of(st.bounds(), dpos, len(t))[0], dpos) or relative_antecedent(st, dpos)
    if denier_actor is None:
        for a in st.actors:
            s, e = rel_span(st, a)
            if s < dpos and a.kind in ROLE_KINDS and not is_origin(st, a) and not preps_before(st, a):
                denier_actor = a
    denier = denier_actor.code if denier_actor else None
    if dkind == "pred":
        denier = None
    if denier is None and dkind != "pred" and _BOTH_SUBJECT.fullmatch(t, clause_of(st.bounds(), dpos, len(t))[0], dpos):
        last = state.last_claim()  # "Both countries deny the allegations": the parties of the claim just made
        denier = last.supplier if last is not None else None
    if denier is None and dkind != "pred":
        # "Vucic rejected ...", "Under Vucic, who has rejected ...": a person the article named before
        wm = _WHO_AFTER_NAME.search(t, 0, dpos) or _NAME_BEFORE.search(t, 0, dpos)
        known = state.names.get(wm.group(1)) if wm else None
        denier = known.code if known is not None else None
    if denier is None:
        sp, _ = claimant_of(st, dpos, dend, state, first_actor)
        if sp is None and (st.in_quote or _PRONOUN_DENIER.match(t[clause_of(st.bounds(), dpos, len(t))[0]:dpos])):
            sp = (quote_speaker(st, state) if st.in_quote else state.para_speaker.get(st.para)) \
                or state.last_person or state.last_speaker
        denier = sp.code if sp else None
    return denier


_BOTH_SUBJECT = re.compile(r"\s*(?:both(?:\s+(?:countries|nations|sides|governments|states|capitals|of them))?|"
                           r"the two(?:\s+(?:countries|nations|sides|governments|states|capitals))?)\s+"
                           r"(?:(?:have|has|had|also|again|always|repeatedly|strongly|flatly|firmly|\w+ly)\s+){0,2}", re.I)
_WHICH_IT = re.compile(r",\s*which\s+(?:it|they)\s+(?:(?:has|have|had|also|always|repeatedly|strongly|flatly|firmly|\w+ly)\s+){0,2}$", re.I)
_PRONOUN_DENIER = re.compile(r"\s*(?:he|she|they|the (?:minister|spokes\w+|ministry|official|envoy|ambassador))\b", re.I)
_GERUND_GAP = re.compile(r"\s*(?:(?:any|a)\s+(?:\w+\s+)?(?:role|part|involvement|hand)\s+in\s+|ever\s+|having\s+|that\s+it\s+(?:had|has|was)\s+|that\s+they\s+(?:had|have|were)\s+)?", re.I)
_FINDINGS = re.compile(r"\b(?:findings|assessments?|intelligence|accusations?|claims?|reports?|allegations?|charges?|assertions?)"
                       r"(?:\s+by\s+[^,;]{1,60}?)?\s+(?:(?:claiming|saying|suggesting|alleging|stating|asserting)\s+)?(?:that|of)\b", re.I)
# "rejects US claim of arms sales to Russia": the denier is the transfer noun's implied party
_CLAIM_OF_GAP = re.compile(r"\s*(?:(?:the|a|an|these|those|such|all)\s+)?(?:[\w.’'-]+\s+){0,2}?(?:claims?|reports?|allegations?|"
                           r"accusations?|charges?|suggestions?|rumou?rs?)\s+(?:of|about)\s+(?:[\w-]+\s+){0,3}", re.I)
_NAME_BEFORE = re.compile(r"([A-Z][\w’'-]+)\s+(?:(?:has|had|have|also|again|flatly|firmly|strongly|categorically|later)\s+){0,2}$")
_CLAIM_OWNER_AFTER = re.compile(r"(?:[’']s)?\s+(?:[\w-]+\s+){0,2}?(?:allegations?|claims?|accusations?|reports?|charges?|assertions?|"
                                r"statements?|intelligence|officials?|media)\b", re.I)
# where a denial's object ends: "rejected accusations that ..., stressing that ..." adds a claim of its own
_SCOPE_END = re.compile(r",\s+(?:stressing|saying|adding|insisting|noting|arguing|explaining|warning|while|but|and said)\b|;")
_WHO_AFTER_NAME = re.compile(r"([A-Z][\w’'-]+),\s+who\s+(?:\w+\s+){0,2}$")
_WESTERN_OWNER = re.compile(r"\bWestern\b")
_NON_TRANSFER_NEEDS = P.hints(P.NON_TRANSFER_DENIAL)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|inside|across|over)\s+(?:the\s+)?$", re.I)


def _deny_frames(st: Sentence, idx: int, frames: list[Frame], own: list[int], denier: str, dpos: int, dend: int,
                 state: ArticleState, denied_frames: set[int], lex: Lexicon) -> bool:
    """Deny the frames the denial governs ("X denied supplying ...") that X is party to; True if any."""
    t = st.text
    handled = False
    for i in own:
        f = frames[i]
        # "X denied supplying ...": the gerund's subject is the denier
        gerund = _GERUND_GAP.fullmatch(t[dend:f.trigger.start]) is not None \
            or (f.trigger.form == "noun" and _CLAIM_OF_GAP.fullmatch(t, dend, f.trigger.start) is not None)
        sup = f.supplier or (denier if (f.supplier_from_subject_pronoun or gerund) and f.trigger.kind == "supply" else None)
        rec = f.recipient or (denier if (f.supplier_from_subject_pronoun or gerund) and f.trigger.kind == "acquire" else None)
        if sup is None and rec is not None:
            sup = state.partner(rec) if rec != denier else None
            makers = lex.makers(f.weapons) - {rec}
            if sup is None and len(makers) == 1:
                sup = makers.pop()  # "Egypt denied buying Su-35 jets": the named system's maker
        if rec is None and sup is not None:
            rec = them_recipient(st, f, sup, state) or state.partner(sup)
        if sup is None or rec is None or denier not in (sup, rec):
            continue
        denied_frames.add(i)
        handled = True
        for cat, system in _referred_goods(st, f, (sup, rec), state):
            state.add(idx, "denies", sup, rec, cat, system, f.status, None, denier, st, f.quantity)
        # "X rejected US claims that it supplied ...": the claim denied is also stated, by its owner
        owner_m = P.OWNERLESS_RE.search(t[dpos: f.trigger.start])
        findings = _FINDINGS.search(t[dpos: f.trigger.start])
        if (owner_m or findings) and not f.negated and f.trigger.form != "dealings":
            m = findings or owner_m
            owner_seg = t[dpos: dpos + m.start()]
            owner = None
            for a in st.actors:
                s, e = rel_span(st, a)
                if dpos <= s and e <= dpos + m.end() and a.kind in {"state", "group", "org"} and a.code != denier:
                    owner = a.code
            if owner is None and P.may_match_outlet(owner_seg) and P.OUTLET_RE.search(t, dpos, dpos + m.end()):
                owner = "media"  # "rejected media reports that ...": the outlets' claim
            if _WESTERN_OWNER.search(owner_seg):
                owner = None
            for cat, system, _ in f.weapons:
                state.add(idx, "alleges", sup, rec, cat, system, f.status, None, owner, st, f.quantity)
    return handled


_THE_GENERIC = re.compile(r"\b(?:the|these|those|such)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _referred_goods(st: Sentence, f: Frame, pair: tuple[str, str], state: ArticleState) -> list[tuple[str, str | None]]:
    """A denied frame's goods; "denied acquiring the Iranian military equipment" (a generic word that
    refers back) denies the goods of the last claim about the pair."""
    goods = [(cat, system) for cat, system, _ in f.weapons]
    if not all(cat == "unspecified" for cat, _ in goods) \
            or not all(_THE_GENERIC.search(text_before(st.text, pos, 40)) for _, _, pos in f.weapons):
        return goods
    latest = next(state.claims_of_pair(pair), None)
    if latest is None:
        return goods
    referred = sorted({(s.category, s.system) for c, s in state.claims_of_pair(pair) if c == latest[0]}, key=cat_order)
    return referred or goods


_THEM_AFTER = re.compile(r"\s+them\s+")


def them_recipient(st: Sentence, f: Frame, sup: str | None, state: ArticleState) -> str | None:
    """ "The Houthis showed off new missiles. Iran denied sending them arms": "them" before the goods is the
    armed group named last."""
    them = _THEM_AFTER.match(st.text, f.trigger.end)
    if them and any(0 <= pos - them.end() < 25 for _, _, pos in f.weapons) and state.last_group not in (None, sup):
        return state.last_group
    return None


def _implied_denial(st: Sentence, idx: int, frames: list[Frame], denier: str, dpos: int, dend: int,
                    state: ArticleState) -> None:
    """A denial without its own transfer ("denied the claim") answers the nearest preceding claim the
    denier is party to (and about the other actors it names), with that claim's weapons."""
    t = st.text
    dclause_hi = clause_of(st.bounds(), dend, len(t))[1]
    others = {a.code for a in st.actors if dend <= a.start - st.start < dclause_hi and a.kind in ROLE_KINDS and a.code != denier
              and not _PLACE_BEFORE.search(text_before(t, a.start - st.start))
              and not _CLAIM_OWNER_AFTER.match(t, a.end - st.start)}  # "the Russian intelligence allegations": whose claim
    if st.headline and not others:
        return
    if may_match(_NON_TRANSFER_NEEDS, st.low, st.folds) and P.NON_TRANSFER_DENIAL.search(t, 0, min(len(t), dend + 25)):
        return
    own_weapons = weapons_in(st, dend, dclause_hi, state)
    # "..., an allegation Pyongyang rejected": the claim is in this very sentence
    earlier = [f for f in frames if f.trigger.start < dpos and f.supplier and f.recipient and denier in (f.supplier, f.recipient)]
    if earlier:
        for f in earlier:
            for cat, system, _ in f.weapons:
                state.add(idx, "denies", f.supplier, f.recipient, cat, system, "unknown", None, denier, st, None)
        return
    # the newest claim about the denier (and one of the others it names); every claim so far is from
    # this sentence or an earlier one
    last = state.last_claim_with(denier, others) if others else next(state.claims_about(denier, reverse=True), None)
    if last is None:
        # a denial before any claim (a headline): it answers the first claim about the pair that follows
        state.pending.append(PendingDenial(idx, Quoted(st.text, st.start, st.end), denier, others,
                                           [(c, sy) for c, sy, _ in own_weapons]))
        return
    target_idx, stmt = last
    pair = (stmt.supplier, stmt.recipient)
    if own_weapons:
        cats = {(c, sy) for c, sy, _ in own_weapons}
    else:
        cats = set()
        for c, s in state.claims_of_pair(pair):  # newest first: stop below both the target and the last four sentences
            if c < target_idx and idx - c > 4:
                break
            if c == target_idx or idx - c <= 4:
                cats.add((s.category, s.system))
    for cat, system in sorted(cats, key=cat_order):
        state.add(idx, "denies", pair[0], pair[1], cat, system, "unknown", None, denier, st, None)


def resolve_pending(state: ArticleState) -> None:
    """Denials met before any claim answer the first later claim about a pair the denier is party to."""
    for p in state.pending:
        later = state.first_claim_with(p.denier, p.others, after=p.idx)
        if later is None:
            continue
        first_idx, first = later
        pair = (first.supplier, first.recipient)
        cats = set(p.weapons)
        if not cats:
            for c, s_ in state.claims_about(p.denier, after=first_idx - 1):
                if c > first_idx:
                    break
                if (s_.supplier, s_.recipient) == pair:
                    cats.add((s_.category, s_.system))
        for cat, system in sorted(cats, key=cat_order):
            state.add(p.idx, "denies", pair[0], pair[1], cat, system, "unknown", None, p.denier, p.sentence, None)
