"""Engines for SQLite (the default, one file) and PostgreSQL (a shared office), and sessions."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from deskapp.core.errors import InputError
from deskapp.storage.models import guard_event_statements

DATABASE_ENV = "DESKAPP_DB"
DATABASE_FILE = "deskapp.sqlite3"
BUSY_TIMEOUT_MS = 5000
PING_AFTER_IDLE_S = 10.0


def default_database_url() -> str:
    """An SQLite file in the user's data folder, which is created if missing."""
    folder = Path(platformdirs.user_data_dir("deskapp", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return sqlite_url(folder / DATABASE_FILE)


def sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(Path(path).expanduser().absolute())).render_as_string()


def database_url(cli_value: str | None = None) -> str:
    """The database to use: the command line's, else $DESKAPP_DB, else the default file.

    A value without ``scheme://`` is taken as the path of an SQLite file.
    """
    value = cli_value or os.environ.get(DATABASE_ENV) or ""
    if not value.strip():
        return default_database_url()
    return normalize_url(value.strip())


def normalize_url(value: str) -> str:
    """Accept a file path or a URL; PostgreSQL URLs always use the psycopg 3 driver."""
    if "://" not in value:
        return sqlite_url(Path(value))
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise InputError(f"not a database URL or file path: {value!r}") from exc
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"unsupported database {url.get_backend_name()!r}: use an SQLite file "
            "or a postgresql:// URL")
    return url.render_as_string(hide_password=False)


def open_engine(url: str | URL, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine set up for deskapp; nothing connects until first use.

    SQLite gets foreign keys, WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions
    (plain ``BEGIN`` on ``engine.execution_options(read_only=True)``).
    """
    url = make_url(normalize_url(url.render_as_string(hide_password=False))
                   if isinstance(url, URL) else normalize_url(url))
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        _set_up_sqlite(engine, busy_timeout_ms)
        return engine
    try:
        engine = create_engine(url)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"the PostgreSQL driver {exc.name} is not installed; deskapp uses psycopg 3 "
            "(postgresql:// URLs), which comes with pip install 'deskapp[postgres]'"
        ) from exc
    _set_up_postgresql(engine)
    return engine


def _set_up_postgresql(engine: Engine) -> None:
    # Sessions in UTC, whatever the server's own zone: instants then come back from the
    # driver already in UTC (no conversion per row, for a million rows in a recomputation).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SET TIME ZONE 'UTC'")
        finally:
            dbapi_connection.autocommit = autocommit

    # A connection that has been idle for a while is pinged before use, and replaced if the
    # server restarted or the network dropped it meanwhile; one just used is taken as alive
    # (a round trip less for each action of an agent at work).
    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the connection was lost while idle: {exc}") from exc


def _set_up_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling begins lazily and never for SELECT or DDL; we turn
    # it off and begin ourselves. IMMEDIATE takes the write lock up front, so two processes
    # wait for each other (busy_timeout) instead of failing on a read-to-write upgrade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if _is_empty_or_deskapp(cursor):
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads (engine.execution_options(read_only=True)) begin deferred, so in WAL mode
        # they neither wait for nor hold up a writer.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _is_empty_or_deskapp(cursor: Any) -> bool:
    """Whether WAL may be switched on: never in another program's file, which is refused
    unchanged (a WAL file already is WAL, and an unreadable one fails here, unchanged)."""
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] in ("wal", "memory"):
        return False
    tables = {row[0] for row in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not tables or {"alembic_version", "incidents"} <= tables


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The file of an SQLite engine; None for PostgreSQL and in-memory databases."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database or ""
    if database in ("", ":memory:") or engine.url.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database[len("file:"):]
    return Path(database)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (plain values for the UI)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    guard_event_statements(factory)
    return factory
