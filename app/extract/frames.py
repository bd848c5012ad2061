"""Stage 3c, frames: each trigger with its parties, weapons, negation and status.

`find_frames(st, state)` runs the triggers (triggers.py), asks parties.py for each trigger's
supplier and recipient, then takes its weapons (`_frame_weapons`), negation (`_negated`),
status and quantity, and the actors coordinated with each party.
"""
from __future__ import annotations

import re
from dataclasses import replace

from app.extract import patterns as P
from app.extract.goods import quantity_at, weapons_in
from app.extract.lexicon import ActorMention
from app.extract.forms import parties_of
from app.extract.parties import TO_BE_BEFORE, Window
from app.extract.lists import coordinated_before, listed_after
from app.extract.roles import ROLE_KINDS, prep_actor, speech_floor, subject_actor
from app.extract.sentences import Sentence, clause_of, text_before
from app.extract.state import ArticleState, Frame, Trigger
from app.extract.triggers import find_triggers

_DONE_VERB = re.compile(r"\b(?:has|have|had|was|were|\w+ed|sent|sold|gave|bought|got|took|taken)\b", re.I)
_DONE_VERB_LOW = P.lowered(_DONE_VERB)
_ARMING = re.compile(r"arm(?:s|ing|ed)?\b", re.I)
_PLEDGE_VERB = re.compile(r"(?:committed|commits|pledg\w+|offer\w*)", re.I)
_QUESTION_WORD = re.compile(r"\b(?:how|what|whether|which|when|where|why)\b", re.I)
_FOLLOW_BEFORE = re.compile(r"\b(?:follow(?:s|ed|ing)?|join(?:s|ed|ing)?)\s+(?:the\s+)?$", re.I)
_IN_GAP = re.compile(r"\s+in\s+")
_AS_GAP = re.compile(r"\s+as\s+")
_DISPLACE_BEFORE = re.compile(r"\b(?:displac|replac|overt(?:ook|ake|akes|aken|aking)|surpass|oust|supplant|edg(?:e|es|ed|ing) out)\w*\s+"
                              r"(?:the\s+)?$", re.I)


def find_frames(st: Sentence, state: ArticleState) -> list[Frame]:
    """The transfer frames of a sentence, one per trigger that has goods and is not dropped by its rules."""
    trigs = find_triggers(st)
    if not trigs:
        return []
    bounds = st.bounds()
    n = len(st.text)
    frames: list[Frame] = []
    span = Window(0, trigs, 0, 0, 0, 0)
    shared: tuple[Trigger, bool | None, str] | None = None  # a verb whose goods follow the next one
    for i, tg in enumerate(trigs):
        lo, hi = clause_of(bounds, tg.start, n)
        nxt = trigs[i + 1].start if i + 1 < len(trigs) else n
        span.i, span.lo, span.hi = i, lo, hi
        span.prv = trigs[i - 1].end if i > 0 else 0
        span.win_hi = min(hi, nxt) if nxt > tg.end else hi
        before, shared = shared, None
        found = parties_of(st, tg, span)
        supplier, recipient, from_pronoun = found if found is not None else (None, None, False)
        if found is not None:
            supplier, recipient = _deal_parties(st, tg, span, supplier, recipient)
            supplier, followed = _follower(st, tg, lo, supplier)
        weapons = _frame_weapons(st, tg, span, recipient, state) if found is not None else []
        if not weapons:
            if i + 1 < len(trigs) and tg.form == "verb" and _SHARED_VERBS.fullmatch(st.text, tg.end, trigs[i + 1].start):
                shared = (tg, _negated(st, tg, span, None), _status(st, tg, lo))
            continue
        negated = _negated(st, tg, span, supplier)
        if negated is None:
            continue
        status = _status(st, tg, lo)
        frame = Frame(
            trigger=tg,
            supplier=supplier.code if supplier else None,
            recipient=_recipient_code(st, tg, supplier, recipient, state),
            weapons=weapons,
            negated=negated,
            status=status,
            quantity=quantity_at(st, weapons[0][2]),
            clause=(lo, hi),
            supplier_from_subject_pronoun=from_pronoun,
            more_suppliers=followed + [c for c in _listed_with(st, tg, supplier) if c not in followed],
            more_recipients=_listed_with(st, tg, recipient),
        )
        if before is not None and before[1] is not None and before[0].kind == tg.kind:
            # "has not supplied and will not supply shells to Kyiv": the first verb's goods are the second's
            frames.append(replace(frame, trigger=before[0], negated=before[1], status=before[2]))
        frames.extend(_gapped_split(st, span, frame, supplier if tg.kind == "acquire" else recipient, state))
        onward = _onward_recipient(st, tg, span, recipient)
        if onward is not None:  # "buy shells from Seoul for delivery to Kyiv": the buyer passes them on
            frames.append(replace(frame, supplier=recipient.code, recipient=onward.code, more_suppliers=[],
                                  more_recipients=[]))
    return frames


