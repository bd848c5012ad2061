"""`armswatch ingest`: load -> extract (in worker processes with --workers) -> store (one writer)."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from app import migrate
from app.config import get_settings
from app.db import get_engine, make_engine
from app.extract import extract
from app.ingest import sources
from app.ingest.progress import Progress, make_progress
from app.ingest.store import ARTICLE, Ledger
from app.ingest.types import Failed, Job, Prepared, ReadError, Skipped

CHUNK = 8  # jobs per task sent to a worker: amortises pickling without holding much in memory
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker; bounds memory however many files there are
BATCH = 64  # articles per write transaction (each article still atomic, see store.py)
BATCH_SECONDS = 0.5  # ...or fewer, so a slow source never keeps results unwritten for long

Result = Prepared | Skipped | Failed


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Preparer:
    """Load and extract one job; runs in the main process or in a worker with its own engine."""

    def __init__(self, engine: Engine, max_bytes: int) -> None:
        self.engine = engine
        self.max_bytes = max_bytes

    def known(self, digest: str) -> bool:
        # Skipping here, before extraction, makes a re-run of a big corpus cheap.
        with self.engine.connect() as conn:
            return conn.execute(_KNOWN, {"digest": digest}).first() is not None

    def __call__(self, item: Job | Failed) -> Result:
        if isinstance(item, Failed):
            return item
        try:
            article = sources.load(item, self.max_bytes)
        except ReadError as exc:
            return Failed(exc.source, exc.reason)
        except Exception as exc:  # a reader bug must cost one file, not the run
            return Failed(item.source, f"could not be read ({type(exc).__name__}: {exc})")
        digest = sha256(article.text)
        if self.known(digest):
            return Skipped(article.source, digest)
        try:
            result = extract(article.text)
        except Exception as exc:
            return Failed(article.source, f"extraction failed ({type(exc).__name__}: {exc})")
        return Prepared(article, digest, result)


_KNOWN = select(ARTICLE.c.id).where(ARTICLE.c.sha256 == bindparam("digest"))
_worker: Preparer | None = None


def _init_worker(database_url: str, max_bytes: int) -> None:
    global _worker
    _worker = Preparer(make_engine(database_url), max_bytes)


def _run_chunk(items: list[Job | Failed]) -> list[Result]:
    assert _worker is not None
    return [_worker(item) for item in items]


def _warm_up() -> int:
    return os.getpid()


def _serial(items: Iterable[Job | Failed], preparer: Preparer) -> Iterator[Result]:
    for item in items:
        yield preparer(item)


def _parallel(items: Iterable[Job | Failed], workers: int, database_url: str, max_bytes: int) -> Iterator[Result]:
    """Results in input order, with at most workers * IN_FLIGHT_PER_WORKER chunks outstanding."""
    # fork: workers start fast and share the loaded extractor; they open their own DB engine.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    it = iter(items)
    window: deque[tuple[list, Future]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER

    def start() -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(database_url, max_bytes))
        pool.submit(_warm_up).result()  # fork now, before the writer opens connections or threads
        return pool

    pool = start()
    try:
        while True:
            while len(window) < limit:
                chunk = list(islice(it, CHUNK))
                if not chunk:
                    break
                window.append((chunk, pool.submit(_run_chunk, chunk)))
            if not window:
                return
            chunk, future = window.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): report its in-flight jobs, carry on with a new pool.
                lost = [chunk] + [c for c, _ in window]
                window.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = start()
                for c in lost:
                    for item in c:
                        yield item if isinstance(item, Failed) else Failed(item.source, "extraction worker died")
                continue
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(slots=True)
class Totals:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    statements: int = 0
    new_allegations: int = 0
    dropped: int = 0


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_ingest(paths: Sequence[Path | str], workers: int = 1) -> int:
    """Ingest files, directories and URLs; 0 when every input was stored or skipped, 1 when any failed."""
    settings = get_settings()
    try:
        migrate.upgrade()
    except Exception as exc:
        _err(f"armswatch: database upgrade failed: {exc}")
        return 2
    engine = get_engine()
    ledger = Ledger(engine)
    try:
        ledger.prepare()
    except Exception as exc:
        _err(f"armswatch: cannot load the taxonomy into the database: {exc}")
        return 2
    allegations_before = ledger.count_allegations()
    jobs = sources.iter_jobs(paths, settings.max_file_bytes)
    if workers > 1:
        engine.dispose()  # no open SQLite connection may cross the fork
        results = _parallel(jobs, workers, settings.database_url, settings.max_file_bytes)
    else:
        results = _serial(jobs, Preparer(engine, settings.max_file_bytes))

    totals = Totals()
    with make_progress(sys.stdout) as progress:
        for batch in _batches(results):
            _store(batch, ledger, totals, progress)
    totals.new_allegations = ledger.count_allegations() - allegations_before
    _summary(totals, ledger.count_allegations())
    return 1 if totals.failed else 0


def _batches(results: Iterable[Result]) -> Iterator[list[Result]]:
    """Results grouped for one write transaction: BATCH articles, or what came in BATCH_SECONDS."""
    batch: list[Result] = []
    articles = 0
    started = time.monotonic()
    for result in results:
        if not batch:
            started = time.monotonic()
        batch.append(result)
        articles += isinstance(result, Prepared)
        if articles >= BATCH or time.monotonic() - started >= BATCH_SECONDS:
            yield batch
            batch, articles = [], 0
    if batch:
        yield batch


def _store(batch: list[Result], ledger: Ledger, totals: Totals, progress: Progress) -> None:
    prepared = [r for r in batch if isinstance(r, Prepared)]
    outcomes = iter(ledger.store_batch(prepared))
    for result in batch:  # reported in input order, after the batch is committed
        if isinstance(result, Failed):
            totals.failed += 1
            _err(f"{result.source}: {result.reason}")
            progress.advance("failed", result.source)
            continue
        if isinstance(result, Skipped):
            totals.skipped += 1
            progress.advance("skipped", result.source)
            continue
        source = result.article.source
        stored = next(outcomes)
        if isinstance(stored, Exception):  # that article's transaction rolled back; nothing else did
            totals.failed += 1
            _err(f"{source}: could not be stored ({type(stored).__name__}: {stored})")
            progress.advance("failed", source)
        elif not stored.new:  # the same text came earlier in this run, or another run stored it meanwhile
            totals.skipped += 1
            progress.advance("skipped", source)
        else:
            totals.new += 1
            totals.statements += stored.statements
            totals.dropped += stored.dropped
            if stored.dropped:
                _err(f"{source}: {stored.dropped} extracted statement(s) refused (offsets or category invalid)")
            progress.advance("new", source, stored.statements)


def _summary(t: Totals, allegations_total: int) -> None:
    print(f"articles:    {t.new} new, {t.skipped} skipped, {t.failed} failed")
    print(f"statements:  {t.statements} new")
    print(f"allegations: {allegations_total} in the ledger, {t.new_allegations} new")
    sys.stdout.flush()
