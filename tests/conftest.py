"""Shared fixtures: every test gets its own migrated SQLite file (no shared database)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import facet_index, migrate
from app.config import get_settings
from app.db import get_engine, make_engine

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite file migrated to head; ARMSWATCH_DATABASE_URL points at it for the test."""
    url = f"sqlite:///{tmp_path / 'armswatch.db'}"
    monkeypatch.setenv("ARMSWATCH_DATABASE_URL", url)
    # The facet index follows every change at once in tests (a server waits REBUILD_SECONDS
    # between rebuilds and uses SQL meanwhile), so a test's queries do not depend on the clock.
    monkeypatch.setattr(facet_index, "REBUILD_SECONDS", 0.0)
    facet_index.reset()
    get_settings.cache_clear()
    get_engine.cache_clear()
    migrate.upgrade(url)
    yield url
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s
