"""Every dashboard query on PostgreSQL gives what it gives on SQLite (same factory ledger).

Uses the throw-away PostgreSQL cluster of tests/test_postgres.py (skipped where Debian's
server binaries are missing)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from app import migrate, queries
from app.db import make_engine
from app.filters import AllegationFilters as F
from tests.factories import standard_ledger
from tests.test_postgres import pg_url  # noqa: F401 - the fixture

FILTERS = [
    F(), F(country=["IRN"]), F(supplier=["PRK", "BLR"], recipient=["RUS"]), F(category=["uav", "artillery"]),
    F(stance=["denied"]), F(stance=["undenied"], sort="latest"), F(system=["Su-35"]), F(claimant=["media"]),
    F(sort="denied"), F(sort="pair", size=3, page=2), F(q="drones"), F(q="Pyongyang", stance=["denied"]),
]


def _snapshot(url: str) -> list:
    engine = make_engine(url)
    out: list = []
    with Session(engine) as session:
        standard_ledger(session)
        for f in FILTERS:
            page = queries.list_allegations(session=session, filters=f, page_size=25, with_quotes=True)
            out.append([(a.supplier.code, a.recipient.code, a.category.slug, a.n_denies, a.systems,
                         [(q.stance, q.quote) for q in a.latest], [h.quote for h in a.hits]) for a in page.items])
            out.append(page.total)
            out.append(sorted((fc.name, v.value, v.count, v.selected)
                              for fc in queries.facet_counts(session=session, filters=f) for v in fc.values))
            out.append([(fl.supplier.code, fl.recipient.code, fl.count) for fl in queries.flows(session=session, filters=f)])
            out.append(len(list(queries.iter_allegations(session=session, filters=f))))
        first = queries.list_allegations(session=session, filters=F(sort="pair"), page_size=25).items
        for a in first:
            d = queries.get_allegation(session=session, allegation_id=a.id)
            out.append((d.counts, sorted((s.stance, s.quote, s.pair_denial) for s in d.statements),
                        [(b.period, b.alleges, b.denies, b.confirms) for b in d.timeline], d.undated))
        out.append([(s.stance, s.start, s.end) for s in queries.get_article(session=session, article_id=3).statements])
        iran = queries.get_actor(session=session, code="IRN")
        out.append(([a.category.slug for a in iran.supplies], [s.quote for s in iran.denials]))
        out.append([(s.name, s.n_statements) for s in queries.get_weapon(session=session, slug="uav").systems])
        out.append([(c.category.slug, c.n_allegations, c.n_denied) for c in queries.weapon_index(session=session)])
        out.append([(a.actor.code, a.n_supplies, a.n_receives) for a in queries.actor_index(session=session)])
    engine.dispose()
    return out


def test_dashboard_queries_agree_on_postgresql_and_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    migrate.upgrade(pg_url)
    sqlite_url = f"sqlite:///{tmp_path / 'ref.db'}"
    migrate.upgrade(sqlite_url)
    on_pg, on_sqlite = _snapshot(pg_url), _snapshot(sqlite_url)
    assert len(on_pg) == len(on_sqlite)
    for i, (a, b) in enumerate(zip(on_pg, on_sqlite)):
        assert a == b, f"item {i} differs"
