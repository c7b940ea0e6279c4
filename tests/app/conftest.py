"""Fixtures for the desk service: a controllable clock and desks on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskapp.app.desk import Desk
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, open_desk, start_clock


@pytest.fixture
def clock() -> Clock:
    return start_clock()


@pytest.fixture
def desk(any_database_url: str, clock: Clock) -> Iterator[Desk]:
    """A desk on an empty SQLite file, and again on an empty PostgreSQL database."""
    opened = open_desk(any_database_url, clock)
    try:
        yield opened
    finally:
        opened.shutdown()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "desk.sqlite3")


@pytest.fixture
def sqlite_desk(sqlite_file: str, clock: Clock) -> Iterator[Desk]:
    opened = open_desk(sqlite_file, clock)
    try:
        yield opened
    finally:
        opened.shutdown()
