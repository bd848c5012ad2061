"""Progress of an ingest run: a rich bar on a terminal, one plain line per article otherwise."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from app.terminal import shown


class Progress(Protocol):
    def advance(self, outcome: str, source: str, statements: int = 0) -> None: ...


class PlainProgress:
    """Lines for logs and pipes: `new      path (3 statements)`; failures go to stderr separately."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def advance(self, outcome: str, source: str, statements: int = 0) -> None:
        if outcome == "failed":
            return  # already on stderr as `path: reason`
        detail = f" ({statements} statement{'s' if statements != 1 else ''})" if outcome == "new" else ""
        self.stream.write(f"{outcome:<8} {shown(source)}{detail}\n")


class BarProgress:
    def __init__(self, bar: RichProgress) -> None:
        self.bar = bar
        self.task = bar.add_task("ingesting", total=None)
        self.counts = {"new": 0, "skipped": 0, "failed": 0}
        self.statements = 0

    def advance(self, outcome: str, source: str, statements: int = 0) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.statements += statements
        c = self.counts
        self.bar.update(
            self.task, advance=1,
            description=f"{c['new']} new · {c['skipped']} skipped · {c['failed']} failed · {self.statements} statements",
        )


@contextmanager
def make_progress(stream: TextIO) -> Iterator[Progress]:
    if not stream.isatty():
        yield PlainProgress(stream)
        stream.flush()
        return
    bar = RichProgress(
        SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TextColumn("articles"),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=False,
        redirect_stdout=False,
        # Failures are written to stderr; on a terminal let rich print them above the bar.
        redirect_stderr=sys.stderr.isatty(),
    )
    with bar:
        yield BarProgress(bar)
