"""Statements with everything shown beside them (article, allegation, claimant, speaker), in
one joined query: what the allegation, article and actor pages list."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlmodel import Session

from app.facets import ACT, WC, A
from app.filters import ART, WS, S
from app.queries.records import AllegationBrief, Shape, StatementRow, actor_shape, article_shape, category_shape

SA = A.alias("sa")  # a statement's own allegation, when statements of several are listed
SSUP = ACT.alias("ssup")
SREC = ACT.alias("srec")
SWC = WC.alias("swc")
CLM = ACT.alias("sclm")
SPK = ACT.alias("spk")
# Newest first by the article's date (copied onto the statement), undated last on every database.
NEWEST = (S.c.published.desc().nulls_last(), S.c.id.desc())



def _joined(statements):
    """The statements with everything shown beside them, joined left to right from `statements`."""
    return (
        statements.join(ART, ART.c.id == S.c.article_id)
        .join(SA, SA.c.id == S.c.allegation_id)
        .join(SSUP, SSUP.c.id == SA.c.supplier_id)
        .join(SREC, SREC.c.id == SA.c.recipient_id)
        .join(SWC, SWC.c.slug == SA.c.category)
        .outerjoin(WS, WS.c.id == S.c.system_id)
        .outerjoin(CLM, CLM.c.id == S.c.claimant_id)
        .outerjoin(SPK, SPK.c.id == S.c.speaker_id)
    )


FROM = _joined(S)
STATEMENT = Shape(
    StatementRow, "s",
    id=S.c.id, stance=S.c.stance, status=S.c.status, quote=S.c.quote, start=S.c.start, end=S.c.end,
    quantity=S.c.quantity, system=WS.c.name, review=S.c.review,
    claimant=actor_shape("clm", CLM, optional=True), speaker=actor_shape("spk", SPK, optional=True, role=True),
    article=article_shape("art", ART),
    allegation=Shape(AllegationBrief, "al", id=S.c.allegation_id, supplier=actor_shape("sup", SSUP),
                     recipient=actor_shape("rec", SREC), category=category_shape("cat", SWC)),
)


def statements(session: Session, *where, ids=None, order=None, limit: int | None = None,
               offset: int = 0) -> list[RowMapping]:
    """Rows of the statements matching `where` (clauses on the statement table), or of the
    statement ids a SELECT `ids` gives; read each with `statement()`."""
    order = order or (S.c.published.asc().nulls_last(), S.c.article_id, S.c.start, S.c.id)
    if limit:
        # Cut the page on the statement table alone, then join the names for those rows only.
        ids = select(S.c.id).where(*where).order_by(*order).limit(limit).offset(offset)
    if ids is None:
        stmt = select(*STATEMENT.columns).select_from(FROM).where(*where)
    else:
        # The join starts from the few ids: PostgreSQL planned `id IN (...)` as a join of every
        # statement with its names, filtered last (100 ms for 20 statements at 5k articles).
        picked = ids.subquery("picked")
        stmt = select(*STATEMENT.columns).select_from(_joined(picked.join(S, S.c.id == picked.c.id)))
    return session.execute(stmt.order_by(*order)).mappings().all()


def statement(m: RowMapping, pair_denial: bool = False) -> StatementRow:
    return STATEMENT.read(m, pair_denial=pair_denial)
