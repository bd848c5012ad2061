"""Reviews on PostgreSQL: the same changes (reject, verify, move, merge, undo) give the same
counters, lists, facets, flows and audit trail as on SQLite, both facet engines included.

Uses the throw-away PostgreSQL cluster of tests/test_postgres.py (skipped where Debian's
server binaries are missing)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from app import accounts, facet_index, migrate, queries
from app.db import make_engine, write_session
from app.filters import AllegationFilters as F
from app.models import Allegation
from app.queries.audit import audit_events
from app.review.changes import change_statement, merge, undo
from tests.factories import standard_ledger
from tests.test_postgres import pg_url  # noqa: F401 - the fixture

FILTERS = [F(), F(stance=["denied"]), F(review=["verified"]), F(review=["rejected"]), F(category=["artillery"]),
           F(q="drones"), F(q="ussia"), F(q="ussia Iranian")]


def _reviewed(url: str) -> list:
    engine = make_engine(url)
    out: list = []
    with Session(engine) as session:
        standard_ledger(session)
    with write_session(engine) as conn:
        accounts.add_account(conn, "ed", "editor", "a long password")
        ed = accounts.authenticate(conn, "ed", "a long password")
        token, csrf = accounts.start_session(conn, ed)  # expiry compared in timestamptz
        assert accounts.session_user(conn, token) == (ed, csrf)
        accounts.end_session(conn, token)
        assert accounts.session_user(conn, token) is None
        assert accounts.by_token(conn, accounts.new_token(conn, "ed")) == ed
        change_statement(conn, 5, {"review": "rejected"}, user=ed, reason="misattributed")
        change_statement(conn, 3, {"review": "rejected"}, user=ed, reason="no source")
        change_statement(conn, 1, {"review": "verified"}, user=ed)
        change_statement(conn, 2, {"start": 97, "end": 129}, user=ed)  # "ussia is training Iranian pilots": cuts a word
        change_statement(conn, 7, {"category": "missile", "system": None}, user=ed)
        merge(conn, 7, 6, user=ed, reason="same shipments")
        first = audit_events(session=Session(bind=conn), statement=3)[0].id
        undo(conn, first, user=ed)
    for engine_name in ("sql", "bitmap"):
        facet_index.reset()
        with Session(engine) as session:
            if engine_name == "bitmap":  # build the index now, so the queries below use it
                facet_index.REBUILD_SECONDS, saved = 0.0, facet_index.REBUILD_SECONDS
                facet_index.for_version(session, queries.data_version(session=session))
                facet_index.REBUILD_SECONDS = saved
            for f in FILTERS:
                page = queries.list_allegations(session=session, filters=f, page_size=25, with_quotes=True)
                out.append([(a.supplier.code, a.recipient.code, a.category.slug, a.n_statements, a.n_denies,
                             a.n_verified, [(q.stance, q.quote) for q in a.latest]) for a in page.items])
                out.append(sorted((fc.name, v.value, v.count) for fc in queries.facet_counts(session=session, filters=f)
                                  for v in fc.values))
                out.append([(fl.supplier.code, fl.recipient.code, fl.count) for fl in queries.flows(session=session, filters=f)])
    with Session(engine) as session:
        out.append(sorted((a.supplier_id, a.recipient_id, a.category, a.n_statements, a.n_sources, a.n_denies,
                           a.n_pair_denies, a.n_verified, a.n_rejected, a.status)
                          for a in session.exec(select(Allegation)).scalars()))
        out.append([(e.user, e.action, e.statement_id, e.changes, e.reason, e.undone_by_id is not None)
                    for e in audit_events(session=session)])
        cut = queries.list_allegations(session=session, filters=F(q="ussia Iranian"), page_size=25)
        out.append([(a.supplier.code, a.category.slug) for a in cut.items])
        d = queries.get_allegation(session=session, allegation_id=1, rejected=True)
        out.append(sorted((s.id, s.review) for s in d.statements))
    engine.dispose()
    return out


def test_reviews_agree_on_postgresql_and_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    migrate.upgrade(pg_url)
    sqlite_url = f"sqlite:///{tmp_path / 'ref.db'}"
    migrate.upgrade(sqlite_url)
    on_pg, on_sqlite = _reviewed(pg_url), _reviewed(sqlite_url)
    assert len(on_pg) == len(on_sqlite)
    for i, (a, b) in enumerate(zip(on_pg, on_sqlite)):
        assert a == b, f"item {i} differs"
    audit = on_sqlite[-3]
    assert [a for _, a, *_ in audit] == ["undo", "merge", "move", "edit", "verify", "reject", "reject"]
    assert on_sqlite[-2] == [("RUS", "combat_aircraft")]  # found by its quote alone, which cuts 'Russia'
    assert (5, "rejected") in on_sqlite[-1]


def test_reextract_keeps_decisions_on_postgresql(pg_url: str, monkeypatch) -> None:  # noqa: F811
    """The seed ingested into PostgreSQL, reviewed, then extracted again: the decisions and an
    edited field stay, and the counters equal a recount."""
    from app.ingest.reextract import run_reextract
    from app.ingest.runner import run_ingest
    from app.models import Statement
    from tests.test_postgres import _use
    from tests.test_reextract import ED, SEED

    migrate.upgrade(pg_url)
    _use(pg_url, monkeypatch)
    assert run_ingest([str(SEED)]) == 0
    engine = make_engine(pg_url)
    with Session(engine) as session:
        ids = session.execute(select(Statement.id).where(Statement.quote.contains("Biden")).order_by(Statement.id)).scalars().all()
    verified, rejected, edited = ids[0], ids[1], ids[2]
    with write_session(engine) as conn:
        change_statement(conn, verified, {"review": "verified"}, user=ED)
        change_statement(conn, rejected, {"review": "rejected"}, user=ED, reason="not a transfer")
        change_statement(conn, edited, {"quantity": "a dozen"}, user=ED)

    with Session(engine) as session:
        seed = session.get(Statement, verified).article_id

    def state():  # the seed's statements (the factory articles of the other test are extracted again too)
        with Session(engine) as session:
            rows = {s.id: (s.review, s.quantity)
                    for s in session.exec(select(Statement).where(Statement.article_id == seed)).scalars()}
            counts = sorted(tuple(a) for a in session.execute(
                select(Allegation.id, Allegation.n_statements, Allegation.n_denies, Allegation.n_verified,
                       Allegation.n_rejected)).all())
        return rows, counts

    before = state()
    assert run_reextract(None, say=lambda _: None) == 0
    after = state()
    assert after[0] == before[0]  # same statements (matched in place), same decisions
    assert after[0][verified][0] == "verified" and after[0][rejected][0] == "rejected"
    assert after[0][edited][1] == "a dozen"
    from app.counters import recount

    with write_session(engine) as conn:
        recount(conn)
    assert state() == after
    engine.dispose()
