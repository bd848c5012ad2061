"""independent origins: syndicated copies grouped, allegations count articles and origins apart

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

- article.origin_id: the first stored article of the story this one copies (NULL: an origin).
- article_sketch: each article's MinHash signature; article_band: its LSH band keys (the index
  new articles are looked up in; see app/ingest/origins.py).
- allegation.n_articles: distinct articles stating the allegation (what n_sources counted so
  far); allegation.n_sources becomes the number of independent origins among them.

An existing ledger is grouped by migration 0011 (this one grouped it until 0011 changed how
shingles are hashed and candidates checked; grouping here too would do the work twice).
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RECOUNT = (
    "UPDATE allegation SET n_articles = n_sources",
    "UPDATE allegation SET n_sources = (SELECT count(DISTINCT coalesce(ar.origin_id, ar.id)) FROM statement s "
    "JOIN article ar ON ar.id = s.article_id WHERE s.allegation_id = allegation.id)",
)


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch copy of article would drop its FTS5 triggers.
    op.add_column("article", sa.Column("origin_id", sa.Integer(), nullable=True))
    op.create_index("ix_article_origin_id", "article", ["origin_id"])
    op.add_column("allegation", sa.Column("n_articles", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "article_sketch",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), primary_key=True),
        sa.Column("n_shingles", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "article_band",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.PrimaryKeyConstraint("band_key", "article_id"),
        sqlite_with_rowid=False,
    )
    for sql in RECOUNT:
        op.execute(sql)


def downgrade() -> None:
    op.execute("UPDATE allegation SET n_sources = n_articles")
    op.drop_table("article_band")
    op.drop_table("article_sketch")
    op.drop_index("ix_article_origin_id", table_name="article")
    op.execute("ALTER TABLE allegation DROP COLUMN n_articles")
    op.execute("ALTER TABLE article DROP COLUMN origin_id")
