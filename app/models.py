"""The ledger: articles, actors, weapons, allegations and the statements that make them.

An Allegation is the canonical transfer "supplier -> recipient: weapon category",
shared by every article that reports it. A Statement is one article's sentence
about an allegation (alleges / denies / confirms), anchored in the article text
as the W3C Web Annotation model does: a position selector (start, end) and a
quote selector (exact text with a little prefix and suffix).

The schema is created and changed only by the Alembic migrations in
`migrations/`; `SQLModel.metadata.create_all` is for tests alone.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.vocab import Review, Role, Stance, Status

STANCES = tuple(Stance)
STATUSES = tuple(Status)
ACTOR_KINDS = ("state", "group", "org", "media", "person")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(description="Path or URL the article was read from")
    outlet: str | None = Field(default=None)
    title: str | None = Field(default=None)
    published: date | None = Field(default=None, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False), description="Full text exactly as ingested")
    sha256: str = Field(unique=True, index=True, max_length=64)
    ingested_at: datetime = Field(default_factory=utcnow)
    origin_id: int | None = Field(
        default=None, index=True,
        description="The first stored article of the story this one copies (syndication, a re-run); none: an origin",
    )


class ArticleSketch(SQLModel, table=True):
    """An article's MinHash signature (app/ingest/origins.py), kept so later copies can be compared with it."""

    __tablename__ = "article_sketch"

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    n_shingles: int = Field(description="Distinct 5-word shingles of the text")
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ArticleBand(SQLModel, table=True):
    """One LSH band key of an article's signature: articles sharing a key are candidate copies."""

    __tablename__ = "article_band"
    __table_args__ = {"sqlite_with_rowid": False}

    band_key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(foreign_key="article.id", primary_key=True)


