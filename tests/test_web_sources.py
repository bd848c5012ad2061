"""The /sources page: each watched source's last poll, status, new articles per day and last error."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from app.ingest.watched import POLL, SOURCE, add_source
from tests.factories import XSS


@pytest.fixture
def client(db_url):
    from app.web.main import app

    with TestClient(app) as c:
        yield c


def page(client) -> BeautifulSoup:
    response = client.get("/sources")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def test_empty_sources_page_says_how_to_add_one(client):
    html = page(client)
    assert "armswatch sources add URL" in html.select_one("main .empty").get_text()
    assert html.select_one("nav[aria-label=Site] a[href='/sources']")  # linked from the site navigation


def test_sources_page_lists_status_last_poll_per_day_and_error_escaped(client, engine):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    good = add_source(engine, "https://wire.example.org/feed.xml", "30m", name="Harbour Wire")
    dead = add_source(engine, "https://dead.example.org/rss", "2h", name=XSS)
    with engine.begin() as conn:
        conn.execute(update(SOURCE).where(SOURCE.c.id == good).values(
            status="ok", last_poll_at=now, articles_stored=21, added_at=now - timedelta(days=30)))
        conn.execute(update(SOURCE).where(SOURCE.c.id == dead).values(
            status="failed", failures=3, last_poll_at=now, last_error=f"HTTP 500 {XSS}"))
        # 14 new articles in the last 7 days (one poll 8 days ago is outside the window)
        conn.execute(insert(POLL), [
            {"source_id": good, "polled_at": now - timedelta(days=d), "status": "ok", "new_articles": n}
            for d, n in ((1, 10), (3, 4), (8, 7))])
    html = page(client)
    rows = [[c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in html.select("table.sources tbody tr")]
    assert rows[0] == ["Harbour Wire https://wire.example.org/feed.xml", "30m", "ok",
                       now.strftime("%Y-%m-%d %H:%M"), "2", "21", "—"]
    assert rows[1][1:4] == ["2h", "failed (3 in a row)", now.strftime("%Y-%m-%d %H:%M")]
    assert rows[1][6] == f"HTTP 500 {XSS}"  # shown as text ...
    assert "<script>" not in client.get("/sources").text.split("<main", 1)[1]  # ... never as markup
    assert html.select_one("table.sources caption")
    assert all(th.get("scope") == "col" for th in html.select("table.sources thead th"))


def test_sources_page_is_read_only(client):
    assert client.post("/sources").status_code == 405
