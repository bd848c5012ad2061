"""Issue 15, point 7: HTTP as the RFCs say, on every route.

- HEAD answers like GET (same status and headers, no body) on every page, API route and export,
  cached or not, and every 405 (HTML or JSON) says what is Allowed;
- If-None-Match: * confirms only what exists: 304 for a page that exists, 404 for one that does not;
- absolute URLs (the CSV's `url` column, redirects) never come from the request's Host or
  X-Forwarded-Proto: from ARMSWATCH_BASE_URL when set, relative otherwise;
- the response cache keys on the scheme and host too, so one request cannot decide what
  another is served; `serve` believes proxy headers only from ARMSWATCH_TRUSTED_PROXIES.
"""
from __future__ import annotations

import csv
import io
import subprocess
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app import facet_index
from app.config import get_settings
from app.web import main
from tests.conftest import SEEDS
from tests.reliability.helpers import armswatch, env_for, free_port

PAGES = ["/", "/?country=IRN", "/actors", "/actors/IRN", "/weapons", "/sources", "/weapons/uav", "/allegations/1",
         "/articles/1", "/docs", "/api/allegations", "/api/facets", "/api/flows", "/api/allegations/1",
         "/api/articles/1", "/api/actors/IRN", "/api/weapons/uav", "/allegations.csv", "/api/allegations.csv",
         "/openapi.json", "/static/css/app.css", "/allegations/999999", "/nope", "/?since=bad"]


@pytest.fixture
def client(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from app.cli import cli

    assert CliRunner().invoke(cli, ["ingest", str(SEEDS)]).exit_code == 0
    facet_index.reset()

    def make(**env: str) -> TestClient:
        for k, v in env.items():
            monkeypatch.setenv(f"ARMSWATCH_{k.upper()}", v)
        get_settings.cache_clear()
        return TestClient(main.create_app(), base_url="http://testserver")

    return make


@pytest.mark.parametrize("cache_mb", ["32", "0"])
def test_head_answers_like_get_everywhere(client, cache_mb: str) -> None:
    c = client(response_cache_mb=cache_mb)
    for path in PAGES:
        for _ in range(2):  # cold, then (with the cache) from memory
            get, head = c.get(path), c.head(path)
            assert head.status_code == get.status_code, path
            assert head.content == b"", path
            for name in ("content-type", "etag", "content-security-policy", "vary", "allow"):
                assert head.headers.get(name) == get.headers.get(name), (path, name)


def test_every_405_says_what_is_allowed(client) -> None:
    c = client()
    for path in ["/", "/weapons", "/allegations/1", "/api/allegations", "/allegations.csv", "/api/facets"]:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            resp = c.request(method, path)
            assert resp.status_code == 405, (method, path)
            allowed = {m.strip() for m in resp.headers["allow"].split(",")}
            assert allowed == {"GET", "HEAD"}, (method, path, resp.headers["allow"])


def test_if_none_match_star_confirms_only_what_exists(client) -> None:
    c = client()
    assert c.get("/allegations/1", headers={"If-None-Match": "*"}).status_code == 304
    assert c.get("/allegations/1").status_code == 200  # now cached: the star is still answered from it
    assert c.get("/allegations/1", headers={"If-None-Match": "*"}).status_code == 304
    for missing in ("/allegations/999999", "/api/allegations/999999", "/actors/ZZZ", "/no-such-page"):
        resp = c.get(missing, headers={"If-None-Match": "*"})
        assert resp.status_code == 404, missing
    assert c.get("/?since=bad", headers={"If-None-Match": "*"}).status_code == 422


def _csv_urls(resp: httpx.Response) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert rows
    return [r["url"] for r in rows]


def test_absolute_urls_never_come_from_the_request(client) -> None:
    c = client()
    forged = {"Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    urls = _csv_urls(c.get("/allegations.csv", headers=forged))
    assert all(u.startswith("/allegations/") for u in urls), urls[:3]
    redirect = c.get("/weapons/", headers=forged, follow_redirects=False)
    assert redirect.status_code in (301, 302, 307, 308)
    assert "evil" not in redirect.headers["location"] and redirect.headers["location"].startswith("/")

    c = client(base_url="https://armswatch.example.org/ledger")
    urls = _csv_urls(c.get("/allegations.csv", headers=forged))
    assert all(u.startswith("https://armswatch.example.org/ledger/allegations/") for u in urls), urls[:3]
    redirect = c.get("/weapons/", headers=forged, follow_redirects=False)
    assert redirect.headers["location"] == "https://armswatch.example.org/ledger/weapons"


def test_the_cache_key_holds_scheme_and_host(client) -> None:
    c = client(response_cache_mb="32")
    plain = c.get("/api/allegations")
    other_scheme = TestClient(c.app, base_url="https://testserver").get("/api/allegations")
    other_host = c.get("/api/allegations", headers={"Host": "elsewhere.example"})
    assert len({plain.headers["etag"], other_scheme.headers["etag"], other_host.headers["etag"]}) == 3


def test_base_url_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from app.config import Settings

    for bad in ("javascript:alert(1)", "https://x.example/?q=1", "ftp://x", "https://a b"):
        monkeypatch.setenv("ARMSWATCH_BASE_URL", bad)
        with pytest.raises(ValidationError):
            Settings()


@pytest.mark.slow
def test_serve_believes_forwarded_headers_only_from_configured_proxies(tmp_path) -> None:
    """A real `armswatch serve` from 127.0.0.1: uvicorn's default would believe X-Forwarded-Proto
    from there (any local process); ours believes none unless the proxy is configured."""
    database = tmp_path / "ledger.db"
    env = env_for(database, ARMSWATCH_RESPONSE_CACHE_MB="0")
    assert subprocess.run([*armswatch(), "ingest", str(SEEDS)], env=env, capture_output=True, timeout=300).returncode == 0
    for proxies, expect_https in (("", False), ("127.0.0.1", True)):
        port = free_port()
        server = subprocess.Popen([*armswatch(), "serve", "--port", str(port)],
                                  env={**env, "ARMSWATCH_TRUSTED_PROXIES": proxies},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            resp = None
            for _ in range(300):
                try:
                    resp = httpx.get(f"http://127.0.0.1:{port}/weapons/", follow_redirects=False, timeout=5,
                                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            assert resp is not None, server.stderr.read() if server.stderr else ""
            # The redirect is relative either way (no base URL); what changes is the scheme the app saw,
            # which the cache key holds: compare the ETags of one page with and without the header.
            httpx.get(f"http://127.0.0.1:{port}/api/allegations", timeout=5)  # the first read creates -wal/-shm
            seen = httpx.get(f"http://127.0.0.1:{port}/api/allegations", timeout=5,
                             headers={"X-Forwarded-Proto": "https"}).headers["etag"]
            plain = httpx.get(f"http://127.0.0.1:{port}/api/allegations", timeout=5).headers["etag"]
            assert (seen != plain) is expect_https, proxies
            assert resp.headers["location"].startswith("/")
        finally:
            server.terminate()
            server.wait(timeout=10)
