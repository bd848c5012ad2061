"""Editors' changes to statements: verify, reject, edit, move, merge, undo.

Every change goes through `change_statement` inside one write transaction: it checks the new
values (a `ReviewError` names the field), writes the statement, keeps the human decision (see
`app.review.decisions`), recounts the allegations it touched (`app.counters.recount`) and
appends an audit event with each field's value before and after. Nothing is deleted: a
rejected statement stays in the ledger, and an undo is a change of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from app.accounts import User
from app.counters import recount
from app.models import Actor, Allegation, Article, AuditEvent, Statement, WeaponCategory, WeaponSystem, utcnow
from app.review import decisions
from app.vocab import Review, Stance, Status

S = Statement.__table__
A = Allegation.__table__
ACT = Actor.__table__
ART = Article.__table__
WS = WeaponSystem.__table__
WC = WeaponCategory.__table__
AUDIT = AuditEvent.__table__
CONTEXT_CHARS = 32
MAX_REASON = 2000
# The fields an editor may change, in the order forms and the audit show them.
FIELDS = ("review", "stance", "status", "supplier", "recipient", "category", "system", "claimant", "speaker",
          "quantity", "start", "end")
MOVE_FIELDS = ("supplier", "recipient", "category")


class ReviewError(ValueError):
    """A change that cannot be made; `field` names the value at fault."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.status = field, message, status


@dataclass
class Current:
    """A statement as an editor sees it: codes and names, not ids."""

    id: int
    article_id: int
    allegation_id: int
    values: dict
    quote: str
    prefix: str
    suffix: str


def current(conn: Connection, statement_id: int) -> Current:
    sup, rec, clm, spk = ACT.alias("sup"), ACT.alias("rec"), ACT.alias("clm"), ACT.alias("spk")
    row = conn.execute(
        select(S.c.id, S.c.article_id, S.c.allegation_id, S.c.review, S.c.stance, S.c.status, sup.c.code.label("supplier"),
               rec.c.code.label("recipient"), A.c.category, WS.c.name.label("system"), clm.c.code.label("claimant"),
               spk.c.code.label("speaker"), S.c.quantity, S.c.start, S.c.end, S.c.quote, S.c.prefix, S.c.suffix)
        .select_from(S.join(A, A.c.id == S.c.allegation_id).join(sup, sup.c.id == A.c.supplier_id)
                     .join(rec, rec.c.id == A.c.recipient_id).outerjoin(WS, WS.c.id == S.c.system_id)
                     .outerjoin(clm, clm.c.id == S.c.claimant_id).outerjoin(spk, spk.c.id == S.c.speaker_id))
        .where(S.c.id == statement_id)
    ).mappings().first()
    if row is None:
        raise ReviewError("statement", f"there is no statement {statement_id}", status=404)
    return Current(id=row["id"], article_id=row["article_id"], allegation_id=row["allegation_id"],
                   values={f: row[f] for f in FIELDS}, quote=row["quote"], prefix=row["prefix"], suffix=row["suffix"])


def _actor_id(conn: Connection, field: str, code: str | None) -> int | None:
    if code is None:
        return None
    found = conn.execute(select(ACT.c.id).where(ACT.c.code == code)).scalar()
    if found is None:
        raise ReviewError(field, f"there is no actor with the code {code[:64]!r}")
    return found


def _checked(conn: Connection, now: Current, wanted: dict) -> dict:
    """`wanted` with every value checked and normalised; ReviewError names the first bad one."""
    out = {}
    for field, value in wanted.items():
        if field not in FIELDS:
            raise ReviewError(field, "is not a field of a statement an editor may change")
        if isinstance(value, str):
            value = value.strip() or None
        if field in ("review", "stance", "status"):
            vocab = {"review": Review, "stance": Stance, "status": Status}[field]
            if value not in set(vocab):
                raise ReviewError(field, f"{str(value)[:40]!r} is not one of {', '.join(vocab)}")
        elif field in ("supplier", "recipient", "category") and value is None:
            raise ReviewError(field, "may not be empty")
        elif field == "category" and conn.execute(select(WC.c.slug).where(WC.c.slug == value)).first() is None:
            raise ReviewError(field, f"{str(value)[:40]!r} is not a weapon category")
        elif field == "system" and value is not None and \
                conn.execute(select(WS.c.id).where(WS.c.name == value)).first() is None:
            raise ReviewError(field, f"{str(value)[:64]!r} is not a known weapon system")
        elif field in ("supplier", "recipient", "claimant", "speaker"):
            _actor_id(conn, field, value)
        elif field == "quantity" and value is not None and len(value) > 100:
            raise ReviewError(field, "at most 100 characters")
        elif field in ("start", "end"):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ReviewError(field, f"{str(value)[:20]!r} is not an offset in the article") from None
        out[field] = value
    merged = {**now.values, **out}
    if merged["supplier"] == merged["recipient"]:
        raise ReviewError("recipient", "is the supplier too")
    if "start" in out or "end" in out:
        length = conn.execute(select(func.length(ART.c.text)).where(ART.c.id == now.article_id)).scalar_one()
        if not 0 <= merged["start"] < merged["end"] <= length:
            field = "start" if merged["start"] < 0 or merged["start"] >= length else "end"
            raise ReviewError(field, f"the quote must lie within the article (0 <= start < end <= {length})")
    return out


