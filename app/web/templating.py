"""The Jinja2 environment (autoescape on for every template) and the helpers templates use."""
from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.requests import Request

from app.config import get_settings
from app.facets import FACETS
from app.vocab import Stance, Status
from app.web.text import highlight_terms

STANCE_LABELS = {s.value: s.label for s in Stance}
STATUS_LABELS = {s.value: s.label for s in Status}
FACET_LABELS = {f.name: f.label for f in FACETS}


def fmt_date(value: date | None, missing: str = "undated") -> str:
    return value.isoformat() if value else missing


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def link_params(**params: object) -> str:
    """A query string from keyword arguments (lists repeat the key, None is left out)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(v)))
    return urlencode(pairs)


@lru_cache(maxsize=8192)
def dom_id(value: str) -> str:
    """A value as an HTML id fragment: readable where it can be, unique by a short hash."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", value)[:40]
    return readable if readable == value else f"{readable}-{hashlib.sha1(value.encode()).hexdigest()[:6]}"


@lru_cache(maxsize=8192)
def _facet_value_text(name: str, value: str, label: str) -> tuple[str, str, str]:
    """A facet value's checkbox id, value and label, escaped once per process: pages list the
    same few thousand values with other counts."""
    return str(escape(f"f-{name}-{dom_id(value)}")), str(escape(value)), str(escape(label))


def facet_values(name: str, values) -> Markup:
    """The list items of these values of facet `name`, each on its own lines
    (`templates/macros/filters.html`): a checkbox, and the count read out as "12 allegations" by
    hidden text, not by aria-label (ARIA prohibits a name on a plain span, so screen readers may
    ignore it; axe: aria-prohibited-attr).

    Written here rather than in the template: the filter column lists up to ~300 values a page,
    and in Jinja each cost ~14 µs (an escape, an attribute lookup or a call per field), a third
    of the page's rendering; here ~1 µs. Every text is escaped as autoescape would."""
    items, name = [], escape(name)
    for v in values:
        id_, value, label = _facet_value_text(name, v.value, v.label)
        n, selected = int(v.count), v.selected
        items.append(f"""
      <li class="{'selected' if selected else ''}{'' if n else ' zero'}">
        <input type="checkbox" id="{id_}" name="{name}" value="{value}" {'checked' if selected else ''}>
        <label for="{id_}">{label} <span class="count" aria-hidden="true">{n}</span>\
<span class="visually-hidden">{n} allegation{'' if n == 1 else 's'}</span></label>
      </li>""")
    return Markup("".join(items))


def article_label(article) -> str:
    """What to call an article in a citation: its headline (after its outlet, when known), else its
    outlet, else its file or URL name."""
    if article.title:
        return f"{article.outlet}: {article.title}" if article.outlet else article.title
    if article.outlet:
        return article.outlet
    tail = re.split(r"[/\\]", (article.source or "").rstrip("/"))[-1]
    return tail or f"article {article.id}"


def safe_href(url: str | None) -> str | None:
    """Only http(s) sources become links; anything else (javascript:, file paths) stays text."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


@lru_cache
def get_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(get_settings().templates_dir)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(date=fmt_date, highlight=highlight_terms)
    env.globals.update(
        plural=plural, facet_values=facet_values, article_label=article_label, link_params=link_params, safe_href=safe_href, STANCE_LABELS=STANCE_LABELS,
        STATUS_LABELS=STATUS_LABELS, FACET_LABELS=FACET_LABELS, STANCES=list(Stance),
    )
    return Jinja2Templates(env=env)


def wants_fragment(request: Request) -> bool:
    """An htmx swap asks for the fragment; a history restore (cache miss) needs the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )
