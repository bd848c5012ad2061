"""The list page's filter column and flow picture: facet counts, the flows, the filter's labels."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session

from app import facets
from app.filters import AllegationFilters
from app.queries.engines import counting
from app.queries.records import ActorRef


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


def facet_counts(*, session: Session, filters: AllegationFilters, limit: int = 40) -> list[Facet]:
    """Counts of allegations per value of every facet.

    Disjunctive: each facet is counted under every filter but its own. Each facet lists its
    `limit` commonest values; selected values are always listed (with 0 when nothing matches)
    so they can be switched off, and so are the values of a fixed facet (stance), in their
    order. `truncated` says a facet had more values."""
    # (label, count) of each value; records are made for the listed values only.
    by_facet: dict[str, dict[str, tuple[str, int]]] = {f.name: {} for f in facets.FACETS}
    for facet, value, label, n in counting(session).facet_rows(filters):
        by_facet[facet][value] = (label, n)
    labels = filter_labels(session=session, filters=filters)
    out = []
    for facet in facets.FACETS:
        found, chosen = by_facet[facet.name], getattr(filters, facet.name)
        for value in (*facet.fixed, *chosen):
            if value not in found:
                found[value] = (labels.get((facet.name, value), value), 0)
        if facet.fixed:
            listed = [*facet.fixed, *(k for k in found if k not in facet.fixed)]
        else:
            listed = sorted(found, key=lambda k: (-found[k][1], found[k][0].lower()))
        truncated = len(listed) > limit
        if truncated:
            listed = listed[:limit] + [k for k in listed[limit:] if k in chosen]
        values = [FacetValue(value=k, label=found[k][0], count=found[k][1], selected=k in chosen) for k in listed]
        out.append(Facet(name=facet.name, values=values, truncated=truncated))
    return out


def filter_labels(*, session: Session, filters: AllegationFilters) -> dict[tuple[str, str], str]:
    """Display names of the filter's values: {("supplier", "IRN"): "Iran", ("category", "uav"): "Drones (UAVs)"}."""
    labels: dict[tuple[str, str], str] = {}
    wanted: dict[facets.Vocabulary, set[str]] = {}
    for facet in facets.FACETS:
        if facet.vocabulary is not None and facet.vocabulary.label is not facet.vocabulary.value:
            wanted.setdefault(facet.vocabulary, set()).update(getattr(filters, facet.name))
    names: dict[facets.Vocabulary, dict[str, str]] = {}
    for vocabulary, values in wanted.items():
        if values:
            names[vocabulary] = dict(session.execute(
                select(vocabulary.value, vocabulary.label).where(vocabulary.value.in_(values))).all())
    for facet in facets.FACETS:
        for value in getattr(filters, facet.name):
            if value in names.get(facet.vocabulary, {}):
                labels[(facet.name, value)] = names[facet.vocabulary][value]
    return labels


def flows(*, session: Session, filters: AllegationFilters, limit: int = 400) -> list[Flow]:
    """Supplier -> recipient pairs of the filtered allegations, by number of allegations."""
    # A broad filter has hundreds: pydantic's validating constructor is the fast one (~1.6 µs a
    # Flow, model_construct ~3.6 µs), the ActorRefs are taken as they are.
    return [Flow(supplier=s, recipient=r, count=n) for s, r, n in counting(session).flows(filters, limit)]