def _allegation(conn: Connection, supplier: int, recipient: int, category: str) -> int:
    found = conn.execute(select(A.c.id).where(A.c.supplier_id == supplier, A.c.recipient_id == recipient,
                                              A.c.category == category)).scalar()
    if found is not None:
        return found
    return conn.execute(A.insert().values(
        supplier_id=supplier, recipient_id=recipient, category=category, status="unknown", n_statements=0,
        n_sources=0, n_alleges=0, n_denies=0, n_confirms=0, n_pair_denies=0, n_verified=0, n_rejected=0,
    ).returning(A.c.id)).scalar_one()


def _write(conn: Connection, now: Current, merged: dict, changed: set[str]) -> int:
    """Write the merged values onto the statement; its allegation id after."""
    v = {}
    allegation_id = now.allegation_id
    if changed & set(MOVE_FIELDS):
        allegation_id = _allegation(conn, _actor_id(conn, "supplier", merged["supplier"]),
                                    _actor_id(conn, "recipient", merged["recipient"]), merged["category"])
        v["allegation_id"] = allegation_id
    if changed & {"start", "end", "stance"} or "allegation_id" in v:
        clash = conn.execute(select(S.c.id).where(
            S.c.article_id == now.article_id, S.c.allegation_id == allegation_id, S.c.stance == merged["stance"],
            S.c.start == merged["start"], S.c.end == merged["end"], S.c.id != now.id)).scalar()
        if clash is not None:
            raise ReviewError("allegation", f"statement {clash} already says this; reject this one instead")
    if changed & {"start", "end"}:
        text = conn.execute(select(ART.c.text).where(ART.c.id == now.article_id)).scalar_one()
        start, end = merged["start"], merged["end"]
        v.update(start=start, end=end, quote=text[start:end], prefix=text[max(0, start - CONTEXT_CHARS):start],
                 suffix=text[end:end + CONTEXT_CHARS])
    for field in changed & {"review", "stance", "status", "quantity"}:
        v[field] = merged[field]
    if "system" in changed:
        v["system_id"] = conn.execute(select(WS.c.id).where(WS.c.name == merged["system"])).scalar() \
            if merged["system"] else None
    for field in changed & {"claimant", "speaker"}:
        v[f"{field}_id"] = _actor_id(conn, field, merged[field])
    conn.execute(update(S).where(S.c.id == now.id).values(**v))
    return allegation_id


def apply_values(conn: Connection, statement_id: int, values: dict) -> tuple[int, int]:
    """Write a decision's values (review, edits) onto a statement, unaudited (re-applying a decision
    already audited); (allegation before, after). ReviewError when they no longer fit."""
    now = current(conn, statement_id)
    wanted = _checked(conn, now, values)
    changed = {f for f, v in wanted.items() if v != now.values[f]}
    if not changed:
        return now.allegation_id, now.allegation_id
    return now.allegation_id, _write(conn, now, {**now.values, **wanted}, changed)


def _action(changed: set[str], review: str | None) -> str:
    if changed == {"review"}:
        return {Review.verified: "verify", Review.rejected: "reject"}.get(review, "reopen")
    return "move" if changed & set(MOVE_FIELDS) else "edit"


