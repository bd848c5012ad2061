"""`armswatch ingest`: load -> extract (in worker processes with --workers) -> store (one writer)."""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, TimeoutError
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pebble import ProcessExpired, ProcessPool

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from app import migrate
from app.config import get_settings
from app.db import describe_error, get_engine, is_fatal, make_engine
from app.extract import extract
from app.ingest import origins, sources
from app.ingest.progress import Progress, make_progress
from app.ingest.store import ARTICLE, Ledger
from app.ingest.types import Failed, Job, PageJob, Prepared, ReadError, Skipped
from app.terminal import shown

IN_FLIGHT_PER_WORKER = 16  # jobs queued per worker; bounds memory however many files there are
BATCH = 64  # articles per write transaction (each article still atomic, see store.py)
BATCH_SECONDS = 0.5  # ...or fewer, so a slow source never keeps results unwritten for long

Result = Prepared | Skipped | Failed


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Preparer:
    """Load and extract one job; runs in the main process or in a worker with its own engine."""

    def __init__(self, engine: Engine, max_bytes: int, memory_mb: int | None = None) -> None:
        self.engine = engine
        self.max_bytes = max_bytes
        self.memory_mb = memory_mb

    def known(self, digest: str) -> bool:
        # Skipping here, before extraction, makes a re-run of a big corpus cheap.
        with self.engine.connect() as conn:
            return conn.execute(_KNOWN, {"digest": digest}).first() is not None

    def page_known(self, url: str) -> bool:
        # A feed lists the same stories on every poll; fetching them again would cost a request
        # each, and a page whose clutter changed (a "3 minutes ago") would be stored twice.
        with self.engine.connect() as conn:
            return conn.execute(_PAGE_KNOWN, {"url": url}).first() is not None

    def __call__(self, item: Job | Failed | Skipped) -> Result:
        try:
            return self._prepare(item)
        except MemoryError:
            return Failed(item.source, f"needs more than the {self.memory_mb} MB a worker may use; skipped "
                                       "(ARMSWATCH_WORKER_MEMORY_MB sets the limit)")
        except Exception as exc:  # whatever goes wrong costs this input only, never the run
            return Failed(item.source, f"could not be processed ({type(exc).__name__}: {exc})")

    def _prepare(self, item: Job | Failed | Skipped) -> Result:
        if isinstance(item, (Failed, Skipped)):
            return item
        if isinstance(item, PageJob) and self.page_known(item.url):
            return Skipped(item.url, "")
        try:
            article = sources.load(item, self.max_bytes)
        except ReadError as exc:
            return Failed(exc.source, exc.reason)
        except MemoryError:
            raise
        except Exception as exc:  # a reader bug must cost one file, not the run
            return Failed(item.source, f"could not be read ({type(exc).__name__}: {exc})")
        digest = sha256(article.text)
        if self.known(digest):
            return Skipped(article.source, digest)
        try:
            result = extract(article.text)
        except MemoryError:
            raise
        except Exception as exc:
            return Failed(article.source, f"extraction failed ({type(exc).__name__}: {exc})")
        # Sketched here, in parallel, rather than by the single writer (about as costly as storing).
        return Prepared(article, digest, result, origins.sketch(article.text))


_KNOWN = select(ARTICLE.c.id).where(ARTICLE.c.sha256 == bindparam("digest"))
_PAGE_KNOWN = select(ARTICLE.c.id).where(ARTICLE.c.source == bindparam("url")).limit(1)
_worker: Preparer | None = None


def _init_worker(database_url: str, max_bytes: int, memory_mb: int) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle, once
    # pebble installs a Python handler for SIGTERM, which cannot run while the worker is stuck in
    # C (a regex): the pool then waited 3 s before SIGKILL, holding the channel lock the other
    # workers need to hand in results, so their articles overran the budget too. The default
    # action ends the process at once; pebble only stops a worker while it holds that lock.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _limit_memory(memory_mb)
    _return_large_blocks()
    _worker = Preparer(make_engine(database_url), max_bytes, memory_mb)


def _limit_memory(memory_mb: int) -> None:
    """Let this worker's address space grow by at most `memory_mb` beyond what it holds now.

    The kernel enforces it, C code included: past it an allocation fails and the article at
    hand gets a MemoryError (reported as `path: reason`) instead of the machine swapping."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (now + memory_mb * 2**20, resource.RLIM_INFINITY))
    except (OSError, ValueError, ImportError):  # not Linux: no bound, as before
        return


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 128 * 1024


def _return_large_blocks() -> None:
    """Have glibc serve blocks of 128 KB and more with mmap, given back to the system when freed.

    glibc starts there but raises the threshold (up to 32 MB) each time such a block is freed, so
    the big buffers of spaCy's windows came from the heap and, freed among the statements kept,
    stayed resident: after extracting the 9.5 MB dense article, 36 MB of the heap was free but
    resident (`mallinfo2`; `malloc_trim` gave it back), and the worker's peak was 289 MB against
    262 MB with the threshold fixed, as it is from here on. Normal ingest is as fast (CPU time of
    2,000 generated articles, interleaved runs). A fixed threshold also stops the dynamic one."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc: its allocator's own policy
        return


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


