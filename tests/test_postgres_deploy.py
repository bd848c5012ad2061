"""PostgreSQL as the deployment for more than one machine (README, Deploying): text search,
the facet engines, several ingests at once, and `armswatch db copy` from SQLite.

Each test gets its own database in the throw-away cluster of tests/test_postgres.py.
"""
from __future__ import annotations

import itertools
import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import accounts, migrate, queries
from app.db import make_engine, write_session
from app.dbcopy import copy_ledger
from app.filters import AllegationFilters as F
from app.ingest.store import recompute_counters
from app.models import Account, Allegation, AllegationClaimant, AllegationSystem, Article, LoginSession, SourcePoll
from app.review.changes import change_statement
from tests.factories import Ledger, random_ledger, standard_ledger
from tests.reliability.corpus import write_corpus
from tests.reliability.helpers import armswatch
from tests.test_dbcopy import assert_copies_whole_schema, reviewed_ledger, rows
from tests.test_postgres import pg_url  # noqa: F401 - the fixture
from tests.test_queries import assert_engines_agree

_names = itertools.count()


def _new_database(pg_url: str) -> str:
    name = f"t{next(_names)}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_db(pg_url: str) -> str:  # noqa: F811
    """A new, empty database of the cluster, migrated to head."""
    url = _new_database(pg_url)
    migrate.upgrade(url)
    return url


def _env(url: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("ARMSWATCH_")}, "ARMSWATCH_DATABASE_URL": url}


def test_machines_starting_at_once_upgrade_the_schema_one_after_the_other(pg_url: str) -> None:  # noqa: F811
    url = _new_database(pg_url)
    procs = [subprocess.Popen([*armswatch(), "db", "upgrade"], env=_env(url), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-1500:] for _, err in outputs]
    assert migrate.current(url) == migrate.head()


def _sqlite(tmp_path: Path, name: str = "ledger.db") -> str:
    url = f"sqlite:///{tmp_path / name}"
    migrate.upgrade(url)
    return url


def _accented(lg: Ledger) -> None:
    art = lg.article(["Officials in Kyïv said Iranian Shahed drones struck the port.",
                      "Tehran rejected the report."], title="Strikes on the port", published=None)
    lg.statement(art, "Officials in Kyïv said Iranian Shahed drones struck the port.", supplier="IRN",
                 recipient="RUS", category="uav", claimant="UKR")
    lg.commit()


def _search(url: str, q: str) -> list[tuple]:
    engine = make_engine(url)
    with Session(engine) as session:
        page = queries.list_allegations(session=session, filters=F(q=q), page_size=50)
        out = sorted((a.supplier.code, a.recipient.code, a.category.slug, tuple(h.quote for h in a.hits))
                     for a in page.items)
    engine.dispose()
    return out


def test_text_search_is_postgresql_own_and_means_what_it_means_on_sqlite(pg_db: str, tmp_path: Path) -> None:
    sqlite_url = _sqlite(tmp_path)
    for url in (pg_db, sqlite_url):
        engine = make_engine(url)
        with Session(engine) as session:
            _accented(standard_ledger(session))
        engine.dispose()
    # every word a prefix, accents and case ignored, in quotes or in the article (title or text)
    for q in ("drone", "kyiv", "KYÏV shahed", "Pyongyang", "admitted", "strikes port", "nothing-like-this", "_"):
        assert _search(pg_db, q) == _search(sqlite_url, q), q
    assert _search(pg_db, "kyiv")[0][3] == ("Officials in Kyïv said Iranian Shahed drones struck the port.",)
    assert _search(pg_db, "drone") and _search(pg_db, "kyiv")
    # served by the article GIN index of migration 0004 and the few quotes that cut a word (0010),
    # not by reading every article
    engine = make_engine(pg_db)
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        search = F(q="kyiv").search_ids("postgresql")
        plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + str(search.compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True})))))
        assert "ix_article_search" in plan and "ix_statement_quote_cut" in plan, plan
    engine.dispose()


