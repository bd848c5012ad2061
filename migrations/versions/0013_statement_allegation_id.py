"""statement (allegation_id, id): an allegation's statements in id order, for its first matching quotes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:30:00

A search page shows, under each of its rows, the first three quotes (by statement id) that match
the search. For a common word ("Russia": 30,000 matching quotes on a 15k-article ledger) reading
every matching quote's allegation to keep those of the page's 25 rows cost ~40 ms; walking each
row's statements in id order against the set of matching quotes, and stopping at the third,
needs them in that order: `ix_statement_allegation_published` orders them by stance and date.
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_statement_allegation_id", "statement", ["allegation_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_statement_allegation_id", table_name="statement")
