"""Bring a database to the current schema from code, backing up an SQLite file first."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, inspect

from deskapp.paths import migrations_dir
from deskapp.storage.engine import is_sqlite, sqlite_path
from deskapp.storage.errors import Problem, StorageError, describe, storage_errors

VERSION_TABLE = "alembic_version"
# Any constant will do: it makes two deskapps starting at once migrate one after the other.
_POSTGRES_MIGRATION_LOCK = 0x6465736B


@dataclass(frozen=True)
class UpgradeResult:
    """What ``upgrade`` did: revisions before (None for a new database) and after."""

    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config() -> Config:
    config = Config()
    # ConfigParser interpolates '%', which may occur in a folder name.
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "deskapp ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database; None when it has none."""
    with storage_errors(engine.url), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, *, now: datetime | None = None) -> UpgradeResult:
    """Create the schema in an empty database or migrate an older one to head.

    Refuses (StorageError) a database with other tables and no deskapp revision, and one
    made by a newer deskapp. An existing SQLite file is backed up beside itself first;
    ``now`` (default: the clock) stamps the backup's name.
    """
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    assert head is not None
    with storage_errors(engine.url), engine.connect() as connection:
        if is_sqlite(engine):
            return _upgrade_sqlite(engine, connection, config, script, head, now)
        with connection.begin():
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_POSTGRES_MIGRATION_LOCK})")
            before = _checked_revision(connection, script, engine)
            if before != head:
                _run(connection, config)
        return UpgradeResult(before, head, None)


def _upgrade_sqlite(engine: Engine, connection: Connection, config: Config,
                    script: ScriptDirectory, head: str, now: datetime | None) -> UpgradeResult:
    # Batch migrations copy and drop tables; with foreign keys on, dropping a table would
    # cascade deletes. SQLite ignores this pragma inside a transaction, so set it first.
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():  # BEGIN IMMEDIATE: other deskapps wait until we are done
            before = _checked_revision(connection, script, engine)
            backup = None
            if before != head:
                path = sqlite_path(engine)
                if before is not None and path is not None:
                    backup = backup_sqlite(path, before, now or datetime.now(UTC))
                _run(connection, config)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration to {head} broke foreign keys: {broken[:5]}")
        return UpgradeResult(before, head, backup)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _run(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _checked_revision(connection: Connection, script: ScriptDirectory,
                      engine: Engine) -> str | None:
    tables = set(inspect(connection).get_table_names())
    revision = MigrationContext.configure(connection).get_current_revision()
    where = describe(engine.url)
    if revision is None:
        others = sorted(tables - {VERSION_TABLE})
        if others:
            shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise StorageError(
                Problem.NOT_DESKAPP,
                f"{where} is not a deskapp database: it holds other tables ({shown}); "
                "choose another file or an empty database")
        return None
    try:
        script.get_revision(revision)
    except (RevisionError, CommandError) as exc:
        raise StorageError(
            Problem.NEWER_VERSION,
            f"{where} was made by a newer deskapp (schema {revision}); "
            "update deskapp to open it") from exc
    return revision


def backup_path(path: Path, revision: str, now: datetime) -> Path:
    """``<name>.before-<revision>-<UTC timestamp>.bak`` beside the file, not yet taken."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")
    count = 1
    while candidate.exists():
        count += 1
        candidate = path.with_name(f"{path.name}.before-{revision}-{stamp}-{count}.bak")
    return candidate


def backup_sqlite(path: Path, revision: str, now: datetime) -> Path:
    """Copy an SQLite database (WAL included) to a single self-contained backup file."""
    target = backup_path(path, revision, now)
    try:
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
