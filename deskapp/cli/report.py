"""`deskapp report`: compliance per vendor, severity and target over a month or any days,
with the agreements' goals, as a table, CSV or JSON.

Each vendor's days are read in its own zone (MAQSU's November starts in Singapore). An
incident counts in the period it was reported in, under its severity now. Targets still
running and not yet due are shown apart and never counted as met or missed; one past its
due time is missed. Times to target are in each target's business time. The JSON carries
every figure and the keys of the incidents behind it, for scripts.

Examples:
  deskapp report --period 2026-11
  deskapp report --from 2026-11-03 --to 2026-11-20 --vendor acelynk --format json
  deskapp report --period 2026-11 --format csv --out november.csv
  deskapp report --period 2026-11 --vendor magaya --format pdf --out scorecard.pdf
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deskapp.app.desk import Desk
from deskapp.cli import SUMMARIES
from deskapp.cli.arguments import db_option, instant
from deskapp.cli.incident import clock, open_desk
from deskapp.cli.printable import json_text, shown, table
from deskapp.core.calendar import format_duration
from deskapp.core.compliance import ComplianceRow, Outcome, Period
from deskapp.core.errors import InputError
from deskapp.core.goals import GoalStanding
from deskapp.core.keys import incident_key
from deskapp.core.review import ComplianceReport, LateTime
from deskapp.core.spreadsheet import write_rows

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Review:
    """What a report shows: the compliance report and where breached targets' time went."""

    def __init__(self, desk: Desk, report: ComplianceReport, late: tuple[LateTime, ...]
                 ) -> None:
        self.desk = desk
        self.report = report
        self.late = {found.vendor: found for found in late}


# A format's writer: the report as text (or bytes, for a binary format such as a PDF).
Writer = Callable[[Review], str | bytes]


def register(commands: Any) -> None:
    report = commands.add_parser(
        "report", help=SUMMARIES["report"], description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("--period", metavar="YYYY-MM", help="a month, e.g. 2026-11")
    report.add_argument("--from", dest="first", metavar="DATE",
                        help="the first day, e.g. 2026-11-03 (with --to)")
    report.add_argument("--to", dest="last", metavar="DATE", help="the last day, included")
    report.add_argument("--vendor", metavar="V", help="one vendor (default: every vendor)")
    report.add_argument("--format", choices=sorted(WRITERS), default="table",
                        help="table (default), csv, json, or pdf (a vendor scorecard with "
                             "every breached incident's timeline and explanation; needs "
                             "--out)")
    report.add_argument("--out", metavar="FILE",
                        help="write to FILE instead of the terminal (replaced whole)")
    report.add_argument("--now", metavar="T",
                        help="read the clocks at T (default: now), ISO 8601")
    db_option(report)
    report.set_defaults(handler=run)


def period_of(args: argparse.Namespace) -> Period:
    """The period the options name: a month, or a first and last day."""
    if args.period is not None:
        if args.first is not None or args.last is not None:
            raise InputError("give either --period or --from and --to, not both")
        return Period.parse_month(args.period)
    if args.first is None or args.last is None:
        raise InputError("give a month with --period (e.g. 2026-11), or --from and --to")
    return Period.days(_day("--from", args.first), _day("--to", args.last))


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; expected one like 2026-11-03"
                         ) from None


