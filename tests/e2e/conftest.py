"""A real uvicorn server over a migrated temp ledger, and Debian's chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app import migrate
from app.db import make_engine
from tests.factories import random_ledger, standard_ledger

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[2]


def _watched_sources(engine) -> None:
    """Two sources for /sources: one healthy, one failing with a hostile name and error."""
    from sqlalchemy import update

    from app.ingest.watched import SOURCE, add_source
    from tests.factories import XSS

    ok = add_source(engine, "https://wire.example.org/feed.xml", "30m", name="Harbour Wire")
    dead = add_source(engine, "https://dead.example.org/rss", "2h", name=XSS)
    with engine.begin() as conn:
        conn.execute(update(SOURCE).where(SOURCE.c.id == ok).values(status="ok", articles_stored=12))
        conn.execute(update(SOURCE).where(SOURCE.c.id == dead).values(status="failed", failures=2,
                                                                      last_error=f"HTTP 500 {XSS}"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


EDITOR, VIEWER, PASSWORD = "editor", "viewer", "a long enough password"


def ledger_with_users(url: str) -> None:
    """The factories' ledger (standard + 40 random statements), watched sources, an editor and a viewer."""
    from app import accounts
    from app.db import write_session

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        lg = standard_ledger(session)
        random_ledger(session, n=40, lg=lg)
    _watched_sources(engine)
    with write_session(engine) as conn:
        accounts.add_account(conn, EDITOR, "editor", PASSWORD)
        accounts.add_account(conn, VIEWER, "viewer", PASSWORD)
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served by uvicorn in its own process, as `armswatch serve` runs it (shared by
    the read-only browser tests: nothing may change its data)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'ledger.db'}"
    ledger_with_users(url)
    with serve(url) as base:
        yield base


@contextmanager
def serve(url: str) -> Iterator[str]:
    """uvicorn serving the ledger at `url` in its own process; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "ARMSWATCH_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.web.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/static/css/app.css", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"the server did not start on {base}:\n{out}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# Module scope, not session: Playwright's sync API keeps an event loop running on the main
# thread while it is open, which breaks later tests that start their own (asyncio.run, or
# another sync_playwright) in the same pytest run.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`make system-deps`) for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; CSP violations and page errors are collected and must stay empty."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.problems = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type in ("error", "warning") and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def log_in(page, name: str = EDITOR, password: str = PASSWORD) -> None:
    """Log in through the /login form, as a person would."""
    page.goto("/login")
    page.fill("#login-name", name)
    page.fill("#login-password", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
