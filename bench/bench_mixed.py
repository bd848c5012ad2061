"""Pages as users send them: many distinct URLs drawn from the data, against `armswatch serve`
and, on the same SQLite file, `datasette serve`, in one run.

    python bench/bench_mixed.py --db bench/out/armswatch-100k.db --ingest bench/out/corpus/00100

bench_pages.py asks for one URL over and over, which after the first request measures the
response cache. Users send a different filter, search word or allegation each time, and after
every ingest nothing is cached. Here each class of page gets --urls distinct URLs drawn from the
ledger with a fixed seed (bench/out/mixed-urls/CLASS.txt), and wrk (-t2, --connections, Lua
script cycling through the file, each thread from its own offset) runs each class:

- list: filter combinations over every facet (country, supplier, recipient, category, named
  system, stance, claimant) and dates, one to three at a time, pages 1-3;
- list, Datasette's filters: supplier / recipient / category combinations, page 1, the
  URLs also sent to Datasette (`/DB/allegation?supplier_id=..&_facet=supplier_id&_facet=
  recipient_id&_facet=category&_size=25`), so the two are compared on the same requests;
- search: names of weapon systems and actors as search words, pages 1-3;
- search, filtered: the same words with one or two facet values of an allegation (country,
  supplier, recipient, category, named system, stance, claimant), pages 1-3;
- allegation, article, actor, weapon: detail pages of random allegations, articles, actors,
  categories.

Scenarios, each with a fresh server (`armswatch serve --workers W`, the settings as shipped):
cache on (the default), cache off (ARMSWATCH_RESPONSE_CACHE_MB=0), and "after ingest": with
--ingest FOLDER, the server (cache on) first serves every class, then `armswatch ingest FOLDER`
runs to the end, and the classes are sent again at once: the first requests after new data,
with every cached page and the bitmap index out of date. The ledger is copied first (SQLite
backup API) so the ingest does not change --db; with --postgres URL armswatch serves (and the
ingest writes to) that PostgreSQL database, filled from the copy by `armswatch db copy`. Datasette runs as bench_pages.py runs it:
`datasette serve FILE --setting suggest_facets off --setting facet_time_limit_ms 10000`, all else
its defaults. Server memory: resident set per process, sampled during each scenario.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_pages import (  # noqa: E402
    _ms, ensure_datasette, ensure_wrk, fetch, free_port, serve, stop,
)
from bench.machine import RssSampler, conditions, machine, mib, print_header, repo_root, venv_bin  # noqa: E402

OUT = repo_root() / "bench" / "out"
LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_URLS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("offset", counter * math.floor(#paths / 2))
  counter = counter + 1
end
local i = nil
function request()
  if i == nil then i = offset or 0 end
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""
# Targets of issue 14 (2 cores, 8 connections), p99 in ms; the list's is also >= 10x Datasette's req/s.
TARGETS_P99 = {"list, Datasette's filters": 100, "list": 100, "search": 150, "search, filtered": 150, "allegation": 50, "article": 50}
AFTER_INGEST_P99 = 200


def draw_urls(db: Path, n: int, seed: int) -> dict[str, list[str]]:
    """n distinct URLs per class of page, from the values the ledger holds (fixed seed)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = lambda sql: conn.execute(sql).fetchall()  # noqa: E731 - fixed SQL, no values
    code = dict(rows("SELECT id, code FROM actor"))
    allegations = rows("SELECT id, supplier_id, recipient_id, category, n_denies + n_pair_denies, n_confirms, "
                       "first_reported, last_reported FROM allegation")
    systems: dict[int, list[str]] = {}
    for aid, name in rows("SELECT s.allegation_id, w.name FROM allegation_system s JOIN weapon_system w "
                          "ON w.id = s.system_id"):
        systems.setdefault(aid, []).append(name)
    claimants: dict[int, list[int]] = {}
    for aid, cid in rows("SELECT allegation_id, claimant_id FROM allegation_claimant"):
        claimants.setdefault(aid, []).append(cid)
    system_names = [r[0] for r in rows("SELECT DISTINCT w.name FROM weapon_system w JOIN allegation_system s "
                                       "ON s.system_id = w.id")]
    actor_names = [r[0] for r in rows("SELECT DISTINCT a.name FROM actor a JOIN allegation l ON l.supplier_id = a.id")]
    actor_codes = [code[r[0]] for r in rows("SELECT DISTINCT supplier_id FROM allegation UNION "
                                            "SELECT recipient_id FROM allegation")]
    categories = [r[0] for r in rows("SELECT DISTINCT category FROM allegation")]
    article_ids = [r[0] for r in rows("SELECT id FROM article")]
    conn.close()

    def facet_values(a) -> dict[str, str]:
        aid, sup, rec, cat, denies, confirms, first, last = a
        out = {"country": code[rng.choice((sup, rec))], "supplier": code[sup], "recipient": code[rec],
               "category": cat, "stance": "denied" if denies else "undenied" if not confirms else "confirmed"}
        if systems.get(aid):
            out["system"] = rng.choice(systems[aid])
        if claimants.get(aid):
            out["claimant"] = code[rng.choice(claimants[aid])]
        if first:
            out["since"] = first
        if last:
            out["until"] = last
        return out

    def distinct(make, limit: int = 50) -> list[str]:
        seen: dict[str, None] = {}
        for _ in range(n * limit):
            if len(seen) >= n:
                break
            seen.setdefault(make(), None)
        return list(seen)

    def listing() -> str:
        values = facet_values(rng.choice(allegations))  # a combination that exists in the data
        keys = rng.sample(sorted(values), k=min(len(values), rng.choice((1, 1, 2, 2, 3))))
        return "/?" + urlencode([(k, values[k]) for k in sorted(keys)] + [("page", rng.choice((1, 1, 2, 3)))])

    def datasette_filter() -> str:
        values = facet_values(rng.choice(allegations))
        keys = rng.sample(["supplier", "recipient", "category"], k=rng.choice((1, 2, 2, 3)))
        return "/?" + urlencode([(k, values[k]) for k in sorted(keys)])

    words = sorted({name.split()[0] for name in system_names + actor_names})
    searchable = [w for w in words if _searchable(db, w)]

    def search() -> str:
        word = rng.choice(searchable)
        return "/?" + urlencode({"q": word, "page": rng.choice((1, 1, 2, 3))})

    def filtered_search() -> str:
        values = facet_values(rng.choice(allegations))
        keys = rng.sample(sorted(k for k in values if k not in ("since", "until")), k=rng.choice((1, 1, 2)))
        return "/?" + urlencode([("q", rng.choice(searchable)), *((k, values[k]) for k in sorted(keys)),
                                 ("page", rng.choice((1, 1, 2, 3)))])

    return {  # drawn in this order from one seeded generator: a new class goes last
        "list": distinct(listing),
        "list, Datasette's filters": distinct(datasette_filter),
        "search": distinct(search),
        "allegation": distinct(lambda: f"/allegations/{rng.choice(allegations)[0]}"),
        "article": distinct(lambda: f"/articles/{rng.choice(article_ids)}"),
        "actor": distinct(lambda: f"/actors/{rng.choice(actor_codes)}"),
        "weapon": distinct(lambda: f"/weapons/{rng.choice(categories)}"),
        "search, filtered": distinct(filtered_search),
    }