_GAP_AND = re.compile(r"(?:\s+(?:in|on|during|last|this|since)\s+[\w ]{1,20}?)?,?\s+and\s+")
_GAP_PREP = {p: re.compile(rf"\s+{p}\s+(?:the\s+)?") for p in ("from", "to")}


def _gapped_split(st: Sentence, span: Window, frame: Frame, party: ActorMention | None, state: ArticleState) -> list[Frame]:
    """The frame, or the two halves of a gapped coordination after its party ("bought Rafales from France
    and MiG-29s from Russia"): the second goods go to their own party and leave the first frame."""
    tg = frame.trigger
    gapped = _gapped(st, span, party, "from" if tg.kind == "acquire" else "to", state) \
        if tg.form == "verb" and party is not None else None
    if gapped is None:
        return [frame]
    other, goods = gapped
    own = [w for w in frame.weapons if w[2] < goods[0][2]] or frame.weapons
    first = replace(frame, weapons=own)
    second = replace(first, weapons=goods, quantity=quantity_at(st, goods[0][2]),
                     **({"supplier": other.code, "more_suppliers": []} if tg.kind == "acquire"
                        else {"recipient": other.code, "more_recipients": []}))
    return [first, second]


def _gapped(st: Sentence, span: Window, party: ActorMention, prep: str,
            state: ArticleState) -> tuple[ActorMention, list[tuple[str, str | None, int]]] | None:
    """The second half of a gapped coordination, right after the frame's party: "bought Rafale jets from
    France [in 2015] and MiG-29s from Russia", "sent tanks to Poland and howitzers to Ukraine"."""
    t = st.text
    m = _GAP_AND.match(t, party.end - st.start)
    if m is None:
        return None
    pm = _GAP_PREP[prep].search(t, m.end(), min(span.hi, m.end() + 60))
    if pm is None or any(m.end() <= g.start < pm.start() for g in span.trigs):
        return None
    goods = weapons_in(st, m.end(), pm.start(), state)
    other = next((a for a in st.actors if a.start - st.start == pm.end() and a.kind in ROLE_KINDS), None)
    if not goods or other is None or other.code == party.code:
        return None
    first = min(w.start - st.start for w in st.weapons if m.end() <= w.start - st.start)
    if not _GAP_HEAD.fullmatch(t, m.end(), first):
        return None  # only goods (and their count) between "and" and the preposition
    return other, goods


_GAP_HEAD = re.compile(r"(?:(?:some|more|several|about|around|another|other|[\d,.]+|one|two|three|four|five|six|seven|eight|"
                       r"nine|ten|dozens of|hundreds of|thousands of)\s+)*")


# "has not supplied and will not supply", "sold or given": two verbs sharing the goods after the second
_SHARED_VERBS = re.compile(r"\s*,?\s+(?:and|or|nor)\s+(?:(?:has|have|had|will|would|did|does|do|is|are|was|were|"
                           r"can|could|not|never|n't|also|even|still|been)\s+){0,3}")


