"""Stage 3b, parties of the special trigger forms, and the dispatch of every trigger to its rules.

"Y turned to X for", "X signed a contract", "X's dealings with Y", "X is Y's supplier", "the S-400's
customers include ...", "in Y's arsenals", "thanked X for", "carrying ... from X to Y", "arrived in Y",
"came from X", "breached the embargo on Y". The verb and noun forms of supply and acquisition are in
parties.py.
"""
from __future__ import annotations

import re

from app.extract.parties import TO_PREPS, Parties, Window, acquire_parties, supply_parties
from app.extract.roles import (
    ACTOR_NOUN_AFTER, POSSESSIVE_AFTER, ROLE_KINDS, actor_at, goods_owner, is_origin, origin_actor, prep_actor,
    pronoun_subject, speech_floor, subject_actor,
)
from app.extract.sentences import Sentence, rel_span, text_before
from app.extract.state import Trigger


def _turned(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "Russia turned to Iran for drones": the subject receives from the actor after "to"."""
    lo = span.lo
    recipient = subject_actor(st, lo, tg.start)
    supplier = actor_at(st, tg.end, 4)
    return supplier, recipient, False


def _contract(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "X signed a contract with Y": the subject and the other party, by the trigger's kind."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    subj = subject_actor(st, speech_floor(st, lo, tg.start), tg.start)
    other = prep_actor(st, tg.end, win_hi, "with|from|to") or origin_actor(st, tg.end, win_hi)
    if other is None:
        for a in st.actors:
            s_, e_ = rel_span(st, a)
            if tg.end <= s_ < win_hi and a.form == "demonym" and a.kind in ROLE_KINDS and ACTOR_NOUN_AFTER.match(t[e_:]):
                other = a
                break
    if tg.kind == "acquire":
        recipient, supplier = subj, other
    else:
        supplier, recipient = subj, other
    return supplier, recipient, False


def _dealings(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "arms dealings with Y": the subject supplies the actor after "with"."""
    lo = span.lo
    from_pronoun = False
    supplier = subject_actor(st, speech_floor(st, lo, tg.start), tg.start)
    recipient = actor_at(st, tg.end + 1, 4)
    recipient = recipient if recipient is not None and recipient.kind in ROLE_KINDS else None
    if supplier is None and pronoun_subject(st, lo, tg.start):
        from_pronoun = True
    return supplier, recipient, from_pronoun


_WITH_AS = re.compile(r"\bwith\s+(?:the\s+)?$", re.I)
_AS_AFTER = re.compile(r"\s+as\s+", re.I)


def _supplier_noun(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "X is Y's main arms supplier"."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    recipient = None
    from_pronoun = False
    floor = speech_floor(st, lo, tg.start)
    subj = subject_actor(st, floor, tg.start)
    with_as = next((a for a in st.actors if a.kind in ROLE_KINDS and floor <= a.start - st.start < tg.start
                    and _AS_AFTER.match(t, a.end - st.start) and _WITH_AS.search(t, max(lo, a.start - st.start - 8), a.start - st.start)), None)
    if with_as is not None:
        subj = with_as  # "..., with China as its main supplier"
    elif subj is not None and POSSESSIVE_AFTER.match(t[subj.end - st.start:]):
        subj = subject_actor(st, floor, subj.start - st.start)  # "Russia is Bolivia's main arms supplier"
    if subj is None or not re.search(r"\b(?:is|was|are|were|has been|have been|remains|remained|became|become|as)\b", t[subj.end - st.start:tg.start]):
        return None
    supplier = subj
    pm = re.search(r"(\S+?)[’']s\s+(?:[\w-]+\s+){0,3}$|\b(our|their|its)\s+(?:[\w-]+\s+){0,3}$", text_before(t, tg.start, 60))
    if pm and pm.group(1):
        base = tg.start - len(text_before(t, tg.start, 60))
        recipient = next((a for a in st.actors if a.end - st.start == base + pm.end(1) and a.kind in ROLE_KINDS), None)
    elif pm and pm.group(2) == "our":
        from_pronoun = True
    elif pm and _WITH_AS.search(t, max(lo, subj.start - st.start - 8), subj.start - st.start):
        # "Pakistan's imports rose, with China as its main supplier": "its" is the sentence's first party
        recipient = next((a for a in st.actors if a.kind in ROLE_KINDS and a.start < subj.start and a.code != subj.code), None)
    if recipient is None:
        recipient = prep_actor(st, tg.end, win_hi, "to|for")
    return supplier, recipient, from_pronoun


_INCLUDE_AFTER = re.compile(r"(?:\s+[\w’'-]+){0,6}?\s+(?:have\s+|has\s+)?(?:include[ds]?|included|are|were|such as|among them)"
                            r"\s*:?\s+", re.I)


def _customers(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "The S-400's customers include China, India and Turkey": the first customer listed (the rest
    follow as its list); the supplier is the goods' origin, else their maker (found with the goods)."""
    m = _INCLUDE_AFTER.match(st.text, tg.end)
    recipient = actor_at(st, m.end(), 4) if m else None
    if recipient is None or recipient.kind not in ROLE_KINDS or is_origin(st, recipient):
        return None
    return origin_actor(st, span.lo, tg.start), recipient, False


def _possess(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "Iranian-made weapons in Houthi arsenals": goods of a stated origin that reached the holder."""
    lo = span.lo
    recipient = next((a for a in st.actors if tg.start <= a.start - st.start < tg.end and a.kind in ROLE_KINDS), None)
    supplier = origin_actor(st, lo, tg.start)
    if supplier is None or recipient is None:
        return None
    return supplier, recipient, False


def _thank(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "Mali thanked Russia for the aircraft": the thanked party supplies the subject."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    supplier = None
    for a in st.actors:
        s_, e_ = rel_span(st, a)
        if tg.end <= s_ <= tg.end + 20 and a.kind in ROLE_KINDS and re.fullmatch(r"\s+(?:(?:the|his|her|their|its)\s+)?", t[tg.end:s_]):
            supplier = a
            break
    if supplier is None or not re.search(r"\bfor\b", t[supplier.end - st.start: win_hi]):
        return None
    recipient = subject_actor(st, lo, tg.start)
    return supplier, recipient, False


def _carry(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "a dhow carrying rifles from Iran to the Houthis"."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    low = t[tg.start:tg.end].lower()
    if low.startswith(("bound", "destined", "en route", "headed", "heading")):
        recipient = actor_at(st, tg.end + 1, 4)
        recipient = recipient if recipient is not None and recipient.kind in ROLE_KINDS else None
    else:
        recipient = prep_actor(st, tg.end, win_hi, TO_PREPS)
    supplier = prep_actor(st, tg.start, win_hi, "from") or prep_actor(st, max(lo, span.prv), tg.start, "from") \
        or origin_actor(st, lo, win_hi)  # "smuggled by a fishing ship from Iran likely bound for Yemen"
    return supplier, recipient, False


def _arrive(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "Iranian drones arrived in Russia"."""
    lo, win_hi, prv = span.lo, span.win_hi, span.prv
    supplier = origin_actor(st, max(lo, prv), tg.start) or prep_actor(st, tg.end, win_hi, "from") \
        or goods_owner(st, max(lo, prv), tg.start) \
        or prep_actor(st, max(lo, prv), tg.start, "from")  # "South Korea's howitzers", "tanks from Portugal have arrived"
    recipient = None
    if st.text[tg.start:tg.end].lower() == "reached":  # "reached Ukraine through intermediaries in ...": its object
        recipient = actor_at(st, tg.end + 1, 4)
        recipient = recipient if recipient is not None and recipient.kind in ROLE_KINDS else None
    recipient = recipient or prep_actor(st, tg.end, win_hi, "in|to|at")
    return supplier, recipient, False


def _origin(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "the components in Russia's weapons come from the U.S.", "parts Russia imports originate in ...":
    the state after "from"/"in" supplied the holder named before (its possessive, demonym or subject)."""
    supplier = next((a for a in st.actors if a.start - st.start == tg.end and a.kind == "state"), None)
    if supplier is None:
        return None
    before = [a for a in st.actors if span.lo <= a.start - st.start and a.end - st.start <= tg.start
              and a.kind in ROLE_KINDS and a.code != supplier.code]
    holder = next((a for a in reversed(before) if POSSESSIVE_AFTER.match(st.text[a.end - st.start:]) or a.form == "demonym"), None) \
        or (before[-1] if before else None)
    return supplier, holder, False


def _embargo(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "X breached the arms embargo on Y" / "X broke the Libya arms embargo": X supplied Y."""
    recipient = next((a for a in st.actors if tg.start <= a.start - st.start and a.end - st.start <= tg.end + 30
                      and a.kind in ROLE_KINDS and (a.end - st.start <= tg.end or a.start - st.start - tg.end <= 4)), None)
    supplier = subject_actor(st, speech_floor(st, span.lo, tg.start), tg.start)
    if recipient is None or supplier is None or supplier.code == recipient.code:
        return None
    return supplier, recipient, False


_BUYER_SUBJECT_GAP = re.compile(r"\s*(?:,\s*(?:the|a|an|one of the)\s|\s(?:has\s+|have\s+|had\s+)?(?:long\s+|now\s+|also\s+|since\s+)?"
                                r"(?:is|was|are|were|been|remains|remained|became|becomes|become|emerged as|ranks as|ranked as|as)\s)", re.I)


def _buyer(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """ "India is the largest buyer of Russian arms", "Egypt, a major customer for French jets": the
    subject buys from the origin of the goods (or the actor after "from")."""
    t, lo, win_hi = st.text, span.lo, span.win_hi
    recipient = subject_actor(st, speech_floor(st, lo, tg.start), tg.start)
    if recipient is None or not _BUYER_SUBJECT_GAP.match(t, recipient.end - st.start) \
            or len(t[recipient.end - st.start:tg.start].split()) > 8:
        return None
    supplier = origin_actor(st, tg.end, win_hi) or prep_actor(st, tg.end, win_hi, "from")
    if supplier is None or supplier.code == recipient.code:
        return None
    return supplier, recipient, False


BY_FORM = {"embargo": _embargo, "origin": _origin, "turned": _turned, "contract": _contract, "dealings": _dealings, "supplier": _supplier_noun, "customers": _customers, "buyer": _buyer,
            "possess": _possess, "thank": _thank, "carry": _carry, "arrive": _arrive}


def parties_of(st: Sentence, tg: Trigger, span: Window) -> Parties | None:
    """The trigger's supplier and recipient mentions (and whether the supplier is a pronoun), by its
    form and kind; None when the trigger turns out not to name a transfer."""
    return (BY_FORM.get(tg.form) or (supply_parties if tg.kind == "supply" else acquire_parties))(st, tg, span)
