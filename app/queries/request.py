"""What one request computes once and every query of its page shares.

A request is one transaction (see `app.db.get_session`); values memoised on it: the search's
allegation ids, the data version, and the counting engine, chosen once: the process's bitmap
index when it is current at this data version, SQL otherwise (see `engines`).
"""
from __future__ import annotations

import json

from sqlalchemy import ARRAY, Integer, func, literal, select
from sqlmodel import Session

from app import facet_index
from app.facets import A
from app.filters import ART, FACETS, S, AllegationFilters
from app.models import AuditEvent

AUDIT = AuditEvent.__table__


def memo(session: Session) -> dict:
    """A dict living as long as the session's current transaction (a request is one)."""
    session.connection()  # begins the transaction when none is open yet
    tx = session.get_transaction()
    held = session.info.get("memo")
    if held is None or held[0] is not tx:
        held = session.info["memo"] = (tx, {})
    return held[1]


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def where(session: Session, filters: AllegationFilters, exclude: str | None = None):
    """The filters' where-clauses over the allegation table, the search run once per request."""
    return filters.where(dialect=dialect(session), exclude=exclude, hits=search_hits(session, filters))


class SearchTooBroad(ValueError):
    """A search whose words are in so many articles that its cost would not be bounded."""


SEARCH_MAX_ARTICLES = 20_000


def check_search(session: Session, filters: AllegationFilters) -> None:
    """Refuse (SearchTooBroad) a search found in more than SEARCH_MAX_ARTICLES articles.

    Its cost follows the statements of every matching article; counting the matches, with a
    LIMIT, costs a few milliseconds of the full-text index instead (SQLite's FTS5, PostgreSQL's
    GIN index; another database's LIKE scan is bounded by the request's time budget alone)."""
    name = dialect(session)
    if not filters.terms or name not in ("sqlite", "postgresql"):
        return
    checked, key = memo(session), ("search-articles", filters.fts_query())
    if key in checked:
        return
    found = filters.article_ids(name)
    n = session.execute(select(func.count()).select_from(found.limit(SEARCH_MAX_ARTICLES + 1).subquery())).scalar_one()
    if n > SEARCH_MAX_ARTICLES:
        raise SearchTooBroad(f"“{' '.join(filters.terms)}” is in more than {SEARCH_MAX_ARTICLES:,} articles: "
                             "add a word or a filter to narrow the search")
    checked[key] = n


def search_articles(session: Session, filters: AllegationFilters) -> int | None:
    """How many articles match `q` (counted once per request by `check_search`; None where it does not count)."""
    check_search(session, filters)
    return memo(session).get(("search-articles", filters.fts_query()))


def search_hits(session: Session, filters: AllegationFilters):
    """The allegations matching `q`, as a SELECT of ids, or None without a search.

    A page asks for them in the list, its count, every facet and the flows; the search runs
    once per request and later queries read its ids from one bound parameter (a JSON array read
    by json_each on SQLite, an integer array on PostgreSQL)."""
    if not filters.terms:
        return None
    name = dialect(session)
    if name not in ("sqlite", "postgresql"):
        return filters.search_ids(name)
    ids = search_hit_ids(session, filters)
    if name == "sqlite":
        return select(func.json_each(json.dumps(ids)).table_valued("value").c.value)
    return select(func.unnest(literal(ids, ARRAY(Integer))))


def search_hit_ids(session: Session, filters: AllegationFilters) -> list[int]:
    """The ids of the allegations matching `q` (SQLite and PostgreSQL), found once per request."""
    check_search(session, filters)
    found, key = memo(session), ("search-hits", filters.fts_query())
    if key not in found:
        found[key] = session.execute(filters.search_ids(dialect(session))).scalars().all()
    return found[key]


# Built once: every request asks it (see `data_version`).
DATA_VERSION = select(*(select(func.coalesce(func.max(t.c.id), 0)).scalar_subquery() for t in (ART, S, A, AUDIT)))


def data_version(*, session: Session) -> tuple[int, int, int, int]:
    """Changes whenever ingest stores something (it only appends, one writer at a time) or an
    editor changes a statement (each change appends an audit event): a cheap validator for
    ETags and the bitmap index."""
    return tuple(session.execute(DATA_VERSION).one())


def restriction(session: Session, filters: AllegationFilters, index: facet_index.FacetIndex) -> int | None:
    """The allegations within the dates and matching the search (the filters that are not
    facets) as a bitmap of `index`, or None when neither is set."""
    if not (filters.since or filters.until or filters.terms):
        return None
    bare = filters.model_copy(update={f: [] for f in FACETS})
    found, key = memo(session), ("restriction", bare.query_string())
    if key in found:  # facets and flows of one page share it
        return found[key]
    out = index.reported(filters.since, filters.until) if filters.since or filters.until else index.all
    if filters.terms:
        if dialect(session) in ("sqlite", "postgresql"):
            out &= index.bitmap_of(search_hit_ids(session, filters))
        else:
            out &= index.bitmap_of(session.execute(select(A.c.id).where(*where(session, bare))).scalars())
    found[key] = out
    return out


def bitmap_index(session: Session) -> facet_index.FacetIndex | None:
    """The process's bitmap index at the request's data version, or None (looked up once per request)."""
    found = memo(session)
    if "facet-index" not in found:
        found["facet-index"] = facet_index.for_version(session, data_version(session=session))
    return found["facet-index"]