def _status(st: Sentence, tg: Trigger, lo: int) -> str:
    """planned (a plan word from the clause's start to the trigger), delivered (a done verb) or unknown."""
    t = st.text
    if st.folds:
        planned = bool(P.PLANNED_RE.search(t[lo:tg.end])) or tg.form in ("train", "contract")
        done = _DONE_VERB.search(t[lo:tg.end])
    else:  # the same scans of the lower case, without IGNORECASE (P.lowered)
        planned = bool(P.PLANNED_LOW.search(st.low[lo:tg.end])) or tg.form in ("train", "contract")
        done = _DONE_VERB_LOW.search(st.low[lo:tg.end])
    if tg.form == "verb" and t[tg.start:tg.end].lower() in _ORDER_WORDS:
        planned = True  # "Kazakhstan has ordered Anka drones": on order, not yet delivered
    if tg.form == "passive" and TO_BE_BEFORE.search(t, max(lo, tg.start - 20), tg.start):
        planned = True  # "shells to be shipped to Ukraine"
    if planned and tg.form == "verb" and _FULFILLED.search(t, max(lo, tg.start - 60), tg.start):
        return "delivered"  # "fulfilled a contract to deliver missiles": the plan carried out
    return "planned" if planned else ("delivered" if done or tg.form in ("customers", "buyer") else "unknown")


_ORDER_WORDS = frozenset({"order", "orders", "ordered", "ordering"})
_FULFILLED = re.compile(r"\b(?:fulfill?ed|completed|honou?red|executed|carried out)\s+(?:a|an|the|its|their|his|her)\s+"
                        r"(?:[\w$.,-]+\s+){0,3}?(?:contract|deal|order|agreement|obligation|commitment)s?\s+to\s+$", re.I)


_DEAL_WITH = re.compile(r"\b(?:deal|contract|agreement)\s+with\b", re.I)
_DEAL_GAP = re.compile(r"\s+(?:for\s+the|to)\s+$", re.I)


def _deal_parties(st: Sentence, tg: Trigger, span: Window, supplier: ActorMention | None,
                  recipient: ActorMention | None) -> tuple[ActorMention | None, ActorMention | None]:
    """ "Russia signed a deal with Vietnam to supply Yak-130s": the transfer named right after a signed deal
    has the deal's parties, its signatory on the side of the transfer's verb."""
    if tg.form == "contract":
        span.deal = (tg.end, supplier, recipient) if tg.kind == "supply" else (tg.end, recipient, supplier)
        return supplier, recipient
    deal, span.deal = span.deal, None
    if deal is None and tg.kind == "supply" and tg.form == "verb" and recipient is None:
        m = _DEAL_WITH.search(st.text, max(span.lo, tg.start - 80), tg.start)
        other = prep_actor(st, m.end() - 5, tg.start, "with") if m else None  # "... deal with Romania to export tanks"
        if other is not None and _DEAL_GAP.fullmatch(st.text, other.end - st.start, tg.start):
            return supplier, other
    if deal is None or deal[1] is None or deal[2] is None or not _DEAL_GAP.fullmatch(st.text, _deal_end(st, deal), tg.start):
        return supplier, recipient
    _, signatory, other = deal
    if tg.kind == "supply" and supplier in (None, signatory) and recipient is None:
        return signatory, other
    if tg.kind == "acquire" and recipient in (None, signatory) and supplier is None:
        return other, signatory
    return supplier, recipient


def _deal_end(st: Sentence, deal: tuple[int, ActorMention, ActorMention]) -> int:
    """Where the deal's phrase ends: after "with <other party>" when it follows the contract noun."""
    end, _, other = deal
    o_end = other.end - st.start
    return o_end if end <= other.start - st.start and o_end > end else end


_ONWARD = re.compile(r"\s*,?\s+(?:for\s+(?:delivery|transfer|shipment|onward\s+delivery)\s+to|to\s+be\s+(?:sent|delivered|"
                     r"transferred|passed\s+on|shipped)\s+(?:on\s+)?to|destined\s+for)\s+(?:the\s+)?", re.I)


def _onward_recipient(st: Sentence, tg: Trigger, span: Window, recipient: ActorMention | None) -> ActorMention | None:
    """ "Washington was close to a deal to buy 100,000 shells from South Korea for delivery to Ukraine":
    the party the buyer's goods go on to."""
    if tg.kind != "acquire" or recipient is None:
        return None
    t = st.text
    for m in _ONWARD.finditer(t, tg.end, span.hi):
        nxt = next((a for a in st.actors if a.start - st.start == m.end() and a.kind in ROLE_KINDS), None)
        if nxt is not None and nxt.code != recipient.code:
            return nxt
    return None


