"""Facet counts from an in-memory bitmap index of the allegations (one per server process).

Disjunctive facet counts need, for every facet, the allegations matching every filter but that
facet's own, counted per value. In SQL that is one GROUP BY per facet over the filtered rows:
cheap for a narrow filter, 50-300 ms for a broad one at 100k articles (33k allegations). Here
each facet value is a bitmap over the allegations (a Python int, one bit per allegation): a
filter is an AND of ORs of bitmaps, and a count is `(value & others).bit_count()`, a few
microseconds in C whatever the filter, so every facet of every page costs ~1-3 ms.

The index is built from the ledger with one query per facet, each facet's (allegation, value)
pairs as its entry in `app.facets` describes them (so the bitmaps and the SQL counts read the
same description), and tagged with the data version it was read at; a request at another version rebuilds it, at most once
every REBUILD_SECONDS per process (while ingest commits every few hundred ms, requests in
between fall back to SQL). Beside the bitmaps the index keeps, per allegation, its pair (so
the flow picture is one `bincount`) and the keys of the list's orders (so a page of a filter
is a partial sort of the matching allegations, not a SQL sort of them; SQL then reads the names
of those 25 rows). The since/until dates and the search are not facets: the index
keeps each allegation's first and last reported day, so a date range is two vectorised
comparisons; the search's allegations come from the full-text index, once per request, and
become one more bitmap.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from app import facets
from app.facets import ACT, DENIES, A
from app.filters import AllegationFilters

REBUILD_SECONDS = 5.0
NEVER_BEFORE, NEVER_AFTER = -1, 2**31 - 1  # an undated allegation's days: outside every range
# Widths (bits) of the fields of an ordering key; a ledger whose values do not fit is ordered by SQL.
COUNT_BITS, DAY_BITS, BIT_BITS = 18, 21, 24


def _from_mask(mask: np.ndarray) -> int:
    """A boolean array (one entry per bit) as a bitmap."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def _day(value: date | None, missing: int) -> int:
    return value.toordinal() if value is not None else missing


def _composite(*fields: tuple[np.ndarray, int]) -> np.ndarray | None:
    """One int64 per allegation that orders like the fields in turn, each (values, width in bits)
    ascending; None when a value does not fit its width."""
    key = np.zeros(len(fields[0][0]), np.int64)
    for values, width in fields:
        if len(values) and (values.min() < 0 or values.max() >= 1 << width):
            return None
        key = (key << width) | values.astype(np.int64)
    return key


def _desc(values: np.ndarray, width: int) -> np.ndarray:
    return (1 << width) - 1 - values.astype(np.int64)


