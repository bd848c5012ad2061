"""`armswatch db copy` copies every table the migrations create, reviews and their audit trail,
accounts, alert history and the copy-grouping index included (tests/test_postgres_deploy.py
copies the same ledger into PostgreSQL).

The copy reads its tables from the migrated schema; the guard here fails if it ever leaves out a
table or a column other than the migrations' bookkeeping and SQLite's FTS5 index.
"""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlmodel import Session, SQLModel

from app import accounts, dbcopy, migrate
from app.db import make_engine, write_session
from app.ingest.watched import add_source
from app.models import SourcePoll
from app.review.changes import change_statement, undo
from tests.reliability.corpus import write_corpus
from tests.reliability.helpers import armswatch, env_for

MODEL_TABLES = {t.name: t for t in SQLModel.metadata.sorted_tables}


def reviewed_ledger(db: Path, corpus: Path) -> str:
    """A SQLite ledger with a row in every table: ingested articles (statements, their
    allegations, tallies, changes for the alert feeds, sketches and bands), an editor's reviews
    (decisions and audit events, one undone), an account with a session and a token, and a watched
    source with a poll. Returns its URL."""
    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    write_corpus(corpus, 40, seed=77)
    done = subprocess.run([*armswatch(), "ingest", str(corpus)], env=env_for(db), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    engine = make_engine(url)
    with write_session(engine) as conn:
        accounts.add_account(conn, "ed", "editor", "a long password")
        ed = accounts.authenticate(conn, "ed", "a long password")
        accounts.start_session(conn, ed)
        accounts.new_token(conn, "ed")
        change_statement(conn, 1, {"review": "rejected"}, user=ed, reason="misattributed")
        change_statement(conn, 2, {"review": "verified"}, user=ed)
        event = change_statement(conn, 3, {"review": "rejected"}, user=ed, reason="unsure")
        undo(conn, event, user=ed, reason="it was right")
    source = add_source(engine, "https://news.example.org/feed.xml", name="Example news")
    with Session(engine) as session:
        session.add(SourcePoll(source_id=source, polled_at=datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc),
                               status="ok", new_articles=3))
        session.commit()
    with engine.connect() as conn:
        empty = [t.name for t in MODEL_TABLES.values()
                 if conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar() == 0]
    engine.dispose()
    assert empty == [], "the test ledger must fill every table"
    return url


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the models, read with the models' own types, in key order."""
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
               for name, t in MODEL_TABLES.items()}
    engine.dispose()
    return out


def _skipped(conn) -> set[str]:
    every = set(inspect(conn).get_table_names()) - {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
    return every - {s.table.name for s in dbcopy.plan(conn)}


def assert_copies_whole_schema(url: str) -> None:
    """What `db copy` leaves out of a migrated database is only bookkeeping and derived indexes."""
    engine = make_engine(url)
    with engine.connect() as conn:
        steps = {s.table.name: s for s in dbcopy.plan(conn)}
        skipped = _skipped(conn)
        if conn.dialect.name == "sqlite":
            kinds = {name: kind for _, name, kind, *_ in conn.exec_driver_sql("PRAGMA table_list")}
            fts = {n for n in skipped if n.startswith(("article_fts", "statement_fts"))}
            assert {kinds[n] for n in fts} == {"virtual", "shadow"}
            skipped -= fts
        assert skipped == {"alembic_version"}
        assert set(MODEL_TABLES) <= set(steps)
        for name, step in steps.items():
            table = step.table
            generated = {c.name for c in table.columns if c.computed is not None}
            assert set(step.columns) | generated == set(table.c.keys()), name
            assert not set(step.columns) & generated, name
            if name in MODEL_TABLES:  # every column the application writes is copied
                assert set(MODEL_TABLES[name].c.keys()) <= set(step.columns), name
    engine.dispose()


def test_db_copy_leaves_out_no_table_or_column_of_the_migrated_schema(db_url: str) -> None:
    assert_copies_whole_schema(db_url)


def test_db_copy_writes_a_table_after_the_tables_it_refers_to(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        steps = dbcopy.plan(conn)
    engine.dispose()
    position = {s.table.name: i for i, s in enumerate(steps)}
    for step in steps:
        for fk in step.table.foreign_keys:
            if fk.parent.name not in step.later:
                assert position[fk.column.table.name] < position[step.table.name], (step.table.name, fk.parent.name)
    assert {s.table.name: s.later for s in steps if s.later} == {"actor": ("affiliation_id",)}


def test_db_copy_copies_every_table_of_a_reviewed_ledger(tmp_path: Path) -> None:
    source = reviewed_ledger(tmp_path / "source.db", tmp_path / "corpus")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    copied = dbcopy.copy_ledger(source, target, batch=7)  # many batches
    before, after = rows(source), rows(target)
    assert copied == {name: len(r) for name, r in before.items()}
    assert after == before
    engine = make_engine(target)
    with engine.connect() as conn:  # the FTS5 index was filled by the target's triggers
        assert conn.exec_driver_sql("SELECT count(*) FROM statement_fts WHERE statement_fts MATCH 'denied'").scalar() > 0
    with write_session(engine) as conn:  # the copied account logs in; a new audit event follows the copied ids
        ed = accounts.authenticate(conn, "ed", "a long password")
        assert ed is not None
        event = change_statement(conn, 4, {"review": "verified"}, user=ed)
    engine.dispose()
    assert event == max(r[0] for r in before["audit_event"]) + 1


def _source_with(tmp_path: Path, *sql: str) -> str:
    """A migrated SQLite source changed by hand with `sql`."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    engine = make_engine(source)
    with engine.begin() as conn:
        for statement in sql:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return source


def test_db_copy_refuses_a_source_table_it_does_not_know(tmp_path: Path) -> None:
    source = _source_with(tmp_path, "CREATE TABLE local_notes (id INTEGER PRIMARY KEY, note TEXT)",
                          "INSERT INTO local_notes (note) VALUES ('kept by hand')")
    with pytest.raises(dbcopy.CopyError, match="source has table.*local_notes.*nothing was copied"):
        dbcopy.copy_ledger(source, f"sqlite:///{tmp_path / 'target.db'}")
    done = subprocess.run([*armswatch(), "db", "copy", source, f"sqlite:///{tmp_path / 'other.db'}"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "local_notes" in done.stderr and "Traceback" not in done.stderr


def test_db_copy_refuses_a_source_column_it_does_not_know(tmp_path: Path) -> None:
    source = _source_with(tmp_path, "ALTER TABLE account ADD COLUMN email TEXT")
    with pytest.raises(dbcopy.CopyError, match="table account differs: only the source has email"):
        dbcopy.copy_ledger(source, f"sqlite:///{tmp_path / 'target.db'}")
