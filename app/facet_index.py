"""Facet counts from an in-memory bitmap index of the allegations (one per server process).

Disjunctive facet counts need, for every facet, the allegations matching every filter but that
facet's own, counted per value. In SQL that is one GROUP BY per facet over the filtered rows:
cheap for a narrow filter, 50-300 ms for a broad one at 100k articles (33k allegations). Here
each facet value is a bitmap over the allegations (a Python int, one bit per allegation): a
filter is an AND of ORs of bitmaps, and a count is `(value & others).bit_count()`, a few
microseconds in C whatever the filter, so every facet of every page costs ~1-3 ms.

The index is built from the ledger with one query per facet, each facet's (allegation, value)
pairs as its entry in `app.facets` describes them (so the bitmaps and the SQL counts read the
same description), and tagged with the data version it was read at. A request at a later
version of an appended ledger brings it up to date by reading again only the allegations that
changed (`changed`); otherwise it is rebuilt, at most once every REBUILD_SECONDS per process,
requests in between counting in SQL. Beside the bitmaps the index keeps, per allegation, its pair (so
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
from sqlalchemy import select, tuple_, union
from sqlmodel import Session

from app import facets
from app.counters import UNSPECIFIED
from app.facets import ACT, DENIES, A
from app.filters import AllegationFilters, S
from app.models import AuditEvent
from app.vocab import REEXTRACT_ACTION, Stance

AUDIT = AuditEvent.__table__

REBUILD_SECONDS = 5.0
NEVER_BEFORE, NEVER_AFTER = -1, 2**31 - 1  # an undated allegation's days: outside every range
# Widths (bits) of the fields of an ordering key; a ledger whose values do not fit is ordered by SQL.
COUNT_BITS, DAY_BITS, BIT_BITS = 18, 21, 24
CHUNK = 10_000  # changed allegation ids bound in one IN list


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


def _chunks(ids: list[int]) -> list[list[int]]:
    """`ids` in ascending slices of at most CHUNK, each bound as one IN list (SQLite as usually
    built allows 32,766 parameters a statement, PostgreSQL 65,535)."""
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


class Stale(Exception):
    """The index cannot be brought to a version by reading the changed allegations again."""


def changed(old: tuple, new: tuple):
    """A SELECT of the allegations whose facets, dates or order keys may differ between two
    versions (database URL, then `queries.request.data_version`: the last article, statement,
    allegation and audit event id) of a ledger that was only appended to, or None when the
    versions do not say so.

    Ingest adds statements (changing their allegation's counters, dates and tallies) and
    allegations; a denial naming no weapon (on the pair's weapon-unspecified allegation) also
    counts on every allegation of its pair (`n_pair_denies`). A review recounts the allegations
    its audit event names and their pairs. So: the allegations with a new statement, the new
    allegations, and every allegation of a pair with a new unspecified denial or audit event
    (reading every pair with a new statement read 25% of a 100k ledger after 1,000 articles,
    ~400 ms of CPU; this reads 7%, ~150 ms)."""
    if len(old) != len(new) or old[0] != new[0] or old[5:] != new[5:] or any(b < a for a, b in zip(old[1:5], new[1:5])):
        return None
    statements, allegations, events = old[2], old[3], old[4]
    whole_pairs = union(
        select(S.c.allegation_id).join(A, A.c.id == S.c.allegation_id)
        .where(S.c.id > statements, S.c.stance == Stance.denies.value, A.c.category == UNSPECIFIED),
        select(AUDIT.c.allegation_id).where(AUDIT.c.id > events),
        select(AUDIT.c.target_allegation_id).where(AUDIT.c.id > events)).subquery()
    pairs = select(A.c.supplier_id, A.c.recipient_id).where(A.c.id.in_(select(whole_pairs.c[0])))
    return union(select(S.c.allegation_id).where(S.c.id > statements),
                 select(A.c.id).where(A.c.id > allegations),
                 select(A.c.id).where(tuple_(A.c.supplier_id, A.c.recipient_id).in_(pairs)))


def rewritten(old: tuple):
    """A SELECT with a row when, since the version `old`, `armswatch reextract` ran: it updates
    statements in place and deletes others (no new ids) under one audit event that names no
    allegation, so `changed` cannot say which allegations it touched."""
    return select(AUDIT.c.id).where(AUDIT.c.id > old[4], AUDIT.c.action == REEXTRACT_ACTION).limit(1)


@dataclass
class FacetIndex:
    version: tuple
    n: int
    all: int
    # facet -> value -> (label, bitmap); values are what the URL carries (actor code, slug, system name)
    values: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (supplier code, recipient code)
    actors: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, kind)
    # Per bit: whether the public sees it (app.facets.VISIBLE; `all` is these bits), its allegation id, its pair (index in pairs, -1: a pair left out), first / last
    # reported day (date ordinals; undated: never in a range).
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    shown: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    pair_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    first_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    last_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # n_sources, denials, confirmations
    denies: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    confirms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_index: dict[tuple[int, int], int] = field(default_factory=dict)  # (supplier id, recipient id) -> index
    # The list's orders (`queries.listing.ORDER`) as one sortable key per bit; None: order by SQL.
    order: dict[str, np.ndarray | None] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # what readers derive once per index (e.g. actor records)

    @classmethod
    def build(cls, session: Session, version: tuple) -> FacetIndex:
        """Read the ledger into bitmaps: each facet's values from its entry in `app.facets`."""
        return cls(version=version, n=0, all=0).updated(session, version, None)

    def updated(self, session: Session, version: tuple, scope) -> FacetIndex:
        """A copy of this index at `version`, with the allegations of `scope` (a SELECT of ids;
        None: all) read again from the ledger, the new ones appended. Raises `Stale` when a new
        allegation's id is not above every known one (bits are in id order)."""
        if scope is not None:
            # Run the SELECT once (~10 ms at 100k articles), not as a subquery of each of the
            # nine queries below; the ids are then bound in slices of at most CHUNK.
            scope = sorted(session.execute(scope).scalars())
        columns = select(A.c.id, A.c.supplier_id, A.c.recipient_id, A.c.first_reported, A.c.last_reported,
                         A.c.n_sources, DENIES, A.c.n_confirms, facets.VISIBLE)
        rows = session.execute(columns.order_by(A.c.id)).all() if scope is None else \
            [r for ids in _chunks(scope) for r in session.execute(columns.where(A.c.id.in_(ids)).order_by(A.c.id))]
        ids = np.array([r[0] for r in rows], np.int64)
        at = np.searchsorted(self.ids, ids)
        known = at < self.n
        known[known] = self.ids[at[known]] == ids[known]
        added = ids[~known]
        if len(added) and self.n and added[0] <= self.ids[-1]:
            raise Stale(f"allegation {added[0]} is new but below {self.ids[-1]}")
        n = self.n + len(added)
        bits = np.where(known, at, self.n + np.cumsum(~known) - 1)  # the bit of each row read
        new = FacetIndex(version=version, n=n, all=(1 << n) - 1, values={f: dict(v) for f, v in self.values.items()},
                         pairs=list(self.pairs), pair_index=dict(self.pair_index), ids=np.concatenate([self.ids, added]))

        def column(old: np.ndarray, values: list[int], missing: int) -> np.ndarray:
            out = np.concatenate([old, np.full(len(added), missing, old.dtype)])
            out[bits] = values
            return out

        new.shown = column(self.shown, [bool(r[8]) for r in rows], False)
        new.all = _from_mask(new.shown)  # an allegation whose statements are all rejected counts nowhere
        new.first_day = column(self.first_day, [_day(r[3], NEVER_AFTER) for r in rows], NEVER_AFTER)
        new.last_day = column(self.last_day, [_day(r[4], NEVER_BEFORE) for r in rows], NEVER_BEFORE)
        new.sources, new.denies, new.confirms = (column(old, [r[k] for r in rows], 0)
                                                 for old, k in ((self.sources, 5), (self.denies, 6), (self.confirms, 7)))
        actors = {id_: (code, name, kind)
                  for id_, code, name, kind in session.execute(select(ACT.c.id, ACT.c.code, ACT.c.name, ACT.c.kind))}
        new.actors = {code: (name, kind) for code, name, kind in actors.values()}
        new.pair_of = column(self.pair_of, [new._pair(actors, r[1], r[2]) for r in rows], -1)
        new._orders()
        new._read_facets(session, scope, dict(zip(ids.tolist(), bits.tolist())), new.bitmap_of_bits(bits[known]))
        return new

    def _read_facets(self, session: Session, scope, bit_of: dict[int, int], stale: int) -> None:
        """Each facet's values of the allegations in `bit_of` (id -> bit), their old bits (`stale`) cleared."""
        names: dict[facets.Vocabulary, dict] = {}
        for facet in facets.FACETS:
            members = facet.members()
            if scope is None:
                found = session.execute(members)
            else:
                sub = members.subquery()
                found = (r for ids in _chunks(scope) for r in session.execute(select(*sub.c).where(sub.c[0].in_(ids))))
            groups: dict[object, list[int]] = {}
            for allegation_id, key in found:
                if allegation_id in bit_of:
                    groups.setdefault(key, []).append(bit_of[allegation_id])
            if facet.vocabulary is None:
                named = {key: (key, key) for key in groups}
            else:
                if facet.vocabulary not in names:
                    names[facet.vocabulary] = {k: (v, label) for k, v, label in session.execute(facet.vocabulary.names())}
                named = names[facet.vocabulary]
            values = self.values.setdefault(facet.name, {})
            label_of = {value: label for value, label in named.values()}
            for value, (label, bm) in list(values.items()):
                if bm & ~stale:
                    values[value] = (label_of.get(value, label), bm & ~stale)
                else:
                    del values[value]
            for key, found in groups.items():
                if key in named:
                    value, label = named[key]
                    values[value] = (label, values.get(value, (label, 0))[1] | self.bitmap_of_bits(found))

    def _pair(self, actors: dict[int, tuple], supplier_id: int, recipient_id: int) -> int:
        """The index of this pair in `pairs` (added when new), or -1 for an actor left out."""
        if supplier_id not in actors or recipient_id not in actors:
            return -1
        key = (supplier_id, recipient_id)
        if key not in self.pair_index:
            self.pair_index[key] = len(self.pairs)
            self.pairs.append((actors[supplier_id][0], actors[recipient_id][0]))
        return self.pair_index[key]

    def _orders(self) -> None:
        sources, denies, confirms = self.sources, self.denies, self.confirms
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
        mask = self.shown.copy()
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
    """The process's index of this database at `version`, or None: then use SQL.

    After an ingest the index reads again only the allegations it changed (`changed`), whatever
    the size of the ledger; requests at the new version wait for that instead of counting in SQL.
    A whole build (at start, or when the versions do not say what changed, as after a
    reextract: see `rewritten`) runs at most every REBUILD_SECONDS; requests in between count in SQL."""
    global _current, _built_at
    version = (str(session.get_bind().url), *version)
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        scope = changed(_current.version, version) if _current is not None else None
        if scope is not None and session.execute(rewritten(_current.version)).first() is not None:
            scope = None  # statements changed in place, on allegations no event names: rebuild
        if scope is not None:
            try:
                _current = _current.updated(session, version, scope)
                return _current
            except Stale:
                pass
        if time.monotonic() - _built_at < REBUILD_SECONDS:
            return None
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
