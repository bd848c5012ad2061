"""Conditional GET for read pages: ETag and Last-Modified keyed on the database's data version.

A read page is a pure function of its URL, the HX-Request header (page or fragment),
the code and the data. The data version of a SQLite ledger is read from the file
system, without a query: every commit appends to the `-wal` file (or rewrites the
main file when not in WAL mode), so the (size, mtime) of both files changes with
every write. A checkpoint also changes them without changing the data, which only
costs a client one full response. A browser revalidating an unchanged page gets a
304 before any route, query or template runs.

The same key serves a small in-memory response cache per server process: a page
asked for again while the data has not changed is sent from memory, so popular pages
(the front page, common filters) cost no query and no template. It cannot serve
stale data: any commit changes the data version, which empties it. Responses that
vary on a request header outside the key (htmx's HX-* headers and Host), set cookies
or say no-store are not kept.

On PostgreSQL there is no file to look at: the data version is `queries.data_version` (the last
article, statement and allegation id), read by one short query in a worker thread per request,
and pages get an ETag but no Last-Modified (the time of the last change is not known).
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.db import get_engine, sqlite_file
from app.web.auth import COOKIE

SESSION_COOKIE = COOKIE + "="
DataVersion = tuple[str, float | None]  # (opaque token, time of the last change as a Unix timestamp, if known)
KEY_HEADERS = ("hx-request", "hx-target", "hx-history-restore-request", "hx-boosted", "host")
CACHEABLE_VARY = set(KEY_HEADERS)  # a response varying on these is fully named by the key


sqlite_path = sqlite_file  # the database file of a SQLite URL; None for other databases and in-memory SQLite


def sqlite_data_version(path: Path) -> DataVersion | None:
    """A token that changes with every commit to the SQLite file at `path` (None if it does not exist).

    From the files alone: the size and mtime of the database and its -wal file, and the
    WAL-index header (the first 48 bytes of -shm: change counter, last valid frame, salts),
    which every commit rewrites even when the WAL, restarted after a checkpoint, keeps its
    size and the change falls within the file system's mtime granularity."""
    parts, last = [str(path)], 0.0
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
    header = _shm_header(path.with_name(path.name + "-shm"))
    parts.append(header.hex() if header is not None else "-")
    return "/".join(parts), last


# SQLite's WAL readers hold POSIX advisory locks on the -shm file, and POSIX drops every lock a
# process holds on a file when the process closes *any* descriptor of it. Opening and closing
# -shm per request therefore released the server's read locks, let ingest checkpoint over pages
# a reader still needed, and gave "database disk image is malformed" under concurrent load
# (https://www.sqlite.org/howtocorrupt.html, section 2.2). So each -shm is opened once per
# process and never closed; the header is read with pread.
_SHM_FDS: dict[Path, int] = {}
_SHM_LOCK = threading.Lock()


def _shm_header(shm: Path) -> bytes | None:
    with _SHM_LOCK:
        fd = _SHM_FDS.get(shm)
        if fd is None:
            try:
                fd = os.open(shm, os.O_RDONLY)
            except OSError:
                return None  # no reader or writer has created it yet: try again next time
            _SHM_FDS[shm] = fd
    try:
        return os.pread(fd, 48, 0)
    except OSError:
        return None


def settings_data_version() -> DataVersion | None:
    path = sqlite_path(get_settings().database_url)
    return sqlite_data_version(path) if path else None


