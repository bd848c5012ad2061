"""Benchmark: extraction of the densest articles (issue 15, point 1): s/MB and peak RSS at 1, 2 and 9.5 MB.

    .venv/bin/python bench/bench_dense.py [--mb 1 2 9.5] [--ingest]

Each size is a distinct article from `bench/dense_article.py` (a seed per size), extracted in a
fresh process of its own, so the peak RSS is that article's alone (the process starts by loading
spaCy and the taxonomy, ~100 MB, included in the figure, as it is in an ingest worker's). CPU time
is the fair figure on a shared machine; wall time is printed too. With --ingest each article is
also ingested by `armswatch ingest` (one worker process, a new SQLite database) and the worker's
peak RSS is printed: it adds reading the file and sending the statements back to the writer.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _child_extract(path: str) -> None:
    from app.extract import extract

    extract("Iran sent drones to Russia, officials said.")  # loads spaCy and the taxonomy
    text = Path(path).read_text(encoding="utf-8")
    t0, c0 = time.perf_counter(), time.process_time()
    n = len(extract(text).statements)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu": cpu, "wall": wall, "statements": n, "peak_mb": peak}))


def _child_ingest(path: str, db: str) -> None:
    os.environ["ARMSWATCH_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("ARMSWATCH_ARTICLE_SECONDS", "600")
    from app.config import get_settings
    from app.ingest.runner import run_ingest

    get_settings.cache_clear()
    t0 = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            code = run_ingest([path], workers=1)
        finally:
            sys.stdout = stdout
    wall = time.perf_counter() - t0
    # the worker has been joined: the largest child's peak is the worker's
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"exit": code, "wall": wall, "worker_peak_mb": peak}))


def _run(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[1.0, 2.0, 9.5])
    ap.add_argument("--ingest", action="store_true", help="also ingest each article and report the worker's peak RSS")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        (_child_extract if kind == "extract" else _child_ingest)(*rest)
        return
    from dense_article import dense_text

    with tempfile.TemporaryDirectory(prefix="bench-dense-") as tmp:
        for i, mb in enumerate(args.mb):
            path = Path(tmp) / f"dense-{mb:g}mb.txt"
            path.write_text(dense_text(int(mb * 1_000_000), seed=15 + i), encoding="utf-8")
            size = path.stat().st_size / 1e6
            r = _run(["--child", "extract", str(path)])
            line = (f"{size:5.2f} MB: {r['statements']:7d} statements, CPU {r['cpu']:6.2f} s = {r['cpu'] / size:4.2f} s/MB "
                    f"(wall {r['wall']:6.2f} s), peak RSS {r['peak_mb']:4.0f} MB")
            if args.ingest:
                g = _run(["--child", "ingest", str(path), str(Path(tmp) / f"ledger-{i}.db")])
                line += f"; ingest exit {g['exit']}, wall {g['wall']:.1f} s, worker peak RSS {g['worker_peak_mb']:.0f} MB"
            print(line, flush=True)


if __name__ == "__main__":
    main()
