"""Stage 3b, parties: who supplies and who receives, for the verb and noun triggers.

`supply_parties` and `acquire_parties` take a trigger and its `Window` (clause, neighbouring
triggers) and return the supplier and recipient mentions: "X sold ... to Y", "sold to Y by X",
"X's shipments of", "X-supplied", "Y bought ... from X", "acquired by Y". The special forms
("turned to X for", "thanked X for", "carrying ... from X to Y", customers, contracts ...) and the
dispatch `parties_of` are in forms.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract import patterns as P
from app.extract.lexicon import ActorMention
from app.extract.lists import exemplified
from app.extract.roles import (
    ACTOR_NOUN_AFTER, POSSESSIVE_AFTER, ROLE_KINDS, actor_at, announced_by, preps_before, is_origin, made_in_actor,
    goods_owner, origin_actor, prep_actor,
    pronoun_subject, relative_antecedent, relative_head, speech_floor, subject_actor,
)
from app.extract.sentences import Sentence, rel_span, text_before
from app.extract.state import Trigger

TO_PREPS = r"to|into|toward|towards|bound for|destined for|intended for|headed for|headed to|en route to|on their way to|on its way to"
_POSSESSIVE_BEFORE = re.compile(r"(\S+?)[’'](?:s\b)?\s+(?:own\s+)?(?:[\w\"“”’'-]+\s+){0,2}$")
_TO_BEFORE = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$", re.I)
_ITS_THEIR_BEFORE = re.compile(r"\b(?:its|their)\s+(?:own\s+)?(?:\w+\s+){0,1}$", re.I)
_BY_END = re.compile(r"\b(?:by|[Bb]y)\s+$")
_WHOM_WHICH_BEFORE = re.compile(r",\s*(?:whom|which)\s+(?!(?:say|says|said|claim\w*|alleg\w*|accus\w*|believ\w*|report\w*|insist\w*|argu\w*)\b)"
                                r"(?!(?:has|have|had|is|are|was|were|will|would|could|can|may|might|did|does|do|also|already|"
                                r"still|itself|\w+ly)\b)"  # ", which has sent": the antecedent is the subject
                                r"(?:it|they|\w+)\s+(?:\w+\s+)?$")  # "Ukraine, which Iran armed" (not ", which say Iran arms")
_AID_NOUN = re.compile(r"\b(?:package|packages|aid|assistance)\b", re.I)
_AND_OR_END = re.compile(r"\b(?:and|or)\s+(?:\w+\s+){0,2}$")
_FOR_AFTER = re.compile(r"^\s+(?:of\s+)?(?:\w+\s+){0,3}?for\s+")

# Words that may stand between a supplier and its transfer noun ("Iranian arms shipments", "U.S. military aid").
_NOUN_MODIFIERS = P.WORDS["triggers"]["noun_modifiers"]


@dataclass(slots=True)
class Window:
    """Where a trigger's roles are looked for: its clause [lo, hi), up to the next trigger (win_hi),
    after the previous one (prv); `prev_subject` carries a subject to a coordinated verb, `deal` a signed
    deal's parties to the transfer it names ("signed a deal with Vietnam to supply ...")."""

    i: int
    trigs: list[Trigger]
    lo: int
    hi: int
    win_hi: int
    prv: int
    prev_subject: ActorMention | None = None
    deal: tuple[int, ActorMention, ActorMention] | None = None  # a contract trigger's end, its subject and other party


Parties = tuple[ActorMention | None, ActorMention | None, bool]  # supplier, recipient, supplier is a pronoun


