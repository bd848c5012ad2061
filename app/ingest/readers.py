"""Readers: text files, HTML pages and JSON records -> RawArticle (or ReadError with the reason)."""
from __future__ import annotations

import json
import logging
import re
import stat
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import trafilatura

from app.extract import parse_date_header
from app.ingest.textfile import NOT_REGULAR, TextFileError, read_article_text, read_file_bytes
from app.ingest.types import Failed, RawArticle, ReadError, RecordJob

# trafilatura and its helpers log parse trouble as warnings; without a handler Python would print
# them on stderr, and a hostile page would then show noise instead of one `path: reason` line.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

RECORD_FIELDS = ("text", "title", "url", "published", "outlet")
_ISO_DATE = re.compile(r"\A(\d{4}-\d{2}-\d{2})")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing directories, oversize files and unreadable paths with a reason."""
    try:
        return read_file_bytes(path, max_bytes)
    except TextFileError as exc:
        raise ReadError(path, exc.reason) from None


_HEADER_ONLY = re.compile(r"\A ?date \d{4}-\d{2}-\d{2}\s*\Z")


def read_text_file(path: Path, max_bytes: int) -> RawArticle:
    """A plain-text article; its date comes from the optional ` date YYYY-MM-DD` header.

    UTF-8 as SCHEMA.md counts offsets; a file that starts with a UTF-16 or UTF-32 byte order
    mark is decoded as the mark says (the stored text, and so every offset, is the decoded one)."""
    try:
        text = read_article_text(path, max_bytes=max_bytes)
    except TextFileError as exc:
        raise ReadError(path, exc.reason) from None
    text = text.lstrip("\ufeff")  # a BOM (or a doubled one) marks the encoding; it is not part of the article
    if not text.strip():
        raise ReadError(path, "empty (no text)")
    if _HEADER_ONLY.match(text):
        raise ReadError(path, "empty (only a date header, no text)")
    return RawArticle(source=str(path), text=text, published=parse_date_header(text))


def html_to_article(raw: bytes | str, source: str, url: str | None = None) -> RawArticle:
    """The main text, title, date and site name of an HTML page, as trafilatura finds them."""
    head = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    if not head.strip():
        raise ReadError(source, "empty (no text)")
    if b"\x00" in head:
        raise ReadError(source, "binary file (contains NUL bytes)")
    try:
        doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # lxml and trafilatura raise many types on hostile markup
        raise ReadError(source, f"HTML could not be parsed ({type(exc).__name__})") from None
    fields: dict[str, Any] = {}
    if doc is not None:
        fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = fields.get("text") or ""
    if not text.strip():
        raise ReadError(source, "no article text found in the HTML")
    return RawArticle(
        source=source,
        text=text,
        title=fields.get("title") or None,
        outlet=fields.get("sitename") or fields.get("hostname") or None,
        published=parse_date(fields.get("date")),
    )


def read_html_file(path: Path, max_bytes: int) -> RawArticle:
    return html_to_article(read_bytes(path, max_bytes), source=str(path))


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content)."""
    import lxml.html

    if not fragment.strip():
        return ""
    try:
        text = trafilatura.extract(fragment, include_comments=False) or ""
    except Exception:
        text = ""
    if not text.strip():
        try:
            text = lxml.html.fromstring(fragment).text_content()
        except Exception:
            text = ""
    return text.strip()


