"""Crash safety: `kill -9` the ingest at seeded random points, rerun, and nothing is lost or doubled.

The kill lands after a random number of committed articles plus a random delay, so it
falls anywhere: mid-extraction, mid-transaction, between a batch's articles. Runs
alternate between one process and `--workers 2`.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.corpus import write_corpus
from tests.reliability.helpers import armswatch, count_articles, env_for, ledger_problems

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


@pytest.mark.slow
def test_kill_9_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rnd = random.Random(SEED)
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, N_ARTICLES, SEED)
    expected = {str(p): p.read_text(encoding="utf-8") for p in paths}
    db = tmp_path / "ledger.db"
    log = tmp_path / "ingest.log"

    kills: list[tuple[int, int]] = []  # (articles when the kill was decided, articles after it)
    for k in range(KILLS):
        before = count_articles(db)
        remaining = N_ARTICLES - before
        # Leave room for later kills and for the final run to have work left.
        target = before + rnd.randint(20, max(21, remaining // (KILLS - k + 1)))
        delay = rnd.uniform(0.0, 0.15)
        proc = _ingest(corpus, db, workers=1 + k % 2, log=log)
        deadline = time.monotonic() + 120
        while count_articles(db) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, f"ingest ended before the kill point (exit {proc.returncode}); see {log}"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _reap_group(proc.pid)  # orphaned workers are test_killed_ingest_leaves_no_worker_behind's concern
        kills.append((target, count_articles(db)))
        assert not ledger_problems(db), f"inconsistent right after kill {k + 1}: {ledger_problems(db)[:10]}"

    after_kills = count_articles(db)
    assert 0 < after_kills < N_ARTICLES, kills

    done = subprocess.run([*armswatch(), "ingest", str(corpus), "--workers", "2"], env=env_for(db), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{N_ARTICLES - after_kills} new, {after_kills} skipped, 0 failed" in done.stdout, done.stdout[-500:]

    problems = ledger_problems(db, expected)
    assert count_articles(db) == N_ARTICLES
    assert problems == [], problems[:20]
    print(f"\nkill -9 at {KILLS} random points {kills}: 0 lost, 0 duplicated, "
          f"{N_ARTICLES} articles, ledger consistent")


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
