"""Bring a database to the current schema from code, backing up an SQLite file first.

Opening a database only reads: whether its schema is current is answered from its
``alembic_version`` row and the revisions shipped in ``db/versions``, without Alembic (whose
import is a tenth of a command's start-up). Alembic is imported, and the write lock taken,
only when the schema must change.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from deskapp.paths import migrations_dir
from deskapp.storage import backup, revisions
from deskapp.storage.engine import is_sqlite, sqlite_path
from deskapp.storage.errors import Problem, StorageError, describe, storage_errors, translate
from deskapp.storage.locks import MIGRATION_LOCK
from deskapp.storage.search import is_index_table

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"
# A table every deskapp schema has: an unknown revision beside it means a newer deskapp.
DESKAPP_TABLE = "incidents"
# Any constant will do: it makes two deskapps starting at once migrate one after the other.



def is_modelled(name: str | None, kind: str, parents: Mapping[str, str | None]) -> bool:
    """Whether a schema object belongs to the models, for Alembic's comparisons: the search
    index is kept by the database's triggers (see ``storage/search.py``), not the models."""
    return not is_index_table(name if kind == "table" else parents.get("table_name"))


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
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolates '%', which may occur in a folder name.
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    return config


def shipped_revisions() -> dict[str, str | None]:
    """Each shipped revision and the one before it."""
    return revisions.shipped_revisions(migrations_dir())


def head_revision() -> str:
    """The newest shipped revision."""
    return revisions.head_of(shipped_revisions())


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database; None when it has none."""
    with storage_errors(engine.url), engine.connect() as connection:
        return _stored_revision(connection, _table_names(connection))


def upgrade(engine: Engine, *, now: datetime | None = None) -> UpgradeResult:
    """Create the schema in an empty database or migrate an older one to head.

    First reads what the database is, changing nothing: refuses (StorageError) a database
    with other tables and no deskapp revision, and one made by a newer deskapp, and returns
    at once when the schema is current. An existing SQLite file is backed up beside itself
    before a migration; ``now`` (default: the clock) stamps the backup's name.
    """
    head = head_revision()
    with storage_errors(engine.url), engine.connect() as connection:
        with connection.execution_options(read_only=True).begin():
            before = _checked_revision(connection, engine)
        if before == head:
            return UpgradeResult(before, head, None)
        if is_sqlite(engine):
            return _upgrade_sqlite(engine, connection, head, now)
        return _upgrade_postgresql(engine, connection, head)


def _upgrade_postgresql(engine: Engine, connection: Connection, head: str) -> UpgradeResult:
    with connection.begin():
        # Another workstation's upgrade may take a while: wait for it longer than for a row.
        connection.exec_driver_sql("SET LOCAL lock_timeout = '5min'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        before = _checked_revision(connection, engine)
        if before != head:
            if before is not None:
                log.warning("migrating %s from schema %s to %s; deskapp keeps no copy of a "
                            "PostgreSQL database: take one with pg_dump before upgrading",
                            describe(engine.url), before, head)
            _run(connection, engine, before, head, None)
    return UpgradeResult(before, head, None)


def _upgrade_sqlite(engine: Engine, connection: Connection, head: str,
                    now: datetime | None) -> UpgradeResult:
    # Batch migrations copy and drop tables; with foreign keys on, dropping a table would
    # cascade deletes. SQLite ignores this pragma inside a transaction, so set it first.
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():  # BEGIN IMMEDIATE: other deskapps wait until we are done
            before = _checked_revision(connection, engine)
            backup = None
            if before != head:
                path = sqlite_path(engine)
                if before is not None and path is not None:
                    backup = backup_before_migrating(path, before, now or datetime.now(UTC))
                _run(connection, engine, before, head, backup)
        return UpgradeResult(before, head, backup)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _run(connection: Connection, engine: Engine, before: str | None, head: str,
         backup: Path | None) -> None:
    """Migrate inside the caller's transaction; a failure leaves the schema as it was."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
        if is_sqlite(engine):
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"it broke foreign keys: {broken[:5]}")
    except Exception as exc:
        known = translate(exc, engine.url)
        if known is not None:
            raise known from exc
        where = describe(engine.url)
        if backup is not None:
            keep = f"; a copy taken before is {backup}"
        elif is_sqlite(engine):
            keep = ""
        else:
            keep = "; take a copy with pg_dump before trying again"
        raise StorageError(
            Problem.MIGRATION_FAILED,
            f"{where} could not be brought from schema {before or '(none)'} to {head}: "
            f"{type(exc).__name__}: {exc}; it was left unchanged{keep}; "
            "report this to deskapp's maintainers") from exc


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _stored_revision(connection: Connection, tables: set[str]) -> str | None:
    if VERSION_TABLE not in tables:
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def _checked_revision(connection: Connection, engine: Engine) -> str | None:
    """The database's revision, None when empty; refuses another program's database and a
    newer deskapp's. Only reads."""
    tables = _table_names(connection)
    revision = _stored_revision(connection, tables)
    where = describe(engine.url)
    if revision is None or (revision not in shipped_revisions()
                            and DESKAPP_TABLE not in tables):
        others = sorted(tables - {VERSION_TABLE})
        if others:
            shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise StorageError(
                Problem.NOT_DESKAPP,
                f"{where} is not a deskapp database: it holds other tables ({shown}); "
                "choose another file or an empty database")
        return None
    if revision not in shipped_revisions():
        raise StorageError(
            Problem.NEWER_VERSION,
            f"{where} was made by a newer deskapp (schema {revision}); "
            "update deskapp to open it")
    return revision


