"""`armswatch db copy SOURCE_URL TARGET_URL`: move a whole ledger between databases.

The usual move is from the SQLite file of one machine to a PostgreSQL server that several
machines share. The target is brought to the latest schema by the migrations (so PostgreSQL's
text-search columns and SQLite's FTS5 tables are filled as rows arrive) and must hold no
ledger yet.

What is copied is read from the migrated schema itself, not from a list kept here: every table
of the target (reflected after the migrations), in foreign-key order, each with every column
except the generated ones, which the target computes. Only the migrations' own bookkeeping
(`alembic_version`) and SQLite's FTS5 index tables (virtual and shadow tables, filled by
triggers) are left out. The source must have the same tables and columns: a table or column the
target does not have (or lacks) stops the copy before anything is written, naming it, instead of
leaving data behind.

Rows stream in batches in one transaction; a foreign key that refers to its own table (an
actor's affiliation) or closes a cycle is filled in a second streaming pass, since the row it
names may come later. Then PostgreSQL's sequences and identities are moved past the copied ids,
the rows of every table are counted on both sides (the copy fails unless every count matches)
and the planner's statistics are taken (ANALYZE), as ingest does.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table, and_, bindparam, func, inspect, or_, select, text, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SAWarning
from sqlalchemy.schema import sort_tables_and_constraints

from app import migrate
from app.db import make_engine
from app.ingest.store import ANALYZE

BATCH = 1000
BOOKKEEPING = frozenset({"alembic_version"})


class CopyError(Exception):
    """The copy cannot start or did not copy every row; the message says which."""


@dataclass(frozen=True)
class Step:
    """One table to copy: the columns written, and those filled in a second pass (they may
    refer to a row of the same table, or of a table copied later)."""

    table: Table
    columns: tuple[str, ...]
    later: tuple[str, ...]


def ledger_table_names(conn: Connection) -> list[str]:
    """The database's tables that hold ledger data: all but the migrations' bookkeeping and, on
    SQLite, FTS5's virtual and shadow tables (an index the triggers keep)."""
    if conn.dialect.name == "sqlite":
        names = [name for _, name, kind, *_ in conn.exec_driver_sql("PRAGMA main.table_list")
                 if kind == "table" and not name.startswith("sqlite_")]
    else:
        names = inspect(conn).get_table_names()
    return sorted(n for n in names if n not in BOOKKEEPING)


def _reflect(conn: Connection) -> MetaData:
    meta = MetaData()
    with warnings.catch_warnings():  # an index on an expression is not reflected; the copy does not need it
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        meta.reflect(conn, only=ledger_table_names(conn))
    return meta


def _written(table: Table) -> tuple[str, ...]:
    """The columns a copy writes: all but the generated ones."""
    return tuple(c.name for c in table.columns if c.computed is None)


def plan(conn: Connection) -> list[Step]:
    """The tables of the database at `conn` in the order a copy writes them (a row's references first)."""
    meta = _reflect(conn)
    ordered = sort_tables_and_constraints(sorted(meta.tables.values(), key=lambda t: t.name))
    cyclic = {fk for table, fks in ordered if table is None for fkc in fks for fk in fkc.elements}
    steps = []
    for table, _ in ordered:
        if table is None:
            continue
        later = tuple(sorted({fk.parent.name for fk in table.foreign_keys
                              if fk.column.table is table or fk in cyclic}))
        for name in later:
            if not table.c[name].nullable:
                raise CopyError(f"{table.name}.{name} refers to a row copied later but may not be empty")
        steps.append(Step(table, _written(table), later))
    return steps


def _check_same_schema(source: MetaData, target: list[Step]) -> None:
    """Refuse before writing anything when the source holds a table or column the copy would skip."""
    wanted = {s.table.name: set(s.columns) for s in target}
    unknown = sorted(set(source.tables) - set(wanted))
    if unknown:
        raise CopyError("the source has table(s) the target's schema does not: " + ", ".join(unknown)
                        + "; their rows would be lost, so nothing was copied")
    missing = sorted(set(wanted) - set(source.tables))
    if missing:
        raise CopyError("the source lacks table(s) of the target's schema: " + ", ".join(missing))
    for name, columns in sorted(wanted.items()):
        have = set(_written(source.tables[name]))
        if have != columns:
            extra, lacking = sorted(have - columns), sorted(columns - have)
            raise CopyError(f"table {name} differs: " + "; ".join(
                part for part in (f"only the source has {', '.join(extra)}" if extra else "",
                                  f"only the target has {', '.join(lacking)}" if lacking else "") if part))


