"""Running `armswatch` as a subprocess and checking a ledger file with plain sqlite3.

The checks read the database with the standard library only, so a bug in the app's
own queries cannot hide a bug in what ingest wrote.
"""
from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def armswatch() -> list[str]:
    script = Path(sys.executable).with_name("armswatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARMSWATCH_")}
    env.update(ARMSWATCH_DATABASE_URL=f"sqlite:///{db}", PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_ro(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def count_articles(db: Path) -> int:
    """Articles committed so far (0 before the schema exists)."""
    try:
        conn = connect_ro(db)
    except sqlite3.OperationalError:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


_RECOUNT = """
SELECT a.id, a.n_statements, a.n_articles, a.n_sources, a.n_alleges, a.n_denies, a.n_confirms, a.status,
       a.first_reported, a.last_reported,
       count(s.id), count(DISTINCT s.article_id), count(DISTINCT coalesce(ar.origin_id, ar.id)),
       coalesce(sum(s.stance = 'alleges'), 0), coalesce(sum(s.stance = 'denies'), 0),
       coalesce(sum(s.stance = 'confirms'), 0),
       CASE max(CASE s.status WHEN 'delivered' THEN 2 WHEN 'planned' THEN 1 ELSE 0 END)
            WHEN 2 THEN 'delivered' WHEN 1 THEN 'planned' ELSE 'unknown' END,
       min(ar.published), max(ar.published)
FROM allegation a
LEFT JOIN statement s ON s.allegation_id = a.id
LEFT JOIN article ar ON ar.id = s.article_id
GROUP BY a.id
"""
COUNTER_NAMES = ("n_statements", "n_articles", "n_sources", "n_alleges", "n_denies", "n_confirms", "status",
                 "first_reported", "last_reported")


def ledger_problems(db: Path, expected: dict[str, str] | None = None) -> list[str]:
    """Every inconsistency in the ledger file; `expected` maps source -> text that must be stored once each."""
    problems: list[str] = []
    conn = connect_ro(db)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {len(fk)} violations, e.g. {fk[:3]}")

        for sha, n in conn.execute("SELECT sha256, count(*) FROM article GROUP BY sha256 HAVING count(*) > 1"):
            problems.append(f"article sha256 {sha[:12]} stored {n} times")
        for src, n in conn.execute("SELECT source, count(*) FROM article GROUP BY source HAVING count(*) > 1"):
            problems.append(f"article {src} stored {n} times")

        texts = {}
        for art_id, source, text, sha in conn.execute("SELECT id, source, text, sha256 FROM article"):
            texts[art_id] = text
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
                problems.append(f"article {art_id}: sha256 does not match its text")
            if expected is not None:
                want = expected.get(source)
                if want is None:
                    problems.append(f"article {art_id}: unexpected source {source}")
                elif want != text:
                    problems.append(f"article {art_id}: text differs from {source}")
        if expected is not None:
            stored = {r[0] for r in conn.execute("SELECT source FROM article")}
            missing = sorted(set(expected) - stored)
            if missing:
                problems.append(f"{len(missing)} articles lost, e.g. {missing[:3]}")

        for st_id, art_id, quote, start, end in conn.execute('SELECT id, article_id, quote, start, "end" FROM statement'):
            text = texts.get(art_id)
            if text is None or not (0 <= start < end <= len(text)) or text[start:end] != quote:
                problems.append(f"statement {st_id}: quote is not article {art_id}'s text[{start}:{end}]")

        for row in conn.execute(_RECOUNT):
            stored_counts, recount = row[1:10], row[10:19]
            if recount[0] == 0:
                problems.append(f"allegation {row[0]} has no statement")
            for name, have, want in zip(COUNTER_NAMES, stored_counts, recount):
                if name in ("first_reported", "last_reported") and have is not None:
                    have = str(have)[:10]
                if have != want:
                    problems.append(f"allegation {row[0]}: {name} is {have!r}, recount gives {want!r}")
    finally:
        conn.close()
    return problems


class LiveServer:
    """`armswatch serve` on a free 127.0.0.1 port, its output captured to a log file."""

    def __init__(self, db: Path, log: Path, **env: str) -> None:
        import subprocess

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._fh = log.open("wb")
        self.proc = subprocess.Popen(
            [*armswatch(), "serve", "--port", str(self.port)], env=env_for(db, **env),
            stdout=self._fh, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/flows", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout}s: {self.output()[-2000:]}")

    def output(self) -> str:
        self._fh.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._fh.close()

    def __enter__(self) -> LiveServer:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_ingest(paths: list[Path], db: Path, timeout: float = 300, workers: int = 1):
    import subprocess

    return subprocess.run([*armswatch(), "ingest", *map(str, paths), "--workers", str(workers)], env=env_for(db),
                          capture_output=True, text=True, timeout=timeout)


def ingest_in_process(*args: str | Path):
    """`armswatch ingest ARGS` through typer's runner (patches to the extractor reach the forked
    workers); fails the test on a traceback or an exception other than the exit."""
    from typer.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def stored_sources(engine) -> set[str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return set(conn.execute(text("SELECT source FROM article")).scalars())
