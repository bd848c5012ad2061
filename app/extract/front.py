"""Page furniture at the top of an article: its headline and the date of its dateline or byline.

Real reporting opens with a headline, sometimes a standfirst, a byline ("By Jane Roe 6 March 2015")
or a dateline ("MOSCOW (Agency, 22nd December, 2022) -", "Mar 05,2008"). The headline is the
article's title; the dateline's date is its publication date when no ` date YYYY-MM-DD` header
gives one. A date inside a body sentence ("On 6 March 2015, Russia delivered ...") is an event's
date, not the article's, so only short furniture lines and dateline openings count.
"""
from __future__ import annotations

import re
from datetime import date

from dateutil import parser as _dateparser

from app.extract.sentences import DATE_HEADER, parse_date_header

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
# "6 March 2015", "22nd December, 2022", "March 6, 2015", "Mar 05,2008", "2023-03-06"
DATE_RE = re.compile(
    rf"\b(?:{_DAY}\s+{_MONTH},?\s*{_YEAR}|{_MONTH}\s+{_DAY},?\s*{_YEAR}|{_YEAR}-[01]\d-[0-3]\d)\b")
# "MOSCOW (Agency, 22nd December, 2022)", "KYIV, March 6, 2023 (Agency) -", "BEIRUT —"
_DATELINE_OPEN = re.compile(r"[A-Z][A-Z .'’/-]{2,40}(?:,\s*[A-Z][\w .]{0,30})?\s*[(,—–-]")
_FURNITURE_LINE = 110  # longer lines are body text, not a byline or dateline
_LOOK_LINES = 8  # furniture sits in the first lines
_SENTENCE_END = re.compile(r"[.!?”\"’]\s*$")
_NOT_HEADLINE = re.compile(r"^\s*(?:By\s|Photo|Picture|Follow us|Image|Updated|Published|Advertisement)", re.I)


def read_front(text: str) -> tuple[date | None, str | None]:
    """The article's publication date (the ` date YYYY-MM-DD` header's, else its dateline's) and its
    headline, both looked for after the header."""
    header = DATE_HEADER.match(text)
    body_start = header.end() if header else 0
    return parse_date_header(text) or dateline_date(text, body_start), headline(text, body_start)


def _lines(text: str, start: int) -> list[tuple[int, str]]:
    """The first non-empty lines after `start`, with their offsets."""
    out: list[tuple[int, str]] = []
    pos = start
    for line in text[start:].split("\n"):
        if line.strip():
            out.append((pos, line))
            if len(out) >= _LOOK_LINES:
                break
        pos += len(line) + 1
    return out


def _parse(s: str) -> date | None:
    try:
        return _dateparser.parse(re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", s.replace(",", " ")), dayfirst=True).date()
    except (ValueError, OverflowError):
        return None


def dateline_date(text: str, start: int = 0) -> date | None:
    """The date of the article's byline or dateline, if its first lines carry one."""
    for pos, line in _lines(text, start):
        m = DATE_RE.search(line)
        if m is None:
            continue
        short = len(line.strip()) <= _FURNITURE_LINE and not _SENTENCE_END.search(line)
        opening = m.start() <= 60 and (_DATELINE_OPEN.match(line.lstrip()) is not None or m.start() == len(line) - len(line.lstrip()))
        if short or opening:
            return _parse(m.group(0))
    return None


_CRUMBS = re.compile(r"\s[|›>·/]\s.*\s[|›>·/]\s|^\s*(?:PRESS|NEWS|IMMEDIATE)\s+(?:RELEASE|STATEMENT)\s*$|^[^a-z]*$")


def _crumbs(s: str) -> bool:
    """`_CRUMBS.search(s)`: without a separator only its `^` alternatives can match, at the start (a
    search of a long line, as a dense article's one line, tried every start)."""
    if "|" in s or "›" in s or ">" in s or "·" in s or "/" in s:
        return _CRUMBS.search(s) is not None
    return _CRUMBS.match(s) is not None


def headline(text: str, start: int = 0) -> str | None:
    """The article's headline: its first line that is short and reads as a title, not as a sentence,
    a byline, a breadcrumb trail ("Home | World | Asia") or a label in capitals."""
    for _, line in _lines(text, start)[:3]:
        s = line.strip()
        if _crumbs(s) or _NOT_HEADLINE.match(s):
            continue  # furniture above the headline
        if len(s) <= 200 and 3 <= len(s.split()) <= 30 and not _SENTENCE_END.search(s):
            return s
        return None  # the body starts: no headline
    return None
