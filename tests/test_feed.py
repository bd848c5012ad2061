"""/feed.atom: the changes to the allegations of a filtered view, recorded by ingest, as Atom."""
from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import alerts
from app.config import get_settings
from app.ingest.runner import run_ingest
from tests.conftest import SEEDS
from tests.test_auth import add_user
from tests.test_review_api import token

ALLEGED = " date 2024-04-02 Russia received more Iranian drones in April, Ukrainian intelligence said.\n"
AGAIN = " date 2024-04-09 Russia received more Iranian drones in the spring, Ukrainian intelligence said again.\n"
SHELLS = " date 2024-04-03 North Korea sent artillery shells to Russia, South Korea said.\n"
DENIED = " date 2024-05-01 Iran denied supplying drones to Russia.\n"


@pytest.fixture
def client(db_url):
    from app.web.main import create_app

    with TestClient(create_app()) as c:
        yield c


def _ingest(folder: Path, **files: str) -> None:
    folder.mkdir(exist_ok=True)
    for name, body in files.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    assert run_ingest([folder]) == 0


def _feed(client: TestClient, query: str) -> feedparser.FeedParserDict:
    r = client.get(f"/feed.atom?{query}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _kinds(parsed) -> list[tuple[str, str]]:
    return [(e.tags[0].term, e.title) for e in parsed.entries]


def test_a_filtered_feed_reports_each_change_once_across_fetches_and_reingest(client, tmp_path) -> None:
    folder = tmp_path / "in"
    _ingest(folder, a1=ALLEGED, a2=SHELLS)
    first = _feed(client, "supplier=IRN")
    assert first.feed.title == "armswatch: changes to allegations supplied by Iran"
    assert sorted(_kinds(first)) == [("new-allegation", "New allegation: Iran → Russia, Drones (UAVs)"),
                                     ("new-recipient", "New recipient for Iran: Russia (Drones (UAVs))")]
    entry = first.entries[0]
    assert entry.id.startswith("tag:armswatch.invalid,2026:allegation-") and "/statement-" in entry.id
    assert entry.link.startswith("/allegations/") and "Ukrainian intelligence" in entry.summary
    ids = [e.id for e in first.entries]

    assert [e.id for e in _feed(client, "supplier=IRN").entries] == ids  # polled again: the same entries
    _ingest(folder, a3=AGAIN)  # the same files again (skipped) and one more article on the same allegation
    assert [e.id for e in _feed(client, "supplier=IRN").entries] == ids  # no change to report
    assert {e.updated for e in _feed(client, "supplier=IRN").entries} == {e.updated for e in first.entries}

    _ingest(folder, a4=DENIED)  # a later denial: exactly one entry more, first in the feed
    later = _feed(client, "supplier=IRN")
    assert [e.id for e in later.entries[1:]] == ids
    assert _kinds(later)[0] == ("first-denial", "First denial: Iran → Russia, Drones (UAVs)")
    assert "Iran denied supplying drones" in later.entries[0].summary

    shells = _feed(client, "supplier=PRK&category=artillery")  # another filter: only its allegations' changes
    assert sorted(k for k, _ in _kinds(shells)) == ["new-allegation", "new-recipient"]
    assert not set(e.id for e in shells.entries) & set(e.id for e in later.entries)
    assert _feed(client, "stance=confirmed").entries == []


def test_a_rejected_statement_makes_no_public_entry(client, engine, tmp_path) -> None:
    _ingest(tmp_path / "in", a1=ALLEGED, a4=DENIED)
    with engine.connect() as conn:
        denial = conn.execute(text("SELECT statement_id FROM allegation_change WHERE kind = 'first-denial'")).scalar_one()
    assert "first-denial" in [k for k, _ in _kinds(_feed(client, "supplier=IRN"))]
    add_user("ed")
    r = client.patch(f"/api/statements/{denial}", json={"review": "rejected", "reason": "not a denial"},
                     headers={"Authorization": f"Bearer {token('ed')}"})
    assert r.status_code == 200
    assert sorted(k for k, _ in _kinds(_feed(client, "supplier=IRN"))) == ["new-allegation", "new-recipient"]
    r = client.patch(f"/api/statements/{denial}", json={"review": "unreviewed"},
                     headers={"Authorization": f"Bearer {token('ed')}"})
    assert r.status_code == 200  # reopened: public again, and the first denial again
    assert "first-denial" in [k for k, _ in _kinds(_feed(client, "supplier=IRN"))]


def test_links_are_absolute_on_the_configured_base_url(client, tmp_path, monkeypatch) -> None:
    _ingest(tmp_path / "in", a1=ALLEGED)
    monkeypatch.setenv("ARMSWATCH_BASE_URL", "https://armswatch.example.org")
    get_settings.cache_clear()
    parsed = _feed(client, "country=RUS")
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "https://armswatch.example.org/feed.atom?country=RUS",
                     "alternate": "https://armswatch.example.org/?country=RUS"}
    assert all(e.link.startswith("https://armswatch.example.org/allegations/") for e in parsed.entries)
    assert all(e.id.startswith("tag:armswatch.example.org,2026:") for e in parsed.entries)
    # a forged Host changes nothing
    forged = client.get("/feed.atom?country=RUS", headers={"Host": "evil.example"}).text
    assert "evil.example" not in forged


@pytest.mark.parametrize(("query", "name"), [("country=%25%25", "country"), ("since=2024-13-01", "since"),
                                             ("category=lasers", "category"), ("q=a&q=b", "q")])
def test_bad_parameters_are_refused_naming_them(client, query: str, name: str) -> None:
    r = client.get(f"/feed.atom?{query}")
    assert r.status_code == 422
    page = BeautifulSoup(r.text, "html.parser").get_text()
    assert f"{name}:" in page


def test_the_list_page_links_its_feed(client, tmp_path) -> None:
    _ingest(tmp_path / "in", a1=ALLEGED)
    soup = BeautifulSoup(client.get("/?supplier=IRN&sort=latest&page=1").text, "html.parser")
    [alternate] = soup.select('head link[rel="alternate"][type="application/atom+xml"]')
    assert alternate["href"] == "/feed.atom?supplier=IRN"
    visible = soup.find("a", string="Atom feed of changes")
    assert visible is not None and visible["href"] == "/feed.atom?supplier=IRN"
    assert _feed(client, "supplier=IRN&sort=latest&page=2").entries  # sort and page do not apply to a feed
    home = BeautifulSoup(client.get("/").text, "html.parser")
    assert home.select_one('head link[type="application/atom+xml"]')["href"] == "/feed.atom"


def test_the_changes_ingest_records_are_those_derived_from_scratch(db_url, engine) -> None:
    assert run_ingest([SEEDS]) == 0
    query = "SELECT allegation_id, kind, statement_id, recorded_at FROM allegation_change ORDER BY allegation_id, kind"
    with engine.connect() as conn:
        recorded = conn.execute(text(query)).all()
    with engine.begin() as conn:
        alerts.derive(conn)
        derived = conn.execute(text(query)).all()
    assert recorded == derived
    kinds = {kind for _, kind, _, _ in recorded}
    assert kinds == {"new-allegation", "new-recipient", "first-denial", "first-confirmation"}
    with engine.connect() as conn:  # every allegation in the lists has its new-allegation entry
        assert conn.execute(text("SELECT count(*) FROM allegation WHERE n_statements > 0")).scalar_one() == \
            sum(kind == "new-allegation" for _, kind, _, _ in recorded)