def _follower(st: Sentence, tg: Trigger, lo: int, supplier: ActorMention | None) -> tuple[ActorMention | None, list[str]]:
    """ "Germany agreed to follow France in supplying ...", "Canada joined Britain in sending ...": the subject
    of follow/join supplies too, and the party it follows is one more supplier."""
    t = st.text
    if supplier is not None and tg.form == "supplier" and _AS_GAP.match(t, supplier.end - st.start, tg.start):
        m = _DISPLACE_BEFORE.search(text_before(t, supplier.start - st.start, 30))
        subject = subject_actor(st, lo, supplier.start - st.start - len(m.group(0))) if m else None
        if subject is not None and subject.code != supplier.code:
            return subject, [supplier.code]  # "France displaced the US as India's second arms supplier": both supply
    if supplier is None or tg.kind != "supply" or not _IN_GAP.fullmatch(t, supplier.end - st.start, tg.start):
        return supplier, []
    m = _FOLLOW_BEFORE.search(text_before(t, supplier.start - st.start, 20))
    if m is None:
        return supplier, []
    follow_at = supplier.start - st.start - len(text_before(t, supplier.start - st.start, 20)) + m.start()
    subject = subject_actor(st, lo, follow_at)
    if subject is None or subject.code == supplier.code:
        return supplier, []
    return subject, [supplier.code]


_GROUP_AFTER = re.compile(r"\s+(?:the|this|that)\s+(?:[\w-]+\s+){0,3}?(?:group|movement|militia|organi[sz]ation|rebels|insurgents|"
                          r"militants)\b", re.I)


def _group_reference(st: Sentence, tg: Trigger, supplier: ActorMention | None, state: ArticleState) -> str | None:
    """ "denied arming the group", "provides the Gaza-based terror group with rockets": the armed group
    named last, in this sentence before the trigger or earlier in the article."""
    if tg.kind != "supply" or not _GROUP_AFTER.match(st.text, tg.end):
        return None
    group = next((a.code for a in reversed(st.actors) if a.kind == "group" and a.end - st.start <= tg.start), None) \
        or state.last_group
    return group if group is not None and (supplier is None or group != supplier.code) else None


_FORCES_OBJECT = re.compile(r"\s+(?:the|its|their)\s+(?:country[’']s\s+)?(?:military|junta|regime|army|armed forces|air force)\b"
                            r"(?!\s+of\b)", re.I)


def _forces_reference(st: Sentence, tg: Trigger, supplier: ActorMention | None, state: ArticleState) -> str | None:
    """ "Russia has also supplied the military with Yak-130 trainers": the state whose military the article
    named last ("Myanmar's military government"), never the supplier itself."""
    if tg.kind != "supply" or state.last_forces is None or not _FORCES_OBJECT.match(st.text, tg.end):
        return None
    return state.last_forces if supplier is None or state.last_forces != supplier.code else None


def _recipient_code(st: Sentence, tg: Trigger, supplier: ActorMention | None, recipient: ActorMention | None,
                    state: ArticleState) -> str | None:
    """The recipient's code; "the Lebanese group" is the armed group named before, not Lebanon;
    "sell shells that Ukraine's military would use": the goods' user."""
    if recipient is None or (recipient.form == "demonym" and _GROUP_AFTER.match(st.text, tg.end)):
        return _group_reference(st, tg, supplier, state) or (recipient.code if recipient else None) \
            or _end_user(st, tg, supplier) or (_forces_reference(st, tg, supplier, state) if recipient is None else None)
    return recipient.code


_USER_AFTER = re.compile(r"\b(?:that|which)\s+(?:the\s+)?$")
_USES_AFTER = re.compile(r"(?:[’']s\s+[\w-]+(?:\s+forces)?)?\s+(?:(?:would|will|could|might|can|may)\s+)?(?:\w+\s+)?"
                         r"(?:use|uses|used|deploy|deploys|deployed|field|fields)\b")


def _end_user(st: Sentence, tg: Trigger, supplier: ActorMention | None) -> str | None:
    if tg.kind != "supply":
        return None
    t = st.text
    for a in st.actors:
        s_, e_ = a.start - st.start, a.end - st.start
        if s_ > tg.end and a.kind in ROLE_KINDS and (supplier is None or a.code != supplier.code) \
                and _USER_AFTER.search(t, max(tg.end, s_ - 20), s_) and _USES_AFTER.match(t, e_):
            return a.code
    return None


