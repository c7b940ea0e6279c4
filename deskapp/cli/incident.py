"""`deskapp incident`: log and work incidents from a shell or a script.

Every action takes --at T, the time it happened (default: now), so what happened
earlier can be logged afterwards: clocks start at the reported time, not the typing time.
Writes take --as NAME (default: the OS user) and --if-version N, which refuses the
write when the incident changed since version N. Times are ISO 8601; one without a UTC
offset is read in the office's zone.

Examples:
  deskapp incident add --vendor maqsu --severity high --title "Payroll stops" \\
      --at 2026-12-11T15:00+08:00 --as ana
  deskapp incident pause INC-000001 --at 2026-12-14T09:00+08:00 --note "asked for logs"
  deskapp incident update INC-000001 --severity critical --reason "all users affected"
  deskapp incident show INC-000001 --json --now 2026-12-14T10:00+08:00
  deskapp incident list --view "breaching soon" --within 1h
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from deskapp.app.glance import QueueFilter, Reader, View, read_with
from deskapp.app.people import default_author
from deskapp.app.views import IncidentDraft
from deskapp.cli import SUMMARIES, update
from deskapp.cli.arguments import (
    agreement_of,
    db_option,
    done,
    how,
    instant,
    write_options,
)
from deskapp.cli.incident_report import incident_json, incident_text, queue_text, row_json
from deskapp.cli.printable import json_text, shown
from deskapp.core.agreement_file import CHANNELS
from deskapp.core.choices import parse_choice
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import parse_resolution_type, parse_status
from deskapp.core.workflow import ChangeTier, Direction

if TYPE_CHECKING:
    from deskapp.app.desk import Desk


def clock() -> datetime:
    """This machine's clock; the tests replace it."""
    return datetime.now(UTC)


@contextmanager
def open_desk(args: argparse.Namespace) -> Iterator[Desk]:
    """The desk on the database the command line, $DESKAPP_DB or the default names."""
    from deskapp.app.desk import Desk
    from deskapp.app.locations import database_url

    desk = Desk.open(database_url(getattr(args, "db", None)), clock=lambda: clock())
    try:
        yield desk
    finally:
        desk.shutdown()


# ----- the parser ---------------------------------------------------------------------------


