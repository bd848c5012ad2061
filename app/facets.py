"""Every facet of the allegation list, described once.

A facet is a URL parameter (`?supplier=IRN&supplier=PRK`) that narrows the list and whose
values the filter column counts. Its entry in `FACETS` says which allegations hold which of
its values, in one of three shapes:

- `OnColumns`: a column of the allegation itself (supplier, recipient, category), or several,
  any of which may hold the value (country: supplier or recipient);
- `InTally`: a table kept by ingest with one row per (allegation, value) (named system, claimant);
- `ByPredicate`: a fixed list of values, each a condition on the allegation (denied, confirmed,
  undenied).

Everything else is derived from that entry, so the ways of reading a facet cannot drift apart:
`clause()` is the SQL where-clause of a filter (`AllegationFilters.where`), `keyed()` the rows
the SQL facet counts group by (`queries.engines.SqlCounts`), and `members()` the (allegation,
value) pairs the bitmap index is built from (`app.facet_index`). A test holds the three equal
for every entry of the table, so a new facet is one entry here.

Values are named through a `Vocabulary`: rows hold a key (an actor id), the URL carries a value
(its code) and the page shows a label (its name).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, literal, or_, select, union_all
from sqlalchemy.sql.schema import Column, Table

from app.models import Actor, Allegation, AllegationClaimant, AllegationSystem, WeaponCategory, WeaponSystem
from app.vocab import Answer, Review

A = Allegation.__table__
ACT = Actor.__table__
WS = WeaponSystem.__table__
WC = WeaponCategory.__table__
AS = AllegationSystem.__table__
AC = AllegationClaimant.__table__
# An allegation with a statement nobody rejected: the public lists, counts and flows show these only.
# Tallies (InTally) hold no row for the others, so their facets need not repeat the clause.
VISIBLE = A.c.n_statements > 0
# Denials of an allegation, counting its pair's weapon-unspecified ones (both kept by ingest).
DENIES = A.c.n_denies + A.c.n_pair_denies
# The same sum, written so that the planner does not read the "most denied" index for a filter:
# most allegations have a denial, and walking that index costs a table lookup per row.
DENIES_FILTER = A.c.n_pair_denies + A.c.n_denies


@dataclass(frozen=True)
class Vocabulary:
    """Where a facet's values are named: rows hold `key`, the URL carries `value`, pages show `label`."""

    table: Table
    key: Column
    value: Column
    label: Column

    def keys(self, values: Sequence[str]):
        """The keys of these URL values (the values themselves when the key is the value)."""
        if self.key is self.value:
            return list(values)
        return select(self.key).where(self.value.in_(values)).scalar_subquery()

    def names(self) -> Select:
        """(key, value, label) of every value."""
        return select(self.key, self.value, self.label)


ACTORS = Vocabulary(ACT, ACT.c.id, ACT.c.code, ACT.c.name)
CATEGORIES = Vocabulary(WC, WC.c.slug, WC.c.slug, WC.c.label)
SYSTEMS = Vocabulary(WS, WS.c.id, WS.c.name, WS.c.name)


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter
    label: str  # the heading of its box in the filter column
    describe: str  # how the list's summary reads its values: "supplied by {}"

    vocabulary: Vocabulary | None = None

    @property
    def fixed(self) -> tuple[str, ...]:
        """Values listed even when none matches (a facet of a fixed list); () for open facets."""
        return ()

    def clause(self, values: Sequence[str]) -> ColumnElement[bool]:
        """Where-clause over the allegation table: it holds any of these values."""
        raise NotImplementedError

    def keyed(self, clauses: Sequence[ColumnElement[bool]]) -> Select:
        """One row `vid` (a value's key) per (allegation, value) of the allegations matching `clauses`."""
        raise NotImplementedError

    def members(self) -> Select:
        """(allegation id, key) of every allegation and each value it holds."""
        raise NotImplementedError


@dataclass(frozen=True)
class OnColumns(Facet):
    columns: tuple[Column, ...] = ()

    def clause(self, values):
        keys = self.vocabulary.keys(values)
        return or_(*(col.in_(keys) for col in self.columns))

    def _once(self, i: int) -> list[ColumnElement[bool]]:
        # An allegation holding one value in two columns counts once: the later column skips it.
        return [self.columns[i] != earlier for earlier in self.columns[:i]]

    def keyed(self, clauses):
        parts = [select(col.label("vid")).where(*clauses, *self._once(i)) for i, col in enumerate(self.columns)]
        return parts[0] if len(parts) == 1 else union_all(*parts)

    def members(self):
        parts = [select(A.c.id, col).where(*self._once(i)) for i, col in enumerate(self.columns)]
        return parts[0] if len(parts) == 1 else union_all(*parts)


@dataclass(frozen=True)
class InTally(Facet):
    table: Table | None = None
    column: Column | None = None

    def clause(self, values):
        return A.c.id.in_(select(self.table.c.allegation_id).where(self.column.in_(self.vocabulary.keys(values))))

    def keyed(self, clauses):
        ids = select(self.column.label("vid"))
        clauses = [c for c in clauses if c is not VISIBLE]
        if clauses:
            ids = ids.where(self.table.c.allegation_id.in_(select(A.c.id).where(*clauses)))
        return ids

    def members(self):
        return select(self.table.c.allegation_id, self.column)


@dataclass(frozen=True)
class ByPredicate(Facet):
    predicates: Mapping[str, ColumnElement[bool]] | None = None

    @property
    def fixed(self):
        return tuple(self.predicates)

    def clause(self, values):
        return or_(*(self.predicates[v] for v in values if v in self.predicates))

    def keyed(self, clauses):
        return union_all(*(select(literal(v).label("vid")).where(*clauses, p) for v, p in self.predicates.items()))

    def members(self):
        return union_all(*(select(A.c.id, literal(v)).where(p) for v, p in self.predicates.items()))


FACETS: tuple[Facet, ...] = (
    OnColumns("country", "Country (either side)", "involving {}", ACTORS, columns=(A.c.supplier_id, A.c.recipient_id)),
    OnColumns("supplier", "Supplier", "supplied by {}", ACTORS, columns=(A.c.supplier_id,)),
    OnColumns("recipient", "Recipient", "supplied to {}", ACTORS, columns=(A.c.recipient_id,)),
    OnColumns("category", "Weapon category", "{}", CATEGORIES, columns=(A.c.category,)),
    InTally("system", "Named system", "{}", SYSTEMS, table=AS, column=AS.c.system_id),
    ByPredicate("stance", "Denied or confirmed", "{}", predicates={
        Answer.denied.value: DENIES_FILTER > 0,
        Answer.confirmed.value: A.c.n_confirms > 0,
        Answer.undenied.value: DENIES_FILTER == 0,
    }),
    InTally("claimant", "Claimed by", "claimed by {}", ACTORS, table=AC, column=AC.c.claimant_id),
    ByPredicate("review", "Review", "with {} statements", predicates={
        Review.verified.value: A.c.n_verified > 0,
        Review.unreviewed.value: A.c.n_statements > A.c.n_verified,
        Review.rejected.value: A.c.n_rejected > 0,
    }),
)
BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def where(selected: Mapping[str, Sequence[str]], exclude: str | None = None) -> list[ColumnElement[bool]]:
    """VISIBLE and the where-clauses of the facets with selected values, but `exclude`'s (for
    disjunctive counts)."""
    return [VISIBLE, *(f.clause(selected[f.name]) for f in FACETS if selected.get(f.name) and f.name != exclude)]
