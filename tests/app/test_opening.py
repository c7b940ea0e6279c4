"""Opening the desk and reading from it never wait for another workstation's write."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from deskapp.storage import database
from deskapp.storage.engine import open_engine
from deskapp.storage.locks import AGREEMENTS_LOCK, MIGRATION_LOCK, NUMBERING_LOCK
from tests.app.support import Clock, draft, open_desk

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def writer_holding(url: str) -> Iterator[None]:
    """Another program in the middle of a write transaction on the database."""
    if make_url(url).get_backend_name() == "sqlite":
        path = make_url(url).database
        assert path is not None
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE settings SET value = value")
            yield
        finally:
            other.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            # Another deskapp starting, migrating or logging an incident, and a row it writes.
            for lock in (MIGRATION_LOCK, AGREEMENTS_LOCK, NUMBERING_LOCK):
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({lock})")
            connection.exec_driver_sql("UPDATE agreement_versions SET is_current = is_current")
            yield
    finally:
        engine.dispose()


def test_opening_and_reading_do_not_wait_for_a_writer(
        any_database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = open_desk(any_database_url, clock)
    try:
        key = desk.log(draft(), author="ana").incident.key
    finally:
        desk.shutdown()
    # A short wait for a lock, so that waiting fails at once instead of hanging.
    monkeypatch.setattr(database, "open_engine",
                        functools.partial(open_engine, busy_timeout_ms=100))
    url = any_database_url
    if make_url(url).get_backend_name() == "postgresql":
        url = make_url(url).update_query_dict(
            {"options": "-c lock_timeout=100"}).render_as_string(hide_password=False)
    with writer_holding(any_database_url):
        started = time.monotonic()
        reader = open_desk(url, clock)
        try:
            assert reader.show(key).title == "Orders will not save"
            assert [row.key for row in reader.queue()] == [key]
        finally:
            reader.shutdown()
        assert time.monotonic() - started < 10


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path,
                                                            clock: Clock) -> None:
    path = tmp_path / "desk.sqlite3"
    open_desk(str(path), clock).shutdown()
    script = ("import sys\nfrom deskapp.app.desk import Desk\n"
              f"Desk.open({str(path)!r}).shutdown()\n"
              "print(sorted(name for name in sys.modules if name.startswith('alembic')))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
