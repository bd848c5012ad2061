"""The review API: PATCH a statement, read the audit trail (Authorization: Bearer TOKEN)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.responses import Response

from app import accounts, queries
from app.accounts import User
from app.db import SessionDep, write_session
from app.queries.audit import AuditRow, OrphanRow, audit_events, orphaned_decisions
from app.review.changes import MAX_REASON, ReviewError, change_statement
from app.vocab import Review, Stance, Status
from app.web.deps import MAX_ID, IdPath

router = APIRouter(prefix="/api", tags=["review"])
_bearer = HTTPBearer(auto_error=False, description="An API token from `armswatch users token NAME`")


def _caller(session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    user = accounts.by_token(session.connection(), credentials.credentials) if credentials else None
    if user is None:
        raise HTTPException(401, "Send Authorization: Bearer TOKEN (armswatch users token NAME).",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def _editor(user: Annotated[User, Depends(_caller)]) -> User:
    if not user.may_edit:
        raise HTTPException(403, f"{user.name} may read but not change the ledger (role {user.role}).")
    return user


class Error(BaseModel):
    detail: str


class StatementChange(BaseModel):
    """The fields to change; leave out what stays. `system`, `claimant`, `speaker`, `quantity` may be null."""

    model_config = ConfigDict(extra="forbid")

    review: Review | None = Field(None, description="verified | rejected | unreviewed (rejected needs a reason)")
    reason: str | None = Field(None, max_length=MAX_REASON, description="Why: required to reject, kept in the audit")
    stance: Stance | None = None
    status: Status | None = None
    supplier: str | None = Field(None, max_length=100, description="Actor code; with recipient and category it "
                                                                   "moves the statement to that allegation")
    recipient: str | None = Field(None, max_length=100)
    category: str | None = Field(None, max_length=64, description="Weapon category slug")
    system: str | None = Field(None, max_length=64, description="Named weapon system (its taxonomy name)")
    claimant: str | None = Field(None, max_length=100, description="Actor code of whoever makes the statement")
    speaker: str | None = Field(None, max_length=100, description="Actor code of the person quoted")
    quantity: str | None = Field(None, max_length=100)
    start: int | None = Field(None, ge=0, le=MAX_ID, description="The quote's new start offset in the article text")
    end: int | None = Field(None, ge=1, le=MAX_ID, description="The quote's new end offset")


class StatementChanged(BaseModel):
    statement: queries.StatementRow
    event_id: int | None = Field(description="The audit event written (None: nothing differed)")


class AuditList(BaseModel):
    events: list[AuditRow]
    orphaned: list[OrphanRow] = Field(description="Decisions whose statement the extractor no longer makes")


def raise_for(exc: ReviewError) -> None:
    """A ReviewError as the API answers it: 422 in FastAPI's shape (the field named), else 403/404."""
    if exc.status == 422:
        raise RequestValidationError([{"type": "value_error", "loc": ("body", exc.field), "msg": exc.message,
                                       "input": None}])
    raise HTTPException(exc.status, str(exc))


@router.patch("/statements/{statement_id}", response_model=StatementChanged,
              responses={400: {"model": Error}, 401: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}})
def patch_statement(statement_id: IdPath, body: StatementChange, user: Annotated[User, Depends(_editor)]) -> Response:
    """Verify, reject (with a reason), reopen or correct a statement, or move it to another
    allegation; audited. Public counts follow at once."""
    changes = {f: getattr(body, f) for f in body.model_fields_set if f != "reason"}
    if not changes:
        raise_for(ReviewError("body", "name at least one field to change"))
    try:
        with write_session() as conn:
            event = change_statement(conn, statement_id, changes, user=user, reason=body.reason)
            row = statement_row(Session(bind=conn), statement_id)
    except ReviewError as exc:
        raise_for(exc)
    return Response(StatementChanged(statement=row, event_id=event).model_dump_json(), media_type="application/json")


def statement_row(session: Session, statement_id: int) -> queries.StatementRow:
    from app.queries.statements import S, statement, statements

    return statement(statements(session, S.c.id == statement_id)[0])


@router.get("/audit", response_model=AuditList, responses={401: {"model": Error}})
def audit(session: SessionDep, _: Annotated[User, Depends(_caller)],
          user: Annotated[str | None, Query(max_length=64, description="Changes by this user")] = None,
          allegation: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Changes to this allegation")] = None,
          statement: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Changes to this statement")] = None,
          before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Events older than this id")] = None
          ) -> Response:
    """The audit trail, newest first (100 at a time), and the orphaned decisions."""
    events = audit_events(session=session, user=user, allegation=allegation, statement=statement, before=before)
    body = AuditList(events=events, orphaned=orphaned_decisions(session=session))
    return Response(body.model_dump_json(), media_type="application/json",
                    headers={"Cache-Control": "private, no-store"})
