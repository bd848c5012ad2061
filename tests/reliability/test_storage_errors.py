"""Issue 15, point 5: a full disk and read-only storage.

- ingest on a full disk stops with one clear error and the usual summary, prints no SQL and
  no traceback, and what it stored before is intact (checked with plain sqlite3);
- `serve` on a database in a read-only folder (a read-only tmpfs: real EROFS) serves it, since
  the schema is current and a dashboard only reads;
- ingest on that read-only database says so in one line, without SQL or parameters.

The tmpfs tests need the right to mount (root, as in CI); elsewhere they are skipped with the reason.
"""
from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from app import db
from app.ingest import runner
from tests.conftest import SEEDS
from tests.fixtures.ingest.fakes import fake_extract
from tests.reliability.helpers import armswatch, count_articles, env_for, free_port, ledger_problems
from tests.reliability.helpers import ingest_in_process as ingest

ALLEGES = "The State Department said Iran had delivered Shahed drones to Russia in August."



def no_sql(output: str) -> None:
    for marker in ("[SQL", "INSERT INTO", "parameters", "Traceback", "ipsum dolor"):  # no statement, no article text
        assert marker not in output, output


def test_a_full_disk_ends_ingest_with_one_error_and_the_summary(db_url: str, engine: Engine, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's max_page_count gives the same SQLITE_FULL a full disk gives, on any machine."""
    monkeypatch.setattr(runner, "extract", fake_extract)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(40):
        (corpus / f"{n:02}.txt").write_text(f"{ALLEGES} Lorem {n} " + "ipsum dolor sit amet " * 1500)
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    # room for the taxonomy and a few articles (each ~35 kB of text and index), not 40
    monkeypatch.setattr(db, "SQLITE_PRAGMAS", (*db.SQLITE_PRAGMAS, f"PRAGMA max_page_count={pages + 120}"))
    db.get_engine.cache_clear()

    result = ingest(corpus)

    assert result.exit_code == 2
    assert "armswatch: stopped: cannot write to the database: database or disk is full (free some space and run again)" \
        in result.stderr
    lines = result.stdout.splitlines()
    assert lines[-3].startswith("articles:    ") and lines[-2].startswith("statements:  ")
    stored = int(lines[-3].split()[1])
    assert 0 < stored < 40
    no_sql(result.output)
    assert count_articles(Path(db_url.removeprefix("sqlite:///"))) == stored
    assert ledger_problems(Path(db_url.removeprefix("sqlite:///"))) == []


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)


def test_a_really_full_disk_too(tmpfs: Path, tmp_path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=3m", str(tmpfs)], check=True, capture_output=True)
    database = tmpfs / "ledger.db"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(60):
        (corpus / f"{n:02}.txt").write_text(f"{ALLEGES} Lorem {n} " + "ipsum dolor sit amet " * 2000)
    run = subprocess.run([*armswatch(), "ingest", str(corpus)], env=env_for(database), capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 2, run.stderr[-2000:]
    assert "cannot write to the database: database or disk is full" in run.stderr
    assert "articles:    " in run.stdout and "statements:  " in run.stdout
    no_sql(run.stdout + run.stderr)
    stored = int(run.stdout.split("articles:")[1].split()[0])
    assert stored == count_articles(database)
    assert ledger_problems(database) == []


def test_serve_reads_a_database_on_read_only_storage(tmpfs: Path) -> None:
    database = tmpfs / "ledger.db"
    env = env_for(database)
    built = subprocess.run([*armswatch(), "ingest", str(SEEDS)], env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    _read_only(tmpfs)

    port = free_port()
    server = subprocess.Popen([*armswatch(), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(200):
            if server.poll() is not None:
                break
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/allegations", timeout=5)
                body = resp.json()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert server.poll() is None, server.communicate(timeout=5)
        assert body is not None and body["total"] > 0
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)

    again = subprocess.run([*armswatch(), "ingest", str(SEEDS)], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2
    assert "armswatch: cannot write to the database: attempt to write a readonly database" in again.stderr
    no_sql(again.stdout + again.stderr)
    assert len(again.stderr.splitlines()) == 1
