"""The editors' pages: a statement's review page (edit, move, history), the review forms'
POSTs, merging allegations, and /audit with undo.

Every form is a plain POST that answers with a redirect (303) to the page it came from, so it
works without JavaScript; with htmx the same forms are boosted (the page is swapped in place).
Every POST needs a logged-in editor and the session's CSRF token (`app.web.auth`).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from app import queries
from app.accounts import User
from app.db import SessionDep, write_session
from app.queries.audit import audit_events, orphaned_decisions
from app.review.changes import (
    FIELDS, MAX_REASON, ReviewError, allegation_fields, change_statement, current, merge, undo,
)
from app.vocab import Review, Stance, Status
from app.web.auth import EditorForm, require_reader, safe_next
from app.web.deps import MAX_ID, IdPath
from app.web.templating import get_templates
from app.web.text import sentence_spans

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Reader = Annotated[User, Depends(require_reader)]
Reason = Annotated[str, Form(max_length=MAX_REASON)]
Next = Annotated[str, Form(max_length=2000)]


def _page(request: Request, name: str, context: dict, status: int = 200) -> Response:
    return get_templates().TemplateResponse(request, name, context, status_code=status,
                                            headers={"Cache-Control": "private, no-store"})


def _back(next_: str, fallback: str) -> RedirectResponse:
    target = safe_next(next_) if next_ else fallback
    return RedirectResponse(target, status_code=303)


def _refused(exc: ReviewError) -> None:
    raise HTTPException(exc.status if exc.status != 422 else 422, str(exc))


@router.get("/statements/{statement_id}")
def statement_page(request: Request, session: SessionDep, user: Reader, statement_id: IdPath) -> Response:
    """One statement for editors: its review, the edit and move forms (the quote picked among
    the article's sentences) and its history."""
    try:
        now = current(session.connection(), statement_id)
    except ReviewError as exc:
        raise HTTPException(404, str(exc)) from None
    detail = queries.get_article(session=session, article_id=now.article_id, rejected=True)
    row = next(s for s in detail.statements if s.id == statement_id)
    context = {
        "st": row, "now": now.values, "article": detail, "sentences": sentence_spans(detail.text, now.values),
        "history": audit_events(session=session, statement=statement_id), "reason": _reason(session, statement_id),
        "stances": list(Stance), "statuses": list(Status), "categories": queries.weapon_index(session=session),
    }
    return _page(request, "statement.html", context)


def _reason(session: Session, statement_id: int) -> str | None:
    from app.review.decisions import reason_of

    return reason_of(session.connection(), [statement_id]).get(statement_id)


@router.post("/statements/{statement_id}/review")
def review_statement(statement_id: IdPath, user: EditorForm, review: Annotated[Review, Form()],
                     reason: Reason = "", next: Next = "") -> Response:
    try:
        with write_session() as conn:
            change_statement(conn, statement_id, {"review": review}, user=user, reason=reason)
    except ReviewError as exc:
        _refused(exc)
    return _back(next, f"/statements/{statement_id}")


@router.post("/statements/{statement_id}/edit")
async def edit_statement(request: Request, statement_id: IdPath, user: EditorForm) -> Response:
    """The edit form: every field is sent; only those that differ change. `span` is "start-end"."""
    form = await request.form()
    wanted = {f: str(form[f]) for f in FIELDS if f in form and f not in ("review", "start", "end")}
    span = str(form.get("span") or "")
    if span:
        start, _, end = span.partition("-")
        wanted.update(start=start, end=end)
    for optional in ("system", "claimant", "speaker", "quantity"):
        if optional in wanted and not wanted[optional].strip():
            wanted[optional] = None
    reason = str(form.get("reason") or "")[:MAX_REASON]
    target = str(form.get("allegation") or "").strip()
    try:
        with write_session() as conn:
            if target:  # "move to allegation N"
                if not target.isdigit() or not 1 <= int(target) <= MAX_ID:
                    raise ReviewError("allegation", f"{target[:20]!r} is not an allegation number")
                wanted.update(allegation_fields(conn, int(target)))
            change_statement(conn, statement_id, wanted, user=user, reason=reason)
    except ReviewError as exc:
        _refused(exc)
    return _back(str(form.get("next") or ""), f"/statements/{statement_id}")


@router.post("/allegations/{allegation_id}/merge")
def merge_allegation(allegation_id: IdPath, user: EditorForm, target: Annotated[int, Form(ge=1, le=MAX_ID)],
                     reason: Reason = "") -> Response:
    """Move every statement of this allegation into `target` (audited one by one)."""
    try:
        with write_session() as conn:
            merge(conn, allegation_id, target, user=user, reason=reason)
    except ReviewError as exc:
        _refused(exc)
    return RedirectResponse(f"/allegations/{target}", status_code=303)


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, me: Reader,
               user: Annotated[str | None, Query(max_length=64)] = None,
               allegation: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
               before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    """Every change, newest first, filterable by user and allegation; orphaned decisions below."""
    user = (user or "").strip() or None
    events = audit_events(session=session, user=user, allegation=allegation, before=before)
    context = {"events": events, "orphaned": orphaned_decisions(session=session), "user": user,
               "allegation": allegation, "more": events[-1].id if len(events) == 100 else None}
    return _page(request, "audit.html", context)


@router.post("/audit/{event_id}/undo")
def undo_event(event_id: IdPath, user: EditorForm, reason: Reason = "", next: Next = "") -> Response:
    try:
        with write_session() as conn:
            undo(conn, event_id, user=user, reason=reason)
    except ReviewError as exc:
        _refused(exc)
    return _back(next, "/audit")
