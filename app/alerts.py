"""Changes to allegations, as the Atom feeds (`/feed.atom`) report them.

Four kinds (`ChangeKind`), each at most once per allegation and each caused by one statement:
- new-allegation: the allegation's first public statement (it enters the lists);
- first-denial / first-confirmation: its first public statement denying / confirming it;
- new-recipient: the first public statement on any allegation of its supplier -> recipient pair
  (a supplier named with a recipient for the first time), on the allegation it states.

"First" is in the order statements were stored (their ids); "public" leaves out statements an
editor rejected. The writer records a change in the transaction that stores the statement
causing it (`record`), with its article's storage time, so a feed is read from this table and
never guessed at request time; re-ingesting the same files stores nothing and changes nothing.
A review changes which statements are public, so `derive` computes the changes of the
allegations it touched from scratch (called by `app.counters.recount`, the same definition the
tests hold ingest's increments equal to, and by the migration that filled the table).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.engine import Connection

from app.models import Allegation, AllegationChange, Article, Statement
from app.vocab import ChangeKind, Review, Stance

A = Allegation.__table__
S = Statement.__table__
ART = Article.__table__
CHANGE = AllegationChange.__table__
PUBLIC = S.c.review != Review.rejected.value
FIRST_OF_STANCE = {Stance.denies.value: ChangeKind.first_denial.value,
                   Stance.confirms.value: ChangeKind.first_confirmation.value}


# Built once: ingest runs these for every article.
_COUNTS = select(A.c.id, A.c.n_statements, A.c.n_denies, A.c.n_confirms).where(
    A.c.id.in_(bindparam("ids", expanding=True)))
_PAIR_STATED = select(A.c.id).where(
    A.c.supplier_id == bindparam("s"), A.c.recipient_id == bindparam("r"), A.c.n_statements > 0).limit(1)


def record(conn: Connection, rows: Iterable[Mapping], pairs: Mapping[int, tuple[int, int]],
           recorded_at: datetime) -> None:
    """The changes one new article's statements cause, before their counters are added.

    `rows`: the article's statements (id, allegation_id, stance), all public; `pairs`: each of
    their allegations' (supplier, recipient). An allegation with no public statement yet gets
    new-allegation, one with no public denial (confirmation) a first-denial (-confirmation); a
    pair with no public statement on any of its allegations gets new-recipient."""
    firsts: dict[tuple[int, str], int] = {}  # (allegation, kind) -> the article's first statement causing it
    by_pair: dict[tuple[int, int], tuple[int, int]] = {}  # pair -> (first statement, its allegation)
    for row in sorted(rows, key=lambda r: r["id"]):
        aid = row["allegation_id"]
        firsts.setdefault((aid, ChangeKind.new_allegation.value), row["id"])
        if row["stance"] in FIRST_OF_STANCE:
            firsts.setdefault((aid, FIRST_OF_STANCE[row["stance"]]), row["id"])
        by_pair.setdefault(pairs[aid], (row["id"], aid))
    if not firsts:
        return
    counts = {aid: (n, denies, confirms) for aid, n, denies, confirms in conn.execute(
        _COUNTS, {"ids": sorted({aid for aid, _ in firsts})})}
    known_pairs = {pair for pair in by_pair
                   if conn.execute(_PAIR_STATED, {"s": pair[0], "r": pair[1]}).first() is not None}
    before = {ChangeKind.new_allegation.value: 0, ChangeKind.first_denial.value: 1,
              ChangeKind.first_confirmation.value: 2}
    out = [{"allegation_id": aid, "kind": kind, "statement_id": sid, "recorded_at": recorded_at}
           for (aid, kind), sid in firsts.items() if counts[aid][before[kind]] == 0]
    out += [{"allegation_id": aid, "kind": ChangeKind.new_recipient.value, "statement_id": sid,
             "recorded_at": recorded_at}
            for pair, (sid, aid) in by_pair.items() if pair not in known_pairs]
    if out:
        conn.execute(CHANGE.insert(), out)


def derive(conn: Connection, ids: Iterable[int] | None = None) -> None:
    """Compute the changes of the allegations `ids` (every allegation when None) from their public
    statements, replacing what was recorded; new-recipient is decided per pair, so every
    allegation of their pairs is included."""
    if ids is not None:
        ids = sorted(set(ids))
        if not ids:
            return
        pairs = select(A.c.supplier_id, A.c.recipient_id).where(A.c.id.in_(ids))
        ids = sorted(set(ids) | set(conn.execute(
            select(A.c.id).where(tuple_(A.c.supplier_id, A.c.recipient_id).in_(pairs))).scalars()))
        mine = [S.c.allegation_id.in_(ids)]
        conn.execute(CHANGE.delete().where(CHANGE.c.allegation_id.in_(ids)))
    else:
        mine = []
        conn.execute(CHANGE.delete())
    firsts: list[tuple[int, str, int]] = []
    for kind, stance in ((ChangeKind.new_allegation.value, None), (ChangeKind.first_denial.value, Stance.denies.value),
                         (ChangeKind.first_confirmation.value, Stance.confirms.value)):
        query = select(S.c.allegation_id, func.min(S.c.id)).where(PUBLIC, *mine).group_by(S.c.allegation_id)
        if stance is not None:
            query = query.where(S.c.stance == stance)
        firsts += [(aid, kind, sid) for aid, sid in conn.execute(query)]
    first_of_allegation = {aid: sid for aid, kind, sid in firsts if kind == ChangeKind.new_allegation.value}
    pair_of = {aid: (s, r) for part in _chunks(first_of_allegation) for aid, s, r in conn.execute(
        select(A.c.id, A.c.supplier_id, A.c.recipient_id).where(A.c.id.in_(part)))}
    first_of_pair: dict[tuple[int, int], tuple[int, int]] = {}
    for aid, sid in first_of_allegation.items():
        pair = pair_of[aid]
        if pair not in first_of_pair or sid < first_of_pair[pair][0]:
            first_of_pair[pair] = (sid, aid)
    firsts += [(aid, ChangeKind.new_recipient.value, sid) for sid, aid in first_of_pair.values()]
    if not firsts:
        return
    stored_at = {sid: at for part in _chunks({sid for _, _, sid in firsts}) for sid, at in conn.execute(
        select(S.c.id, ART.c.ingested_at).join(ART, ART.c.id == S.c.article_id).where(S.c.id.in_(part)))}
    conn.execute(CHANGE.insert(), [{"allegation_id": aid, "kind": kind, "statement_id": sid,
                                    "recorded_at": stored_at[sid]} for aid, kind, sid in firsts])


def _chunks(values: Iterable[int], size: int = 10_000) -> Iterable[list[int]]:
    """Sorted values in lists short enough for one IN (SQLite binds at most 32,766 parameters)."""
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]
