"""The actor pages: one actor's supplies, receipts, denials and claims; the index of actors."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from app.facets import ACT, VISIBLE, A
from app.filters import PUBLIC, AllegationFilters, S
from app.queries.listing import list_allegations
from app.queries.records import ActorRef, AllegationRow, StatementRow, actor_shape
from app.queries.statements import NEWEST, statement, statements
from app.vocab import Stance

AFF = ACT.alias("aff")
ACTOR = actor_shape("act", ACT, role=True)
AFFILIATION = actor_shape("aff", AFF, optional=True)


class ActorDetail(BaseModel):
    actor: ActorRef
    affiliation: ActorRef | None
    supplies: list[AllegationRow]
    receives: list[AllegationRow]
    denials: list[StatementRow]
    claims: list[StatementRow] = Field(description="Statements it (or, for a person, they) made; newest first")


class ActorCount(BaseModel):
    actor: ActorRef
    n_supplies: int
    n_receives: int


def get_actor(*, session: Session, code: str, page_size: int = 100) -> ActorDetail | None:
    """The actor with the allegations it supplies and receives and the statements it made
    (rejected ones left out)."""
    row = session.execute(
        select(ACT.c.id, *ACTOR.columns, *AFFILIATION.columns)
        .select_from(ACT.outerjoin(AFF, AFF.c.id == ACT.c.affiliation_id))
        .where(ACT.c.code == code)
    ).mappings().first()
    if row is None:
        return None
    supplies = list_allegations(session=session, filters=AllegationFilters(supplier=[code], size=100), page_size=page_size)
    receives = list_allegations(session=session, filters=AllegationFilters(recipient=[code], size=100), page_size=page_size)
    who = and_(S.c.speaker_id == row["id"] if row["act_kind"] == "person" else S.c.claimant_id == row["id"], PUBLIC)
    denials = statements(session, who, S.c.stance == Stance.denies.value, order=NEWEST, limit=page_size)
    claims = statements(session, who, S.c.stance != Stance.denies.value, order=NEWEST, limit=page_size)
    return ActorDetail(
        actor=ACTOR.read(row), affiliation=AFFILIATION.read(row), supplies=supplies.items, receives=receives.items,
        denials=[statement(m) for m in denials], claims=[statement(m) for m in claims],
    )


def actor_index(*, session: Session) -> list[ActorCount]:
    """Actors that supply or receive in any allegation, busiest first (one query: each side is
    counted on its own index, then joined to the names)."""
    sup = (select(A.c.supplier_id.label("actor_id"), func.count().label("n")).where(VISIBLE)
           .group_by(A.c.supplier_id).subquery())
    rec = (select(A.c.recipient_id.label("actor_id"), func.count().label("n")).where(VISIBLE)
           .group_by(A.c.recipient_id).subquery())
    n_sup, n_rec = func.coalesce(sup.c.n, 0), func.coalesce(rec.c.n, 0)
    plain = actor_shape("act", ACT)
    rows = session.execute(
        select(*plain.columns, n_sup.label("n_sup"), n_rec.label("n_rec"))
        .select_from(ACT.outerjoin(sup, sup.c.actor_id == ACT.c.id).outerjoin(rec, rec.c.actor_id == ACT.c.id))
        .where(or_(sup.c.n.is_not(None), rec.c.n.is_not(None)))
        .order_by((n_sup + n_rec).desc(), ACT.c.name)
    ).mappings()
    return [ActorCount(actor=plain.read(r), n_supplies=r["n_sup"], n_receives=r["n_rec"]) for r in rows]
