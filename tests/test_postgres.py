"""The data layer is portable: the migrations, ingest and the dashboard queries on PostgreSQL.

A throw-away PostgreSQL cluster (Debian's server binaries) is started on a Unix socket in a
temp folder; the seed article is ingested there and into SQLite, and both ledgers must agree.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from app import migrate
from app.config import get_settings
from app.db import get_engine, make_engine
from app.filters import AllegationFilters
from app.ingest.runner import run_ingest
from app.models import Actor, Allegation
from app.queries import get_allegation, list_allegations
from tests.conftest import SEEDS


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb refuses to run as root; run the server as the postgres system user then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed (make test installs Debian's postgresql)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server")
    root = tmp_path_factory.mktemp("pg")
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        root.chmod(0o755)
        for parent in root.parents:  # the server user must reach the socket folder
            if str(parent).startswith(("/tmp", str(tmp_path_factory.getbasetemp().parent))):
                parent.chmod(parent.stat().st_mode | 0o011)
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
                   check=True, capture_output=True)
    opts = f"-c listen_addresses='' -k {sock} -p 54329 -c fsync=off"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l",
                                 str(root / "log"), "start"]), check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres([str(bin_dir / "createdb"), "-h", str(sock), "-p", "54329", "-U", "postgres",
                                     "armswatch"]), check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@/armswatch?host={sock}&port=54329"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()


def _transfers(url: str) -> set[tuple[str, str, str, int, int]]:
    engine = make_engine(url)
    sup, rec = Actor.__table__.alias("s"), Actor.__table__.alias("r")
    a = Allegation.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(sup.c.code, rec.c.code, a.c.category, a.c.n_statements, a.c.n_denies)
            .join(sup, sup.c.id == a.c.supplier_id)
            .join(rec, rec.c.id == a.c.recipient_id)
        ).all()
    engine.dispose()
    return {tuple(r) for r in rows}


def _origins(url: str) -> dict[str, str | None]:
    """Each article's source and its origin's (None: an origin itself)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT a.source, o.source FROM article a LEFT JOIN article o ON o.id = a.origin_id")).all()
    engine.dispose()
    return {Path(a).name: o and Path(o).name for a, o in rows}


