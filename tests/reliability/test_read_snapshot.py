"""Reads see one committed state per request, even when ingest commits in the middle of it.

A page is a few queries (the allegation row, then its statements). An ingest commit that
lands between them must not give a response whose counters disagree with its own list.
The commit is forced at the worst moment by wrapping a query helper the route calls
between the two reads; the write goes through ingest's real writer on its own connection.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.extract.types import ExtractedStatement, ExtractionResult
from app.ingest.store import Ledger
from app.ingest.types import Prepared, RawArticle
from tests.reliability.test_concurrent_load import allegation_inconsistencies

SENTENCE = "Iran has delivered {n} Shahed-136 drones to Russia, US officials said."


def _store(db_url: str, n: int, stance: str = "alleges") -> None:
    text = SENTENCE.format(n=n) + f" Report {n}."
    quote = SENTENCE.format(n=n)
    st = ExtractedStatement(stance=stance, supplier="IRN", recipient="RUS", category="uav", system="Shahed-136",
                            status="delivered", claimant="USA", speaker=None, quote=quote, start=0, end=len(quote))
    engine = make_engine(db_url)
    try:
        ledger = Ledger(engine)
        ledger.prepare()
        ledger.store(Prepared(RawArticle(source=f"/tmp/report-{n}.txt", text=text),
                              hashlib.sha256(text.encode()).hexdigest(),
                              ExtractionResult(published=None, statements=[st])))
    finally:
        engine.dispose()


@pytest.fixture
def client(db_url: str):
    _store(db_url, 1)
    from app.web.main import create_app

    with TestClient(create_app()) as c:
        yield c


def _commit_during(monkeypatch: pytest.MonkeyPatch, name: str, db_url: str) -> list[int]:
    """Wrap <name> as app.queries.allegation calls it, so an ingest commit happens right after its first call."""
    import app.queries.allegation as queries

    real: Callable = getattr(queries, name)
    calls: list[int] = []

    def wrapped(*args, **kwargs):
        result = real(*args, **kwargs)
        if not calls:
            _store(db_url, 100 + len(calls))
        calls.append(1)
        return result

    monkeypatch.setattr(queries, name, wrapped)
    return calls


def test_allegation_detail_is_one_snapshot_under_a_concurrent_commit(client: TestClient, db_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _commit_during(monkeypatch, "systems_of", db_url)
    detail = client.get("/api/allegations/1").json()
    assert calls, "the route no longer calls systems_of between its reads: move the hook"
    assert allegation_inconsistencies(detail) == []
    # The commit is visible to the next request.
    after = client.get("/api/allegations/1").json()
    assert after["allegation"]["n_statements"] == 2 and allegation_inconsistencies(after) == []


def test_allegation_page_is_one_snapshot_under_a_concurrent_commit(client: TestClient, db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _commit_during(monkeypatch, "systems_of", db_url)
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/allegations/1").text, "html.parser")
    assert calls
    quotes = page.select("blockquote, q, .quote")
    counts = {d.select_one("dt").get_text(strip=True): d.select_one("dd").get_text(strip=True)
              for d in page.select("dl div") if d.select_one("dt") and d.select_one("dd")}
    sources = counts.get("Independent sources")
    assert sources is not None, counts
    listed = {q.get_text() for q in quotes if "Shahed-136" in q.get_text()}
    assert int(sources) == len(listed), (sources, listed)
