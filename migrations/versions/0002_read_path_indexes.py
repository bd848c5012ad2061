"""indexes for the dashboard's read path, chosen from EXPLAIN QUERY PLAN at 10k-100k articles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:40:00

Each index answers a query of app/queries.py that otherwise reads table rows or sorts:

- statement (allegation_id, stance, article_id, system_id, claimant_id): everything the
  read path asks of an allegation's statements short of the quote, from the index alone:
  the named systems of a page of allegations, the per-stance ranking and monthly timeline
  of an allegation's page, the system and claimant facets of a filtered subset. The busiest
  allegations have thousands of statements, and each was a lookup into rows that carry
  the quote and its context.
- statement (system_id, allegation_id), statement (claimant_id, allegation_id): the system
  and claimant facets of the whole ledger count distinct allegations per value in index
  order, without a temporary B-tree and without touching the table.
- statement (speaker_id): a person's page (their claims and denials) scanned every statement.
- allegation (n_sources DESC, last_reported DESC, id) and (last_reported DESC, n_sources
  DESC, id): the list's default and "latest" orders read the first page in index order and
  stop, instead of joining and sorting every allegation.

Measured on a 10k-article ledger (CPU time per call, before -> after): unfiltered list
52 -> 6 ms, its facet counts 201 -> 43 ms, search list 42 -> 12 ms, the busiest
allegation's page queries 55 -> 42 ms.
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_statement_allegation_cover", "statement", ["allegation_id", "stance", "article_id", "system_id", "claimant_id"]),
    ("ix_statement_system_allegation", "statement", ["system_id", "allegation_id"]),
    ("ix_statement_claimant_allegation", "statement", ["claimant_id", "allegation_id"]),
    ("ix_statement_speaker", "statement", ["speaker_id"]),
)
# Orders with DESC columns are written as SQL: Alembic's create_index takes plain column names.
ORDER_INDEXES = (
    ("ix_allegation_by_sources", "allegation", "n_sources DESC, last_reported DESC, id"),
    ("ix_allegation_by_latest", "allegation", "last_reported DESC, n_sources DESC, id"),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, table, order in ORDER_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({order})")


def downgrade() -> None:
    for name, table, _ in reversed(ORDER_INDEXES):
        op.drop_index(name, table_name=table)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
