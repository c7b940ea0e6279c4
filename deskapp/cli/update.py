"""`deskapp incident update`: several changes to one incident, written together or not at all."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from deskapp.cli.arguments import done, how, instant, write_options
from deskapp.core.agreement_file import CHANNELS
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import Status, parse_status
from deskapp.core.workflow import (
    AgreeDueDate,
    Change,
    ChangeSeverity,
    Comment,
    CustomerUpdate,
    DocumentationComplete,
    EditFields,
    ProvideWorkaround,
    Respond,
    SetStatus,
)

if TYPE_CHECKING:
    from deskapp.app.desk import Changed, Desk

# (option's dest, the incident's field)
FIELDS = (("title", "title"), ("description", "description"), ("reporter", "reporter"),
          ("contact", "contact"), ("channel", "channel"), ("vendor_ref", "vendor_ref"),
          ("category", "category"), ("site_tz", "site_zone"), ("site_country", "site_country"),
          ("filing_deadline", "filing_deadline"))
# Options that name a value the incident cannot be without.
NOT_EMPTY = frozenset({"title", "channel"})
# The statuses with a command or option of their own, which records more than the status.
NOT_SET_BY_STATUS = {Status.RESOLVED: "deskapp incident resolve",
                     Status.CLOSED: "deskapp incident close",
                     Status.WORKAROUND_PROVIDED: "--workaround TEXT"}
NOTHING_GIVEN = ("nothing to change; give at least one option such as --title, --status or "
                 "--comment (see 'deskapp incident update --help')")


def add_parser(actions: Any) -> argparse.ArgumentParser:
    update: argparse.ArgumentParser = actions.add_parser(
        "update", help="change fields, severity, status; record updates and comments",
        description="Change an incident. Several options make several timeline entries, all "
                    "at --at, in this order: fields, severity, agreed due date, documentation, "
                    "customer update, vendor response, workaround, status, comment. Every "
                    "option is checked before anything is written.")
    update.add_argument("key", metavar="KEY")
    for name in ("title", "description", "reporter", "contact"):
        update.add_argument(f"--{name}", metavar="TEXT")
    update.add_argument("--channel", metavar="C", help=", ".join(CHANNELS))
    update.add_argument("--vendor-ref", metavar="REF", help="'' clears it")
    update.add_argument("--category", metavar="C", help="'' clears it")
    update.add_argument("--site-tz", metavar="ZONE", help="'' means the office's")
    update.add_argument("--site-country", metavar="CC", help="'' means the office's")
    update.add_argument("--filing-deadline", metavar="T", help="'' clears it")
    update.add_argument("--severity", metavar="S", help="a new severity; needs --reason")
    update.add_argument("--reason", metavar="TEXT", help="why the severity changes")
    update.add_argument("--customer-update", metavar="TEXT",
                        help="the customer wrote or called (ends waiting on the customer)")
    update.add_argument("--vendor-response", metavar="TEXT", help="the vendor answered")
    update.add_argument("--workaround", metavar="TEXT", help="a workaround is in place")
    update.add_argument("--comment", metavar="TEXT")
    update.add_argument("--documentation-complete", action="store_true",
                        help="the report and all documentation are in (Catapult)")
    update.add_argument("--agreed-due", metavar="T",
                        help="a due date agreed for this incident (Magaya severity 4)")
    update.add_argument("--status", metavar="S",
                        help="acknowledged, in progress, waiting on customer, waiting on vendor")
    write_options(update)
    return update


def apply_update(desk: Desk, args: argparse.Namespace) -> int:
    """One write: every change the options ask for, checked by the desk against the incident
    as the earlier ones leave it, stored together or refused together."""
    written = how(desk, args)
    changes = changes_asked(desk, args)
    changed: Changed = desk.apply(args.key, changes, **written)
    return done(changed)


def changes_asked(desk: Desk, args: argparse.Namespace) -> list[Change]:
    """The changes the options name, in the order the help gives; only how the options are
    written is checked here, what the incident allows is the desk's to say."""
    changes: list[Change] = []
    fields = _fields(desk, args)
    if fields:
        changes.append(EditFields(fields))
    if args.severity is not None:
        if not (args.reason or "").strip():
            raise InputError("a severity change needs a reason: add --reason TEXT")
        changes.append(ChangeSeverity(args.severity.strip(), args.reason))
    elif args.reason is not None:
        raise InputError("--reason goes with --severity")
    if args.agreed_due is not None:
        due = instant(desk, args.agreed_due)
        assert due is not None
        changes.append(AgreeDueDate(due))
    if args.documentation_complete:
        changes.append(DocumentationComplete())
    if args.customer_update is not None:
        changes.append(CustomerUpdate(_text("--customer-update", args.customer_update)))
    if args.vendor_response is not None:
        changes.append(Respond(_text("--vendor-response", args.vendor_response),
                               from_vendor=True))
    if args.workaround is not None:
        changes.append(ProvideWorkaround(_text("--workaround", args.workaround)))
    if args.status is not None:
        wanted = parse_status(args.status)
        if wanted in NOT_SET_BY_STATUS:
            raise InputError(f"use {NOT_SET_BY_STATUS[wanted]} to make an incident "
                             f"{wanted.value}")
        changes.append(SetStatus(wanted))
    if args.comment is not None:
        changes.append(Comment(_text("--comment", args.comment)))
    if not changes:
        raise InputError(NOTHING_GIVEN)
    return changes


def _fields(desk: Desk, args: argparse.Namespace) -> dict[str, Any]:
    """The field options given, by the incident's field names (the desk leaves out values
    the incident already has)."""
    given: dict[str, Any] = {}
    for option, name in FIELDS:
        value = getattr(args, option)
        if value is None:
            continue
        if name == "filing_deadline":
            given[name] = instant(desk, value) if value.strip() else None
            continue
        value = value.strip()
        if not value and name in NOT_EMPTY:
            raise InputError(f"--{option.replace('_', '-')} must not be empty")
        given[name] = value
    return given


def _text(option: str, value: str) -> str:
    if not value.strip():
        raise InputError(f"{option} needs a text")
    return value.strip()