def parse_date(value: Any) -> date | None:
    """A date from an ISO string (date or datetime) or an RFC 2822 string; None when there is none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    m = _ISO_DATE.match(value.strip())
    try:
        if m:
            return date.fromisoformat(m.group(1))
        return parsedate_to_datetime(value).date()
    except (ValueError, TypeError, IndexError):
        raise ValueError(f"not a date: {value[:40]!r}") from None


def _check_str(value: str, name: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"field {name!r} is not valid Unicode (lone surrogate)") from None
    if "\x00" in value:
        raise ValueError(f"field {name!r} contains NUL characters")


def record_to_article(record: Any, default_source: str, max_bytes: int) -> RawArticle:
    """A JSON record {text, title?, url?, published?, outlet?} as an article; ValueError names the field."""
    if not isinstance(record, dict):
        raise ValueError(f"expected an object, got {type(record).__name__}")
    if "text" not in record or record["text"] is None:
        raise ValueError("missing field 'text'")
    for name in RECORD_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"field {name!r} must be a string, got {type(value).__name__}")
        if value is not None:
            _check_str(value, name)
    text: str = record["text"]
    if not text.strip():
        raise ValueError("field 'text' is empty")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ValueError(f"field 'text' too large ({size:,} bytes; the limit is {max_bytes:,})")
    try:
        published = parse_date(record.get("published"))
    except ValueError as exc:
        raise ValueError(f"field 'published' {exc}") from None
    return RawArticle(
        source=record.get("url") or default_source,
        text=text,
        title=record.get("title") or None,
        outlet=record.get("outlet") or None,
        published=published,
    )


def _has_records(data: Any) -> bool:
    items = data if isinstance(data, list) else [data]
    return any(isinstance(item, dict) and "text" in item for item in items)


def iter_json_file(path: Path, max_bytes: int, explicit: bool = True) -> Iterator[RecordJob | Failed]:
    """A .json file holding one record or a list of records.

    Met while walking a folder (not `explicit`), a JSON document with no record that has a
    `text` field is some other data (an annotation, a config) and is passed over, as a file
    of an unsupported type would be; named on the command line it is an error.
    """
    try:
        raw = read_bytes(path, max_bytes)
    except ReadError as exc:
        yield Failed(exc.source, exc.reason)
        return
    if b"\x00" in raw:
        yield Failed(str(path), "binary file (contains NUL bytes)")
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield Failed(str(path), f"not valid UTF-8 (byte {exc.start})")
        return
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            reason = f"invalid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        elif isinstance(exc, RecursionError):
            reason = "invalid JSON (nested too deeply)"
        else:  # an integer of more digits than Python converts
            reason = f"invalid JSON ({exc})"
        yield Failed(str(path), reason)
        return
    if not explicit and not _has_records(data):
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        yield Failed(str(path), "empty (no records)")
        return
    for n, record in enumerate(records, 1):
        try:
            yield RecordJob(record_to_article(record, str(path), max_bytes))
        except ValueError as exc:
            where = f"record {n}: " if isinstance(data, list) else ""
            yield Failed(str(path), f"{where}{exc}")


def iter_jsonl_file(path: Path, max_bytes: int) -> Iterator[RecordJob | Failed]:
    """A .jsonl file, one record per line, streamed; the size limit applies to each line."""
    if path.is_dir():
        yield Failed(str(path), "is a directory, not a file")
        return
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            yield Failed(str(path), NOT_REGULAR)
            return
        fh = path.open("rb")
    except FileNotFoundError:
        yield Failed(str(path), "no such file")
        return
    except PermissionError:
        yield Failed(str(path), "permission denied")
        return
    except OSError as exc:
        yield Failed(str(path), f"cannot be read ({exc.strerror or exc})")
        return
    seen = 0
    with fh:
        n = 0
        while True:
            try:
                line = fh.readline(max_bytes + 1)
            except OSError as exc:
                yield Failed(str(path), f"cannot be read ({exc.strerror or exc})")
                return
            if not line:
                break
            n += 1
            if len(line) > max_bytes:
                while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                    line = fh.readline(1 << 20)
                yield Failed(str(path), f"line {n}: too large (over {max_bytes:,} bytes)")
                continue
            if b"\x00" in line:
                yield Failed(str(path), f"line {n}: binary data (contains NUL bytes)")
                continue
            try:
                decoded = line.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Failed(str(path), f"line {n}: not valid UTF-8 (byte {exc.start})")
                continue
            if not decoded.strip():
                continue
            seen += 1
            try:
                record = json.loads(decoded)
            except json.JSONDecodeError as exc:
                yield Failed(str(path), f"line {n}: invalid JSON ({exc.msg})")
                continue
            except ValueError as exc:  # e.g. an integer of more digits than Python converts
                yield Failed(str(path), f"line {n}: invalid JSON ({exc})")
                continue
            except RecursionError:
                yield Failed(str(path), f"line {n}: invalid JSON (nested too deeply)")
                continue
            try:
                yield RecordJob(record_to_article(record, str(path), max_bytes))
            except ValueError as exc:
                yield Failed(str(path), f"line {n}: {exc}")
    if not seen:
        yield Failed(str(path), "empty (no records)")
