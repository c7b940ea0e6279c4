"""Opening a database for the window (run off the UI thread): migrate, load, warm calendars."""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from deskapp.app import backups
from deskapp.app.backups import Backup
from deskapp.app.desk import Desk
from deskapp.app.locations import sqlite_url
from deskapp.core.agreement import Agreement
from deskapp.core.errors import InputError
from deskapp.office import Office

DEMO_INCIDENTS = 2000
DEMO_SEED = 7
DEMO_MODULE = "deskapp.app.demo"


@dataclass(frozen=True)
class Catalog:
    """What the window needs at hand without asking the database: names and choices."""

    agreements: dict[str, Agreement]
    users: list[str]
    office: Office


@dataclass
class Opened:
    desk: Desk
    catalog: Catalog
    notes: list[str] = field(default_factory=list)
    scratch: tempfile.TemporaryDirectory[str] | None = None  # the demo's throwaway folder


def load_catalog(desk: Desk) -> Catalog:
    """Agreements and people, with every office-site calendar built before the first tick."""
    agreements = desk.agreements()
    site = desk.sla.site()
    for agreement in agreements.values():
        for spec in agreement.calendars.values():
            desk.sla.book.calendar(spec, site)
    return Catalog(agreements, desk.users(), desk.office)


class DamagedDatabase(InputError):
    """The database file is damaged and a verified backup of it can be restored."""

    def __init__(self, message: str, url: str, backup: Backup) -> None:
        super().__init__(message)
        self.url = url
        self.backup = backup


def open_database(url: str, *, office: Office | None = None,
                  clock: Callable[[], datetime] | None = None, read_only: bool = False,
                  backup_folder: str | None = None) -> Opened:
    """Create or migrate the database and load the four shipped agreements (the window
    takes the day's backup once it is open). ``read_only``: open an existing one as it is,
    to read; ``backup_folder``: where a damaged file's backups are looked for.

    A damaged file is a DamagedDatabase when a verified backup of it exists: the message
    says when that backup was taken (what was written after it would be lost)."""
    try:
        desk = Desk.open(url, office=office, clock=clock, read_only=read_only)
    except InputError as error:
        if not backups.damaged(error):
            raise
        latest = _latest_backup(url, backup_folder)
        if latest is None:
            raise
        raise DamagedDatabase(
            f"{error}. The latest verified backup was taken "
            f"{latest.taken_at:%Y-%m-%d %H:%M} UTC; restoring it loses what was written "
            "after that", url, latest) from error
    try:
        opened = Opened(desk, load_catalog(desk))
    except BaseException:
        desk.shutdown()
        raise
    return opened


def _latest_backup(url: str, folder: str | None) -> Backup | None:
    try:
        return backups.latest_verified(url, folder=folder)
    except (InputError, OSError):
        return None


def open_demo(*, clock: Callable[[], datetime] | None = None, office: Office | None = None,
              progress: Callable[[int, int], None] | None = None) -> Opened:
    """A throwaway database, filled by the demo generator when this build has one."""
    scratch = tempfile.TemporaryDirectory(prefix="deskapp-demo-")
    try:
        desk = Desk.open(sqlite_url(Path(scratch.name) / "demo.sqlite3"), office=office,
                         clock=clock)
    except BaseException:
        scratch.cleanup()
        raise
    notes = []
    try:
        demo = importlib.import_module(DEMO_MODULE)
    except ModuleNotFoundError as error:
        if error.name != DEMO_MODULE:
            raise
        notes.append("This build has no demo generator (deskapp.app.demo), so the demo "
                     "database is empty: log a few incidents with New incident (Ctrl+N).")
    else:
        result = demo.fill(desk, DEMO_INCIDENTS, DEMO_SEED, end=desk.clock(),
                           progress=progress)
        notes.append(f"Demo database: a year of {DEMO_INCIDENTS:,} generated incidents, "
                     f"{getattr(result, 'open', 'some')} still open. It lives in "
                     f"{scratch.name} and is deleted when the window closes.")
    try:
        return Opened(desk, load_catalog(desk), notes, scratch)
    except BaseException:
        desk.shutdown()
        scratch.cleanup()
        raise
