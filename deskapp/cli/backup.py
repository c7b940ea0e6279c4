"""`deskapp backup`: take, list, verify and restore backups of the desk's SQLite file.

Backups go to $DESKAPP_BACKUP_DIR, else --folder, else a `backups` folder beside the
database file; 7 daily, 4 weekly and 3 monthly are kept. A PostgreSQL database is backed
up by its server (pg_dump); see docs/backups.md.

Examples:
  deskapp backup create
  deskapp backup create --daily        (from a scheduler: only when due and changed)
  deskapp backup list
  deskapp backup verify
  deskapp backup restore --latest --yes
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from deskapp.app import backups
from deskapp.app.backups import Backup
from deskapp.app.locations import database_url
from deskapp.cli import SUMMARIES
from deskapp.cli.arguments import db_option
from deskapp.cli.printable import shown
from deskapp.core.errors import InputError
from deskapp.core.wording import plural


def clock() -> datetime:
    """This machine's clock; the tests replace it."""
    return datetime.now(UTC)


def confirm(question: str) -> bool:
    """Ask on the terminal; never without one (the tests replace it)."""
    if not sys.stdin.isatty():
        raise InputError("restoring replaces the database: confirm with --yes")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def register(commands: Any) -> None:
    parser = commands.add_parser("backup", help=SUMMARIES["backup"], description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(name, help=text, description=text)
        sub.add_argument("--folder", metavar="DIR",
                         help="the backup folder (default: $DESKAPP_BACKUP_DIR, else "
                              "'backups' beside the database file)")
        db_option(sub)
        return sub

    create = action("create", "take a verified backup now (the desk may keep working)")
    create.add_argument("--daily", action="store_true",
                        help="only if none was taken today and something changed since")
    create.set_defaults(handler=run_create)
    action("list", "the backups, newest first, with their state").set_defaults(
        handler=run_list)
    verify = action("verify", "check backups again: whole and as they were taken; exit "
                              "status 1 if one is not")
    verify.add_argument("name", nargs="?", metavar="NAME", help="one backup (default: all)")
    verify.set_defaults(handler=run_verify)
    restore = action("restore", "put a backup in the database's place (a safety copy of "
                                "the current data is taken first)")
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument("name", nargs="?", metavar="NAME", help="the backup, as listed")
    which.add_argument("--latest", action="store_true", help="the latest verified backup")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing")
    restore.set_defaults(handler=run_restore)


def _url(args: argparse.Namespace) -> str:
    return database_url(getattr(args, "db", None))


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _line(b: Backup) -> str:
    incidents = "? incidents" if b.incidents is None else plural(b.incidents, "incident")
    return (f"{b.name}  {_when(b.taken_at)}  {b.kind}  {b.size / 1e6:.1f} MB  "
            f"{incidents}  {shown(b.state)}")


def run_create(args: argparse.Namespace) -> int:
    url = _url(args)
    if args.daily:
        taken = backups.daily(url, now=clock(), folder=args.folder)
        if taken is None:
            print("no backup needed: one was taken today, or nothing changed since the last")
            return 0
    else:
        taken = backups.create(url, now=clock(), folder=args.folder)
    print(f"{taken.path}: {taken.state}, {plural(taken.incidents or 0, 'incident')}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    url = _url(args)
    found = backups.backups(url, folder=args.folder)
    if not found:
        print(f"no backups in {backups.folder_for(url, args.folder)}")
    for b in found:
        print(_line(b))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    url = _url(args)
    checked = backups.verify(url, args.name, folder=args.folder)
    if not checked:
        print(f"no backups in {backups.folder_for(url, args.folder)}")
    for b in checked:
        print(_line(b))
    return 0 if all(b.verified for b in checked) else 1


def run_restore(args: argparse.Namespace) -> int:
    url = _url(args)
    database = backups.database_file(url)
    if args.latest:
        chosen = backups.latest_verified(url, folder=args.folder)
        if chosen is None:
            raise InputError(f"no verified backup of {database} in "
                             f"{backups.folder_for(url, args.folder)}")
    else:
        chosen = backups.find(url, args.name, folder=args.folder)
    if not args.yes and not confirm(
            f"Replace {database} with the backup taken {_when(chosen.taken_at)}? What was "
            "written since then is lost (a safety copy of it is taken first)."):
        print("nothing restored")
        return 1
    restored = backups.restore(url, chosen.name, now=clock(), folder=args.folder)
    print(f"restored {database} from {restored.backup.name} ({_when(chosen.taken_at)})")
    if restored.safety is not None:
        print(f"the data it replaced is in {restored.safety.path}")
    if restored.set_aside is not None:
        print(f"the damaged file was moved to {restored.set_aside}")
    return 0


def damaged_advice(argv: Sequence[str]) -> str:
    """For a damaged database's message: the latest verified backup and its time (what
    would be lost), or nothing when there is none."""
    values = iter(argv)
    given = None
    for arg in values:
        if arg == "--db":
            given = next(values, None)
        elif arg.startswith("--db="):
            given = arg.removeprefix("--db=")
    try:
        url = database_url(given)
        latest = backups.latest_verified(url)
    except (InputError, OSError):  # the advice must not hide the error it adds to
        return ""
    if latest is None:
        return ""
    return (f"; the latest verified backup was taken {_when(latest.taken_at)}: what was "
            "written after it would be lost; restore it with "
            "'deskapp backup restore --latest'")
