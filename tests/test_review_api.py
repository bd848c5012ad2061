"""PATCH /api/statements/{id} and /api/audit: who may, what is refused, and a review's effect on
every public count (list, facets, flows, timeline, CSV, JSON, actors, weapons, search)."""
from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.counters import recount
from app.models import Allegation
from tests.factories import standard_ledger
from tests.test_auth import add_user

# Ids of tests.factories.standard_ledger
IRN_RUS_UAV, PRK_RUS_ART, PRK_RUS_UNSPEC = 1, 3, 4
TEHRAN_DENIES, PRK_SHELLS, PYONGYANG_DENIES = 5, 3, 4


def token(name: str) -> str:
    return CliRunner().invoke(cli, ["users", "token", name]).output.strip()


@pytest.fixture
def api(db_url, session):
    standard_ledger(session)
    add_user("ed")
    add_user("vic", role="viewer")
    from app.web.main import app

    with TestClient(app) as c:
        c.ed = {"Authorization": f"Bearer {token('ed')}"}  # type: ignore[attr-defined]
        c.vic = {"Authorization": f"Bearer {token('vic')}"}  # type: ignore[attr-defined]
        yield c


def counters(session, allegation_id: int) -> dict:
    session.expire_all()
    a = session.get(Allegation, allegation_id)
    return {k: getattr(a, k) for k in ("n_statements", "n_sources", "n_alleges", "n_denies", "n_confirms",
                                       "n_pair_denies", "n_verified", "n_rejected", "status")}


def facet(client, name: str, value: str) -> int:
    for f in client.get("/api/facets").json()["facets"]:
        if f["name"] == name:
            return next((v["count"] for v in f["values"] if v["value"] == value), 0)
    raise AssertionError(name)