def database_data_version() -> DataVersion | None:
    """The data version of a PostgreSQL ledger, from one query; None for other databases."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return None
    from sqlmodel import Session

    from app.queries import data_version

    with Session(engine) as session:
        ids = data_version(session=session)
    return "pg:" + ":".join(map(str, ids)), None


def _code_token() -> str:
    """Changes when the installed code or templates change, so a deploy invalidates old ETags in every worker."""
    try:
        ver = package_version("armswatch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        ver = "dev"
    templates = get_settings().templates_dir
    newest = max((f.stat().st_mtime_ns for f in templates.rglob("*") if f.is_file()), default=0)
    return f"{ver}:{newest}"


class ResponseCache:
    """Whole 200 responses by ETag, least recently used out first, within a byte budget."""

    def __init__(self, max_bytes: int, max_entry: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry if max_entry is not None else max(1, max_bytes // 8)
        self.size = 0
        self.token: str | None = None
        self.hits = self.misses = 0
        self._entries: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def check_version(self, token: str) -> None:
        """A new data version makes every entry unreachable: drop them now to free the memory."""
        if token != self.token:
            self._entries.clear()
            self.size = 0
            self.token = token

    def get(self, key: str) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if len(body) > self.max_entry or key in self._entries:
            return
        self._entries[key] = (headers, body)
        self.size += len(body)
        while self.size > self.max_bytes and self._entries:
            _, (_, old) = self._entries.popitem(last=False)
            self.size -= len(old)


class ConditionalGetMiddleware:
    """Adds ETag / Last-Modified / Cache-Control: no-cache to 200 GET responses, answers 304 when
    unchanged, and keeps up to `cache_bytes` of whole responses in memory (0: no cache).

    `version` returns the data version, or None to leave requests alone (default: the SQLite
    file's, read in the event loop; else PostgreSQL's, read in a worker thread).
    Paths under `exclude` (static files have their own validators) are left alone.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        version: Callable[[], DataVersion | None] | None = None,
        exclude: tuple[str, ...] = ("/static",),
        cache_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.version = version
        self._query_version = False
        self.exclude = exclude
        self._cache_bytes = cache_bytes
        self._cache: ResponseCache | None = None
        self._code: str | None = None
        # Single flight: while one request computes a page, the others asking for it wait for
        # its result instead of computing it too (32 clients on a cold page would run it 32 times).
        self._inflight: dict[str, asyncio.Event] = {}

    def _setup(self) -> None:
        if self.version is None:
            on_file = sqlite_path(get_settings().database_url) is not None
            self.version = settings_data_version if on_file else database_data_version
            self._query_version = not on_file
        self._code = _code_token()
        budget = self._cache_bytes if self._cache_bytes is not None else get_settings().response_cache_mb * 2**20
        self._cache = ResponseCache(budget) if budget > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(self.exclude)
                or SESSION_COOKIE in Headers(scope=scope).get("cookie", "") or "authorization" in Headers(scope=scope)):
            # A logged-in user's pages (or an API caller's) show what anonymous visitors do not: never shared or kept.
            await self.app(scope, receive, send)
            return
        if self._code is None:
            self._setup()
        data = await run_in_threadpool(self.version) if self._query_version else self.version()
        if data is None:
            await self.app(scope, receive, send)
            return
        token, changed_at = data
        headers = Headers(scope=scope)
        # Everything a body may depend on: the code, the data, the URL as the app sees it (scheme and
        # root path included) and the headers a route reads.
        key = "\x00".join((self._code, token, scope.get("scheme", "http"), scope.get("root_path", ""), scope["path"],
                           scope.get("query_string", b"").decode("latin-1"),
                           *(headers.get(h, "") for h in KEY_HEADERS)))
        etag = 'W/"' + hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest() + '"'
        # Last-Modified has one-second resolution: only send it once that second is over, so a
        # later change within the same second cannot hide behind it.
        last_modified = formatdate(int(changed_at), usegmt=True) \
            if changed_at is not None and int(changed_at) < int(time.time()) else None

        not_modified = {"type": "http.response.start", "status": 304,
                        "headers": _validator_headers(etag, last_modified, vary=True)}
        if _not_modified(headers, etag, changed_at if last_modified else None):
            await send(not_modified)
            await send({"type": "http.response.body", "body": b""})
            return
        # If-None-Match: * asks whether the resource exists (RFC 9110 13.1.2): only a 200 says so.
        any_etag = headers.get("if-none-match", "").strip() == "*"

        cache = self._cache
        leader: asyncio.Event | None = None
        if cache is not None:
            cache.check_version(token)
            hit = cache.get(etag)
            if hit is None and etag in self._inflight:
                await self._inflight[etag].wait()
                hit = cache.get(etag)
            if hit is not None and any_etag:
                await send(not_modified)
                await send({"type": "http.response.body", "body": b""})
                return
            if hit is not None:
                await send({"type": "http.response.start", "status": 200, "headers": list(hit[0])})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else hit[1]})
                return
            if etag not in self._inflight:
                leader = self._inflight[etag] = asyncio.Event()

        keep: list[tuple[bytes, bytes]] | None = None
        chunks: list[bytes] = []
        swallow = False

        async def send_with_validators(message: Message) -> None:
            nonlocal keep, swallow
            if swallow:  # the body of a 200 answered with 304
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            if message["type"] == "http.response.start" and message["status"] == 200 and any_etag:
                swallow = True
                await send(not_modified)
                return
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                if "etag" not in out and "set-cookie" not in out:
                    for name, value in _validator_headers(etag, last_modified, vary=False):
                        out.append(name.decode("latin-1"), value.decode("latin-1"))
                    vary = out.get("vary", "")
                    if "hx-request" not in vary.lower():
                        out["vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
                    if cache is not None and scope["method"] == "GET" and _cacheable(out):
                        keep = list(message["headers"])
            elif message["type"] == "http.response.body" and keep is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    assert cache is not None
                    cache.put(etag, keep, b"".join(chunks))
            await send(message)

        try:
            await self.app(scope, receive, send_with_validators)
        finally:
            if leader is not None:
                del self._inflight[etag]
                leader.set()


def _cacheable(headers: MutableHeaders) -> bool:
    vary = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    control = headers.get("cache-control", "").lower()
    return vary <= CACHEABLE_VARY and "no-store" not in control and "private" not in control


def _not_modified(headers: Headers, etag: str, changed_at: float | None) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since; weak comparison
        return etag.removeprefix("W/") in {t.strip().removeprefix("W/") for t in inm.split(",")}
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


class ConcurrencyLimitMiddleware:
    """At most `limit` requests computed at once per process; the others wait in the event loop.

    Routes are sync and run in a pool of 40 threads: under 32 concurrent connections each held
    a database connection and a half-built page, for no gain on a CPU-bound server (one GIL),
    and a process grew to 220 MB. Waiting here costs nothing and holds nothing."""

    def __init__(self, app, limit: int, exports: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.exports = exports
        self._slots: asyncio.Semaphore | None = None
        self._export_slots: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # made inside the server's event loop
            self._slots = asyncio.Semaphore(self.limit)
            self._export_slots = asyncio.Semaphore(self.exports)
        # An export streams for as long as its client reads: it waits in a lane of its own, so
        # exports never hold the slots of the cheap pages.
        lane = self._export_slots if scope["path"].endswith(".csv") else self._slots
        async with lane:
            await self.app(scope, receive, send)
