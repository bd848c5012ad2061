"""Stage 4 (attribution.py): who makes a sentence's claim."""
from __future__ import annotations

from app.extract import extract
from app.extract.attribution import (
    attribute_sentence, document_voice, find_interviewee, read_voices, remember_appositives,
)
from app.extract.lexicon import get_lexicon
from app.extract.roles import first_actor
from app.extract.sentences import split_sentences
from app.extract.state import ArticleState


def _claims(text: str) -> list[tuple]:
    return [(s.stance, s.supplier, s.recipient, s.claimant, s.speaker) for s in extract(text).statements]


def test_speech_verb_subject_and_trailing_attribution() -> None:
    sents = split_sentences(get_lexicon(), "Ghana received rifles from Togo, Nigeria's foreign ministry said.")
    state = ArticleState()
    speaker, explicit = attribute_sentence(sents[0], 0, state, first_actor(sents[0]))
    assert explicit and speaker.code == "NGA"
    assert state.last_speaker is speaker and state.para_speaker[0] is speaker


def test_the_outlet_speaks_when_nobody_else_does() -> None:
    assert _claims("Kenya sold armoured vehicles to Uganda.") == [("alleges", "KEN", "UGA", "media", None)]


def test_an_appositive_name_speaks_for_its_actor_later() -> None:
    text = "Nigeria's foreign minister, Ade Okafor, spoke on Monday. Ade Okafor said Ghana had received rifles from Togo."
    sents = split_sentences(get_lexicon(), text)
    state = ArticleState()
    remember_appositives(sents[0], state)
    assert state.names["Ade Okafor"].code == "NGA"
    assert _claims(text) == [("alleges", "TGO", "GHA", "NGA", "Ade Okafor")]


def test_a_press_release_speaks_for_its_issuer() -> None:
    text = "PRESS RELEASE\nMinistry of Foreign Affairs of Serbia\nWe delivered 20 howitzers to Hungary."
    assert document_voice(split_sentences(get_lexicon(), text)) == "SRB"
    assert _claims(text) == [("confirms", "SRB", "HUN", "SRB", None)]


def test_an_interview_answers_for_the_interviewee() -> None:
    text = "Kenya's defence minister spoke to us in Nairobi.\nQ: Where do your drones come from?\nA: From Turkey."
    sents = split_sentences(get_lexicon(), text)
    assert find_interviewee(sents) == "KEN"
    state = ArticleState()
    read_voices(sents, state)
    assert state.interviewee == "KEN" and state.answer_paras == {sents[-1].para}
