"""What the read path keeps per allegation, counted from its statements: the counters, the
system and claimant tallies, the pair's weapon-unspecified denials and the articles stating it
(`allegation_article`, which the search maps matching articles through).

Ingest adds a new article's statements to these incrementally (`app.ingest.store`); a review
recounts the allegations it touched with `recount(conn, ids)`, and `recount(conn)` recounts
them all (the from-scratch definition the tests hold ingest's increments equal to).

A rejected statement counts nowhere but in `n_rejected`: not in the statements, articles, sources,
stances, status, dates, tallies, the pair's denials or `allegation_article`. An allegation left
with no other statement has `n_statements == 0` and leaves the public lists (`app.facets.VISIBLE`).
The changes the Atom feeds report (`app.alerts`) are derived again with the counters.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Date, and_, bindparam, case, func, or_, select, tuple_, update
from sqlalchemy.engine import Connection

from app import alerts
from app.models import Allegation, AllegationArticle, AllegationClaimant, AllegationSystem, Article, Statement
from app.vocab import Review, Stance

A = Allegation.__table__
S = Statement.__table__
ART = Article.__table__
TALLIES = ((AllegationSystem.__table__, "system_id"), (AllegationClaimant.__table__, "claimant_id"))
PAIRS = AllegationArticle.__table__
UNSPECIFIED = "unspecified"
PUBLIC = S.c.review != Review.rejected.value
STATUS_OF = {2: "delivered", 1: "planned", 0: "unknown"}


def _public(value, else_=None):
    return case((PUBLIC, value), else_=else_)


def recount(conn: Connection, ids: Iterable[int] | None = None) -> None:
    """Recount the allegations `ids` (every allegation when None) and their pairs' denials."""
    ids = None if ids is None else sorted(set(ids))
    if ids == []:
        return
    mine = [S.c.allegation_id.in_(ids)] if ids is not None else []
    query = select(
        S.c.allegation_id,
        func.count(_public(1)),
        func.count(func.distinct(_public(S.c.article_id))),
        func.count(func.distinct(_public(func.coalesce(ART.c.origin_id, ART.c.id)))),
        *(func.sum(_public(case((S.c.stance == st.value, 1), else_=0), 0)) for st in Stance),
        func.max(_public(case((S.c.status == "delivered", 2), (S.c.status == "planned", 1), else_=0), 0)),
        func.min(_public(ART.c.published)),
        func.max(_public(ART.c.published)),
        func.sum(case((S.c.review == Review.verified.value, 1), else_=0)),
        func.sum(case((S.c.review == Review.rejected.value, 1), else_=0)),
    ).join(ART, ART.c.id == S.c.article_id).where(*mine).group_by(S.c.allegation_id)
    found = {row[0]: row[1:] for row in conn.execute(query)}
    targets = conn.execute(select(A.c.id).where(A.c.id.in_(ids)) if ids is not None else select(A.c.id)).scalars()
    params = []
    for aid in targets:
        n, articles, sources, alleges, denies, confirms, rank, first, last, verified, rejected = found.get(
            aid, (0, 0, 0, 0, 0, 0, 0, None, None, 0, 0))
        params.append({
            "b_id": aid, "b_n": n, "b_articles": articles, "b_sources": sources, "b_alleges": alleges or 0, "b_denies": denies or 0,
            "b_confirms": confirms or 0, "b_status": STATUS_OF[rank or 0], "b_first": first, "b_last": last,
            "b_verified": verified or 0, "b_rejected": rejected or 0,
        })
    if params:
        conn.execute(
            update(A).where(A.c.id == bindparam("b_id")).values(
                n_statements=bindparam("b_n"), n_articles=bindparam("b_articles"), n_sources=bindparam("b_sources"), n_alleges=bindparam("b_alleges"),
                n_denies=bindparam("b_denies"), n_confirms=bindparam("b_confirms"), status=bindparam("b_status"),
                first_reported=bindparam("b_first", type_=Date), last_reported=bindparam("b_last", type_=Date),
                n_verified=bindparam("b_verified"), n_rejected=bindparam("b_rejected"),
            ),
            params,
        )
    _pair_denies(conn, ids)
    for table, column in TALLIES:
        conn.execute(table.delete().where(table.c.allegation_id.in_(ids)) if ids is not None else table.delete())
        conn.execute(table.insert().from_select(
            ["allegation_id", column, "n_statements"],
            select(S.c.allegation_id, S.c[column], func.count())
            .where(S.c[column].is_not(None), PUBLIC, *mine).group_by(S.c.allegation_id, S.c[column]),
        ))
    conn.execute(PAIRS.delete().where(PAIRS.c.allegation_id.in_(ids)) if ids is not None else PAIRS.delete())
    conn.execute(PAIRS.insert().from_select(
        ["article_id", "allegation_id"], select(S.c.article_id, S.c.allegation_id).where(PUBLIC, *mine).distinct()))
    alerts.derive(conn, ids)  # which statement is first changes with what is public


def _pair_denies(conn: Connection, ids: list[int] | None) -> None:
    """Each allegation's n_pair_denies: the denials of its pair's weapon-unspecified allegation."""
    u = A.alias("u")
    pair_denies = select(u.c.n_denies).where(
        u.c.supplier_id == A.c.supplier_id, u.c.recipient_id == A.c.recipient_id, u.c.category == UNSPECIFIED,
    ).scalar_subquery()
    stmt = update(A).values(
        n_pair_denies=case((A.c.category == UNSPECIFIED, 0), else_=func.coalesce(pair_denies, 0)))
    if ids is not None:
        pairs = conn.execute(select(A.c.supplier_id, A.c.recipient_id).where(A.c.id.in_(ids)).distinct()).all()
        if not pairs:
            return
        stmt = stmt.where(or_(*(and_(A.c.supplier_id == s, A.c.recipient_id == r) for s, r in pairs))
                          if len(pairs) < 50 else tuple_(A.c.supplier_id, A.c.recipient_id).in_(pairs))
    conn.execute(stmt)
