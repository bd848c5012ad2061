"""`armswatch watch`: poll each watched source when it is due, through ingest's own pipeline.

A poll is a conditional GET of the source (`feeds.fetch_response`, with ingest's deadline, size
limit, User-Agent and address rules); a 200's feed entries or page go through the same worker
pool, extraction and writer as `armswatch ingest`, so each article is stored once (its sha256,
and a feed's page links by URL). The source's validators (ETag, Last-Modified) are saved only
when every item was stored or skipped: a poll stopped or failing half-way is fetched whole next
time, and the items already stored are skipped then. A failed poll waits twice as long as the
last (`backoff`); one source's failure is recorded on it and the others go on.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import Engine

from app.config import get_settings
from app.ingest.feeds import body_jobs, fetch_response
from app.ingest.runner import StorageStopped, Totals, WorkerPool, _batches, _err, _store, open_writer
from app.ingest.store import Ledger
from app.ingest.types import Failed, ReadError
from app.ingest.watched import POLL, SOURCE
from app.models import utcnow

MAX_BACKOFF = timedelta(days=1)
IDLE_SECONDS = 30.0  # longest sleep between looks at the table, so a source added meanwhile is seen


def backoff(every_seconds: int, failures: int) -> timedelta:
    """The wait after `failures` consecutive failed polls: 2, 4, 8 ... times the interval, at most a day
    (or the interval itself when that is longer)."""
    every = timedelta(seconds=every_seconds)
    if failures <= 0:
        return every
    return max(every, min(every * 2 ** min(failures, 20), MAX_BACKOFF))


@dataclass(slots=True)
class PollResult:
    url: str
    status: str  # ok | not modified | partial | failed | stopped
    new: int = 0
    errors: list[str] = field(default_factory=list)


class Watcher:
    """Polls due sources one after another; `stop` (set by SIGTERM or Ctrl-C) ends it after the
    batch being stored."""

    def __init__(self, engine: Engine, stop: threading.Event | None = None) -> None:
        self.engine = engine
        self.settings = get_settings()
        self.ledger = Ledger(engine)
        self.stop = stop or threading.Event()
        self._prepared = False

    def prepare(self) -> None:
        """The taxonomy's reference rows, once per process, before the first article is stored."""
        if not self._prepared:
            self.ledger.prepare()
            self._prepared = True

    def due(self, now: datetime) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(SOURCE).where(or_(SOURCE.c.next_poll_at.is_(None), SOURCE.c.next_poll_at <= now))
                .order_by(SOURCE.c.next_poll_at.is_not(None), SOURCE.c.next_poll_at, SOURCE.c.id)
            ).mappings()]

    def next_due(self) -> datetime | None:
        with self.engine.connect() as conn:
            return conn.execute(select(SOURCE.c.next_poll_at).order_by(SOURCE.c.next_poll_at.is_not(None),
                                                                       SOURCE.c.next_poll_at).limit(1)).scalar()

    def run_once(self, now: Callable[[], datetime] = utcnow,
                 report: Callable[[PollResult], None] | None = None) -> list[PollResult]:
        """Poll every source due now, one after another; stops early when `stop` is set."""
        results = []
        for source in self.due(now()):
            if self.stop.is_set():
                break
            result = self.poll(source, now)
            results.append(result)
            if report:
                report(result)
        return results

    def run_forever(self, report: Callable[[PollResult], None] | None = None) -> None:
        while not self.stop.is_set():
            self.run_once(report=report)
            upcoming = self.next_due()
            wait = IDLE_SECONDS if upcoming is None else (upcoming - utcnow()).total_seconds()
            self.stop.wait(min(max(wait, 0.5), IDLE_SECONDS))

    def poll(self, source: dict, now: Callable[[], datetime] = utcnow) -> PollResult:
        url = source["url"]
        try:
            fetched = fetch_response(url, self.settings.max_file_bytes, trusted=True,
                                     etag=source["etag"], last_modified=source["last_modified"])
        except ReadError as exc:
            return self._record(source, PollResult(url, "failed", errors=[exc.reason]), now())
        if fetched.status == 304:
            return self._record(source, PollResult(url, "not modified"), now(),
                                validators=(source["etag"], source["last_modified"]))
        if self.stop.is_set():  # asked to stop during the fetch: its items wait for the next run
            return self._record(source, PollResult(url, "stopped"), now())
        result = self._ingest(url, body_jobs(url, fetched.body, fetched.content_type))
        return self._record(source, result, now(), validators=(fetched.etag, fetched.last_modified))

    def _ingest(self, url: str, jobs) -> PollResult:
        """The items of one fetched source through the worker pool and the writer."""
        s = self.settings
        result, totals = PollResult(url, "ok"), Totals()
        self.prepare()
        self.engine.dispose()  # no open SQLite connection may cross the fork
        items = WorkerPool(1, s.database_url, s.max_file_bytes, seconds=s.article_seconds,
                           fetch_seconds=s.fetch_seconds, memory_mb=s.worker_memory_mb).run(jobs)
        try:
            for batch in _batches(items):
                result.errors += [f"{r.source}: {r.reason}" for r in batch if isinstance(r, Failed)]
                _store(batch, self.ledger, totals, _Quiet())
                if self.stop.is_set():
                    result.status = "stopped"
                    break
        except StorageStopped as exc:
            result.errors.append(f"cannot write to the database: {exc}")
            totals.failed += 1
        finally:
            items.close()
        result.new = totals.new
        if totals.failed and not result.errors:
            result.errors.append("an article could not be stored")
        if result.status == "ok" and totals.failed:
            result.status = "partial" if totals.new or totals.skipped else "failed"
        return result

    def _record(self, source: dict, result: PollResult, at: datetime,
                validators: tuple[str | None, str | None] | None = None) -> PollResult:
        """The poll's outcome on the source (next due time, status, error, counts) and in its log.

        A stopped poll is not recorded: the source stays due and is polled whole by the next run."""
        if result.status == "stopped":
            if result.new:
                with self.engine.begin() as conn:
                    conn.execute(update(SOURCE).where(SOURCE.c.id == source["id"])
                                 .values(articles_stored=SOURCE.c.articles_stored + result.new))
            return result
        failed = result.status == "failed"
        failures = source["failures"] + 1 if failed else 0
        values = {
            "last_poll_at": at,
            "next_poll_at": at + backoff(source["every_seconds"], failures),
            "status": result.status,
            "failures": failures,
            "last_error": result.errors[0][:2000] if result.errors else None,
            "articles_stored": SOURCE.c.articles_stored + result.new,
        }
        if result.status in ("ok", "not modified") and validators is not None:
            values["etag"], values["last_modified"] = validators
        with self.engine.begin() as conn:
            changed = conn.execute(update(SOURCE).where(SOURCE.c.id == source["id"]).values(**values)).rowcount
            if changed:  # removed while it was being polled: nothing to record it on
                conn.execute(insert(POLL).values(source_id=source["id"], polled_at=at, status=result.status,
                                                 new_articles=result.new, error=values["last_error"]))
        return result


