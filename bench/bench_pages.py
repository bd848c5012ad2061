"""Pages under load: wrk against `armswatch serve` and, on the same SQLite file, `datasette serve`.

    python bench/bench_pages.py --db bench/out/armswatch-100k.db
    python bench/bench_pages.py --db bench/out/armswatch-100k.db --server-workers 1 2 --duration 10

Each page is requested by wrk (-t2 -c32 -d10s --latency, 127.0.0.1 only) after a 3 s warm-up,
with no conditional headers (so the ETag middleware never answers 304 here). The server is started as a user would start it:
`armswatch serve --host 127.0.0.1 --port P --workers W` with ARMSWATCH_DATABASE_URL set, once
with the default settings (the in-memory response cache on: a page asked for again is sent
from memory until the data changes) and once with ARMSWATCH_RESPONSE_CACHE_MB=0 (every request
runs its queries and templates: the cost of a page nobody asked for since the last ingest).
Server memory is the resident set of the uvicorn process tree, sampled during the runs.

Datasette runs from its own virtualenv (bench/.venv-datasette, created when missing) as
`datasette serve FILE -h 127.0.0.1 -p P --setting suggest_facets off
--setting facet_time_limit_ms 10000`; every other setting is Datasette's default. The time
limit is raised so Datasette computes its facets instead of skipping them, as armswatch
always does. It is asked for the equivalent filtered table page: the same supplier and
category filter, facets on supplier, recipient and category, 25 rows (the count of
matching rows included, as armswatch shows it).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import RssSampler, conditions, machine, mib, print_header, repo_root, venv_bin  # noqa: E402

OUT = repo_root() / "bench" / "out"
DATASETTE_VENV = repo_root() / "bench" / ".venv-datasette"
TARGETS_MS = {"list": 30, "allegation": 30, "article": 30, "search": 100, "api": 30, "datasette": None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode} before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
        except urllib.error.HTTPError:
            return
    raise SystemExit(f"no answer from {url} within {timeout:.0f}s")


def fetch(url: str) -> tuple[int, int, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            body = resp.read()
            return resp.status, len(body), time.perf_counter() - t0
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read()), time.perf_counter() - t0


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0:
        print("installing wrk (Debian package) ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is missing: run `sudo apt-get install wrk`")


def ensure_datasette() -> str:
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        print(f"installing datasette into {DATASETTE_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return str(exe)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def run_wrk(wrk: str, url: str, duration: int, connections: int, threads: int) -> dict:
    # Warm-up, untimed: every worker's connection pool, SQLite page cache and (when on) response cache.
    subprocess.run([wrk, f"-t{threads}", f"-c{connections}", "-d3s", "--timeout", "10s", url], capture_output=True)
    out = subprocess.run([wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
                         capture_output=True, text=True).stdout
    rps = float(m.group(1)) if (m := re.search(r"Requests/sec:\s+([\d.]+)", out)) else 0.0
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    errors = re.search(r"Socket errors:.*", out)
    total = int(m.group(1)) if (m := re.search(r"(\d+) requests in", out)) else 0
    timeouts = int(m.group(1)) if (m := re.search(r"timeout (\d+)", out)) else 0
    return {"rps": rps, "p50_ms": _ms(lat.get("50", "")), "p90_ms": _ms(lat.get("90", "")),
            "p99_ms": _ms(lat.get("99", "")), "requests": total, "non_2xx": non2xx, "timeouts": timeouts,
            "socket_errors": errors.group(0) if errors else "", "raw": out}


def pick_targets(db: Path) -> dict:
    """Realistic requests: the most reported country and its most reported category, a typical
    allegation (the median by statements) and the largest, an article with statements, a search word."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = lambda sql, *a: conn.execute(sql, a).fetchone()  # noqa: E731
    country_id, country = q("""SELECT a.id, a.code FROM actor a JOIN (SELECT supplier_id AS x FROM allegation UNION ALL
                               SELECT recipient_id FROM allegation) s ON s.x = a.id WHERE a.kind != 'person'
                               GROUP BY a.id ORDER BY count(*) DESC LIMIT 1""")
    sup_id, sup_code = q("""SELECT a.id, a.code FROM allegation al JOIN actor a ON a.id = al.supplier_id
                            GROUP BY a.id ORDER BY sum(al.n_statements) DESC LIMIT 1""")
    category = q("""SELECT category FROM allegation WHERE supplier_id = ? OR recipient_id = ?
                    GROUP BY category ORDER BY sum(n_statements) DESC LIMIT 1""", country_id, country_id)[0]
    sup_category = q("SELECT category FROM allegation WHERE supplier_id = ? GROUP BY category ORDER BY sum(n_statements) DESC LIMIT 1",
                     sup_id)[0]
    n = q("SELECT count(*) FROM allegation")[0]
    median = q("SELECT id, n_statements FROM allegation ORDER BY n_statements LIMIT 1 OFFSET ?", n // 2)
    largest = q("SELECT id, n_statements FROM allegation ORDER BY n_statements DESC LIMIT 1")
    n_art = q("SELECT max(id) FROM article")[0]
    article = q("SELECT article_id FROM statement WHERE article_id >= ? ORDER BY article_id LIMIT 1", n_art // 2)[0]
    counts = {t: q(f"SELECT count(*) FROM {t}")[0] for t in ("article", "statement", "allegation", "actor")}
    conn.close()
    return {"country": country, "category": category, "supplier": sup_code, "supplier_id": sup_id,
            "sup_category": sup_category, "median_allegation": median, "largest_allegation": largest,
            "article": article, "search": "Mohajer", "counts": counts}


def armswatch_pages(t: dict) -> list[tuple[str, str]]:
    return [
        ("list", f"/?country={t['country']}&category={t['category']}"),
        ("allegation", f"/allegations/{t['median_allegation'][0]}"),
        ("article", f"/articles/{t['article']}"),
        ("search", f"/?q={t['search']}"),
        ("api", f"/api/allegations?country={t['country']}&category={t['category']}"),
        ("list, same filter as Datasette", f"/?supplier={t['supplier']}&category={t['sup_category']}"),
        ("allegation, the largest", f"/allegations/{t['largest_allegation'][0]}"),
        ("list, no filter", "/"),
    ]


def datasette_page(db: Path, t: dict) -> str:
    return (f"/{db.stem}/allegation?supplier_id={t['supplier_id']}&category={t['sup_category']}"
            "&_facet=supplier_id&_facet=recipient_id&_facet=category&_size=25")


def serve(cmd: list[str], env: dict, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=repo_root(),
                            start_new_session=True)
    wait_http(probe, proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bench_server(name: str, proc: subprocess.Popen, base: str, pages: list[tuple[str, str]], wrk: str, args) -> list[dict]:
    rows = []
    with RssSampler(proc.pid, interval=0.5) as rss:
        for label, path in pages:
            url = base + path
            status, size, first = fetch(url)
            r = run_wrk(wrk, url, args.duration, args.connections, args.threads)
            r.update(server=name, page=label, path=path, status=status, bytes=size, first_ms=round(first * 1e3, 1))
            rows.append(r)
            print(f"  {name:<34} {label:<32} {r['rps']:>8.1f} req/s  p50 {r['p50_ms']:>7.2f} ms  p99 {r['p99_ms']:>7.2f} ms"
                  f"  [{status}, {size:,} B{', NON-2xx: ' + str(r['non_2xx']) if r['non_2xx'] else ''}"
                  f"{', ' + r['socket_errors'] if r['socket_errors'] else ''}]", flush=True)
        rss.sample()
    for r in rows:
        r["server_rss_peak"] = rss.peak_total
        r["server_rss_largest"] = rss.peak_single
        r["server_processes"] = rss.processes
    print(f"  {name}: server RSS peak {mib(rss.peak_total)} for {rss.processes} processes "
          f"(largest process {mib(rss.peak_single)})", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=OUT / "armswatch-100k.db", help="the ledger to serve (made by bench_ingest.py --keep)")
    parser.add_argument("--server-workers", type=int, nargs="+", default=[2], help="armswatch serve --workers values")
    parser.add_argument("--cache", choices=("on", "off"), nargs="+", default=["on", "off"],
                        help="run with the response cache on (default setting) and/or off (ARMSWATCH_RESPONSE_CACHE_MB=0)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-datasette", action="store_true")
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"--db {args.db}: no such file (make it with: python bench/bench_ingest.py --n 100000 --workers 2 --keep {args.db})")
    wrk = ensure_wrk()
    datasette = None if args.no_datasette else ensure_datasette()
    print_header("armswatch pages under load")
    env = {**os.environ, "ARMSWATCH_DATABASE_URL": f"sqlite:///{args.db.resolve()}"}
    t0 = time.perf_counter()
    subprocess.run([venv_bin("armswatch"), "db", "upgrade"], env=env, check=True, cwd=repo_root())  # as `serve` would, but untimed
    print(f"armswatch db upgrade: {time.perf_counter() - t0:.1f}s")
    t = pick_targets(args.db)
    print(f"database: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB): " + ", ".join(f"{v:,} {k}s" for k, v in t["counts"].items()))
    print(f"median allegation #{t['median_allegation'][0]} has {t['median_allegation'][1]} statements; "
          f"largest #{t['largest_allegation'][0]} has {t['largest_allegation'][1]}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency (after a 3 s warm-up per page)\n", flush=True)

    results = []
    for workers in args.server_workers:
        for cache in args.cache:
            port = free_port()
            cmd = [venv_bin("armswatch"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
            run_env = env if cache == "on" else {**env, "ARMSWATCH_RESPONSE_CACHE_MB": "0"}
            proc = serve(cmd, run_env, f"http://127.0.0.1:{port}/api/allegations?size=1")
            try:
                results += bench_server(f"armswatch --workers {workers}, cache {cache}", proc, f"http://127.0.0.1:{port}",
                                        armswatch_pages(t), wrk, args)
            finally:
                stop(proc)
    if datasette:
        port = free_port()
        cmd = [datasette, "serve", str(args.db.resolve()), "-h", "127.0.0.1", "-p", str(port),
               "--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "10000"]
        proc = serve(cmd, os.environ.copy(), f"http://127.0.0.1:{port}/-/versions.json")
        try:
            version = urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json").read()
            ds_version = json.loads(version)["datasette"]["version"]
            results += bench_server(f"datasette {ds_version}", proc, f"http://127.0.0.1:{port}",
                                    [("datasette: supplier+category, 3 facets", datasette_page(args.db, t))], wrk, args)
        finally:
            stop(proc)

    record = {"machine": machine(), "conditions": conditions(), "targets": t,
              "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s --latency",
              "results": [{k: v for k, v in r.items() if k != "raw"} for r in results]}
    (OUT / "pages-results.json").write_text(json.dumps(record, indent=2, default=str))
    print()
    print("| server | page | path | req/s | p50 | p99 | target p99 | response |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        target = TARGETS_MS.get(r["page"])
        failed = not r["requests"] or r["timeouts"] or r["non_2xx"]
        mark = "" if target is None else (" ✓" if r["p99_ms"] < target and not failed else " ✗")
        print(f"| {r['server']} | {r['page']} | `{r['path']}` | {r['rps']:.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms"
              f"{mark} | {f'< {target} ms' if target else ''} | {r['status']}, {r['bytes'] / 1024:.0f} KB |")
    print()
    for server in dict.fromkeys(r["server"] for r in results):
        r = next(x for x in results if x["server"] == server)
        print(f"- {server}: server RSS peak {mib(r['server_rss_peak'])} over {r['server_processes']} processes "
              f"(largest {mib(r['server_rss_largest'])})")
    ds = [r for r in results if r["server"].startswith("datasette")]
    for r in results:
        if ds and r["page"] == "list, same filter as Datasette":
            print(f"\nreq/s {r['server']} / Datasette on the same filtered list: "
                  f"{r['rps']:.0f} / {ds[0]['rps']:.0f} = {r['rps'] / max(ds[0]['rps'], 0.01):.2f}x (target >= 3)")
    bad = [r for r in results if r["non_2xx"] or r["status"] != 200]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
