"""Watched sources over real HTTP: a local server on 127.0.0.1 serves feeds and pages that change,
fail, redirect, stall and answer 304; the watcher polls them through ingest's own pipeline."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.ingest import runner
from app.ingest.watch import Watcher, backoff
from app.ingest.watched import add_source
from tests.conftest import REPO
from tests.fixtures.ingest.fakes import fake_extract

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SENTENCES = [
    "The State Department said Iran had delivered Shahed drones to Russia in August.",
    "Tehran rejected the report as baseless.",
    "Officials expect Moscow to hand over two dozen Su-35 jets to Tehran next year.",
    "Pyongyang said it had never sent weapons to Russia.",
]

Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class Site:
    """Routes by path; each request's path and headers are logged."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.log if p == path]


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            s.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = s.routes.get(self.path)
            status, headers, body = route(self) if route else (404, {"Content-Type": "text/plain"}, b"not here")
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def private_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_ALLOW_PRIVATE_URLS", "1")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)


def rss(items: list[tuple[str, str]], *, inline: bool = True) -> bytes:
    """An RSS feed of (guid, text) items: the text inline (content:encoded) or as a linked page."""
    entries = []
    for guid, body in items:
        content = f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>" if inline else ""
        entries.append(f"<item><title>{guid}</title><link>{{BASE}}/{guid}</link><guid>{guid}</guid>"
                       f"<pubDate>Tue, 07 Mar 2023 10:00:00 GMT</pubDate>{content}</item>")
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Harbour Wire</title>{''.join(entries)}</channel></rss>").encode()


def feed_route(site: Site, body: Callable[[], bytes], etag: Callable[[], str] | None = None) -> Route:
    """A feed that answers 304 when the client's If-None-Match is its current ETag."""
    def route(h: BaseHTTPRequestHandler):
        tag = etag() if etag else None
        if tag and h.headers.get("If-None-Match") == tag:
            return 304, {"ETag": tag}, b""
        headers = {"Content-Type": "application/rss+xml"} | ({"ETag": tag} if tag else {})
        return 200, headers, body().replace(b"{BASE}", site.base.encode())
    return route


def page(text_: str) -> Route:
    return lambda h: (200, {"Content-Type": "text/plain; charset=utf-8"}, text_.encode())


def articles(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT source FROM article")).scalars())


def source_row(engine: Engine, url: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM watched_source WHERE url = :u"), {"u": url}).mappings().one())


def polls(engine: Engine, url: str) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT p.status, p.new_articles FROM source_poll p JOIN watched_source s ON s.id = p.source_id "
            "WHERE s.url = :u ORDER BY p.id"), {"u": url})]


def at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


# --- sources add / list / remove -------------------------------------------------------------

