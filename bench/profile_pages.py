"""Where a page's time goes: each class of bench_mixed.py's URLs requested one at a time through
the whole ASGI app in this process, with the response cache off, the time split into SQL and
the rest (routing, records, templates).

    python bench/profile_pages.py --db bench/out/armswatch-100k.db               # every class, 200 URLs each
    python bench/profile_pages.py --db ... --only search --n 50 --cprofile 25   # + cProfile's top 25 functions

The URLs are bench_mixed.py's files (bench/out/mixed-urls/, drawn from the same ledger by a run
of it, or by --draw). Times are per request: wall clock, the SQL part of it (from
SQLAlchemy's cursor events) and the process's CPU time (which other programs on a shared
machine do not inflate), as mean, p50 and p99 over the class; the first request of the
process (which builds the bitmap index) is reported apart, as what a request after an ingest pays.
The slowest SQL statements of each class are printed with their share, to EXPLAIN them.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_mixed import OUT, draw_urls, write_urls  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the ledger (SQLite) or, with --url, only for --draw")
    parser.add_argument("--url", help="serve this database URL instead of --db (e.g. PostgreSQL)")
    parser.add_argument("--n", type=int, default=200, help="URLs per class")
    parser.add_argument("--only", nargs="+", help="classes to run (file stems: list, search, allegation, ...)")
    parser.add_argument("--draw", action="store_true", help="draw the URL files from --db first")
    parser.add_argument("--cprofile", type=int, metavar="TOP", help="print cProfile's TOP functions per class")
    parser.add_argument("--cache", action="store_true", help="keep the response cache on (default: off)")
    parser.add_argument("--gc", action="store_true", help="print the pause of each full garbage collection")
    args = parser.parse_args(argv)
    os.environ["ARMSWATCH_DATABASE_URL"] = args.url or f"sqlite:///{args.db.resolve()}"
    if not args.cache:
        os.environ["ARMSWATCH_RESPONSE_CACHE_MB"] = "0"
    if args.draw:
        write_urls(draw_urls(args.db, 3000, 14))

    from sqlalchemy import event
    from starlette.testclient import TestClient

    from app.db import get_engine
    from app.web.main import create_app

    sql: dict[str, float] = defaultdict(float)
    per_statement: dict[str, list[float]] = defaultdict(list)
    started: list[float] = []

    @event.listens_for(get_engine(), "before_cursor_execute")
    def _before(*_a) -> None:
        started.append(time.perf_counter())

    @event.listens_for(get_engine(), "after_cursor_execute")
    def _after(_conn, _cursor, statement, *_a) -> None:
        took = time.perf_counter() - started.pop()
        sql["now"] += took
        per_statement[" ".join(statement.split())[:160]].append(took)

    client = TestClient(create_app())
    t0 = time.perf_counter()
    client.get("/?category=uav")
    print(f"first request of the process (bitmap index built): {(time.perf_counter() - t0) * 1e3:.0f} ms\n")
    if args.gc:  # print each full collection's pause
        gc_started: list[float] = []
        gc.callbacks.append(lambda phase, info: gc_started.append(time.perf_counter()) if phase == "start"
                            else print(f"  gc gen2 pause {(time.perf_counter() - gc_started.pop()) * 1e3:.1f} ms")
                            if info["generation"] == 2 else gc_started.pop())
    print(f"{'class':<28} {'n':>4} {'mean':>8} {'p50':>8} {'p99':>8} {'sql mean':>9} {'sql p99':>8} {'cpu mean':>9} "
          f"{'cpu p99':>8}")
    files = sorted((OUT / "mixed-urls").glob("*.txt"))
    for path in files:
        name = path.stem
        if name == "datasette" or (args.only and name not in args.only):
            continue
        urls = path.read_text().split()[: args.n]
        walls, sqls, cpus = [], [], []
        per_statement.clear()
        profiler = cProfile.Profile() if args.cprofile else None
        for url in urls:
            sql["now"] = 0.0
            t0, c0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            r = client.get(url)
            if profiler:
                profiler.disable()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            sqls.append(sql["now"])
            if r.status_code != 200:
                print(f"  {url}: {r.status_code}")
        ms = lambda v: f"{v * 1e3:7.1f}"  # noqa: E731
        print(f"{name:<28} {len(urls):>4} {ms(statistics.mean(walls))} {ms(pct(walls, 0.5))} {ms(pct(walls, 0.99))}"
              f"  {ms(statistics.mean(sqls))} {ms(pct(sqls, 0.99))}  {ms(statistics.mean(cpus))} {ms(pct(cpus, 0.99))}")
        slowest = sorted(zip(walls, urls), reverse=True)[:3]
        print("      slowest: " + ", ".join(f"{u} {w * 1e3:.0f} ms" for w, u in slowest))
        top = sorted(per_statement.items(), key=lambda kv: -sum(kv[1]))[:4]
        for stmt, times in top:
            print(f"      {sum(times) / len(urls) * 1e3:6.2f} ms/req  x{len(times) / len(urls):.1f}  {stmt}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
