"""Storage fixtures: engines on SQLite and PostgreSQL, empty or migrated, always disposed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from deskapp.storage.engine import open_engine
from deskapp.storage.migrate import upgrade


@pytest.fixture
def engine(any_database_url: str) -> Iterator[Engine]:
    """An engine on an empty database."""
    engine = open_engine(any_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """An engine on a database at the current schema."""
    upgrade(engine)
    return engine