def _run_job(item: Job) -> Result:
    assert _worker is not None
    return _worker(item)


def _warm_up() -> int:
    return os.getpid()


class _ForkGate:
    """Workers are forked only while the thread that consumes the pool's results waits for one.

    A fork copies every lock as it is at that instant, and only the forking thread lives on in the
    child: a lock another thread held then stays held in the worker for ever. pebble forks
    replacement workers from its manager thread while the writer goes on storing; when the writer
    was inside SQLite at that instant, the new worker inherited SQLite's allocator mutex held and hung
    in its first connect until its article's budget ran out, so an innocent article was reported as
    over budget. The consumer holds the gate while it works (storing, printing, reading inputs) and
    opens it only while it waits on the pool, when it is in none of that. A replacement may thus
    wait for a batch to be stored; its article's clock starts only when it takes the article."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    @contextmanager
    def open(self) -> Iterator[None]:
        """For the consumer: forks may happen meanwhile."""
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()

    def __enter__(self) -> None:  # for the forking thread
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()


class _GatedContext:
    """A multiprocessing context whose processes start (fork) only when `gate` lets them."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, gate: _ForkGate) -> None:
        self._ctx = ctx
        self._gate = gate

    def __getattr__(self, name: str):  # Pipe, RLock...: the context's own
        return getattr(self._ctx, name)

    def Process(self, *args, **kwargs):  # noqa: N802 - multiprocessing's name
        process = self._ctx.Process(*args, **kwargs)
        start = process.start

        def gated_start() -> None:
            with self._gate:
                start()

        process.start = gated_start
        return process


