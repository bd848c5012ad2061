"""Paths and URLs from the command line -> a lazy stream of jobs, and loading one job's article."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.ingest.feeds import is_url, parse_feed, read_page, url_jobs
from app.ingest.readers import iter_json_file, iter_jsonl_file, read_bytes, read_html_file, read_text_file
from app.ingest.types import Failed, FileJob, Job, PageJob, RawArticle, ReadError, RecordJob, Skipped

TEXT_EXTS = {".txt"}
HTML_EXTS = {".html", ".htm"}
JSON_EXTS = {".json"}
JSONL_EXTS = {".jsonl", ".ndjson"}
FEED_EXTS = {".xml", ".rss", ".atom"}
SUPPORTED_EXTS = TEXT_EXTS | HTML_EXTS | JSON_EXTS | JSONL_EXTS | FEED_EXTS

# pathlib collapses "//", so a URL that went through Path arrives as "https:/host/...".
_MANGLED_URL = re.compile(r"\A(https?):/(?!/)")


def as_source(value: Path | str) -> str:
    text = str(value)
    return _MANGLED_URL.sub(r"\1://", text, count=1) if isinstance(value, Path) else text


def _guarded(source: str, jobs: Iterator[Job | Failed]) -> Iterator[Job | Failed]:
    """The jobs of one input; an unexpected error ends that input with a reason, not the run."""
    try:
        yield from jobs
    except Exception as exc:
        yield Failed(source, f"could not be read ({type(exc).__name__}: {exc})")


def iter_jobs(paths: Iterable[Path | str], max_bytes: int) -> Iterator[Job | Failed | Skipped]:
    """Jobs in a stable order: arguments as given, directories walked recursively in sorted order."""
    for value in paths:
        source = as_source(value)
        if is_url(source):
            yield from _guarded(source, url_jobs(source, max_bytes))
            continue
        path = Path(source)
        if path.is_dir():
            yield from _walk(path, max_bytes)
        elif not path.exists() and not path.is_symlink():
            yield Failed(source, "no such file or directory")
        else:
            yield from _guarded(source, file_jobs(path, max_bytes, explicit=True))


def _walk(root: Path, max_bytes: int) -> Iterator[Job | Failed | Skipped]:
    """The folder's files; a symbolic link is followed only when it stays inside the folder.

    `ln -s /etc/passwd folder/notes.txt` would otherwise publish a system file as an article.
    Linked folders are never entered (os.walk's default); one that leads outside is reported."""
    errors: list[OSError] = []
    real_root = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        while errors:
            err = errors.pop()
            yield Failed(str(err.filename or dirpath), "permission denied" if isinstance(err, PermissionError) else f"cannot be listed ({err.strerror})")
        dirnames.sort()
        for name in dirnames:
            path = Path(dirpath, name)
            if path.is_symlink() and (outside := _leaves(path, real_root)):
                yield Skipped(str(path), "", f"skipped: a symbolic link to {outside}, outside {root}")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.suffix.lower() not in SUPPORTED_EXTS:
                continue
            if path.is_symlink() and (outside := _leaves(path, real_root)):
                yield Skipped(str(path), "", f"skipped: a symbolic link to {outside}, outside {root}")
                continue
            yield from _guarded(str(path), file_jobs(path, max_bytes, explicit=False))
    for err in errors:
        yield Failed(str(err.filename or root), "permission denied" if isinstance(err, PermissionError) else f"cannot be listed ({err.strerror})")


def _leaves(link: Path, real_root: str) -> str | None:
    """Where `link` leads when that is outside `real_root` (None when it stays inside).

    A dangling or looping link resolves inside or nowhere; reading it reports the error."""
    target = os.path.realpath(link)
    if os.path.commonpath([target, real_root]) == real_root:
        return None
    return target


def file_jobs(path: Path, max_bytes: int, explicit: bool) -> Iterator[Job | Failed]:
    """The jobs of one file, by extension; a file named on the command line with another extension is text."""
    ext = path.suffix.lower()
    if ext in HTML_EXTS:
        yield FileJob(path, "html")
    elif ext in JSON_EXTS:
        yield from iter_json_file(path, max_bytes, explicit)
    elif ext in JSONL_EXTS:
        yield from iter_jsonl_file(path, max_bytes)
    elif ext in FEED_EXTS:
        try:
            raw = read_bytes(path, max_bytes)
        except ReadError as exc:
            yield Failed(exc.source, exc.reason)
            return
        yield from parse_feed(raw, str(path))
    elif ext in TEXT_EXTS or explicit:
        yield FileJob(path, "text")


def load(job: Job, max_bytes: int) -> RawArticle:
    """The article of a job (reading or fetching it); ReadError says why it cannot be had."""
    if isinstance(job, RecordJob):
        return job.article
    if isinstance(job, FileJob):
        return read_html_file(job.path, max_bytes) if job.kind == "html" else read_text_file(job.path, max_bytes)
    if isinstance(job, PageJob):
        return read_page(job, max_bytes)
    raise TypeError(f"not a job: {job!r}")
