"""RSS/Atom feeds and web pages over HTTP (httpx), read with feedparser and trafilatura."""
from __future__ import annotations

import ipaddress
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

import feedparser
import httpx

from app.config import get_settings

from app.ingest.readers import html_fragment_to_text, html_to_article, parse_date
from app.ingest.types import Failed, PageJob, RawArticle, ReadError, RecordJob

USER_AGENT = "armswatch/0.1 (+https://github.com/armswatch)"
TIMEOUT = httpx.Timeout(20.0, connect=10.0)  # per connect / per read
_FEED_TYPES = ("rss", "atom", "xml", "rdf")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _client() -> httpx.Client:
    return _client_for(os.getpid())


@lru_cache(maxsize=1)
def _client_for(pid: int) -> httpx.Client:
    # One client per process, keyed by pid so a forked extraction worker never shares the parent's
    # pooled sockets; reuse matters when a feed links many pages on one host.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT},
                        event_hooks={"request": [_check_request]})


class _Deadline(Exception):
    pass


class _Refused(Exception):
    pass


_TRUSTED = threading.local()  # the host named on the command line, for the fetch in progress


def _allow_private() -> bool:
    return get_settings().allow_private_urls


def non_public_reason(host: str) -> str | None:
    """Why `host` is not a public internet address (it resolves to loopback, private, link-local,
    ... addresses), or None when every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # the fetch itself reports that the name does not resolve
    for info in infos:
        reason = _address_reason(info[4][0])
        if reason:
            return reason
    return None


def _address_reason(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"{kind.replace('_', '-')} address {ip}"
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


def _check_request(request: httpx.Request) -> None:
    """Every request of a fetch, redirects included, must go to a public address unless the
    host is the one named on the command line or ARMSWATCH_ALLOW_PRIVATE_URLS=1: the fetched text
    becomes public, so a feed must not be able to point ingest at the intranet or the cloud's
    metadata service."""
    host = request.url.host
    if _allow_private() or host == getattr(_TRUSTED, "host", None):
        return
    reason = non_public_reason(host)
    if reason:
        raise _Refused(f"refused: {host} is a {reason} (set ARMSWATCH_ALLOW_PRIVATE_URLS=1 to allow)")


def _check_peer(resp: httpx.Response) -> None:
    """The address actually connected to, against a name that resolved differently a moment ago."""
    if _allow_private() or resp.url.host == getattr(_TRUSTED, "host", None):
        return
    stream = resp.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not os.environ.get("HTTP_PROXY") and not os.environ.get("HTTPS_PROXY"):
        reason = _address_reason(peer[0])
        if reason:
            raise _Refused(f"refused: {resp.url.host} connected to a {reason} (set ARMSWATCH_ALLOW_PRIVATE_URLS=1 to allow)")


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _Deadline in this thread after `seconds`, even inside a blocked socket read.

    httpx's timeouts are per read, so a server that sends a byte every few seconds would hold
    a fetch forever; only a timer that interrupts the read bounds the whole of it. Signals reach
    the main thread only (ingest's and its workers'); elsewhere the body loop checks the clock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Deadline()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified) with none; the validators for next time."""

    status: int
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


def fetch(url: str, max_bytes: int, *, trusted: bool = False) -> tuple[bytes, str]:
    """The body and content type at `url` (see `fetch_response`)."""
    fetched = fetch_response(url, max_bytes, trusted=trusted)
    return fetched.body, fetched.content_type


