"""Render URLs through the app and keep each response, to show a change leaves pages identical.

    python bench/render_pages.py --db bench/out/ledger.db --out /tmp/before bench/out/mixed-urls/search.txt
    (change the code, or run the old code with PYTHONPATH=OLD_CHECKOUT)
    python bench/render_pages.py --db bench/out/ledger-new.db --out /tmp/after bench/out/mixed-urls/search.txt
    python bench/render_pages.py --compare /tmp/before /tmp/after

Each URL of the files (one a line, e.g. bench_mixed.py's) is requested in this process with the
response cache off; a list URL (`/?...`) also as its `/api/allegations`, `/api/facets` and
`/api/flows` answers and as the htmx fragment that replaces the results (`hx:/?...`). The bodies go to OUT (one file each) with OUT/hashes.json ({url: [status,
sha256]}); --compare prints the URLs whose status or body differ and exits 1 if any do.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path


def render(db: str, out: Path, files: list[Path]) -> dict[str, list]:
    os.environ["ARMSWATCH_DATABASE_URL"] = db if "://" in db else f"sqlite:///{Path(db).resolve()}"
    os.environ["ARMSWATCH_RESPONSE_CACHE_MB"] = "0"
    from starlette.testclient import TestClient

    import app
    from app.web.main import create_app

    print(f"code: {Path(app.__file__).parent}", file=sys.stderr)
    urls = [u for f in files for u in f.read_text().split()]
    urls += [f"/api/{kind}{u[1:]}" for u in urls if u.startswith("/?") for kind in ("allegations", "facets", "flows")]
    urls += [f"hx:{u}" for u in urls if u.startswith("/?")]
    out.mkdir(parents=True, exist_ok=True)
    hashes: dict[str, list] = {}
    with TestClient(create_app()) as client:
        for i, url in enumerate(dict.fromkeys(urls)):
            r = client.get(url.removeprefix("hx:"), headers={"HX-Request": "true"} if url.startswith("hx:") else {})
            hashes[url] = [r.status_code, hashlib.sha256(r.content).hexdigest()]
            (out / f"{i:05d}.txt").write_bytes(url.encode() + b"\n" + r.content)
    (out / "hashes.json").write_text(json.dumps(hashes, indent=0))
    print(f"{len(hashes)} responses, {sum(1 for s, _ in hashes.values() if s != 200)} not 200", file=sys.stderr)
    return hashes


def compare(a: Path, b: Path) -> int:
    before, after = (json.loads((d / "hashes.json").read_text()) for d in (a, b))
    differ = [u for u in before.keys() | after.keys() if before.get(u) != after.get(u)]
    for url in sorted(differ):
        print(f"differs: {url}")
    print(f"{len(before)} / {len(after)} responses, {len(differ)} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="the ledger: a SQLite file or a database URL")
    parser.add_argument("--out", type=Path, help="folder for the responses")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="compare two --out folders")
    parser.add_argument("files", nargs="*", type=Path, help="files of URLs, one a line")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if not (args.db and args.out and args.files):
        parser.error("--db, --out and at least one file of URLs are needed (or --compare BEFORE AFTER)")
    render(args.db, args.out, args.files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
