"""Schemathesis against the app's own OpenAPI schema: zero 5xx, every response matches the schema.

Runs in-process over ASGI against a ledger holding really ingested articles whose text,
titles, outlets and URLs carry hostile strings (see test_web_security.xss_corpus).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (content_type_conformance, negative_data_rejection, not_a_server_error,
                                 positive_data_acceptance, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from app.config import get_settings
from app.db import get_engine
from app.web.main import create_app
from tests.reliability.test_web_security import xss_ledger

# What issue 6 asks: no 5xx, and every response (status, content type, headers, body) as documented.
# The request-side checks (positive_data_acceptance, negative_data_rejection) run in their own test below.
RESPONSE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                   response_headers_conformance, response_schema_conformance]

app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = xss_ledger(tmp_path_factory.mktemp("schemathesis"))
    before = os.environ.get("ARMSWATCH_DATABASE_URL")
    os.environ["ARMSWATCH_DATABASE_URL"] = f"sqlite:///{db}"
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield db
    get_engine().dispose()
    if before is None:
        os.environ.pop("ARMSWATCH_DATABASE_URL", None)
    else:
        os.environ["ARMSWATCH_DATABASE_URL"] = before
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    response = case.call_and_validate(checks=RESPONSE_CHECKS)
    assert response.status_code < 500


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_query_schema_describes_what_the_server_accepts(case: schemathesis.Case) -> None:
    """Schema-valid values are accepted and schema-violating ones refused (filters.py documents its patterns)."""
    response = case.call()
    if response.status_code == 422 and "is after until" in response.text:
        return  # since > until: a cross-field rule OpenAPI cannot express; refused with a message, as documented
    case.validate_response(response, checks=[positive_data_acceptance, negative_data_rejection])
