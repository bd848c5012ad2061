"""The weapon pages: a category with its named systems and allegations; the index of categories."""
from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from app.facets import WC
from app.filters import AS, WS, AllegationFilters
from app.queries.engines import counting
from app.queries.listing import list_allegations
from app.queries.records import AllegationRow, CategoryRef, category_shape

CATEGORY = category_shape("cat", WC)


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


class CategoryCount(BaseModel):
    category: CategoryRef
    description: str
    n_allegations: int
    n_denied: int


def get_weapon(*, session: Session, slug: str, page_size: int = 100) -> WeaponDetail | None:
    cat = session.execute(select(*CATEGORY.columns, WC.c.description).where(WC.c.slug == slug)).mappings().first()
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
        category=CATEGORY.read(cat),
        description=cat["description"],
        systems=[SystemCount(name=n, aliases=list(al or []), n_allegations=na, n_statements=ns)
                 for n, al, na, ns in systems],
        allegations=allegations.items,
    )


def weapon_index(*, session: Session) -> list[CategoryCount]:
    """Every weapon category with its number of allegations and of denied ones, most first."""
    counts = counting(session).categories()
    rows = session.execute(select(*CATEGORY.columns, WC.c.description)).mappings()
    out = [CategoryCount(category=CATEGORY.read(r), description=r["description"],
                         n_allegations=counts.get(r["cat_slug"], (0, 0))[0], n_denied=counts.get(r["cat_slug"], (0, 0))[1])
           for r in rows]
    out.sort(key=lambda c: (-c.n_allegations, c.category.label))
    return out