def counts(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def copy_ledger(source_url: str, target_url: str, *, report: Callable[[str, int], None] = lambda name, n: None,
                batch: int = BATCH) -> dict[str, int]:
    """Copy every row of the ledger at `source_url` into the empty ledger at `target_url`.

    Returns the rows copied per table; raises CopyError when the source is not at the latest
    schema or holds a table or column the target does not, the target already holds a ledger,
    or the counts differ afterwards."""
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
            steps = plan(dst)
            src_meta = _reflect(src)
            _check_same_schema(src_meta, steps)
            existing = {name: n for name, n in counts(dst, [s.table for s in steps]).items() if n}
            if existing:
                raise CopyError("the target already holds a ledger (" + ", ".join(
                    f"{name}: {n} rows" for name, n in existing.items()) + "); copy into an empty database")
            for step in steps:
                report(step.table.name, _copy_table(src, dst, src_meta.tables[step.table.name], step, batch))
            for step in steps:
                _fill_later(src, dst, src_meta.tables[step.table.name], step, batch)
            _advance_sequences(dst, [s.table for s in steps])
            before = counts(src, [src_meta.tables[s.table.name] for s in steps])
            after = counts(dst, [s.table for s in steps])
            if before != after:
                raise CopyError("row counts differ after the copy: " + ", ".join(
                    f"{t}: {before[t]} -> {after[t]}" for t in before if before[t] != after[t]))
        _analyze(target)
        return before
    finally:
        source.dispose()
        target.dispose()


def _analyze(engine: Engine) -> None:
    """Planner statistics before the first page is asked for: on PostgreSQL of the whole database
    (it held nothing before the copy), on SQLite of the tables ingest keeps them for, sampled
    (not of FTS5's shadow tables, see LedgerStore.analyze)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            for statement in ANALYZE:
                conn.exec_driver_sql(statement)
        else:
            conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _one_snapshot(src: Connection) -> None:
    """Read the whole source at one moment, even while an ingest writes to it."""
    if src.dialect.name == "sqlite":
        src.exec_driver_sql("BEGIN")  # pysqlite would otherwise read each statement in its own snapshot
    else:
        src.execution_options(isolation_level="REPEATABLE READ")


def _stream(src: Connection, query, batch: int):
    """The rows of `query` as lists of dicts, `batch` at a time (the source is never read whole)."""
    for part in src.execution_options(yield_per=batch).execute(query).mappings().partitions(batch):
        yield [dict(r) for r in part]


def _copy_table(src: Connection, dst: Connection, read: Table, step: Step, batch: int) -> int:
    n = 0
    query = select(*(read.c[c] for c in step.columns)).order_by(*read.primary_key.columns)
    for values in _stream(src, query, batch):
        for v in values:
            for name in step.later:
                v[name] = None
        dst.execute(step.table.insert(), values)
        n += len(values)
    return n


def _fill_later(src: Connection, dst: Connection, read: Table, step: Step, batch: int) -> None:
    """The second pass: the references to rows that were copied after the row naming them."""
    if not step.later:
        return
    keys = [c.name for c in step.table.primary_key.columns]
    query = (select(*(read.c[c] for c in (*keys, *step.later)))
             .where(or_(*(read.c[c].is_not(None) for c in step.later))).order_by(*read.primary_key.columns))
    statement = (update(step.table).where(and_(*(step.table.c[k] == bindparam(f"k_{k}") for k in keys)))
                 .values({c: bindparam(f"v_{c}") for c in step.later}))
    for values in _stream(src, query, batch):
        dst.execute(statement, [{**{f"k_{k}": v[k] for k in keys}, **{f"v_{c}": v[c] for c in step.later}}
                                for v in values])


def _advance_sequences(dst: Connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from a sequence (serial or identity column), which the copy's explicit
    ids did not move: each is set to its column's largest copied value."""
    if dst.dialect.name != "postgresql":
        return  # SQLite's next rowid is the largest + 1 (and AUTOINCREMENT's counter follows inserted ids)
    quote = dst.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.columns:
            sequence = dst.execute(select(func.pg_get_serial_sequence(quote(table.name), column.name))).scalar()
            if sequence is None:
                continue
            top = dst.execute(select(func.max(column))).scalar()
            if top is not None:
                dst.execute(text("SELECT setval(:sequence, :top)"), {"sequence": sequence, "top": top})
