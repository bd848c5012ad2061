"""Plain data passed between the readers, the extraction workers and the writer (all picklable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from app.extract.types import ExtractionResult

if TYPE_CHECKING:  # datasketch (numpy, scipy) stays out of the extraction workers
    from app.ingest.origins import Sketch
from app.terminal import valid_utf8


def printable(value: str) -> str:
    """`value` as valid UTF-8 (for storing); see `app.terminal.shown` for printing."""
    return valid_utf8(value)


class ReadError(Exception):
    """An input that cannot become an article; printed as `source: reason`, never as a traceback."""

    def __init__(self, source: str | Path, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = str(source)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RawArticle:
    source: str  # path or URL it was read from
    text: str  # exactly as read; statement offsets index into it
    title: str | None = None
    outlet: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class FileJob:
    """A .txt or .html file, read in the worker so parsing runs in parallel."""

    path: Path
    kind: str  # "text" | "html"

    @property
    def source(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class RecordJob:
    """A JSON record or a feed entry whose text is already at hand."""

    article: RawArticle

    @property
    def source(self) -> str:
        return self.article.source


@dataclass(frozen=True, slots=True)
class PageJob:
    """A web page (a feed entry's link or a URL given on the command line), fetched in the worker."""

    url: str
    title: str | None = None
    outlet: str | None = None
    published: date | None = None

    @property
    def source(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class Failed:
    """An input that failed before it became a job (missing path, malformed JSON or feed)."""

    source: str
    reason: str


Job = FileJob | RecordJob | PageJob


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article read and extracted, ready for the writer."""

    article: RawArticle
    sha256: str
    result: ExtractionResult
    sketch: Sketch | None = None  # computed by the worker; by the writer when not given


@dataclass(frozen=True, slots=True)
class Skipped:
    source: str
    sha256: str
    reason: str = ""  # said on stderr when set (a link leaving the folder); a known text needs none