def register(commands: Any) -> None:
    incident = commands.add_parser(
        "incident", help=SUMMARIES["incident"],
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = incident.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="log a new incident; prints its key and any notes")
    add.add_argument("--vendor", metavar="V", required=True, help="maqsu, magaya, acelynk, ...")
    add.add_argument("--product", metavar="P",
                     help="one of the vendor's products (default: its only one)")
    add.add_argument("--title", metavar="TEXT", required=True)
    add.add_argument("--severity", metavar="S", required=True, help="the vendor's own key")
    add.add_argument("--description", metavar="TEXT", default="")
    add.add_argument("--reporter", metavar="NAME", default="")
    add.add_argument("--contact", metavar="TEXT", default="")
    add.add_argument("--channel", metavar="C", default="phone",
                     help=f"{', '.join(CHANNELS)} (default: phone)")
    add.add_argument("--tier", metavar="T", help="support tier (default: the first)")
    add.add_argument("--assignee", metavar="NAME")
    add.add_argument("--vendor-ref", metavar="REF", help="the vendor's ticket number")
    add.add_argument("--category", metavar="C", help="e.g. MAQSU's 'Bug fix'")
    add.add_argument("--site-tz", metavar="ZONE", help="client site zone (default: office)")
    add.add_argument("--site-country", metavar="CC", help="client site country")
    add.add_argument("--filing-deadline", metavar="T", help="ACELYNK: when the filing is due")
    add.add_argument("--documentation-complete", action="store_true",
                     help="the report and all documentation are in (Catapult's clocks start)")
    write_options(add, versioned=False)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="the queue, what needs you next first")
    listing.add_argument("--view", metavar="V", default="all open",
                         help=f"{', '.join(v.value for v in View)} (default: all open)")
    listing.add_argument("--vendor", metavar="V")
    listing.add_argument("--severity", metavar="S")
    listing.add_argument("--tier", metavar="T")
    listing.add_argument("--status", metavar="S")
    listing.add_argument("--assignee", metavar="NAME")
    listing.add_argument("--within", metavar="DURATION",
                         help="next due within, e.g. 2h, 30m, 1h30m, 2d (the window of "
                              "'breaching soon', default 2h)")
    listing.add_argument("--text", metavar="WORDS", help="in title, description, refs, key")
    listing.add_argument("--limit", metavar="N", type=int)
    listing.add_argument("--as", dest="author", metavar="NAME",
                         help="whose 'my open' view (default: the OS user)")
    listing.add_argument("--now", metavar="T", help="the moment to list at (default: now)")
    listing.add_argument("--json", action="store_true", help="print the rows as JSON")
    db_option(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="an incident: fields, targets and timeline")
    show.add_argument("key", metavar="KEY")
    show.add_argument("--now", metavar="T",
                      help="report each target as of T (events after T not counted)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    db_option(show)
    show.set_defaults(handler=run_show)

    update.add_parser(actions).set_defaults(handler=run_update)

    assign = actions.add_parser("assign", help="give the incident to an agent")
    assign.add_argument("key", metavar="KEY")
    assign.add_argument("assignee", metavar="NAME")
    write_options(assign)
    assign.set_defaults(handler=run_assign)

    escalate = actions.add_parser(
        "escalate", help="move to the next support tier (or --lower it)",
        description="Escalate to the agreement's next tier, or to --tier T. With --lower, "
                    "move down instead: to the previous tier, or to a lower --tier T.")
    escalate.add_argument("key", metavar="KEY")
    escalate.add_argument("--tier", metavar="T", help="the tier to move to")
    escalate.add_argument("--lower", action="store_true", help="lower the tier instead")
    write_options(escalate)
    escalate.set_defaults(handler=run_escalate)

    for name, help_text in (("pause", "wait on the customer: pausable targets stop counting"),
                            ("resume", "stop waiting on the customer"),
                            ("close", "close a resolved incident")):
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument("key", metavar="KEY")
        parser.add_argument("--note", metavar="TEXT", default="")
        write_options(parser)
        parser.set_defaults(handler=run_noted, noted_action=name)

    respond = actions.add_parser("respond", help="a response to the customer, or the vendor's")
    respond.add_argument("key", metavar="KEY")
    respond.add_argument("--text", metavar="TEXT", default="")
    respond.add_argument("--from", dest="source", metavar="WHO", choices=("desk", "vendor"),
                         default="desk", help="desk (default) or vendor")
    write_options(respond)
    respond.set_defaults(handler=run_respond)

    resolve = actions.add_parser("resolve", help="resolve the incident")
    resolve.add_argument("key", metavar="KEY")
    resolve.add_argument("--type", dest="resolution", metavar="T", required=True,
                         help="answer, workaround, existing code correction, new code correction")
    resolve.add_argument("--text", metavar="TEXT", default="")
    write_options(resolve)
    resolve.set_defaults(handler=run_resolve)

    reopen = actions.add_parser("reopen", help="reopen a resolved or closed incident")
    reopen.add_argument("key", metavar="KEY")
    reopen.add_argument("--reason", metavar="TEXT", required=True)
    write_options(reopen)
    reopen.set_defaults(handler=run_reopen)




# ----- reading what was typed ------------------------------------------------------------------

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([dhms])")
# A queue's window reaches no further than this (and the time it ends stays a date).
LONGEST_DURATION_DAYS = 3650
# The most lines a listing prints: a larger --limit is a slip of the keyboard.
LARGEST_LIMIT = 1_000_000


def parse_duration(text: str) -> timedelta:
    """``2h``, ``30m``, ``1h30m``, ``2d``, ``90s``."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise InputError(f"{text!r} is not a duration; expected one like 2h, 30m or 1h30m")
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    seconds = sum(float(n) * unit[u] for n, u in parts)
    if not seconds <= LONGEST_DURATION_DAYS * 86400:  # also false for an infinite one
        raise InputError(f"{text!r} is too long a duration; expected at most "
                         f"{LONGEST_DURATION_DAYS}d")
    return timedelta(seconds=seconds)


def parse_view(text: str) -> View:
    return parse_choice(View, text, "view")


# ----- writing ------------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        written = how(desk, args)
        product = args.product
        if product is None:
            products = desk.products(args.vendor)
            if len(products) > 1:
                raise InputError(f"missing --product; {args.vendor} has: {', '.join(products)}")
            product = products[0] if products else ""
        reported = written["at"] or desk.clock()
        written["at"] = reported
        draft = IncidentDraft(
            vendor=args.vendor, product=product, title=args.title, severity=args.severity,
            description=args.description, reporter=args.reporter, contact=args.contact,
            channel=args.channel, tier=args.tier, site_zone=args.site_tz or None,
            site_country=args.site_country or None, vendor_ref=args.vendor_ref,
            category=args.category, filing_deadline=instant(desk, args.filing_deadline),
            documentation_complete_at=reported if args.documentation_complete else None,
            assignee=args.assignee)
        changed = desk.log(draft, **written)
        print(changed.incident.key)
        for hint in changed.hints:
            print(f"note: {shown(hint)}")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return done(desk.assign(args.key, args.assignee, **how(desk, args)))


def run_noted(args: argparse.Namespace) -> int:
    """pause, resume or close: the desk's method of that name, with the agent's note."""
    with open_desk(args) as desk:
        action = getattr(desk, args.noted_action)
        return done(action(args.key, args.note, **how(desk, args)))


def run_respond(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return done(desk.respond(args.key, args.text, from_vendor=args.source == "vendor",
                                 **how(desk, args)))


def run_resolve(args: argparse.Namespace) -> int:
    resolution = parse_resolution_type(args.resolution)
    with open_desk(args) as desk:
        return done(desk.resolve(args.key, resolution, args.text, **how(desk, args)))


def run_reopen(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return done(desk.reopen(args.key, args.reason, **how(desk, args)))


def run_escalate(args: argparse.Namespace) -> int:
    """Up (or, --lower, down) one tier or to --tier; the desk picks the next tier, and
    refuses a move the other way, on the incident as it finds it."""
    direction = Direction.DOWN if args.lower else Direction.UP
    with open_desk(args) as desk:
        return done(desk.apply(args.key, [ChangeTier(args.tier, direction)],
                               **how(desk, args)))


def run_update(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return update.apply_update(desk, args)


# ----- reading ------------------------------------------------------------------------------


def _now(reader: Reader, args: argparse.Namespace) -> datetime:
    return instant(reader, args.now) or reader.clock()


def _reading(args: argparse.Namespace, work: Callable[[Reader], str]) -> int:
    """Print what ``work`` reads, from a glance at the database or else the desk."""
    print(read_with(getattr(args, "db", None), lambda: clock(), work))
    return 0


def run_show(args: argparse.Namespace) -> int:
    def show(reader: Reader) -> str:
        now = _now(reader, args)
        view = reader.show(args.key, now)
        names = {m.key: m.name for m in agreement_of(reader, view.vendor).metrics}
        zone = reader.sla.office_zone
        if args.json:
            return json_text(incident_json(view, now, zone, names))
        return incident_text(view, now, zone, names)

    return _reading(args, show)


def run_list(args: argparse.Namespace) -> int:
    view = parse_view(args.view)
    status = parse_status(args.status) if args.status is not None else None
    within = parse_duration(args.within) if args.within is not None else None
    if args.limit is not None and not 1 <= args.limit <= LARGEST_LIMIT:
        raise InputError(f"--limit must be 1 or more and at most {LARGEST_LIMIT:,}; "
                         f"got {args.limit}")

    def listing(reader: Reader) -> str:
        now = _now(reader, args)
        _check_filters(reader, args)
        wanted = QueueFilter(
            view=view, vendor=args.vendor, severity=args.severity, tier=args.tier,
            status=status, assignee=args.assignee, me=args.author or default_author(),
            due_within=within, text=args.text, limit=args.limit)
        rows = reader.queue(wanted, now)
        zone = reader.sla.office_zone
        if args.json:
            return json_text([row_json(row, now, zone) for row in rows])
        return queue_text(rows, now, zone)

    return _reading(args, listing)


def _check_filters(reader: Reader, args: argparse.Namespace) -> None:
    """Refuse a vendor, severity or tier that no agreement has (the agreements are parsed
    only when a filter needs them)."""
    if args.vendor is None and args.severity is None and args.tier is None:
        return
    if args.vendor is not None:
        chosen = [agreement_of(reader, args.vendor)]
    else:
        agreements = reader.agreements()
        chosen = [agreements[k] for k in sorted(agreements)]
    if args.severity is not None and not any(
            args.severity in (s.key for s in a.severities) for a in chosen):
        known = sorted({s.key for a in chosen for s in a.severities})
        raise InputError(f"unknown severity {args.severity!r}; expected one of: "
                         f"{', '.join(known)}")
    if args.tier is not None and not any(
            args.tier in (t.key for t in a.tiers) for a in chosen):
        known = sorted({t.key for a in chosen for t in a.tiers})
        raise InputError(f"unknown tier {args.tier!r}; expected one of: {', '.join(known)}")
