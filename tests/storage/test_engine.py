"""Database URLs and the SQLite connection set-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from deskapp.core.errors import InputError
from deskapp.storage.engine import (
    database_url,
    default_database_url,
    normalize_url,
    open_engine,
    sqlite_path,
)


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://desk:pw@db.example:5433/desk", "postgresql+psycopg://desk:pw@db.example:5433/desk"),
    ("postgresql://desk@db/desk", "postgresql+psycopg://desk@db/desk"),
    ("postgresql+psycopg://desk@db/desk", "postgresql+psycopg://desk@db/desk"),
    ("sqlite:////srv/desk.sqlite3", "sqlite:////srv/desk.sqlite3"),
])
def test_urls_are_normalized(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_a_file_path_becomes_an_sqlite_url(tmp_path: Path) -> None:
    assert normalize_url(str(tmp_path / "desk.db")) == f"sqlite:///{tmp_path}/desk.db"


def test_other_databases_are_refused() -> None:
    with pytest.raises(InputError, match="unsupported database 'mysql'"):
        normalize_url("mysql://desk@db/desk")


def test_command_line_beats_environment_beats_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    default = database_url(None)
    assert default == default_database_url()
    assert default == f"sqlite:///{tmp_path}/data/deskapp/deskapp.sqlite3"
    assert (tmp_path / "data" / "deskapp").is_dir()
    monkeypatch.setenv("DESKAPP_DB", "postgres://desk@db/desk")
    assert database_url(None) == "postgresql+psycopg://desk@db/desk"
    assert database_url(str(tmp_path / "cli.db")) == f"sqlite:///{tmp_path}/cli.db"


def test_sqlite_connections_are_set_up(tmp_path: Path) -> None:
    engine = open_engine(str(tmp_path / "desk.db"))
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA busy_timeout").scalar() == 5000
        assert sqlite_path(engine) == tmp_path / "desk.db"
    finally:
        engine.dispose()


def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    engine = open_engine(str(tmp_path / "desk.db"))
    statements: list[str] = []
    try:
        _record(engine, statements)
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT 1")
        assert statements[:2] == ["BEGIN IMMEDIATE", "SELECT 1"]
    finally:
        engine.dispose()


def _record(engine: Engine, statements: list[str]) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)


@pytest.mark.slow
def test_postgresql_sessions_run_in_utc_whatever_the_servers_zone(pg_url: str) -> None:
    from datetime import UTC

    from tests.pg import _admin

    with _admin(pg_url) as admin:
        admin.execute(f"ALTER DATABASE {make_url(pg_url).database} SET timezone TO 'Asia/Tokyo'")
    engine = open_engine(pg_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW TIME ZONE").scalar_one() == "UTC"
            # The driver's own instants come back in UTC (recomputation reads them raw).
            cursor = connection.connection.cursor()
            cursor.execute("SELECT timestamptz '2026-03-02 09:00+09'")
            instant = cursor.fetchone()[0]
        assert instant.tzinfo is UTC
        assert instant.hour == 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_postgresql_connection_dropped_while_idle_is_replaced(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import deskapp.storage.engine as engine_module
    from tests.pg import _admin

    engine = open_engine(pg_url)
    try:
        with engine.connect() as connection:
            dropped = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        # The server drops the pooled connection (a restart, a network cut) while it is idle.
        with _admin(pg_url) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 10000)", (dropped,))
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != dropped
    finally:
        engine.dispose()
