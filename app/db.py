"""Engine, session dependency and the SQLite pragmas every connection needs."""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, create_engine

from app.config import get_settings

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory SQLite."""
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or u.database in (None, "", ":memory:") or u.database.startswith("file:"):
        return None
    return Path(u.database)


def read_only_reason(url: str) -> str | None:
    """Why this process cannot write the SQLite database at `url` (None when it can, or it is not
    a SQLite file that exists). SQLite also writes beside the file (-wal, -shm, journal)."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return f"{path} is read-only"
    if not os.access(path.parent or Path("."), os.W_OK | os.X_OK):
        return f"its folder {path.parent} is read-only"
    return None


def _read_only_connect(path: Path):
    # immutable: in a folder we cannot write, SQLite could not create the -shm a WAL reader needs;
    # nobody can change the file through this folder's rights while we serve it either.
    shm = path.with_name(path.name + "-shm")
    immutable = not os.access(path.parent or Path("."), os.W_OK) and not shm.exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=10)

    return connect


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout.

    A SQLite file this process cannot write (or whose folder it cannot write) is opened
    read-only, so the dashboard can serve a ledger on read-only storage. Statements'
    parameters are never put into error messages (`hide_parameters`): they are article texts."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        read_only = read_only_reason(url) is not None
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if read_only and path is not None:
            kwargs = {"creator": _read_only_connect(path)}
        engine = create_engine(url, hide_parameters=True, **kwargs)
        pragmas = [p for p in SQLITE_PRAGMAS if not (read_only and "journal_mode" in p)]

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            for pragma in pragmas:
                cur.execute(pragma)
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def describe_error(exc: BaseException) -> str:
    """A database error in one line, without the SQL statement or its parameters."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        message = str(exc.orig).strip() or type(exc.orig).__name__
    elif isinstance(exc, SQLAlchemyError):
        message = str(exc).split("\n", 1)[0].split(" [SQL:", 1)[0]
    else:
        first = str(exc).split("\n", 1)[0]
        message = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    hint = ""
    if "disk is full" in message or "disk I/O error" in message:
        hint = " (free some space and run again)"
    elif "readonly database" in message or "read-only" in message:
        hint = " (the database or its folder is read-only)"
    return message + hint


def is_fatal(exc: BaseException) -> bool:
    """A storage error no later article can avoid: the disk is full or the database read-only."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY) or (code & 0xFF) in (
            sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)
    return isinstance(orig, OSError) and orig.errno in (28, 30)  # ENOSPC, EROFS


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


PROGRESS_STEPS = 20_000  # SQLite VM steps between two looks at the clock (~1 ms of work)


def begin_request(session: Session) -> None:
    """Start a web request's read: one snapshot, within the request's time budget."""
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite runs each SELECT in its own implicit snapshot; an explicit BEGIN makes the
        # request's queries read one committed state even while ingest commits in between.
        session.connection().exec_driver_sql("BEGIN")
    arm_budget(session)


def arm_budget(session: Session) -> None:
    """From now, the session's queries may run ARMSWATCH_REQUEST_SECONDS; past it the query
    stops with an error (`is_interrupted`) that the web answers with a 503.

    SQLite calls a progress handler every few thousand virtual-machine steps, and a true
    return interrupts the statement; PostgreSQL has statement_timeout for the transaction."""
    seconds = get_settings().request_seconds
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        deadline = time.monotonic() + seconds
        conn.connection.dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
        session.info["budget_armed"] = True
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(max(1, int(seconds * 1000)))})


def disarm_budget(session: Session) -> None:
    # The connection goes back to the pool: a later user must not inherit this request's deadline.
    if session.info.pop("budget_armed", False):
        try:
            session.connection().connection.dbapi_connection.set_progress_handler(None, 0)
        except Exception:  # the connection is being discarded anyway
            pass


def is_interrupted(exc: BaseException) -> bool:
    """Whether a query was stopped by its time budget (see `arm_budget`)."""
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    return "interrupted" in text or "statement timeout" in text or "canceling statement" in text


def get_session() -> Iterator[Session]:
    with Session(get_engine()) as session:
        begin_request(session)
        try:
            yield session
        finally:
            disarm_budget(session)


SessionDep = Annotated[Session, Depends(get_session)]


WRITE_LOCK = 0x61726D02  # the advisory lock of every write transaction on PostgreSQL (any constant unused there)


def one_writer(conn: Connection) -> None:
    """Wait until no other writer (ingest, a review) is inside a write transaction.

    SQLite has one writer per file anyway (`BEGIN IMMEDIATE` takes its lock at once). On
    PostgreSQL the lock makes counter updates and the data version follow commit order."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Connection]:
    """A connection in a write transaction (committed on leaving, rolled back on an error)."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.begin()
        one_writer(conn)
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