class Actor(SQLModel, table=True):
    """A state (ISO 3166-1 alpha-3 code), a group or organisation (slug), the media, or a person."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, description="IRN, RUS, houthis, un, media, person:john-kirby")
    kind: str = Field(index=True, description="state | group | org | media | person")
    name: str
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    role: str | None = Field(default=None, description="For a person: the title they speak with")
    affiliation_id: int | None = Field(
        default=None, foreign_key="actor.id", description="For a person: the state or organisation they speak for"
    )


class WeaponCategory(SQLModel, table=True):
    __tablename__ = "weapon_category"

    slug: str = Field(primary_key=True, max_length=32)
    label: str
    description: str = ""


class WeaponSystem(SQLModel, table=True):
    __tablename__ = "weapon_system"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    category: str = Field(foreign_key="weapon_category.slug", index=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


class Allegation(SQLModel, table=True):
    """The canonical transfer; the counters are maintained by ingest for fast listing."""

    __table_args__ = (
        UniqueConstraint("supplier_id", "recipient_id", "category", name="uq_allegation_transfer"),
        Index("ix_allegation_recipient_pair", "recipient_id", "supplier_id", "category"),
        Index("ix_allegation_category_pair", "category", "supplier_id", "recipient_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="actor.id")
    recipient_id: int = Field(foreign_key="actor.id")
    category: str = Field(foreign_key="weapon_category.slug")
    status: str = Field(default=Status.unknown.value,
                        description="delivered if any statement says so, else planned, else unknown (a Status)")
    n_statements: int = 0
    n_articles: int = Field(default=0, description="Distinct articles with a statement on this allegation")
    n_sources: int = Field(
        default=0, description="Independent origins among those articles (syndicated copies count once)"
    )
    n_alleges: int = 0
    n_denies: int = 0
    n_confirms: int = 0
    n_pair_denies: int = Field(
        default=0, description="Denials of the pair's weapon-unspecified allegation, which answer this one too"
    )
    first_reported: date | None = None
    last_reported: date | None = None
    n_verified: int = Field(default=0, description="Statements an editor verified")
    n_rejected: int = Field(default=0, description="Statements an editor rejected (left out of every other count)")


class Statement(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("article_id", "allegation_id", "stance", "start", "end", name="uq_statement_span"),
        Index("ix_statement_allegation_published", "allegation_id", "stance", "published"),
        Index("ix_statement_allegation_id", "allegation_id", "id"),  # a row's statements in id order (0013)
        Index("ix_statement_claimant_published", "claimant_id", "published", "stance"),
        Index("ix_statement_speaker_published", "speaker_id", "published", "stance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    allegation_id: int = Field(foreign_key="allegation.id")
    stance: str = Field(description="alleges | denies | confirms (a Stance)")
    status: str = Field(default=Status.unknown.value, description="delivered | planned | unknown (a Status)")
    system_id: int | None = Field(default=None, foreign_key="weapon_system.id", index=True)
    claimant_id: int | None = Field(default=None, foreign_key="actor.id")
    speaker_id: int | None = Field(default=None, foreign_key="actor.id")
    quantity: str | None = None
    published: date | None = Field(default=None, description="The article's date, copied for the allegation pages")
    quote: str = Field(sa_column=Column(Text, nullable=False))
    start: int = Field(description="Offset of the quote in Article.text: text[start:end] == quote")
    end: int
    prefix: str = Field(default="", description="Up to 32 characters before the quote")
    suffix: str = Field(default="", description="Up to 32 characters after the quote")
    review: str = Field(default=Review.unreviewed.value,
                        description="unreviewed | verified | rejected (a Review); copied from its Decision")


class AllegationArticle(SQLModel, table=True):
    """An article with a public statement on an allegation: kept by ingest and recounted after a
    review, so a search maps its matching articles to allegations without reading statements."""

    __tablename__ = "allegation_article"
    __table_args__ = (
        Index("ix_allegation_article_allegation", "allegation_id", "article_id"),
        {"sqlite_with_rowid": False},
    )

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    allegation_id: int = Field(foreign_key="allegation.id", primary_key=True)


class AllegationSystem(SQLModel, table=True):
    """Statements of an allegation naming one weapon system: kept by ingest for facets and lists."""

    __tablename__ = "allegation_system"
    __table_args__ = (Index("ix_allegation_system_system_id", "system_id", "allegation_id"),)

    allegation_id: int = Field(foreign_key="allegation.id", primary_key=True)
    system_id: int = Field(foreign_key="weapon_system.id", primary_key=True)
    n_statements: int


class AllegationChange(SQLModel, table=True):
    """A change to an allegation that the Atom feeds report (`app/alerts.py`): it became known,
    was first denied or confirmed, or named a new recipient of its supplier. Written by the writer
    as it stores the statement that caused it, and derived again when reviews change statements."""

    __tablename__ = "allegation_change"
    __table_args__ = (
        UniqueConstraint("allegation_id", "kind", name="uq_allegation_change_kind"),
        Index("ix_allegation_change_recorded", "recorded_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    allegation_id: int = Field(foreign_key="allegation.id", ondelete="CASCADE")
    kind: str = Field(max_length=24, description="new-allegation | first-denial | first-confirmation | new-recipient "
                                                 "(a ChangeKind)")
    statement_id: int = Field(foreign_key="statement.id", index=True, ondelete="CASCADE",
                              description="The statement that caused it")
    recorded_at: datetime = Field(description="When its article was stored (UTC)")


class AllegationClaimant(SQLModel, table=True):
    """Statements of an allegation made by one claimant: kept by ingest for facets and filters."""

    __tablename__ = "allegation_claimant"
    __table_args__ = (Index("ix_allegation_claimant_claimant_id", "claimant_id", "allegation_id"),)

    allegation_id: int = Field(foreign_key="allegation.id", primary_key=True)
    claimant_id: int = Field(foreign_key="actor.id", primary_key=True)
    n_statements: int


class WatchedSource(SQLModel, table=True):
    """An RSS/Atom feed or a page that `armswatch watch` polls every `every_seconds`.

    The validators (etag, last_modified) are saved only after every item of a poll was stored
    or skipped, so a watcher stopped mid-poll fetches the whole feed again next time."""

    __tablename__ = "watched_source"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, description="The feed or page URL")
    name: str | None = Field(default=None, description="What the operator calls it")
    every_seconds: int = Field(description="Poll interval when healthy")
    added_at: datetime = Field(default_factory=utcnow)
    next_poll_at: datetime | None = Field(default=None, index=True, description="Due at; none = at once")
    last_poll_at: datetime | None = None
    status: str = Field(default="new", description="new | ok | not modified | partial | failed")
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    failures: int = Field(default=0, description="Consecutive failed polls (the backoff grows with them)")
    etag: str | None = None
    last_modified: str | None = None
    articles_stored: int = Field(default=0, description="New articles stored from this source, in all")


class SourcePoll(SQLModel, table=True):
    """One poll of a watched source: when, how it went, how many new articles it stored."""

    __tablename__ = "source_poll"
    __table_args__ = (Index("ix_source_poll_source_at", "source_id", "polled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="watched_source.id")
    polled_at: datetime
    status: str
    new_articles: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Account(SQLModel, table=True):
    """Someone who logs in: a viewer reads what editors see, an editor reviews, an admin too."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    role: str = Field(default=Role.editor.value, description="viewer | editor | admin (a Role)")
    password_hash: str = Field(description="argon2id hash (argon2-cffi)")
    token_hash: str | None = Field(default=None, unique=True, description="sha256 of the API token, if one was made")
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A logged-in browser: the cookie holds a random token, the table its sha256 (server-side
    sessions: logging out or disabling the account ends them at once on every server)."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf: str = Field(description="The session's CSRF token, sent back in every form")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class Decision(SQLModel, table=True):
    """An editor's decision on one statement, keyed to the article and the statement as the
    extractor made it (quote with prefix and suffix, stance, supplier, recipient, category), so
    that it is found again and re-applied when the extractor runs again over the article.
    `statement_id` is None while no statement matches (an orphaned decision)."""

    __tablename__ = "review_decision"
    __table_args__ = (Index("ix_review_decision_article", "article_id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    quote: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = ""
    suffix: str = ""
    stance: str
    supplier: str = Field(description="Actor code as extracted")
    recipient: str
    category: str
    statement_id: int | None = Field(default=None, index=True)
    review: str = Field(default=Review.unreviewed.value)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    edits: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict),
                        description="Fields an editor changed: {field: value} (codes, names, offsets)")
    updated_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """One change: who, when, what (each field's value before and after) and why. Never deleted;
    an undo is an event of its own."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_statement", "statement_id", "id"),
        Index("ix_audit_event_allegation", "allegation_id", "id"),
        Index("ix_audit_event_account", "account_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    account_id: int | None = Field(default=None, foreign_key="account.id", description="None: a command-line job")
    action: str = Field(description="verify | reject | edit | move | merge | undo | reextract | account")
    statement_id: int | None = None
    allegation_id: int | None = Field(default=None, description="The statement's allegation before the change")
    target_allegation_id: int | None = Field(default=None, description="Its allegation after, when it moved")
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict),
                          description="{field: [before, after]}")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    undoes_id: int | None = Field(default=None, description="The event this one undid")
    undone_by_id: int | None = Field(default=None, description="The event that undid this one")
