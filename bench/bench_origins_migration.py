"""How fast the migrations group an existing ledger into independent origins.

    python bench/bench_origins_migration.py --db bench/out/armswatch-10k.db              # from 0007
    python bench/bench_origins_migration.py --db bench/out/armswatch-10k.db --from 0010  # regroup

The ledger is copied to bench/out/migrate-origins.db and brought to `--from` (down or up), then
`armswatch db upgrade` is timed from process start to exit: from 0007 (before independent
origins) that is 0008's columns and tables, 0009's article-allegation table, 0010's quote column
and 0011's grouping; from 0010 (a ledger grouped by 0008's first grouping) 0011's regrouping
alone. Reports articles per second, the CPU time per article and how many articles joined a group.
"""
from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import migrate  # noqa: E402
from bench.machine import print_header, repo_root, venv_bin  # noqa: E402

OUT = repo_root() / "bench" / "out"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a SQLite ledger (left untouched; a copy is migrated)")
    parser.add_argument("--from", dest="start", default="0007", help="revision to start from (default 0007)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"--db {args.db}: no such file")
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "migrate-origins.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(args.db) as src, sqlite3.connect(db) as dst:  # a consistent copy, WAL included
        src.backup(dst)
    url = f"sqlite:///{db}"
    current = migrate.current(url) or ""
    if current > args.start:  # revisions are numbered 0001, 0002, ...
        migrate.downgrade(url, args.start)
    elif current < args.start:
        migrate.upgrade(url, args.start)
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM article").fetchone()[0]
    print_header(f"grouping {articles:,} stored articles: armswatch db upgrade from {args.start}")
    t0, cpu0 = time.perf_counter(), _children_cpu()
    subprocess.run([venv_bin("armswatch"), "db", "upgrade"], env={**os.environ, "ARMSWATCH_DATABASE_URL": url},
                   cwd=repo_root(), check=True, stdout=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    with sqlite3.connect(db) as conn:
        grouped = conn.execute("SELECT count(*) FROM article WHERE origin_id IS NOT NULL").fetchone()[0]
        groups = conn.execute("SELECT count(DISTINCT origin_id) FROM article").fetchone()[0]
    print(f"{articles:,} articles in {wall:.1f} s: {articles / wall:.0f} articles/s, CPU {cpu / max(articles, 1) * 1000:.1f} "
          f"ms/article; {grouped:,} articles joined {groups:,} groups")
    db.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