def _listed_with(st: Sentence, tg: Trigger, party: ActorMention | None) -> list[str]:
    """The actors listed with a party: after it when it follows the trigger ("to Poland and Morocco"),
    before it when it is the subject ("Russia, China and Belarus have supplied")."""
    if party is None:
        return []
    if party.start - st.start > tg.start:
        return listed_after(st, party)
    return coordinated_before(st, party)


def _frame_weapons(st: Sentence, tg: Trigger, span: Window, recipient: ActorMention | None,
                   state: ArticleState) -> list[tuple[str, str | None, int]] | None:
    """The frame's weapons: after the trigger within the clause, else before it; None drops the frame."""
    t, lo, hi, win_hi, prv = st.text, span.lo, span.hi, span.win_hi, span.prv
    weapons = weapons_in(st, tg.end, win_hi, state)
    if weapons and tg.form == "passive" and not _WITH_AFTER.match(t, tg.end):
        subject_goods = [w for w in weapons_in(st, max(lo, prv), tg.start, state) if w[0] != "unspecified"]
        if subject_goods:  # "drones had been shipped to Russia from a factory": the subject is the goods
            weapons = subject_goods
    if tg.form == "turned":
        weapons = weapons_in(st, tg.end, hi, state)
    if tg.form == "arrive":
        weapons = weapons_in(st, max(lo, prv), tg.start, state)
    if tg.form == "origin":
        weapons = weapons_in(st, lo, tg.start, state)
    if tg.form == "origin" and any(w[0] != "unspecified" for w in weapons):
        weapons = [w for w in weapons if w[0] != "unspecified"]  # "the components in Russia's weapons": the weapons hold them
    if tg.form in ("dealings", "embargo"):
        weapons = [("unspecified", None, tg.start)]
    if tg.form == "customers" and recipient is not None:
        weapons = weapons_in(st, max(lo, prv), recipient.start - st.start, state)  # "the TB2's customers", "customers for the TB2"
    if tg.form == "possess":
        weapons = [w for w in weapons_in(st, lo, tg.start, state)]
    if tg.form == "thank" and not weapons:
        weapons = [("unspecified", None, tg.start)]
    if tg.form == "carry":
        weapons = [w for w in weapons if not (w[0] == "naval" and w[1] is None)]
    if tg.form == "carry" and (not weapons or re.match(r"\s+(?:them|it|the (?:weapons|arms|cargo|shipment))\b", t[tg.end:], re.I)):
        weapons = weapons_in(st, 0, tg.start, state)
    if not weapons and tg.form in ("noun", "supplier"):  # "arms shipments", "its arms supplier"
        weapons = [(w.category, w.system, w.start - st.start) for w in st.weapons
                   if w.start - st.start <= tg.start < w.end - st.start]
    if not weapons and tg.form == "supplier" and _OF_AFTER.match(t, tg.end) is None:
        weapons = weapons_in(st, lo, tg.start, state)  # "Pakistan's arms imports rose, with China as its main supplier"
    if not weapons and tg.form == "verb" and P.NOT_GOODS_OBJECT_RE.match(t, tg.end):
        return None  # "... and gave material backing to Hezbollah": its own object, no goods; borrow none
    if not weapons and tg.form in {"passive", "noun", "adj", "verb", "contract"}:
        weapons = weapons_in(st, lo if tg.form == "passive" else max(lo, prv), tg.start, state)
        if tg.form == "verb":
            reach = 160 if re.search(r"\b(?:that|which)\s+(?:[\w’'-]+\s+){1,3}$", t[max(lo, prv):tg.start]) else 60
            weapons = [w for w in weapons if w[2] > tg.start - reach]
    if not weapons and tg.form == "verb":
        weapons = _relative_head_goods(st, tg, state)  # "the drones, which the UAE gave to the RSF, ..."
    if not weapons and tg.form == "adj" and (t[tg.start] in "-‑" or t[tg.start - 1: tg.start] in ("-", "‑")):
        weapons = weapons_in(st, tg.end, min(len(t), tg.end + 60), state)
    if not weapons and tg.kind == "supply" and _ARMING.match(t[tg.start:tg.end]):
        weapons = [("unspecified", None, tg.start)]
    if weapons and all(w[0] == "unspecified" for w in weapons):
        weapons = _dashed_items(st, max(tg.end, max(w[2] for w in weapons)), state) or weapons
    if not weapons:
        return None
    if tg.form == "verb" and tg.kind == "supply" and _PLEDGE_VERB.match(t[tg.start:tg.end]) \
            and not any(c != "unspecified" for c, _, _ in weapons) and recipient is None:
        return None
    return weapons


