"""HTML pages. Each route: validate, call app.queries, render one template (or its partial)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from app import queries
from app.db import SessionDep
from app.intervals import format_interval
from app.vocab import Stance
from app.filters import FACETS, SORTS, AllegationFilters
from app.web.auth import load_user
from app.web.charts import flow_matrix, timeline_chart
from app.web.deps import found, VARY, FiltersDep, IdPath, PageQuery, SettingsDep, StanceQuery
from app.web.templating import get_templates, wants_fragment
from app.web.text import Span, highlight_statements

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse, dependencies=[Depends(load_user)])


def _render(request: Request, name: str, context: dict) -> Response:
    headers = {"Vary": VARY}
    if getattr(request.state, "user", None) is not None:  # an editor's page is theirs alone
        headers["Cache-Control"] = "private, no-store"
    return get_templates().TemplateResponse(request, name, context, headers=headers)


def list_context(session, filters: AllegationFilters, page_size: int) -> dict:
    # A card shows its quotes matching the search, or else its newest quotes.
    page = queries.list_allegations(session=session, filters=filters, page_size=page_size, with_quotes=True,
                                    latest_beside_hits=False)
    facets = queries.facet_counts(session=session, filters=filters)
    labels = {(f.name, v.value): v.label for f in facets for v in f.values}
    chips = [
        (labels.get((facet, value), value), facet, filters.toggled(facet, value))
        for facet in FACETS for value in getattr(filters, facet)
    ]
    return {
        "filters": filters,
        "page": page,
        "facets": facets,
        "description": filters.describe(labels),
        "chips": chips,
        "matrix": flow_matrix(queries.flows(session=session, filters=filters)),
        "terms": filters.terms,
        "sorts": SORTS,
    }


@router.get("/")
def allegations(request: Request, session: SessionDep, filters: FiltersDep, settings: SettingsDep) -> Response:
    """The filtered list; an htmx request gets only the results and the facet counts."""
    canonical = "/?" + filters.query_string() if filters.query_string() else "/"
    fragment = wants_fragment(request)
    if not fragment and _has_blank_params(request):
        # A plain form submission sends every field, empty or not: redirect to the short URL to share.
        return RedirectResponse(canonical, status_code=303)
    context = list_context(session, filters, settings.page_size)
    response = _render(request, "partials/_swap.html" if fragment else "index.html", context)
    if fragment:
        response.headers["HX-Push-Url"] = canonical
    return response


def _has_blank_params(request: Request) -> bool:
    return any(not v.strip() for _, v in request.query_params.multi_items())


@router.get("/allegations/{allegation_id}")
def allegation(request: Request, session: SessionDep, allegation_id: IdPath, stance: StanceQuery = None,
               page: PageQuery = 1) -> Response:
    detail = found(
        queries.get_allegation(session=session, allegation_id=allegation_id, stance=stance, page=page,
                               rejected=request.state.user is not None),
        f"There is no allegation {allegation_id}.",
    )
    by_stance = {s.value: [st for st in detail.statements if st.stance == s] for s in Stance}
    chronological = sorted(detail.statements, key=lambda st: (st.article.published is None, st.article.published, st.id))
    context = {"d": detail, "a": detail.allegation, "by_stance": by_stance, "chronological": chronological,
               "chart": timeline_chart(detail.timeline)}
    return _render(request, "allegation.html", context)


@router.get("/articles/{article_id}")
def article(request: Request, session: SessionDep, article_id: IdPath) -> Response:
    detail = found(
        queries.get_article(session=session, article_id=article_id, rejected=request.state.user is not None),
        f"There is no article {article_id}.",
    )
    body = highlight_statements(detail.text, (Span(s.id, s.start, s.end, s.stance + (" rejected" if s.review == "rejected" else ""))
                                              for s in detail.statements))
    return _render(request, "article.html", {"d": detail, "body": body})


@router.get("/actors/{code}")
def actor(request: Request, session: SessionDep, code: str) -> Response:
    detail = found(
        queries.get_actor(session=session, code=code[:100]),
        f"There is no actor with the code {code[:100]!r}.",
    )
    return _render(request, "actor.html", {"d": detail})


@router.get("/weapons")
def weapons(request: Request, session: SessionDep) -> Response:
    return _render(request, "weapons.html", {"rows": queries.weapon_index(session=session)})


@router.get("/actors")
def actors(request: Request, session: SessionDep) -> Response:
    return _render(request, "actors.html", {"rows": queries.actor_index(session=session)})


@router.get("/sources")
def sources(request: Request, session: SessionDep) -> Response:
    """The watched sources, so an operator sees a dead feed at a glance (read-only: they are managed
    with `armswatch sources`)."""
    return _render(request, "sources.html", {"rows": queries.list_sources(session=session), "every": format_interval})


@router.get("/weapons/{category}")
def weapon(request: Request, session: SessionDep, category: str) -> Response:
    detail = found(
        queries.get_weapon(session=session, slug=category[:64]),
        f"There is no weapon category {category[:64]!r}.",
    )
    return _render(request, "weapon.html", {"d": detail})


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """Interactive API documentation: Swagger UI from static/vendor, reading /openapi.json."""
    return get_templates().TemplateResponse(request, "docs.html", {})
