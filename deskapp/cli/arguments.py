"""The options every incident command shares (--db, --at, --as, --if-version) and how a write's
result is printed."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskapp.app.instants import parse_instant
from deskapp.cli.printable import shown
from deskapp.core.agreement import Agreement
from deskapp.core.errors import InputError

if TYPE_CHECKING:
    from deskapp.app.desk import Changed, Desk
    from deskapp.app.glance import Reader

# Versions are stored as 32-bit integers.
MAX_VERSION = 2**31 - 1
DB_HELP = ("database: a postgresql:// URL or an SQLite file (also accepted before the command; "
           "default: $DESKAPP_DB, else the user's own database file)")


def db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: when not given here, the value given before the command stays.
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=DB_HELP)


def write_options(parser: argparse.ArgumentParser, *, versioned: bool = True) -> None:
    parser.add_argument("--at", metavar="T",
                        help="when it happened, ISO 8601 (default: now); no offset: office zone")
    parser.add_argument("--as", dest="author", metavar="NAME",
                        help="who did it (default: the OS user)")
    if versioned:
        parser.add_argument("--if-version", type=int, metavar="N",
                            help="refuse if the incident changed since version N")
    db_option(parser)


def instant(desk: Reader, text: str | None) -> datetime | None:
    """A typed time; one without a UTC offset is the office's."""
    return parse_instant(text, desk.sla.office_zone) if text is not None else None


def how(desk: Desk, args: argparse.Namespace) -> dict[str, Any]:
    """Who wrote, when it happened and the version it was based on: the write's keywords."""
    given: dict[str, Any] = {"author": args.author, "at": instant(desk, args.at)}
    version = getattr(args, "if_version", None)
    if version is not None:
        if not 1 <= version <= MAX_VERSION:
            raise InputError(f"--if-version must be an incident's version, 1 to {MAX_VERSION} "
                             f"(as 'incident show' prints it); got {version}")
        given["expected_version"] = version
    return given


def agreement_of(desk: Reader, vendor: str) -> Agreement:
    agreements = desk.agreements()
    if vendor not in agreements:
        raise InputError(f"unknown vendor {vendor!r}; expected one of: "
                         f"{', '.join(sorted(agreements))}")
    return agreements[vendor]


def done(changed: Changed) -> int:
    """A write's line: the incident's key, status and new version, then the agreement's notes."""
    view = changed.incident
    print(f"{view.key}: {view.status.value} (version {view.version})")
    for hint in changed.hints:
        print(f"note: {shown(hint)}")
    return 0
