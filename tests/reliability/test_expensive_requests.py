"""Issue 15, point 8: expensive requests are bounded.

- the CSV export is one sorted SELECT read as a cursor, a batch of rows per chunk (memory is a
  batch, whatever the ledger's size), the same rows in the same order as the list;
- every request has a time budget for its database work: past it, a 503 that says so (HTML
  or JSON), and the pooled connection is not left with the expired deadline;
- a search found in too many articles is refused with a 422 naming `q` (page, API, CSV);
- exports wait in a lane of their own: cheap pages are never queued behind them.
Figures on a 15k-article ledger: bench/bench_expensive.py, quoted in the README.
"""
from __future__ import annotations

import asyncio
import csv
import io

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import db, facet_index, queries
from app.config import get_settings
from app.filters import AllegationFilters
from app.queries import request as query_request
from app.web import api, main
from app.web.caching import ConcurrencyLimitMiddleware
from tests.factories import random_ledger
from tests.test_postgres import pg_url  # noqa: F401 - the fixture


@pytest.fixture
def ledger(engine: Engine) -> Engine:
    with Session(engine) as session:
        random_ledger(session, n=1500)
    facet_index.reset()
    return engine


def client(monkeypatch: pytest.MonkeyPatch, **env: str) -> TestClient:
    for k, v in env.items():
        monkeypatch.setenv(f"ARMSWATCH_{k.upper()}", v)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    return TestClient(main.create_app())


def test_the_export_is_one_query_streamed_in_batches(ledger: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "EXPORT_BATCH", 100)
    c = client(monkeypatch, response_cache_mb="0")
    seen: list[str] = []
    event.listen(db.get_engine(), "before_cursor_execute", lambda *a: seen.append(a[2]))

    chunks: list[bytes] = []
    with c.stream("GET", "/allegations.csv?sort=latest") as resp:
        assert resp.status_code == 200
        chunks = [chunk for chunk in resp.iter_raw() if chunk]
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))

    with Session(ledger) as session:
        expected = [r.id for r in queries.iter_allegations(session=session, filters=AllegationFilters(sort="latest"))]
    assert [int(r[0]) for r in rows[1:]] == expected and len(expected) > 500
    # One SELECT of the rows (no OFFSET batches re-sorting the ledger), one systems query per batch.
    listing = [s for s in seen if "FROM allegation JOIN" in s]
    assert len(listing) == 1 and "OFFSET" not in listing[0]
    assert sum("allegation_system" in s for s in seen) == -(-len(expected) // 100)
    # A chunk per batch: never more than a batch of rows held at once.
    assert all(chunk.count(b"\n") <= 101 for chunk in chunks)


def test_a_request_over_its_time_budget_gets_a_503_that_says_so(ledger: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "PROGRESS_STEPS", 1)  # the handler runs at every step: a tiny budget trips at once
    c = client(monkeypatch, request_seconds="0.000001", response_cache_mb="0")
    page = c.get("/?country=IRN")
    assert page.status_code == 503 and page.headers["retry-after"]
    assert "needed more than 1e-06 s of database work and was stopped" in page.text
    assert "content-security-policy" in page.headers
    api_resp = c.get("/api/allegations")
    assert api_resp.status_code == 503 and "was stopped" in api_resp.json()["detail"]
    assert c.get("/allegations.csv").status_code == 503  # the sort and first batch run before the headers

    c = client(monkeypatch, request_seconds="30", response_cache_mb="0")  # the same pooled connections
    assert c.get("/?country=IRN").status_code == 200
    assert c.get("/allegations.csv").text.count("\n") > 500


def test_a_search_in_too_many_articles_is_refused_everywhere(ledger: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query_request, "SEARCH_MAX_ARTICLES", 100)
    c = client(monkeypatch, response_cache_mb="0")
    page = c.get("/?q=report")  # in all 1,500 generated articles
    assert page.status_code == 422
    assert "q: “report” is in more than 100 articles: add a word or a filter" in page.text
    api_resp = c.get("/api/allegations?q=report")
    assert api_resp.status_code == 422 and api_resp.json()["detail"][0]["loc"] == ["query", "q"]
    assert c.get("/allegations.csv?q=report").status_code == 422
    assert c.get("/api/facets?q=report").status_code == 422
    assert c.get("/?q=Report 42").status_code == 200  # narrow enough: "42" is in one article


def test_exports_never_hold_the_slots_of_cheap_pages() -> None:
    """Two exports that do not finish, one computing slot: a cheap page is still answered."""
    release = asyncio.Event()

    async def inner(scope, receive, send):
        if scope["path"].endswith(".csv"):
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    app = ConcurrencyLimitMiddleware(inner, limit=1)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            exports = [asyncio.create_task(c.get("/allegations.csv")) for _ in range(2)]
            await asyncio.sleep(0.05)
            cheap = await asyncio.wait_for(c.get("/weapons"), timeout=30)
            assert cheap.text == "/weapons"
            assert not any(e.done() for e in exports)
            release.set()
            assert [(await e).status_code for e in exports] == [200, 200]

    asyncio.run(scenario())


def test_on_postgresql_too(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The search bound counts PostgreSQL's GIN-indexed matches; the time budget is its statement_timeout."""
    from sqlalchemy import text

    from app import migrate

    migrate.upgrade(pg_url)
    engine = db.make_engine(pg_url)
    try:
        with Session(engine) as session:
            random_ledger(session, n=300, seed=15)
        monkeypatch.setattr(query_request, "SEARCH_MAX_ARTICLES", 100)
        with Session(engine) as session:
            with pytest.raises(queries.SearchTooBroad):
                queries.check_search(session, AllegationFilters(q="report"))
            queries.check_search(session, AllegationFilters(q="Report 42"))  # one article: fine
        monkeypatch.setenv("ARMSWATCH_REQUEST_SECONDS", "0.001")
        get_settings.cache_clear()
        with Session(engine) as session:
            db.begin_request(session)
            with pytest.raises(Exception) as stopped:
                session.execute(text("SELECT pg_sleep(2)"))
            assert db.is_interrupted(stopped.value)
    finally:
        engine.dispose()
