"""The FastAPI application: pages, JSON API, static files, error pages and security headers.

`armswatch serve` runs uvicorn on "app.web.main:app". Anonymous visitors read; only logged-in
editors (pages, with a CSRF token) and API token holders change data, and every change is audited.
"""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.config import get_settings
from app.db import begin_request, disarm_budget, get_engine, is_interrupted, sqlite_file
from app.facet_index import settle
from app.queries import SearchTooBroad, request as query_request
from app.terminal import safe_logger, shown
from app.web import api, api_review, auth, feeds, pages, review_pages
from app.web.caching import ConcurrencyLimitMiddleware, ConditionalGetMiddleware
from app.web.http import HeadAsGetMiddleware, SafeLocationMiddleware
from app.web.security import COMMON, STRICT_CSP, SecurityHeadersMiddleware
from app.web.templating import get_templates

log = safe_logger("armswatch.web")

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Invalid filter", 500: "Server error",
          503: "Too much work"}


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.endswith(".csv") or path == "/openapi.json"


def _error_page(request: Request, status: int, messages: list[str], headers: dict[str, str] | None = None) -> Response:
    return get_templates().TemplateResponse(
        request, "error.html", {"status": status, "title": TITLES.get(status, "Error"), "messages": messages},
        status_code=status, headers=headers,
    )


def _headers(exc: StarletteHTTPException) -> dict[str, str] | None:
    """The exception's headers; a 405's Allow lists HEAD wherever GET is (HeadAsGetMiddleware)."""
    headers = dict(exc.headers or {})
    allow = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
    if "GET" in allow and "HEAD" not in allow:
        headers["Allow"] = ", ".join([*allow, "HEAD"])
    return headers or None


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body")]
    return parts[0] if parts else "request"


async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
    if _is_api(request):
        return await request_validation_exception_handler(request, exc)
    messages = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        messages.append(f"{_field(err.get('loc', ()))}: {msg}")
    return _error_page(request, 422, messages)


async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    headers = _headers(exc)
    if _is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    detail = exc.detail if exc.status_code != 404 or "There is no" in str(exc.detail) else "There is no such page."
    return _error_page(request, exc.status_code, [str(detail)], headers)


async def on_search_too_broad(request: Request, exc: SearchTooBroad) -> Response:
    if _is_api(request):  # the shape of FastAPI's own 422, as the OpenAPI schema says
        return JSONResponse({"detail": [{"type": "value_error", "loc": ["query", "q"], "msg": str(exc)}]}, 422)
    return _error_page(request, 422, [f"q: {exc}"])


async def on_database_error(request: Request, exc: OperationalError) -> Response:
    if not is_interrupted(exc):
        return await on_crash(request, exc)
    seconds = get_settings().request_seconds
    message = (f"This request needed more than {seconds:g} s of database work and was stopped: "
               "narrow the filters or the search, or try again later.")
    headers = {"Retry-After": "10"}
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=503, headers=headers)
    return _error_page(request, 503, [message], headers)


async def on_crash(request: Request, exc: Exception) -> Response:
    # Outside the middleware stack: set the security headers here too.
    log.exception("unhandled error on %s", shown(request.url.path))
    headers = {"Content-Security-Policy": STRICT_CSP, **dict(COMMON)}
    if _is_api(request):
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=headers)
    response = _error_page(request, 500, ["Something went wrong on our side; the error has been logged."])
    response.headers.update(headers)
    return response


def warm_up() -> None:
    """Build the bitmap index and compile the templates before the first request rather than in it
    (0.6 s at 100k articles); a database that is missing or empty is left for the pages to report."""
    url = get_settings().database_url
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return
    for name in ("index.html", "allegation.html", "article.html", "actor.html", "weapon.html"):
        get_templates().env.get_template(name)
    try:
        from sqlmodel import Session

        with Session(get_engine()) as session:
            begin_request(session)
            try:
                query_request.bitmap_index(session)
            finally:
                disarm_budget(session)
    except Exception as exc:  # noqa: BLE001 - the first request builds it, or reports what is wrong
        log.info("bitmap index not built at start: %s", shown(str(exc).splitlines()[0] if str(exc) else exc))


@asynccontextmanager
async def _lifespan(_app: FastAPI):
    warm_up()
    settle()  # what is loaded by now stays: out of the garbage collector's full passes
    yield


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="armswatch",
        docs_url=None,  # served by pages.api_docs from the vendored Swagger UI, not a CDN
        redoc_url=None,
        summary="A source-linked ledger of arms-transfer allegations and denials reported in the news.",
        version="0.1.0",
        description=(
            "JSON API of the armswatch dashboard: reads are public; `PATCH /api/statements/{id}` and "
            "`/api/audit` take `Authorization: Bearer TOKEN` (`armswatch users token NAME`). `/api/allegations`, `/api/facets`, `/api/flows` "
            "and `/allegations.csv` take the same filters as the page `/`: repeat a parameter for OR "
            "(`country=IRN&country=PRK`); different parameters combine with AND."
        ),
    )
    # Outermost last: security headers go on everything, 304s included; pages from the response
    # cache are sent without waiting for a computing slot.
    app.add_middleware(ConcurrencyLimitMiddleware, limit=settings.request_concurrency)
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(SafeLocationMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(SearchTooBroad, on_search_too_broad)
    app.add_exception_handler(OperationalError, on_database_error)
    app.add_exception_handler(Exception, on_crash)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.include_router(auth.router)
    app.include_router(review_pages.router)
    app.include_router(api.router)
    app.include_router(api_review.router)
    app.include_router(api.csv_router)
    return app


app = create_app()