def change_statement(conn: Connection, statement_id: int, changes: dict, *, user: User | None,
                     reason: str | None = None, action: str | None = None, undoes: int | None = None) -> int | None:
    """Apply `changes` ({field: new value}) to a statement; the audit event's id, or None when
    nothing differs. A rejection needs a reason."""
    if user is not None and not user.may_edit:
        raise ReviewError("role", f"{user.name} may read but not change the ledger", status=403)
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise ReviewError("reason", f"at most {MAX_REASON} characters")
    now = current(conn, statement_id)
    wanted = _checked(conn, now, changes)
    diff = {f: [now.values[f], v] for f, v in wanted.items() if v != now.values[f]}
    if not diff:
        return None
    if diff.get("review", [None, None])[1] == Review.rejected and not reason:
        raise ReviewError("reason", "say why the statement is rejected")
    merged = {**now.values, **{f: v for f, (_, v) in diff.items()}}
    moved_to = _write(conn, now, merged, set(diff))
    decisions.keep(conn, now, {f: v for f, (_, v) in diff.items()}, reason)
    recount(conn, {now.allegation_id, moved_to})
    event = conn.execute(AUDIT.insert().values(
        at=utcnow(), account_id=user.id if user else None,
        action=action or ("undo" if undoes else _action(set(diff), merged["review"])), statement_id=now.id,
        allegation_id=now.allegation_id, target_allegation_id=moved_to if moved_to != now.allegation_id else None,
        changes=diff, reason=reason, undoes_id=undoes,
    ).returning(AUDIT.c.id)).scalar_one()
    return event


def undo(conn: Connection, event_id: int, *, user: User, reason: str | None = None) -> int:
    """Put back the values an event changed, as a new event; refused when the statement changed since."""
    ev = conn.execute(select(AUDIT).where(AUDIT.c.id == event_id)).mappings().first()
    if ev is None:
        raise ReviewError("event", f"there is no audit event {event_id}", status=404)
    if ev["undone_by_id"] is not None:
        raise ReviewError("event", f"event {event_id} was undone already (event {ev['undone_by_id']})")
    if ev["statement_id"] is None or not ev["changes"]:
        raise ReviewError("event", f"event {event_id} changed no statement field; there is nothing to undo")
    now = current(conn, ev["statement_id"])
    later = [f for f, (_, after) in ev["changes"].items() if now.values.get(f) != after]
    if later:
        raise ReviewError("event", f"{', '.join(later)} changed again since event {event_id}: undo the later change first")
    back = {f: before for f, (before, _) in ev["changes"].items()}
    if back.get("review") == Review.rejected and not reason:
        reason = ev["reason"]  # undoing an un-rejection restores the rejection and its reason
    new = change_statement(conn, ev["statement_id"], back, user=user, reason=reason or f"undo of event {event_id}",
                           undoes=event_id)
    conn.execute(update(AUDIT).where(AUDIT.c.id == event_id).values(undone_by_id=new))
    return new


def allegation_fields(conn: Connection, allegation_id: int, field: str = "allegation") -> dict:
    """{supplier, recipient, category} of an allegation: the change that moves a statement there."""
    sup, rec = ACT.alias("sup"), ACT.alias("rec")
    found = conn.execute(
        select(sup.c.code.label("supplier"), rec.c.code.label("recipient"), A.c.category)
        .select_from(A.join(sup, sup.c.id == A.c.supplier_id).join(rec, rec.c.id == A.c.recipient_id))
        .where(A.c.id == allegation_id)).mappings().first()
    if found is None:
        raise ReviewError(field, f"there is no allegation {allegation_id}")
    return dict(found)


def merge(conn: Connection, source_id: int, target_id: int, *, user: User, reason: str | None = None) -> list[int]:
    """Move every statement of allegation `source_id` to `target_id` (one audited move each)."""
    if source_id == target_id:
        raise ReviewError("target", "an allegation cannot be merged into itself")
    if conn.execute(select(A.c.id).where(A.c.id == source_id)).first() is None:  # the page's own: not found
        raise ReviewError("allegation", f"there is no allegation {source_id}", status=404)
    moves = allegation_fields(conn, target_id, "target")
    events = []
    for sid in conn.execute(select(S.c.id).where(S.c.allegation_id == source_id).order_by(S.c.id)).scalars().all():
        event = change_statement(conn, sid, moves, user=user, reason=reason or f"merged into allegation {target_id}",
                                 action="merge")
        if event is not None:
            events.append(event)
    return events
