"""The allegation filters: query string -> validated object -> where-clauses, a plain-English
description and the state of the filter form.

One `AllegationFilters` serves the HTML list, the JSON API and the CSV export, so a URL
means the same thing everywhere. Several values of one parameter are OR-ed (`?country=IRN&
country=PRK`), different parameters are AND-ed. Facet counts are disjunctive: the counts of
a facet are taken with every filter applied except that facet's own, so the other values of a
facet you already narrowed say how many rows adding them would give.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from sqlalchemy import cast, column, func, literal, select, table, union
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.sql.elements import ColumnElement

from app import facets
from app.facets import AC, ACT, AS, DENIES, DENIES_FILTER, WS, A  # noqa: F401 - the tables, for importers
from app.models import AllegationArticle, Article, Statement
from app.taxonomy import CATEGORY_SLUGS
from app.counters import PUBLIC  # noqa: F401 - a statement the public sees, for importers
from app.vocab import Answer, Review

FACETS = facets.NAMES
SORTS = {
    "sources": "most sources",
    "latest": "latest reported",
    "denied": "most denied",
    "confirmed": "most confirmed",
    "first": "first reported",
    "pair": "supplier, recipient",
}
MAX_VALUES = 50  # per parameter: a list longer than this is refused, not silently cut
MAX_PAGE = 1000  # offset pagination with a cap; the list is of canonical transfers, so it stays short
MAX_Q = 200
PREFIX_MIN = 3  # shorter search words match whole words only

# The same patterns go into the OpenAPI schema, so clients and fuzzers know what is accepted.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:_.-]{0,63}$"
SYSTEM_PATTERN = r"^[^\u0000-\u001f\u007f]{1,64}$"
_CODE = re.compile(CODE_PATTERN)
_SYSTEM = re.compile(SYSTEM_PATTERN)
# An HTML form sends untouched date, search and sort fields as empty strings: accepted, meaning "none".
_OR_BLANK = {"type": "string", "maxLength": 0}
_TERM = re.compile(r"\w+", re.UNICODE)

S = Statement.__table__
ART = Article.__table__
AA = AllegationArticle.__table__
# The "unspecified" allegation of the same pair: its denials answer every allegation of the pair.
U = A.alias("u")
# The FTS5 tables of migration 0001 (SQLite only); the column named like the table is FTS5's
# hidden column for MATCH over every indexed column.
STMT_FTS = table("statement_fts", column("rowid"), column("statement_fts"))
ART_FTS = table("article_fts", column("rowid"), column("article_fts"))
# The tsvector columns of migration 0004 (PostgreSQL only; not in the models, the server fills them).
STMT_TS = table("statement", column("id"), column("search"))
# Migration 0010's generated column: the quote cuts a word at either end (see `search_ids`).
STMT_CUT = table("statement", column("id"), column("allegation_id"), column("review"), column("quote_cut"),
                 column("search"))
ART_TS = table("article", column("id"), column("search"))
TS_CONFIG = "armswatch_search"


def _listify(value: object) -> object:
    """One value or several: `?country=IRN` and `?country=IRN&country=PRK` both give a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _iso_date(value: object) -> object:
    """Blank means none; otherwise exactly YYYY-MM-DD (not the Unix timestamps pydantic also takes)."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _check_codes(values: list[str]) -> list[str]:
    for v in values:
        if not _CODE.fullmatch(v):
            raise ValueError(f"{v[:40]!r} is not an actor code (ISO 3166-1 alpha-3 like IRN, or a slug like houthis)")
    return list(dict.fromkeys(values))


def _check_systems(values: list[str]) -> list[str]:
    for v in values:
        if not _SYSTEM.fullmatch(v):
            raise ValueError(f"{v[:40]!r} is not a weapon system name (1-64 printable characters)")
    return list(dict.fromkeys(values))


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Codes = Annotated[
    list[str],
    BeforeValidator(_listify),
    Field(max_length=MAX_VALUES, json_schema_extra={"items": {"type": "string", "pattern": CODE_PATTERN}}),
    AfterValidator(_check_codes),
]
Category = Literal[CATEGORY_SLUGS]  # type: ignore[valid-type]


class AllegationFilters(BaseModel):
    """Every query parameter of `/`, `/api/allegations` and `/allegations.csv`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    country: Codes = Field([], description="Actor code on either side (supplier or recipient); repeat for OR")
    supplier: Codes = Field([], description="Supplier actor code, e.g. IRN; repeat for OR")
    recipient: Codes = Field([], description="Recipient actor code, e.g. RUS; repeat for OR")
    category: Annotated[
        list[Category], BeforeValidator(_listify), Field(max_length=MAX_VALUES), AfterValidator(_dedupe)
    ] = Field([], description="Weapon category slug; repeat for OR")
    system: Annotated[
        list[str],
        BeforeValidator(_listify),
        Field(max_length=MAX_VALUES, json_schema_extra={"items": {"type": "string", "pattern": SYSTEM_PATTERN}}),
        AfterValidator(_check_systems),
    ] = Field([], description="Named weapon system mentioned by a statement, e.g. Shahed-136; repeat for OR")
    stance: Annotated[
        list[Answer],
        BeforeValidator(_listify),
        Field(max_length=len(Answer)),
        AfterValidator(_dedupe),
    ] = Field([], description="denied: has a denial (incl. a weapon-unspecified denial of the pair); "
                              "confirmed: a party confirms; undenied: no denial")
    claimant: Codes = Field([], description="Actor code of whoever makes a statement on it (USA, media, ...)")
    review: Annotated[
        list[Review], BeforeValidator(_listify), Field(max_length=len(Review)), AfterValidator(_dedupe),
    ] = Field([], description="verified: an editor verified one of its statements; unreviewed: one is not reviewed "
                              "yet; rejected: an editor rejected one (rejected statements count nowhere else)")
    since: Annotated[date | None, BeforeValidator(_iso_date)] = Field(
        None, description="Reported on or after this date (YYYY-MM-DD): last_reported >= since",
        json_schema_extra={"anyOf": [{"type": "string", "format": "date"}, _OR_BLANK]},
    )
    until: Annotated[date | None, BeforeValidator(_iso_date)] = Field(
        None, description="Reported on or before this date (YYYY-MM-DD): first_reported <= until; "
                          "a range with since after until is refused (422)",
        json_schema_extra={"anyOf": [{"type": "string", "format": "date"}, _OR_BLANK]},
    )
    q: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, max_length=MAX_Q, description="Full-text search over article text and quotes"
    )
    sort: Annotated[Literal[tuple(SORTS)] | None, BeforeValidator(_blank_to_none)] = Field(  # type: ignore[valid-type]
        None, description="Order: " + ", ".join(f"{k} ({v})" for k, v in SORTS.items()),
        json_schema_extra={"anyOf": [{"type": "string", "enum": list(SORTS)}, _OR_BLANK]},
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number (1-{MAX_PAGE})")
    size: int | None = Field(None, ge=1, le=100, description="Rows per page (default: the server's page size)")

    @model_validator(mode="after")
    def _range(self) -> AllegationFilters:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    # -- the search terms --------------------------------------------------------------

    @property
    def terms(self) -> list[str]:
        """Words of `q`; punctuation and FTS5 operators are dropped so any input is safe."""
        return _TERM.findall(self.q or "")[:12]

    def fts_query(self) -> str | None:
        """An FTS5 MATCH expression: every word as a quoted phrase, all required; words of three
        letters or more also match as prefixes. A prefix of one or two letters ("a*") expands to
        a large share of the index's vocabulary, and costs seconds on a large ledger."""
        terms = self.terms
        if not terms:
            return None
        return " ".join('"' + t.replace('"', '""') + ('"*' if len(t) >= PREFIX_MIN else '"') for t in terms)

    def ts_query(self) -> str | None:
        """The same search for PostgreSQL's to_tsquery: every word, all required, a prefix from
        three letters on (as `fts_query`)."""
        terms = self.terms
        if not terms:
            return None
        return " & ".join(t.lower() + (":*" if len(t) >= PREFIX_MIN else "") for t in terms)

    @property
    def sort_key(self) -> str:
        return self.sort or "sources"

    @property
    def active(self) -> bool:
        return any(getattr(self, f) for f in FACETS) or bool(self.since or self.until or self.terms)

    # -- SQL ---------------------------------------------------------------------------

    def where(self, *, dialect: str = "sqlite", exclude: str | None = None, hits=None) -> list[ColumnElement[bool]]:
        """Where-clauses over `A` (allegation), leaving out the facet named by `exclude` (for
        disjunctive facet counts).

        `hits` is a SELECT of the search's allegation ids, resolved once per request by the
        caller; without it the search is an inline subquery."""
        clauses = facets.where({f: getattr(self, f) for f in FACETS}, exclude=exclude)
        if self.since:
            clauses.append(A.c.last_reported >= self.since)
        if self.until:
            clauses.append(A.c.first_reported <= self.until)
        if self.terms:
            clauses.append(A.c.id.in_(hits if hits is not None else self.search_ids(dialect)))
        return clauses

    def search_ids(self, dialect: str):
        """Allegation ids with a public statement whose quote, or whose article (title or text), matches `q`.

        The articles' allegations are read from `allegation_article` (an article's pairs with a
        public statement), one short index range per matching article, not its statements. A
        quote is a span of its article, so its article matches whenever it does, unless the span
        cuts a word (`statement.quote_cut`, migration 0010): only those quotes are matched one
        by one (each a seek in the quotes' index), not every statement whose quote matches.

        SQLite searches its FTS5 tables, PostgreSQL its tsvector columns (both indexed, with the
        same meaning: every word of `q` as a prefix, accents ignored); another database falls
        back to a LIKE scan."""
        in_articles = select(AA.c.allegation_id).where(AA.c.article_id.in_(self.article_ids(dialect)))
        public = STMT_CUT.c.review != Review.rejected.value
        if dialect == "sqlite":
            match = select(STMT_FTS.c.rowid).where(STMT_FTS.c.statement_fts.op("MATCH")(self.fts_query()),
                                                   STMT_FTS.c.rowid == STMT_CUT.c.id)
            in_quotes = select(STMT_CUT.c.allegation_id).where(STMT_CUT.c.quote_cut, public, match.exists())
        elif dialect == "postgresql":
            in_quotes = select(STMT_CUT.c.allegation_id).where(
                STMT_CUT.c.quote_cut, public, STMT_CUT.c.search.op("@@")(self._tsquery()))
        else:
            in_quotes = select(S.c.allegation_id).where(S.c.id.in_(self.quote_ids(dialect)), PUBLIC)
        return union(in_articles, in_quotes)

    def article_ids(self, dialect: str):
        """Ids of the articles (title or text) matching `q`."""
        if dialect == "sqlite":
            return select(ART_FTS.c.rowid).where(ART_FTS.c.article_fts.op("MATCH")(self.fts_query()))
        if dialect == "postgresql":
            return select(ART_TS.c.id).where(ART_TS.c.search.op("@@")(self._tsquery()))
        return select(ART.c.id).where(*(ART.c.text.ilike(f"%{like_escape(t)}%", escape="\\") for t in self.terms))

    def quote_ids(self, dialect: str):
        """Statement ids whose quote matches `q`."""
        if dialect == "sqlite":
            return select(STMT_FTS.c.rowid).where(STMT_FTS.c.statement_fts.op("MATCH")(self.fts_query()))
        if dialect == "postgresql":
            return select(STMT_TS.c.id).where(STMT_TS.c.search.op("@@")(self._tsquery()))
        return select(S.c.id).where(*(S.c.quote.ilike(f"%{like_escape(t)}%", escape="\\") for t in self.terms))

    def _tsquery(self):
        return func.to_tsquery(cast(literal(TS_CONFIG), REGCONFIG), self.ts_query())

    # -- words and URLs --------------------------------------------------------------

    def describe(self, labels: dict[tuple[str, str], str]) -> list[str]:
        """Plain-English pieces of the active filters: ["supplied by Iran", "drones", "denied"].

        `labels` maps (facet, value) to a display name; values without one show as given."""

        def names(facet: str, values: list[str]) -> str:
            return " or ".join(labels.get((facet, v), v) for v in values)

        parts = [f.describe.format(names(f.name, getattr(self, f.name))) for f in facets.FACETS if getattr(self, f.name)]
        if self.since and self.until:
            parts.append(f"reported between {self.since} and {self.until}")
        elif self.since:
            parts.append(f"reported since {self.since}")
        elif self.until:
            parts.append(f"reported until {self.until}")
        if self.terms:
            parts.append("matching “" + " ".join(self.terms) + "”")
        return parts

    def params(self, **overrides: object) -> list[tuple[str, str]]:
        """The filter state as query-string pairs (defaults left out), with `overrides` applied;
        an override of None removes the parameter."""
        state: dict[str, object] = {f: list(getattr(self, f)) for f in FACETS}
        state.update(since=self.since, until=self.until, q=self.q, sort=self.sort, size=self.size, page=self.page)
        state.update(overrides)
        pairs: list[tuple[str, str]] = []
        for key, value in state.items():
            if value is None or value == [] or value == "":
                continue
            if (key, value) in (("page", 1), ("sort", "sources")):  # the defaults
                continue
            for v in value if isinstance(value, list) else [value]:
                pairs.append((key, str(v)))
        return pairs

    def query_string(self, **overrides: object) -> str:
        return urlencode(self.params(**overrides))

    def toggled(self, facet: str, value: str) -> str:
        """The query string with `value` of `facet` switched on or off (back to page 1)."""
        current = list(getattr(self, facet))
        new = [v for v in current if v != value] if value in current else [*current, value]
        return self.query_string(**{facet: new, "page": None})

    def selected(self, facet: str, value: str) -> bool:
        return value in getattr(self, facet)


def like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


