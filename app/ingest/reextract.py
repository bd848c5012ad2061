"""`armswatch reextract [--since DATE]`: the current extractor over stored articles, with the
editors' decisions kept.

Each article is extracted again in a worker process (with ingest's time budget per article) and
its statements are replaced in one transaction: a new statement whose machine key (quote with
prefix and suffix, stance, supplier, recipient, category; see `app.review.decisions`) matches an
old one updates it in place, so its id, links and audit history stay; the others are inserted,
and old statements the extractor no longer makes are deleted. Every decision is then re-applied
to the statement with its key (verified, rejected with its reason, edited fields); one that
finds none is left orphaned (listed on /audit), never dropped. The touched allegations are
recounted, and the run is one audit event.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import TimeoutError
from datetime import date, datetime, timezone

from pebble import ProcessPool
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from app.config import get_settings
from app.counters import recount
from app.db import write_session
from app.extract import extract
from app.ingest.store import CONTEXT_CHARS, Ledger, _Pending, plausible_date
from app.models import Actor, Allegation, Article, AuditEvent, Decision, Statement, utcnow
from app.review.changes import ReviewError, apply_values
from app.vocab import REEXTRACT_ACTION

S, A, ACT, ART = Statement.__table__, Allegation.__table__, Actor.__table__, Article.__table__
DECISION, AUDIT = Decision.__table__, AuditEvent.__table__
MACHINE = ("stance", "status", "system_id", "claimant_id", "speaker_id", "quantity", "quote", "start", "end", "prefix",
           "suffix", "published", "allegation_id")


def _key(row: dict, codes: dict[int, str], allegations: dict[int, tuple]) -> tuple:
    sup, rec, cat = allegations[row["allegation_id"]]
    return (row["quote"], row["prefix"], row["suffix"], row["stance"], codes[sup], codes[rec], cat)


def _decision_key(d) -> tuple:
    return (d["quote"], d["prefix"], d["suffix"], d["stance"], d["supplier"], d["recipient"], d["category"])


def replace_statements(conn: Connection, ledger: Ledger, article_id: int, text: str, published: date | None,
                       extracted) -> tuple[int, int, int]:
    """Replace one article's statements with `extracted`, decisions re-applied: (statements
    before, after, decisions orphaned)."""
    pending = _Pending()
    rows: dict[tuple, dict] = {}
    for s in extracted:
        if not ledger._valid(s, text):
            continue
        supplier, recipient = ledger._actor(conn, s.supplier, pending), ledger._actor(conn, s.recipient, pending)
        allegation, _ = ledger._allegation(conn, supplier, recipient, s.category, pending)
        key = (allegation, s.stance, s.start, s.end)
        if key in rows:
            ledger._merge_duplicate(conn, rows[key], s, pending)
            continue
        claimant = ledger._actor(conn, s.claimant, pending) if s.claimant else None
        rows[key] = {
            "allegation_id": allegation, "stance": s.stance, "status": s.status if s.status in
            ("delivered", "planned", "unknown") else "unknown",
            "system_id": ledger._system(conn, s.system, s.category, pending) if s.system else None,
            "claimant_id": claimant,
            "speaker_id": ledger._speaker(conn, s.speaker, s.speaker_role, claimant, pending) if s.speaker else None,
            "quantity": s.quantity, "quote": s.quote, "start": s.start, "end": s.end, "published": published,
            "prefix": text[max(0, s.start - CONTEXT_CHARS):s.start], "suffix": text[s.end:s.end + CONTEXT_CHARS],
        }
    ledger._keep(pending)
    old = [dict(m) for m in conn.execute(select(S).where(S.c.article_id == article_id)).mappings()]
    decisions = [dict(m) for m in conn.execute(select(DECISION).where(DECISION.c.article_id == article_id)).mappings()]
    allegation_ids = {r["allegation_id"] for r in [*old, *rows.values()]}
    allegations = {a_id: (sup, rec, cat) for a_id, sup, rec, cat in conn.execute(
        select(A.c.id, A.c.supplier_id, A.c.recipient_id, A.c.category).where(A.c.id.in_(allegation_ids)))}
    codes = dict(conn.execute(select(ACT.c.id, ACT.c.code).where(ACT.c.id.in_(
        {x for sup, rec, _ in allegations.values() for x in (sup, rec)}))).all())
    decision_of = {d["statement_id"]: d for d in decisions if d["statement_id"] is not None}
    # An old statement's machine key is its decision's (the statement may have been edited since).
    old_by_key = {(_decision_key(decision_of[r["id"]]) if r["id"] in decision_of else _key(r, codes, allegations)): r
                  for r in old}
    matched, inserted = {}, []
    for row in rows.values():
        found = old_by_key.pop(_key(row, codes, allegations), None)
        if found is not None:
            matched[found["id"]] = row
        else:
            inserted.append(row)
    gone = [r["id"] for r in old_by_key.values()]
    if gone:
        conn.execute(delete(S).where(S.c.id.in_(gone)))
        conn.execute(update(DECISION).where(DECISION.c.statement_id.in_(gone)).values(statement_id=None))
    for sid in matched:  # out of the way first: the new spans may swap between statements
        conn.execute(update(S).where(S.c.id == sid).values(start=-sid, end=-sid))
    for sid, row in matched.items():
        conn.execute(update(S).where(S.c.id == sid).values(review="unreviewed", **{k: row[k] for k in MACHINE}))
    new_ids = {}
    for row in inserted:
        sid = conn.execute(S.insert().values(article_id=article_id, review="unreviewed", **row).returning(S.c.id)).scalar_one()
        new_ids[_key(row, codes, allegations)] = sid
    current_of = {sid: _key(row, codes, allegations) for sid, row in matched.items()}
    by_key = {**{k: sid for sid, k in current_of.items()}, **new_ids}
    touched = set(allegation_ids)
    orphaned = 0
    for d in decisions:
        sid = by_key.get(_decision_key(d))
        values = {**(d["edits"] or {}), "review": d["review"]}
        try:
            if sid is None:
                raise ReviewError("statement", "the extractor no longer makes it")
            touched.update(apply_values(conn, sid, values))
        except ReviewError:
            sid = None
            orphaned += 1
        conn.execute(update(DECISION).where(DECISION.c.id == d["id"]).values(statement_id=sid))
    recount(conn, touched)
    return len(old), len(rows), orphaned


def run_reextract(since: date | None = None, workers: int = 1, say: Callable[[str], None] = print) -> int:
    """Re-extract the articles stored on or after `since` (all when None): 0 when every article
    was extracted again, 1 when any failed (its statements were kept as they were)."""
    settings = get_settings()
    ledger = Ledger(_engine())
    ledger.prepare()
    with ledger.engine.connect() as conn:
        where = [ART.c.ingested_at >= datetime.combine(since, datetime.min.time(), timezone.utc)] if since else []
        ids = conn.execute(select(ART.c.id).where(*where).order_by(ART.c.id)).scalars().all()
    failed = changed = before_total = after_total = orphans = 0
    with ProcessPool(max_workers=workers) as pool:
        for start in range(0, len(ids), 50):
            batch = ids[start:start + 50]
            with ledger.engine.connect() as conn:
                articles = conn.execute(select(ART.c.id, ART.c.text, ART.c.published).where(ART.c.id.in_(batch))
                                        .order_by(ART.c.id)).all()
            futures = [(a, pool.schedule(extract, args=(a.text,), timeout=settings.article_seconds)) for a in articles]
            for a, future in futures:
                try:
                    result = future.result()
                except TimeoutError:
                    say(f"article {a.id}: took longer than {settings.article_seconds:g} s to extract; its statements are kept")
                    failed += 1
                    continue
                except Exception as exc:
                    say(f"article {a.id}: extraction failed ({type(exc).__name__}: {exc}); its statements are kept")
                    failed += 1
                    continue
                published = a.published or plausible_date(result.published)[0]
                with write_session(ledger.engine) as conn:
                    before, after, orphaned = replace_statements(conn, ledger, a.id, a.text, published, result.statements)
                before_total, after_total, orphans, changed = (before_total + before, after_total + after,
                                                               orphans + orphaned, changed + 1)
    with write_session(ledger.engine) as conn:
        conn.execute(AUDIT.insert().values(
            at=utcnow(), account_id=None, action=REEXTRACT_ACTION, changes={
                "articles": [None, changed], "statements": [before_total, after_total]},
            reason=f"armswatch reextract{' --since ' + since.isoformat() if since else ''}"))
        orphaned_now = conn.execute(select(func.count()).select_from(DECISION)
                                    .where(DECISION.c.statement_id.is_(None))).scalar_one()
    ledger.optimize()
    say(f"{changed} articles extracted again: {before_total} statements before, {after_total} now; "
        f"{orphaned_now} decisions orphaned (listed on /audit)" + (f"; {failed} failed" if failed else ""))
    return 1 if failed else 0


def _engine():
    from app import migrate
    from app.db import get_engine

    if problem := migrate.ensure_current():
        raise SystemExit(f"armswatch: database upgrade failed: {problem}")
    return get_engine()
