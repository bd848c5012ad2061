"""The allegation list: one page of rows, its total, the CSV export's batches, and what each
row shows beside its counters (named systems, quotes matching the search, newest quotes).

A page is a handful of queries whatever its length: the page's ids cut on the allegation table
alone, then one joined query for their names, one for their systems, one for matching quotes,
one for the newest quotes; the total is a popcount of the bitmap index (or a COUNT).

A denial whose category is `unspecified` ("we never supplied weapons to Russia") lives on the
pair's unspecified allegation; it answers every allegation of the same supplier and recipient,
so it is counted in their `n_denies`, shown with them and matched by `stance=denied`.
"""
from __future__ import annotations

import json
import math
from datetime import date

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, func, literal, select, true, union_all
from sqlalchemy.engine import RowMapping
from sqlmodel import Session

from app.facets import ACT, DENIES, WC, A
from app.filters import AS, MAX_PAGE, PUBLIC, WS, AllegationFilters, S, U
from app.queries import request
from app.queries.engines import REC, SUP, counting
from app.queries.records import (
    AllegationRow, Hit, QuoteRef, Shape, actor_shape, category_shape,
)
from app.vocab import STANCE_ORDER, Review, Stance

CLM = ACT.alias("clm")
UNSPECIFIED = "unspecified"
# Newest first by the article's date (copied onto the statement), undated last on every database.
NEWEST = (S.c.published.desc().nulls_last(), S.c.id.desc())
# The pair's unspecified allegation, joined for the rows of a page only (its id is a link).
PAIR_FROM = A.outerjoin(
    U,
    and_(
        U.c.supplier_id == A.c.supplier_id,
        U.c.recipient_id == A.c.recipient_id,
        U.c.category == UNSPECIFIED,
        A.c.category != UNSPECIFIED,
    ),
)
LIST_FROM = PAIR_FROM.join(SUP, SUP.c.id == A.c.supplier_id).join(REC, REC.c.id == A.c.recipient_id).join(
    WC, WC.c.slug == A.c.category
)
ROW = Shape(
    AllegationRow, "a",
    id=A.c.id, supplier=actor_shape("sup", SUP), recipient=actor_shape("rec", REC), category=category_shape("cat", WC),
    status=A.c.status, n_articles=A.c.n_articles, n_sources=A.c.n_sources, n_statements=A.c.n_statements,
    n_alleges=A.c.n_alleges, n_denies=DENIES, n_pair_denies=A.c.n_pair_denies, n_confirms=A.c.n_confirms,
    n_verified=A.c.n_verified,
    first_reported=A.c.first_reported, last_reported=A.c.last_reported, pair_allegation_id=U.c.id,
)
ORDER = {
    "sources": (A.c.n_sources.desc(), A.c.last_reported.desc().nulls_last(), A.c.id),
    "latest": (A.c.last_reported.desc().nulls_last(), A.c.n_sources.desc(), A.c.id),
    "denied": (DENIES.desc(), A.c.n_sources.desc(), A.c.id),
    "confirmed": (A.c.n_confirms.desc(), A.c.n_sources.desc(), A.c.id),
    "first": (A.c.first_reported.asc().nulls_last(), A.c.id),
    "pair": (SUP.c.name, REC.c.name, WC.c.label, A.c.id),
}


class AllegationPage(BaseModel):
    total: int
    page: int
    size: int
    pages: int
    sort: str
    items: list[AllegationRow]


def allegation_row(m: RowMapping, systems: list[str], hits: list[Hit] | None = None) -> AllegationRow:
    return ROW.read(m, systems=systems, hits=hits or [], denied=m["a_n_denies"] > 0, confirmed=m["a_n_confirms"] > 0)


# A page's rows by id, in each order of the list. Built once, like the page's other constant
# statements: SQLAlchemy computes a statement's cache key once per object, not once per request.
ROWS_BY_ID = {
    key: select(*ROW.columns).select_from(LIST_FROM).where(A.c.id.in_(bindparam("ids", expanding=True))).order_by(*order)
    for key, order in ORDER.items()
}


def rows_of(session: Session, *where, order=(), limit: int | None = None, offset: int = 0) -> list[RowMapping]:
    """Allegation rows (with their names and pair) matching `where`."""
    stmt = select(*ROW.columns).select_from(LIST_FROM).where(*where).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return session.execute(stmt).mappings().all()


