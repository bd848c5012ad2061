"""Conditional GET: ETag/Last-Modified from the SQLite data version, 304 without running the route."""
from __future__ import annotations

import os
import sqlite3
import time
from email.utils import formatdate
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from app.web.caching import ConditionalGetMiddleware, sqlite_data_version, sqlite_path


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Path]:
    """A WAL-mode SQLite file held open, as the server's connection pool holds it (so the -wal file stays)."""
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    _open[path] = conn
    yield path
    conn.close()
    del _open[path]


_open: dict[Path, sqlite3.Connection] = {}


def _app(path: Path, cache_bytes: int = 0) -> tuple[TestClient, list[str]]:
    calls: list[str] = []
    app = FastAPI()

    @app.get("/page")
    def page(q: str = "") -> PlainTextResponse:
        calls.append(q)
        n = _open[path].execute("SELECT count(*) FROM t").fetchone()[0]
        return PlainTextResponse(f"{n} rows {q}")

    @app.post("/page")
    def post() -> PlainTextResponse:
        calls.append("post")
        return PlainTextResponse("ok")

    @app.get("/static/x.css")
    def static() -> PlainTextResponse:
        return PlainTextResponse("body{}")

    @app.get("/fragment")
    def fragment() -> PlainTextResponse:
        calls.append("fragment")
        return PlainTextResponse("rows", headers={"Vary": "HX-Request, HX-History-Restore-Request"})

    @app.get("/private")
    def private() -> PlainTextResponse:
        calls.append("private")
        return PlainTextResponse("mine", headers={"Cache-Control": "private", "Vary": "Cookie"})

    @app.get("/big")
    def big() -> PlainTextResponse:
        calls.append("big")
        return PlainTextResponse("x" * 5000)

    app.add_middleware(ConditionalGetMiddleware, version=lambda: sqlite_data_version(path), cache_bytes=cache_bytes)
    return TestClient(app), calls


def _write(path: Path) -> None:
    conn = sqlite3.connect(path)  # another process's writer, e.g. `armswatch ingest`
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


