"""`deskapp export` and `deskapp import`: every incident with its whole timeline as JSON (or
a spreadsheet's CSV), into another desk with the same clocks.

Examples:
  deskapp export --format json --out desk.json
  deskapp import desk.json --db other.sqlite3
  deskapp export --format csv --out incidents.csv
  deskapp import old-desk.csv --map "Summary=title" --map "Opened=reported_at" --zone Europe/Lisbon
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from deskapp.app import transfer
from deskapp.cli import SUMMARIES
from deskapp.cli.arguments import db_option
from deskapp.cli.incident import open_desk
from deskapp.core.errors import InputError
from deskapp.core.wording import plural


def register(commands: Any) -> None:
    if "export" in commands.choices:  # one module serves both commands
        return
    export = commands.add_parser("export", help=SUMMARIES["export"], description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("--format", choices=("json", "csv"), default="json",
                        help="json: every incident with its timeline, lossless (default); "
                             "csv: one line per incident for a spreadsheet")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: stdout)")
    db_option(export)
    export.set_defaults(handler=run_export)
    imports = commands.add_parser("import", help=SUMMARIES["import"], description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    imports.add_argument("file", metavar="FILE", help="a deskapp export, or a CSV file")
    imports.add_argument("--format", choices=("json", "csv"),
                         help="default: csv for a .csv file, else json")
    imports.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                         help="CSV: the column holding a field (title, vendor, product, "
                              "severity, reported_at, ...); columns named as the fields "
                              "need none")
    imports.add_argument("--zone", metavar="ZONE",
                         help="CSV: the zone of times written without one (default: the "
                              "office's)")
    db_option(imports)
    imports.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        if args.out is None:
            count = _export(desk, args.format, sys.stdout)
        else:
            target = Path(args.out)
            if not target.name or target.is_dir():
                raise InputError(f"--out {args.out!r} is not a file name")
            unfinished = target.with_name(target.name + ".partial")
            try:
                with open(unfinished, "w", encoding="utf-8", newline="") as out:
                    count = _export(desk, args.format, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(unfinished, target)
            except OSError as exc:
                unfinished.unlink(missing_ok=True)
                raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
            except BaseException:
                unfinished.unlink(missing_ok=True)
                raise
            # The export is in the file: the terminal's output says what it holds (error
            # output is for errors and warnings only).
            print(f"wrote {plural(count, 'incident')} to {target}")
    return 0


def _export(desk: Any, form: str, out: Any) -> int:
    if form == "csv":
        from deskapp.app import spreadsheets

        return spreadsheets.export_csv(desk, out)
    return transfer.export_json(desk, out)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    form = args.format or ("csv" if path.suffix.lower() == ".csv" else "json")
    with open_desk(args) as desk:
        if form == "csv":
            from deskapp.app import spreadsheets

            done = spreadsheets.import_csv(desk, data, spreadsheets.parse_mapping(args.map),
                                          args.zone)
        else:
            if args.map or args.zone:
                raise InputError("--map and --zone are for a CSV file")
            done = transfer.import_json(desk, data)
    span = f" ({done.first} to {done.last})" if done.first else ""
    print(f"imported {plural(done.incidents, 'incident')}{span}, "
          f"{plural(done.events, 'event')}")
    return 0
