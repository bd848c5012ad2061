"""Conditional GET for read pages: ETag and Last-Modified keyed on the database's data version.

A read page is a pure function of its URL, the HX-Request header (page or fragment),
the code and the data. The data version of a SQLite ledger is read from the file
system, without a query: every commit appends to the `-wal` file (or rewrites the
main file when not in WAL mode), so the (size, mtime) of both files changes with
every write. A checkpoint also changes them without changing the data, which only
costs a client one full response. A browser revalidating an unchanged page gets a
304 before any route, query or template runs.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path

from sqlalchemy.engine import make_url
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings

DataVersion = tuple[str, float]  # (opaque token, time of the last change as a Unix timestamp)


def sqlite_path(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def sqlite_data_version(path: Path) -> DataVersion | None:
    """A token that changes with every commit to the SQLite file at `path` (None if it does not exist)."""
    parts, last = [], 0.0
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if p == path:
                return None
            parts.append("-")
            continue
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        last = max(last, st.st_mtime)
    return "/".join(parts), last


def settings_data_version() -> DataVersion | None:
    path = sqlite_path(get_settings().database_url)
    return sqlite_data_version(path) if path else None


def _code_token() -> str:
    """Changes when the installed code or templates change, so a deploy invalidates old ETags in every worker."""
    try:
        ver = package_version("armswatch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        ver = "dev"
    templates = get_settings().templates_dir
    newest = max((f.stat().st_mtime_ns for f in templates.rglob("*") if f.is_file()), default=0)
    return f"{ver}:{newest}"


class ConditionalGetMiddleware:
    """Adds ETag / Last-Modified / Cache-Control: no-cache to 200 GET responses and answers 304 when unchanged.

    `version` returns the data version, or None to leave requests alone (e.g. PostgreSQL).
    Paths under `exclude` (static files have their own validators) are left alone.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        version: Callable[[], DataVersion | None] = settings_data_version,
        exclude: tuple[str, ...] = ("/static",),
    ) -> None:
        self.app = app
        self.version = version
        self.exclude = exclude
        self._code: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(self.exclude):
            await self.app(scope, receive, send)
            return
        data = self.version()
        if data is None:
            await self.app(scope, receive, send)
            return
        if self._code is None:
            self._code = _code_token()
        token, changed_at = data
        headers = Headers(scope=scope)
        key = "\x00".join((self._code, token, scope["path"], scope.get("query_string", b"").decode("latin-1"),
                           headers.get("hx-request", ""), headers.get("hx-target", "")))
        etag = 'W/"' + hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest() + '"'
        # Last-Modified has one-second resolution: only send it once that second is over, so a
        # later change within the same second cannot hide behind it.
        last_modified = formatdate(int(changed_at), usegmt=True) if int(changed_at) < int(time.time()) else None

        if _not_modified(headers, etag, changed_at if last_modified else None):
            await send({"type": "http.response.start", "status": 304,
                        "headers": _validator_headers(etag, last_modified, vary=True)})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_validators(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                if "etag" not in out and "set-cookie" not in out:
                    for name, value in _validator_headers(etag, last_modified, vary=False):
                        out.append(name.decode("latin-1"), value.decode("latin-1"))
                    vary = out.get("vary", "")
                    if "hx-request" not in vary.lower():
                        out["vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
            await send(message)

        await self.app(scope, receive, send_with_validators)


def _not_modified(headers: Headers, etag: str, changed_at: float | None) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since; weak comparison
        return inm.strip() == "*" or etag.removeprefix("W/") in {t.strip().removeprefix("W/") for t in inm.split(",")}
    ims = headers.get("if-modified-since")
    if ims and changed_at is not None:
        try:
            return int(changed_at) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _validator_headers(etag: str, last_modified: str | None, *, vary: bool) -> list[tuple[bytes, bytes]]:
    out = [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
    if last_modified:
        out.append((b"last-modified", last_modified.encode()))
    if vary:
        out.append((b"vary", b"HX-Request"))
    return out
