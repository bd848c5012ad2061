"""initial ledger schema, with FTS5 full-text indexes on SQLite

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 15:49:49.219996
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# External-content FTS5 indexes over article text and statement quotes, kept in
# step by triggers. SQLite only: on PostgreSQL the queries fall back to ILIKE.
FTS_SQL = [
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER article_fts_au AFTER UPDATE ON article BEGIN INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE VIRTUAL TABLE statement_fts USING fts5(quote, content='statement', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER statement_fts_ai AFTER INSERT ON statement BEGIN INSERT INTO statement_fts(rowid, quote) VALUES (new.id, new.quote); END",
    "CREATE TRIGGER statement_fts_ad AFTER DELETE ON statement BEGIN INSERT INTO statement_fts(statement_fts, rowid, quote) VALUES ('delete', old.id, old.quote); END",
    "CREATE TRIGGER statement_fts_au AFTER UPDATE ON statement BEGIN INSERT INTO statement_fts(statement_fts, rowid, quote) VALUES ('delete', old.id, old.quote); INSERT INTO statement_fts(rowid, quote) VALUES (new.id, new.quote); END",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS statement_fts_au", "DROP TRIGGER IF EXISTS statement_fts_ad",
    "DROP TRIGGER IF EXISTS statement_fts_ai", "DROP TABLE IF EXISTS statement_fts",
    "DROP TRIGGER IF EXISTS article_fts_au", "DROP TRIGGER IF EXISTS article_fts_ad",
    "DROP TRIGGER IF EXISTS article_fts_ai", "DROP TABLE IF EXISTS article_fts",
]


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"



def upgrade() -> None:
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['affiliation_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_actor_kind'), ['kind'], unique=False)

    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('outlet', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ingested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_sha256'), ['sha256'], unique=True)

    op.create_table('weapon_category',
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('slug')
    )
    op.create_table('allegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('n_statements', sa.Integer(), nullable=False),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.Column('n_alleges', sa.Integer(), nullable=False),
    sa.Column('n_denies', sa.Integer(), nullable=False),
    sa.Column('n_confirms', sa.Integer(), nullable=False),
    sa.Column('first_reported', sa.Date(), nullable=True),
    sa.Column('last_reported', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['category'], ['weapon_category.slug'], ),
    sa.ForeignKeyConstraint(['recipient_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['supplier_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('supplier_id', 'recipient_id', 'category', name='uq_allegation_transfer')
    )
    with op.batch_alter_table('allegation', schema=None) as batch_op:
        batch_op.create_index('ix_allegation_category', ['category'], unique=False)
        batch_op.create_index('ix_allegation_recipient', ['recipient_id'], unique=False)

    op.create_table('weapon_system',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['weapon_category.slug'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('weapon_system', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weapon_system_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_weapon_system_name'), ['name'], unique=True)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('allegation_id', sa.Integer(), nullable=False),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=True),
    sa.Column('claimant_id', sa.Integer(), nullable=True),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('suffix', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['allegation_id'], ['allegation.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.ForeignKeyConstraint(['claimant_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['speaker_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['system_id'], ['weapon_system.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'allegation_id', 'stance', 'start', 'end', name='uq_statement_span')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index('ix_statement_allegation', ['allegation_id', 'stance'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_claimant_id'), ['claimant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_system_id'), ['system_id'], unique=False)

    if _is_sqlite():
        for sql in FTS_SQL:
            op.execute(sql)



def downgrade() -> None:
    if _is_sqlite():
        for sql in FTS_DROP:
            op.execute(sql)
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_system_id'))
        batch_op.drop_index(batch_op.f('ix_statement_claimant_id'))
        batch_op.drop_index(batch_op.f('ix_statement_article_id'))
        batch_op.drop_index('ix_statement_allegation')

    op.drop_table('statement')
    with op.batch_alter_table('weapon_system', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weapon_system_name'))
        batch_op.drop_index(batch_op.f('ix_weapon_system_category'))

    op.drop_table('weapon_system')
    with op.batch_alter_table('allegation', schema=None) as batch_op:
        batch_op.drop_index('ix_allegation_recipient')
        batch_op.drop_index('ix_allegation_category')

    op.drop_table('allegation')
    op.drop_table('weapon_category')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_sha256'))
        batch_op.drop_index(batch_op.f('ix_article_published'))

    op.drop_table('article')
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_kind'))
        batch_op.drop_index(batch_op.f('ix_actor_code'))

    op.drop_table('actor')
