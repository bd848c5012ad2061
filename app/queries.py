"""Every SELECT the web uses. Routes call these keyword-only functions and never build SQL.

A page is a handful of queries whatever its length: the list is one query (rows plus the total
by a window function), the named systems of the page's rows one more, the facet counts one
UNION ALL, the flow picture one GROUP BY. Statements always come in one joined query.

A denial whose category is `unspecified` ("we never supplied weapons to Russia") lives on the
pair's unspecified allegation; it answers every allegation of the same supplier and recipient,
so it is counted in their `n_denies`, shown on their pages and matched by `stance=denied`.

No page reads more statements than it shows: what the list, facets and filters need of an
allegation's statements (pair denials, named systems, claimants, dates) is kept by ingest on
the allegation or in the small allegation_system / allegation_claimant tables.
"""
from __future__ import annotations

import json
import math
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import String, and_, case, cast, func, literal, or_, select, true, union_all
from sqlalchemy.engine import RowMapping
from sqlmodel import Session

from app import facet_index
from app.filters import (
    AC, ACT, ART, AS, DENIES, FACETS, MAX_PAGE, STMT_FTS, WS, A, AllegationFilters, S, U, like_escape, stance_clause,
)
from app.models import WeaponCategory

WC = WeaponCategory.__table__
SUP = ACT.alias("sup")
REC = ACT.alias("rec")
CLM = ACT.alias("clm")
SPK = ACT.alias("spk")
SA = A.alias("sa")  # a statement's own allegation, when statements of several are listed
SSUP = ACT.alias("ssup")
SREC = ACT.alias("srec")
SWC = WC.alias("swc")

UNSPECIFIED = "unspecified"
N_DENIES = DENIES.label("n_denies")
STANCE_ORDER = ("alleges", "confirms", "denies")
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


# -- records -------------------------------------------------------------------------------


class ActorRef(BaseModel):
    code: str
    name: str
    kind: str
    role: str | None = None


class CategoryRef(BaseModel):
    slug: str
    label: str


class Hit(BaseModel):
    """A quote of the allegation matching the search."""

    statement_id: int
    article_id: int
    stance: str
    quote: str


class QuoteRef(BaseModel):
    """A statement in brief, as the list shows it under an allegation."""

    statement_id: int
    article_id: int
    stance: str
    quote: str
    claimant: str | None = Field(description="Name of whoever makes the statement")
    published: date | None
    pair_denial: bool = False


class AllegationRow(BaseModel):
    id: int
    supplier: ActorRef
    recipient: ActorRef
    category: CategoryRef
    systems: list[str] = Field(description="Named systems its statements mention")
    status: str = Field(description="delivered | planned | unknown")
    n_sources: int = Field(description="Distinct articles with a statement on it")
    n_statements: int
    n_alleges: int
    n_denies: int = Field(description="Denials, counting the pair's weapon-unspecified denials")
    n_pair_denies: int = Field(description="Of n_denies, those from a weapon-unspecified denial of the pair")
    n_confirms: int
    first_reported: date | None
    last_reported: date | None
    denied: bool
    confirmed: bool
    pair_allegation_id: int | None = Field(description="The pair's unspecified allegation, whose denials apply here")
    hits: list[Hit] = Field(default_factory=list, description="Quotes matching q (empty without q)")
    latest: list[QuoteRef] = Field(
        default_factory=list, description="The newest statement of each stance (list endpoints only)"
    )


class AllegationPage(BaseModel):
    total: int
    page: int
    size: int
    pages: int
    sort: str
    items: list[AllegationRow]


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class Facet(BaseModel):
    name: str
    values: list[FacetValue]
    truncated: bool = Field(False, description="More values exist than are listed (the commonest are)")


class Flow(BaseModel):
    supplier: ActorRef
    recipient: ActorRef
    count: int


class ArticleRef(BaseModel):
    id: int
    title: str | None
    outlet: str | None
    published: date | None
    source: str


class AllegationBrief(BaseModel):
    id: int
    supplier: ActorRef
    recipient: ActorRef
    category: CategoryRef


class StatementRow(BaseModel):
    id: int
    stance: str = Field(description="alleges | denies | confirms")
    status: str
    quote: str
    start: int
    end: int
    quantity: str | None
    system: str | None
    claimant: ActorRef | None
    speaker: ActorRef | None
    article: ArticleRef
    allegation: AllegationBrief
    pair_denial: bool = Field(False, description="A weapon-unspecified denial of the pair, shown with this allegation")


class TimelineBucket(BaseModel):
    period: str = Field(description="Month of the articles' dates, YYYY-MM")
    alleges: int = 0
    denies: int = 0
    confirms: int = 0


