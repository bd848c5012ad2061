"""The allegation page: the allegation, its newest statements of each stance (or one page of
one stance), and a monthly timeline of all of them."""
from __future__ import annotations

import math

from pydantic import BaseModel, Field
from sqlalchemy import String, and_, cast, func, or_, select, union_all
from sqlmodel import Session

from app.facets import A
from app.filters import MAX_PAGE, PUBLIC, S
from app.queries.listing import allegation_row, rows_of, systems_of
from app.queries.records import AllegationRow, StatementRow
from app.queries.statements import NEWEST, statement, statements
from app.vocab import STANCE_ORDER, Stance


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
    stance: Stance | None = Field(description="The stance listed in full, page by page")
    page: int
    pages: int
    timeline: list[TimelineBucket] = Field(description="Statements per month of their article's date")
    undated: int = Field(description="Statements whose article has no date")


def get_allegation(*, session: Session, allegation_id: int, stance: str | None = None, page: int = 1,
                   per_stance: int = 20, page_size: int = 100, rejected: bool = False) -> AllegationDetail | None:
    """The allegation, its newest statements of each stance (or one page of one stance) and a
    monthly timeline of all of them; denials naming no weapon come from the pair's allegation.
    Rejected statements are listed only when `rejected` (for editors); they never count."""
    shown = [] if rejected else [PUBLIC]
    found = rows_of(session, A.c.id == allegation_id)
    if not found:
        return None
    row = allegation_row(found[0], systems_of(session, [allegation_id]).get(allegation_id, []))
    # (allegation, stance) sources of the page's statements; each is one range of the
    # (allegation_id, stance, published) index, read newest first.
    sources = [(allegation_id, st) for st in STANCE_ORDER]
    if row.pair_allegation_id is not None:
        sources.append((row.pair_allegation_id, Stance.denies))
    counts = {Stance.alleges: row.n_alleges, Stance.denies: row.n_denies, Stance.confirms: row.n_confirms}
    if stance:
        pages = min(MAX_PAGE, max(1, math.ceil(counts.get(stance, 0) / page_size)))
        mine = and_(or_(*(and_(S.c.allegation_id == a, S.c.stance == st) for a, st in sources if st == stance)), *shown)
        rows = statements(session, mine, order=NEWEST, limit=page_size, offset=(page - 1) * page_size)
    else:
        pages = 1
        newest = [
            select(S.c.id).where(S.c.allegation_id == a, S.c.stance == st, *shown).order_by(*NEWEST)
            .limit(per_stance).subquery()
            for a, st in sources
        ]
        ids = union_all(*(select(sub.c.id) for sub in newest))
        taken: dict[str, int] = {}
        rows = []
        for m in statements(session, ids=ids, order=NEWEST):  # own and pair denials, merged newest first
            taken[m["s_stance"]] = taken.get(m["s_stance"], 0) + 1
            if taken[m["s_stance"]] <= per_stance:
                rows.append(m)
    timeline, undated = _timeline(session, sources)
    return AllegationDetail(
        allegation=row,
        statements=[statement(m, pair_denial=m["al_id"] != allegation_id) for m in rows],
        counts={str(k): v for k, v in counts.items()},
        stance=stance,
        page=page,
        pages=pages,
        timeline=timeline,
        undated=undated,
    )


def _timeline(session: Session, sources: list[tuple[int, str]]) -> tuple[list[TimelineBucket], int]:
    """Statements per month of these (allegation, stance) sources, and how many are undated."""
    by_month: dict[str, TimelineBucket] = {}
    undated = 0
    month = func.substr(cast(S.c.published, String), 1, 7)  # YYYY-MM on SQLite and PostgreSQL
    per_month = session.execute(
        select(month, S.c.stance, func.count())
        .where(or_(*(and_(S.c.allegation_id == a, S.c.stance == st) for a, st in sources)), PUBLIC)
        .group_by(month, S.c.stance)
    )
    for period, st, n in per_month:
        if period is None:
            undated += n
            continue
        bucket = by_month.setdefault(period, TimelineBucket(period=period))
        if st in STANCE_ORDER:
            setattr(bucket, st, getattr(bucket, st) + n)
    return [by_month[k] for k in sorted(by_month)], undated