def supply_parties(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """A supply-side trigger: possessive, "to", "by" and "from" actors, then by form."""
    t, lo, win_hi, prv = st.text, span.lo, span.win_hi, span.prv
    supplier = None
    from_pronoun = False
    possessive = None
    tail = max(0, tg.start - 60)
    m = _POSSESSIVE_BEFORE.search(t[tail:tg.start])
    if m:
        for a in st.actors:
            s, e = rel_span(st, a)
            if e == tail + m.start(1) + len(m.group(1)) and a.kind in ROLE_KINDS:
                possessive = a
    elif _ITS_THEIR_BEFORE.search(t[tail:tg.start]):
        owners = []
        for a in st.actors:
            s_, e_ = rel_span(st, a)
            if e_ <= tg.start and a.kind in ROLE_KINDS and not is_origin(st, a) \
                    and not (re.search(r"\bthe\s+$", text_before(t, s_, 8)) and ACTOR_NOUN_AFTER.match(t[e_:])) \
                    and not POSSESSIVE_AFTER.match(t[e_:]):
                owners.append(a)
        # "Iran sold drones to Russia and stepped up its shipments": "its" is the last subject, not an object
        possessive = next((a for a in reversed(owners) if not _TO_BEFORE.search(text_before(t, a.start - st.start, 12))),
                          owners[-1] if owners else None)
    recipient = prep_actor(st, tg.end, win_hi, TO_PREPS)
    by_actor = prep_actor(st, tg.end, win_hi, "by")
    from_actor = prep_actor(st, tg.end, win_hi, "from")
    if tg.form == "noun":
        supplier = possessive or from_actor or by_actor or origin_actor(st, tg.end, win_hi)
        if supplier is None:
            dm = None
            for a in st.actors:
                s, e = rel_span(st, a)
                if e <= tg.start and tg.start - e < 25 and a.kind in ROLE_KINDS and re.fullmatch(r"[\s\w-]*", t[e:tg.start]) \
                        and not re.search(r"\b(?:to|from|for|of|with|by|in|on|over|against|and|or)\b", t[e:tg.start], re.I) \
                        and (a.form == "demonym" or not preps_before(st, a))\
                        and all(w[:1].isupper() or w.lower() in _NOUN_MODIFIERS for w in t[e:tg.start].split()):
                    dm = a
            supplier = dm
        ante = relative_antecedent(st, tg.start)
        subj = ante or subject_actor(st, speech_floor(st, lo, tg.start), tg.start)
        if subj is None and P.COMMIT_RE.search(t, lo, tg.start):
            subj = subject_actor(st, lo, P.COMMIT_RE.search(t, lo, tg.start).start())
            if subj is not None and len(t[subj.end - st.start: tg.start].split()) > 6 \
                    and not announced_by(t[subj.end - st.start: tg.start]):
                subj = None
        if supplier is None and subj is None and pronoun_subject(st, lo, tg.start):
            from_pronoun = True
        if supplier is None and subj is not None:
            between = t[subj.end - st.start: tg.start]
            if subj is ante or announced_by(between):
                supplier = subj  # "the Pentagon on Tuesday announced a new package of aid for Ukraine"
            elif len(between.split()) <= 7 and not re.search(r"[,;]|\b(?:over|on|about|against|into|with|for|after|amid|despite|of|in|to|from|by|said|says|told|accused|urged|warned|according|sanction\w*|condemn\w*|impos\w*|seek\w*|sought|want\w*|request\w*|receiv\w*|await\w*|need\w*|monitor\w*|watch\w*|track\w*|investigat\w*|concern\w*|counter\w*|expos\w*|disrupt\w*|oppos\w*|criticis\w*|criticiz\w*|protest\w*|welcom\w*|block\w*|stop\w*|halt\w*|prevent\w*|ban(?:s|ned|ning)?|den(?:y|ies|ied|ying)|reject\w*)\b", between, re.I):
                supplier = subj
        if recipient is None and supplier is not None and supplier is from_actor and subj is not None and subj.code != supplier.code:
            recipient = subj
        if recipient is None and _AID_NOUN.search(t[tg.start:tg.end]):
            recipient = prep_actor(st, tg.end, win_hi, "for")
        if recipient is None:
            m2 = _FOR_AFTER.match(t[tg.end:win_hi])
            if m2 and re.search(r"\b(?:package|aid|assistance)\b", t[max(0, tg.start - 40):tg.end], re.I):
                a = actor_at(st, tg.end + m2.end(), 4)
                recipient = a if a is not None and a.kind in ROLE_KINDS else None
    elif tg.form == "passive":
        supplier = by_actor or from_actor or goods_owner(st, max(lo, prv), tg.start)
        if supplier is None:
            # "Iranian-made drones were delivered to", "vehicles made in the UAE had been delivered to":
            # the goods' stated origin supplied them once a transfer verb says they were delivered
            supplier = origin_actor(st, max(lo, prv), tg.start) or made_in_actor(st, max(lo, prv), tg.start)
        subj = subject_actor(st, lo, tg.start)
        if supplier is None and subj is not None and TO_BE_BEFORE.search(t, max(lo, prv), tg.start) \
                and _MAKE_VERB.search(t, subj.end - st.start, tg.start):
            supplier = subj  # "Egypt planned to produce 40,000 rockets to be shipped to Russia": the maker ships
        if recipient is None and subj is not None and re.match(r"^\s+with\b", t[tg.end:]):
            recipient = subj
        if recipient is None and supplier is not None:
            recipient = _user_of_supplied(st, tg, max(lo, prv), supplier)
    elif tg.form == "adj":
        if t[tg.start] in "-‑" or (tg.start > 0 and t[tg.start - 1] in "-‑"):
            hyphen = tg.start if t[tg.start] in "-‑" else tg.start - 1
            for a in st.actors:
                s, e = rel_span(st, a)
                if e == hyphen and a.kind in ROLE_KINDS:
                    supplier = a
        else:
            supplier = actor_at(st, tg.end, 4)
            # "provided to Y by X", "provided by X to Y"
            recipient = prep_actor(st, tg.start, tg.end, "to") or prep_actor(st, tg.end, win_hi, "to")
        if recipient is None:
            floor = speech_floor(st, 0, tg.start)
            others = [a for a in st.actors if a.kind in ROLE_KINDS and supplier is not None and a.code != supplier.code
                      and a.start - st.start >= floor
                      and not preps_before(st, a) and not is_origin(st, a)]
            if len({a.code for a in others}) == 1:
                recipient = others[-1]
    else:  # verb / train
        subj = _verb_subject(st, tg, span, max(lo, prv if span.i and span.trigs[span.i - 1].kind != tg.kind else lo))
        if subj is None and span.i and span.trigs[span.i - 1].form == "contract" and _TO_GAP.fullmatch(t, prv, tg.start):
            signed_at = span.trigs[span.i - 1].start
            subj = subject_actor(st, speech_floor(st, lo, signed_at), signed_at)
            if subj is not None and _CLAUSE_OR_PRONOUN.search(t, subj.end - st.start, signed_at):
                subj = None  # "When X visited Naypyitaw, he signed ...": not the place before
            # "Ankara signed an agreement to supply Romania with ...": the signatory supplies
        supplier = subj
        if _BY_END.search(text_before(t, tg.start, 6)):
            # "by supplying F-16s Denmark has become a party": the gerund's subject follows it
            supplier = next((a for a in st.actors if a.start - st.start > tg.end and a.kind in ROLE_KINDS
                             and re.match(r"\s+(?:has|have|had|is|are|was|were|will|would|\w+ed)\b", t[a.end - st.start:])), None) \
                or supplier  # "Iran violated the embargo by sending weapons": the subject before it
        if _VEHICLE_BEFORE.search(t, max(0, tg.start - 30), tg.start):
            # "intercepted a fishing boat smuggling rifles from Iran to Yemen": the boat carries; the route says who sends
            supplier = prep_actor(st, tg.end, win_hi, "from")
        by_agent = _BY_AFTER.match(t, tg.end) if supplier is None else None
        if by_agent is not None:  # "the training provided by the IRGC to the Houthis": a reduced passive
            supplier = actor_at(st, by_agent.end(), 4)
            supplier = supplier if supplier is not None and supplier.kind in ROLE_KINDS else None
        if supplier is not None and _LATER_IT_THEY.search(t, supplier.end - st.start, tg.start):
            supplier = None  # "Iran has fought IS in Syria, but it has also supplied": the pronoun is the subject
        if supplier is None and pronoun_subject(st, lo, tg.start):
            from_pronoun = True
        rel = _WHOM_WHICH_BEFORE.search(text_before(t, tg.start, 40))
        if rel:
            base = tg.start - len(text_before(t, tg.start, 40)) + rel.start()
            antecedent = next((a for a in st.actors if a.end - st.start == base and a.kind in ROLE_KINDS), None)
            if antecedent is not None:
                recipient = antecedent
                if supplier is None and re.search(r"\b(?:it|they)\s+(?:\w+\s+)?$", text_before(t, tg.start, 20)):
                    lead = next((a for a in st.actors if a.kind in ROLE_KINDS), None)
                    if lead is not None and lead.code != antecedent.code and re.fullmatch(r"(?:The\s+)?", t[: lead.start - st.start]):
                        supplier = lead
        direct = actor_at(st, tg.end + 1, 2) if tg.end < len(t) else None
        if direct is not None and direct.kind in ROLE_KINDS and not is_origin(st, direct) and not rel:
            recipient = direct
            if P.NOT_GOODS_OBJECT_RE.match(t, direct.end - st.start):
                return None  # "gave London assurances": not goods
        if tg.form == "train":
            for a in st.actors:
                s, e = rel_span(st, a)
                if tg.end <= s < tg.end + 20 and a.kind in ROLE_KINDS:
                    recipient = a
                    break
        if recipient is None:
            recipient = prep_actor(st, tg.end, win_hi, TO_PREPS)
        if recipient is None and _THEM_AFTER.match(t, tg.end) and any(
                0 <= w.start - st.start - _THEM_AFTER.match(t, tg.end).end() < 25 for w in st.weapons):
            # "Iran, which has denied sending them arms": the party named before that is not the subject
            doers = {x.code for x in (supplier, subject_actor(st, lo, tg.start), relative_antecedent(st, tg.start)) if x is not None}
            recipient = next((a for a in reversed(st.actors) if a.end - st.start <= tg.start and a.kind in ROLE_KINDS
                              and a.code not in doers and not is_origin(st, a)
                              and not (a.form == "demonym" and ACTOR_NOUN_AFTER.match(t[a.end - st.start:]))), None)
        if recipient is None:
            # "supplied weapons to groups including Hezbollah and Hamas": the first example
            to = _TO_WORD.search(t, tg.end, win_hi)
            examples = exemplified(st, to.end()) if to else []
            recipient = examples[0] if examples else None
        if recipient is None:
            # "supplied most of Armenia's weapons": the owner of the goods is the recipient
            for w in st.weapons:
                ws_ = w.start - st.start
                if tg.end <= ws_ < win_hi:
                    owner = next((a for a in st.actors if a.kind in ROLE_KINDS and a.start - st.start >= tg.end
                                  and re.fullmatch(r"[’']s\s+(?!own\b)(?:[\w-]+\s+){0,2}", t[a.end - st.start:ws_])), None)
                    if owner is not None and (supplier is None or owner.code != supplier.code):
                        recipient = owner
                    break
        if tg.form == "verb" and t[tg.start:tg.end].lower() in P.WEAK_SUPPLY and recipient is None:
            return None
        span.prev_subject = subj
    return supplier, recipient, from_pronoun


_LATER_IT_THEY = re.compile(r",\s*(?:(?:and|but|yet|so)\s+)?(?:it|they)\s+(?:[\w-]+\s+){0,3}$")
_BY_AFTER = re.compile(r"\s+(?:directly\s+|mainly\s+|largely\s+)?by\s+", re.I)
_THEM_AFTER = re.compile(r"\s+them\s+", re.I)  # "sending them arms": them, then the goods
_VEHICLE_BEFORE = re.compile(r"\b(?:boat|vessel|ship|dhow|truck|lorry|plane|aircraft|convoy|freighter|smugglers?|network)s?\s+$", re.I)
_TO_GAP = re.compile(r"\s+(?:with\s+\w+\s+)?to\s+", re.I)
_CLAUSE_OR_PRONOUN = re.compile(r"[,;]|\b(?:he|she|it|they|we)\b", re.I)
_TO_WORD = re.compile(r"\bto\s+", re.I)
_ADMITTED_GERUND = re.compile(r"\b(?:acknowledg|admit|confirm|conced|recogni[sz])\w*\s+(?:to\s+)?(?:having\s+)?$", re.I)
_ENABLER_BEFORE = re.compile(r"\b(?:allow|let|help|enabl|permit)\w*\s+(?:the\s+)?$", re.I)


_ASIDE = re.compile(r"\b(?:amid|after|despite|during|following|as|while|since|because|before)\b", re.I)
_FOR_FORCES_OF = re.compile(r"\bfor\s+(?:the\s+)?(?:\w+\s+)?(?:armed forces|army|military|navy|air force|troops|forces)\s+of\s+", re.I)


def _source(st: Sentence, tg: Trigger, win_hi: int) -> ActorMention | None:
    """The actor after "from" that the goods come from: not one in an aside ("received Russian hardware
    amid Moscow's pivot from Syria", where the goods' origin says who sent them)."""
    a = prep_actor(st, tg.end, win_hi, "from")
    if a is not None and _ASIDE.search(st.text, tg.end, a.start - st.start) and origin_actor(st, tg.end, a.start - st.start):
        return None
    if a is None and tg.kind == "acquire":
        m = _SHARE_OF_EXPORTS.match(st.text, tg.end)  # "India received 30% of France's arms exports"
        if m:
            a = next((x for x in st.actors if x.start - st.start == m.start(1) and x.kind in ROLE_KINDS), None)
        elif tg.form == "verb":
            a = made_in_actor(st, tg.end, win_hi)  # "Sudan received the Mohajer-6, a drone manufactured in Iran"
    return a


_SHARE_OF_EXPORTS = re.compile(r"\s+(?:about\s+|around\s+|nearly\s+|almost\s+|over\s+|more than\s+|some\s+)?(?:\d[\d.]*\s*(?:%|per\s*cent|percent)|"
                       r"(?:a|one|two)\s+(?:third|quarter|half|fifth)|half|most|much)\s+of\s+(?:all\s+)?(?:the\s+)?"
                       r"(\S+?)[’']s?\s+(?:major\s+|total\s+)?(?:arms|weapons?|military)\s+(?:exports|sales|deliveries|transfers)\b", re.I)


TO_BE_BEFORE = re.compile(r"\bto be\s+(?:\w+ly\s+)?$", re.I)
_MAKE_VERB = re.compile(r"\b(?:produc(?:e|es|ed|ing|tion of)|manufactur(?:e|es|ed|ing)|make|makes|made|making|build|builds|built|"
                        r"building|assembl(?:e|es|ed|ing))\b", re.I)


def acquire_parties(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """A recipient-side trigger: "bought ... from X", "X's purchase of", "acquired by X"."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    supplier = recipient = None
    from_pronoun = False
    if tg.form == "passive":
        recipient = prep_actor(st, tg.end, win_hi, "by")
        supplier = _source(st, tg, win_hi)
    elif tg.form == "noun":
        tail = max(0, tg.start - 60)
        m = re.search(r"(\S+)[’']s\s+(?:\w+\s+){0,2}$", t[tail:tg.start])
        if m:
            for a in st.actors:
                s, e = rel_span(st, a)
                if e == tail + m.start(1) + len(m.group(1)) and a.kind in ROLE_KINDS:
                    recipient = a
        if recipient is None:
            for a in st.actors:
                s, e = rel_span(st, a)
                if e <= tg.start and tg.start - e < 3 and a.form == "demonym":
                    recipient = a
        if recipient is None:
            recipient = prep_actor(st, tg.end, win_hi, "by")
        supplier = _source(st, tg, win_hi)
        if supplier is None and recipient is not None and tg.kind == "acquire":
            supplier = _share_holder(st, recipient, span)
    else:
        subj = _verb_subject(st, tg, span, lo)
        recipient = subj
        if recipient is None and pronoun_subject(st, lo, tg.start):
            from_pronoun = True
        supplier = _source(st, tg, win_hi)
        enabler = _ENABLER_BEFORE.search(text_before(t, subj.start - st.start, 40)) if subj is not None else None
        if supplier is None and enabler is not None:
            # "gunmakers allow Mexican cartels to get hold of guns": who lets them have the goods supplies them
            at = subj.start - st.start - len(text_before(t, subj.start - st.start, 40)) + enabler.start()
            supplier = subject_actor(st, speech_floor(st, lo, at), at)
        span.prev_subject = subj
    if recipient is None:
        fm = _FOR_FORCES_OF.search(t, tg.end, win_hi)  # "received ... for the armed forces of Niger"
        recipient = actor_at(st, fm.end(), 2) if fm else None
        recipient = recipient if recipient is not None and recipient.kind in ROLE_KINDS else None
    if supplier is None:
        supplier = origin_actor(st, tg.end, win_hi)
    if supplier is None and tg.form == "verb":
        # "sealed a deal with China to buy J-35 fighters": the deal's other party sells
        dm = _DEAL_WITH.search(t, lo, tg.start)
        if dm:
            supplier = actor_at(st, dm.end(), 4)
            supplier = supplier if supplier is not None and supplier.kind in ROLE_KINDS and supplier is not recipient else None
    return supplier, recipient, from_pronoun


# "Israel accounts for 60 percent of Azerbaijan's arms imports", "France was the main source of India's ..."
_SHARE_OF = re.compile(r"\s+(?:\w+\s+){0,2}?(?:account\w*\s+for|made\s+up|makes?\s+up|represent\w*|supplied|provided|delivered|"
                       r"(?:is|was|are|were|has been|remains|remained|became)\s+(?:the\s+|a\s+)?(?:\w+\s+){0,2}?"
                       r"(?:source|supplier|share|bulk|majority|half|third|quarter))\s+(?:of\s+|for\s+)?(?:(?:about|around|some|nearly|"
                       r"almost|over|roughly|more than|less than|a|the|its|[\d.,]+\s*(?:%|per\s*cent|percent)|half|a third|a quarter)\s+)*"
                       r"(?:of\s+)?$", re.I)


def _share_holder(st: Sentence, recipient: ActorMention, span: Window) -> ActorMention | None:
    """The subject whose share of the recipient's imports the sentence states."""
    t = st.text
    at = recipient.start - st.start
    subj = subject_actor(st, speech_floor(st, span.lo, at), at)
    if subj is None or subj.code == recipient.code or not _SHARE_OF.fullmatch(t, subj.end - st.start, at):
        return None
    return subj


# "the Houthis have used missiles supplied by Iran", "Hezbollah's arsenal of rockets supplied by Iran"
_USER_VERB = re.compile(r"\s+(?:(?:has|have|had|is|are|was|were)\s+)?(?:\w+ly\s+)?(?:been\s+)?(?:also\s+)?"
                        r"(?:us(?:e|es|ed|ing)|fir(?:e|es|ed|ing)|launch(?:es|ed|ing)?|deploy(?:s|ed|ing)?|field(?:s|ed|ing)?|"
                        r"operat(?:e|es|ed|ing)|employ(?:s|ed|ing)?)\s+(?:[\w-]+\s+){0,3}$"
                        r"|(?:[’']s)?\s+(?:arsenal|stockpile|inventory|stocks?)\s+(?:(?:is|was|are|were|includes?|included|consists? of|"
                        r"(?:is\s+)?(?:\w+ly\s+)?made up of)\s+)?(?:of\s+)?(?:[\w-]+\s+){0,3}$", re.I)


def _user_of_supplied(st: Sentence, tg: Trigger, lo: int, supplier: ActorMention) -> ActorMention | None:
    """The subject that uses (or holds) the goods a passive says were supplied."""
    t = st.text
    goods = next((w for w in st.weapons if lo <= w.start - st.start < tg.start
                  and re.fullmatch(r"\s*(?:(?:were|was|had been|have been)\s+)?(?:\w+ly\s+)?", t[w.end - st.start:tg.start])), None)
    if goods is None:
        return None
    at = goods.start - st.start
    user = subject_actor(st, speech_floor(st, lo, at), at)
    if user is None or user.code == supplier.code or not _USER_VERB.fullmatch(t, user.end - st.start, at):
        return None
    return user


_DEAL_WITH = re.compile(r"\b(?:deals?|agreements?|contracts?|accords?|talks|negotiations)\s+with\s+(?=[^,;]*\bto\s*$)", re.I)


_CLAIM_THEN_PRONOUN = re.compile(r"(?:[’']s)?\s+(?:[\w-]+\s+)?(?:claims?|allegations?|accusations?|reports?|assertions?|charges?|suggestions?)\s+"
                                 r"(?:that\s+)?(?:it|they)\s+(?:(?:had|has|have|was|were|is|are|also|\w+ly)\s+){0,2}", re.I)


def _verb_subject(st: Sentence, tg: Trigger, span: Window, floor: int) -> ActorMention | None:
    """A verb's subject: the actor before it (after `floor` and the last speech verb), the head of a
    relative clause ("India, which ..., sold"), or the previous verb's subject ("X bought ... and sold")."""
    t, lo, prv = st.text, span.lo, span.prv
    subj = subject_actor(st, speech_floor(st, floor, tg.start), tg.start)
    admitted = _ADMITTED_GERUND.search(t, max(floor, tg.start - 40), tg.start) \
        if subj is None and t[tg.start:tg.end].lower().endswith("ing") else None
    if admitted is not None:
        subj = subject_actor(st, speech_floor(st, floor, admitted.start()), admitted.start())  # "Syria acknowledged receiving"
    head = relative_head(st, lo, tg.start) or relative_antecedent(st, tg.start)
    if head is not None:
        subj = head
    if subj is None and span.i > 0 and span.prev_subject is not None and _AND_OR_END.search(t[max(prv, tg.start - 40):tg.start]):
        subj = span.prev_subject
    if subj is not None and head is None and _CLAIM_THEN_PRONOUN.fullmatch(t, subj.end - st.start, tg.start):
        return None  # "Iran rejects US claims it armed the Houthis": the pronoun is the subject, not the claimant
    if subj is not None and head is None and others_as_agent(st, subj.end - st.start, tg.start):
        return None  # "Britain's move may encourage other governments to send": they, not Britain, would send
    return subj


def others_as_agent(st: Sentence, lo: int, pos: int) -> bool:
    """Whether the verb at `pos` is an infinitive whose subject is a non-actor object of the verb before
    it ("encourage other governments to send", "wants allies to supply")."""
    m = _OTHERS_TO.search(st.text, max(lo, pos - 80), pos)
    return m is not None and m.end() == pos and not any(m.start() <= a.start - st.start < pos for a in st.actors)


# A verb whose object (not an actor: "other governments", "allies") is the subject of the infinitive after it.
_OTHERS_TO = re.compile(r"\b(?:encourag|urg|ask|press|push|pressur|persuad|lobb|prompt|invit|allow|permit|want|expect|"
                        r"call\w* on|appeal\w* to)\w*\s+(?:[\w-]+\s+){1,3}to\s+", re.I)
