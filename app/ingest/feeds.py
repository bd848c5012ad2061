"""RSS/Atom feeds and web pages over HTTP (httpx), read with feedparser and trafilatura."""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

import feedparser
import httpx

from app.ingest.readers import html_fragment_to_text, html_to_article, parse_date
from app.ingest.types import Failed, PageJob, RawArticle, ReadError, RecordJob

USER_AGENT = "armswatch/0.1 (+https://github.com/armswatch)"
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
_FEED_TYPES = ("rss", "atom", "xml", "rdf")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _client() -> httpx.Client:
    return _client_for(os.getpid())


@lru_cache(maxsize=1)
def _client_for(pid: int) -> httpx.Client:
    # One client per process, keyed by pid so a forked extraction worker never shares the parent's
    # pooled sockets; reuse matters when a feed links many pages on one host.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT})


def fetch(url: str, max_bytes: int) -> tuple[bytes, str]:
    """The body and content type at `url`; ReadError on HTTP errors, timeouts and oversize bodies."""
    try:
        with _client().stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise ReadError(url, f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ReadError(url, f"too large ({int(declared):,} bytes; the limit is {max_bytes:,})")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ReadError(url, f"too large (over {max_bytes:,} bytes)")
                chunks.append(chunk)
            return b"".join(chunks), resp.headers.get("content-type", "")
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
        body, content_type = fetch(url, max_bytes)
    except ReadError as exc:
        yield Failed(exc.source, exc.reason)
        return
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
