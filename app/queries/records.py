"""The records the pages and the JSON API are made of, and how a row of SQL becomes one.

A `Shape` names the columns a record is read from; it gives the labelled columns to SELECT
and reads them back into the record, so each record's mapping is written once however many
queries produce it. Records used by one page only sit in that page's module.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import ColumnElement

from app.vocab import Review, Stance, Status

M = TypeVar("M", bound=BaseModel)


class ActorRef(BaseModel):
    code: str
    name: str
    kind: str
    role: str | None = None


class CategoryRef(BaseModel):
    slug: str
    label: str


class ArticleRef(BaseModel):
    id: int
    title: str | None
    outlet: str | None
    published: date | None
    source: str


class Hit(BaseModel):
    """A quote of the allegation matching the search."""

    statement_id: int
    article_id: int
    stance: Stance
    quote: str


class QuoteRef(BaseModel):
    """A statement in brief, as the list shows it under an allegation."""

    statement_id: int
    article_id: int
    stance: Stance
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
    status: Status = Field(description="delivered | planned | unknown")
    n_articles: int = Field(description="Distinct articles with a statement on it")
    n_sources: int = Field(description="Independent origins among those articles: syndicated and near-duplicate "
                                       "copies of one story count once")
    n_statements: int
    n_alleges: int
    n_denies: int = Field(description="Denials, counting the pair's weapon-unspecified denials")
    n_pair_denies: int = Field(description="Of n_denies, those from a weapon-unspecified denial of the pair")
    n_confirms: int
    n_verified: int = Field(0, description="Statements an editor verified")
    first_reported: date | None
    last_reported: date | None
    denied: bool
    confirmed: bool
    pair_allegation_id: int | None = Field(description="The pair's unspecified allegation, whose denials apply here")
    hits: list[Hit] = Field(default_factory=list, description="Quotes matching q (empty without q)")
    latest: list[QuoteRef] = Field(
        default_factory=list, description="The newest statement of each stance (list endpoints only)"
    )


class AllegationBrief(BaseModel):
    id: int
    supplier: ActorRef
    recipient: ActorRef
    category: CategoryRef


class StatementRow(BaseModel):
    id: int
    stance: Stance = Field(description="alleges | denies | confirms")
    status: Status
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
    review: Review = Field(Review.unreviewed, description="unreviewed | verified (rejected ones are shown to editors only)")


class Shape(Generic[M]):
    """A record read from labelled columns: `Shape(ActorRef, "sup", code=SUP.c.code, ...)`.

    Fields given as another Shape are read from its columns (nested records); `optional` makes
    the record None when its first column is NULL (an outer join that found nothing)."""

    def __init__(self, model: type[M], prefix: str, *, optional: bool = False,
                 **fields: ColumnElement[Any] | Shape) -> None:
        self.model, self.optional = model, optional
        self.fields: dict[str, str | Shape] = {}
        self.columns: list[ColumnElement[Any]] = []
        for name, source in fields.items():
            if isinstance(source, Shape):
                self.fields[name] = source
                self.columns += source.columns
            else:
                label = f"{prefix}_{name}"
                self.fields[name] = label
                self.columns.append(source.label(label))
        self._first = next(iter(self.fields.values()))

    def read(self, m: RowMapping, **extra: Any) -> M | None:
        if self.optional and isinstance(self._first, str) and m[self._first] is None:
            return None
        values = {name: (source.read(m) if isinstance(source, Shape) else m[source])
                  for name, source in self.fields.items()}
        return self.model(**values, **extra)


def actor_shape(prefix: str, actor, *, optional: bool = False, role: bool = False) -> Shape[ActorRef]:
    """An actor as an `ActorRef` from the table (or alias) `actor`."""
    cols = {"code": actor.c.code, "name": actor.c.name, "kind": actor.c.kind}
    if role:
        cols["role"] = actor.c.role
    return Shape(ActorRef, prefix, optional=optional, **cols)


def category_shape(prefix: str, category) -> Shape[CategoryRef]:
    return Shape(CategoryRef, prefix, slug=category.c.slug, label=category.c.label)


def article_shape(prefix: str, article) -> Shape[ArticleRef]:
    return Shape(ArticleRef, prefix, id=article.c.id, title=article.c.title, outlet=article.c.outlet,
                 published=article.c.published, source=article.c.source)
