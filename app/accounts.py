"""Accounts, passwords, API tokens and login sessions (no web here: the CLI and the web share it).

Passwords are hashed with argon2id (argon2-cffi's PasswordHasher, its current parameters; an
older hash is upgraded at the next login). API tokens and session tokens are 256-bit random
strings from `secrets`; only their sha256 is stored, so a copy of the database does not log
anyone in. Sessions live in the database, so logging out or disabling an account ends them at
once on every server process and machine, with no signing key to share between them.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from app.models import Account, LoginSession
from app.vocab import Role

ACCOUNT = Account.__table__
SESSION = LoginSession.__table__
SESSION_DAYS = 14
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verifying against this when the name is unknown costs the same time as a real check.
_DUMMY = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A bad name, role or password, or an unknown account: the message says which."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role

    @property
    def may_edit(self) -> bool:
        return self.role.may_edit


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    return password


def add_account(conn: Connection, name: str, role: str, password: str) -> int:
    if not NAME.fullmatch(name):
        raise AccountError(f"NAME: {name[:40]!r} is not a user name (letters, digits, . _ @ -; at most 64)")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"--role: {role!r} is not one of {', '.join(Role)}") from None
    check_password(password)
    if conn.execute(select(ACCOUNT.c.id).where(ACCOUNT.c.name == name)).first():
        raise AccountError(f"NAME: there is already a user {name!r}")
    return conn.execute(ACCOUNT.insert().values(
        name=name, role=role.value, password_hash=_hasher.hash(password), disabled=False, created_at=_now(),
    ).returning(ACCOUNT.c.id)).scalar_one()


def _account_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(ACCOUNT.c.id).where(ACCOUNT.c.name == name)).scalar()
    if found is None:
        raise AccountError(f"NAME: there is no user {name!r}")
    return found


def new_token(conn: Connection, name: str) -> str:
    """A new API token for `name` (the previous one stops working); shown once, stored as a hash."""
    account_id = _account_id(conn, name)
    token = secrets.token_urlsafe(32)
    conn.execute(update(ACCOUNT).where(ACCOUNT.c.id == account_id).values(token_hash=digest(token)))
    return token


def disable(conn: Connection, name: str) -> None:
    """No more logins, token or sessions for `name` (its audit entries stay)."""
    account_id = _account_id(conn, name)
    conn.execute(update(ACCOUNT).where(ACCOUNT.c.id == account_id).values(disabled=True, token_hash=None))
    conn.execute(delete(SESSION).where(SESSION.c.account_id == account_id))


def _user(row) -> User:
    return User(id=row.id, name=row.name, role=Role(row.role))


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The account if `password` is its password and it is enabled; None otherwise."""
    row = conn.execute(select(ACCOUNT).where(ACCOUNT.c.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(update(ACCOUNT).where(ACCOUNT.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _user(row)


def by_token(conn: Connection, token: str) -> User | None:
    row = conn.execute(select(ACCOUNT).where(ACCOUNT.c.token_hash == digest(token), ACCOUNT.c.disabled.is_(False))).first()
    return _user(row) if row else None


def start_session(conn: Connection, user: User) -> tuple[str, str]:
    """(cookie token, CSRF token) of a new session for `user`; expired sessions are swept."""
    conn.execute(delete(SESSION).where(SESSION.c.expires_at < _now()))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(SESSION.insert().values(token_hash=digest(token), account_id=user.id, csrf=csrf, created_at=_now(),
                                         expires_at=_now() + timedelta(days=SESSION_DAYS)))
    return token, csrf


def session_user(conn: Connection, token: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session, or None (unknown, expired, or the account disabled)."""
    row = conn.execute(
        select(ACCOUNT.c.id, ACCOUNT.c.name, ACCOUNT.c.role, SESSION.c.csrf)
        .select_from(SESSION.join(ACCOUNT, ACCOUNT.c.id == SESSION.c.account_id))
        .where(SESSION.c.token_hash == digest(token), SESSION.c.expires_at > _now(), ACCOUNT.c.disabled.is_(False))
    ).first()
    return (_user(row), row.csrf) if row else None


def end_session(conn: Connection, token: str) -> None:
    conn.execute(delete(SESSION).where(SESSION.c.token_hash == digest(token)))