_OF_AFTER = re.compile(r"\s+of\b", re.I)
_WITH_AFTER = re.compile(r"\s+(?:\w+ly\s+)?with\b", re.I)
_WHICH_BEFORE = re.compile(r",\s+(?:which|that)\s+(?:[\w’'-]+\s+){1,4}$", re.I)


def _relative_head_goods(st: Sentence, tg: Trigger, state: ArticleState) -> list[tuple[str, str | None, int]]:
    """The goods a non-restrictive relative clause hangs on, right before its comma."""
    m = _WHICH_BEFORE.search(st.text, max(0, tg.start - 60), tg.start)
    if m is None:
        return []
    ends = {w.start - st.start: w.end - st.start for w in st.weapons}
    return [w for w in weapons_in(st, max(0, m.start() - 60), m.start(), state) if ends.get(w[2], -9) >= m.start() - 1]


_DASH = re.compile(r"\s[–—]\s|\s-\s")


def _dashed_items(st: Sentence, after: int, state: ArticleState) -> list[tuple[str, str | None, int]]:
    """ "South Korean weaponry bought by Poland – K2 tanks and K9 howitzers – was received": the goods
    listed between dashes soon after the generic word (and the trigger) itemise it."""
    t = st.text
    opening = _DASH.search(t, after, min(len(t), after + 60))
    if opening is None:
        return []
    closing = _DASH.search(t, opening.end())
    items = weapons_in(st, opening.end(), closing.start() if closing else len(t), state)
    return [w for w in items if w[0] != "unspecified"]


_NO_SUBJECT_PASSIVE = re.compile(r"\b(?:[Nn]o|not a single|not one)\s+(?:[\w-]+\s+){0,6}?(?:was|were|has been|have been|had been|is|are|"
                                 r"will be|is being|are being)\s+(?:\w+ly\s+)?$")


def _negated(st: Sentence, tg: Trigger, span: Window, supplier: ActorMention | None) -> bool | None:
    """A negation between the subject and the trigger, or "no weapons" after it; None: "any" without a
    negation ("any transfer would ...") asserts nothing."""
    t, lo = st.text, span.lo
    neg_lo = max(lo, (supplier.end - st.start) if supplier and supplier.end - st.start <= tg.start else lo, speech_floor(st, lo, tg.start))
    for wm in _QUESTION_WORD.finditer(t[neg_lo:tg.start]):
        neg_lo = max(neg_lo, neg_lo + wm.end())
    if st.folds:
        neg_zone = t[neg_lo: tg.start] if tg.form != "noun" else t[max(lo, tg.start - 30): tg.start]
        negated = bool(P.NEGATION_RE.search(neg_zone)) or bool(P.NO_OBJECT_RE.match(t[tg.end:].lstrip()))
    else:  # the same scans of the lower case, without IGNORECASE (P.lowered)
        low = st.low
        neg_zone = low[neg_lo: tg.start] if tg.form != "noun" else low[max(lo, tg.start - 30): tg.start]
        negated = bool(P.NEGATION_LOW.search(neg_zone)) or bool(P.NO_OBJECT_LOW.match(low[tg.end:].lstrip()))
    if tg.form == "passive" and _NO_SUBJECT_PASSIVE.search(t, max(lo, tg.start - 60), tg.start):
        negated = True  # "No missile was sent to Russia"
    if tg.form in {"noun", "contract"} and re.search(r"\b(?:no|any|never a)\s+(?:\w+\s+)?$", text_before(t, tg.start, 24), re.I):
        if re.search(r"\bany\s+(?:\w+\s+)?$", text_before(t, tg.start, 24), re.I) and not P.NEGATION_RE.search(t, lo, tg.start):
            return None
        negated = True
    return negated