def test_revalidation_gets_304_without_running_the_route(ledger: Path) -> None:
    client, calls = _app(ledger)
    first = client.get("/page", params={"q": "iran"})
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and "HX-Request" in first.headers["vary"]

    again = client.get("/page", params={"q": "iran"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert calls == ["iran"]


def test_a_write_to_the_database_changes_the_etag(ledger: Path) -> None:
    client, calls = _app(ledger)
    etag = client.get("/page").headers["etag"]
    _write(ledger)
    after = client.get("/page", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.text.startswith("1 rows")
    assert after.headers["etag"] != etag


def test_every_commit_changes_the_version_even_when_the_wal_restarts(ledger: Path) -> None:
    writer = sqlite3.connect(ledger)
    writer.execute("PRAGMA wal_autocheckpoint=1")  # checkpoint after every commit: the WAL restarts at its start
    seen = {sqlite_data_version(ledger)}
    for i in range(40):
        writer.execute("INSERT INTO t VALUES (?)", (i,))
        writer.commit()
        seen.add(sqlite_data_version(ledger))
    writer.close()
    assert len(seen) == 41


def test_etag_differs_by_query_and_by_htmx_fragment(ledger: Path) -> None:
    client, _ = _app(ledger)
    a = client.get("/page", params={"q": "a"}).headers["etag"]
    b = client.get("/page", params={"q": "b"}).headers["etag"]
    frag = client.get("/page", params={"q": "a"}, headers={"HX-Request": "true"})
    assert len({a, b, frag.headers["etag"]}) == 3
    assert client.get("/page", params={"q": "a"}, headers={"If-None-Match": b}).status_code == 200


def test_posts_404s_and_static_files_are_left_alone(ledger: Path) -> None:
    client, calls = _app(ledger)
    assert "etag" not in client.post("/page").headers
    assert "etag" not in client.get("/nowhere").headers
    assert "etag" not in client.get("/static/x.css").headers
    assert client.post("/page", headers={"If-None-Match": "*"}).status_code == 200


def test_if_modified_since_once_the_second_of_the_last_change_is_over(ledger: Path) -> None:
    past = time.time() - 60
    for p in (ledger, ledger.with_name(ledger.name + "-wal")):
        if p.exists():
            os.utime(p, (past, past))
    client, calls = _app(ledger)
    first = client.get("/page")
    assert first.headers["last-modified"] == formatdate(int(past), usegmt=True)
    assert client.get("/page", headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    older = formatdate(int(past) - 3600, usegmt=True)
    assert client.get("/page", headers={"If-Modified-Since": older}).status_code == 200
    assert client.get("/page", headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_cached_pages_are_served_from_memory_until_the_data_changes(ledger: Path) -> None:
    client, calls = _app(ledger, cache_bytes=8000)
    first = client.get("/page", params={"q": "iran"})
    again = client.get("/page", params={"q": "iran"})
    assert calls == ["iran"]
    assert again.text == first.text == "0 rows iran" and again.headers["etag"] == first.headers["etag"]
    assert client.head("/page", params={"q": "iran"}).content == b"" and calls == ["iran"]
    assert client.get("/page", params={"q": "iran"}, headers={"HX-Request": "true"}).status_code == 200
    assert calls == ["iran", "iran"]  # the fragment is another entry
    for _ in range(2):
        client.get("/fragment")
        client.get("/fragment", headers={"HX-History-Restore-Request": "true"})
    assert calls.count("fragment") == 2  # htmx's headers are in the key, so Vary on them still caches
    calls[:] = ["iran", "iran"]
    _write(ledger)
    fresh = client.get("/page", params={"q": "iran"})
    assert fresh.text == "1 rows iran" and calls == ["iran", "iran", "iran"]


def test_cache_keeps_nothing_private_oversized_or_beyond_its_budget(ledger: Path) -> None:
    client, calls = _app(ledger, cache_bytes=1000)  # entries up to 125 bytes
    for _ in range(2):
        client.get("/private")
        client.get("/big")
    assert calls == ["private", "big", "private", "big"]
    calls.clear()
    for q in range(200):  # 11 bytes each: the oldest are evicted, the budget holds
        client.get("/page", params={"q": f"{q:04d}"})
    client.get("/page", params={"q": "0199"})
    client.get("/page", params={"q": "0000"})
    assert calls[-1] == "0000" and calls.count("0199") == 1


def test_no_version_means_no_validators(ledger: Path) -> None:
    app = FastAPI()
    app.get("/page")(lambda: PlainTextResponse("x"))
    app.add_middleware(ConditionalGetMiddleware, version=lambda: None)
    resp = TestClient(app).get("/page", headers={"If-None-Match": "*"})
    assert resp.status_code == 200 and "etag" not in resp.headers


def test_sqlite_path_of_database_urls(tmp_path: Path) -> None:
    assert sqlite_path(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql://u@h/db") is None
    assert sqlite_data_version(tmp_path / "missing.db") is None


def test_dashboard_pages_are_cached_until_ingest_adds_an_article(db_url: str, tmp_path: Path) -> None:
    """On the real app: the second request of a page runs no query; ingest makes the next one fresh."""
    from sqlalchemy import event

    from app.db import get_engine
    from app.ingest.runner import run_ingest
    from app.web.main import app
    from tests.conftest import SEEDS

    assert run_ingest([SEEDS]) == 0
    queries: list[str] = []
    event.listen(get_engine(), "before_cursor_execute", lambda *a: queries.append(a[2]))
    client = TestClient(app)
    pages = ["/?country=IRN", "/api/allegations?country=IRN", "/articles/1"]
    first = [client.get(p) for p in pages]
    assert all(r.status_code == 200 for r in first) and queries
    queries.clear()
    again = [client.get(p) for p in pages]
    assert queries == [] and [r.content for r in again] == [r.content for r in first]

    extra = tmp_path / "more.txt"
    extra.write_text(" date 2024-02-01 Tehran denied the claim that it sent drones to Moscow.", encoding="utf-8")
    assert run_ingest([extra]) == 0
    fresh = client.get(pages[0], headers={"If-None-Match": first[0].headers["etag"]})
    assert fresh.status_code == 200 and queries and fresh.headers["etag"] != first[0].headers["etag"]


def test_concurrent_misses_compute_a_page_once(ledger: Path) -> None:
    import asyncio

    import httpx

    calls: list[str] = []
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> PlainTextResponse:
        calls.append("slow")
        await asyncio.sleep(0.2)
        return PlainTextResponse("computed")

    app.add_middleware(ConditionalGetMiddleware, version=lambda: sqlite_data_version(ledger), cache_bytes=10_000)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.get("/slow") for _ in range(16)))

    responses = asyncio.run(burst())
    assert [r.text for r in responses] == ["computed"] * 16
    assert calls == ["slow"]


def test_data_version_keeps_the_readers_wal_locks(tmp_path):
    """Reading the -shm header must not drop this process's SQLite read locks (POSIX drops all
    of a process's locks on a file when any descriptor of it closes); if it did, a writer could
    checkpoint over a snapshot a request is still reading ("database disk image is malformed")."""
    import sqlite3
    import subprocess
    import sys

    from app.web.caching import sqlite_data_version

    db = tmp_path / "ledger.db"
    setup = sqlite3.connect(db)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (x)")
    setup.commit()
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # holds a WAL read mark
    for _ in range(3):
        sqlite_data_version(db)
    writer = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('INSERT INTO t VALUES (1)'); c.commit();"
        "print(c.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchone()[0])"
    )
    busy = subprocess.run([sys.executable, "-c", writer, str(db)], capture_output=True, text=True, check=True)
    assert busy.stdout.strip() == "1", "the checkpoint ran past an open reader: its locks were dropped"
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # the reader's snapshot is intact
    reader.execute("COMMIT")
    setup.close()
    reader.close()


def test_at_most_the_limit_of_requests_are_computed_at_once() -> None:
    import asyncio

    import httpx

    from app.web.caching import ConcurrencyLimitMiddleware

    running = {"now": 0, "most": 0}

    async def slow_app(scope, receive, send):
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.02)
        running["now"] -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def main() -> list[int]:
        app = ConcurrencyLimitMiddleware(slow_app, limit=3)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            responses = await asyncio.gather(*(client.get(f"/{i}") for i in range(12)))
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200] * 12
    assert running["most"] == 3  # all twelve were served, never more than three at a time
