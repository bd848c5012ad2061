"""The watched sources' registry (`armswatch sources add/list/remove`) and what it accepts.

A source is an RSS/Atom feed or a page URL, polled every `every_seconds` by `armswatch watch`."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.intervals import interval_seconds
from app.models import SourcePoll, WatchedSource, utcnow

SOURCE = WatchedSource.__table__
POLL = SourcePoll.__table__

MIN_EVERY = 60
MAX_EVERY = 30 * 86400
DEFAULT_EVERY = "30m"


class SourceError(ValueError):
    """Bad input to `sources add/remove`; the message names the parameter and says what is accepted."""


def parse_interval(text: str) -> int:
    """'30m', '2h', '1d', '90s' -> seconds, between 1 minute and 30 days."""
    seconds = interval_seconds(text)
    if seconds is None:
        raise SourceError(f"--every: {text!r} is not an interval; use a number and a unit, e.g. 90s, 30m, 2h, 1d")
    if not MIN_EVERY <= seconds <= MAX_EVERY:
        raise SourceError(f"--every: {text!r} is out of range; poll between every 1m and every 30d")
    return seconds


def check_url(url: str) -> str:
    """The URL as stored, or SourceError saying what is wrong with it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError as exc:
        raise SourceError(f"URL: {url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SourceError(f"URL: {url!r} is not an http(s) URL of a feed or page (e.g. https://example.org/feed.xml)")
    if not parts.hostname or not port_ok or any(c.isspace() for c in url) or len(url) > 2000:
        raise SourceError(f"URL: {url!r} is not a valid URL (it needs a host, no spaces, at most 2000 characters)")
    return url


def add_source(engine: Engine, url: str, every: str = DEFAULT_EVERY, name: str | None = None) -> int:
    """Register a source, due at once; its id. SourceError for bad input or a URL already watched."""
    url, seconds = check_url(url), parse_interval(every)
    if name is not None and (not name.strip() or len(name) > 200):
        raise SourceError("--name: give 1 to 200 characters")
    try:
        with engine.begin() as conn:
            return conn.execute(insert(SOURCE).values(
                url=url, name=name.strip() if name else None, every_seconds=seconds, added_at=utcnow(),
                status="new", failures=0, articles_stored=0,
            )).inserted_primary_key[0]
    except IntegrityError:
        raise SourceError(f"URL: {url} is already watched (see `armswatch sources list`)") from None


def remove_source(engine: Engine, which: str) -> str:
    """Stop watching a source, by id or URL; its URL. The articles it stored stay in the ledger."""
    with engine.begin() as conn:
        cond = SOURCE.c.url == which
        if which.isdigit():
            cond = or_(cond, SOURCE.c.id == int(which))
        row = conn.execute(select(SOURCE.c.id, SOURCE.c.url).where(cond)).first()
        if row is None:
            raise SourceError(f"SOURCE: no watched source has the id or URL {which!r} (see `armswatch sources list`)")
        conn.execute(delete(POLL).where(POLL.c.source_id == row.id))
        conn.execute(delete(SOURCE).where(SOURCE.c.id == row.id))
        return row.url


def import_sources(engine: Engine, path: Path) -> tuple[list[str], list[str]]:
    """Add the sources a file lists, one a line: `URL [EVERY] [NAME...]` (`#` starts a comment).

    (lines added or already watched, problems as `FILE:LINE: reason`); a bad line costs itself only,
    and importing the same file again adds nothing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})"]
    done: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        url, rest = fields[0], fields[1:]
        every = rest.pop(0) if rest and _INTERVAL_LIKE.match(rest[0]) else DEFAULT_EVERY
        try:
            add_source(engine, url, every, " ".join(rest) or None)
            done.append(f"added {url} every {every}")
        except SourceError as exc:
            if "already watched" in str(exc):
                done.append(f"already watched: {url}")
            else:
                problems.append(f"{path}:{number}: {exc}")
    return done, problems


_INTERVAL_LIKE = re.compile(r"\A\d+[a-z]+\Z")
