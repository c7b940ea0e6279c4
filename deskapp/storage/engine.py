"""Engines for SQLite (the default, one file) and PostgreSQL (a shared office), and sessions."""

from __future__ import annotations

import getpass
import os
import re
import select
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, ExceptionContext
from sqlalchemy.exc import ArgumentError, DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from deskapp.core.errors import InputError
from deskapp.core.text import shown_url
from deskapp.paths import DATABASE_ENV, default_database_file
from deskapp.storage.errors import StorageError, lock_wait_error
from deskapp.storage.models import guard_event_statements

BUSY_TIMEOUT_MS = 5000
PING_AFTER_IDLE_S = 10.0

# Each PostgreSQL session's limits, unless the URL (options=-c ...), PGOPTIONS, the role, the
# database or the server's configuration sets them: a write behind another workstation's
# lock gives up after a few seconds, a runaway query after minutes, and a workstation that
# froze inside a transaction does not hold its locks for ever.
SESSION_LIMITS = {
    "lock_timeout": "5s",
    "statement_timeout": "5min",
    "idle_in_transaction_session_timeout": "2min",
}
# libpq's TCP keepalives find a server (or network) gone silent in about a minute and a
# half instead of the system's two hours; a server that does not answer at all, in 10 s.
CONNECT_DEFAULTS = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "60",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}
# What libpq reads from the environment instead, when set there.
_CONNECT_ENVIRONMENT = {"connect_timeout": "PGCONNECT_TIMEOUT",
                        "application_name": "PGAPPNAME"}


def default_database_url() -> str:
    """An SQLite file in the user's data folder, which is created if missing."""
    path = default_database_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite_url(path)


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
        raise InputError(f"not a database URL or file path: {shown_url(value)!r}") from exc
    except ValueError as exc:
        # SQLAlchemy reads the port as a number and says no more than int() does.
        raise InputError(f"the port in {shown_url(value)!r} is not a number; expected a URL "
                         "such as postgresql://user@host:5432/database") from exc
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"unsupported database {url.get_backend_name()!r}: use an SQLite file "
            "or a postgresql:// URL")
    return url.render_as_string(hide_password=False)


# ----- read-only: a copy to review, a backup, a colleague's file -----------------------------

# The PostgreSQL session setting that makes every transaction of a connection read-only.
_READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def read_only_url(value: str) -> str:
    """The URL that opens ``value`` (a file path or a URL) so that nothing can be written.

    An SQLite file is opened through a ``file:`` URI in ``mode=ro``, so neither the file
    nor a missing one is ever created. A file without a ``-wal`` beside it (a copy, a
    backup, a file nobody has open) is also ``immutable``: no lock, no ``-shm`` or ``-wal``
    is made, and it opens on read-only media; SQLite then trusts that nobody writes it
    while it is open. A ``-wal`` beside it holds committed changes not yet in the file
    (another deskapp has it open, or one stopped without closing it): only ``mode=ro``
    reads them, and SQLite keeps its ``-shm`` index beside the file for it. A PostgreSQL
    connection gets ``default_transaction_read_only``: the server refuses any write.
    """
    url = make_url(normalize_url(value))
    if is_read_only(url):
        return url.render_as_string(hide_password=False)
    if url.get_backend_name() == "postgresql":
        options = url.query.get("options") or ""
        if not isinstance(options, str):
            options = " ".join(options)
        return url.update_query_dict(
            {"options": f"{options} {_READ_ONLY_OPTION}".strip()}
        ).render_as_string(hide_password=False)
    path = _sqlite_file(url)
    if path is None:
        raise InputError("an in-memory database has nothing to open read-only; give a "
                         "database file")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a database file")
    if not path.exists():
        raise InputError(f"there is no database file {path}")
    query = {"mode": "ro", "uri": "true"}
    if not path.with_name(path.name + "-wal").exists():
        query["immutable"] = "1"
    elif not path.with_name(path.name + "-shm").exists() \
            and not os.access(path.parent, os.W_OK):
        # SQLite reads a -wal through its -shm index, which it cannot make here.
        raise InputError(
            f"{path} has changes in {path.name}-wal, beside it, that are not in the file "
            "yet, and its folder cannot be written (read-only media?): copy the file "
            "with its -wal to a folder you can write to, and open the copy")
    return URL.create("sqlite", database=_file_uri(path), query=query).render_as_string()


def is_read_only(url: str | URL) -> bool:
    """Whether the URL opens its database read-only (see ``read_only_url``); a file path or
    a URL that cannot be read is not (opening it says what is wrong)."""
    if isinstance(url, str):
        if "://" not in url:
            return False
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return False
    if url.get_backend_name() == "sqlite":
        return url.query.get("mode") == "ro" or url.query.get("immutable") == "1"
    options = url.query.get("options") or ""
    return "default_transaction_read_only=on" in (
        options if isinstance(options, str) else " ".join(options))


def _file_uri(path: Path) -> str:
    """The ``file:`` URI of an absolute path: only what a URI reads specially is escaped."""
    text = path.absolute().as_posix()
    escaped = text.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return "file:" + ("" if escaped.startswith("/") else "/") + escaped