def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize(("args", "message"), [
    (["not a url"], "URL: 'not a url' is not an http(s) URL"),
    (["ftp://example.org/feed"], "URL: 'ftp://example.org/feed' is not an http(s) URL"),
    (["http:///feed.xml"], "URL: 'http:///feed.xml' is not a valid URL"),
    (["http://example.org:99999/"], "is not a valid URL"),
    (["https://example.org/feed", "--every", "soon"], "--every: 'soon' is not an interval"),
    (["https://example.org/feed", "--every", "10s"], "--every: '10s' is out of range"),
    (["https://example.org/feed", "--every", "31d"], "--every: '31d' is out of range"),
    (["https://example.org/feed", "--name", "  "], "--name: give 1 to 200 characters"),
])
def test_sources_add_refuses_bad_input_naming_the_parameter(db_url: str, engine: Engine, args, message) -> None:
    result = invoke("sources", "add", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM watched_source")).scalar() == 0


def test_sources_add_list_remove(db_url: str, engine: Engine) -> None:
    added = invoke("sources", "add", "https://example.org/feed.xml", "--every", "2h", "--name", "Example wire")
    assert added.exit_code == 0 and "every 2h" in added.stdout
    assert invoke("sources", "add", "https://example.org/page").exit_code == 0
    again = invoke("sources", "add", "https://example.org/feed.xml")
    assert again.exit_code == 2 and "already watched" in again.stderr
    listed = invoke("sources", "list").stdout.splitlines()
    assert len(listed) == 2
    assert listed[0].startswith("1  Example wire  https://example.org/feed.xml  every 2h  new  last poll never")
    assert "every 30m" in listed[1]  # the default interval
    assert invoke("sources", "remove", "https://example.org/page").exit_code == 0
    missing = invoke("sources", "remove", "7")
    assert missing.exit_code == 2 and "SOURCE: no watched source has the id or URL '7'" in missing.stderr
    assert invoke("sources", "remove", "1").exit_code == 0
    assert "no sources" in invoke("sources", "list").stdout


# --- polling ---------------------------------------------------------------------------------

def test_repeated_items_are_stored_once_and_304_fetches_nothing(db_url: str, engine: Engine, site: Site,
                                                                fake: None) -> None:
    state = {"items": [("a", SENTENCES[0]), ("b", SENTENCES[1])], "etag": '"v1"'}
    site.routes["/feed.xml"] = feed_route(site, lambda: rss(state["items"]), lambda: state["etag"])
    url = f"{site.base}/feed.xml"
    add_source(engine, url, "30m")
    watcher = Watcher(engine)

    [first] = watcher.run_once(now=at(T0))
    assert (first.status, first.new) == ("ok", 2)
    assert articles(engine) == [f"{site.base}/a", f"{site.base}/b"]
    row = source_row(engine, url)
    assert row["etag"] == '"v1"' and row["articles_stored"] == 2 and row["status"] == "ok"

    assert watcher.run_once(now=at(T0 + timedelta(minutes=29))) == []  # not due yet
    [second] = watcher.run_once(now=at(T0 + timedelta(minutes=30)))
    assert (second.status, second.new) == ("not modified", 0)
    assert site.hits("/feed.xml")[-1]["if-none-match"] == '"v1"'

    state["items"] = [("c", SENTENCES[2]), ("a", SENTENCES[0]), ("b", SENTENCES[1])]  # a and b repeat
    state["etag"] = '"v2"'
    [third] = watcher.run_once(now=at(T0 + timedelta(minutes=60)))
    assert (third.status, third.new) == ("ok", 1)
    assert articles(engine) == [f"{site.base}/a", f"{site.base}/b", f"{site.base}/c"]
    assert source_row(engine, url)["articles_stored"] == 3
    assert polls(engine, url) == [("ok", 2), ("not modified", 0), ("ok", 1)]


def test_last_modified_is_sent_back(db_url: str, engine: Engine, site: Site, fake: None) -> None:
    stamp = format_datetime(T0, usegmt=True)

    def route(h):
        if h.headers.get("If-Modified-Since") == stamp:
            return 304, {}, b""
        return 200, {"Content-Type": "application/rss+xml", "Last-Modified": stamp}, rss([("a", SENTENCES[0])])
    site.routes["/lm.xml"] = route
    add_source(engine, f"{site.base}/lm.xml", "1h")
    watcher = Watcher(engine)
    assert [r.status for r in watcher.run_once(now=at(T0))] == ["ok"]
    assert [r.status for r in watcher.run_once(now=at(T0 + timedelta(hours=1)))] == ["not modified"]


def test_one_failing_source_never_stops_the_others(db_url: str, engine: Engine, site: Site, fake: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_FETCH_SECONDS", "1")
    monkeypatch.setenv("ARMSWATCH_MAX_FILE_BYTES", "100000")
    get_settings.cache_clear()

    def slow(h):
        time.sleep(3)
        return 200, {"Content-Type": "application/rss+xml"}, rss([("late", SENTENCES[3])])
    site.routes |= {
        "/error.xml": lambda h: (500, {"Content-Type": "text/plain"}, b"boom"),
        "/slow.xml": slow,
        "/broken.xml": lambda h: (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>x</ti"),
        "/moved.xml": lambda h: (301, {"Location": "/feed.xml"}, b""),
        "/feed.xml": feed_route(site, lambda: rss([("a", SENTENCES[0])])),
        "/page": page(SENTENCES[2] + "\n"),
        "/huge.xml": lambda h: (200, {"Content-Type": "application/rss+xml"}, b"<rss>" + b" " * 200_000 + b"</rss>"),
    }
    for path in ("/error.xml", "/slow.xml", "/broken.xml", "/huge.xml", "/moved.xml", "/page"):
        add_source(engine, site.base + path, "10m")
    results = {r.url.removeprefix(site.base): r for r in Watcher(engine).run_once(now=at(T0))}

    assert results["/error.xml"].status == "failed" and results["/error.xml"].errors == ["HTTP 500 Internal Server Error"]
    assert results["/slow.xml"].status == "failed"
    assert "no complete response within 1 s" in results["/slow.xml"].errors[0]
    assert results["/broken.xml"].status == "failed" and "malformed feed" in results["/broken.xml"].errors[0]
    assert results["/huge.xml"].status == "failed" and "too large" in results["/huge.xml"].errors[0]
    assert (results["/moved.xml"].status, results["/moved.xml"].new) == ("ok", 1)  # the redirect was followed
    assert (results["/page"].status, results["/page"].new) == ("ok", 1)  # a page source is one article
    assert articles(engine) == [f"{site.base}/a", f"{site.base}/page"]
    for path in ("/error.xml", "/slow.xml", "/broken.xml", "/huge.xml"):
        row = source_row(engine, site.base + path)
        assert row["status"] == "failed" and row["failures"] == 1 and row["last_error"]
    assert source_row(engine, site.base + "/page")["last_error"] is None


def test_backoff_doubles_after_each_failure_and_resets_on_success(db_url: str, engine: Engine, site: Site,
                                                                  fake: None) -> None:
    state = {"up": False}

    def flaky(h):
        if not state["up"]:
            return 503, {"Content-Type": "text/plain"}, b"down"
        return 200, {"Content-Type": "application/rss+xml"}, rss([("a", SENTENCES[0])])
    site.routes["/flaky.xml"] = flaky
    url = f"{site.base}/flaky.xml"
    add_source(engine, url, "10m")
    watcher = Watcher(engine)
    now = T0
    for failures, wait in ((1, 20), (2, 40), (3, 80)):
        [result] = watcher.run_once(now=at(now))
        assert result.status == "failed"
        row = source_row(engine, url)
        assert row["failures"] == failures
        due = datetime.fromisoformat(str(row["next_poll_at"])).replace(tzinfo=timezone.utc)
        assert due == now + timedelta(minutes=wait)
        assert watcher.run_once(now=at(due - timedelta(seconds=1))) == []  # not polled while backing off
        now = due
    state["up"] = True
    [result] = watcher.run_once(now=at(now))
    assert (result.status, result.new) == ("ok", 1)
    row = source_row(engine, url)
    assert row["failures"] == 0 and row["last_error"] is None
    assert datetime.fromisoformat(str(row["next_poll_at"])).replace(tzinfo=timezone.utc) == now + timedelta(minutes=10)
    assert backoff(600, 30) == timedelta(days=1)  # capped
    assert backoff(3 * 86400, 2) == timedelta(days=3)  # never shorter than the interval


def test_a_failed_item_keeps_the_feed_unvalidated_so_it_is_retried(db_url: str, engine: Engine, site: Site,
                                                                   fake: None) -> None:
    site.routes["/feed.xml"] = feed_route(site, lambda: rss([("story", ""), ("a", SENTENCES[0])], inline=False),
                                          lambda: '"v1"')
    site.routes["/a"] = page(SENTENCES[0] + "\n")  # /story is missing at first
    url = f"{site.base}/feed.xml"
    add_source(engine, url, "10m")
    watcher = Watcher(engine)
    [first] = watcher.run_once(now=at(T0))
    assert first.status == "partial" and first.new == 1 and "/story: HTTP 404" in first.errors[0]
    assert source_row(engine, url)["etag"] is None  # a 304 next time would lose /story
    site.routes["/story"] = page(SENTENCES[1] + "\n")
    [second] = watcher.run_once(now=at(T0 + timedelta(minutes=10)))
    assert (second.status, second.new) == ("ok", 1)
    assert len(site.hits("/a")) == 1  # a page already stored is not fetched again
    assert articles(engine) == [f"{site.base}/a", f"{site.base}/story"]


# --- the process: stopped or killed mid-poll -------------------------------------------------

def slow_feed(site: Site, n: int, delay: float) -> str:
    """A feed of n linked pages, each served after `delay` seconds."""
    names = [f"p{i:02d}" for i in range(n)]
    site.routes["/many.xml"] = feed_route(site, lambda: rss([(p, "") for p in names], inline=False), lambda: '"x"')

    def slow_page(body: str) -> Route:
        def route(h):
            time.sleep(delay)
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, body.encode()
        return route
    for i, p in enumerate(names):
        site.routes[f"/{p}"] = slow_page(f"Report {i}. {SENTENCES[i % len(SENTENCES)]}\n")
    return f"{site.base}/many.xml"


def start_watch(db_url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "ARMSWATCH_DATABASE_URL": db_url, "ARMSWATCH_ALLOW_PRIVATE_URLS": "1"}
    return subprocess.Popen([sys.executable, "-m", "app.cli", "watch", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_articles(engine: Engine, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(articles(engine)) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the watcher stored too little"
        time.sleep(0.05)


def check_all_once(engine: Engine, site: Site, n: int) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source, count(*) FROM article GROUP BY source")).all()
    assert sorted(r[0] for r in rows) == [f"{site.base}/p{i:02d}" for i in range(n)]  # nothing lost
    assert all(r[1] == 1 for r in rows)  # nothing twice


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_stopped_mid_poll_then_rerun_stores_everything_once(db_url: str, engine: Engine, site: Site, sig) -> None:
    n = 12
    url = slow_feed(site, n, delay=0.25)
    add_source(engine, url, "10m")
    proc = start_watch(db_url, "--once")
    wait_for_articles(engine, 2, proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    if sig == signal.SIGTERM:
        assert proc.returncode == 130 and "stopped; articles stored so far are kept" in out
        assert "SIGTERM: finishing the article being stored" in err
    stored = len(articles(engine))
    assert 2 <= stored < n
    row = source_row(engine, url)
    assert row["etag"] is None and row["next_poll_at"] is None  # still due, with no validator to skip items

    rerun = start_watch(db_url, "--once")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, (out, err)
    check_all_once(engine, site, n)
    row = source_row(engine, url)
    assert row["status"] == "ok" and row["etag"] == '"x"'
    if sig == signal.SIGTERM:  # the stopped run's articles were counted on the source too
        assert row["articles_stored"] == n


def test_long_lived_watch_polls_when_due_and_stops_on_sigterm(db_url: str, engine: Engine, site: Site) -> None:
    site.routes["/feed.xml"] = feed_route(site, lambda: rss([("a", SENTENCES[0])]), lambda: '"v1"')
    add_source(engine, f"{site.base}/feed.xml", "1m")
    proc = start_watch(db_url)
    wait_for_articles(engine, 1, proc)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert f"{site.base}/feed.xml: ok, 1 new article(s)" in out
