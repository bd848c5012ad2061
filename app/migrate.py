"""Run the Alembic migrations from code (`armswatch db upgrade`, and on server start)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.config import get_settings


def alembic_config(url: str | None = None) -> Config:
    settings = get_settings()
    cfg = Config()
    cfg.set_main_option("script_location", str(settings.migrations_dir))
    cfg.attributes["url"] = url or settings.database_url
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def ensure_current(url: str | None = None) -> str | None:
    """Upgrade to the latest revision when behind (as ingest, watch and sources do); None, or why
    it failed in one line without SQL."""
    from app.db import describe_error

    try:
        if not is_current(url):
            upgrade(url)
    except Exception as exc:
        return describe_error(exc)
    return None


def postgresql_only(statements: tuple[str, ...]) -> None:
    """Run these statements in a migration on PostgreSQL; nothing on SQLite (for PostgreSQL-only revisions)."""
    from alembic import op

    if op.get_bind().dialect.name == "postgresql":
        for sql in statements:
            op.execute(sql)


def head() -> str | None:
    """The latest revision of the migrations."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(url: str | None = None) -> bool:
    """Whether the schema is at the latest revision already (checked without writing anything)."""
    try:
        return current(url) == head()
    except Exception:  # no database yet, or unreadable: let upgrade say what is wrong
        return False


def current(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from app.db import make_engine

    engine = make_engine(url or get_settings().database_url)
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return rev
