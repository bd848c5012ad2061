"""aggregates kept by ingest so no dashboard page scans statements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:40:00

At 100k articles (738k statements) the pages computed from scratch took 0.1-1.7 s of CPU,
all of it in queries that read many statements to answer questions about allegations
(see bench/RESULTS.md). Ingest only ever adds whole articles, so these can be kept exact
incrementally, at the cost of a few writes per article:

- allegation.n_pair_denies: the denials of the pair's weapon-unspecified allegation ("we never
  sent weapons to Russia"), which answer every allegation of the pair. The stance facets, the
  "denied" filter and the "most denied" order read one row instead of joining each allegation
  to its pair; an index on n_denies + n_pair_denies serves that order.
- allegation_system / allegation_claimant: statements per (allegation, named system) and per
  (allegation, claimant). The system and claimant facets, filters and a page's named systems
  read these small tables instead of grouping statements.
- statement.published: the article's date, copied (an article's date never changes once
  stored), with an index (allegation_id, stance, published) from which an allegation's page
  takes its newest statements of each stance and its monthly timeline without reading
  articles. It replaces 0002's covering index and the two statement-side facet indexes.

The allegation indexes on category and on recipient gain the other two columns of the transfer,
so the facets of a filtered list count from the index alone (like the unique index, which
already starts with the supplier). The statement indexes on claimant and speaker gain the date
and stance, so an actor's page reads its newest claims and denials in index order and stops.

The FTS5 update triggers now fire only when the indexed text changes, so backfilling a
column does not re-index every quote.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DENIED_ORDER = "CREATE INDEX ix_allegation_by_denied ON allegation ((n_denies + n_pair_denies) DESC, n_sources DESC, id)"

BACKFILL = (
    "UPDATE statement SET published = (SELECT a.published FROM article a WHERE a.id = statement.article_id)",
    "UPDATE allegation SET n_pair_denies = COALESCE((SELECT u.n_denies FROM allegation u "
    "WHERE u.supplier_id = allegation.supplier_id AND u.recipient_id = allegation.recipient_id "
    "AND u.category = 'unspecified'), 0) WHERE category <> 'unspecified'",
    "INSERT INTO allegation_system (allegation_id, system_id, n_statements) SELECT allegation_id, system_id, "
    "count(*) FROM statement WHERE system_id IS NOT NULL GROUP BY allegation_id, system_id",
    "INSERT INTO allegation_claimant (allegation_id, claimant_id, n_statements) SELECT allegation_id, claimant_id, "
    "count(*) FROM statement WHERE claimant_id IS NOT NULL GROUP BY allegation_id, claimant_id",
)

WIDENED = (
    ("allegation", "ix_allegation_category", "ix_allegation_category_pair", ["category", "supplier_id", "recipient_id"]),
    ("allegation", "ix_allegation_recipient", "ix_allegation_recipient_pair", ["recipient_id", "supplier_id", "category"]),
    ("statement", "ix_statement_claimant_id", "ix_statement_claimant_published", ["claimant_id", "published", "stance"]),
    ("statement", "ix_statement_speaker", "ix_statement_speaker_published", ["speaker_id", "published", "stance"]),
)

ANALYZED = ("article", "actor", "weapon_category", "weapon_system", "allegation", "statement",
            "allegation_system", "allegation_claimant")

# (name, old body, new body) of the FTS5 update triggers of migration 0001.
_ARTICLE_AU = ("INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
               "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);")
_STATEMENT_AU = ("INSERT INTO statement_fts(statement_fts, rowid, quote) VALUES ('delete', old.id, old.quote); "
                 "INSERT INTO statement_fts(rowid, quote) VALUES (new.id, new.quote);")
TRIGGERS = (
    ("article_fts_au", "article", "title, text", _ARTICLE_AU),
    ("statement_fts_au", "statement", "quote", _STATEMENT_AU),
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _triggers(narrow: bool) -> None:
    for name, table, columns, body in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        of = f" OF {columns}" if narrow else ""
        op.execute(f"CREATE TRIGGER {name} AFTER UPDATE{of} ON {table} BEGIN {body} END")


def _count_table(name: str, column: str, target: str) -> None:
    op.create_table(
        name,
        sa.Column("allegation_id", sa.Integer(), sa.ForeignKey("allegation.id"), nullable=False),
        sa.Column(column, sa.Integer(), sa.ForeignKey(target), nullable=False),
        sa.Column("n_statements", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("allegation_id", column),
    )
    op.create_index(f"ix_{name}_{column}", name, [column, "allegation_id"])


def upgrade() -> None:
    if _is_sqlite():
        _triggers(narrow=True)
    op.add_column("allegation", sa.Column("n_pair_denies", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("statement", sa.Column("published", sa.Date(), nullable=True))
    _count_table("allegation_system", "system_id", "weapon_system.id")
    _count_table("allegation_claimant", "claimant_id", "actor.id")
    for sql in BACKFILL:
        op.execute(sql)
    for name in ("ix_statement_allegation_cover", "ix_statement_system_allegation",
                 "ix_statement_claimant_allegation", "ix_statement_allegation"):
        op.drop_index(name, table_name="statement")
    op.create_index("ix_statement_allegation_published", "statement", ["allegation_id", "stance", "published"])
    op.execute(DENIED_ORDER)
    for table, old, new, columns in WIDENED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, columns)
    if _is_sqlite() and op.get_bind().exec_driver_sql("SELECT 1 FROM allegation LIMIT 1").first():
        # An existing ledger gets the planner statistics that ingest now takes after each run
        # (ledger tables only: statistics on FTS5's shadow tables make its inserts scan them).
        op.execute("PRAGMA analysis_limit=1000")
        for table in ANALYZED:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for table, old, new, columns in WIDENED:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, columns[:1])
    op.drop_index("ix_allegation_by_denied", table_name="allegation")
    op.drop_index("ix_statement_allegation_published", table_name="statement")
    op.create_index("ix_statement_allegation", "statement", ["allegation_id", "stance"])
    op.create_index("ix_statement_claimant_allegation", "statement", ["claimant_id", "allegation_id"])
    op.create_index("ix_statement_system_allegation", "statement", ["system_id", "allegation_id"])
    op.create_index("ix_statement_allegation_cover", "statement",
                    ["allegation_id", "stance", "article_id", "system_id", "claimant_id"])
    op.drop_table("allegation_claimant")
    op.drop_table("allegation_system")
    # Plain ALTER TABLE (SQLite >= 3.35): a batch copy of the table would drop its FTS5 triggers.
    op.execute("ALTER TABLE statement DROP COLUMN published")
    op.execute("ALTER TABLE allegation DROP COLUMN n_pair_denies")
    if _is_sqlite():
        _triggers(narrow=False)
