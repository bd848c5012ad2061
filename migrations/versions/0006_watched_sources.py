"""watched sources: feeds and pages `armswatch watch` polls, and a log of their polls

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:00:00

`source_poll` gives the /sources page its new articles per day; deleting a source deletes
its polls (ON DELETE CASCADE, and `sources remove` deletes them itself on SQLite, where
foreign keys may be off). The articles a source stored stay in the ledger.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watched_source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("next_poll_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_poll_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(), nullable=False, server_default="new"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.Column("articles_stored", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("url", name="uq_watched_source_url"),
    )
    op.create_index("ix_watched_source_next_poll_at", "watched_source", ["next_poll_at"])
    op.create_table(
        "source_poll",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("watched_source.id", ondelete="CASCADE"), nullable=False),
        sa.Column("polled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("new_articles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_source_poll_source_at", "source_poll", ["source_id", "polled_at"])


def downgrade() -> None:
    op.drop_index("ix_source_poll_source_at", table_name="source_poll")
    op.drop_table("source_poll")
    op.drop_index("ix_watched_source_next_poll_at", table_name="watched_source")
    op.drop_table("watched_source")
