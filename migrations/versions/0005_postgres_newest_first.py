"""indexes in the pages' newest-first order on PostgreSQL (no-op on SQLite)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 17:40:00

The allegation and actor pages read statements newest first with undated ones last
(ORDER BY published DESC NULLS LAST, id DESC). SQLite sorts NULL first, so its indexes on
(..., published) read backwards give exactly that order and the pages stop after the rows
they show. PostgreSQL sorts NULL last, so reading the same index backwards gives NULLS FIRST
and it sorted every statement of an allegation or actor instead (69 ms of a search page's
newest quotes at 5k articles). These indexes hold that order on PostgreSQL.
"""
from app.migrate import postgresql_only

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE INDEX ix_statement_allegation_newest ON statement (allegation_id, stance, published DESC NULLS LAST, id DESC)",
    "CREATE INDEX ix_statement_claimant_newest ON statement (claimant_id, published DESC NULLS LAST, id DESC)",
    "CREATE INDEX ix_statement_speaker_newest ON statement (speaker_id, published DESC NULLS LAST, id DESC)",
)
DOWNGRADE = (
    "DROP INDEX ix_statement_speaker_newest",
    "DROP INDEX ix_statement_claimant_newest",
    "DROP INDEX ix_statement_allegation_newest",
)


def upgrade() -> None:
    postgresql_only(UPGRADE)


def downgrade() -> None:
    postgresql_only(DOWNGRADE)
