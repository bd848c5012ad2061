"""`armswatch ingest`: load -> extract (in worker processes with --workers) -> store (one writer)."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
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
from app.ingest.types import Failed, Job, PageJob, Prepared, ReadError, Skipped, printable

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

    def page_known(self, url: str) -> bool:
        # A feed lists the same stories on every poll; fetching them again would cost a request
        # each, and a page whose clutter changed (a "3 minutes ago") would be stored twice.
        with self.engine.connect() as conn:
            return conn.execute(_PAGE_KNOWN, {"url": url}).first() is not None

    def __call__(self, item: Job | Failed) -> Result:
        try:
            return self._prepare(item)
        except Exception as exc:  # whatever goes wrong costs this input only, never the run
            return Failed(item.source, f"could not be processed ({type(exc).__name__}: {exc})")

    def _prepare(self, item: Job | Failed) -> Result:
        if isinstance(item, Failed):
            return item
        if isinstance(item, PageJob) and self.page_known(item.url):
            return Skipped(item.url, "")
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
_PAGE_KNOWN = select(ARTICLE.c.id).where(ARTICLE.c.source == bindparam("url")).limit(1)
_worker: Preparer | None = None


def _init_worker(database_url: str, max_bytes: int) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle, once
    _die_with_parent()
    _worker = Preparer(make_engine(database_url), max_bytes)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the writer dies (kill -9 included).

    Otherwise workers of a killed ingest sit forever on an empty task queue.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _run_chunk(items: list[Job | Failed]) -> list[Result]:
    assert _worker is not None
    return [_worker(item) for item in items]


def _warm_up() -> int:
    return os.getpid()


def _serial(items: Iterable[Job | Failed], preparer: Preparer) -> Iterator[Result]:
    for item in items:
        yield preparer(item)


class WorkerPool:
    """Extraction in worker processes, results in input order, memory bounded by the in-flight window."""

    def __init__(self, workers: int, database_url: str, max_bytes: int) -> None:
        # fork: workers start fast and share the loaded extractor; each opens its own DB engine.
        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.workers = workers
        self.initargs = (database_url, max_bytes)
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.workers, mp_context=self.ctx, initializer=_init_worker, initargs=self.initargs)
        pool.submit(_warm_up).result()  # fork now, before the writer opens connections or the progress thread
        return pool

    def run(self, items: Iterable[Job | Failed]) -> Iterator[Result]:
        it = iter(items)
        window: deque[tuple[list, Future]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        try:
            while True:
                while len(window) < limit:
                    chunk = list(islice(it, CHUNK))
                    if not chunk:
                        break
                    window.append((chunk, self.pool.submit(_run_chunk, chunk)))
                if not window:
                    return
                chunk, future = window.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): report its in-flight jobs, go on with a new pool.
                    lost = [chunk] + [c for c, _ in window]
                    window.clear()
                    self.pool.shutdown(wait=False, cancel_futures=True)
                    self.pool = self._start()
                    for c in lost:
                        for item in c:
                            yield item if isinstance(item, Failed) else Failed(item.source, "extraction worker died")
                    continue
                except Exception as exc:  # e.g. a result that could not be pickled back
                    for item in chunk:
                        yield item if isinstance(item, Failed) else Failed(item.source, f"could not be processed ({type(exc).__name__}: {exc})")
                    continue
                yield from results
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass(slots=True)
class Totals:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    statements: int = 0
    new_allegations: int = 0
    dropped: int = 0


def _err(message: str) -> None:
    print(printable(message), file=sys.stderr, flush=True)


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
        results = WorkerPool(workers, settings.database_url, settings.max_file_bytes).run(jobs)
    else:
        results = _serial(jobs, Preparer(engine, settings.max_file_bytes))

    totals = Totals()
    interrupted = False
    try:
        with make_progress(sys.stdout) as progress:
            for batch in _batches(results):
                _store(batch, ledger, totals, progress)
    except KeyboardInterrupt:  # what is committed stays; a re-run skips it and goes on
        interrupted = True
        _err("armswatch: interrupted; articles stored so far are kept (run again to continue)")
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
    ledger.optimize()
    total = ledger.count_allegations()
    totals.new_allegations = total - allegations_before
    _summary(totals, total)
    return 130 if interrupted else 1 if totals.failed else 0


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
