"""`deskapp policy`: the loaded agreements as readable tables."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from deskapp.app.sla import agreement_for, shipped_agreements, shipped_folder
from deskapp.cli import SUMMARIES
from deskapp.cli.printable import shown
from deskapp.core.agreement import Agreement
from deskapp.core.errors import InputError
from deskapp.core.wording import plural


def register(commands: Any) -> None:
    policy = commands.add_parser("policy", help=SUMMARIES["policy"])
    actions = policy.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one line per agreement")
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="one agreement in full")
    show.add_argument("vendor", metavar="V")
    show.set_defaults(handler=run_show)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to line up; a cell's control characters are shown as escapes."""
    rows = [[shown(str(cell)) for cell in row] for row in rows]
    columns = zip(headers, *rows, strict=False)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    agreements = shipped_agreements()
    if not agreements:
        raise InputError("none of the shipped agreement files can be used (see the warnings "
                         "above); fix them or reinstall deskapp")
    rows = [
        (a.vendor, a.name, a.version, ", ".join(s.key for s in a.severities),
         ", ".join(m.key for m in a.metrics), ", ".join(a.calendars))
        for a in sorted(agreements.values(), key=lambda a: a.vendor)
    ]
    print(table(("VENDOR", "NAME", "VERSION", "SEVERITIES", "METRICS", "CALENDARS"), rows))
    return 0


def run_show(args: argparse.Namespace) -> int:
    folder = shipped_folder()
    print(agreement_text(agreement_for(folder.agreements, args.vendor, folder.unusable)))
    return 0


def agreement_text(agreement: Agreement) -> str:
    parts = [f"{agreement.name} ({agreement.vendor}), agreement version {agreement.version}"]
    if agreement.products:
        parts.append("Products: " + ", ".join(agreement.products))
    if agreement.contacts:
        parts.append("\nContacts\n" + table(
            ("CHANNEL", "CONTACT", "NOTE"),
            [(c.channel, c.value, c.note) for c in agreement.contacts]))
    parts.append("\nCalendars\n" + table(
        ("KEY", "ZONE", "OPEN", "HOLIDAYS"),
        [(c.key, c.zone, c.describe_hours(), c.describe_holidays())
         for c in agreement.calendars.values()]))
    parts.append("\nSeverities\n" + table(
        ("KEY", "NAME", "DEFINITION"),
        [(s.key, s.name, s.definition) for s in agreement.severities]))
    if agreement.tiers:
        parts.append("\nTiers\n" + table(
            ("KEY", "NAME", "DESCRIPTION"),
            [(t.key, t.name, t.description) for t in agreement.tiers]))
    metric_names = {m.key: m.name for m in agreement.metrics}
    parts.append("\nTargets\n" + table(
        ("METRIC", "SEVERITY", "TARGET", "CALENDAR", "PAUSABLE", "WARNING AFTER"),
        [(metric_names[t.metric], t.severity, t.describe(), t.calendar,
          "yes" if t.pausable else "no",
          plural(t.warning_after, t.unit.value[:-1]) if t.warning_after is not None else "-")
         for t in agreement.targets]))
    if agreement.goals:
        parts.append("\nGoals\n" + "\n".join(f"  {g.description}" for g in agreement.goals))
    if agreement.in_scope or agreement.out_of_scope:
        parts.append("\nScope\n  In: " + ", ".join(agreement.in_scope)
                     + "\n  Out: " + ", ".join(agreement.out_of_scope))
    if agreement.notes:
        parts.append("\nNotes\n" + "\n".join(f"  - {n}" for n in agreement.notes))
    return "\n".join(parts)
