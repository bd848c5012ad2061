"""Ingest throughput: `armswatch ingest` of N generated articles into a fresh database.

    python bench/bench_ingest.py                              # N = 10000 and 100000, --workers 1 and 2
    python bench/bench_ingest.py --n 10000 --workers 2        # one run
    python bench/bench_ingest.py --n 100000 --workers 2 --keep bench/out/armswatch-100k.db

The corpus is generated once under bench/out/corpus (git-ignored) by tests/perf/generate.py
with its fixed seed, in folders of 1000 files; N articles are the first N/1000 folders, so
the 10k run reads a prefix of the 100k corpus. Each run starts from an empty database file
(`armswatch ingest` migrates it) and is timed from process start to exit, reading the files
included. Memory is the resident set of the ingest process and its workers, sampled every
200 ms: the peak of the sum and the peak of the largest single process. CPU is the user and
system time of the ingest process and its workers, per article: on a machine shared with
other work it moves less than the wall-clock rate; the writer's share (the ingest process
itself, which stores every article alone) is sampled with the memory.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import RssSampler, conditions, machine, mib, print_header, repo_root, venv_bin  # noqa: E402
from tests.perf.generate import FILES_PER_DIR, write_corpus  # noqa: E402

OUT = repo_root() / "bench" / "out"


def ensure_corpus(n: int, corpus: Path) -> list[Path]:
    """The folders holding articles 0..n-1, generating the missing ones."""
    if n % FILES_PER_DIR:
        raise SystemExit(f"--n {n}: must be a multiple of {FILES_PER_DIR}")
    folders = [corpus / f"{k:05d}" for k in range(n // FILES_PER_DIR)]
    missing = [k for k, f in enumerate(folders) if len(list(f.glob("*.txt"))) != FILES_PER_DIR] if corpus.exists() else list(range(len(folders)))
    if missing:
        t0 = time.perf_counter()
        for k in missing:
            write_corpus(corpus, FILES_PER_DIR, start=k * FILES_PER_DIR)
        print(f"generated {len(missing) * FILES_PER_DIR} articles under {corpus} in {time.perf_counter() - t0:.0f}s", flush=True)
    return folders


def run_ingest(folders: list[Path], workers: int, db: Path, log: Path) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "ARMSWATCH_DATABASE_URL": f"sqlite:///{db}"}
    cmd = [venv_bin("armswatch"), "ingest", *map(str, folders), "--workers", str(workers)]
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=repo_root())
        with RssSampler(proc.pid) as rss:
            code = proc.wait()
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    tail = log.read_text(errors="replace").splitlines()[-3:]
    summary = " | ".join(tail)
    new = int(m.group(1)) if (m := re.search(r"articles:\s+(\d+) new", summary)) else -1
    with sqlite3.connect(db) as conn:
        articles, statements, allegations = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                             for t in ("article", "statement", "allegation"))
    return {
        "workers": workers, "exit": code, "wall_s": round(wall, 1), "new": new,
        "articles": articles, "statements": statements, "allegations": allegations,
        "articles_per_s": round(articles / wall, 1), "cpu_s": round(cpu, 1),
        "cpu_ms_per_article": round(cpu / max(articles, 1) * 1000, 1),
        "writer_cpu_ms_per_article": round(rss.cpu.get(proc.pid, 0.0) / max(articles, 1) * 1000, 1),
        "peak_rss_total": rss.peak_total,
        "peak_rss_single": rss.peak_single, "processes": rss.processes,
        "db_bytes": db.stat().st_size, "summary": summary, "command": " ".join(cmd[1:]),
    }


def _children_cpu() -> float:
    """User + system seconds of the waited-for child processes (ingest and, through it, its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="articles per run (multiples of 1000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="--workers values of armswatch ingest")
    parser.add_argument("--corpus", type=Path, default=OUT / "corpus", help="where the generated corpus lives")
    parser.add_argument("--keep", type=Path, help="copy the database of the last run here (for bench_pages.py)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    print_header("armswatch ingest benchmark")
    folders_max = ensure_corpus(max(args.n), args.corpus)
    results = []
    for n in args.n:
        for w in args.workers:
            db = OUT / f"ingest-{n}-w{w}.db"
            r = run_ingest(folders_max[: n // FILES_PER_DIR], w, db, OUT / f"ingest-{n}-w{w}.log")
            r["n"] = n
            results.append(r)
            print(f"n={n:>7} workers={w}: {r['articles_per_s']:>7.1f} articles/s  wall {r['wall_s']:>7.1f}s  "
                  f"peak RSS {mib(r['peak_rss_total'])} total / {mib(r['peak_rss_single'])} largest process "
                  f"({r['processes']} processes)  exit {r['exit']}", flush=True)
            print(f"    {r['summary']}", flush=True)
            if r["exit"] != 0:
                print(f"    ingest failed: see {OUT / f'ingest-{n}-w{w}.log'}", flush=True)
            if args.keep and (n, w) == (args.n[-1], args.workers[-1]):
                for suffix in ("-wal", "-shm"):
                    Path(f"{args.keep}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(db, args.keep)
                print(f"    kept as {args.keep}", flush=True)
            for suffix in ("", "-wal", "-shm"):
                if not args.keep or db != args.keep:
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
    record = {"machine": machine(), "conditions": conditions(), "runs": results}
    (OUT / "ingest-results.json").write_text(json.dumps(record, indent=2))
    print()
    print("| articles | --workers | articles/s | wall | CPU per article (writer) | peak RSS (all processes) "
          "| largest process | statements | allegations |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['n']:,} | {r['workers']} | {r['articles_per_s']:.0f} | {r['wall_s']:.0f} s | {r['cpu_ms_per_article']:.1f} ms ({r['writer_cpu_ms_per_article']:.1f}) "
              f"| {mib(r['peak_rss_total'])} "
              f"| {mib(r['peak_rss_single'])} | {r['statements']:,} | {r['allegations']:,} |")
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
