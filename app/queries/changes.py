"""The changes to the filtered allegations, newest first: the entries of `/feed.atom`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlmodel import Session

from app.alerts import CHANGE
from app.facets import WC, A
from app.filters import ART, PUBLIC, AllegationFilters, S
from app.queries import request
from app.queries.engines import REC, SUP
from app.vocab import ChangeKind

FEED_ENTRIES = 50


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    allegation_id: int
    statement_id: int
    recorded_at: datetime  # UTC
    supplier: str
    recipient: str
    category: str  # the category's label
    quote: str
    article_id: int
    outlet: str | None
    title: str | None
    published: date | None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def list_changes(*, session: Session, filters: AllegationFilters, limit: int = FEED_ENTRIES) -> list[Change]:
    """The latest `limit` changes to the allegations the filters match (as the list matches them
    now), caused by public statements; sort and page do not apply."""
    request.check_search(session, filters)
    rows = session.execute(
        select(CHANGE.c.kind, CHANGE.c.allegation_id, CHANGE.c.statement_id, CHANGE.c.recorded_at,
               SUP.c.name, REC.c.name, WC.c.label, S.c.quote, ART.c.id, ART.c.outlet, ART.c.title, ART.c.published)
        .select_from(CHANGE.join(A, A.c.id == CHANGE.c.allegation_id)
                     .join(S, S.c.id == CHANGE.c.statement_id).join(ART, ART.c.id == S.c.article_id)
                     .join(SUP, SUP.c.id == A.c.supplier_id).join(REC, REC.c.id == A.c.recipient_id)
                     .join(WC, WC.c.slug == A.c.category))
        .where(PUBLIC, *request.where(session, filters))
        .order_by(CHANGE.c.recorded_at.desc(), CHANGE.c.id.desc())
        .limit(limit)
    ).all()
    return [Change(ChangeKind(r[0]), r[1], r[2], _utc(r[3]), *r[4:]) for r in rows]


def last_change(*, session: Session) -> datetime | None:
    """When the ledger last recorded a change (a feed with no entry is as old as that)."""
    found = session.execute(select(func.max(CHANGE.c.recorded_at))).scalar()
    return _utc(found) if found is not None else None
