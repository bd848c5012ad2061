"""Rule-based extraction of arms-transfer statements (SCHEMA.md conventions): the list of stages.

Per article: sentences with their actor and weapon mentions (sentences.py, lexicon.py), the
article's voices (a press release's issuer, an interview); then per sentence the transfer
frames (triggers.py, frames.py, using roles.py and goods.py), who speaks (attribution.py), the
denials (stance.py) and the statements of the frames no denial consumed (statements.py).
Everything a stage leaves for the next sentences lives on the `ArticleState` (state.py).
"""
from __future__ import annotations

from app.extract.attribution import attribute_sentence, read_voices, remember_appositives
from app.extract.frames import find_frames
from app.extract.goods import remember_weapons
from app.extract.lexicon import get_lexicon
from app.extract.packages import PackageContext
from app.extract.roles import first_actor, remember_subject
from app.extract.front import read_front
from app.extract.sentences import parse_date_header, split_sentences
from app.extract.stance import apply_denials, denial_spans, resolve_pending
from app.extract.state import ArticleState
from app.extract.statements import ListContext, emit_exchange, emit_frames
from app.extract.types import ExtractionResult

__all__ = ["extract", "parse_date_header"]


def extract(text: str) -> ExtractionResult:
    """The statements of one article's text (offsets into `text` as given)."""
    lex = get_lexicon()
    published, title = read_front(text)
    result = ExtractionResult(published=published, statements=[], title=title)
    if not text or not text.strip():
        return result
    sents = split_sentences(lex, text)
    state = ArticleState(sentences=sents)
    read_voices(sents, state)
    lists = ListContext()
    package = PackageContext()
    for idx, st in enumerate(sents):
        remember_appositives(st, state)
        package.before(idx, state)
        frames = find_frames(st, state)
        denials = denial_spans(st)
        # only attribution, frames and denials use it (the origin test is not free)
        lead = first_actor(st) if frames or denials or st.speech() else None
        speaker, explicit = attribute_sentence(st, idx, state, lead)
        if frames or denials:
            denied = apply_denials(st, idx, frames, denials, state, lead, lex)
            emit_frames(st, idx, frames, denied, state, lead, lex)
            emit_exchange(st, idx, frames, state)
        lists.step(st, idx, frames, state, speaker, explicit)
        package.step(st, idx, state, speaker, explicit)
        remember_weapons(st, state)
        remember_subject(st, state)
    resolve_pending(state)
    result.statements = state.statements
    return result
