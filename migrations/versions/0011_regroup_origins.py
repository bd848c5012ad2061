"""independent origins grouped again: shingles hashed per word, candidates capped, shares checked exactly

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:00:00

Every article is sketched again (the shingles' hashes changed: see app/ingest/origins.py) and
grouped again in the order it was stored, as ingest now groups it: each band key brings a
bounded number of candidates, and a candidate joins only when the share its text has with the
article, counted exactly, reaches the threshold. The grouping of 0008 took the best of many
noisy estimates, so texts written from common stock phrases were grouped although they share
less than half their shingles. Then every allegation's independent sources are counted again
(rejected statements left out, as everywhere).

Migration 0008 no longer groups (a ledger coming from 0007 is grouped here, once).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

RECOUNT = (
    "UPDATE allegation SET n_sources = (SELECT count(DISTINCT coalesce(ar.origin_id, ar.id)) FROM statement s "
    "JOIN article ar ON ar.id = s.article_id WHERE s.allegation_id = allegation.id AND s.review != 'rejected')"
)


def upgrade() -> None:
    from app.ingest import origins  # the grouping ingest uses, so old and new articles agree

    origins.group_stored(op.get_bind())
    op.execute(sa.text(RECOUNT))


def downgrade() -> None:
    pass  # the groups found here are as valid under 0008's schema