def test_anonymous_and_viewer_edits_are_refused(api) -> None:
    r = api.patch(f"/api/statements/{TEHRAN_DENIES}", json={"review": "verified"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert api.patch("/api/statements/5", json={"review": "verified"},
                     headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    r = api.patch("/api/statements/5", json={"review": "verified"}, headers=api.vic)
    assert r.status_code == 403 and "vic may read" in r.json()["detail"]
    assert api.get("/api/audit").status_code == 401
    assert api.get("/api/audit", headers=api.vic).json()["events"] == []


@pytest.mark.parametrize("body, field", [
    ({"review": "maybe"}, "review"), ({"stance": "hints"}, "stance"), ({"review": "rejected"}, "reason"),
    ({"supplier": "XXX"}, "supplier"), ({"category": "lasers"}, "category"), ({"system": "Death Star"}, "system"),
    ({"start": 5, "end": 99999}, "end"), ({"recipient": "IRN"}, "recipient"), ({"colour": "red"}, "colour"),
    ({}, "body"), ({"start": -1}, "start"),
])
def test_bad_values_are_422_naming_the_field(api, body, field) -> None:
    r = api.patch(f"/api/statements/{TEHRAN_DENIES}", json=body, headers=api.ed)
    assert r.status_code == 422, r.text
    assert field in [str(p) for e in r.json()["detail"] for p in e["loc"]], r.json()


def test_an_unknown_statement_is_404(api) -> None:
    assert api.patch("/api/statements/999", json={"review": "verified"}, headers=api.ed).status_code == 404


def test_the_api_is_documented_with_bearer_auth(api) -> None:
    schema = api.get("/openapi.json").json()
    op = schema["paths"]["/api/statements/{statement_id}"]["patch"]
    assert {"401", "403", "404", "422"} <= set(op["responses"])
    assert op["security"] and schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "reason" in schema["components"]["schemas"]["StatementChange"]["properties"]


def test_rejecting_a_denial_changes_every_public_count_and_undo_restores_them(api, session) -> None:
    before = counters(session, IRN_RUS_UAV)
    denied_before = facet(api, "stance", "denied")
    r = api.patch(f"/api/statements/{TEHRAN_DENIES}", json={"review": "rejected", "reason": "misattributed"},
                  headers=api.ed)
    assert r.status_code == 200 and r.json()["event_id"] and r.json()["statement"]["review"] == "rejected"
    after = counters(session, IRN_RUS_UAV)
    assert after["n_denies"] == before["n_denies"] - 1 and after["n_statements"] == before["n_statements"] - 1
    assert after["n_rejected"] == 1 and after["n_sources"] == before["n_sources"]  # the article has a confirmation too
    assert facet(api, "stance", "denied") == denied_before - 1
    assert facet(api, "review", "rejected") == 1
    detail = api.get(f"/api/allegations/{IRN_RUS_UAV}").json()
    assert detail["counts"]["denies"] == 0 and TEHRAN_DENIES not in [s["id"] for s in detail["statements"]]
    assert sum(b["denies"] for b in detail["timeline"]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(api.get("/allegations.csv").text))}
    assert rows[str(IRN_RUS_UAV)]["n_denies"] == "0"
    assert TEHRAN_DENIES not in [s["id"] for s in api.get("/api/articles/3").json()["statements"]]
    assert "Tehran denied" not in str(api.get("/api/actors/IRN").json()["denials"])
    assert TEHRAN_DENIES not in [h["statement_id"] for a in api.get("/api/allegations?q=Tehran").json()["items"]
                                 for h in a["hits"]]
    events = api.get(f"/api/audit?allegation={IRN_RUS_UAV}", headers=api.ed).json()["events"]
    assert events[0]["user"] == "ed" and events[0]["action"] == "reject" and events[0]["reason"] == "misattributed"
    assert events[0]["changes"] == {"review": ["unreviewed", "rejected"]}

    from app.db import write_session
    from app.review.changes import undo
    from app.accounts import User
    from app.vocab import Role

    with write_session() as conn:
        undo(conn, events[0]["id"], user=User(id=1, name="ed", role=Role.editor))
    assert counters(session, IRN_RUS_UAV) == before
    assert facet(api, "stance", "denied") == denied_before
    trail = api.get(f"/api/audit?statement={TEHRAN_DENIES}", headers=api.ed).json()["events"]
    assert [e["action"] for e in trail] == ["undo", "reject"] and trail[1]["undone_by_id"] == trail[0]["id"]


def test_an_allegation_whose_statements_are_all_rejected_leaves_the_lists(api, session) -> None:
    total = api.get("/api/allegations").json()["total"]
    assert PRK_RUS_ART in [a["id"] for a in api.get("/api/allegations?q=shells").json()["items"]]
    flows = {(f["supplier"]["code"], f["recipient"]["code"]): f["count"] for f in api.get("/api/flows").json()["flows"]}
    r = api.patch(f"/api/statements/{PRK_SHELLS}", json={"review": "rejected", "reason": "no source"}, headers=api.ed)
    assert r.status_code == 200
    listed = api.get("/api/allegations").json()
    assert listed["total"] == total - 1 and PRK_RUS_ART not in [a["id"] for a in listed["items"]]
    assert facet(api, "category", "artillery") == 0
    after = {(f["supplier"]["code"], f["recipient"]["code"]): f["count"] for f in api.get("/api/flows").json()["flows"]}
    assert after[("PRK", "RUS")] == flows[("PRK", "RUS")] - 1
    assert str(PRK_RUS_ART) not in {r["id"] for r in csv.DictReader(io.StringIO(api.get("/allegations.csv").text))}
    weapons = {c["category"]["slug"]: c for c in api.get("/api/weapons/artillery").json()["allegations"]}
    assert weapons == {}
    assert api.get(f"/api/allegations/{PRK_RUS_ART}").status_code == 200  # the page stays, for editors to undo
    # The search no longer finds it through its article, whose other allegations it still finds.
    found = [a["id"] for a in api.get("/api/allegations?q=shells").json()["items"]]
    assert PRK_RUS_ART not in found and IRN_RUS_UAV in found


def test_a_search_leaves_out_an_allegation_whose_only_statement_in_the_article_is_rejected(api, session) -> None:
    """IRN -> RUS drones is stated in three articles; 'Kirby' is in one, whose drone statement is rejected."""
    kirby = lambda: [a["id"] for a in api.get("/api/allegations?q=Kirby").json()["items"]]  # noqa: E731
    assert IRN_RUS_UAV in kirby() and PRK_RUS_ART in kirby()
    r = api.patch("/api/statements/1", json={"review": "rejected", "reason": "unsourced"}, headers=api.ed)
    event = r.json()["event_id"]
    assert counters(session, IRN_RUS_UAV)["n_statements"] >= 1  # still listed, through the other articles
    assert IRN_RUS_UAV not in kirby() and PRK_RUS_ART in kirby()

    from app.accounts import User
    from app.db import write_session
    from app.review.changes import undo
    from app.vocab import Role

    with write_session() as conn:
        undo(conn, event, user=User(id=1, name="ed", role=Role.editor))
    assert IRN_RUS_UAV in kirby()


def test_a_span_that_cuts_a_word_is_searched_by_its_own_quote(api) -> None:
    """'ussia' is no word of the article, only of a quote an editor starts one letter into 'Russia'."""
    text = api.get("/api/articles/1").json()["text"]
    start = text.index("Russia is training")
    found = lambda q: {(a["supplier"]["code"], a["category"]["slug"])  # noqa: E731
                       for a in api.get("/api/allegations", params={"q": q}).json()["items"]}
    assert found("ussia") == set()
    r = api.patch("/api/statements/2", json={"start": start + 1, "end": start + 18}, headers=api.ed)
    assert r.json()["statement"]["quote"] == "ussia is training"
    assert found("ussia") == {("RUS", "combat_aircraft")}
    assert found("ussia training") == {("RUS", "combat_aircraft")} and found("ussia Kirby") == set()
    api.patch("/api/statements/2", json={"review": "rejected", "reason": "bad span"}, headers=api.ed)
    assert found("ussia") == set()  # a rejected statement matches nothing


def test_rejecting_a_weapon_unspecified_denial_updates_its_pair(api, session) -> None:
    assert counters(session, PRK_RUS_ART)["n_pair_denies"] == 1
    api.patch(f"/api/statements/{PYONGYANG_DENIES}", json={"review": "rejected", "reason": "not a denial"},
              headers=api.ed)
    assert counters(session, PRK_RUS_ART)["n_pair_denies"] == 0
    assert PRK_RUS_ART not in [a["id"] for a in api.get("/api/allegations?stance=denied").json()["items"]]


def test_verify_edit_and_move_keep_the_counters_exact(api, session) -> None:
    assert api.patch("/api/statements/1", json={"review": "verified"}, headers=api.ed).json()["event_id"]
    assert api.patch("/api/statements/1", json={"review": "verified"}, headers=api.ed).json()["event_id"] is None
    assert [a["id"] for a in api.get("/api/allegations?review=verified").json()["items"]] == [IRN_RUS_UAV]
    r = api.patch("/api/statements/7", json={"category": "missile", "system": None, "claimant": "USA",
                                             "reason": "the Fath-360 is a short-range missile"}, headers=api.ed)
    assert r.status_code == 200, r.text
    moved = r.json()["statement"]
    assert moved["allegation"]["category"]["slug"] == "missile" and moved["claimant"]["code"] == "USA"
    assert moved["system"] is None
    event = api.get("/api/audit?statement=7", headers=api.ed).json()["events"][0]
    assert event["action"] == "move" and event["target_allegation_id"] == moved["allegation"]["id"]
    assert event["changes"]["claimant"] == ["GBR", "USA"] and event["changes"]["category"] == ["ballistic_missile", "missile"]
    # The search follows the move: the article's word finds the allegation the statement moved to.
    found = {a["category"]["slug"] for a in api.get("/api/allegations?q=British").json()["items"]}
    assert "missile" in found and "ballistic_missile" not in found
    # A span edit: the quote is re-cut from the article text.
    r = api.patch("/api/statements/2", json={"start": 0, "end": 28}, headers=api.ed)
    assert r.json()["statement"]["quote"] == "Iran sold hundreds of Shahed"
    # Every counter the reviews left equals a recount from scratch.
    session.expire_all()
    kept = {a.id: counters(session, a.id) for a in session.exec(select(Allegation)).scalars()}
    recount(session.connection())
    session.commit()
    assert {a_id: counters(session, a_id) for a_id in kept} == kept