@dataclass
class FacetIndex:
    version: tuple
    n: int
    all: int
    # facet -> value -> (label, bitmap); values are what the URL carries (actor code, slug, system name)
    values: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (supplier code, recipient code)
    actors: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, kind)
    # Per bit: its allegation id, its pair (index in pairs, -1: a pair left out), first / last
    # reported day (date ordinals; undated: never in a range).
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    first_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    last_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # The list's orders (`queries.listing.ORDER`) as one sortable key per bit; None: order by SQL.
    order: dict[str, np.ndarray | None] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # what readers derive once per index (e.g. actor records)

    @classmethod
    def build(cls, session: Session, version: tuple) -> FacetIndex:
        """Read the ledger into bitmaps: each facet's values from its entry in `app.facets`."""
        rows = session.execute(
            select(A.c.id, A.c.supplier_id, A.c.recipient_id, A.c.first_reported, A.c.last_reported,
                   A.c.n_sources, DENIES, A.c.n_confirms).order_by(A.c.id)
        ).all()
        n = len(rows)
        position = {r[0]: i for i, r in enumerate(rows)}
        index = cls(version=version, n=n, all=(1 << n) - 1)
        index.ids = np.array([r[0] for r in rows], np.int64)
        index.first_day = np.array([_day(r[3], NEVER_AFTER) for r in rows], np.int32)
        index.last_day = np.array([_day(r[4], NEVER_BEFORE) for r in rows], np.int32)
        index._orders(*(np.array([r[k] for r in rows], np.int64) for k in (5, 6, 7)))
        names: dict[facets.Vocabulary, dict] = {}
        for facet in facets.FACETS:
            groups: dict[object, list[int]] = {}
            for allegation_id, key in session.execute(facet.members()):
                if allegation_id in position:
                    groups.setdefault(key, []).append(position[allegation_id])
            if facet.vocabulary is None:
                named = {key: (key, key) for key in groups}
            else:
                if facet.vocabulary not in names:
                    names[facet.vocabulary] = {k: (v, label) for k, v, label in session.execute(facet.vocabulary.names())}
                named = names[facet.vocabulary]
            index.values[facet.name] = {
                named[key][0]: (named[key][1], index.bitmap_of_bits(bits)) for key, bits in groups.items() if key in named
            }
        actors = {id_: (code, name, kind)
                  for id_, code, name, kind in session.execute(select(ACT.c.id, ACT.c.code, ACT.c.name, ACT.c.kind))}
        index.actors = {code: (name, kind) for code, name, kind in actors.values()}
        pair_index: dict[tuple[int, int], int] = {}
        pair_of = []
        for r in rows:
            if r[1] in actors and r[2] in actors:
                if (r[1], r[2]) not in pair_index:
                    pair_index[(r[1], r[2])] = len(index.pairs)
                    index.pairs.append((actors[r[1]][0], actors[r[2]][0]))
                pair_of.append(pair_index[(r[1], r[2])])
            else:
                pair_of.append(-1)
        index.pair_of = np.array(pair_of, np.int32)
        return index

    def _orders(self, sources: np.ndarray, denies: np.ndarray, confirms: np.ndarray) -> None:
        bit = np.arange(self.n, dtype=np.int64)  # bits are in id order: the last tie-breaker, id
        last = _desc(self.last_day + 1, DAY_BITS)  # newest first, undated (NEVER_BEFORE + 1 = 0) last
        first = np.where(self.first_day == NEVER_AFTER, (1 << DAY_BITS) - 1, self.first_day)  # undated last
        by_sources = (_desc(sources, COUNT_BITS), COUNT_BITS)
        self.order = {
            "sources": _composite(by_sources, (last, DAY_BITS), (bit, BIT_BITS)),
            "latest": _composite((last, DAY_BITS), by_sources, (bit, BIT_BITS)),
            "denied": _composite((_desc(denies, COUNT_BITS), COUNT_BITS), by_sources, (bit, BIT_BITS)),
            "confirmed": _composite((_desc(confirms, COUNT_BITS), COUNT_BITS), by_sources, (bit, BIT_BITS)),
            "first": _composite((first, DAY_BITS), (bit, BIT_BITS)),
        }

    def mask(self, bitmap: int) -> np.ndarray:
        """A bitmap as a boolean array, one entry per bit."""
        raw = np.frombuffer(bitmap.to_bytes((self.n + 7) // 8 or 1, "little"), np.uint8)
        return np.unpackbits(raw, bitorder="little", count=self.n).view(bool)

    def bitmap_of_bits(self, bits) -> int:
        mask = np.zeros(self.n, bool)
        mask[np.asarray(bits, np.int64)] = True
        return _from_mask(mask)

    def bitmap_of(self, ids) -> int:
        """The allegations among `ids` (e.g. those a search found) as a bitmap."""
        ids = np.fromiter(ids, np.int64)
        at = np.searchsorted(self.ids, ids)
        found = at < self.n
        at = at[found]
        return self.bitmap_of_bits(at[self.ids[at] == ids[found]])

    def reported(self, since: date | None, until: date | None) -> int:
        """The allegations reported within the range: last_reported >= since, first_reported <= until."""
        mask = np.ones(self.n, bool)
        if since is not None:
            mask &= self.last_day >= since.toordinal()
        if until is not None:
            mask &= self.first_day <= until.toordinal()
        return _from_mask(mask)

    def _clause(self, facet: str, selected: list[str]) -> int:
        values = self.values[facet]
        out = 0
        for v in selected:
            if v in values:
                out |= values[v][1]
        return out

    def matching(self, filters: AllegationFilters, restrict: int | None) -> int:
        """The allegations matching every facet filter (and `restrict`) as a bitmap."""
        out = self.all if restrict is None else restrict
        for f in self.values:
            if getattr(filters, f):
                out &= self._clause(f, getattr(filters, f))
        return out

    def page(self, matching: int, sort: str, offset: int, size: int) -> list[int] | None:
        """Ids of the matching allegations from `offset` on (at most `size`) in the list's order
        `sort`, or None when the index does not hold that order (then SQL sorts)."""
        key = self.order.get(sort)
        if key is None:
            return None
        bits = np.flatnonzero(self.mask(matching))
        keys = key[bits]
        end = offset + size
        if end < len(keys):  # only the first `end` need sorting
            cut = np.argpartition(keys, end)[:end]
            picked = cut[np.argsort(keys[cut])]
        else:
            picked = np.argsort(keys)
        return self.ids[bits[picked[offset:end]]].tolist()

    def flows(self, filters: AllegationFilters, restrict: int | None) -> list[tuple[str, str, int]]:
        """(supplier code, recipient code, allegations) of every pair with matching allegations."""
        counts = self._pair_counts(filters, restrict)
        return [(self.pairs[k][0], self.pairs[k][1], int(counts[k])) for k in np.flatnonzero(counts)]

    def top_flows(self, filters: AllegationFilters, restrict: int | None, limit: int) -> list[tuple[str, str, int]]:
        """`flows`, most allegations first, then by supplier and recipient name; the first `limit`."""
        counts = self._pair_counts(filters, restrict)
        rank = self.memo.get("pair-rank")
        if rank is None:  # each pair's place in (supplier name, recipient name) order
            by_name = sorted(range(len(self.pairs)),
                             key=lambda k: (self.actors[self.pairs[k][0]][0], self.actors[self.pairs[k][1]][0]))
            rank = self.memo["pair-rank"] = np.argsort(np.array(by_name, np.int64))
        found = np.flatnonzero(counts)
        top = found[np.lexsort((rank[found], -counts[found]))[:limit]]
        return [(self.pairs[k][0], self.pairs[k][1], int(counts[k])) for k in top]

    def _pair_counts(self, filters: AllegationFilters, restrict: int | None) -> np.ndarray:
        of = self.pair_of[self.mask(self.matching(filters, restrict))]
        return np.bincount(of[of >= 0], minlength=len(self.pairs))

    def counts(self, filters: AllegationFilters, restrict: int | None) -> list[tuple[str, str, str, int]]:
        """(facet, value, label, count) of every value with a count, as the SQL counts give them."""
        clauses = {f: self._clause(f, getattr(filters, f)) for f in self.values if getattr(filters, f)}
        base = self.all if restrict is None else restrict
        out = []
        for facet, values in self.values.items():
            others = base
            for f, bm in clauses.items():
                if f != facet:
                    others &= bm
            if others:
                for value, (label, bm) in values.items():
                    if n := (bm & others).bit_count():
                        out.append((facet, value, label, n))
        return out


_lock = threading.Lock()
_current: FacetIndex | None = None
_built_at = 0.0


def for_version(session: Session, version: tuple) -> FacetIndex | None:
    """The process's index of this database at `version` (built now when due), or None: then use SQL."""
    global _current, _built_at
    version = (str(session.get_bind().url), *version)
    index = _current
    if index is not None and index.version == version:
        return index
    if time.monotonic() - _built_at < REBUILD_SECONDS:
        return None
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        _built_at = time.monotonic()
        _current = FacetIndex.build(session, version)
        settle()
        return _current


def settle() -> None:
    """Leave what the process holds for long (modules, templates, this index) out of the garbage
    collector's full passes: each walked ~120k objects, 40-80 ms in which no request moved, every
    few dozen requests. What is garbage now is collected first; later objects are collected as usual."""
    gc.collect()
    gc.freeze()


def reset() -> None:
    """Forget the index (tests that swap databases in one process)."""
    global _current, _built_at
    with _lock:
        _current, _built_at = None, 0.0
