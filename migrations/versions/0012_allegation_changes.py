"""allegation_change: what the Atom feeds report (new allegations, first denials and confirmations, new recipients)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 14:00:00

Each row is one change to an allegation and the statement that caused it (see app/alerts.py);
ingest writes them with the statements, reviews derive them again; a statement or allegation
deleted (re-extraction, a merge) takes its changes with it, and the recount that follows derives
them again. An existing ledger's changes
are derived here from its public statements, each dated when its article was stored.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allegation_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("allegation_id", sa.Integer(), sa.ForeignKey("allegation.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("statement.id", ondelete="CASCADE"), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("allegation_id", "kind", name="uq_allegation_change_kind"),
    )
    op.create_index("ix_allegation_change_recorded", "allegation_change", ["recorded_at", "id"])
    op.create_index("ix_allegation_change_statement_id", "allegation_change", ["statement_id"])
    from app import alerts  # the definition ingest and reviews use

    alerts.derive(op.get_bind())


def downgrade() -> None:
    op.drop_table("allegation_change")