def list_allegations(*, session: Session, filters: AllegationFilters, page_size: int,
                     with_quotes: bool = False, latest_beside_hits: bool = True) -> AllegationPage:
    """One page of the filtered allegations, with the total (offset pagination, page <= MAX_PAGE).

    `with_quotes`: each row's newest quotes (`latest`); without `latest_beside_hits`, only for the
    rows no quote of which matches the search (the HTML card shows one or the other)."""
    size = filters.size or page_size
    key = filters.sort_key
    # Sort and cut the page (from the bitmap index, or on the allegation table alone), then join
    # names for those rows only.
    offset = (filters.page - 1) * size
    page_ids = counting(session).page_ids(filters, offset, size)
    if page_ids is None:
        page_ids = (
            select(A.c.id).select_from(LIST_FROM if key == "pair" else A).where(*request.where(session, filters))
            .order_by(*ORDER[key]).limit(size).offset(offset)
        )
    if isinstance(page_ids, list):
        rows = session.execute(ROWS_BY_ID[key], {"ids": page_ids}).mappings().all()
    else:
        rows = rows_of(session, A.c.id.in_(page_ids), order=ORDER[key])
    if filters.page == 1 and len(rows) < size:
        total = len(rows)
    else:
        total = count_allegations(session=session, filters=filters)
    ids = [r["a_id"] for r in rows]
    systems = systems_of(session, ids)
    hits = _hits_of(session, ids, filters)
    latest = _latest_of(session, rows, skip=set() if latest_beside_hits else hits.keys()) if with_quotes else {}
    items = [allegation_row(r, systems.get(r["a_id"], []), hits.get(r["a_id"])) for r in rows]
    for item in items:
        item.latest = latest.get(item.id, [])
    return AllegationPage(total=total, page=filters.page, size=size, pages=min(MAX_PAGE, max(1, math.ceil(total / size))),
                          sort=key, items=items)


def count_allegations(*, session: Session, filters: AllegationFilters) -> int:
    return counting(session).total(filters)


def iter_allegations(*, session: Session, filters: AllegationFilters, batch: int = 500):
    """Every filtered allegation in the list's order, as records, `batch` rows in memory at a time."""
    for rows, systems in iter_allegation_batches(session=session, filters=filters, batch=batch):
        for r in rows:
            yield allegation_row(r, systems.get(r["a_id"], []))


# The CSV export's columns: plain values, no records (a row costs microseconds, not a model).
EXPORT_COLUMNS = (
    A.c.id.label("a_id"), SUP.c.code.label("sup_code"), SUP.c.name.label("sup_name"), REC.c.code.label("rec_code"),
    REC.c.name.label("rec_name"), A.c.category, A.c.status, A.c.n_articles, A.c.n_sources, A.c.n_statements, A.c.n_alleges,
    DENIES.label("n_denies"), A.c.n_confirms, A.c.first_reported, A.c.last_reported,
)
EXPORT_FROM = A.join(SUP, SUP.c.id == A.c.supplier_id).join(REC, REC.c.id == A.c.recipient_id).join(
    WC, WC.c.slug == A.c.category
)


def iter_allegation_batches(*, session: Session, filters: AllegationFilters, batch: int = 1000,
                            columns=None, frm=LIST_FROM):
    """The filtered allegations in the list's order as (rows, {id: named systems}) batches
    (`columns` default to the list's rows; each has an `a_id`).

    One SELECT read as a cursor, `batch` rows at a time: memory stays flat and the cost is one
    sort, where OFFSET batches re-sorted and skipped the rows already sent each time (the CSV of
    a 100k-article ledger took ~9 s)."""
    result = session.execute(
        select(*(columns or ROW.columns)).select_from(frm).where(*request.where(session, filters))
        .order_by(*ORDER[filters.sort_key]),
        execution_options={"yield_per": batch},
    ).mappings()
    for rows in result.partitions():
        yield rows, systems_of(session, [r["a_id"] for r in rows])


SYSTEMS_OF = (
    select(AS.c.allegation_id, WS.c.name)
    .select_from(AS.join(WS, WS.c.id == AS.c.system_id))
    .where(AS.c.allegation_id.in_(bindparam("ids", expanding=True)))
    .order_by(AS.c.allegation_id, AS.c.n_statements.desc(), WS.c.name)
)


