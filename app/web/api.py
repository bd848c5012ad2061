"""The JSON API (same filters as the page) and the CSV export of the filtered list."""
from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from app import queries
from app.config import get_settings
from app.db import SessionDep, arm_budget, begin_request, disarm_budget, get_engine, is_interrupted
from app.filters import AllegationFilters, Category
from app.web.http import public_url
from app.web.deps import found, FiltersDep, IdPath, PageQuery, SettingsDep, StanceQuery

router = APIRouter(prefix="/api", tags=["api"])
csv_router = APIRouter(tags=["export"])

class Error(BaseModel):
    detail: str


class AllegationList(queries.AllegationPage):
    description: list[str] = Field(description="The active filters in words")


class FacetList(BaseModel):
    facets: list[queries.Facet]
    description: list[str]


def _json(request: Request, session, model: BaseModel) -> Response:
    # Serialised once by pydantic (response_model documents it); no second validation pass.
    return Response(model.model_dump_json(), media_type="application/json")


@router.get("/allegations", response_model=AllegationList)
def list_allegations(request: Request, session: SessionDep, filters: FiltersDep, settings: SettingsDep) -> Response:
    """Allegations matching the filters, one page at a time (`page`, `size`)."""
    page = queries.list_allegations(session=session, filters=filters, page_size=settings.page_size,
                                   with_quotes=True)
    labels = queries.filter_labels(session=session, filters=filters)
    return _json(request, session, AllegationList(**page.model_dump(), description=filters.describe(labels)))


@router.get("/facets", response_model=FacetList)
def facets(request: Request, session: SessionDep, filters: FiltersDep) -> Response:
    """Allegation counts per value of every facet; each facet is counted under the other filters."""
    found = queries.facet_counts(session=session, filters=filters)
    labels = {(f.name, v.value): v.label for f in found for v in f.values}
    return _json(request, session, FacetList(facets=found, description=filters.describe(labels)))


class FlowList(BaseModel):
    flows: list[queries.Flow]


@router.get("/flows", response_model=FlowList)
def flows(request: Request, session: SessionDep, filters: FiltersDep) -> Response:
    """Supplier -> recipient pairs of the filtered allegations with their allegation counts."""
    return _json(request, session, FlowList(flows=queries.flows(session=session, filters=filters)))


@router.get("/allegations/{allegation_id}", response_model=queries.AllegationDetail,
            responses={404: {"model": Error}})
def allegation(request: Request, session: SessionDep, allegation_id: IdPath, stance: StanceQuery = None,
               page: PageQuery = 1) -> Response:
    """The allegation with its newest statements of each stance, or one page of `stance`, and its timeline."""
    detail = found(
        queries.get_allegation(session=session, allegation_id=allegation_id, stance=stance, page=page),
        f"allegation {allegation_id} not found",
    )
    return _json(request, session, detail)


@router.get("/articles/{article_id}", response_model=queries.ArticleDetail, responses={404: {"model": Error}})
def article(request: Request, session: SessionDep, article_id: IdPath) -> Response:
    detail = found(
        queries.get_article(session=session, article_id=article_id),
        f"article {article_id} not found",
    )
    return _json(request, session, detail)


@router.get("/actors/{code}", response_model=queries.ActorDetail, responses={404: {"model": Error}})
def actor(request: Request, session: SessionDep, code: str) -> Response:
    detail = found(queries.get_actor(session=session, code=code[:100]), f"actor {code[:100]!r} not found")
    return _json(request, session, detail)


@router.get("/weapons/{category}", response_model=queries.WeaponDetail, responses={404: {"model": Error}})
def weapon(request: Request, session: SessionDep, category: Category) -> Response:
    detail = found(
        queries.get_weapon(session=session, slug=category),
        f"weapon category {category[:64]!r} not found",
    )
    return _json(request, session, detail)


EXPORT_BATCH = 1000  # rows per chunk of the CSV: one cursor step and one systems query each
CSV_COLUMNS = (
    "id", "supplier_code", "supplier", "recipient_code", "recipient", "category", "systems", "status",
    "n_articles", "n_sources", "n_statements", "n_alleges", "n_denies", "n_confirms", "first_reported", "last_reported", "url",
)


def _cell(value: object) -> str:
    """CSV-injection guard: a cell a spreadsheet would read as a formula is quoted with '."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_chunks(filters: AllegationFilters, base: str) -> Iterator[str]:
    """The CSV, a batch of rows per chunk, read in its own session: the body is sent after the
    route returns. Each batch has the request's time budget (a slow client costs no budget).

    The route takes the first chunk itself, so an error or an overrun before any row (the sort
    happens there) is still a proper 500 or 503."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(CSV_COLUMNS)
    started = False
    with Session(get_engine()) as session:
        begin_request(session)
        try:
            batches = queries.iter_allegation_batches(session=session, filters=filters, batch=EXPORT_BATCH,
                                                      columns=queries.EXPORT_COLUMNS, frm=queries.EXPORT_FROM)
            while True:
                arm_budget(session)
                try:
                    rows, systems = next(batches)
                except StopIteration:
                    break
                except OperationalError as exc:
                    if not is_interrupted(exc) or not started:
                        raise
                    # The headers went out long ago: say so in the file rather than end it silently.
                    buf.write(f"# export stopped: a batch took longer than {get_settings().request_seconds:g} s\n")
                    break
                out.writerows(
                    [_cell(v) for v in (
                        r["a_id"], r["sup_code"], r["sup_name"], r["rec_code"], r["rec_name"], r["category"],
                        "; ".join(systems.get(r["a_id"], ())), r["status"], r["n_articles"], r["n_sources"], r["n_statements"],
                        r["n_alleges"], r["n_denies"], r["n_confirms"], r["first_reported"], r["last_reported"],
                        f"{base}allegations/{r['a_id']}",
                    )]
                    for r in rows
                )
                started = True
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        finally:
            disarm_budget(session)  # before the rollback on close, which the handler would stop too

    yield buf.getvalue()


@csv_router.get("/allegations.csv", response_class=StreamingResponse,
                responses={200: {"content": {"text/csv": {}}, "description": "The filtered list as CSV"}})
@router.get("/allegations.csv", response_class=StreamingResponse, include_in_schema=False)
def allegations_csv(request: Request, session: SessionDep, filters: FiltersDep) -> StreamingResponse:
    """Every allegation matching the filters (no paging), in the list's order, as CSV.

    Streamed in batches of rows (constant memory). The `url` column is absolute on
    ARMSWATCH_BASE_URL when set, relative otherwise (never built from the request's Host)."""
    queries.check_search(session, filters)  # a search too broad is a 422 now, not a broken download
    chunks = _csv_chunks(filters, public_url("/"))
    first = next(chunks)  # the query, its sort and the first batch: errors here are still a 500 or 503
    return StreamingResponse(
        itertools.chain([first], chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="allegations.csv"'},
    )
