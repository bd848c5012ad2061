"""Dependencies and response helpers shared by the page and API routers."""
from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Path, Query
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request

from app.config import Settings, get_settings
from app.filters import FACETS, MAX_PAGE, AllegationFilters
from app.vocab import Stance


async def _filters(request: Request, filters: Annotated[AllegationFilters, Query()]) -> AllegationFilters:
    """The filters, refusing a one-value parameter given twice (`?q=a&q=b`): taking the last one
    silently would answer a question nobody asked (facets may repeat: that is OR).

    `async` because it does no I/O: FastAPI runs a plain function in a worker thread, a hand-off
    that costs more than the check (so does `_settings`)."""
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name in seen and name not in FACETS and name in AllegationFilters.model_fields:
            raise RequestValidationError([{"type": "value_error", "loc": ("query", name),
                                           "msg": "Value error, given more than once (it takes one value)",
                                           "input": request.query_params.getlist(name)}])
        seen.add(name)
    return filters


FiltersDep = Annotated[AllegationFilters, Depends(_filters)]
async def _settings() -> Settings:
    return get_settings()


SettingsDep = Annotated[Settings, Depends(_settings)]
# Ids and text offsets are INTEGER columns, 32-bit on PostgreSQL (whose driver fails on a larger
# number: a 500), so no row of either engine has a larger one: validation refuses it with a 422
# naming the parameter, alike on SQLite and PostgreSQL (tests/test_web_ids.py).
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id")]
StanceQuery = Annotated[
    Stance | None,
    Query(description="List this stance's statements in full, page by page"),
]
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page of the listed stance")]
# One URL serves the page and (to htmx) its fragment; caches must key on these headers.
VARY = "HX-Request, HX-History-Restore-Request"

T = TypeVar("T")


def found(detail: T | None, message: str) -> T:
    """The detail a query found, or a 404 with `message` (rendered as a page or JSON by main)."""
    if detail is None:
        raise HTTPException(404, message)
    return detail
