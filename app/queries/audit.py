"""The audit page and API: every change (who, when, what before and after, why), newest first,
filtered by user, allegation or statement; and the orphaned decisions (a human decision whose
statement the extractor no longer makes)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlmodel import Session

from app.facets import ACT, WC, A
from app.filters import ART, S
from app.models import Account, AuditEvent, Decision

AUDIT = AuditEvent.__table__
ACCOUNT = Account.__table__
DECISION = Decision.__table__
SUP, REC = ACT.alias("asup"), ACT.alias("arec")


class AuditRow(BaseModel):
    id: int
    at: datetime
    user: str | None = Field(description="Who made the change (None: a command-line job such as reextract)")
    action: str = Field(description="verify | reject | reopen | edit | move | merge | undo | reextract")
    statement_id: int | None
    quote: str | None = Field(description="The statement's quote now")
    allegation_id: int | None = Field(description="The statement's allegation before the change")
    allegation: str | None = Field(description="That allegation in words")
    target_allegation_id: int | None = Field(description="Its allegation after, when it moved")
    changes: dict[str, list] = Field(description="{field: [before, after]}")
    reason: str | None
    undoes_id: int | None
    undone_by_id: int | None


class OrphanRow(BaseModel):
    id: int
    article_id: int
    article: str | None
    quote: str
    stance: str
    supplier: str
    recipient: str
    category: str
    review: str
    reason: str | None
    edits: dict


def audit_events(*, session: Session, user: str | None = None, allegation: int | None = None,
                 statement: int | None = None, before: int | None = None, limit: int = 100) -> list[AuditRow]:
    """Audit events newest first (`before`: ids below this one, for the next page)."""
    where = []
    if user:
        where.append(ACCOUNT.c.name == user)
    if allegation is not None:
        where.append(or_(AUDIT.c.allegation_id == allegation, AUDIT.c.target_allegation_id == allegation))
    if statement is not None:
        where.append(AUDIT.c.statement_id == statement)
    if before is not None:
        where.append(AUDIT.c.id < before)
    rows = session.execute(
        select(AUDIT, ACCOUNT.c.name.label("user"), S.c.quote, SUP.c.name.label("sup"), REC.c.name.label("rec"),
               WC.c.label.label("cat"))
        .select_from(AUDIT.outerjoin(ACCOUNT, ACCOUNT.c.id == AUDIT.c.account_id)
                     .outerjoin(S, S.c.id == AUDIT.c.statement_id)
                     .outerjoin(A, A.c.id == AUDIT.c.allegation_id)
                     .outerjoin(SUP, SUP.c.id == A.c.supplier_id).outerjoin(REC, REC.c.id == A.c.recipient_id)
                     .outerjoin(WC, WC.c.slug == A.c.category))
        .where(*where).order_by(AUDIT.c.id.desc()).limit(limit)
    ).mappings()
    return [AuditRow(
        id=r["id"], at=r["at"], user=r["user"], action=r["action"], statement_id=r["statement_id"], quote=r["quote"],
        allegation_id=r["allegation_id"], allegation=f"{r['sup']} → {r['rec']}: {r['cat']}" if r["sup"] else None,
        target_allegation_id=r["target_allegation_id"], changes=r["changes"] or {}, reason=r["reason"],
        undoes_id=r["undoes_id"], undone_by_id=r["undone_by_id"],
    ) for r in rows]


def orphaned_decisions(*, session: Session, limit: int = 500) -> list[OrphanRow]:
    """Decisions no statement matches since the extractor last ran over their article."""
    rows = session.execute(
        select(DECISION, ART.c.title).select_from(DECISION.join(ART, ART.c.id == DECISION.c.article_id))
        .where(DECISION.c.statement_id.is_(None)).order_by(DECISION.c.id).limit(limit)
    ).mappings()
    return [OrphanRow(id=r["id"], article_id=r["article_id"], article=r["title"], quote=r["quote"], stance=r["stance"],
                      supplier=r["supplier"], recipient=r["recipient"], category=r["category"], review=r["review"],
                      reason=r["reason"], edits=r["edits"] or {}) for r in rows]
