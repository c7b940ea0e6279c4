"""`deskapp demo`: fill an empty database with a realistic, reproducible year of incidents."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deskapp.app import demo
from deskapp.app.instants import parse_instant
from deskapp.app.summary import summarize
from deskapp.cli import SUMMARIES
from deskapp.cli.arguments import DB_HELP
from deskapp.cli.incident import open_desk
from deskapp.core.errors import InputError

DESCRIPTION = """\
Fill an empty database with demo incidents for all the vendors' agreements: every
severity, a year of history ending at --end (default: now), open and closed incidents,
pauses, escalations, severity changes, breaches. The same --seed and --end give the same
data. The database must hold no incidents yet."""


def register(commands: Any) -> None:
    parser = commands.add_parser("demo", help=SUMMARIES["demo"],
                                 description=DESCRIPTION)
    parser.add_argument("--incidents", metavar="N", type=int, default=1000,
                        help="how many incidents (default: 1000)")
    parser.add_argument("--seed", metavar="S", type=int, default=1,
                        help="random seed (default: 1)")
    parser.add_argument("--end", metavar="T",
                        help="when the history ends, ISO 8601 (default: now)")
    parser.add_argument("--through-service", action="store_true",
                        help="write every action through the desk service, as an agent's "
                             "would be (slow; the default builds the same rows in bulk)")
    parser.add_argument("--quiet", action="store_true", help="print no progress")
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=DB_HELP)
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if not 1 <= args.incidents <= demo.MAX_INCIDENTS:
        raise InputError(f"--incidents must be between 1 and {demo.MAX_INCIDENTS:,}")
    with open_desk(args) as desk:
        end = (parse_instant(args.end, desk.sla.office_zone) if args.end is not None
               else desk.clock())

        def progress(done: int, total: int) -> None:
            if not args.quiet and sys.stderr.isatty():
                print(f"\r{done:,} / {total:,} incidents", end="", file=sys.stderr, flush=True)

        result = demo.fill(desk, args.incidents, args.seed, end=end,
                           bulk=not args.through_service, progress=progress)
        if not args.quiet and sys.stderr.isatty():
            print(file=sys.stderr)
        summary = summarize(desk, result.end)
        zone = desk.sla.office_zone
        print(f"{summary.database}: {result.incidents:,} incidents, "
              f"{result.events:,} events in {result.seconds:.1f} s")
        print(f"history {result.first.astimezone(zone):%Y-%m-%d} to "
              f"{result.end.astimezone(zone):%Y-%m-%d %H:%M %Z} (seed {args.seed})")
        print(f"open {result.open:,}; " + ", ".join(
            f"{status} {count:,}" for status, count in summary.by_status)
            + f"; targets breached {summary.breached:,}")
    return 0
