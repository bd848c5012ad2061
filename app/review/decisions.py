"""Human decisions, keyed to what the extractor made, so they outlive re-extraction.

A statement's decision is keyed to its article and to the statement as the extractor first
produced it: the quote with its prefix and suffix (the W3C TextQuoteSelector), the stance and
the transfer (supplier, recipient, category codes). It holds the review, its reason and every
field an editor changed. `armswatch reextract` replaces an article's statements with the
extractor's new ones and finds each decision's statement again by that key; a decision whose
statement the extractor no longer makes keeps `statement_id = None` and is listed as orphaned.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from app.models import Decision, utcnow
from app.vocab import Review

DECISION = Decision.__table__
KEY = ("quote", "prefix", "suffix", "stance", "supplier", "recipient", "category")


def machine_key(quote: str, prefix: str, suffix: str, stance: str, supplier: str, recipient: str,
                category: str) -> tuple:
    return (quote, prefix, suffix, stance, supplier, recipient, category)


def keep(conn: Connection, now, changed: dict, reason: str | None) -> None:
    """Record `changed` ({field: new value}) in the decision of the statement `now` (an
    `app.review.changes.Current` read before the change), made on its first change."""
    row = conn.execute(select(DECISION).where(DECISION.c.statement_id == now.id)).mappings().first()
    if row is None:
        v = now.values
        decision_id = conn.execute(DECISION.insert().values(
            article_id=now.article_id, quote=now.quote, prefix=now.prefix, suffix=now.suffix, stance=v["stance"],
            supplier=v["supplier"], recipient=v["recipient"], category=v["category"], statement_id=now.id,
            review=v["review"], reason=None, edits={}, updated_at=utcnow(),
        ).returning(DECISION.c.id)).scalar_one()
        edits = {}
    else:
        decision_id, edits = row["id"], dict(row["edits"] or {})
    values: dict = {"updated_at": utcnow()}
    if "review" in changed:
        values["review"] = changed["review"]
        values["reason"] = reason if changed["review"] != Review.unreviewed else None
    elif reason:
        values["reason"] = reason
    edits.update({f: v for f, v in changed.items() if f != "review"})
    values["edits"] = edits
    conn.execute(update(DECISION).where(DECISION.c.id == decision_id).values(**values))


def reason_of(conn: Connection, statement_ids: list[int]) -> dict[int, str | None]:
    """The decision's reason of each of these statements that has one."""
    if not statement_ids:
        return {}
    return dict(conn.execute(select(DECISION.c.statement_id, DECISION.c.reason)
                             .where(DECISION.c.statement_id.in_(statement_ids))).all())
