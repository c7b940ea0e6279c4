"""`deskapp sla`: due times, time left and explanations, for scripts and for people."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import UTC, datetime
from typing import Any

from deskapp.app.instants import parse_instant
from deskapp.app.sla import DueQuery, SlaService, database_service
from deskapp.cli import SUMMARIES
from deskapp.core.errors import InputError
from deskapp.core.explain import calendar_line, explain_due, target_line
from deskapp.core.sla import DueTime
from deskapp.office import machine_office

BATCH_COLUMNS = ["vendor", "severity", "metric", "start", "site_tz", "site_country"]


def register(commands: Any) -> None:
    sla = commands.add_parser("sla", help=SUMMARIES["sla"])
    actions = sla.add_subparsers(dest="action", metavar="ACTION", required=True)

    due = actions.add_parser("due", help="print the due instant of a target")
    _target_arguments(due, batch=True)
    due.add_argument("--json", action="store_true", help="print details as JSON")
    due.set_defaults(handler=run_due)

    remaining = actions.add_parser("remaining", help="print signed business seconds left")
    _target_arguments(remaining)
    remaining.add_argument("--now", metavar="T", help="the moment to measure at (default: now)")
    remaining.set_defaults(handler=run_remaining)

    explain = actions.add_parser("explain", help="explain a due time for a person to read")
    _target_arguments(explain)
    explain.set_defaults(handler=run_explain)


def _target_arguments(parser: argparse.ArgumentParser, *, batch: bool = False) -> None:
    parser.add_argument("--vendor", metavar="V")
    parser.add_argument("--severity", metavar="S")
    parser.add_argument("--metric", metavar="M", help="response, workaround or resolution")
    parser.add_argument("--start", metavar="T", help="clock start, ISO 8601")
    parser.add_argument("--site-tz", metavar="ZONE", help="client site zone (default: office)")
    parser.add_argument("--site-country", metavar="CC", help="client site country")
    if batch:
        parser.add_argument("--batch", metavar="FILE.csv",
                            help="rows vendor,severity,metric,start[,site_tz,site_country]")
    # As deskapp.cli.arguments.db_option, which imports the desk: this command avoids it.
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="the database whose agreements answer: a postgresql:// URL or "
                             "an SQLite file (default: $DESKAPP_DB, else the user's own "
                             "database file)")


def _service(args: argparse.Namespace) -> SlaService:
    """The agreements in force now in the database the command line names."""
    return database_service(getattr(args, "db", None), machine_office(), datetime.now(UTC))


def _query(service: SlaService, args: argparse.Namespace) -> DueQuery:
    missing = [f"--{name}" for name in ("vendor", "severity", "metric", "start")
               if not getattr(args, name)]
    if missing:
        raise InputError(f"missing {', '.join(missing)}")
    return DueQuery(
        vendor=args.vendor,
        severity=args.severity,
        metric=args.metric,
        start=parse_instant(args.start, service.office_zone),
        site=service.site(args.site_tz, args.site_country),
    )


def local_iso(moment: datetime, due: DueTime) -> str:
    return moment.astimezone(due.calendar.zone).isoformat()


def run_due(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.batch:
        given = ("vendor", "severity", "metric", "start", "site_tz", "site_country", "json")
        if any(getattr(args, n) for n in given):
            raise InputError(
                "--batch takes no --vendor, --severity, --metric, --start, --site-tz, "
                "--site-country or --json; give them as columns of the file"
            )
        sys.stdout.write(batch_due(service, args.batch))
        return 0
    due = service.due(_query(service, args))
    if args.json:
        print(json.dumps(due_details(due), indent=2, ensure_ascii=False))
    else:
        print(local_iso(due.due, due))
    return 0


def due_details(due: DueTime) -> dict[str, Any]:
    spec = due.agreement.calendars[due.target.calendar]
    zone = due.calendar.zone
    return {
        "vendor": due.agreement.vendor,
        "severity": due.target.severity,
        "metric": due.target.metric,
        "start": local_iso(due.start, due),
        "effective_start": local_iso(due.effective_start, due),
        "due": local_iso(due.due, due),
        "unit": due.target.unit.value,
        "amount": due.target.amount,
        "calendar": {"key": spec.key, "name": spec.name, "zone": due.zone_name},
        "explanation": [
            {
                "kind": step.kind.value,
                "date": step.day.isoformat(),
                "start": step.start.astimezone(zone).isoformat() if step.start else None,
                "end": step.end.astimezone(zone).isoformat() if step.end else None,
                "seconds": step.seconds,
                "reason": step.reason,
            }
            for step in due.explain()
        ],
        "warning": due.holiday_warning(),
    }


def batch_due(service: SlaService, path: str) -> str:
    """The batch's rows with a ``due`` column; the first bad row stops it, naming its line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    rows = csv.reader(io.StringIO(text))
    try:
        return _batch_rows(service, path, rows)
    except csv.Error as error:
        raise InputError(f"{path}: line {rows.line_num}: not readable as CSV: {error}") from error


def _batch_rows(service: SlaService, path: str, rows: Any) -> str:
    header = next(rows, None)
    if header is None or [h.strip() for h in header] not in (BATCH_COLUMNS[:4], BATCH_COLUMNS):
        raise InputError(
            f"{path}: line 1: expected the header {','.join(BATCH_COLUMNS[:4])}"
            f"[,{','.join(BATCH_COLUMNS[4:])}]"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "due"])
    zone = service.office_zone
    width = len(header)
    # Bound once: this loop runs for every row of batches of 100,000 rows and more.
    site_of, local_due, write = service.site, service.local_due, writer.writerow
    for row in rows:
        if not row or not any(row):
            continue
        try:
            if len(row) != width:
                raise InputError(f"expected {width} fields as in the header, found {len(row)}")
            vendor, severity, metric, start, *site_fields = [field.strip() for field in row]
            due = local_due(vendor, severity, metric, parse_instant(start, zone),
                            site_of(*site_fields))
        except InputError as error:
            raise InputError(f"{path}: line {rows.line_num}: {error}") from error
        row.append(due.isoformat())
        write(row)
    return out.getvalue()


def run_remaining(args: argparse.Namespace) -> int:
    service = _service(args)
    due = service.due(_query(service, args))
    now = parse_instant(args.now, service.office_zone) if args.now else datetime.now().astimezone()
    print(round(due.remaining(now)))
    return 0


def run_explain(args: argparse.Namespace) -> int:
    service = _service(args)
    due = service.due(_query(service, args))
    print(explanation_text(due))
    return 0


def explanation_text(due: DueTime) -> str:
    """What a person reads under "Why this time?": every interval counted, one a line."""
    explained = explain_due(due)
    lines = [target_line(due.agreement, due.target),
             calendar_line(due.agreement, due.target, due.zone_name) or "",
             *explained.start_lines()]
    if explained.entries:
        lines.append("")
        lines.extend("  " + entry.describe() for entry in explained.entries)
        lines.append("  " + explained.total_line())
    else:
        lines.append("Plain elapsed time: no calendar applies.")
    lines.append("")
    lines.append(f"{explained.due_line()}  ({local_iso(due.due, due)})")
    if explained.warning:
        lines.append(f"Warning: {explained.warning}")
    return "\n".join(lines)
