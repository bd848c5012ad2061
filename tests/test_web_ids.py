"""Every integer a request carries (ids in paths, query parameters, form and JSON fields) is
bounded by what an INTEGER column holds on PostgreSQL (32-bit): a larger number is refused
with a 422 naming the parameter, on SQLite and PostgreSQL alike, where PostgreSQL's driver
used to fail with "integer out of range" (a 500). A number at the bound names no row: 404 or an
empty answer, never a 5xx.

The routes' integer parameters are read from the app itself: a new one is tried here at once,
and the first test fails if it has no bound or a larger one.
"""
from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import annotated_types
import pytest
from fastapi import params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session

from app import accounts, migrate
from app.config import get_settings
from app.db import get_engine, make_engine, write_session
from app.web.deps import MAX_ID
from app.web.main import create_app
from tests.factories import standard_ledger
from tests.test_postgres import pg_url  # noqa: F401 - the fixture
from tests.test_postgres_deploy import _new_database

BEYOND = 2**31  # the first number PostgreSQL's INTEGER cannot hold
PASSWORD = "a long password"

def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return int in typing.get_args(annotation)
    return False


def _upper_bound(field_info) -> int | None:
    return next((m.le for m in field_info.metadata if isinstance(m, annotated_types.Le)), None)


def _integer_parameters(dependant) -> Iterator[tuple[str, str, object]]:
    """(name, where it goes, its FieldInfo) of every integer the route's dependant reads."""
    for where, fields in (("path", dependant.path_params), ("query", dependant.query_params),
                          ("body", dependant.body_params)):
        for field in fields:
            annotation = field.field_info.annotation
            kind = "form" if isinstance(field.field_info, params.Form) else "json" if where == "body" else where
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a query or body model
                yield from ((name, kind, info) for name, info in annotation.model_fields.items()
                            if _is_int(info.annotation))
            elif _is_int(annotation):
                yield field.name, kind, field.field_info
    for sub in dependant.dependencies:
        yield from _integer_parameters(sub)


def _api_routes(routes, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path (FastAPI 0.16x keeps an included router whole, behind
    a route of its own that holds it and the prefix it was included with)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes, prefix + route.include_context.prefix)


# (method, route, parameter, where it goes) -> its upper bound: every integer parameter of every route
FOUND = {(method, path, name, where): _upper_bound(info)
         for path, route in _api_routes(create_app().routes)
         for name, where, info in _integer_parameters(route.dependant) for method in sorted(route.methods)}
# The edit form's "move to allegation N", which the route reads from the form itself.
CASES = sorted(FOUND) + [("POST", "/statements/{statement_id}/edit", "allegation", "form")]


def test_every_integer_parameter_is_bounded_by_an_integer_column() -> None:
    unbounded = {k: le for k, le in FOUND.items() if le is None or le > MAX_ID}
    assert unbounded == {}
    assert {("GET", "/allegations/{allegation_id}", "allegation_id", "path"), ("GET", "/api/audit", "before", "query"),
            ("PATCH", "/api/statements/{statement_id}", "end", "json"),
            ("POST", "/allegations/{allegation_id}/merge", "target", "form"),
            ("GET", "/feed.atom", "page", "query")} <= set(FOUND), sorted(FOUND)  # the walk finds each kind


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict]]:
    """The app on a small ledger on either engine, with an editor logged in (cookie) and a token."""
    if request.param == "postgresql":
        url = _new_database(request.getfixturevalue("pg_url"))
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        standard_ledger(session)
    with write_session(engine) as conn:
        accounts.add_account(conn, "ed", "editor", PASSWORD)
        token = accounts.new_token(conn, "ed")
    engine.dispose()
    monkeypatch.setenv("ARMSWATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    with TestClient(create_app(), follow_redirects=False) as client:
        login = client.get("/login").text
        csrf = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert client.post("/login", data={"csrf_token": csrf, "name": "ed", "password": PASSWORD}).status_code == 303
        yield client, {"Authorization": f"Bearer {token}"}
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def _send(client: TestClient, bearer: dict, method: str, route: str, name: str, where: str, value: int):
    path_value = value if where == "path" else 1
    url = re.sub(r"\{\w+\}", str(path_value), route)
    if method == "GET":
        return client.get(url, params={name: value} if where == "query" else None, headers=bearer)
    if method == "PATCH":
        body = {name: value} if where == "json" else {"review": "verified"}
        return client.patch(url, json=body, headers=bearer)
    page = client.get("/statements/1").text  # the session's CSRF token, from a page with forms
    form = {"csrf_token": page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0], "review": "verified"}
    if route.endswith("/merge"):
        form["target"] = "2"
    if where == "form":
        form[name] = str(value)
    return client.post(url, data=form)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]} {c[1]} {c[2]}")
def test_a_number_beyond_an_integer_column_is_a_422_naming_the_parameter(served, case) -> None:
    client, bearer = served
    method, route, name, where = case
    for value in (BEYOND, 10**30):
        r = _send(client, bearer, method, route, name, where, value)
        assert r.status_code == 422, (value, r.status_code, r.text[:300])
        shown = "allegation number" if (route, name) == ("/statements/{statement_id}/edit", "allegation") else name
        assert shown in r.text and "Traceback" not in r.text
    at_bound = _send(client, bearer, method, route, name, where, MAX_ID)
    assert at_bound.status_code < 500, at_bound.text[:300]
    if where == "path":
        assert at_bound.status_code == 404, at_bound.text[:300]
    elif route == "/api/audit":  # no change names it: an empty trail, as for any unknown id
        assert at_bound.status_code == 200 and at_bound.json()["events"] == []
