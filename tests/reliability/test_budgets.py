"""Issue 15, points 1 and 2: bounded work per article and per fetch.

- an article whose reading and extraction overruns ARMSWATCH_ARTICLE_SECONDS is reported as
  `path: reason`, its worker is stopped and replaced (even inside a regex that no signal can
  interrupt), and the run goes on, with one worker and with two;
- a replacement worker is never forked while the writer is storing (a fork then copied SQLite's
  mutexes held, and the new worker hung in its first connect: an innocent article overran);
- an article that needs more memory than ARMSWATCH_WORKER_MEMORY_MB is reported the same way;
- a server that trickles bytes cannot hold a fetch past ARMSWATCH_FETCH_SECONDS (real sockets);
- links from feeds (and redirects) to loopback, private or link-local addresses are refused
  unless ARMSWATCH_ALLOW_PRIVATE_URLS=1.

No assertion is on a tight time: budgets are a few seconds and the bounds are generous.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.config import get_settings
from app.ingest import runner
from app.ingest.feeds import non_public_reason
from app.ingest.store import Ledger
from tests.fixtures.ingest.fakes import fake_extract
from tests.reliability.helpers import ingest_in_process as ingest, stored_sources

ALLEGES = "The State Department said Iran had delivered Shahed drones to Russia in August."
PRK = "Pyongyang said it had never sent weapons to Russia."



def setting(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"ARMSWATCH_{name.upper()}", value)
    get_settings.cache_clear()


def pathological(doc: str):
    """The real extractor, but some texts stall in C (catastrophic backtracking) or hog memory."""
    if "STALL" in doc:
        re.match(r"(a+)+$", "a" * 64 + "b")  # exponential, in C: no signal handler runs meanwhile
    if "HOG" in doc:
        hog = [bytearray(2**20) for _ in range(4096)]  # 4 GB, a megabyte at a time
        del hog
    return fake_extract(doc)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_article_over_its_time_budget_is_reported_and_the_run_goes_on(
        db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setattr(runner, "extract", pathological)
    setting(monkeypatch, article_seconds="8")  # the replaced worker's next article must fit it even on a loaded machine
    (tmp_path / "a-before.txt").write_text(ALLEGES)
    (tmp_path / "b-stall.txt").write_text("STALL " + PRK)
    (tmp_path / "c-stall.txt").write_text("STALL again " + PRK)
    for n in range(6):  # more articles than workers after the stalls: replaced workers take them
        (tmp_path / f"d-after-{n}.txt").write_text(f"{n} {ALLEGES}")

    started = time.monotonic()
    result = ingest(tmp_path, "--workers", str(workers))
    elapsed = time.monotonic() - started

    assert elapsed < 90  # two 8 s budgets, not the hours the regex would take
    for name in ("b-stall.txt", "c-stall.txt"):
        assert f"{tmp_path / name}: took longer than 8 s to read and extract; skipped" in result.stderr
    assert "7 new, 0 skipped, 2 failed" in result.stdout, result.output
    assert stored_sources(engine) == {str(tmp_path / "a-before.txt"), *(str(tmp_path / f"d-after-{n}.txt") for n in range(6))}
    assert result.exit_code == 1


def test_no_worker_is_forked_while_the_writer_stores(
        db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork copies each lock as it is at that instant, and only the forking thread lives on in the
    child. pebble forks replacements from its manager thread; when the writer was inside SQLite at
    that moment, the new worker sometimes inherited SQLite's allocator mutex held and hung in its
    first connect until its (innocent) article's budget ran out. Here every store is long and every
    fork a little late, as on a loaded machine, so that without a guard the replacement forked at
    the stalls' timeout lands in the middle of the store the timeout itself sets off."""
    monkeypatch.setattr(runner, "extract", pathological)
    setting(monkeypatch, article_seconds="3")
    forks: list[tuple[float, float]] = []  # in the ingesting process: when each os.fork ran
    stores: list[tuple[float, float]] = []  # ...and when the writer was storing a batch
    real_fork, real_store = os.fork, Ledger.store_batch

    def late_fork() -> int:
        time.sleep(0.3)
        started = time.monotonic()
        pid = real_fork()
        if pid:
            forks.append((started, time.monotonic()))
        return pid

    def long_store(self: Ledger, items: list) -> list:
        started = time.monotonic()
        try:
            return real_store(self, items)
        finally:
            time.sleep(1)
            stores.append((started, time.monotonic()))

    monkeypatch.setattr(os, "fork", late_fork)
    monkeypatch.setattr(Ledger, "store_batch", long_store)
    (tmp_path / "a-before.txt").write_text(ALLEGES)
    (tmp_path / "b-stall.txt").write_text("STALL " + PRK)
    (tmp_path / "c-stall.txt").write_text("STALL again " + PRK)
    for n in range(4):
        (tmp_path / f"d-after-{n}.txt").write_text(f"{n} {ALLEGES}")

    result = ingest(tmp_path, "--workers", "2")

    assert len(forks) >= 3 and stores  # the first two workers and at least one replacement
    overlaps = [(f, s) for f in forks for s in stores if f[0] < s[1] and s[0] < f[1]]
    assert not overlaps, (overlaps, forks, stores)
    assert "5 new, 0 skipped, 2 failed" in result.stdout, result.output
    assert "d-after" not in result.stderr