# ----- copies of an SQLite file taken before a migration ------------------------------------

KEEP_BACKUPS = 3


def backup_path(path: Path, revision: str, now: datetime) -> Path:
    """``<name>.before-<revision>-<UTC timestamp>.bak`` beside the file, not yet taken."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")
    count = 1
    while candidate.exists():
        count += 1
        candidate = path.with_name(f"{path.name}.before-{revision}-{stamp}-{count}.bak")
    return candidate


def backups(path: Path, revision: str = "*") -> list[Path]:
    """The copies of the file at ``path`` (taken before ``revision``), oldest first."""
    found = path.parent.glob(f"{glob.escape(path.name)}.before-{revision}-*.bak")
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def backup_before_migrating(path: Path, revision: str, now: datetime) -> Path:
    """A copy of the database before it leaves ``revision``: the last one taken when the
    database has not changed since (a migration that failed and is tried again), else a
    new one."""
    taken = backups(path, revision)
    copy = _write_backup(path, revision, now, prune=False)
    if taken and _same_file(taken[-1], copy):
        log.info("%s is unchanged since %s was taken: not copied again", path, taken[-1])
        copy.unlink()
        return taken[-1]
    _prune(path)
    return copy


def backup_sqlite(path: Path, revision: str, now: datetime) -> Path:
    """Copy an SQLite database (WAL included) to a single self-contained backup file.

    The copy (``deskapp.storage.backup``) is written under a temporary name, checked
    (``PRAGMA integrity_check``), flushed to disk and renamed; only the last
    ``KEEP_BACKUPS`` copies are kept, and what an interrupted copy left behind is removed.
    """
    return _write_backup(path, revision, now)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return (one.stat().st_size == other.stat().st_size
                and backup.file_digest(one) == backup.file_digest(other))
    except OSError:
        return False


def _write_backup(path: Path, revision: str, now: datetime, *, prune: bool = True) -> Path:
    _remove_unfinished(path)
    target = backup_path(path, revision, now)
    try:
        backup.take(path, target)
    except StorageError as exc:
        raise StorageError(exc.problem, f"{exc}: the database was not migrated") from exc
    if prune:
        _prune(path)
    return target


def _prune(path: Path) -> None:
    for old in backups(path)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def _remove_unfinished(path: Path) -> None:
    """What a copy interrupted by a crash or a kill left: an unfinished copy, or (from an
    older deskapp, which copied in place) a .bak with a -journal beside it."""
    name = glob.escape(path.name)
    backup.remove_unfinished(path.parent, f"{name}.before-*.bak")
    for journal in path.parent.glob(f"{name}.before-*.bak-journal"):
        journal.with_name(journal.name.removesuffix("-journal")).unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
