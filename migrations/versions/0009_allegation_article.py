"""allegation_article: the (article, allegation) pairs with a public statement, for the search

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00

A search finds articles (FTS5 on SQLite, the tsvector GIN index on PostgreSQL) and shows the
allegations stated in them. Through the statements that was one lookup per statement of every
matching article (~8 per article, up to 20,000 articles); this table holds each pair once,
keyed (article, allegation), so the lookup reads one short index range per article. Ingest adds
the pairs of each new article; a review recounts the pairs of the allegations it touched
(`app.counters.recount`): a pair whose statements are all rejected is not in it.

An existing ledger's pairs are filled here from its statements (a few seconds at 100k articles).
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allegation_article",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.Column("allegation_id", sa.Integer(), sa.ForeignKey("allegation.id"), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "allegation_id"),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO allegation_article (article_id, allegation_id) "
               "SELECT DISTINCT article_id, allegation_id FROM statement WHERE review != 'rejected'")
    op.create_index("ix_allegation_article_allegation", "allegation_article", ["allegation_id", "article_id"])
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().exec_driver_sql("SELECT 1 FROM statement LIMIT 1").first():
        op.execute("PRAGMA analysis_limit=1000")
        op.execute("ANALYZE allegation_article")


def downgrade() -> None:
    op.drop_table("allegation_article")
