"""Concurrent load: the real server under ~10 s of load while `armswatch ingest` writes the same file.

Zero 5xx, no "database is locked" anywhere, and every response is consistent in itself:
an allegation's counters agree with the statements listed with it, an article's quotes
are its text at their offsets, and an id committed before the request is always found.
"""
from __future__ import annotations

import random
import re
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.reliability.corpus import write_corpus
from tests.reliability.helpers import LiveServer, armswatch, connect_ro, env_for, ledger_problems, run_ingest

SEED = 606
LOAD_SECONDS = 10
THREADS = 4


def _per_stance() -> int:
    """How many statements of each stance the allegation detail lists at most (newest first)."""
    import inspect

    from app import queries

    return inspect.signature(queries.get_allegation).parameters["per_stance"].default


def allegation_inconsistencies(detail: dict) -> list[str]:
    """Counters vs. what the same response lists and counts: all must come from one committed state."""
    a = detail["allegation"]
    where = f"allegation {a['id']}"
    statements = detail["statements"]
    own = [s for s in statements if not s["pair_denial"]]
    pair = [s for s in statements if s["pair_denial"]]
    listed = Counter(s["stance"] for s in statements)
    want = {"alleges": a["n_alleges"], "denies": a["n_denies"], "confirms": a["n_confirms"]}
    problems = []
    if a["n_statements"] != a["n_alleges"] + (a["n_denies"] - a["n_pair_denies"]) + a["n_confirms"]:
        problems.append(f"{where}: n_statements {a['n_statements']} is not the sum of its stances")
    limit = _per_stance()
    for stance, count in want.items():
        if detail.get("counts", want).get(stance) != count:
            problems.append(f"{where}: counts[{stance}] {detail['counts'].get(stance)} but n_{stance} {count}")
        if listed[stance] != min(count, limit):
            problems.append(f"{where}: n_{stance} {count} but {listed[stance]} listed (at most {limit} shown)")
    if "timeline" in detail:
        dated = Counter()
        for bucket in detail["timeline"]:
            for stance in want:
                dated[stance] += bucket[stance]
        if sum(dated.values()) + detail["undated"] != sum(want.values()):
            problems.append(f"{where}: timeline holds {sum(dated.values())}+{detail['undated']} undated "
                            f"statements but the counters {sum(want.values())}")
    if len(pair) > a["n_pair_denies"] or (len(own) == a["n_statements"] and
                                          a["n_articles"] != len({s["article"]["id"] for s in own})):
        problems.append(f"{where}: n_articles/n_pair_denies disagree with the listed statements")
    return problems


def article_inconsistencies(detail: dict) -> list[str]:
    text = detail["text"]
    return [f"article {detail['article']['id']}: statement {s['id']} quote is not text[{s['start']}:{s['end']}]"
            for s in detail["statements"] if text[s["start"]:s["end"]] != s["quote"]]


class Load:
    def __init__(self, base: str, db: Path, seconds: float) -> None:
        self.base, self.db, self.seconds = base, db, seconds
        self.statuses: Counter[int] = Counter()
        self.problems: list[str] = []
        self.requests = 0
        self.lock = threading.Lock()
        self.max_ids = {"article": 1, "allegation": 1}

    def refresh_ids(self) -> None:
        conn = connect_ro(self.db)
        try:
            for table in self.max_ids:
                self.max_ids[table] = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 1  # noqa: S608
        finally:
            conn.close()

    def worker(self, n: int) -> None:
        rnd = random.Random(f"{SEED}-{n}")
        end = time.monotonic() + self.seconds
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while time.monotonic() < end:
                self.refresh_ids()  # ids committed before the request: the server must find them
                alg, art = rnd.randint(1, self.max_ids["allegation"]), rnd.randint(1, self.max_ids["article"])
                kind = rnd.choice(("api-allegation", "api-allegation", "api-article", "list", "page", "facets",
                                   "allegation-page", "article-page", "csv", "search"))
                path = {
                    "api-allegation": f"/api/allegations/{alg}",
                    "api-article": f"/api/articles/{art}",
                    "list": f"/api/allegations?sort={rnd.choice(['sources', 'latest', 'denied'])}&page={rnd.randint(1, 3)}",
                    "page": f"/?country={rnd.choice(['IRN', 'RUS', 'PRK', 'CHN'])}",
                    "facets": "/api/facets?stance=denied",
                    "allegation-page": f"/allegations/{alg}",
                    "article-page": f"/articles/{art}",
                    "csv": "/allegations.csv?country=IRN",
                    "search": f"/api/allegations?q={rnd.choice(['drones', 'denied', 'artillery shells'])}",
                }[kind]
                try:
                    resp = client.get(path)
                except httpx.HTTPError as exc:
                    with self.lock:
                        self.problems.append(f"{path}: {type(exc).__name__} {exc}")
                    continue
                found: list[str] = []
                if resp.status_code != 200:
                    found.append(f"{path}: {resp.status_code} {resp.text[:200]}")
                elif kind == "api-allegation":
                    found += allegation_inconsistencies(resp.json())
                elif kind == "api-article":
                    found += article_inconsistencies(resp.json())
                elif kind in ("list", "search"):
                    for item in resp.json()["items"]:
                        if item["n_denies"] < item["n_pair_denies"] or item["n_statements"] < item["n_alleges"]:
                            found.append(f"{path}: allegation {item['id']} counters {item}")
                with self.lock:
                    self.requests += 1
                    self.statuses[resp.status_code] += 1
                    self.problems += found


