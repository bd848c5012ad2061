"""bench/bench_mixed.py draws the URLs users send from the ledger: distinct, every facet used,
and every one a page the dashboard answers (so the benchmark measures pages, not 404s or 422s)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient

from bench.bench_mixed import datasette_urls, draw_urls
from tests.factories import random_ledger, standard_ledger


def test_drawn_urls_are_distinct_pages_over_every_facet(session, db_url: str) -> None:
    random_ledger(session, n=60, lg=standard_ledger(session))
    session.commit()
    db = Path(db_url.removeprefix("sqlite:///"))
    urls = draw_urls(db, 40, seed=3)
    assert set(urls) == {"list", "list, Datasette's filters", "search", "allegation", "article", "actor", "weapon",
                         "search, filtered"}
    for name, paths in urls.items():
        assert paths and len(paths) == len(set(paths)), name
    assert len(urls["list"]) == 40 and len(urls["allegation"]) == 40
    used = {k for p in urls["list"] for k, _ in parse_qsl(urlsplit(p).query)}
    assert used >= {"country", "supplier", "recipient", "category", "system", "stance", "claimant", "since", "until",
                    "page"}
    assert {v for p in urls["search"] for k, v in parse_qsl(urlsplit(p).query) if k == "page"} == {"1", "2", "3"}
    filtered = [dict(parse_qsl(urlsplit(p).query)) for p in urls["search, filtered"]]
    assert all(q.get("q") and len(q) >= 3 for q in filtered)  # a word, a facet or two, the page
    assert {k for q in filtered for k in q} >= {"country", "category", "stance", "page"}
    assert draw_urls(db, 40, seed=3) == urls  # a fixed seed draws the same URLs

    from app.web.main import create_app

    with TestClient(create_app()) as client:
        for name, paths in urls.items():
            for path in paths:
                assert client.get(path).status_code == 200, path
        listed = client.get("/api/allegations?" + urlsplit(urls["list, Datasette's filters"][0]).query).json()
        assert listed["total"] >= 1  # a combination that exists in the data

    mapped = datasette_urls(db, urls["list, Datasette's filters"][:5])
    assert all(u.startswith(f"/{db.stem}/allegation?") and "_facet=supplier_id" in u for u in mapped)
    assert not any("supplier=" in u or "recipient=" in u for u in mapped)  # ids, as Datasette filters columns