class _Quiet:
    """No progress bar: the watcher prints one line per poll instead."""

    def advance(self, outcome: str, source: str, statements: int = 0) -> None:
        pass


def describe(result: PollResult) -> str:
    line = f"{result.url}: {result.status}, {result.new} new article(s)"
    if result.errors:
        line += f"; {len(result.errors)} error(s), first: {result.errors[0]}"
    return line


def run_watch(once: bool = False) -> int:
    """`armswatch watch [--once]`: 0 when every poll went well, 1 when any failed, 130 when stopped."""
    watcher = open_writer(Watcher, Watcher.prepare)
    if watcher is None:
        return 2

    def ask_to_stop(signum, frame) -> None:
        if not watcher.stop.is_set():
            _err(f"armswatch: {signal.Signals(signum).name}: finishing the article being stored, then stopping")
        watcher.stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, ask_to_stop)
    failed = False

    def report(result: PollResult) -> None:
        nonlocal failed
        failed |= result.status in ("failed", "partial")
        print(describe(result), flush=True)

    if once:
        watcher.run_once(report=report)
    else:
        n = len(watcher.due(utcnow()))
        print(f"watching; {n} source(s) due now (Ctrl-C or SIGTERM stops)", flush=True)
        watcher.run_forever(report=report)
    if watcher.stop.is_set():
        print("stopped; articles stored so far are kept", flush=True)
        return 130
    return 1 if failed else 0

