"""`deskapp policy`: the database's agreements as readable tables; import, export, validate
and list the versions of any vendor's agreement, and apply a new one to open incidents.

Examples:
  deskapp policy validate acme.toml
  deskapp policy import acme.toml --effective 2027-01-01 --by lead
  deskapp policy import maqsu.toml --apply-to-open
  deskapp policy versions maqsu
  deskapp policy apply maqsu --version 2
  deskapp policy export maqsu --version 1 --out maqsu-1.toml
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deskapp.app.agreement_change import AgreementPreview
from deskapp.app.instants import parse_instant
from deskapp.app.sla import agreement_for
from deskapp.cli import SUMMARIES
from deskapp.cli.arguments import MAX_VERSION, db_option
from deskapp.cli.incident import open_desk
from deskapp.cli.printable import shown, table
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_check import check_agreement, read_agreement_file
from deskapp.core.agreement_toml import write_agreement
from deskapp.core.agreement_versions import SINCE_ALWAYS, VersionInfo
from deskapp.core.errors import InputError
from deskapp.core.wording import plural


def register(commands: Any) -> None:
    policy = commands.add_parser("policy", help=SUMMARIES["policy"], description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = policy.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one line per vendor's current agreement")
    db_option(listing)
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="one agreement in full")
    show.add_argument("vendor", metavar="V")
    _version_option(show)
    db_option(show)
    show.set_defaults(handler=run_show)

    importing = actions.add_parser(
        "import", help="store an agreement file as a new vendor or the vendor's next version")
    importing.add_argument("file", metavar="FILE.toml")
    importing.add_argument("--effective", metavar="T",
                           help="in force from this date or time (default: now); no offset: "
                                "the office's zone")
    importing.add_argument("--by", metavar="NAME", help="who made it (default: the OS user)")
    importing.add_argument("--apply-to-open", action="store_true",
                           help="also pin the vendor's open incidents to it, after a preview")
    importing.add_argument("--yes", action="store_true",
                           help="apply without asking (with --apply-to-open)")
    db_option(importing)
    importing.set_defaults(handler=run_import)

    export = actions.add_parser("export", help="write a vendor's agreement as a TOML file")
    export.add_argument("vendor", metavar="V")
    _version_option(export)
    export.add_argument("--out", metavar="FILE", help="write here (default: print it)")
    export.add_argument("--as-stored", action="store_true",
                        help="the text exactly as it was imported, comments included")
    db_option(export)
    export.set_defaults(handler=run_export)

    validate = actions.add_parser(
        "validate", help="check an agreement file (and lint its calendars) without storing it")
    validate.add_argument("file", metavar="FILE.toml")
    validate.set_defaults(handler=run_validate)

    applying = actions.add_parser(
        "apply", help="pin a vendor's open incidents to one of its versions, after a preview")
    applying.add_argument("vendor", metavar="V")
    _version_option(applying)
    applying.add_argument("--by", metavar="NAME", help="who applies it (default: the OS user)")
    applying.add_argument("--yes", action="store_true", help="apply without asking")
    db_option(applying)
    applying.set_defaults(handler=run_apply)

    versions = actions.add_parser("versions", help="a vendor's versions: who made them, when")
    versions.add_argument("vendor", metavar="V")
    db_option(versions)
    versions.set_defaults(handler=run_versions)


def _version_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", type=int, metavar="N",
                        help="version number, as 'policy versions' lists them "
                             "(default: the current one)")


# ----- reading ------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        agreements = desk.agreements()
        problems = desk.shipped_problems
    if not agreements:
        if problems:
            raise InputError("none of the shipped agreement files can be used (see the "
                             "warnings above); fix them or reinstall deskapp")
        raise InputError("the database holds no agreement in force; import one with "
                         "'deskapp policy import FILE.toml'")
    rows = [
        (a.vendor, a.name, a.version, ", ".join(s.key for s in a.severities),
         ", ".join(m.key for m in a.metrics), ", ".join(a.calendars))
        for a in sorted(agreements.values(), key=lambda a: a.vendor)
    ]
    print(table(("VENDOR", "NAME", "VERSION", "SEVERITIES", "METRICS", "CALENDARS"), rows))
    return 0


def _number(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_VERSION:
        raise InputError(f"--version must be a version number, 1 to {MAX_VERSION} (as "
                         f"'policy versions' lists them); got {value}")
    return value


def run_show(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        if args.version is None:
            agreement = agreement_for(desk.agreements(), args.vendor, desk.shipped_problems)
        else:
            number, text = desk.agreement_text(args.vendor, _number(args.version))
            checked = desk.check_agreement(text, f"{args.vendor} version {number}")
            if checked.agreement is None:
                raise checked.first_error() or InputError(f"{args.vendor} cannot be read")
            agreement = checked.agreement
    print(agreement_text(agreement))
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


def run_versions(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        versions = desk.agreement_versions(args.vendor)
        zone = desk.sla.office_zone
    print(table(("NUMBER", "VERSION", "EFFECTIVE", "MADE BY", "MADE AT", "ORIGIN", "CURRENT"),
                [(str(v.number), v.version, _effective(v, zone), v.made_by,
                  f"{v.made_at.astimezone(zone):%Y-%m-%d %H:%M}", v.origin.value,
                  "yes" if v.is_current else "")
                 for v in versions]))
    return 0


def _effective(version: VersionInfo, zone: Any) -> str:
    if version.effective_at is None:
        return "not in force"
    if version.effective_at == SINCE_ALWAYS:
        return "always"
    return f"{version.effective_at.astimezone(zone):%Y-%m-%d %H:%M %Z}"


def run_export(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        number, text = desk.agreement_text(args.vendor, _number(args.version))
        checked = desk.check_agreement(text, f"{args.vendor} version {number}")
    if not args.as_stored:
        if checked.agreement is None:
            raise checked.first_error() or InputError(f"{args.vendor} cannot be exported")
        text = write_agreement(checked.agreement)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {args.out}: {error.strerror or error}") from error
    print(f"{args.vendor} version {number} written to {args.out}")
    return 0


# ----- checking and storing -----------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    path = Path(args.file)
    checked = check_agreement(read_agreement_file(path), path.name, datetime.now().date())
    error = checked.first_error()
    if error is not None:
        raise error
    for finding in checked.warnings:
        print(f"warning: {shown(str(finding))}")
    assert checked.agreement is not None
    agreement = checked.agreement
    print(f"{path.name}: {agreement.name} ({agreement.vendor}) version {agreement.version} "
          f"is valid" + (f", with {plural(len(checked.warnings), 'warning')}"
                         if checked.warnings else ""))
    return 0


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.yes and not args.apply_to_open:
        raise InputError("--yes answers the question of --apply-to-open; give both")
    text = read_agreement_file(path)
    with open_desk(args) as desk:
        effective = (parse_instant(args.effective, desk.sla.office_zone)
                     if args.effective else None)
        checked = desk.check_agreement(text, path.name)
        error = checked.first_error()
        if error is not None or checked.agreement is None:
            raise error or InputError(f"{path.name} cannot be read")
        vendor = checked.agreement.vendor
        preview = None
        if args.apply_to_open and vendor in desk.agreements():
            preview = desk.preview_agreement_change(vendor, text)
            print(preview_text(preview, desk.sla.office_zone))
            if preview.open_incidents and not (args.yes or _confirmed(
                    f"Store this version and apply it to {vendor}'s "
                    f"{plural(preview.open_incidents, 'open incident')}? [y/N] ")):
                print("Nothing stored.")
                return 1
        imported = desk.import_agreement(text, path.name, effective=effective, author=args.by)
        for warning in imported.warnings:
            print(f"warning: {shown(warning)}")
        info = imported.version
        print(f"{vendor}: version {info.number} ({info.version}) stored, "
              f"{_effective(info, desk.sla.office_zone)}"
              + (" (current)" if info.is_current else ""))
        if preview is not None and preview.open_incidents:
            pinned = desk.apply_agreement_change(vendor, info.number, preview, author=args.by)
            print(f"{plural(pinned, 'open incident')} now under version {info.number}")
    return 0


def run_apply(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        number, text = desk.agreement_text(args.vendor, _number(args.version))
        preview = desk.preview_agreement_change(args.vendor, text)
        print(preview_text(preview, desk.sla.office_zone))
        if not preview.open_incidents:
            return 0
        if not (args.yes or _confirmed(f"Apply version {number} to {args.vendor}'s "
                                       f"{plural(preview.open_incidents, 'open incident')}? "
                                       "[y/N] ")):
            print("Nothing changed.")
            return 1
        pinned = desk.apply_agreement_change(args.vendor, number, preview, author=args.by)
    print(f"{plural(pinned, 'open incident')} now under version {number}")
    return 0


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def preview_text(preview: AgreementPreview, zone: Any) -> str:
    """What applying a version to open incidents would change, for a person to read."""
    def when(moment: datetime | None) -> str:
        return "-" if moment is None else f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}"

    lines = [f"Applying {preview.agreement.name} version {preview.agreement.version} to "
             f"{preview.vendor}'s {plural(preview.open_incidents, 'open incident')} would move "
             f"{plural(len(preview.changes), 'due time')} of "
             f"{plural(preview.changed_incidents, 'incident')}; "
             f"{plural(len(preview.newly_breached), 'incident')} would become breached."]
    if preview.changes:
        lines += ["", table(("INCIDENT", "TARGET", "BEFORE", "AFTER", ""), [
            (c.key, c.metric, when(c.before), when(c.after),
             "becomes breached" if c.becomes_breached else "")
            for c in preview.changes])]
    for calendar in preview.calendars:
        lines += ["", f"{calendar.name} ({calendar.zone}), open in the next 14 days:"]
        days: dict[str, list[str]] = {}
        own = ZoneInfo(calendar.zone)
        for start, end in calendar.intervals:
            local_start, local_end = start.astimezone(own), end.astimezone(own)
            days.setdefault(f"{local_start:%a %Y-%m-%d}", []).append(
                f"{local_start:%H:%M}-{local_end:%H:%M}")
        lines += [f"  {day}  {', '.join(spans)}" for day, spans in days.items()] or [
            "  no open time"]
    return "\n".join(lines)
