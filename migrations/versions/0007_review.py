"""analyst review: accounts, login sessions, review decisions, the audit trail, and the review
state of each statement with its allegation's verified / rejected counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

`statement.review` and `allegation.n_verified / n_rejected` are plain columns so the read path
filters and counts on them without a join. They are added with ADD COLUMN (not a batch table
copy), which keeps SQLite's FTS5 triggers on `statement`.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.add_column("statement", sa.Column("review", sa.String(), nullable=False, server_default="unreviewed"))
    op.add_column("allegation", sa.Column("n_verified", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("allegation", sa.Column("n_rejected", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(), nullable=False, server_default="editor"),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTC(), nullable=False),
        sa.UniqueConstraint("name", name="uq_account_name"),
        sa.UniqueConstraint("token_hash", name="uq_account_token_hash"),
    )
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_login_session_token_hash"),
    )
    op.create_index("ix_login_session_account_id", "login_session", ["account_id"])
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False, server_default=""),
        sa.Column("suffix", sa.String(), nullable=False, server_default=""),
        sa.Column("stance", sa.String(), nullable=False),
        sa.Column("supplier", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("review", sa.String(), nullable=False, server_default="unreviewed"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
    )
    op.create_index("ix_review_decision_article", "review_decision", ["article_id"])
    op.create_index("ix_review_decision_statement_id", "review_decision", ["statement_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("allegation_id", sa.Integer(), nullable=True),
        sa.Column("target_allegation_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_audit_event_statement", "audit_event", ["statement_id", "id"])
    op.create_index("ix_audit_event_allegation", "audit_event", ["allegation_id", "id"])
    op.create_index("ix_audit_event_account", "audit_event", ["account_id", "id"])


def downgrade() -> None:
    for index, table in (("ix_audit_event_account", "audit_event"), ("ix_audit_event_allegation", "audit_event"),
                         ("ix_audit_event_statement", "audit_event")):
        op.drop_index(index, table_name=table)
    op.drop_table("audit_event")
    op.drop_index("ix_review_decision_statement_id", table_name="review_decision")
    op.drop_index("ix_review_decision_article", table_name="review_decision")
    op.drop_table("review_decision")
    op.drop_index("ix_login_session_account_id", table_name="login_session")
    op.drop_table("login_session")
    op.drop_table("account")
    # DROP COLUMN (SQLite 3.35+), not a batch copy: the FTS5 triggers on statement stay.
    op.drop_column("allegation", "n_rejected")
    op.drop_column("allegation", "n_verified")
    op.drop_column("statement", "review")
