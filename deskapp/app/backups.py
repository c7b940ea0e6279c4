"""The desk's backups: taken (on demand, once a day when something changed, before a
restore), listed with their state, verified, restored, and kept 7 daily, 4 weekly, 3 monthly.

A backup is a whole SQLite file named ``<database file>.<UTC time>.backup`` in the backup
folder, with what was verified when it was taken (rows per table, SHA-256) beside it as
``.json``. The folder is $DESKAPP_BACKUP_DIR, else the one chosen in the window's settings,
else ``backups`` beside the database file; a network share will do.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from deskapp.core.errors import InputError
from deskapp.core.retention import kept
from deskapp.storage import backup
from deskapp.storage.errors import Problem, StorageError

BACKUP_DIR_ENV = "DESKAPP_BACKUP_DIR"
DEFAULT_FOLDER = "backups"
SUFFIX = ".backup"
_STAMP = "%Y%m%dT%H%M%SZ"
POSTGRESQL_ADVICE = (
    "backups of a PostgreSQL database belong to its server: take them with pg_dump "
    "(pg_dump --format=custom --file=desk.dump URL) or the server's own backups; "
    "'deskapp export --format json' writes every incident to a file (see docs/backups.md)")


class Kind(StrEnum):
    """Why a backup was taken."""

    ON_DEMAND = "on demand"
    DAILY = "daily"
    BEFORE_RESTORE = "before restore"


@dataclass(frozen=True)
class Backup:
    """One backup as listed: its name, when it was taken, why, and its state."""

    name: str
    path: Path
    taken_at: datetime
    kind: str
    size: int
    incidents: int | None
    state: str  # "verified", "not verified", or what is wrong with it

    @property
    def verified(self) -> bool:
        return self.state == "verified"


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup restored, the safety copy of the data it replaced,
    and where a database that could not be copied (damaged) was set aside."""

    backup: Backup
    safety: Backup | None
    set_aside: Path | None


def database_file(url: str) -> Path:
    """The SQLite file of the desk; InputError for PostgreSQL (whose server keeps backups)."""
    path = backup.database_file(url)
    if path is None:
        if url.startswith("sqlite"):
            raise InputError("a database in memory has no backups")
        raise InputError(f"deskapp takes no backups of a PostgreSQL database: "
                         f"{POSTGRESQL_ADVICE}")
    return path


def backed_up_here(url: str) -> bool:
    """Whether deskapp takes the backups of this database (an SQLite file: yes)."""
    return backup.database_file(url) is not None


def damaged(error: BaseException) -> bool:
    """Whether ``error`` says the database file is damaged (a backup may be restored)."""
    return isinstance(error, StorageError) and error.problem is Problem.CORRUPT


def folder_for(url: str, chosen: str | None = None) -> Path:
    """Where the desk's backups go: $DESKAPP_BACKUP_DIR, else ``chosen`` (the window's
    setting, or the command line's --folder), else ``backups`` beside the database."""
    given = os.environ.get(BACKUP_DIR_ENV, "").strip() or (chosen or "").strip()
    if given:
        return Path(given).expanduser()
    return database_file(url).parent / DEFAULT_FOLDER


def _pattern(database: Path) -> re.Pattern[str]:
    return re.compile(re.escape(database.name) + r"\.(\d{8}T\d{6}Z)(?:-(\d+))?"
                      + re.escape(SUFFIX))


def _taken_at(name: str, database: Path) -> datetime | None:
    found = _pattern(database).fullmatch(name)
    if found is None:
        return None
    return datetime.strptime(found.group(1), _STAMP).replace(tzinfo=UTC)


def backups(url: str, *, folder: str | None = None) -> list[Backup]:
    """The database's backups in the folder, newest first, each with its state as recorded
    (``verify`` checks them again)."""
    database = database_file(url)
    where = folder_for(url, folder)
    if not where.is_dir():
        return []
    found = []
    for path in where.glob(f"{backup.escape(database.name)}.*{SUFFIX}"):
        taken_at = _taken_at(path.name, database)
        if taken_at is not None and path.is_file():
            found.append(_listed(path, taken_at))
    # Two taken in one second: the second is named ...-2 (a longer name).
    return sorted(found, key=lambda b: (b.taken_at, len(b.name), b.name), reverse=True)


def _listed(path: Path, taken_at: datetime, state: str | None = None) -> Backup:
    facts = backup.recorded_facts(path) or {}
    size = path.stat().st_size
    counts = facts.get("counts")
    incidents = counts.get("incidents") if isinstance(counts, dict) else None
    if state is None:
        if not facts:
            state = "not verified"
        elif facts.get("size") != size:
            state = "damaged: its size changed since it was taken"
        else:
            state = "verified"
    return Backup(path.name, path, taken_at, str(facts.get("kind", "?")), size,
                  incidents if isinstance(incidents, int) else None, state)


