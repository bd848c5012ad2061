"""The two ways of counting allegations: the process's bitmap index, or SQL.

Totals, facet counts, flows and the weapon index are counts over the filtered allegations; the
bitmap engine also cuts the list's pages (which allegations, in order; SQL reads their rows).
`counting(session)` picks the engine once per request: `BitmapCounts` when the bitmap index is
current at the request's data version (a few ms whatever the filter), `SqlCounts` otherwise
(while the index is rebuilt, or when it is not due yet after an ingest commit). Both derive
every facet from its one description in `app.facets`, and the tests hold them equal.
"""
from __future__ import annotations

from sqlalchemy import case, func, literal, select, union_all
from sqlmodel import Session

from app import facet_index
from app.facets import ACT, DENIES, FACETS, VISIBLE, A
from app.filters import AllegationFilters
from app.queries import request
from app.queries.records import ActorRef
from app.vocab import Answer

SUP = ACT.alias("sup")
REC = ACT.alias("rec")
FacetRow = tuple[str, str, str, int]  # (facet, value, label, allegations)
FlowRow = tuple[ActorRef, ActorRef, int]


class SqlCounts:
    """Counts as SQL GROUP BYs over the filtered allegations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def total(self, filters: AllegationFilters) -> int:
        stmt = select(func.count()).select_from(A).where(*request.where(self.session, filters))
        return self.session.execute(stmt).scalar_one()

    def facet_selects(self, filters: AllegationFilters):
        """One SELECT (facet, value, label, n) per facet: each facet's keys counted under every
        filter but its own, then joined to the names of the values found."""
        for facet in FACETS:
            keyed = facet.keyed(request.where(self.session, filters, exclude=facet.name)).subquery()
            per = select(keyed.c.vid, func.count().label("n")).group_by(keyed.c.vid).subquery()
            name = literal(facet.name).label("facet")
            vocabulary = facet.vocabulary
            if vocabulary is None:
                yield select(name, per.c.vid.label("value"), per.c.vid.label("label"), per.c.n)
            else:
                yield (select(name, vocabulary.value.label("value"), vocabulary.label.label("label"), per.c.n)
                       .select_from(per.join(vocabulary.table, vocabulary.key == per.c.vid)))

    def facet_rows(self, filters: AllegationFilters) -> list[FacetRow]:
        return [tuple(r) for r in self.session.execute(union_all(*self.facet_selects(filters))) if r[3]]

    def flows(self, filters: AllegationFilters, limit: int) -> list[FlowRow]:
        n = func.count().label("n")
        per = (
            select(A.c.supplier_id, A.c.recipient_id, n)
            .where(*request.where(self.session, filters))
            .group_by(A.c.supplier_id, A.c.recipient_id)
            .subquery()
        )
        rows = self.session.execute(
            select(SUP.c.code, SUP.c.name, SUP.c.kind, REC.c.code, REC.c.name, REC.c.kind, per.c.n)
            .select_from(per.join(SUP, SUP.c.id == per.c.supplier_id).join(REC, REC.c.id == per.c.recipient_id))
            .order_by(per.c.n.desc(), SUP.c.name, REC.c.name)
            .limit(limit)
        ).all()
        return [(ActorRef(code=r[0], name=r[1], kind=r[2]), ActorRef(code=r[3], name=r[4], kind=r[5]), r[6])
                for r in rows]

    def page_ids(self, filters: AllegationFilters, offset: int, size: int) -> list[int] | None:
        """Ids of one page of the list in its order; None: let the list's own query cut the page."""
        return None

    def categories(self) -> dict[str, tuple[int, int]]:
        """slug -> (allegations, denied allegations)."""
        rows = self.session.execute(
            select(A.c.category, func.count(), func.sum(case((DENIES > 0, 1), else_=0)))
            .where(VISIBLE).group_by(A.c.category)
        )
        return {slug: (n, denied) for slug, n, denied in rows}


class BitmapCounts:
    """Counts as AND + popcount over the process's bitmap index (see `app.facet_index`)."""

    def __init__(self, session: Session, index: facet_index.FacetIndex) -> None:
        self.session, self.index = session, index

    def _restrict(self, filters: AllegationFilters) -> int | None:
        return request.restriction(self.session, filters, self.index)

    def total(self, filters: AllegationFilters) -> int:
        return self.index.matching(filters, self._restrict(filters)).bit_count()

    def facet_rows(self, filters: AllegationFilters) -> list[FacetRow]:
        return self.index.counts(filters, self._restrict(filters))

    def flows(self, filters: AllegationFilters, limit: int) -> list[FlowRow]:
        # One record per actor for the index's lifetime: a broad filter has hundreds of flows.
        refs = self.index.memo.get("actor-refs")
        if refs is None:
            refs = self.index.memo["actor-refs"] = {
                code: ActorRef(code=code, name=name, kind=kind) for code, (name, kind) in self.index.actors.items()}
        return [(refs[s], refs[r], n) for s, r, n in self.index.top_flows(filters, self._restrict(filters), limit)]

    def page_ids(self, filters: AllegationFilters, offset: int, size: int) -> list[int] | None:
        return self.index.page(self.index.matching(filters, self._restrict(filters)), filters.sort_key, offset, size)

    def categories(self) -> dict[str, tuple[int, int]]:
        denied = self.index.values["stance"].get(Answer.denied, ("", 0))[1]
        shown = self.index.all
        return {slug: ((bm & shown).bit_count(), (bm & shown & denied).bit_count())
                for slug, (_, bm) in self.index.values["category"].items()}


def counting(session: Session) -> SqlCounts | BitmapCounts:
    """The request's counting engine (chosen once per request, see the module's docstring)."""
    found = request.memo(session)
    if "counting" not in found:
        index = request.bitmap_index(session)
        found["counting"] = SqlCounts(session) if index is None else BitmapCounts(session, index)
    return found["counting"]