class AllegationDetail(BaseModel):
    allegation: AllegationRow
    statements: list[StatementRow] = Field(
        description="Newest first: up to `per_stance` of each stance, or one page of `stance` when it is given"
    )
    counts: dict[str, int] = Field(description="Statements per stance (denials include the pair's unspecified ones)")
    stance: str | None = Field(description="The stance listed in full, page by page")
    page: int
    pages: int
    timeline: list[TimelineBucket] = Field(description="Statements per month of their article's date")
    undated: int = Field(description="Statements whose article has no date")


class ArticleDetail(BaseModel):
    article: ArticleRef
    text: str
    statements: list[StatementRow] = Field(description="Ordered by position in the text")


class ActorDetail(BaseModel):
    actor: ActorRef
    affiliation: ActorRef | None
    supplies: list[AllegationRow]
    receives: list[AllegationRow]
    denials: list[StatementRow]
    claims: list[StatementRow] = Field(description="Statements it (or, for a person, they) made; newest first")


class SystemCount(BaseModel):
    name: str
    aliases: list[str]
    n_allegations: int
    n_statements: int


class WeaponDetail(BaseModel):
    category: CategoryRef
    description: str
    systems: list[SystemCount]
    allegations: list[AllegationRow]


# -- the allegation list -----------------------------------------------------------------

_ROW_COLUMNS = (
    A.c.id, A.c.status, A.c.n_sources, A.c.n_statements, A.c.n_alleges, A.c.n_confirms,
    A.c.first_reported, A.c.last_reported, N_DENIES, A.c.n_pair_denies,
    U.c.id.label("pair_id"),
    SUP.c.code.label("sup_code"), SUP.c.name.label("sup_name"), SUP.c.kind.label("sup_kind"),
    REC.c.code.label("rec_code"), REC.c.name.label("rec_name"), REC.c.kind.label("rec_kind"),
    WC.c.slug.label("cat_slug"), WC.c.label.label("cat_label"),
)

_ORDER = {
    "sources": (A.c.n_sources.desc(), A.c.last_reported.desc().nulls_last(), A.c.id),
    "latest": (A.c.last_reported.desc().nulls_last(), A.c.n_sources.desc(), A.c.id),
    "denied": (DENIES.desc(), A.c.n_sources.desc(), A.c.id),
    "confirmed": (A.c.n_confirms.desc(), A.c.n_sources.desc(), A.c.id),
    "first": (A.c.first_reported.asc().nulls_last(), A.c.id),
    "pair": (SUP.c.name, REC.c.name, WC.c.label, A.c.id),
}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _memo(session: Session) -> dict:
    """Values computed once per transaction (a request is one): the search's ids, the facet index."""
    session.connection()  # begins the transaction when none is open yet
    tx = session.get_transaction()
    held = session.info.get("memo")
    if held is None or held[0] is not tx:
        held = session.info["memo"] = (tx, {})
    return held[1]


def _where(session: Session, filters: AllegationFilters, exclude: str | None = None):
    """The filters' where-clauses, with the full-text search run once per request (see `_search_hits`)."""
    return filters.where(dialect=_dialect(session), exclude=exclude, hits=_search_hits(session, filters))


def _search_hits(session: Session, filters: AllegationFilters):
    """The allegations matching `q`, as a SELECT of ids.

    A page asks for them in the list, its count, every facet and the flows; on SQLite the FTS5
    search runs once and later queries read its ids from a JSON array (json_each), memoised for
    the request's transaction. Elsewhere it stays a subquery."""
    if not filters.terms:
        return None
    dialect = _dialect(session)
    if dialect != "sqlite":
        return filters.search_ids(dialect)
    memo, key = _memo(session), ("search-hits", filters.fts_query())
    ids = memo.get(key)
    if ids is None:
        ids = memo[key] = json.dumps(session.execute(filters.search_ids(dialect)).scalars().all())
    return select(func.json_each(ids).table_valued("value").c.value)


def _row(m: RowMapping, systems: list[str], hits: list[Hit] | None = None) -> AllegationRow:
    return AllegationRow(
        id=m["id"],
        supplier=ActorRef(code=m["sup_code"], name=m["sup_name"], kind=m["sup_kind"]),
        recipient=ActorRef(code=m["rec_code"], name=m["rec_name"], kind=m["rec_kind"]),
        category=CategoryRef(slug=m["cat_slug"], label=m["cat_label"]),
        systems=systems,
        status=m["status"],
        n_sources=m["n_sources"],
        n_statements=m["n_statements"],
        n_alleges=m["n_alleges"],
        n_denies=m["n_denies"],
        n_pair_denies=m["n_pair_denies"],
        n_confirms=m["n_confirms"],
        first_reported=m["first_reported"],
        last_reported=m["last_reported"],
        denied=m["n_denies"] > 0,
        confirmed=m["n_confirms"] > 0,
        pair_allegation_id=m["pair_id"],
        hits=hits or [],
    )