def systems_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Named systems of these allegations, most mentioned first (from ingest's tallies)."""
    if not ids:
        return {}
    rows = session.execute(SYSTEMS_OF, {"ids": ids})
    out: dict[int, list[str]] = {}
    for allegation_id, name in rows:
        out.setdefault(allegation_id, []).append(name)
    return out


HITS_PER_ROW = 3
# From this many matching articles on (about four matching quotes each), a page's matching quotes
# are found by walking each row's statements in id order until it has HITS_PER_ROW (see `_hits_of`).
MANY_ARTICLES = 1000
T = S.alias("t")


def _hits_of(session: Session, ids: list[int], filters: AllegationFilters) -> dict[int, list[Hit]]:
    """The quotes of these allegations that match the search (the first HITS_PER_ROW of each, by id).

    A rare word is matched in few quotes: each one's allegation is read and those of the page's
    rows kept (one lookup per matching quote). A common word is in tens of thousands of quotes
    (20,000 in the first page's 25 rows of "Russia" on a 15k-article ledger), most of them cut
    away again; on SQLite each row then walks its own statements in id order (the index of
    migration 0013) against the set of matching quotes, and stops at its third."""
    if not ids or not filters.terms:
        return {}
    name = request.dialect(session)
    if name == "sqlite" and (request.search_articles(session, filters) or 0) >= MANY_ARTICLES:
        rows = func.json_each(json.dumps(ids)).table_valued("value").alias("rows")
        # `t.id + 0`: not an index term, so SQLite walks the row's statements and probes the set
        # rather than probing the row's statements once per matching quote.
        first = (select(T.c.id).where(T.c.allegation_id == rows.c.value, T.c.review != Review.rejected.value,
                                      (T.c.id + 0).in_(filters.quote_ids(name)))
                 .order_by(T.c.id).limit(HITS_PER_ROW).correlate(rows))
        stmt = (select(S.c.allegation_id, S.c.id, S.c.article_id, S.c.stance, S.c.quote)
                .select_from(rows.join(S, S.c.id.in_(first))))
    else:
        stmt = (select(S.c.allegation_id, S.c.id, S.c.article_id, S.c.stance, S.c.quote)
                .where(S.c.allegation_id.in_(ids), S.c.id.in_(filters.quote_ids(name)), PUBLIC))
    out: dict[int, list[Hit]] = {}
    for allegation_id, sid, article_id, stance, quote in session.execute(stmt.order_by(S.c.id)):
        hits = out.setdefault(allegation_id, [])
        if len(hits) < HITS_PER_ROW:
            hits.append(Hit(statement_id=sid, article_id=article_id, stance=stance, quote=quote))
    return out


# Each (allegation, stance) of the allegations `targets`: the newest public statement of that
# stance (one index probe each, whatever the number of statements) and what a card shows of it.
# Built once: a statement's cache key is computed once per process, not per request.
STANCES = union_all(*(select(literal(x.value).label("stance")) for x in STANCE_ORDER)).subquery("st")
NEWEST_ID = (
    select(S.c.id).where(S.c.allegation_id == A.c.id, S.c.stance == STANCES.c.stance, PUBLIC)
    .order_by(*NEWEST).limit(1).correlate(A, STANCES).scalar_subquery()
)
Q = S.alias("q")
NEWEST_QUOTES = (
    select(A.c.id, STANCES.c.stance, Q.c.id, Q.c.article_id, Q.c.quote, Q.c.published, CLM.c.name)
    .select_from(A.join(STANCES, true()).join(Q, Q.c.id == NEWEST_ID).outerjoin(CLM, CLM.c.id == Q.c.claimant_id))
    .where(A.c.id.in_(bindparam("targets", expanding=True)))
)


def _latest_of(session: Session, rows: list[RowMapping], skip=frozenset()) -> dict[int, list[QuoteRef]]:
    """The newest statement of each stance of these allegations but those in `skip` (the pair's
    unspecified denial counts for each allegation of the pair, unless that allegation is a row
    itself): one small query for a whole page."""
    wanted = [r for r in rows if r["a_id"] not in skip]
    if not wanted:
        return {}
    own = [r["a_id"] for r in wanted]
    pairs: dict[int, list[int]] = {}
    for r in wanted:
        if r["a_pair_allegation_id"] is not None:
            pairs.setdefault(r["a_pair_allegation_id"], []).append(r["a_id"])
    newest = session.execute(NEWEST_QUOTES, {"targets": own + list(pairs)}).all()
    out: dict[int, dict[str, QuoteRef]] = {}
    own_set = {r["a_id"] for r in rows}
    for allegation_id, stance, sid, article_id, quote_text, published, claimant in newest:
        if allegation_id in own_set:
            targets = [allegation_id]
        else:
            targets = pairs.get(allegation_id, []) if stance == Stance.denies else []
        for target in targets:
            quote = QuoteRef(statement_id=sid, article_id=article_id, stance=stance, quote=quote_text,
                             claimant=claimant, published=published, pair_denial=allegation_id != target)
            quotes = out.setdefault(target, {})
            if stance not in quotes or _newer(quote, quotes[stance]):
                quotes[stance] = quote
    return {k: [v[st] for st in STANCE_ORDER if st in v] for k, v in out.items()}


def _newer(a: QuoteRef, b: QuoteRef) -> bool:
    """Whether quote a is newer than b in the NEWEST order (undated is oldest)."""
    return (a.published is not None, a.published or date.min, a.statement_id) > \
        (b.published is not None, b.published or date.min, b.statement_id)