def fetch_response(url: str, max_bytes: int, *, trusted: bool = False, etag: str | None = None,
                   last_modified: str | None = None) -> Fetched:
    """The response at `url`, a conditional GET when given the validators of an earlier one;
    ReadError on HTTP errors, timeouts, oversize bodies, a fetch longer than
    ARMSWATCH_FETCH_SECONDS in all, and non-public addresses (see `_check_request`).

    `trusted`: the URL was named by the operator (command line, `sources add`), so its own host may be private."""
    _TRUSTED.host = urlsplit(url).hostname if trusted else None
    started, seconds = time.monotonic(), get_settings().fetch_seconds
    headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
    try:
        with _deadline(seconds), _client().stream("GET", url, headers=headers) as resp:
            _check_peer(resp)
            if resp.status_code == 304:
                return Fetched(304, b"", "", etag, last_modified)
            if resp.status_code >= 400:
                raise ReadError(url, f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ReadError(url, f"too large ({int(declared):,} bytes; the limit is {max_bytes:,})")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                if time.monotonic() - started > seconds:
                    raise _Deadline()
                size += len(chunk)
                if size > max_bytes:
                    raise ReadError(url, f"too large (over {max_bytes:,} bytes)")
                chunks.append(chunk)
            return Fetched(resp.status_code, b"".join(chunks), resp.headers.get("content-type", ""),
                           resp.headers.get("etag"), resp.headers.get("last-modified"))
    except _Deadline:
        raise ReadError(url, f"no complete response within {seconds:g} s (ARMSWATCH_FETCH_SECONDS)") from None
    except _Refused as exc:
        raise ReadError(url, str(exc)) from None
    except httpx.TimeoutException:
        raise ReadError(url, "timed out") from None
    except httpx.InvalidURL as exc:
        raise ReadError(url, f"invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise ReadError(url, f"could not be fetched ({type(exc).__name__}: {exc})") from None


def _entry_date(entry: dict) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(*parsed[:3])
            except (TypeError, ValueError):
                continue
    for key in ("published", "updated"):
        try:
            found = parse_date(entry.get(key))
        except ValueError:
            continue
        if found:
            return found
    return None


def _looks_like_feed(parsed: feedparser.FeedParserDict) -> bool:
    return bool(parsed.get("version")) or bool(parsed.entries)


def parse_feed(raw: bytes, source: str) -> Iterator[RecordJob | PageJob | Failed]:
    """One job per feed entry: its full content when the feed carries it, else its linked page."""
    try:
        parsed = feedparser.parse(raw)  # bytes: feedparser never goes to the network for these
    except Exception as exc:
        yield Failed(source, f"malformed feed ({type(exc).__name__})")
        return
    if not _looks_like_feed(parsed):
        reason = parsed.get("bozo_exception")
        yield Failed(source, f"malformed feed ({reason})" if reason else "not an RSS or Atom feed")
        return
    if not parsed.entries:
        yield Failed(source, "feed has no entries")
        return
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, feedparser.CharacterEncodingOverride):
        # feedparser's lenient parser salvages entries from broken XML: keep them, but say so.
        yield Failed(source, f"malformed feed ({problem}); its readable entries are still ingested")
    outlet = parsed.feed.get("title") or None
    for n, entry in enumerate(parsed.entries, 1):
        link = entry.get("link") or ""
        title = entry.get("title") or None
        published = _entry_date(entry)
        content = "\n\n".join(c.get("value", "") for c in entry.get("content", []) if c.get("value"))
        if content.strip():
            text = html_fragment_to_text(content)
            if text:
                yield RecordJob(RawArticle(link or f"{source}#{n}", text, title, outlet, published))
                continue
        if is_url(link):
            yield PageJob(link, title, outlet, published)
            continue
        summary = html_fragment_to_text(entry.get("summary") or "")
        if summary:
            yield RecordJob(RawArticle(link or f"{source}#{n}", summary, title, outlet, published))
        else:
            yield Failed(source, f"entry {n} has no content and no http(s) link")


def read_page(job: PageJob, max_bytes: int) -> RawArticle:
    """Fetch a page and read its article; the feed's title, outlet and date fill what the page lacks."""
    body, content_type = fetch(job.url, max_bytes)
    if content_type.startswith("text/plain"):
        text = _decode_text(body, job.url)
        page = RawArticle(job.url, text)
    else:
        page = html_to_article(body, source=job.url, url=job.url)
    return RawArticle(
        source=job.url,
        text=page.text,
        title=page.title or job.title,
        outlet=page.outlet or job.outlet,
        published=job.published or page.published,
    )


def _decode_text(body: bytes, source: str) -> str:
    if b"\x00" in body:
        raise ReadError(source, "binary file (contains NUL bytes)")
    try:
        text = body.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ReadError(source, f"not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise ReadError(source, "empty (no text)")
    return text


def url_jobs(url: str, max_bytes: int) -> Iterator[RecordJob | PageJob | Failed]:
    """A URL from the command line: a feed yields its entries, any other page is one article."""
    try:
        body, content_type = fetch(url, max_bytes, trusted=True)
    except ReadError as exc:
        yield Failed(exc.source, exc.reason)
        return
    yield from body_jobs(url, body, content_type)


def body_jobs(url: str, body: bytes, content_type: str) -> Iterator[RecordJob | PageJob | Failed]:
    """What was fetched at `url`: a feed's entries, or the one article of any other page."""
    kind = content_type.split(";")[0].strip().lower()
    if any(t in kind for t in _FEED_TYPES) or _looks_like_feed(feedparser.parse(body)):
        yield from parse_feed(body, url)
        return
    try:
        if kind == "text/plain":
            yield RecordJob(RawArticle(url, _decode_text(body, url)))
        else:
            yield RecordJob(html_to_article(body, source=url, url=url))
    except ReadError as exc:
        yield Failed(exc.source, exc.reason)