def _systems_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Named systems of these allegations, most mentioned first (from ingest's tallies)."""
    if not ids:
        return {}
    rows = session.execute(
        select(AS.c.allegation_id, WS.c.name)
        .select_from(AS.join(WS, WS.c.id == AS.c.system_id))
        .where(AS.c.allegation_id.in_(ids))
        .order_by(AS.c.allegation_id, AS.c.n_statements.desc(), WS.c.name)
    )
    out: dict[int, list[str]] = {}
    for allegation_id, name in rows:
        out.setdefault(allegation_id, []).append(name)
    return out


def _hits_of(session: Session, ids: list[int], filters: AllegationFilters) -> dict[int, list[Hit]]:
    """The quotes of these allegations that match the search (at most 3 each)."""
    if not ids or not filters.terms:
        return {}
    stmt = select(S.c.allegation_id, S.c.id, S.c.article_id, S.c.stance, S.c.quote).where(S.c.allegation_id.in_(ids))
    if _dialect(session) == "sqlite":
        stmt = stmt.where(
            S.c.id.in_(select(STMT_FTS.c.rowid).where(STMT_FTS.c.statement_fts.op("MATCH")(filters.fts_query())))
        )
    else:
        stmt = stmt.where(*(S.c.quote.ilike(f"%{like_escape(t)}%", escape="\\") for t in filters.terms))
    out: dict[int, list[Hit]] = {}
    for allegation_id, sid, article_id, stance, quote in session.execute(stmt.order_by(S.c.id)):
        hits = out.setdefault(allegation_id, [])
        if len(hits) < 3:
            hits.append(Hit(statement_id=sid, article_id=article_id, stance=stance, quote=quote))
    return out


def _newest_ids(targets: list[int], stances: tuple[str, ...]):
    """(allegation_id, stance, id of its newest statement of that stance) for every target and stance:
    one index probe each, whatever the number of statements."""
    st = union_all(*(select(literal(x).label("stance")) for x in stances)).subquery("st")
    newest = (
        select(S.c.id).where(S.c.allegation_id == A.c.id, S.c.stance == st.c.stance)
        .order_by(*NEWEST).limit(1).correlate(A, st).scalar_subquery()
    )
    return select(A.c.id, st.c.stance, newest.label("sid")).select_from(A.join(st, true())).where(A.c.id.in_(targets))


def _latest_of(session: Session, rows: list[RowMapping]) -> dict[int, list[QuoteRef]]:
    """The newest statement of each stance of these allegations (the pair's unspecified denial
    counts for each allegation of the pair): two small queries for a whole page."""
    if not rows:
        return {}
    own = [r["id"] for r in rows]
    pairs: dict[int, list[int]] = {}
    for r in rows:
        if r["pair_id"] is not None:
            pairs.setdefault(r["pair_id"], []).append(r["id"])
    newest = [t for t in session.execute(_newest_ids(own + list(pairs), STANCE_ORDER)).all() if t[2] is not None]
    if not newest:
        return {}
    found = {
        m["id"]: m for m in session.execute(
            select(S.c.id, S.c.article_id, S.c.stance, S.c.quote, S.c.published, CLM.c.name.label("claimant"))
            .select_from(S.outerjoin(CLM, CLM.c.id == S.c.claimant_id))
            .where(S.c.id.in_({sid for _, _, sid in newest}))
        ).mappings()
    }
    out: dict[int, dict[str, QuoteRef]] = {}
    own_set = set(own)
    for allegation_id, stance, sid in newest:
        m = found[sid]
        if allegation_id in own_set:
            targets = [allegation_id]
        else:
            targets = pairs.get(allegation_id, []) if stance == "denies" else []
        for target in targets:
            quote = QuoteRef(statement_id=sid, article_id=m["article_id"], stance=stance, quote=m["quote"],
                             claimant=m["claimant"], published=m["published"], pair_denial=allegation_id != target)
            quotes = out.setdefault(target, {})
            if stance not in quotes or _newer(quote, quotes[stance]):
                quotes[stance] = quote
    return {k: [v[st] for st in STANCE_ORDER if st in v] for k, v in out.items()}


def _newer(a: QuoteRef, b: QuoteRef) -> bool:
    """Whether quote a is newer than b in the NEWEST order (undated is oldest)."""
    return (a.published is not None, a.published or date.min, a.statement_id) > \
        (b.published is not None, b.published or date.min, b.statement_id)


def list_allegations(*, session: Session, filters: AllegationFilters, page_size: int,
                     with_quotes: bool = False) -> AllegationPage:
    """One page of the filtered allegations, with the total (offset pagination, page <= MAX_PAGE).

    The total is its own COUNT: cheaper than a window function, which would materialise
    every filtered row before the top-N sort could stop early."""
    size = filters.size or page_size
    key = filters.sort_key
    # Sort and cut the page on the allegation table alone, then join names for those rows only.
    frm = LIST_FROM if key == "pair" else A
    page_ids = (
        select(A.c.id).select_from(frm).where(*_where(session, filters))
        .order_by(*_ORDER[key]).limit(size).offset((filters.page - 1) * size)
    )
    stmt = select(*_ROW_COLUMNS).select_from(LIST_FROM).where(A.c.id.in_(page_ids)).order_by(*_ORDER[key])
    rows = session.execute(stmt).mappings().all()
    if filters.page == 1 and len(rows) < size:
        total = len(rows)
    else:
        total = count_allegations(session=session, filters=filters)
    ids = [r["id"] for r in rows]
    systems = _systems_of(session, ids)
    hits = _hits_of(session, ids, filters)
    latest = _latest_of(session, rows) if with_quotes else {}
    items = [_row(r, systems.get(r["id"], []), hits.get(r["id"])) for r in rows]
    for item in items:
        item.latest = latest.get(item.id, [])
    return AllegationPage(
        total=total,
        page=filters.page,
        size=size,
        pages=min(MAX_PAGE, max(1, math.ceil(total / size))),
        sort=filters.sort_key,
        items=items,
    )


def count_allegations(*, session: Session, filters: AllegationFilters) -> int:
    index = _facet_index(session)
    if index is not None:  # a popcount instead of counting thousands of rows
        return index.matching(filters, _restriction(session, filters, index)).bit_count()
    stmt = select(func.count()).select_from(A).where(*_where(session, filters))
    return session.execute(stmt).scalar_one()


def iter_allegations(*, session: Session, filters: AllegationFilters, batch: int = 500):
    """Every filtered allegation in the list's order, in batches (for the CSV export)."""
    where = _where(session, filters)
    offset = 0  # offset batches: the export is bounded by the number of allegations, not articles
    while True:
        rows = session.execute(
            select(*_ROW_COLUMNS).select_from(LIST_FROM).where(*where)
            .order_by(*_ORDER[filters.sort_key]).limit(batch).offset(offset)
        ).mappings().all()
        if not rows:
            return
        systems = _systems_of(session, [r["id"] for r in rows])
        for r in rows:
            yield _row(r, systems.get(r["id"], []))
        offset += batch


# -- facets and flows ----------------------------------------------------------------------


def _facet_selects(session: Session, filters: AllegationFilters):
    """One SELECT (facet, value, label, n) per facet value list; see `facet_counts`.

    Each counts ids on the allegation table (or ingest's tallies) first and joins the names of
    the values it found after, so its cost follows the filtered allegations, not the names."""
    def where(facet: str):
        return _where(session, filters, exclude=facet)

    def counted(facet: str, ids, label_table, key, value, label):
        per = ids.subquery()
        return (
            select(literal(facet).label("facet"), value.label("value"), label.label("label"), per.c.n)
            .select_from(per.join(label_table, key == per.c.vid))
        )

    n = func.count().label("n")
    sides = union_all(
        select(A.c.supplier_id.label("actor_id")).where(*where("country")),
        select(A.c.recipient_id.label("actor_id")).where(*where("country")),
    ).subquery()
    yield counted("country", select(sides.c.actor_id.label("vid"), n).group_by(sides.c.actor_id),
                  ACT, ACT.c.id, ACT.c.code, ACT.c.name)
    for facet, col in (("supplier", A.c.supplier_id), ("recipient", A.c.recipient_id)):
        yield counted(facet, select(col.label("vid"), n).where(*where(facet)).group_by(col),
                      ACT, ACT.c.id, ACT.c.code, ACT.c.name)
    yield counted("category", select(A.c.category.label("vid"), n).where(*where("category")).group_by(A.c.category),
                  WC, WC.c.slug, WC.c.slug, WC.c.label)
    # Systems and claimants: ingest's tallies hold one row per (allegation, value).
    for facet, tally, col, label_table, value, label in (
        ("system", AS, AS.c.system_id, WS, WS.c.name, WS.c.name),
        ("claimant", AC, AC.c.claimant_id, CLM, CLM.c.code, CLM.c.name),
    ):
        ids = select(col.label("vid"), n).group_by(col)
        clauses = where(facet)
        if clauses:
            ids = ids.where(tally.c.allegation_id.in_(select(A.c.id).where(*clauses)))
        yield counted(facet, ids, label_table, label_table.c.id, value, label)
    for stance in ("denied", "confirmed", "undenied"):
        yield (
            select(literal("stance").label("facet"), literal(stance), literal(stance), func.count())
            .select_from(A)
            .where(*where("stance"), stance_clause(stance))
        )


def facet_counts(*, session: Session, filters: AllegationFilters, limit: int = 40) -> list[Facet]:
    """Counts of allegations per value of every facet, in one UNION ALL query.

    Disjunctive: each facet is counted under every filter but its own. Each facet lists its
    `limit` commonest values; selected values are always listed (with 0 when nothing matches)
    so they can be switched off. `truncated` says a facet had more values."""
    index = _facet_index(session)
    if index is not None:
        rows = index.counts(filters, _restriction(session, filters, index))
    else:
        rows = session.execute(union_all(*_facet_selects(session, filters))).all()
    by_facet: dict[str, list[FacetValue]] = {}
    for facet, value, label, n in rows:
        if n or facet == "stance":
            by_facet.setdefault(facet, []).append(
                FacetValue(value=value, label=label, count=n, selected=filters.selected(facet, value))
            )
    labels = filter_labels(session=session, filters=filters)
    facets = []
    for name in ("country", "supplier", "recipient", "category", "system", "stance", "claimant"):
        values = by_facet.get(name, [])
        present = {v.value for v in values}
        for value in getattr(filters, name):
            if value not in present:
                values.append(FacetValue(value=value, label=labels.get((name, value), value), count=0, selected=True))
        if name != "stance":
            values.sort(key=lambda v: (-v.count, v.label.lower()))
        truncated = len(values) > limit
        if truncated:
            values = values[:limit] + [v for v in values[limit:] if v.selected]
        facets.append(Facet(name=name, values=values, truncated=truncated))
    return facets


def _facet_index(session: Session) -> facet_index.FacetIndex | None:
    """The process's bitmap index at the request's data version (looked up once per request)."""
    memo = _memo(session)
    if "facet-index" not in memo:
        memo["facet-index"] = facet_index.for_version(session, data_version(session=session))
    return memo["facet-index"]


def _restriction(session: Session, filters: AllegationFilters, index: facet_index.FacetIndex) -> int | None:
    """The allegations within the dates and matching the search (the filters that are not
    facets) as a bitmap of `index`, or None when neither is set."""
    if not (filters.since or filters.until or filters.terms):
        return None
    bare = filters.model_copy(update={f: [] for f in FACETS})
    memo, key = _memo(session), ("restriction", bare.query_string())
    if key not in memo:  # facets and flows of one page share it
        memo[key] = index.bitmap_of(session.execute(select(A.c.id).where(*_where(session, bare))).scalars())
    return memo[key]


def filter_labels(*, session: Session, filters: AllegationFilters) -> dict[tuple[str, str], str]:
    """Display names of the filter's values: {("supplier", "IRN"): "Iran", ("category", "uav"): "Drones (UAVs)"}."""
    codes = {*filters.country, *filters.supplier, *filters.recipient, *filters.claimant}
    labels: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    if codes:
        names = dict(session.execute(select(ACT.c.code, ACT.c.name).where(ACT.c.code.in_(codes))).all())
    for facet in ("country", "supplier", "recipient", "claimant"):
        for code in getattr(filters, facet):
            if code in names:
                labels[(facet, code)] = names[code]
    if filters.category:
        for slug, label in session.execute(select(WC.c.slug, WC.c.label).where(WC.c.slug.in_(filters.category))):
            labels[("category", slug)] = label
    return labels


def flows(*, session: Session, filters: AllegationFilters, limit: int = 400) -> list[Flow]:
    """Supplier -> recipient pairs of the filtered allegations, by number of allegations."""
    index = _facet_index(session)
    if index is not None:
        found = index.flows(filters, _restriction(session, filters, index))
        ref = lambda code: ActorRef(code=code, name=index.actors[code][0], kind=index.actors[code][1])  # noqa: E731
        found.sort(key=lambda f: (-f[2], index.actors[f[0]][0], index.actors[f[1]][0]))
        return [Flow(supplier=ref(s), recipient=ref(r), count=n) for s, r, n in found[:limit]]
    n = func.count().label("n")
    per = (
        select(A.c.supplier_id, A.c.recipient_id, n)
        .where(*_where(session, filters))
        .group_by(A.c.supplier_id, A.c.recipient_id)
        .subquery()
    )
    rows = session.execute(
        select(SUP.c.code, SUP.c.name, SUP.c.kind, REC.c.code, REC.c.name, REC.c.kind, per.c.n)
        .select_from(per.join(SUP, SUP.c.id == per.c.supplier_id).join(REC, REC.c.id == per.c.recipient_id))
        .order_by(per.c.n.desc(), SUP.c.name, REC.c.name)
        .limit(limit)
    ).all()
    return [
        Flow(supplier=ActorRef(code=r[0], name=r[1], kind=r[2]), recipient=ActorRef(code=r[3], name=r[4], kind=r[5]),
             count=r[6])
        for r in rows
    ]


# -- statements ----------------------------------------------------------------------------

_STATEMENT_FROM = (
    S.join(ART, ART.c.id == S.c.article_id)
    .join(SA, SA.c.id == S.c.allegation_id)
    .join(SSUP, SSUP.c.id == SA.c.supplier_id)
    .join(SREC, SREC.c.id == SA.c.recipient_id)
    .join(SWC, SWC.c.slug == SA.c.category)
    .outerjoin(WS, WS.c.id == S.c.system_id)
    .outerjoin(CLM, CLM.c.id == S.c.claimant_id)
    .outerjoin(SPK, SPK.c.id == S.c.speaker_id)
)
_STATEMENT_COLUMNS = (
    S.c.id, S.c.stance, S.c.status, S.c.quote, S.c.start, S.c.end, S.c.quantity, S.c.allegation_id,
    WS.c.name.label("system"),
    CLM.c.code.label("clm_code"), CLM.c.name.label("clm_name"), CLM.c.kind.label("clm_kind"),
    SPK.c.code.label("spk_code"), SPK.c.name.label("spk_name"), SPK.c.kind.label("spk_kind"),
    SPK.c.role.label("spk_role"),
    ART.c.id.label("art_id"), ART.c.title, ART.c.outlet, ART.c.published, ART.c.source,
    SSUP.c.code.label("sup_code"), SSUP.c.name.label("sup_name"), SSUP.c.kind.label("sup_kind"),
    SREC.c.code.label("rec_code"), SREC.c.name.label("rec_name"), SREC.c.kind.label("rec_kind"),
    SWC.c.slug.label("cat_slug"), SWC.c.label.label("cat_label"),
)


def _statement(m: RowMapping, pair_denial: bool = False) -> StatementRow:
    return StatementRow(
        id=m["id"], stance=m["stance"], status=m["status"], quote=m["quote"], start=m["start"], end=m["end"],
        quantity=m["quantity"], system=m["system"],
        claimant=ActorRef(code=m["clm_code"], name=m["clm_name"], kind=m["clm_kind"]) if m["clm_code"] else None,
        speaker=ActorRef(code=m["spk_code"], name=m["spk_name"], kind=m["spk_kind"], role=m["spk_role"])
        if m["spk_code"] else None,
        article=ArticleRef(id=m["art_id"], title=m["title"], outlet=m["outlet"], published=m["published"],
                           source=m["source"]),
        allegation=AllegationBrief(
            id=m["allegation_id"],
            supplier=ActorRef(code=m["sup_code"], name=m["sup_name"], kind=m["sup_kind"]),
            recipient=ActorRef(code=m["rec_code"], name=m["rec_name"], kind=m["rec_kind"]),
            category=CategoryRef(slug=m["cat_slug"], label=m["cat_label"]),
        ),
        pair_denial=pair_denial,
    )


def _statements(session: Session, *where, order=None, limit: int | None = None, offset: int = 0) -> list[RowMapping]:
    """Statements matching `where` (clauses on the statement table) with everything shown beside them."""
    order = order or (S.c.published.asc().nulls_last(), S.c.article_id, S.c.start, S.c.id)
    if limit:
        # Cut the page on the statement table alone, then join the names for those rows only.
        where = (S.c.id.in_(select(S.c.id).where(*where).order_by(*order).limit(limit).offset(offset)),)
    stmt = select(*_STATEMENT_COLUMNS).select_from(_STATEMENT_FROM).where(*where).order_by(*order)
    return session.execute(stmt).mappings().all()


# -- detail pages --------------------------------------------------------------------------


def get_allegation(*, session: Session, allegation_id: int, stance: str | None = None, page: int = 1,
                   per_stance: int = 20, page_size: int = 100) -> AllegationDetail | None:
    """The allegation, its newest statements of each stance (or one page of one stance) and a
    monthly timeline of all of them; denials naming no weapon come from the pair's allegation."""
    row = session.execute(select(*_ROW_COLUMNS).select_from(LIST_FROM).where(A.c.id == allegation_id)).mappings().first()
    if row is None:
        return None
    systems = _systems_of(session, [allegation_id])
    # (allegation, stance) sources of the page's statements; each is one range of the
    # (allegation_id, stance, published) index, read newest first.
    sources = [(allegation_id, st) for st in STANCE_ORDER]
    if row["pair_id"] is not None:
        sources.append((row["pair_id"], "denies"))
    counts = {"alleges": row["n_alleges"], "denies": row["n_denies"], "confirms": row["n_confirms"]}
    if stance:
        pages = min(MAX_PAGE, max(1, math.ceil(counts.get(stance, 0) / page_size)))
        mine = or_(*(and_(S.c.allegation_id == a, S.c.stance == st) for a, st in sources if st == stance))
        rows = _statements(session, mine, order=NEWEST, limit=page_size, offset=(page - 1) * page_size)
    else:
        pages = 1
        newest = [
            select(S.c.id).where(S.c.allegation_id == a, S.c.stance == st).order_by(*NEWEST).limit(per_stance).subquery()
            for a, st in sources
        ]
        ids = union_all(*(select(sub.c.id) for sub in newest))
        taken: dict[str, int] = {}
        rows = []
        for m in _statements(session, S.c.id.in_(ids), order=NEWEST):  # own and pair denials, merged newest first
            taken[m["stance"]] = taken.get(m["stance"], 0) + 1
            if taken[m["stance"]] <= per_stance:
                rows.append(m)
    by_month: dict[str, TimelineBucket] = {}
    undated = 0
    month = func.substr(cast(S.c.published, String), 1, 7)  # YYYY-MM on SQLite and PostgreSQL
    per_month = session.execute(
        select(month, S.c.stance, func.count())
        .where(or_(*(and_(S.c.allegation_id == a, S.c.stance == st) for a, st in sources)))
        .group_by(month, S.c.stance)
    )
    for period, st, n in per_month:
        if period is None:
            undated += n
            continue
        bucket = by_month.setdefault(period, TimelineBucket(period=period))
        if st in STANCE_ORDER:
            setattr(bucket, st, getattr(bucket, st) + n)
    return AllegationDetail(
        allegation=_row(row, systems.get(allegation_id, [])),
        statements=[_statement(m, pair_denial=m["allegation_id"] != allegation_id) for m in rows],
        counts=counts,
        stance=stance,
        page=page,
        pages=pages,
        timeline=[by_month[k] for k in sorted(by_month)],
        undated=undated,
    )


def get_article(*, session: Session, article_id: int) -> ArticleDetail | None:
    art = session.execute(
        select(ART.c.id, ART.c.title, ART.c.outlet, ART.c.published, ART.c.source, ART.c.text).where(ART.c.id == article_id)
    ).mappings().first()
    if art is None:
        return None
    rows = _statements(session, S.c.article_id == article_id, order=(S.c.start, S.c.end.desc(), S.c.id))
    return ArticleDetail(
        article=ArticleRef(id=art["id"], title=art["title"], outlet=art["outlet"], published=art["published"],
                           source=art["source"]),
        text=art["text"],
        statements=[_statement(m) for m in rows],
    )


def get_actor(*, session: Session, code: str, page_size: int = 100) -> ActorDetail | None:
    aff = ACT.alias("aff")
    row = session.execute(
        select(ACT.c.id, ACT.c.code, ACT.c.name, ACT.c.kind, ACT.c.role,
               aff.c.code.label("aff_code"), aff.c.name.label("aff_name"), aff.c.kind.label("aff_kind"))
        .select_from(ACT.outerjoin(aff, aff.c.id == ACT.c.affiliation_id))
        .where(ACT.c.code == code)
    ).mappings().first()
    if row is None:
        return None
    supplies = list_allegations(session=session, filters=AllegationFilters(supplier=[code], size=100), page_size=page_size)
    receives = list_allegations(session=session, filters=AllegationFilters(recipient=[code], size=100), page_size=page_size)
    who = S.c.speaker_id == row["id"] if row["kind"] == "person" else S.c.claimant_id == row["id"]
    denials = _statements(session, who, S.c.stance == "denies", order=NEWEST, limit=page_size)
    claims = _statements(session, who, S.c.stance != "denies", order=NEWEST, limit=page_size)
    return ActorDetail(
        actor=ActorRef(code=row["code"], name=row["name"], kind=row["kind"], role=row["role"]),
        affiliation=ActorRef(code=row["aff_code"], name=row["aff_name"], kind=row["aff_kind"]) if row["aff_code"] else None,
        supplies=supplies.items,
        receives=receives.items,
        denials=[_statement(m) for m in denials],
        claims=[_statement(m) for m in claims],
    )


def get_weapon(*, session: Session, slug: str, page_size: int = 100) -> WeaponDetail | None:
    cat = session.execute(select(WC.c.slug, WC.c.label, WC.c.description).where(WC.c.slug == slug)).mappings().first()
    if cat is None:
        return None
    # Count per system first, then join: PostgreSQL cannot GROUP BY the JSON aliases column.
    per = (
        select(AS.c.system_id, func.count().label("na"), func.sum(AS.c.n_statements).label("ns"))
        .where(AS.c.system_id.in_(select(WS.c.id).where(WS.c.category == slug)))
        .group_by(AS.c.system_id)
        .subquery()
    )
    n_statements = func.coalesce(per.c.ns, 0)
    systems = session.execute(
        select(WS.c.name, WS.c.aliases, func.coalesce(per.c.na, 0), n_statements)
        .select_from(WS.outerjoin(per, per.c.system_id == WS.c.id))
        .where(WS.c.category == slug)
        .order_by(n_statements.desc(), WS.c.name)
    ).all()
    allegations = list_allegations(session=session, filters=AllegationFilters(category=[slug], size=100),
                                   page_size=page_size)
    return WeaponDetail(
        category=CategoryRef(slug=cat["slug"], label=cat["label"]),
        description=cat["description"],
        systems=[SystemCount(name=n, aliases=list(al or []), n_allegations=na, n_statements=ns)
                 for n, al, na, ns in systems],
        allegations=allegations.items,
    )


class CategoryCount(BaseModel):
    category: CategoryRef
    description: str
    n_allegations: int
    n_denied: int


def weapon_index(*, session: Session) -> list[CategoryCount]:
    """Every weapon category with its number of allegations and of denied ones (one query, or
    the facet index's bitmaps when it is current)."""
    index = _facet_index(session)
    if index is not None:
        denied = index.values["stance"]["denied"][1]
        counts = {slug: (bm.bit_count(), (bm & denied).bit_count()) for slug, (_, bm) in index.values["category"].items()}
        rows = [(slug, label, description, *counts.get(slug, (0, 0)))
                for slug, label, description in session.execute(select(WC.c.slug, WC.c.label, WC.c.description))]
        rows.sort(key=lambda r: (-r[3], r[1]))
    else:
        rows = _weapon_counts(session)
    return [CategoryCount(category=CategoryRef(slug=r[0], label=r[1]), description=r[2], n_allegations=r[3],
                          n_denied=r[4]) for r in rows]


def _weapon_counts(session: Session) -> list:
    per = (
        select(A.c.category, func.count().label("n"), func.sum(case((DENIES > 0, 1), else_=0)).label("denied"))
        .group_by(A.c.category)
        .subquery()
    )
    n = func.coalesce(per.c.n, 0)
    return session.execute(
        select(WC.c.slug, WC.c.label, WC.c.description, n, func.coalesce(per.c.denied, 0))
        .select_from(WC.outerjoin(per, per.c.category == WC.c.slug))
        .order_by(n.desc(), WC.c.label)
    ).all()


class ActorCount(BaseModel):
    actor: ActorRef
    n_supplies: int
    n_receives: int


def actor_index(*, session: Session) -> list[ActorCount]:
    """Actors that supply or receive in any allegation, busiest first (one query: each side is
    counted on its own index, then joined to the names)."""
    sup = select(A.c.supplier_id.label("actor_id"), func.count().label("n")).group_by(A.c.supplier_id).subquery()
    rec = select(A.c.recipient_id.label("actor_id"), func.count().label("n")).group_by(A.c.recipient_id).subquery()
    n_sup, n_rec = func.coalesce(sup.c.n, 0), func.coalesce(rec.c.n, 0)
    rows = session.execute(
        select(ACT.c.code, ACT.c.name, ACT.c.kind, n_sup, n_rec)
        .select_from(ACT.outerjoin(sup, sup.c.actor_id == ACT.c.id).outerjoin(rec, rec.c.actor_id == ACT.c.id))
        .where(or_(sup.c.n.is_not(None), rec.c.n.is_not(None)))
        .order_by((n_sup + n_rec).desc(), ACT.c.name)
    ).all()
    return [ActorCount(actor=ActorRef(code=r[0], name=r[1], kind=r[2]), n_supplies=r[3], n_receives=r[4])
            for r in rows]


def data_version(*, session: Session) -> tuple[int, int, int]:
    """Changes whenever ingest stores something (it only appends): a cheap validator for ETags."""
    return tuple(
        session.execute(
            select(
                select(func.coalesce(func.max(ART.c.id), 0)).scalar_subquery(),
                select(func.coalesce(func.max(S.c.id), 0)).scalar_subquery(),
                select(func.coalesce(func.max(A.c.id), 0)).scalar_subquery(),
            )
        ).one()
    )