@pytest.mark.slow
def test_server_under_load_while_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(first, 150, SEED)
    write_corpus(second, 1000, SEED + 1)
    done = run_ingest([first], db)
    assert done.returncode == 0, done.stderr

    with LiveServer(db, tmp_path / "server.log") as server:
        ingest_log = tmp_path / "ingest.log"
        ingest = subprocess.Popen([*armswatch(), "ingest", str(second)], env=env_for(db),
                                  stdout=subprocess.DEVNULL, stderr=ingest_log.open("wb"))
        try:
            # Start the load once the ingest is writing, so reads and writes overlap for the whole window.
            conn = connect_ro(db)
            deadline = time.monotonic() + 60
            while conn.execute("SELECT count(*) FROM article").fetchone()[0] <= 150 and time.monotonic() < deadline:
                assert ingest.poll() is None, ingest_log.read_text()
                time.sleep(0.1)
            conn.close()
            load = Load(server.url, db, LOAD_SECONDS)
            at_start = _articles(db)
            threads = [threading.Thread(target=load.worker, args=(n,)) for n in range(THREADS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=LOAD_SECONDS + 60)
            written_under_load = _articles(db) - at_start
        finally:
            rc = ingest.wait(timeout=300)
        output = server.output()

    errors = ingest_log.read_text(encoding="utf-8", errors="replace")
    assert written_under_load >= 50, f"only {written_under_load} articles committed during the load: no overlap"
    assert rc == 0, errors[-2000:]
    assert "database is locked" not in output + errors
    assert "Traceback" not in output + errors, output[-3000:]
    assert not any(code >= 500 for code in load.statuses), load.statuses
    assert load.problems == [], "\n".join(load.problems[:20])
    assert load.requests >= 100, load.requests
    assert ledger_problems(db) == []
    print(f"\n{load.requests} requests in {LOAD_SECONDS}s from {THREADS} clients while ingest committed "
          f"{written_under_load} articles: {dict(load.statuses)}")


def _articles(db: Path) -> int:
    conn = connect_ro(db)
    try:
        return conn.execute("SELECT count(*) FROM article").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_two_overlapping_ingests_store_each_article_once(tmp_path: Path) -> None:
    """A scheduled ingest that starts while the last one still runs: same files, opposite order."""
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 600, SEED + 2, per_dir=200)
    db = tmp_path / "ledger.db"
    assert subprocess.run([*armswatch(), "db", "upgrade"], env=env_for(db), capture_output=True).returncode == 0
    dirs = sorted(p for p in corpus.iterdir())
    procs = [subprocess.Popen([*armswatch(), "ingest", *map(str, order)], env=env_for(db), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for order in (dirs, dirs[::-1])]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-2000:]
        assert "database is locked" not in out + err and "Traceback" not in out + err
    totals = [re.search(r"articles:\s+(\d+) new, (\d+) skipped, (\d+) failed", out) for out, _ in outputs]
    assert all(totals), outputs
    new = sum(int(m.group(1)) for m in totals)
    assert new == len(paths), totals  # each article stored by exactly one of the two runs
    assert all(int(m.group(1)) + int(m.group(2)) == len(paths) and m.group(3) == "0" for m in totals)
    assert ledger_problems(db, {str(p): p.read_text(encoding="utf-8") for p in paths}) == []
