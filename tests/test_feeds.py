"""Feeds and URLs over real HTTP: a local server in a thread serves a feed and the pages it links."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.ingest import runner
from tests.fixtures.ingest.fakes import fake_extract

SITE = Path(__file__).parent / "fixtures" / "ingest" / "site"
TYPES = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class Site:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self.requests: list[str] = []


@pytest.fixture
def site() -> Iterator[Site]:
    holder: dict[str, Site] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            s = holder["site"]
            s.requests.append(self.path)
            name = self.path.lstrip("/").split("?")[0]
            path = SITE / name
            if name == "atom.xml":
                ctype = "application/atom+xml"
            elif name == "plain.txt":
                body, ctype = b"Tehran rejected the report as baseless. Officials said so twice.\n", TYPES[".txt"]
                self._send(200, body, ctype)
                return
            elif name == "big.html":
                self._send(200, b"<p>" + b"word " * 5000 + b"</p>", TYPES[".html"])
                return
            else:
                ctype = TYPES.get(path.suffix, "application/octet-stream")
            if not name or not path.is_file():
                self._send(404, b"not here", "text/plain")
                return
            body = path.read_text(encoding="utf-8").replace("{BASE}", s.base).encode("utf-8")
            self._send(200, body, ctype)

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["site"] = Site(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield holder["site"]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The site is on 127.0.0.1: its feeds' links are private addresses, refused by default.
    monkeypatch.setenv("ARMSWATCH_ALLOW_PRIVATE_URLS", "1")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)


def ingest(*args: str | Path):
    result = CliRunner().invoke(cli, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def stored(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.source: dict(r._mapping) for r in conn.execute(text("SELECT * FROM article"))}


def test_rss_feed_url_fetches_linked_pages(db_url: str, engine: Engine, site: Site, fake: None) -> None:
    result = ingest(f"{site.base}/feed.xml")
    assert result.exit_code == 1  # one entry links to a page that is gone
    assert f"{site.base}/missing.html: HTTP 404 Not Found" in result.stderr
    assert "3 new, 0 skipped, 1 failed" in result.stdout
    articles = stored(engine)
    one = articles[f"{site.base}/story1.html"]
    assert one["title"] == "Drones for Moscow" and one["outlet"] == "Harbour Wire"
    assert one["published"] == "2023-03-07"  # the feed's pubDate
    assert "Iran had delivered Shahed drones to Russia" in one["text"]
    assert "Short teaser" not in one["text"]  # the page, not the feed's description
    inline = articles[f"{site.base}/inline-story"]  # content:encoded is the article: no fetch
    assert inline["text"].startswith("Pyongyang said it had never sent weapons to Russia.")
    assert inline["outlet"] == "Harbour Wire" and inline["published"] == "2023-03-09"
    assert "/inline-story" not in site.requests
    assert {"/feed.xml", "/story1.html", "/story2.html", "/missing.html"} <= set(site.requests)
    with engine.connect() as conn:
        quotes = set(conn.execute(text("SELECT quote FROM statement")).scalars())
    assert "Officials expect Moscow to hand over two dozen Su-35 jets to Tehran next year." in quotes

    fetched = len(site.requests)
    again = ingest(f"{site.base}/feed.xml")
    assert "0 new, 3 skipped, 1 failed" in again.stdout
    # a page already in the ledger is not fetched again; the feed and the missing page are
    assert sorted(site.requests[fetched:]) == ["/feed.xml", "/missing.html"]


def test_local_feed_file_links_to_http_pages(db_url: str, engine: Engine, site: Site, tmp_path: Path) -> None:
    feed = tmp_path / "monitor.atom"
    feed.write_text((SITE / "atom.xml").read_text(encoding="utf-8").replace("{BASE}", site.base), encoding="utf-8")
    result = ingest(feed)
    assert result.exit_code == 0, result.output
    art = stored(engine)[f"{site.base}/story3.html"]
    assert art["title"] == "Rifles for the brigade" and art["outlet"] == "Atoll Monitor"
    assert art["published"] == "2023-05-21"
    assert "Zeta Brigade received ZB-7 rifles" in art["text"]


def test_feed_with_workers(db_url: str, engine: Engine, site: Site, fake: None) -> None:
    result = CliRunner().invoke(cli, ["ingest", f"{site.base}/feed.xml", "--workers", "2"])
    assert result.exit_code == 1
    assert "3 new, 0 skipped, 1 failed" in result.stdout
    assert f"{site.base}/story2.html" in stored(engine)


def test_a_url_to_a_page_or_plain_text_is_one_article(db_url: str, engine: Engine, site: Site) -> None:
    result = ingest(f"{site.base}/story2.html", f"{site.base}/plain.txt")
    assert result.exit_code == 0, result.output
    articles = stored(engine)
    assert articles[f"{site.base}/story2.html"]["outlet"] == "Harbour Wire"
    assert articles[f"{site.base}/plain.txt"]["text"].startswith("Tehran rejected the report")


def test_http_failures_are_reported(db_url: str, engine: Engine, site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_MAX_FILE_BYTES", "10000")
    from app.config import get_settings

    get_settings.cache_clear()
    with socket_closed() as dead:
        result = ingest(f"{site.base}/nothing-here", f"{site.base}/big.html", dead, f"{site.base}/story1.html")
    assert result.exit_code == 1
    assert f"{site.base}/nothing-here: HTTP 404 Not Found" in result.stderr
    assert f"{site.base}/big.html: too large" in result.stderr
    assert f"{dead}: could not be fetched (ConnectError" in result.stderr
    assert f"{site.base}/story1.html" in stored(engine)


class socket_closed:
    """A URL on a port where nothing listens."""

    def __enter__(self) -> str:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return f"http://127.0.0.1:{self.port}/feed.xml"

    def __exit__(self, *exc) -> None:
        return None
