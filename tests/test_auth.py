"""Accounts (the `armswatch users` commands), /login and /logout: cookies, CSRF, throttling, next=."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.models import Account, LoginSession
from app.web import auth
from tests.factories import standard_ledger

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_limits():
    auth._limiter.storage.reset()
    yield
    auth._limiter.storage.reset()


def add_user(name: str, role: str = "editor", password: str = PASSWORD) -> None:
    result = CliRunner().invoke(cli, ["users", "add", name, "--role", role], env={"ARMSWATCH_PASSWORD": password})
    assert result.exit_code == 0, result.output


@pytest.fixture
def client(db_url, session):
    standard_ledger(session)
    add_user("ed")
    add_user("vic", role="viewer")
    from app.web.main import app

    with TestClient(app, follow_redirects=False) as c:
        yield c


def login_form(client, next_: str | None = None):
    page = client.get("/login" + (f"?next={next_}" if next_ else ""))
    assert page.status_code == 200
    form = BeautifulSoup(page.text, "html.parser").select_one("form.login-form")
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def log_in(client, name="ed", password=PASSWORD, next_=None):
    fields = login_form(client, next_)
    return client.post("/login", data={**fields, "name": name, "password": password})


def test_users_commands_hash_the_password_make_a_token_and_disable(db_url, session) -> None:
    add_user("ann", role="admin")
    row = session.exec(select(Account).where(Account.name == "ann")).one()[0]
    assert row.role == "admin" and row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    runner = CliRunner()
    token = runner.invoke(cli, ["users", "token", "ann"]).output.strip()
    assert len(token) >= 40
    session.expire_all()
    row = session.exec(select(Account).where(Account.name == "ann")).one()[0]
    assert row.token_hash and token not in row.token_hash
    assert runner.invoke(cli, ["users", "disable", "ann"]).exit_code == 0
    session.expire_all()
    assert session.exec(select(Account).where(Account.name == "ann")).one()[0].disabled


@pytest.mark.parametrize("args, env, message", [
    (["users", "add", "bob", "--role", "chief"], {"ARMSWATCH_PASSWORD": PASSWORD}, "--role: 'chief' is not one of"),
    (["users", "add", "bob"], {"ARMSWATCH_PASSWORD": "short"}, "password: at least 10 characters"),
    (["users", "add", "b ob"], {"ARMSWATCH_PASSWORD": PASSWORD}, "NAME: 'b ob' is not a user name"),
    (["users", "token", "nobody"], {}, "NAME: there is no user 'nobody'"),
    (["users", "disable", "nobody"], {}, "NAME: there is no user 'nobody'"),
])
def test_users_commands_name_what_is_wrong(db_url, args, env, message) -> None:
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_the_same_name_twice_is_refused(db_url) -> None:
    add_user("ann")
    result = CliRunner().invoke(cli, ["users", "add", "ann"], env={"ARMSWATCH_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "already a user 'ann'" in result.output


def test_the_password_prompt_is_asked_twice(db_url) -> None:
    result = CliRunner().invoke(cli, ["users", "add", "pat"], input=f"{PASSWORD}\n{PASSWORD}\n", env={"ARMSWATCH_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_login_sets_a_session_cookie_flagged_httponly_and_samesite(client) -> None:
    response = log_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(auth.COOKIE + "=")][0]
    assert "HttpOnly" in cookie and re.search(r"SameSite=lax", cookie, re.I) and "Path=/" in cookie
    page = BeautifulSoup(client.get("/").text, "html.parser")
    assert "ed (editor)" in page.select_one(".account").get_text()
    assert client.get("/").headers["cache-control"] == "private, no-store"


def test_wrong_password_fails_and_the_login_page_has_its_own_csrf_token(client) -> None:
    assert log_in(client, password="wrong password!").status_code == 401
    fields = login_form(client)
    refused = client.post("/login", data={**fields, "csrf_token": "forged", "name": "ed", "password": PASSWORD})
    assert refused.status_code == 403 and auth.COOKIE not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere.example",
                                    "javascript:alert(1)", "https:/elsewhere.example"])
def test_next_never_leaves_the_site(client, target) -> None:
    response = log_in(client, next_=target.replace("/", "%2F").replace(":", "%3A"))
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_next_on_the_site_is_followed(client) -> None:
    response = log_in(client, next_="%2Fallegations%2F1%3Fstance%3Ddenies")
    assert response.headers["location"] == "/allegations/1?stance=denies"


def test_repeated_failed_logins_are_throttled(client) -> None:
    codes = [log_in(client, password=f"guess number {i}").status_code for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    blocked = log_in(client)  # even the right password waits: the name is throttled
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "60"
    assert "Too many failed logins" in blocked.text
    assert log_in(client, name="vic").status_code == 303  # another name is not


def test_logout_needs_the_csrf_token_and_ends_the_session(client, session) -> None:
    log_in(client)
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    page = BeautifulSoup(client.get("/").text, "html.parser")
    token = page.select_one("form[action='/logout'] input[name=csrf_token]")["value"]
    stolen = client.cookies.get(auth.COOKIE)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert session.exec(select(LoginSession)).all() == []
    client.cookies.set(auth.COOKIE, stolen)  # the old cookie is worth nothing now
    assert "Log in" in BeautifulSoup(client.get("/").text, "html.parser").select_one(".site-header").get_text()


def test_disabling_a_user_ends_their_sessions(client) -> None:
    log_in(client)
    assert CliRunner().invoke(cli, ["users", "disable", "ed"]).exit_code == 0
    assert BeautifulSoup(client.get("/").text, "html.parser").select_one(".account") is None
    assert log_in(client).status_code == 401


def test_anonymous_pages_stay_cacheable_and_show_no_account(client) -> None:
    first = client.get("/")
    assert first.headers["cache-control"] == "no-cache" and "etag" in first.headers
    assert auth.COOKIE not in first.headers.get("set-cookie", "")
