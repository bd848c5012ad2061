"""statement.quote_cut: the quotes a search must match on their own, beside their article

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 13:00:00

A search finds an allegation when a public statement's article (title or text) matches, or its
quote does. A quote is a span of its article's text, so when the span begins and ends at
whitespace (or at the text's ends) every word of the quote is a word of the article, and the
article matches whenever the quote does: the article's allegations (allegation_article) already
hold it. Only a quote that cuts a word in two ("ussia has sent", an editor's span) can match a
word prefix its article does not hold. `quote_cut` marks those, read from the statement's own
prefix and suffix (the 32 characters around the quote), so the search matches the quotes of
these few statements one by one instead of looking up every statement whose quote matches.

PostgreSQL's article vector covers its first 200,000 characters (title included): a quote
ending past 100,000 is marked too, so the two searches agree for any title under 100,000
characters.

A virtual generated column on SQLite (ALTER TABLE can add no stored one), a stored one on
PostgreSQL; on both a partial index of the marked statements.
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FAR = 100_000
CUT = {  # a character other than a space, tab or line break right before or right after the quote
    "sqlite": ("(prefix <> '' AND substr(prefix, -1) NOT IN (' ', char(9), char(10), char(13))) OR "
               "(suffix <> '' AND substr(suffix, 1, 1) NOT IN (' ', char(9), char(10), char(13))) OR "
               f'"end" >= {FAR}'),
    "postgresql": ("(prefix <> '' AND right(prefix, 1) NOT IN (' ', chr(9), chr(10), chr(13))) OR "
                   "(suffix <> '' AND left(suffix, 1) NOT IN (' ', chr(9), chr(10), chr(13))) OR "
                   f'"end" >= {FAR}'),
}


def upgrade() -> None:
    name = op.get_bind().dialect.name
    if name == "sqlite":
        op.execute(f"ALTER TABLE statement ADD COLUMN quote_cut BOOLEAN GENERATED ALWAYS AS ({CUT[name]}) VIRTUAL")
    else:
        op.execute(f"ALTER TABLE statement ADD COLUMN quote_cut BOOLEAN GENERATED ALWAYS AS ({CUT[name]}) STORED")
    op.execute("CREATE INDEX ix_statement_quote_cut ON statement (id, allegation_id, review) WHERE quote_cut")


def downgrade() -> None:
    op.execute("DROP INDEX ix_statement_quote_cut")
    op.execute("ALTER TABLE statement DROP COLUMN quote_cut")
