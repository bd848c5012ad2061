"""Dependencies and response helpers shared by the page and API routers."""
from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Path, Query

from app.config import Settings, get_settings
from app.filters import MAX_PAGE, AllegationFilters
from app.vocab import Stance

FiltersDep = Annotated[AllegationFilters, Query()]
SettingsDep = Annotated[Settings, Depends(get_settings)]
# SQLite integers are 64-bit: a larger id is refused by validation rather than by the driver.
MAX_ID = 2**63 - 1
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
