"""Stage 4b, references: who "it", "they", "we", "us" and "them" name when a frame's party is a pronoun.

"It sold ...", "..., and they bought ...", "accusing it of arming ...", "“We have received ...,” the
minister said", "Iran gave us rockets". `emit_frames` (statements.py) asks here when the sentence's
own actors leave a side empty.
"""
from __future__ import annotations

import re

from app.extract.lexicon import ActorMention
from app.extract.roles import IT_THEY, ROLE_KINDS, is_origin, preps_before, speech_floor
from app.extract.sentences import Sentence
from app.extract.stance import them_recipient
from app.extract.state import ArticleState, Frame

_AND_IT_THEY = re.compile(r"\s*,?\s*and\s+(?:it|they)\b")
_COMMA_IT_THEY = re.compile(r",\s*(?:(?:and|but|yet|so)\s+)?(?:it|they)\s+(?=(?:[\w-]+\s+){0,3}$)")

_US_AFTER = re.compile(r"\s+(?:to\s+)?us\b")


def object_reference(st: Sentence, f: Frame, claimant: str | None, state: ArticleState) -> str | None:
    """ "Iran gave us rockets": the recipient is the speaker's side."""
    if _US_AFTER.match(st.text, f.trigger.end) and claimant not in (None, "media") and claimant != f.supplier:
        return claimant
    return them_recipient(st, f, f.supplier, state)


_WE_BEFORE = re.compile(r"\b(?:we|our country|our army|our forces)\s+(?:[\w’']+\s+){0,3}$", re.I)


def pronoun_parties(st: Sentence, f: Frame, sup: str | None, rec: str | None, claimant: str | None,
                     state: ArticleState, first_actor: ActorMention | None) -> tuple[str | None, str | None]:
    """ "It sold ...", "..., and they bought ...": the pronoun's antecedent."""
    t = st.text
    if sup is None and f.trigger.kind == "supply" and IT_THEY.match(t) and state.last_subject:
        sup = state.last_subject
    if rec is None and f.trigger.kind == "acquire" and IT_THEY.match(t) and state.last_subject:
        rec = state.last_subject
    it_at = f.clause[0] if f.clause[0] > 0 and _AND_IT_THEY.match(t, f.clause[0]) else None
    if it_at is None:
        # "While Iran has fought IS in Syria, it has also supplied ...": the pronoun after the first clause
        it_at = next((m.start() for m in _COMMA_IT_THEY.finditer(t, f.clause[0], f.trigger.start)), None)
    if sup is None and it_at is not None:
        floor = speech_floor(st, 0, it_at)
        earlier = next((a for a in st.actors if floor <= a.start - st.start < it_at and a.kind in ROLE_KINDS
                        and not preps_before(st, a) and not is_origin(st, a)), None)
        if earlier is not None and earlier.code != rec:
            sup = earlier.code
    if sup is None and f.trigger.kind == "supply":
        sup = _accused_pronoun(st, f, claimant, state)
    if claimant and claimant not in ("media",) and sup is None and f.trigger.kind == "supply":
        sup = claimant
    if rec is None and f.trigger.kind == "acquire" and claimant not in (None, "media", sup) \
            and _WE_BEFORE.search(t, max(0, f.trigger.start - 40), f.trigger.start):
        rec = claimant  # "“We have received the guns from France,” Armenia's minister said"
    if rec is None and f.trigger.kind == "acquire":
        rec = first_actor.code if first_actor else None
    return sup, rec


_ACCUSED_PRONOUN = re.compile(r"\b(?:accus\w*|suspect\w*|blam\w*|charg\w*|condemn\w*|criticis\w*|criticiz\w*)\s+(?:it|them)\s+"
                              r"(?:of|for)\s+(?:\w+ly\s+)?(?:\w+\s+){0,2}$", re.I)


def _accused_pronoun(st: Sentence, f: Frame, claimant: str | None, state: ArticleState) -> str | None:
    """ "Sudan cut ties with the UAE, accusing it of arming the RSF": the accused is the actor the
    pronoun points back to (the last one before it other than the accuser), never the accuser."""
    t = st.text
    m = _ACCUSED_PRONOUN.search(t, max(0, f.trigger.start - 80), f.trigger.start)
    if m is None:
        return None
    before = [a for a in st.actors if a.end - st.start <= m.start() and a.kind in ROLE_KINDS and a.code != claimant
              and not is_origin(st, a)]
    if before:
        return before[-1].code
    return state.last_subject if state.last_subject != claimant else None
