"""full-text search on PostgreSQL: tsvector columns with GIN indexes (no-op on SQLite)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:00:00

SQLite searches with the FTS5 tables of 0001. On PostgreSQL the same search (every word of
`q` as a prefix, in an article's title or text or in a quote) runs on PostgreSQL's own text
search: a stored generated tsvector column on article and on statement, each with a GIN index.

The columns use the `armswatch_search` configuration: the `simple` parser and dictionary (no
stemming and no stop words, as FTS5's unicode61 tokenizer) behind `unaccent`, so "Kyiv" finds
"Kyïv" as FTS5's remove_diacritics does. unaccent is a trusted extension: the database owner
may create it. An article's vector covers its first 200,000 characters (a tsvector holds at
most 1 MB; news articles are far shorter).
"""
from app.migrate import postgresql_only

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION armswatch_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION armswatch_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "ALTER TABLE article ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('armswatch_search'::regconfig, left(coalesce(title, '') || ' ' || text, 200000))) STORED",
    "CREATE INDEX ix_article_search ON article USING gin (search)",
    "ALTER TABLE statement ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('armswatch_search'::regconfig, quote)) STORED",
    "CREATE INDEX ix_statement_search ON statement USING gin (search)",
)
DOWNGRADE = (
    "ALTER TABLE statement DROP COLUMN search",
    "ALTER TABLE article DROP COLUMN search",
    "DROP TEXT SEARCH CONFIGURATION armswatch_search",
)


def upgrade() -> None:
    postgresql_only(UPGRADE)


def downgrade() -> None:
    postgresql_only(DOWNGRADE)