def test_an_article_over_the_memory_limit_is_reported(
        db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", pathological)
    setting(monkeypatch, worker_memory_mb="256")
    (tmp_path / "a.txt").write_text("HOG " + PRK)
    (tmp_path / "b.txt").write_text(ALLEGES)
    result = ingest(tmp_path)
    assert f"{tmp_path / 'a.txt'}: needs more than the 256 MB a worker may use; skipped" in result.stderr
    assert stored_sources(engine) == {str(tmp_path / "b.txt")}
    assert result.exit_code == 1


# -- fetching ----------------------------------------------------------------------------------------


class Trickle:
    """A raw TCP server on 127.0.0.1 that sends its response a byte at a time, slowly, forever."""

    def __init__(self, body_first: bool) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.body_first = body_first  # headers at once, then the body a byte at a time
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        try:
            conn.recv(65536)
            if self.body_first:
                conn.sendall(head)
                head = b"<p>" + b"x" * 99997
            for byte in head * 1000:
                if self.stop.is_set():
                    break
                conn.sendall(bytes([byte]))
                time.sleep(0.3)  # well inside httpx's 20 s read timeout: only a total deadline helps
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize("body_first", [False, True], ids=["slow headers", "slow body"])
def test_a_trickling_server_cannot_hold_a_fetch(db_url: str, monkeypatch: pytest.MonkeyPatch, body_first: bool) -> None:
    setting(monkeypatch, fetch_seconds="2")
    server = Trickle(body_first)
    try:
        url = f"http://127.0.0.1:{server.port}/slow"
        started = time.monotonic()
        result = ingest(url)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert f"{url}: no complete response within 2 s (ARMSWATCH_FETCH_SECONDS)" in result.stderr
    assert elapsed < 30
    assert result.exit_code == 1


@pytest.fixture
def site() -> Iterator[str]:
    """A feed on 127.0.0.1 whose entries link to loopback, link-local and private pages."""
    holder: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            base = holder["base"]
            if self.path == "/feed.xml":
                items = "".join(
                    f"<item><title>{n}</title><link>{link}</link></item>"
                    for n, link in enumerate([f"{base}/page", f"http://localhost:{base.rsplit(':', 1)[1]}/page",
                                              "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x",
                                              "http://[::1]/x"])
                )
                body, ctype = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>", "application/rss+xml"
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{base.rsplit(':', 1)[1]}/page")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                body, ctype = f"<html><body><article><p>{ALLEGES}</p><p>{PRK}</p></article></body></html>", "text/html"
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["base"] = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield holder["base"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


def test_feed_links_to_private_addresses_are_refused(db_url: str, engine: Engine, site: str, no_proxy: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)
    setting(monkeypatch, fetch_seconds="5")
    result = ingest(f"{site}/feed.xml")
    port = site.rsplit(":", 1)[1]
    for link, kind in ((f"{site}/page", "loopback address 127.0.0.1"),
                       (f"http://localhost:{port}/page", "loopback address"),
                       ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
                       ("http://10.0.0.1/x", "private address 10.0.0.1"),
                       ("http://[::1]/x", "loopback address ::1")):
        assert f"{link}: refused: " in result.stderr and kind in result.stderr, (link, result.stderr)
    assert "ARMSWATCH_ALLOW_PRIVATE_URLS=1" in result.stderr
    assert stored_sources(engine) == set()  # the feed itself, named on the command line, was read


def test_a_redirect_to_a_private_address_is_refused(db_url: str, engine: Engine, site: str, no_proxy: None) -> None:
    result = ingest(f"{site}/redirect")
    assert f"{site}/redirect: refused: localhost is a loopback address" in result.stderr
    assert stored_sources(engine) == set()


def test_private_links_are_fetched_when_allowed(db_url: str, engine: Engine, site: str, no_proxy: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)
    setting(monkeypatch, allow_private_urls="1", fetch_seconds="3")
    result = ingest(f"{site}/feed.xml")
    assert f"{site}/page" in stored_sources(engine)
    assert "refused: " not in result.stderr


def test_public_and_private_names() -> None:
    assert non_public_reason("127.0.0.1") == "loopback address 127.0.0.1"
    assert non_public_reason("169.254.169.254") == "link-local address 169.254.169.254"
    assert non_public_reason("192.168.1.1") == "private address 192.168.1.1"
    assert non_public_reason("::ffff:10.1.2.3") == "private address 10.1.2.3"
    assert non_public_reason("0.0.0.0") is not None
    assert non_public_reason("8.8.8.8") is None
    assert non_public_reason("no-such-host.invalid") is None  # the fetch reports it does not resolve