def create(url: str, *, now: datetime, folder: str | None = None,
           kind: Kind = Kind.ON_DEMAND) -> Backup:
    """A verified backup of the database now; then the backups beyond 7 daily, 4 weekly
    and 3 monthly are removed (not after a safety copy, which a restore relies on)."""
    database = database_file(url)
    where = folder_for(url, folder)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the backup folder {where}: {exc.strerror}") from exc
    backup.remove_unfinished(where, f"{backup.escape(database.name)}.*{SUFFIX}")
    for facts in where.glob(f"{backup.escape(database.name)}.*{SUFFIX}{backup.FACTS}"):
        if not facts.with_name(facts.name.removesuffix(backup.FACTS)).exists():
            facts.unlink(missing_ok=True)  # its copy was killed before being renamed
    taken_at = now.astimezone(UTC).replace(microsecond=0)
    target = where / f"{database.name}.{taken_at:{_STAMP}}{SUFFIX}"
    count = 1
    while target.exists():
        count += 1
        target = where / f"{database.name}.{taken_at:{_STAMP}}-{count}{SUFFIX}"
    try:
        backup.take(database, target, about={
            "database": str(database), "taken_at": taken_at.isoformat(), "kind": kind.value})
    except OSError as exc:
        raise InputError(f"cannot write the backup {target}: {exc.strerror or exc}") from exc
    if kind is not Kind.BEFORE_RESTORE:
        prune(url, now=now, folder=folder)
    return _listed(target, taken_at)


def prune(url: str, *, now: datetime, folder: str | None = None) -> list[str]:
    """Remove the backups the retention rule no longer keeps; their names."""
    found = backups(url, folder=folder)
    keep = kept([b.taken_at for b in found], now)
    removed = []
    for b in found:  # two taken in one second are kept or removed together
        if b.taken_at not in keep:
            b.path.unlink(missing_ok=True)
            backup.facts_path(b.path).unlink(missing_ok=True)
            removed.append(b.name)
    return removed


def find(url: str, name: str, *, folder: str | None = None) -> Backup:
    """The backup called ``name`` (its file name, or the UTC time in it)."""
    wanted = name.strip()
    found = backups(url, folder=folder)
    for b in found:
        if wanted in (b.name, b.path.name.removesuffix(SUFFIX),
                      b.name.removeprefix(f"{database_file(url).name}.").removesuffix(SUFFIX)):
            return b
    where = folder_for(url, folder)
    known = ", ".join(b.name for b in found[:3]) or "none"
    raise InputError(f"no backup {name!r} in {where} (the newest: {known}; "
                     "'deskapp backup list' lists them)")


def verify(url: str, name: str | None = None, *, folder: str | None = None
           ) -> list[Backup]:
    """Check one backup (or every one) again: whole, and as it was when taken."""
    chosen = [find(url, name, folder=folder)] if name else backups(url, folder=folder)
    checked = []
    for b in chosen:
        found = backup.problems(b.path)
        checked.append(_listed(b.path, b.taken_at, found[0] if found else "verified"))
    return checked


def latest_verified(url: str, *, folder: str | None = None) -> Backup | None:
    """The newest backup that is whole and as it was taken (checked now), if any."""
    for b in backups(url, folder=folder):
        if b.verified and not backup.problems(b.path):
            return b
    return None


def daily(url: str, *, now: datetime, folder: str | None = None) -> Backup | None:
    """The day's backup, when none was taken today (UTC) and something changed since the
    last one; None when there was nothing to do."""
    found = backups(url, folder=folder)
    day = now.astimezone(UTC).date()
    if found and found[0].taken_at.date() >= day:
        return None
    if found:
        recorded = backup.recorded_facts(found[0].path) or {}
        if recorded.get("mark") == backup.mark(database_file(url)):
            return None
    return create(url, now=now, folder=folder, kind=Kind.DAILY)


def restore(url: str, name: str | None, *, now: datetime, folder: str | None = None
            ) -> Restored:
    """Put the backup called ``name`` (None: the latest verified) in the database's place.

    The backup is checked first; then a safety copy of the current data is taken (a
    database too damaged to copy is set aside instead, with its -wal and -shm). The desk
    must be opened again afterwards.
    """
    database = database_file(url)
    if name is None:
        chosen = latest_verified(url, folder=folder)
        if chosen is None:
            raise InputError(f"no verified backup of {database} in "
                             f"{folder_for(url, folder)} to restore")
    else:
        chosen = find(url, name, folder=folder)
        wrong = backup.problems(chosen.path)
        if wrong and not (wrong[0].startswith("its facts") and
                          not backup.integrity(chosen.path)):
            raise InputError(f"the backup {chosen.name} cannot be restored: {wrong[0]}; "
                             f"the database {database} was not changed")
    safety = None
    if database.exists():
        try:
            safety = create(url, now=now, folder=folder, kind=Kind.BEFORE_RESTORE)
        except StorageError as exc:
            if exc.problem is not Problem.CORRUPT:
                raise
    stamp = f"{now.astimezone(UTC):{_STAMP}}"
    aside = database.with_name(f"{database.name}.damaged-{stamp}")
    set_aside = backup.restore(chosen.path, database, aside, in_place=safety is not None)
    return Restored(chosen, safety, set_aside)
