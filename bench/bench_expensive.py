"""Expensive requests on a ledger (issue 15, point 8): the CSV export, one-letter searches, and
how long a cheap page waits while exports run.

    .venv/bin/python bench/bench_expensive.py --db bench/out/ledger.db [--tree PATH] [--label before]

Starts `uvicorn app.web.main:app` (one worker, response cache off, so every figure is computed)
from `--tree` (a checkout, default this one) on the ledger, and prints one table.
Peak memory is the server process's VmHWM after each export, from a fresh server.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tree: Path, db: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "ARMSWATCH_DATABASE_URL": f"sqlite:///{db}", "ARMSWATCH_RESPONSE_CACHE_MB": "0",
               "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.web.main:app", "--port", str(self.port), "--log-level", "warning"],
            cwd=tree, env=env)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(600):
            try:
                httpx.get(self.base + "/weapons", timeout=30)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def hwm_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def timed_get(url: str, timeout: float = 600) -> tuple[float, int, int]:
    started = time.perf_counter()
    size = 0
    with httpx.stream("GET", url, timeout=timeout) as resp:
        for chunk in resp.iter_bytes():
            size += len(chunk)
        status = resp.status_code
    return time.perf_counter() - started, status, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--tree", type=Path, default=REPO)
    ap.add_argument("--label", default="this tree")
    args = ap.parse_args()
    rows: list[tuple[str, str]] = []

    for path in ("/allegations.csv", "/allegations.csv?q=drones"):
        server = Server(args.tree, args.db)
        try:
            before = server.hwm_mb()
            seconds, status, size = timed_get(server.base + path)
            rows.append((f"GET {path}", f"{seconds:.2f} s, HTTP {status}, {size / 1e6:.1f} MB; "
                                        f"server peak RSS {before:.0f} -> {server.hwm_mb():.0f} MB"))
        finally:
            server.close()

    server = Server(args.tree, args.db)
    try:
        for path in ("/?q=a", "/api/allegations?q=e", "/?q=said"):
            seconds, status, _ = timed_get(server.base + path)
            rows.append((f"GET {path}", f"{seconds:.2f} s, HTTP {status}"))

        quiet = [timed_get(server.base + "/weapons")[0] for _ in range(5)]
        done = threading.Event()

        def export() -> None:
            while not done.is_set():
                timed_get(server.base + "/allegations.csv")

        threads = [threading.Thread(target=export, daemon=True) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        busy = [timed_get(server.base + "/weapons")[0] for _ in range(10)]
        done.set()
        for t in threads:
            t.join(timeout=600)
        rows.append(("GET /weapons alone (median of 5)", f"{statistics.median(quiet) * 1000:.0f} ms"))
        rows.append(("GET /weapons during 2 looping exports (median / max of 10)",
                     f"{statistics.median(busy) * 1000:.0f} / {max(busy) * 1000:.0f} ms"))
    finally:
        server.close()

    print(f"\n{args.label}: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB)")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
