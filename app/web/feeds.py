"""`/feed.atom`: the changes to the allegations a filtered list shows, as an Atom feed (feedgen).

Same query parameters as `/` (a bad one is the list page's 422, naming it); sort and page do
not apply. Entries come from the changes ingest recorded (`app/alerts.py`), newest first. An
entry's id is a tag URI of the allegation, the kind of change and the statement that caused
it, so a feed reader shows each change once however often it polls or the ledger is
re-ingested. Links are absolute on ARMSWATCH_BASE_URL, relative without it (as the CSV's);
the tag URIs' authority is that URL's host, or `armswatch.invalid` when it is not set.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from fastapi import APIRouter
from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response

from app import queries
from app.config import get_settings
from app.db import SessionDep
from app.queries.changes import Change, last_change, list_changes
from app.vocab import ChangeKind
from app.web.deps import FiltersDep
from app.web.http import public_url

router = APIRouter(include_in_schema=False)
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TAG_DATE = "2026"  # the tag URIs' date (RFC 4151): the year the feeds started
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _authority() -> str:
    base = get_settings().base_url
    return (urlsplit(base).hostname or "armswatch.invalid") if base else "armswatch.invalid"


def entry_id(change: Change) -> str:
    return (f"tag:{_authority()},{TAG_DATE}:allegation-{change.allegation_id}/{change.kind.value}"
            f"/statement-{change.statement_id}")


def _title(c: Change) -> str:
    if c.kind is ChangeKind.new_recipient:
        return f"New recipient for {c.supplier}: {c.recipient} ({c.category})"
    return f"{c.kind.label}: {c.supplier} → {c.recipient}, {c.category}"


def _summary(c: Change) -> str:
    source = " · ".join(str(x) for x in (c.outlet, c.title, c.published) if x) or f"article {c.article_id}"
    return f"“{c.quote}” ({source})"


@router.get("/feed.atom")
def feed(request: Request, session: SessionDep, filters: FiltersDep) -> Response:
    query = filters.query_string(page=None, sort=None, size=None)
    changes = list_changes(session=session, filters=filters)
    labels = queries.filter_labels(session=session, filters=filters)
    described = " · ".join(filters.describe(labels))
    fg = FeedGenerator()
    fg.id(f"tag:{_authority()},{TAG_DATE}:feed.atom" + (f"?{query}" if query else ""))
    fg.title("armswatch: changes to " + (f"allegations {described}" if described else "all allegations"))
    fg.subtitle("New allegations, first denials, first confirmations and new recipients, newest first")
    fg.author({"name": "armswatch"})
    fg.generator("armswatch")
    fg.link(href=public_url("/feed.atom" + (f"?{query}" if query else "")), rel="self", type="application/atom+xml")
    fg.link(href=public_url("/" + (f"?{query}" if query else "")), rel="alternate", type="text/html")
    fg.updated(changes[0].recorded_at if changes else (last_change(session=session) or EPOCH))
    for c in changes:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(c))
        fe.title(_title(c))
        # One link: feedgen 1.0 writes an entry's links without their rel, so a second one would
        # read as another alternate (rel's default).
        fe.link(href=public_url(f"/allegations/{c.allegation_id}"), rel="alternate", type="text/html")
        fe.updated(c.recorded_at)
        fe.published(c.recorded_at)
        fe.summary(_summary(c))  # text, escaped by feedgen: article text is untrusted
        fe.category(term=c.kind.value, label=c.kind.label)
    return Response(fg.atom_str(pretty=True), media_type=MEDIA_TYPE)
