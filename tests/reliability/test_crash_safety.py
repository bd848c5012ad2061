"""Crash safety: `kill -9` the ingest at seeded random points, rerun, and nothing is lost or doubled.

Kills 1, 3 and 5 land after a random number of committed articles plus a random delay
(anywhere: mid-extraction, between batches; one process or `--workers 2`); kills 2 and 4
land for sure inside an open write transaction, after a random number of statement inserts.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.corpus import write_corpus
from tests.reliability.helpers import REPO, armswatch, connect_ro, count_articles, env_for, ledger_problems

SEED = 20261125
N_ARTICLES = 2000
KILLS = 5


def _process_group_alive(pgid: int) -> list[int]:
    """Pids still in the process group (the killed ingest's extraction workers, if orphaned)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    alive.append(int(entry.name))
            except ProcessLookupError:
                pass
    return alive


def _ingest(corpus: Path, db: Path, workers: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*armswatch(), "ingest", str(corpus), "--workers", str(workers)],
        env=env_for(db), stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


# `armswatch ingest` with one hook: after its Nth INSERT INTO statement (article row written,
# transaction still open) it says so and waits, so the kill lands inside a write transaction.
_PAUSING_INGEST = """
import sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
target, seen = int(sys.argv[1]), [0]

@event.listens_for(Engine, "after_cursor_execute")
def _pause(conn, cursor, statement, params, context, executemany):
    if statement.lstrip().upper().startswith("INSERT INTO STATEMENT"):
        seen[0] += 1
        if seen[0] == target:
            print("PAUSED-IN-TRANSACTION", flush=True)
            time.sleep(600)

from app.cli import main
sys.argv = ["armswatch", "ingest", sys.argv[2]]
main()
"""


def _ingest_pausing(corpus: Path, db: Path, after: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _PAUSING_INGEST, str(after), str(corpus)],
        env=env_for(db), stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO,
    )


def _statements_by_article(db: Path, max_id: int) -> dict[str, set[tuple]]:
    conn = connect_ro(db)
    try:
        out: dict[str, set[tuple]] = {}
        for source, row in ((r[0], r[1:]) for r in conn.execute(
            'SELECT ar.source, s.stance, s.start, s."end", sup.code, rec.code, al.category '
            "FROM article ar JOIN statement s ON s.article_id = ar.id JOIN allegation al ON al.id = s.allegation_id "
            "JOIN actor sup ON sup.id = al.supplier_id JOIN actor rec ON rec.id = al.recipient_id WHERE ar.id <= ?",
            (max_id,),
        )):
            out.setdefault(source, set()).add(row)
        for (source,) in conn.execute("SELECT source FROM article WHERE id <= ?", (max_id,)):
            out.setdefault(source, set())
        return out
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_9_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rnd = random.Random(SEED)
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, N_ARTICLES, SEED)
    expected = {str(p): p.read_text(encoding="utf-8") for p in paths}
    db = tmp_path / "ledger.db"
    log = tmp_path / "ingest.log"

    kills: list[tuple[int, int]] = []  # (kill point in articles, or -1 inside a transaction; articles after it)
    for k in range(KILLS):
        before = count_articles(db)
        remaining = N_ARTICLES - before
        # Leave room for later kills and for the final run to have work left.
        target = before + rnd.randint(20, max(21, remaining // (KILLS - k + 1)))
        delay = rnd.uniform(0.0, 0.15)
        in_transaction = k % 2 == 1  # every other kill lands inside an open write transaction
        if in_transaction:
            mark = log.stat().st_size if log.exists() else 0
            proc = _ingest_pausing(corpus, db, after=rnd.randint(20, 200), log=log)
        else:
            proc = _ingest(corpus, db, workers=1 + k // 2 % 2, log=log)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if in_transaction:
                if b"PAUSED-IN-TRANSACTION" in log.read_bytes()[mark:]:
                    break
            elif count_articles(db) >= target:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"ingest ended before the kill point (exit {proc.returncode}); see {log}"
        if not in_transaction:
            time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _reap_group(proc.pid)  # orphaned workers are test_killed_ingest_leaves_no_worker_behind's concern
        kills.append((-1 if in_transaction else target, count_articles(db)))
        assert not ledger_problems(db), f"inconsistent right after kill {k + 1}: {ledger_problems(db)[:10]}"

    after_kills = count_articles(db)
    conn = connect_ro(db)
    last_id = conn.execute("SELECT max(id) FROM article").fetchone()[0]  # the killed runs' articles: id <= this
    conn.close()
    assert 0 < after_kills < N_ARTICLES, kills

    done = subprocess.run([*armswatch(), "ingest", str(corpus), "--workers", "2"], env=env_for(db),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{N_ARTICLES - after_kills} new, {after_kills} skipped, 0 failed" in done.stdout, done.stdout[-500:]

    problems = ledger_problems(db, expected)
    assert count_articles(db) == N_ARTICLES
    assert problems == [], problems[:20]
    # The articles stored by the killed runs hold every statement extraction gives them: none was
    # committed without its statements (the rerun skips a stored article, so that loss would be final).
    from app.extract import extract

    at_risk = _statements_by_article(db, last_id)
    assert len(at_risk) == after_kills
    for source, stored_rows in at_risk.items():
        text = expected[source]
        want = {(s.stance, s.start, s.end, s.supplier, s.recipient, s.category) for s in extract(text).statements}
        assert stored_rows == want, source
    inside = sum(1 for point, _ in kills if point < 0)
    print(f"\nkill -9 at {KILLS} random points ({inside} inside a write transaction) {kills}: "
          f"0 lost, 0 duplicated, 0 partial of {N_ARTICLES} articles; counters, quotes, integrity and FKs hold")


def _reap_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    """kill -9 of `armswatch ingest --workers 2`: its extraction processes exit too, not sleep forever."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 400, SEED)
    db = tmp_path / "ledger.db"
    proc = _ingest(corpus, db, workers=2, log=tmp_path / "ingest.log")
    try:
        deadline = time.monotonic() + 60
        while count_articles(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "ingest ended before the kill"
        workers = [p for p in _process_group_alive(proc.pid) if p != proc.pid]
        assert len(workers) == 2, workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for _ in range(100):
            left = [p for p in _process_group_alive(proc.pid) if p != proc.pid]
            if not left:
                break
            time.sleep(0.1)
        assert not left, f"extraction workers {left} still running 10 s after their ingest was killed"
    finally:
        _reap_group(proc.pid)