def test_migrations_ingest_and_queries_on_postgresql(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    migrate.upgrade(pg_url)
    migrate.downgrade(pg_url, "base")
    assert migrate.current(pg_url) is None
    migrate.upgrade(pg_url)
    assert migrate.current(pg_url) is not None

    _use(pg_url, monkeypatch)
    assert run_ingest([SEEDS]) == 0
    assert run_ingest([SEEDS]) == 0  # identical text: skipped, nothing changes
    on_pg = _transfers(pg_url)

    sqlite_url = f"sqlite:///{tmp_path / 'ref.db'}"
    _use(sqlite_url, monkeypatch)
    assert run_ingest([SEEDS]) == 0
    assert on_pg == _transfers(sqlite_url)
    grouped = _origins(pg_url)  # the copies in seeds/demo are grouped alike (band lookups, exact checks)
    assert grouped == _origins(sqlite_url)
    # read in name order: the copy comes before the wire story, which joins it
    assert grouped["2024-02-12-meridian-iran-russia-drones.txt"] == "2024-02-12-baltic-ledger-iran-drones-copy.txt"
    migrate.downgrade(pg_url, "0010")
    migrate.upgrade(pg_url)  # 0011 groups the stored ledger again, as ingest did
    assert _origins(pg_url) == grouped and _transfers(pg_url) == on_pg
    assert ("PRK", "RUS", "artillery") in {t[:3] for t in on_pg}

    engine = make_engine(pg_url)
    with Session(engine) as session:
        everything = list_allegations(session=session, filters=AllegationFilters(), page_size=50)
        assert everything.total == len(on_pg)
        from_iran = list_allegations(session=session, filters=AllegationFilters(supplier=["IRN"]), page_size=50)
        assert from_iran.items and all(row.supplier.code == "IRN" for row in from_iran.items)
        searched = list_allegations(session=session, filters=AllegationFilters(q="denied"), page_size=50)
        assert any(row.n_denies for row in searched.items)  # PostgreSQL text search (migration 0004)
        detail = get_allegation(session=session, allegation_id=searched.items[0].id)
        assert detail is not None
    engine.dispose()


def test_watched_sources_on_postgresql(pg_url: str, monkeypatch) -> None:
    from datetime import datetime, timedelta, timezone

    from app.ingest.watch import Watcher
    from app.ingest.watched import SourceError, add_source, remove_source
    from app.queries import list_sources

    migrate.upgrade(pg_url)
    _use(pg_url, monkeypatch)
    engine = make_engine(pg_url)
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    url = "http://127.0.0.1:1/feed.xml"  # nothing listens on port 1: every poll fails
    source_id = add_source(engine, url, "10m", name="Dead wire")
    with pytest.raises(SourceError, match="already watched"):
        add_source(engine, url)
    watcher = Watcher(engine)
    [first] = watcher.run_once(now=lambda: t0)
    assert first.status == "failed"
    assert watcher.run_once(now=lambda: t0 + timedelta(minutes=19)) == []  # backing off: due after 20 minutes
    assert [r.status for r in watcher.run_once(now=lambda: t0 + timedelta(minutes=20))] == ["failed"]
    with Session(engine) as session:
        [row] = [r for r in list_sources(session=session) if r.id == source_id]
    assert (row.status, row.failures, row.name, row.per_day) == ("failed", 2, "Dead wire", 0)
    assert row.last_poll_at == t0 + timedelta(minutes=20) and row.next_poll_at == t0 + timedelta(minutes=60)
    assert remove_source(engine, str(source_id)) == url
    engine.dispose()


def test_pages_on_postgresql_are_cached_and_revalidated_until_the_data_changes(pg_url: str, tmp_path: Path,
                                                                               monkeypatch) -> None:
    """No file to look at: the data version comes from the ledger (one query), so a revalidation
    gets a 304 and a repeated page comes from memory, until ingest stores something."""
    from starlette.testclient import TestClient

    from app.web.main import create_app

    migrate.upgrade(pg_url)
    _use(pg_url, monkeypatch)
    assert run_ingest([SEEDS]) == 0
    with TestClient(create_app()) as client:
        first = client.get("/?country=RUS")
        etag = first.headers["etag"]
        assert first.status_code == 200 and "last-modified" not in first.headers
        assert client.get("/?country=RUS", headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/?country=IRN").headers["etag"] != etag  # keyed per URL
        again = client.get("/?country=RUS")
        assert again.headers["etag"] == etag and again.content == first.content
        article = tmp_path / "new.txt"
        article.write_text("Officials said Iran shipped more Shahed-136 drones to Russia in March, a report said.")
        assert run_ingest([article]) == 0
        changed = client.get("/?country=RUS", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_feeds_of_changes_on_postgresql(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    """The writer records the same changes on PostgreSQL (ids returned by a multi-row INSERT,
    pairs looked up as row values) and the feed reads them alike, a review included."""
    import feedparser
    from starlette.testclient import TestClient

    from app.web.main import create_app

    def entries(url: str) -> list[tuple[str, str, str]]:
        _use(url, monkeypatch)
        with TestClient(create_app()) as client:
            r = client.get("/feed.atom?country=RUS")
            assert r.status_code == 200
            parsed = feedparser.parse(r.content)
        return sorted((e.tags[0].term, e.title, e.summary) for e in parsed.entries)

    migrate.downgrade(pg_url, "base")
    migrate.upgrade(pg_url)
    _use(pg_url, monkeypatch)
    assert run_ingest([SEEDS]) == 0
    on_pg = entries(pg_url)
    sqlite_url = f"sqlite:///{tmp_path / 'ref.db'}"
    _use(sqlite_url, monkeypatch)
    assert run_ingest([SEEDS]) == 0
    assert on_pg == entries(sqlite_url)
    assert {"new-allegation", "new-recipient", "first-denial"} <= {kind for kind, _, _ in on_pg}
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # recorded at ingest = derived from scratch, on PostgreSQL too
        query = "SELECT allegation_id, kind, statement_id, recorded_at FROM allegation_change ORDER BY 1, 2"
        recorded = conn.execute(text(query)).all()
        from app import alerts

        alerts.derive(conn)
        assert conn.execute(text(query)).all() == recorded
    engine.dispose()
