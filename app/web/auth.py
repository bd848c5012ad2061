"""Who is asking: login and logout, the session cookie, CSRF tokens, API tokens, login throttling.

- A browser logs in at /login and gets a session cookie (HttpOnly, SameSite=Lax, Secure over
  https) naming a server-side session (`app.accounts`); every form carries the session's CSRF
  token (synchronizer token pattern), and a POST without it, or with another, is refused (403).
  The login form itself is protected by a double-submit token: a random cookie and the same
  value in the form.
- The JSON API takes `Authorization: Bearer TOKEN` (`armswatch users token NAME`).
- Failed logins are counted per user name and per client address with the `limits` library's
  moving windows (in memory, per server process); past the limit /login answers 429.
- `?next=` is followed only to a path on this site.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import Response

from app import accounts
from app.accounts import User
from app.db import SessionDep, write_session
from app.web.templating import get_templates

COOKIE = "armswatch_session"
LOGIN_COOKIE = "armswatch_login"
CSRF_FIELD = "csrf_token"
PER_NAME = parse_many("5/minute;20/hour")
PER_ADDRESS = parse_many("30/hour")
_limiter = MovingWindowRateLimiter(MemoryStorage())

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else "/": never a scheme, a host or `//host`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return "/"
    return target


def load_user(request: Request, session: SessionDep) -> User | None:
    """The logged-in user of this request (from the session cookie), kept on request.state for
    the templates; None for anonymous visitors, who cost no query."""
    if hasattr(request.state, "user"):
        return request.state.user
    request.state.user, request.state.csrf = None, None
    token = request.cookies.get(COOKIE)
    if token:
        found = accounts.session_user(session.connection(), token)
        if found:
            request.state.user, request.state.csrf = found
    return request.state.user


UserDep = Annotated[User | None, Depends(load_user)]


def require_reader(user: UserDep, request: Request) -> User:
    """A logged-in user of any role; anonymous visitors are sent to /login (pages) ."""
    if user is None:
        raise HTTPException(303, "log in first", headers={"Location": "/login?next=" + _quoted_path(request)})
    return user


def _quoted_path(request: Request) -> str:
    from urllib.parse import quote

    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(path, safe="")


async def require_form(request: Request, user: UserDep) -> User:
    """A POST from a page by a logged-in user, with the session's CSRF token in the form."""
    if user is None:
        raise HTTPException(401, "Log in to change the ledger.")
    form = await request.form()
    sent = str(form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or "")
    if not request.state.csrf or not hmac.compare_digest(sent.encode(), request.state.csrf.encode()):
        raise HTTPException(403, "The form's CSRF token is missing or stale: reload the page and try again.")
    return user


FormUser = Annotated[User, Depends(require_form)]


def require_editor_form(user: FormUser) -> User:
    """A POST from a page by an editor or admin (CSRF checked)."""
    if not user.may_edit:
        raise HTTPException(403, f"{user.name} may read but not change the ledger (role {user.role}).")
    return user


EditorForm = Annotated[User, Depends(require_editor_form)]


def bearer_user(request: Request, session: SessionDep) -> User:
    """The API's caller from `Authorization: Bearer TOKEN`: 401 without a valid token, 403 for a viewer."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = accounts.by_token(session.connection(), token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise HTTPException(401, "Send Authorization: Bearer TOKEN (armswatch users token NAME).",
                            headers={"WWW-Authenticate": "Bearer"})
    if not user.may_edit:
        raise HTTPException(403, f"{user.name} may read but not change the ledger (role {user.role}).")
    return user


def _login_page(request: Request, next_: str, message: str | None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = get_templates().TemplateResponse(
        request, "login.html", {"next": next_, "login_csrf": token, "message": message}, status_code=status,
        headers={"Cache-Control": "no-store"})
    _set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


@router.get("/login")
def login_form(request: Request, user: UserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next), None)


def _limited(items: list[RateLimitItem], key: str) -> bool:
    return not all(_limiter.test(item, key) for item in items)


@router.post("/login")
def login(request: Request, name: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "", next: Annotated[str, Form(max_length=2000)] = "/",
          csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    target = safe_next(next)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_page(request, target, "The form expired: please log in again.", 403)
    address = request.client.host if request.client else "unknown"
    keys = [(PER_NAME, f"name:{name.lower()}"), (PER_ADDRESS, f"addr:{address}")]
    if any(_limited(items, key) for items, key in keys):
        response = _login_page(request, target, "Too many failed logins: wait a minute and try again.", 429)
        response.headers["Retry-After"] = "60"
        return response
    with write_session() as conn:
        user = accounts.authenticate(conn, name, password)
        if user is None:
            for items, key in keys:
                for item in items:
                    _limiter.hit(item, key)
            return _login_page(request, target, "Wrong user name or password (or the account is disabled).", 401)
        token, _ = accounts.start_session(conn, user)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(request, response, COOKIE, token, max_age=accounts.SESSION_DAYS * 86400)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: FormUser) -> Response:
    token = request.cookies.get(COOKIE, "")
    with write_session() as conn:
        accounts.end_session(conn, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
