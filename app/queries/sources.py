"""The watched sources (the /sources page and `armswatch sources list`): each with its last poll,
status, last error and new articles per day."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.models import SourcePoll, WatchedSource

SOURCE = WatchedSource.__table__
POLL = SourcePoll.__table__
PER_DAY_WINDOW = timedelta(days=7)


class SourceRow(BaseModel):
    id: int
    url: str
    name: str | None
    every_seconds: int
    status: str
    last_poll_at: datetime | None
    next_poll_at: datetime | None
    last_error: str | None
    failures: int
    articles_stored: int
    per_day: float  # new articles per day over the last 7 days (or since the source was added)


def list_sources(*, session: Session | Connection, now: datetime | None = None) -> list[SourceRow]:
    now = now or datetime.now(timezone.utc)
    since = now - PER_DAY_WINDOW
    recent = (
        select(POLL.c.source_id, func.sum(POLL.c.new_articles).label("recent"))
        .where(POLL.c.polled_at >= since)
        .group_by(POLL.c.source_id)
        .subquery()
    )
    rows = session.execute(
        select(SOURCE, func.coalesce(recent.c.recent, 0).label("recent"))
        .select_from(SOURCE.outerjoin(recent, recent.c.source_id == SOURCE.c.id))
        .order_by(SOURCE.c.id)
    ).mappings().all()
    out = []
    for r in rows:
        added = r["added_at"] if r["added_at"].tzinfo else r["added_at"].replace(tzinfo=timezone.utc)
        days = max(min((now - added), PER_DAY_WINDOW) / timedelta(days=1), 1.0)
        out.append(SourceRow(per_day=round(r["recent"] / days, 1),
                             **{k: r[k] for k in SourceRow.model_fields if k != "per_day"}))
    return out