def _searchable(db: Path, word: str) -> bool:
    """Whether the dashboard answers a search for `word` (it refuses one found in more than
    SEARCH_MAX_ARTICLES articles, with a 422 that would not measure a page)."""
    from app.filters import AllegationFilters
    from app.queries.request import SEARCH_MAX_ARTICLES

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        found = conn.execute("SELECT count(*) FROM (SELECT rowid FROM article_fts WHERE article_fts MATCH ? LIMIT ?)",
                             (AllegationFilters(q=word).fts_query(), SEARCH_MAX_ARTICLES + 1)).fetchone()[0]
    return found <= SEARCH_MAX_ARTICLES


def datasette_urls(db: Path, armswatch_urls: list[str]) -> list[str]:
    """The same filters as Datasette table URLs (actor ids instead of codes, three facets, 25 rows)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = {c: i for i, c in conn.execute("SELECT id, code FROM actor")}
    conn.close()
    out = []
    for url in armswatch_urls:
        params = urllib.parse.parse_qsl(url[2:])
        mapped = [(f"{k}_id", ids[v]) if k in ("supplier", "recipient") else (k, v) for k, v in params]
        mapped += [("_facet", "supplier_id"), ("_facet", "recipient_id"), ("_facet", "category"), ("_size", 25)]
        out.append(f"/{db.stem}/allegation?" + urlencode(mapped))
    return out


def write_urls(urls: dict[str, list[str]]) -> dict[str, Path]:
    folder = OUT / "mixed-urls"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, paths in urls.items():
        files[name] = folder / (name.replace(",", "").replace("'", "").replace(" ", "-") + ".txt")
        files[name].write_text("\n".join(paths) + "\n")
    (folder / "mixed.lua").write_text(LUA)
    return files


def run_wrk(wrk: str, base: str, urls: Path, args, duration: int | None = None) -> dict:
    out = subprocess.run(
        [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration or args.duration}s", "--timeout", "10s",
         "--latency", "-s", str(OUT / "mixed-urls" / "mixed.lua"), base],
        capture_output=True, text=True, env={**os.environ, "WRK_URLS": str(urls)},
    ).stdout
    grab = lambda pattern, cast=float, default=0: cast(m.group(1)) if (m := re.search(pattern, out, re.M)) else default  # noqa: E731
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    return {"rps": grab(r"Requests/sec:\s+([\d.]+)"), "p50_ms": _ms(lat.get("50", "")), "p99_ms": _ms(lat.get("99", "")),
            "requests": grab(r"(\d+) requests in", int), "non_2xx": grab(r"Non-2xx or 3xx responses:\s+(\d+)", int),
            "timeouts": grab(r"timeout (\d+)", int)}


def bench_classes(scenario: str, base: str, files: dict[str, Path], wrk: str, args, rss: RssSampler,
                  duration: int | None = None) -> list[dict]:
    rows = []
    for name, path in files.items():
        r = run_wrk(wrk, base, path, args, duration)
        rss.sample()
        r.update(scenario=scenario, page=name, urls=sum(1 for _ in path.open()))
        rows.append(r)
        print(f"  {scenario:<30} {name:<28} {r['rps']:>8.1f} req/s  p50 {r['p50_ms']:>7.1f} ms  "
              f"p99 {r['p99_ms']:>7.1f} ms{'  NON-2xx: ' + str(r['non_2xx']) if r['non_2xx'] else ''}", flush=True)
    return rows


def copy_ledger(src: Path, dst: Path) -> None:
    dst.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=OUT / "armswatch-100k.db", help="the ledger (SQLite; left unchanged)")
    parser.add_argument("--ingest", type=Path, help="a folder of new articles (e.g. 1,000) for the after-ingest scenario")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--urls", type=int, default=3000, help="distinct URLs per class of page")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--duration", type=int, default=10, help="seconds per class and scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", choices=("on", "off"), nargs="+", default=["on", "off"])
    parser.add_argument("--only", nargs="+", metavar="CLASS", help="run only these classes of page (e.g. search "
                        "'search, filtered'; default: all)")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--postgres", metavar="URL",
                        help="serve armswatch from this empty PostgreSQL database instead (the ledger is moved there "
                             "with `armswatch db copy`; Datasette stays on the SQLite file)")
    parser.add_argument("--postgres-copied", action="store_true",
                        help="the --postgres database already holds this ledger (`armswatch db copy` run beforehand)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"--db {args.db}: no such file")
    OUT.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    datasette = None if args.no_datasette else ensure_datasette()
    print_header("armswatch pages as users send them (many distinct URLs)")
    work = OUT / "mixed-ledger.db"
    copy_ledger(args.db, work)
    env = {**os.environ, "ARMSWATCH_DATABASE_URL": f"sqlite:///{work.resolve()}"}
    subprocess.run([venv_bin("armswatch"), "db", "upgrade"], env=env, check=True, capture_output=True, cwd=repo_root())
    if args.postgres and not args.postgres_copied:
        t0 = time.perf_counter()
        subprocess.run([venv_bin("armswatch"), "db", "copy", env["ARMSWATCH_DATABASE_URL"], args.postgres],
                       check=True, capture_output=True, cwd=repo_root())
        print(f"ledger copied to PostgreSQL in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.postgres:
        env = {**env, "ARMSWATCH_DATABASE_URL": args.postgres}
    urls = draw_urls(work, args.urls, args.seed)
    files = write_urls(urls)
    if args.only:
        unknown = set(args.only) - set(files)
        if unknown:
            raise SystemExit(f"--only: no class {', '.join(sorted(unknown))} (classes: {', '.join(files)})")
        files = {k: v for k, v in files.items() if k in args.only}
    counts = {t: sqlite3.connect(work).execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
              for t in ("article", "statement", "allegation")}
    print(f"ledger: {args.db} ({', '.join(f'{v:,} {k}s' for k, v in counts.items())}); "
          + ", ".join(f"{len(v)} {k}" for k, v in urls.items()) + " URLs")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per class, cycling through its URLs\n", flush=True)

    results: list[dict] = []
    scenarios = [(f"cache {c}", c) for c in args.cache] + ([("after ingest", "on")] if args.ingest else [])
    for scenario, cache in scenarios:
        port = free_port()
        cmd = [venv_bin("armswatch"), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.server_workers)]
        run_env = env if cache == "on" else {**env, "ARMSWATCH_RESPONSE_CACHE_MB": "0"}
        proc = serve(cmd, run_env, f"http://127.0.0.1:{port}/api/allegations?size=1")
        base = f"http://127.0.0.1:{port}"
        try:
            with RssSampler(proc.pid, interval=0.5) as rss:
                if scenario == "after ingest":
                    bench_classes("(before the ingest)", base, files, wrk, args, rss, duration=3)
                    t0 = time.perf_counter()
                    done = subprocess.run([venv_bin("armswatch"), "ingest", str(args.ingest)], env=env,
                                          capture_output=True, text=True, cwd=repo_root())
                    m = re.search(r"articles:\s+(\d+) new", done.stdout)
                    print(f"  ingest of {args.ingest}: {m.group(1) if m else '?'} new articles in "
                          f"{time.perf_counter() - t0:.0f} s (exit {done.returncode})", flush=True)
                    status, _, first = fetch(base + urls["list"][0])
                    print(f"  first request after the ingest: {first * 1e3:.0f} ms ({status})", flush=True)
                    rows = bench_classes(scenario, base, files, wrk, args, rss)
                    rows[0]["first_request_ms"] = round(first * 1e3, 1)
                else:
                    rows = bench_classes(scenario, base, files, wrk, args, rss)
            for r in rows:
                r.update(rss_peak_total=rss.peak_total, rss_peak_process=rss.peak_single, processes=rss.processes)
            print(f"  {scenario}: RSS peak {mib(rss.peak_total)} over {rss.processes} processes "
                  f"(largest {mib(rss.peak_single)})\n", flush=True)
            results += rows
        finally:
            stop(proc)
    if datasette and "list, Datasette's filters" in files:
        ds_file = OUT / "mixed-urls" / "datasette.txt"
        ds_file.write_text("\n".join(datasette_urls(work, urls["list, Datasette's filters"])) + "\n")
        port = free_port()
        cmd = [datasette, "serve", str(work.resolve()), "-h", "127.0.0.1", "-p", str(port),
               "--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "10000"]
        proc = serve(cmd, os.environ.copy(), f"http://127.0.0.1:{port}/-/versions.json")
        try:
            ds_version = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json").read())
            with RssSampler(proc.pid, interval=0.5) as rss:
                rows = bench_classes(f"datasette {ds_version['datasette']['version']}", f"http://127.0.0.1:{port}",
                                     {"list, Datasette's filters": ds_file}, wrk, args, rss)
            for r in rows:
                r.update(rss_peak_total=rss.peak_total, rss_peak_process=rss.peak_single, processes=rss.processes)
            results += rows
        finally:
            stop(proc)

    record = {"machine": machine(), "conditions": conditions(), "counts": counts, "args": vars(args),
              "results": results}
    (OUT / f"mixed-results{'-postgresql' if args.postgres else ''}.json").write_text(
        json.dumps(record, indent=2, default=str))
    print("| scenario | page | distinct URLs | req/s | p50 | p99 | target p99 |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in results:
        target = AFTER_INGEST_P99 if r["scenario"] == "after ingest" else TARGETS_P99.get(r["page"])
        failed = not r["requests"] or r["timeouts"] or r["non_2xx"]
        mark = "" if target is None or r["scenario"].startswith("datasette") else \
            (f"< {target} ms ✓" if r["p99_ms"] < target and not failed else f"< {target} ms ✗")
        print(f"| {r['scenario']} | {r['page']} | {r['urls']} | {r['rps']:.0f} | {r['p50_ms']:.1f} ms "
              f"| {r['p99_ms']:.1f} ms | {mark} |")
    ds = [r for r in results if r["scenario"].startswith("datasette")]
    for r in results:
        if ds and r["page"] == "list, Datasette's filters" and not r["scenario"].startswith("datasette"):
            print(f"- {r['scenario']}: armswatch / Datasette on the same {r['urls']} filtered lists: "
                  f"{r['rps']:.0f} / {ds[0]['rps']:.0f} = {r['rps'] / max(ds[0]['rps'], 0.01):.1f}x (target >= 10)")
    for scenario in dict.fromkeys(r["scenario"] for r in results):
        r = next(x for x in results if x["scenario"] == scenario)
        print(f"- {scenario}: RSS peak {mib(r['rss_peak_total'])} over {r['processes']} processes, "
              f"largest process {mib(r['rss_peak_process'])} (target < 200 MB each)")
    return 1 if any(r["non_2xx"] or not r["requests"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