class WorkerPool:
    """Reading and extraction in worker processes, each job within a time budget; results in input order.

    pebble's pool starts each job's clock when a worker takes it; a job past its budget has its
    worker killed and replaced (a regex or a C loop cannot be interrupted any other way), and is
    reported as `path: reason` while the other workers go on. A worker that dies (out of memory,
    a crash) costs only the job it was running. Memory is bounded by the in-flight window and by
    each worker's address-space limit (`_limit_memory`). Workers are forked only while the thread
    iterating `run` waits for a result (`_ForkGate`).
    """

    def __init__(self, workers: int, database_url: str, max_bytes: int, *, seconds: float, fetch_seconds: float,
                 memory_mb: int) -> None:
        # fork: workers start fast and share the loaded extractor; each opens its own DB engine.
        methods = multiprocessing.get_all_start_methods()
        self.gate = _ForkGate()
        self.ctx = _GatedContext(multiprocessing.get_context("fork" if "fork" in methods else None), self.gate)
        # Workers, replacements included, are forked from this process: what it holds now (the
        # extractor's tables, hundreds of MB) moves out of the collector's reach, or a new worker's
        # first collection walks it all and copies every page it touches (seconds on a busy
        # machine, charged to that worker's first article). datasketch is imported before, so a
        # worker, a replacement too, does not pay its import within an article's budget.
        origins.warm()
        gc.collect()
        gc.freeze()
        self.workers = workers
        self.seconds = seconds
        self.fetch_seconds = fetch_seconds
        self.pool = ProcessPool(workers, initializer=_init_worker, initargs=(database_url, max_bytes, memory_mb),
                                context=self.ctx)
        # fork now, before the writer opens connections or the progress thread starts
        with self.gate.open():
            self.pool.schedule(_warm_up).result()

    def budget(self, item: Job) -> float:
        # A page's budget also covers its download, which has its own deadline.
        return self.seconds + (self.fetch_seconds if isinstance(item, PageJob) else 0)

    def run(self, items: Iterable[Job | Failed | Skipped]) -> Iterator[Result]:
        it = iter(items)
        window: deque[tuple[Job | Failed | Skipped, Future | None]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        try:
            while True:
                while len(window) < limit:
                    item = next(it, None)
                    if item is None:
                        break
                    if isinstance(item, (Failed, Skipped)):
                        window.append((item, None))
                    else:
                        window.append((item, self.pool.schedule(_run_job, args=(item,), timeout=self.budget(item))))
                if not window:
                    return
                item, future = window.popleft()
                yield item if future is None else self._outcome(item, future)
        finally:
            with self.gate.open():  # the manager thread may be waiting to fork a replacement
                self.pool.stop()
                self.pool.join()
            gc.unfreeze()

    def _outcome(self, item: Job, future: Future) -> Result:
        try:
            with self.gate.open():
                return future.result()
        except TimeoutError:
            return Failed(item.source, f"took longer than {self.budget(item):g} s to read and extract; skipped "
                                       "(the worker was stopped; ARMSWATCH_ARTICLE_SECONDS sets the budget)")
        except ProcessExpired as exc:
            return Failed(item.source, f"extraction worker died ({_exit_reason(exc.exitcode)}); skipped")
        except Exception as exc:  # e.g. a result that could not be pickled back
            return Failed(item.source, f"could not be processed ({type(exc).__name__}: {exc})")


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit code {code}"


@dataclass(slots=True)
class Totals:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    statements: int = 0
    new_allegations: int = 0
    dropped: int = 0


def _err(message: str) -> None:
    print(shown(message), file=sys.stderr, flush=True)


W = TypeVar("W")


def open_writer(make: Callable[[Engine], W], prepare: Callable[[W], object]) -> W | None:
    """Bring the schema up to date, make a writer on the database and `prepare` it; None when either
    step fails, with the reason printed (the command then exits 2). Shared by ingest and watch."""
    if problem := migrate.ensure_current():
        _err(f"armswatch: database upgrade failed: {problem}")
        return None
    writer = make(get_engine())
    try:
        prepare(writer)
    except Exception as exc:
        _err(f"armswatch: cannot write to the database: {describe_error(exc)}")
        return None
    return writer


def run_ingest(paths: Sequence[Path | str], workers: int = 1) -> int:
    """Ingest files, directories and URLs; 0 when every input was stored or skipped, 1 when any failed."""
    settings = get_settings()
    before: list[int] = []  # the ledger's allegations before this run, for the summary

    def prepare(lg: Ledger) -> None:
        lg.prepare()
        before.append(lg.count_allegations())

    ledger = open_writer(Ledger, prepare)
    if ledger is None:
        return 2
    engine, allegations_before = ledger.engine, before[0]
    jobs = sources.iter_jobs(paths, settings.max_file_bytes)
    # Even one worker is a process of its own: only a process can be stopped in the middle of a
    # regex or a C loop when an article overruns its time budget, and bounded in memory alone.
    engine.dispose()  # no open SQLite connection may cross the fork
    results = WorkerPool(workers, settings.database_url, settings.max_file_bytes,
                         seconds=settings.article_seconds,
                         fetch_seconds=settings.fetch_seconds, memory_mb=settings.worker_memory_mb).run(jobs)

    totals = Totals()
    interrupted = stopped = False
    try:
        with make_progress(sys.stdout) as progress:
            for batch in _batches(results):
                _store(batch, ledger, totals, progress)
    except KeyboardInterrupt:  # what is committed stays; a re-run skips it and goes on
        interrupted = True
        _err("armswatch: interrupted; articles stored so far are kept (run again to continue)")
    except StorageStopped as exc:  # disk full, read-only: every later article would fail the same way
        stopped = True
        _err(f"armswatch: stopped: cannot write to the database: {exc}; articles stored so far are kept "
             "(run again to continue)")
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
    total = None
    try:
        if not stopped:
            ledger.optimize()
        total = ledger.count_allegations()
        totals.new_allegations = total - allegations_before
    except Exception as exc:  # the summary is still owed
        _err(f"armswatch: cannot read the ledger's totals: {describe_error(exc)}")
    _summary(totals, total)
    return 130 if interrupted else 2 if stopped else 1 if totals.failed else 0


class StorageStopped(Exception):
    """The database can take no more writes; its message says why, without SQL."""


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
            if result.reason:
                _err(f"{result.source}: {result.reason}")
            progress.advance("skipped", result.source)
            continue
        source = result.article.source
        stored = next(outcomes)
        if isinstance(stored, Exception):  # that article's transaction rolled back; nothing else did
            totals.failed += 1
            _err(f"{source}: could not be stored ({describe_error(stored)})")
            progress.advance("failed", source)
            if is_fatal(stored):
                raise StorageStopped(describe_error(stored))
        elif not stored.new:  # the same text came earlier in this run, or another run stored it meanwhile
            totals.skipped += 1
            progress.advance("skipped", source)
        else:
            totals.new += 1
            totals.statements += stored.statements
            totals.dropped += stored.dropped
            if stored.implausible_date:
                _err(f"{source}: publication date {stored.implausible_date} is implausible "
                     "(after tomorrow or before 1900); stored without a date")
            if stored.dropped:
                _err(f"{source}: {stored.dropped} extracted statement(s) refused (offsets or category invalid)")
            progress.advance("new", source, stored.statements)


def _summary(t: Totals, allegations_total: int | None) -> None:
    print(f"articles:    {t.new} new, {t.skipped} skipped, {t.failed} failed")
    print(f"statements:  {t.statements} new")
    if allegations_total is None:
        print("allegations: unknown (the ledger could not be read)")
    else:
        print(f"allegations: {allegations_total} in the ledger, {t.new_allegations} new")
    sys.stdout.flush()
