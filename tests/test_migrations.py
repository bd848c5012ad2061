"""The schema comes from the Alembic migrations alone: empty -> head -> base -> head."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app import migrate
from app.db import make_engine

LEDGER_TABLES = {"article", "actor", "weapon_category", "weapon_system", "allegation", "statement"}
FTS_TABLES = {"article_fts", "statement_fts"}


def _head() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'empty.db'}"


def test_upgrade_from_empty_creates_every_table_and_fts(empty_url: str) -> None:
    assert migrate.current(empty_url) is None
    migrate.upgrade(empty_url)
    tables = _tables(empty_url)
    assert LEDGER_TABLES <= tables
    assert FTS_TABLES <= tables
    assert migrate.current(empty_url) == _head()
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        unique = {tuple(c["column_names"]) for c in inspect(conn).get_unique_constraints("allegation")}
        assert ("supplier_id", "recipient_id", "category") in unique
    engine.dispose()


def test_downgrade_to_base_and_up_again(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    assert not (LEDGER_TABLES | FTS_TABLES) & _tables(empty_url)
    assert migrate.current(empty_url) is None
    migrate.upgrade(empty_url)
    assert (LEDGER_TABLES | FTS_TABLES) <= _tables(empty_url)
    assert migrate.current(empty_url) == _head()


def test_upgrade_at_head_is_a_no_op(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO weapon_category (slug, label, description) VALUES ('uav', 'Drones', '')"))
    migrate.upgrade(empty_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT label FROM weapon_category WHERE slug = 'uav'")).scalar_one() == "Drones"
    engine.dispose()


def test_fts_triggers_follow_article_rows(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO article (source, text, sha256, ingested_at) "
            "VALUES ('x.txt', 'Lanterns over the harbour', 'abc', '2024-01-01 00:00:00')"
        ))
    with engine.connect() as conn:
        hits = conn.execute(text("SELECT rowid FROM article_fts WHERE article_fts MATCH 'lanterns'")).scalars().all()
    assert len(hits) == 1
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM article"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article_fts WHERE article_fts MATCH 'lanterns'")).scalar_one() == 0
    engine.dispose()


def test_allegation_article_is_filled_from_the_public_statements_of_an_existing_ledger(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0008")
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actor (id, code, kind, name, aliases) VALUES (1, 'IRN', 'state', 'Iran', '[]'), "
                          "(2, 'RUS', 'state', 'Russia', '[]')"))
        conn.execute(text("INSERT INTO weapon_category (slug, label, description) VALUES ('uav', 'Drones', ''), "
                          "('missile', 'Missiles', '')"))
        conn.execute(text("INSERT INTO allegation (id, supplier_id, recipient_id, category, status, n_statements, "
                          "n_sources, n_alleges, n_denies, n_confirms) "
                          "VALUES (1, 1, 2, 'uav', 'unknown', 3, 2, 2, 1, 0), (2, 1, 2, 'missile', 'unknown', 0, 0, 0, 0, 0)"))
        for i in (1, 2):
            conn.execute(text("INSERT INTO article (id, source, text, sha256, ingested_at) "
                              "VALUES (:i, :s, 'Iran sent drones and missiles.', :h, '2024-01-01')"),
                         {"i": i, "s": f"a{i}.txt", "h": str(i)})
        # Article 1 states allegation 1 twice; article 2 states 1 once and 2 only in a rejected statement.
        for sid, article, allegation, stance, review in ((1, 1, 1, "alleges", "unreviewed"), (2, 1, 1, "denies", "verified"),
                                                        (3, 2, 1, "alleges", "unreviewed"), (4, 2, 2, "alleges", "rejected")):
            conn.execute(text("INSERT INTO statement (id, article_id, allegation_id, stance, status, quote, start, "
                              "\"end\", prefix, suffix, review) VALUES (:s, :a, :l, :st, 'unknown', 'Iran', 0, 4, '', "
                              "' sent', :r)"), {"s": sid, "a": article, "l": allegation, "st": stance, "r": review})
    migrate.upgrade(empty_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT article_id, allegation_id FROM allegation_article ORDER BY 1, 2")).all() == [
            (1, 1), (2, 1)]
    migrate.downgrade(empty_url, "0008")
    assert "allegation_article" not in _tables(empty_url)
    engine.dispose()
