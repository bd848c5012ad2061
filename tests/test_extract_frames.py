"""Stages 2-3 (roles.py, goods.py, triggers.py, parties.py, frames.py): who fills which role in a
clause, the transfer triggers, and the frames built on them."""
from __future__ import annotations

from app.extract.frames import find_frames
from app.extract.lexicon import get_lexicon
from app.extract.lists import coordinated
from app.extract.roles import is_origin, prep_actor, subject_actor
from app.extract.sentences import Sentence, split_sentences
from app.extract.state import ArticleState
from app.extract.triggers import find_triggers


def _one(text: str) -> Sentence:
    (st,) = split_sentences(get_lexicon(), text)
    return st


def _frames(text: str) -> list[tuple]:
    st = _one(text)
    return [(f.trigger.form, f.supplier, f.recipient, [(c, s) for c, s, _ in f.weapons], f.negated, f.status)
            for f in find_frames(st, ArticleState())]


def test_subject_skips_prepositional_objects_and_origins() -> None:
    st = _one("After talks in Moscow, Iranian drones and Peru's army went to Bolivia.")
    pos = st.text.index("went")
    assert subject_actor(st, 0, pos).code == "PER"  # not Moscow (after "in"), not the origin "Iranian"
    assert is_origin(st, next(a for a in st.actors if a.text == "Iranian"))
    assert prep_actor(st, pos, len(st.text), "to").code == "BOL"


def test_coordinated_actors_follow_a_list() -> None:
    st = _one("Kenya sold trucks to Uganda, Rwanda and Burundi.")
    first = next(a for a in st.actors if a.code == "UGA")
    assert coordinated(st, first) == ["RWA", "BDI"]


def test_triggers_by_kind_and_form() -> None:
    # each trigger is a frame of its own; the parties one leaves open are completed later (statements.py)
    st = _one("Peru bought tanks that were supplied by Belarus, and the delivery of rifles followed.")
    assert [(st.text[t.start:t.end], t.kind, t.form) for t in find_triggers(st)] == [
        ("bought", "acquire", "verb"), ("supplied", "supply", "passive"), ("delivery", "supply", "noun")]
    assert find_triggers(_one("The weather in Lima stayed cold all week.")) == []


def test_frames_take_parties_by_trigger_form() -> None:
    assert _frames("Kenya sold armoured vehicles to Uganda.") == [
        ("verb", "KEN", "UGA", [("armoured_vehicle", None)], False, "delivered")]
    assert _frames("Peru bought T-72 tanks from Belarus.") == [
        ("verb", "BLR", "PER", [("armoured_vehicle", "T-72")], False, "delivered")]
    assert _frames("Rifles were supplied to Ghana by Togo.") == [
        ("passive", "TGO", "GHA", [("small_arms", None)], False, "delivered")]
    assert _frames("Indonesia is considering the purchase of Rafale jets from France.")[0][1:4] == (
        "FRA", "IDN", [("combat_aircraft", "Rafale")])
    assert _frames("A dhow carrying rifles from Iran to the Houthis was seized.") == [
        ("carry", "IRN", "houthis", [("small_arms", None)], False, "unknown")]


def test_frames_record_negation_and_planned_status() -> None:
    (frame,) = _frames("Norway has never sent howitzers to Latvia.")
    assert frame[4] is True
    (frame,) = _frames("Hungary will send howitzers to Slovakia next year.")
    assert frame[5] == "planned"


def test_a_transfer_without_goods_is_no_frame() -> None:
    assert _frames("Kenya sent a delegation to Uganda.") == []
    assert _frames("Kenya gave Uganda assurances about the border.") == []