def check_out(path: str) -> Path:
    """The file to write, refused before anything is computed when it cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"--out {path!r} is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"--out {path!r}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"--out {path!r} cannot be written here (no permission)")
    return target


def write_out(target: Path, content: str | bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, then renamed over it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".deskapp-report-")
    except OSError as error:
        raise InputError(f"--out {str(target)!r} cannot be written: {error.strerror}"
                         ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"--out {str(target)!r} cannot be written: {error.strerror}"
                         ) from None


def run(args: argparse.Namespace) -> int:
    period = period_of(args)
    if args.format == "pdf" and args.out is None:
        raise InputError("the pdf format is written to a file: give --out FILE")
    target = check_out(args.out) if args.out is not None else None
    writer = WRITERS[args.format]
    with open_desk(args) as desk:
        now = instant(desk, args.now) or clock()
        report = desk.compliance(period, args.vendor, now=now)
        late = desk.late_time(period, args.vendor, now=now)
        content = writer(Review(desk, report, late))
    if target is None:
        if isinstance(content, bytes):
            raise InputError(f"the {args.format} format is written to a file: give --out")
        print(content, end="" if content.endswith("\n") else "\n")
    else:
        write_out(target, content)
    return 0


# ----- the formats --------------------------------------------------------------------------


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(seconds)


def _keys(numbers: tuple[int, ...]) -> list[str]:
    return [incident_key(number) for number in numbers]


def _window(report: ComplianceReport, vendor: str) -> tuple[str, str]:
    zone = ZoneInfo(report.zones[vendor])
    return (report.period.start(zone).astimezone(zone).isoformat(),
            report.period.end(zone).astimezone(zone).isoformat())


def row_json(row: ComplianceRow) -> dict[str, Any]:
    return {
        "severity": row.severity, "metric": row.metric, "metric_name": row.metric_name,
        "target": row.target, "logged": row.logged, "met": row.met, "breached": row.breached,
        "running": row.running, "pending": row.pending,
        "achievement_percent": _percent(row.achievement), "goal": row.goal_key,
        "goal_percent": row.goal_percent, "difference_points": _percent(row.difference),
        "median_seconds": row.median_seconds, "p90_seconds": row.p90_seconds,
        "incidents": {which.value: list(row.keys(which)) for which in Outcome},
        "severity_changed": _keys(row.severity_changed_numbers),
    }


def goal_json(goal: GoalStanding) -> dict[str, Any]:
    return {
        "key": goal.key, "description": goal.description, "percent": goal.percent,
        "state": goal.state.value, "wording": goal.wording, "tickets": goal.tickets,
        "met": goal.met, "breached": goal.breached, "running": goal.running,
        "achievement_percent": _percent(goal.achievement),
        "misses_allowed": goal.misses_allowed, "misses_left": goal.misses_left,
        "tickets_for_one_miss": goal.tickets_for_one_miss,
        "incidents": {which.value: list(goal.keys(which)) for which in Outcome},
    }


def late_json(late: LateTime | None) -> dict[str, Any] | None:
    if late is None:
        return None
    return {"breached": late.breached, "total_seconds": late.total_seconds,
            "shares": [{"label": share.label, "seconds": share.seconds,
                        "incidents": _keys(share.numbers)} for share in late.shares]}


def report_json(review: Review) -> str:
    report = review.report
    vendors = []
    for vendor in report.vendors:
        start, end = _window(report, vendor)
        rows = report.rows_of(vendor)
        vendors.append({
            "vendor": vendor, "name": rows[0].vendor_name if rows else vendor,
            "zone": report.zones[vendor], "from": start, "until": end,
            "rows": [row_json(row) for row in rows],
            "goals": [goal_json(goal) for goal in report.goals_of(vendor)],
            "late_time": late_json(review.late.get(vendor)),
        })
    grid = report.grid
    return json_text({
        "period": {"label": report.period.label, "first": report.period.first.isoformat(),
                   "last": report.period.last.isoformat()},
        "now": report.now.astimezone(UTC).isoformat(),
        "logged": report.logged,
        "vendors": vendors,
        "breaches_by_weekday_hour": {
            "counts": [list(day) for day in grid.counts],
            "cells": [{"weekday": WEEKDAYS[day], "hour": hour, "count": len(numbers),
                       "incidents": _keys(numbers)}
                      for (day, hour), numbers in grid.numbers.items()]},
        "notes": list(report.notes),
    }) + "\n"


CSV_HEADER = ("vendor", "period", "zone", "severity", "metric", "target", "logged", "met",
              "breached", "running", "pending", "achievement_percent", "goal_percent",
              "difference_points", "median_seconds", "p90_seconds", "severity_changed",
              "breached_incidents")


def report_csv(review: Review) -> str:
    out = io.StringIO()
    write_rows(out, CSV_HEADER, [
        (row.vendor, row.period.label, row.zone, row.severity, row.metric, row.target,
         row.logged, row.met, row.breached, row.running, row.pending,
         _percent(row.achievement), row.goal_percent, _percent(row.difference),
         None if row.median_seconds is None else round(row.median_seconds),
         None if row.p90_seconds is None else round(row.p90_seconds),
         " ".join(_keys(row.severity_changed_numbers)),
         " ".join(row.keys(Outcome.BREACHED)))
        for row in review.report.rows])
    return out.getvalue()


def _cell(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{suffix}"


def report_table(review: Review) -> str:
    report = review.report
    lines = [f"Compliance {report.period.label}, read at "
             f"{report.now.astimezone(UTC):%Y-%m-%d %H:%M} UTC. Running targets are shown "
             "apart and not counted; times to target are business time."]
    headers = ("SEVERITY", "TARGET", "LOGGED", "MET", "BREACHED", "RUNNING", "PENDING",
               "ACHIEVED", "GOAL", "DIFF", "MEDIAN", "P90")
    for vendor in report.vendors:
        rows = report.rows_of(vendor)
        start, end = _window(report, vendor)
        name = rows[0].vendor_name if rows else vendor
        lines += ["", f"{name} ({report.zones[vendor]}, {start[:16]} to {end[:16]})"]
        lines.append(table(headers, [
            (row.severity, f"{row.metric_name}: {row.target}", str(row.logged), str(row.met),
             str(row.breached), str(row.running), str(row.pending),
             _cell(row.achievement, " %"),
             "-" if row.goal_percent is None else f"{row.goal_percent:g} %",
             _cell(row.difference), _duration(row.median_seconds),
             _duration(row.p90_seconds)) for row in rows]))
        goals = report.goals_of(vendor)
        if goals:
            lines.append("Goals:")
            lines += [f"  {goal.description}: {goal.state.value}. {goal.wording}"
                      for goal in goals]
        breached = [row for row in rows if row.breached]
        if breached:
            lines.append("Breached:")
            lines += [f"  {row.severity} {row.metric}: {', '.join(row.keys(Outcome.BREACHED))}"
                      for row in breached]
        late = review.late.get(vendor)
        if late is not None and late.shares:
            lines.append(f"Where the breached targets' time went ({late.breached}):")
            lines += [f"  {share.label}: {format_duration(share.seconds)} "
                      f"({len(share.numbers)} incidents)" for share in late.shares]
    if report.notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in report.notes]
    return "\n".join(shown(line) if "\n" not in line else line for line in lines) + "\n"


def report_pdf(review: Review) -> bytes:
    """The vendor scorecard, drawn by the window's code (Qt is loaded only for this)."""
    from deskapp.ui.scorecard import scorecard_pdf

    return scorecard_pdf(review)


WRITERS: dict[str, Writer] = {"table": report_table, "csv": report_csv, "json": report_json,
                              "pdf": report_pdf}
