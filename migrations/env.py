"""Alembic environment: the URL comes from armswatch settings unless the caller passed one.

On PostgreSQL the migrations run under an advisory lock, so the `serve` and `ingest` processes
of several machines starting at once upgrade the schema one after the other: the first
migrates, the others find it at head.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import func, select
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.config import get_settings
from app.db import make_engine

config = context.config
MIGRATION_LOCK = 0x61726D01  # any constant no other application on the server uses
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if conn.dialect.name == "postgresql":  # held until the migrations' transaction ends
                conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