def _sqlite_file(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database[len("file:"):]
        if url.query.get("uri") == "true":
            database = unquote(database)
        if database.startswith("///"):  # file:///path, the authority left empty
            database = database[2:]
    return Path(database)


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
        engine = create_engine(url, connect_args=_connect_defaults(url))
    except ModuleNotFoundError as exc:
        raise InputError(
            f"the PostgreSQL driver {exc.name} is not installed; deskapp uses psycopg 3 "
            "(postgresql:// URLs), which comes with pip install 'deskapp[postgres]'"
        ) from exc
    _set_up_postgresql(engine)
    return engine


def _connect_defaults(url: URL) -> dict[str, str]:
    """libpq parameters the URL (or the environment) leaves out: keepalives, a connect
    timeout, and a name the server shows other workstations (pg_stat_activity)."""
    defaults = dict(CONNECT_DEFAULTS)
    defaults["application_name"] = f"deskapp {_who()}"[:63]
    return {name: value for name, value in defaults.items()
            if name not in url.query and not os.environ.get(_CONNECT_ENVIRONMENT.get(name, ""))}


def _who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname()}"


# One round trip at connect: the zone, and each limit the session has only by default.
_SESSION_SET_UP = "SET TIME ZONE 'UTC'; SELECT set_config(name, wanted, false) FROM (VALUES {}) " \
    "AS limits(name, wanted) JOIN pg_settings USING (name) WHERE source = 'default'".format(
        ", ".join(f"('{name}', '{value}')" for name, value in SESSION_LIMITS.items()))


def _set_up_postgresql(engine: Engine) -> None:
    # Sessions in UTC, whatever the server's own zone: instants then come back from the
    # driver already in UTC (no conversion per row, for a million rows in a recomputation).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute(_SESSION_SET_UP)
        finally:
            dbapi_connection.autocommit = autocommit

    # A connection that has been idle for a while is pinged before use, and replaced if the
    # server restarted or the network dropped it meanwhile; one just used is taken as alive
    # (a round trip less for each action of an agent at work), unless the server has said
    # something since: an idle connection only hears from a server that is ending it.
    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None:
            return
        if (time.monotonic() - idle_since < PING_AFTER_IDLE_S
                and not _server_spoke(dbapi_connection)):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the connection was lost while idle: {exc}") from exc

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        state = getattr(context.original_exception, "sqlstate", None)
        if state == LOCK_NOT_AVAILABLE and context.engine is not None:
            raise _lock_wait(context.engine, context.original_exception, context.statement,
                             context.parameters)


def _server_spoke(dbapi_connection: Any) -> bool:
    """The server sent something to this idle connection (it ended it), without a round
    trip: its socket is readable."""
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError, AttributeError):
        return True
    return bool(readable)


LOCK_NOT_AVAILABLE = "55P03"
_RELATION = re.compile(r'in relation "([^"]+)"')
_ADVISORY = re.compile(r"pg_advisory_xact_lock\((\d+)\)")
# Who holds a lock of the kinds a write waits for: on a table's rows (anything stronger than
# a plain read), or an advisory lock; named as the server knows them.
_HOLDERS = """
SELECT DISTINCT a.application_name, a.usename, host(a.client_addr)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> pg_backend_pid() AND a.datname = current_database()
  AND ((l.locktype = 'relation' AND l.relation = to_regclass(%(relation)s)
        AND l.mode <> 'AccessShareLock')
    OR (l.locktype = 'advisory' AND l.classid::bigint = %(high)s
        AND l.objid::bigint = %(low)s))
"""


def _lock_wait(engine: Engine, exc: BaseException, statement: str | None,
               parameters: Any) -> StorageError:
    """The message for a write that gave up waiting for another session's lock."""
    context = getattr(getattr(exc, "diag", None), "context", None) or ""
    found = _RELATION.search(context)
    relation = found.group(1) if found else None
    params = parameters if isinstance(parameters, dict) else {}
    lock: int | None = params.get("lock") if isinstance(params.get("lock"), int) else None
    if lock is None and statement and (advisory := _ADVISORY.search(statement)):
        lock = int(advisory.group(1))
    number = params.get("number") if relation == "incidents" else None
    holders = _lock_holders(engine, relation, lock) if relation or lock is not None else []
    return lock_wait_error(engine.url, holders, relation=relation,
                           number=number if isinstance(number, int) else None, lock=lock)


def _lock_holders(engine: Engine, relation: str | None, lock: int | None) -> list[str]:
    """The other sessions holding the lock, as "application from address"; none when they
    cannot be found (the answer is only for the message)."""
    failures = (SQLAlchemyError, engine.dialect.loaded_dbapi.Error)
    try:
        connection = engine.raw_connection()
    except failures:
        return []
    try:
        cursor = connection.cursor()
        cursor.execute("SET LOCAL statement_timeout = '2s'")
        cursor.execute(_HOLDERS, {"relation": relation,
                                  "high": (lock or 0) >> 32, "low": (lock or 0) & 0xFFFFFFFF})
        rows = cursor.fetchall()
        connection.rollback()
    except failures:
        connection.invalidate()
        return []
    finally:
        connection.close()
    return [(application or user or "?") + (f" from {address}" if address else "")
            for application, user, address in rows]


def _set_up_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # A read-only file is left exactly as it is: no journal mode set, no write lock taken.
    read_only_file = is_read_only(engine.url)

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
            if not read_only_file and _is_empty_or_deskapp(cursor):
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads (engine.execution_options(read_only=True)) begin deferred, so in WAL mode
        # they neither wait for nor hold up a writer.
        reads = read_only_file or connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")


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
    return _sqlite_file(engine.url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (plain values for the UI)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    guard_event_statements(factory)
    return factory
