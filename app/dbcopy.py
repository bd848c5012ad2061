"""`armswatch db copy SOURCE_URL TARGET_URL`: move a whole ledger between databases.

The usual move is from the SQLite file of one machine to a PostgreSQL server that several
machines share. The target is brought to the latest schema by the migrations (so PostgreSQL's
text-search columns and SQLite's FTS5 tables are filled as rows arrive) and must hold no
ledger yet; every table is copied in foreign-key order with its ids, in one transaction, then
PostgreSQL's id sequences are moved past the copied ids. The rows of every table are counted
on both sides afterwards: the copy fails unless every count matches. Last, the planner's
statistics of the copied tables are taken (ANALYZE), as ingest does after a run.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection, Engine, make_url

from app import migrate
from app.db import make_engine
from app.ingest.store import ANALYZE
from app.models import (
    Actor, Allegation, AllegationArticle, AllegationClaimant, AllegationSystem, Article, Statement, WeaponCategory,
    WeaponSystem,
)

# Foreign-key order: a row's references are copied before it.
TABLES = tuple(m.__table__ for m in (
    WeaponCategory, Actor, WeaponSystem, Article, Allegation, Statement, AllegationSystem, AllegationClaimant,
    AllegationArticle,
))
ACTOR = Actor.__table__
BATCH = 1000


class CopyError(Exception):
    """The copy cannot start or did not copy every row; the message says which."""


def counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


def copy_ledger(source_url: str, target_url: str, *, report: Callable[[str, int], None] = lambda name, n: None,
                batch: int = BATCH) -> dict[str, int]:
    """Copy every row of the ledger at `source_url` into the empty ledger at `target_url`.

    Returns the rows copied per table; raises CopyError when the source is not at the latest
    schema, the target already holds a ledger, or the counts differ afterwards."""
    source_at = make_url(source_url)
    if source_at == make_url(target_url):
        raise CopyError("SOURCE_URL and TARGET_URL are the same database")
    if source_at.drivername.startswith("sqlite") and not Path(source_at.database or "").is_file():
        raise CopyError(f"there is no SQLite file at {source_at.database!r}")
    head = migrate.head()
    if migrate.current(source_url) != head:
        raise CopyError(f"the source is not at the latest schema ({head}): run `armswatch db upgrade` on it first")
    migrate.upgrade(target_url)
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        with source.connect() as src, target.begin() as dst:
            _one_snapshot(src)
            existing = {name: n for name, n in counts(dst).items() if n}
            if existing:
                raise CopyError("the target already holds a ledger (" + ", ".join(
                    f"{name}: {n} rows" for name, n in existing.items()) + "); copy into an empty database")
            for table in TABLES:
                report(table.name, _copy_table(src, dst, table, batch))
            _advance_sequences(dst)
            before, after = counts(src), counts(dst)
            if before != after:
                raise CopyError("row counts differ after the copy: " + ", ".join(
                    f"{t}: {before[t]} -> {after[t]}" for t in before if before[t] != after[t]))
        _analyze(target)
        return before
    finally:
        source.dispose()
        target.dispose()


def _analyze(engine: Engine) -> None:
    """Planner statistics for the copied tables, before the first page is asked for."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled, as ingest takes them
        for statement in ANALYZE:
            conn.exec_driver_sql(statement)
        conn.commit()


def _one_snapshot(src: Connection) -> None:
    """Read the whole source at one moment, even while an ingest writes to it."""
    if src.dialect.name == "sqlite":
        src.exec_driver_sql("BEGIN")  # pysqlite would otherwise read each statement in its own snapshot
    else:
        src.execution_options(isolation_level="REPEATABLE READ")


def _copy_table(src: Connection, dst: Connection, table, batch: int) -> int:
    # An actor may name as affiliation an actor copied after it: affiliations follow in a second pass.
    affiliations: list[dict] = []
    n = 0
    rows = src.execution_options(yield_per=batch).execute(select(table).order_by(*table.primary_key.columns))
    for part in rows.mappings().partitions(batch):
        values = [dict(r) for r in part]
        if table is ACTOR:
            affiliations += [{"b_id": v["id"], "b_aff": v["affiliation_id"]} for v in values if v["affiliation_id"]]
            for v in values:
                v["affiliation_id"] = None
        dst.execute(table.insert(), values)
        n += len(values)
    if affiliations:
        dst.execute(update(ACTOR).where(ACTOR.c.id == bindparam("b_id")).values(affiliation_id=bindparam("b_aff")),
                    affiliations)
    return n


def _advance_sequences(dst: Connection) -> None:
    """PostgreSQL hands out ids from a sequence per table, which the copy's explicit ids did not move."""
    if dst.dialect.name != "postgresql":
        return
    for table in TABLES:
        if "id" in table.c and table.c.id.primary_key:
            top = dst.execute(select(func.max(table.c.id))).scalar()
            if top:
                dst.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), top)))