def test_the_bitmap_and_sql_engines_agree_on_postgresql(pg_db: str) -> None:
    engine = make_engine(pg_db)
    with Session(engine) as session:
        random_ledger(session, n=150, lg=standard_ledger(session))
        assert_engines_agree(session)
    engine.dispose()


def _ledger_state(url: str) -> tuple:
    """Every allegation (by its codes) with its counters, and the tallies, as ingest kept them."""
    engine = make_engine(url)
    a, t_sys, t_clm = Allegation.__table__, AllegationSystem.__table__, AllegationClaimant.__table__
    with engine.connect() as conn:
        def snapshot():
            return (sorted(tuple(r) for r in conn.execute(select(a).order_by(a.c.id))),
                    sorted(tuple(r) for r in conn.execute(select(t_sys))),
                    sorted(tuple(r) for r in conn.execute(select(t_clm))))
        kept = snapshot()
        conn.rollback()
        recompute_counters(conn)
        recounted = snapshot()
        conn.rollback()
        texts = conn.execute(select(func.count(), func.count(func.distinct(Article.__table__.c.sha256)))).one()
    engine.dispose()
    return kept, recounted, tuple(texts)


def test_two_ingests_over_overlapping_folders_store_each_article_once(pg_db: str, tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 180, seed=4242, per_dir=60)
    d0, d1, d2 = sorted((tmp_path / "corpus").iterdir())
    env = _env(pg_db)
    # Both start at once (each also runs the migrations first), sharing the middle folder.
    procs = [subprocess.Popen([*armswatch(), "ingest", *map(str, dirs)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for dirs in ((d0, d1), (d2, d1))]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in out + err
    totals = [re.search(r"articles:\s+(\d+) new, (\d+) skipped, (\d+) failed", out) for out, _ in outputs]
    assert all(totals), outputs
    assert sum(int(m.group(1)) for m in totals) == 180  # each article stored by exactly one of the two
    assert [int(m.group(1)) + int(m.group(2)) for m in totals] == [120, 120]
    kept, recounted, (articles, texts) = _ledger_state(pg_db)
    assert articles == texts == 180
    assert kept == recounted  # every counter and tally exact, as a recount from the statements gives

    sqlite_url = _sqlite(tmp_path)  # one ingest of the same files gives the same ledger
    single = subprocess.run([*armswatch(), "ingest", str(d0), str(d1), str(d2)],
                            env={**env, "ARMSWATCH_DATABASE_URL": sqlite_url}, capture_output=True, text=True)
    assert single.returncode == 0, single.stderr[-2000:]
    assert _transfers(pg_db) == _transfers(sqlite_url)


def _transfers(url: str) -> list[tuple]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = queries.list_allegations(session=session, filters=F(sort="pair"), page_size=100).items
        out = [(r.supplier.code, r.recipient.code, r.category.slug, r.n_statements, r.n_sources, r.n_denies,
                r.n_confirms, r.status, r.first_reported, r.last_reported, tuple(r.systems)) for r in rows]
        out.append(queries.count_allegations(session=session, filters=F()))
    engine.dispose()
    return out


def test_db_copy_moves_a_sqlite_ledger_to_postgresql_with_every_row(pg_db: str, tmp_path: Path) -> None:
    source = _sqlite(tmp_path)
    engine = make_engine(source)
    with Session(engine) as session:
        lg = standard_ledger(session)
        analyst = lg.actor("person:analyst", "An Analyst", kind="person", role="analyst")
        analyst.affiliation_id = lg.actor("zzz-late", "Late Org", kind="org").id  # an affiliation with a later id
        random_ledger(session, n=80, lg=lg)
        _accented(lg)
    engine.dispose()
    target = make_url(pg_db).set(database="no_such_db").render_as_string(hide_password=False)  # refused, with the reason
    copy = subprocess.run([*armswatch(), "db", "copy", source, target], capture_output=True, text=True)
    assert copy.returncode == 2 and "db copy failed" in copy.stderr and "Traceback" not in copy.stderr

    copy = subprocess.run([*armswatch(), "db", "copy", source, pg_db], capture_output=True, text=True)
    assert copy.returncode == 0, copy.stderr
    assert "every table's count matches" in copy.stdout and re.search(r"statement\s+\d+ rows", copy.stdout)
    before, after = rows(source), rows(pg_db)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before  # every row, ids and values
    assert _transfers(pg_db) == _transfers(source)
    assert _search(pg_db, "kyiv") == _search(source, "kyiv") != []  # the copied rows are searchable

    again = subprocess.run([*armswatch(), "db", "copy", source, pg_db], capture_output=True, text=True)
    assert again.returncode == 2 and "already holds a ledger" in again.stderr
    missing = subprocess.run([*armswatch(), "db", "copy", f"sqlite:///{tmp_path / 'nope.db'}", pg_db],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no SQLite file" in missing.stderr
    assert not (tmp_path / "nope.db").exists()

    # The sequences moved past the copied ids: a new article gets the next id.
    engine = make_engine(pg_db)
    with Session(engine) as session:
        Ledger(session).article(["A new report after the move."], title="After")
        session.commit()
        newest = session.execute(select(func.max(Article.__table__.c.id))).scalar()
    engine.dispose()
    assert newest == max(r[0] for r in before["article"]) + 1


def test_db_copy_moves_a_reviewed_ledger_with_every_table_and_back(pg_db: str, tmp_path: Path) -> None:
    """Reviews, decisions, the audit trail, accounts and sessions, alert changes, watched sources
    and the copy-grouping index all arrive, and PostgreSQL's sequences continue after the copied ids."""
    assert_copies_whole_schema(pg_db)  # nothing of PostgreSQL's schema is left out either
    source = reviewed_ledger(tmp_path / "source.db", tmp_path / "corpus")
    copy = subprocess.run([*armswatch(), "db", "copy", source, pg_db], capture_output=True, text=True)
    assert copy.returncode == 0, copy.stderr
    for table in ("review_decision", "audit_event", "login_session", "allegation_change", "article_band"):
        assert re.search(rf"^{table}\s+[1-9]\d* rows", copy.stdout, re.M), copy.stdout
    before, after = rows(source), rows(pg_db)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before

    engine = make_engine(pg_db)
    with write_session(engine) as conn:  # every table with an id hands out the next one
        ed = accounts.authenticate(conn, "ed", "a long password")
        assert ed is not None
        accounts.start_session(conn, ed)
        accounts.add_account(conn, "admin2", "admin", "another long password")
        event = change_statement(conn, 4, {"review": "verified"}, user=ed)
        poll = conn.execute(insert(SourcePoll.__table__).values(
            source_id=1, polled_at=datetime(2026, 12, 2, tzinfo=timezone.utc), status="ok", new_articles=0,
        ).returning(SourcePoll.__table__.c.id)).scalar_one()
    with Session(engine) as session:
        Ledger(session).article(["A new report after the move."], title="After")
        session.commit()
        newest = session.execute(select(func.max(Article.__table__.c.id))).scalar()
    with engine.connect() as conn:
        n_sessions = conn.execute(select(func.max(LoginSession.__table__.c.id))).scalar()
        n_accounts = conn.execute(select(func.max(Account.__table__.c.id))).scalar()
    engine.dispose()
    assert event == max(r[0] for r in before["audit_event"]) + 1
    assert poll == max(r[0] for r in before["source_poll"]) + 1
    assert newest == max(r[0] for r in before["article"]) + 1
    assert n_sessions == max(r[0] for r in before["login_session"]) + 1
    assert n_accounts == max(r[0] for r in before["account"]) + 1

    back = f"sqlite:///{tmp_path / 'back.db'}"  # and back from PostgreSQL into a new SQLite file
    copied = copy_ledger(pg_db, back, batch=50)
    assert rows(back) == rows(pg_db) and copied["audit_event"] == len(before["audit_event"]) + 1
