"""Stages 5-6 (stance.py, statements.py, state.py): denials, the statements of the frames, and the
article's ledger of claims they are looked up in."""
from __future__ import annotations

from app.extract import extract
from app.extract.lexicon import get_lexicon
from app.extract.sentences import split_sentences
from app.extract.stance import denial_spans
from app.extract.state import ArticleState
from app.extract.types import ExtractedStatement


def _out(text: str) -> list[tuple]:
    return [(s.stance, s.supplier, s.recipient, s.category, s.claimant, s.quote[:12]) for s in extract(text).statements]


def test_denial_spans_skip_non_denials() -> None:
    (st,) = split_sentences(get_lexicon(), "Belarus denied the claim.")
    assert [(st.text[a:b], kind) for a, b, kind in denial_spans(st)] == [("denied", "verb")]
    (st,) = split_sentences(get_lexicon(), "Belarus neither confirmed nor denied the claim.")
    assert denial_spans(st) == []
    (st,) = split_sentences(get_lexicon(), "Officials said the reports were false.")
    assert [kind for _, _, kind in denial_spans(st)] == ["pred"]


def test_a_denial_of_the_partys_own_transfer() -> None:
    assert _out("Greece denied supplying helicopters to Albania.") == [
        ("denies", "GRC", "ALB", "helicopter", "GRC", "Greece denie")]
    assert _out("Norway has never sent howitzers to Latvia, the Norwegian defence minister said.") == [
        ("denies", "NOR", "LVA", "artillery", "NOR", "Norway has n")]


def test_rejecting_reports_denies_and_states_the_ownerless_claim() -> None:
    assert _out("Norway rejected reports that it had sold howitzers to Latvia.") == [
        ("denies", "NOR", "LVA", "artillery", "NOR", "Norway rejec"),
        ("alleges", "NOR", "LVA", "artillery", None, "Norway rejec")]


def test_an_implied_denial_answers_the_nearest_claim_about_its_pair() -> None:
    text = "Officials in the region say Peru bought T-72 tanks from Belarus. Belarus has denied the claim."
    assert _out(text) == [("alleges", "BLR", "PER", "armoured_vehicle", "media", "Officials in"),
                          ("denies", "BLR", "PER", "armoured_vehicle", "BLR", "Belarus has ")]


def test_a_denial_before_any_claim_answers_the_first_one_after_it() -> None:
    text = "Belarus rejects claims by Peru\nPeru bought T-72 tanks from Belarus, officials in the region said."
    assert _out(text) == [("alleges", "BLR", "PER", "armoured_vehicle", "media", "Peru bought "),
                          ("denies", "BLR", "PER", "armoured_vehicle", "BLR", "Belarus reje")]


def test_hedged_conditional_and_unproven_transfers_give_nothing() -> None:
    assert _out("If Spain were to sell missiles to Morocco, it would change the balance.") == []
    assert _out("There is no evidence that Spain sold missiles to Morocco.") == []


def test_a_party_thanking_its_supplier_confirms() -> None:
    assert _out("Pakistan thanked China for the JF-17 jets.") == [
        ("confirms", "CHN", "PAK", "combat_aircraft", "PAK", "Pakistan tha")]


def test_in_exchange_for_adds_the_reverse_transfer() -> None:
    assert _out("Serbia sent howitzers to Hungary in exchange for fighter jets.") == [
        ("alleges", "SRB", "HUN", "artillery", "media", "Serbia sent "),
        ("alleges", "HUN", "SRB", "combat_aircraft", "media", "Serbia sent ")]


def test_a_list_continues_the_transfer_that_introduces_it() -> None:
    assert _out("Hungary delivered weapons to Slovakia:\n• 12 howitzers\n• 300 rifles") == [
        ("alleges", "HUN", "SVK", "unspecified", "media", "Hungary deli"),
        ("alleges", "HUN", "SVK", "artillery", "media", "• 12 howitze"),
        ("alleges", "HUN", "SVK", "small_arms", "media", "• 300 rifles")]
    text = ("The Czech defence ministry said the following countries supplied weapons to Slovakia:\n"
            "• Norway: 12 howitzers\n• Sweden: 300 rifles")
    assert _out(text) == [("alleges", "NOR", "SVK", "artillery", "CZE", "• Norway: 12"),
                          ("alleges", "SWE", "SVK", "small_arms", "CZE", "• Sweden: 30")]


def _stmt(stance: str, sup: str, rec: str, cat: str = "uav", start: int = 0) -> ExtractedStatement:
    return ExtractedStatement(stance, sup, rec, cat, None, "delivered", "media", None, "q", start, start + 1)


def test_add_builds_the_statement_emit_would_take_and_dedupes_before_building() -> None:
    import pickle

    import pytest

    from app.extract.state import Quoted, Speaker, make_statement

    q = Quoted("Iran sent drones.", 10, 27)
    built = make_statement("alleges", "IRN", "RUS", "uav", "Shahed-136", "delivered", Speaker("USA", "John Kirby", "spokesman"),
                           "USA", q, "dozens")
    plain = ExtractedStatement("alleges", "IRN", "RUS", "uav", "Shahed-136", "delivered", "USA", "John Kirby",
                               "Iran sent drones.", 10, 27, "spokesman", "dozens")
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert pickle.loads(pickle.dumps(built)) == plain and built.to_json() == plain.to_json()
    with pytest.raises(AttributeError):
        built.stance = "denies"  # still frozen
    state = ArticleState()
    state.add(0, "alleges", "IRN", "RUS", "uav", None, "delivered", None, "media", q, None)
    state.add(0, "alleges", "IRN", "RUS", "uav", "Shahed-136", "planned", None, "media", q, None)  # same key: dropped
    state.add(0, "alleges", "RUS", "RUS", "uav", None, "delivered", None, "media", q, None)  # no self-supply
    state.add(0, "denies", "IRN", "RUS", "uav", None, "unknown", None, "IRN", q, None)
    assert [(s.stance, s.system, s.claimant) for s in state.statements] == [("alleges", None, "media"), ("denies", None, "IRN")]
    assert len(state.claims) == 1 and state.partner("RUS") == "IRN"


def test_the_ledger_dedupes_and_answers_its_lookups() -> None:
    state = ArticleState()
    state.emit(_stmt("alleges", "IRN", "RUS"), 0)
    state.emit(_stmt("alleges", "IRN", "RUS"), 0)  # the same statement again
    state.emit(_stmt("alleges", "RUS", "RUS"), 0)  # a party cannot supply itself
    state.emit(_stmt("alleges", "PRK", "RUS", start=5), 1)
    state.emit(_stmt("denies", "PRK", "RUS", start=9), 2)  # a denial is no claim
    state.emit(_stmt("alleges", "IRN", "RUS", "artillery", start=12), 3)
    assert len(state.statements) == 4 and len(state.claims) == 3
    assert state.partner("RUS") == "IRN" and state.partner("PRK") == "RUS" and state.partner("BLR") is None
    assert state.last_recipient("IRN") == "RUS" and state.is_recipient("RUS") and not state.is_recipient("IRN")
    assert state.dominant("RUS", 2) == "IRN" and state.dominant("RUS") is None  # 2 claims, not 3
    assert state.common_recipient("IRN") == "RUS" and state.common_recipient("RUS") is None
    assert state.last_claim_since(3).category == "artillery" and state.last_claim_since(4) is None
    assert [c for c, _ in state.claims_about("PRK")] == [1]
    assert [c for c, _ in state.claims_about("RUS", after=0)] == [1, 3]
    assert [c for c, _ in state.claims_of_pair(("IRN", "RUS"))] == [3, 0]
