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
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deskapp.app.desk import Changed, ConflictError, Desk, default_author
from deskapp.app.instants import parse_instant
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import IncidentDraft, IncidentView, QueueRow, detail_items
from deskapp.cli.policy import table
from deskapp.core.agreement import Agreement, ClockStart
from deskapp.core.agreement_file import CHANNELS
from deskapp.core.calendar import format_duration
from deskapp.core.choices import parse_choice
from deskapp.core.clocks import ClockState, TargetClock, TargetState
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import (
    Event,
    EventKind,
    Status,
    check_move,
    parse_resolution_type,
    parse_status,
)
from deskapp.storage.engine import database_url

TITLE_WIDTH = 40
DB_HELP = ("database: a postgresql:// URL or an SQLite file (also accepted before the command; "
           "default: $DESKAPP_DB, else the user's own database file)")


def clock() -> datetime:
    """This machine's clock; the tests replace it."""
    return datetime.now(UTC)


@contextmanager
def open_desk(args: argparse.Namespace) -> Iterator[Desk]:
    """The desk on the database the command line, $DESKAPP_DB or the default names."""
    desk = Desk.open(database_url(getattr(args, "db", None)), clock=lambda: clock())
    try:
        yield desk
    finally:
        desk.shutdown()


# ----- the parser ---------------------------------------------------------------------------


def register(commands: Any) -> None:
    incident = commands.add_parser(
        "incident", help="log, list, show and work incidents",
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
    _write_options(add, versioned=False)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="the queue, soonest due first")
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
    _db_option(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="an incident: fields, targets and timeline")
    show.add_argument("key", metavar="KEY")
    show.add_argument("--now", metavar="T",
                      help="report each target as of T (events after T not counted)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    _db_option(show)
    show.set_defaults(handler=run_show)

    update = actions.add_parser(
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
    _write_options(update)
    update.set_defaults(handler=run_update)

    assign = actions.add_parser("assign", help="give the incident to an agent")
    assign.add_argument("key", metavar="KEY")
    assign.add_argument("assignee", metavar="NAME")
    _write_options(assign)
    assign.set_defaults(handler=run_assign)

    escalate = actions.add_parser(
        "escalate", help="move to the next support tier (or --lower it)",
        description="Escalate to the agreement's next tier, or to --tier T. With --lower, "
                    "move down instead: to the previous tier, or to a lower --tier T.")
    escalate.add_argument("key", metavar="KEY")
    escalate.add_argument("--tier", metavar="T", help="the tier to move to")
    escalate.add_argument("--lower", action="store_true", help="lower the tier instead")
    _write_options(escalate)
    escalate.set_defaults(handler=run_escalate)

    for name, help_text in (("pause", "wait on the customer: pausable targets stop counting"),
                            ("resume", "stop waiting on the customer"),
                            ("close", "close a resolved incident")):
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument("key", metavar="KEY")
        parser.add_argument("--note", metavar="TEXT", default="")
        _write_options(parser)
        parser.set_defaults(handler=run_noted, noted_action=name)

    respond = actions.add_parser("respond", help="a response to the customer, or the vendor's")
    respond.add_argument("key", metavar="KEY")
    respond.add_argument("--text", metavar="TEXT", default="")
    respond.add_argument("--from", dest="source", metavar="WHO", choices=("desk", "vendor"),
                         default="desk", help="desk (default) or vendor")
    _write_options(respond)
    respond.set_defaults(handler=run_respond)

    resolve = actions.add_parser("resolve", help="resolve the incident")
    resolve.add_argument("key", metavar="KEY")
    resolve.add_argument("--type", dest="resolution", metavar="T", required=True,
                         help="answer, workaround, existing code correction, new code correction")
    resolve.add_argument("--text", metavar="TEXT", default="")
    _write_options(resolve)
    resolve.set_defaults(handler=run_resolve)

    reopen = actions.add_parser("reopen", help="reopen a resolved or closed incident")
    reopen.add_argument("key", metavar="KEY")
    reopen.add_argument("--reason", metavar="TEXT", required=True)
    _write_options(reopen)
    reopen.set_defaults(handler=run_reopen)


def _db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: when not given here, the value given before the command stays.
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=DB_HELP)


def _write_options(parser: argparse.ArgumentParser, *, versioned: bool = True) -> None:
    parser.add_argument("--at", metavar="T",
                        help="when it happened, ISO 8601 (default: now); no offset: office zone")
    parser.add_argument("--as", dest="author", metavar="NAME",
                        help="who did it (default: the OS user)")
    if versioned:
        parser.add_argument("--if-version", type=int, metavar="N",
                            help="refuse if the incident changed since version N")
    _db_option(parser)


# ----- reading what was typed ------------------------------------------------------------------


def _instant(desk: Desk, text: str | None) -> datetime | None:
    return parse_instant(text, desk.sla.office_zone) if text is not None else None


def _how(desk: Desk, args: argparse.Namespace) -> dict[str, Any]:
    how: dict[str, Any] = {"author": args.author, "at": _instant(desk, args.at)}
    if getattr(args, "if_version", None) is not None:
        how["expected_version"] = args.if_version
    return how


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])")


def parse_duration(text: str) -> timedelta:
    """``2h``, ``30m``, ``1h30m``, ``2d``, ``90s``."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise InputError(f"{text!r} is not a duration; expected one like 2h, 30m or 1h30m")
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return timedelta(seconds=sum(float(n) * unit[u] for n, u in parts))


def parse_view(text: str) -> View:
    return parse_choice(View, text, "view")


def _agreement(desk: Desk, vendor: str) -> Agreement:
    agreements = desk.agreements()
    if vendor not in agreements:
        raise InputError(f"unknown vendor {vendor!r}; expected one of: "
                         f"{', '.join(sorted(agreements))}")
    return agreements[vendor]


def _check_version(desk: Desk, view: IncidentView, expected: int | None) -> None:
    if expected is not None and view.version != expected:
        when = view.updated_at.astimezone(desk.sla.office_zone)
        raise ConflictError(f"{view.key} was changed by {view.updated_by} at "
                            f"{when:%Y-%m-%d %H:%M}, reload it and try again")


# ----- writing ------------------------------------------------------------------------------


def _done(changed: Changed) -> int:
    view = changed.incident
    print(f"{view.key}: {view.status.value} (version {view.version})")
    for hint in changed.hints:
        print(f"note: {hint}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        how = _how(desk, args)
        product = args.product
        if product is None:
            products = desk.products(args.vendor)
            if len(products) > 1:
                raise InputError(f"missing --product; {args.vendor} has: {', '.join(products)}")
            product = products[0] if products else ""
        if args.documentation_complete:
            agreement = _agreement(desk, args.vendor)
            if not any(m.clock_start is ClockStart.DOCUMENTATION_COMPLETE
                       for m in agreement.metrics):
                raise InputError(f"{agreement.name}'s clocks do not wait for documentation")
        reported = how["at"] or desk.clock()
        how["at"] = reported
        draft = IncidentDraft(
            vendor=args.vendor, product=product, title=args.title, severity=args.severity,
            description=args.description, reporter=args.reporter, contact=args.contact,
            channel=args.channel, tier=args.tier, site_zone=args.site_tz or None,
            site_country=args.site_country or None, vendor_ref=args.vendor_ref,
            category=args.category, filing_deadline=_instant(desk, args.filing_deadline),
            documentation_complete_at=reported if args.documentation_complete else None,
            assignee=args.assignee)
        changed = desk.log(draft, **how)
        print(changed.incident.key)
        for hint in changed.hints:
            print(f"note: {hint}")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return _done(desk.assign(args.key, args.assignee, **_how(desk, args)))


def run_noted(args: argparse.Namespace) -> int:
    """pause, resume or close: the desk's method of that name, with the agent's note."""
    with open_desk(args) as desk:
        action = getattr(desk, args.noted_action)
        return _done(action(args.key, args.note, **_how(desk, args)))


def run_respond(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return _done(desk.respond(args.key, args.text, from_vendor=args.source == "vendor",
                                  **_how(desk, args)))


def run_resolve(args: argparse.Namespace) -> int:
    resolution = parse_resolution_type(args.resolution)
    with open_desk(args) as desk:
        return _done(desk.resolve(args.key, resolution, args.text, **_how(desk, args)))


def run_reopen(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return _done(desk.reopen(args.key, args.reason, **_how(desk, args)))


def run_escalate(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        how = _how(desk, args)
        view = desk.show(args.key)
        _check_version(desk, view, args.if_version)
        order = [t.key for t in _agreement(desk, view.vendor).tiers]
        here = order.index(view.tier) if view.tier in order else 0
        if args.tier is not None:
            tier = _agreement(desk, view.vendor).tier(args.tier).key
            there = order.index(tier)
            if there == here:
                raise InputError(f"{view.key} is already at tier {tier}")
            if there < here and not args.lower:
                raise InputError(f"tier {tier} is below {view.key}'s tier {view.tier}; "
                                 "add --lower to lower it")
            if there > here and args.lower:
                raise InputError(f"tier {tier} is above {view.key}'s tier {view.tier}; "
                                 "leave out --lower to escalate")
        elif args.lower:
            if here == 0:
                raise InputError(f"{view.key} is already at the lowest tier, {view.tier}")
            tier = order[here - 1]
        else:
            if here + 1 >= len(order):
                raise InputError(f"{view.key} is already at the highest tier, {view.tier}")
            tier = order[here + 1]
        return _done(desk.change_tier(args.key, tier, **how))


# ----- update: several changes, all checked first ----------------------------------------------

_FIELDS = (("title", "title"), ("description", "description"), ("reporter", "reporter"),
           ("contact", "contact"), ("channel", "channel"), ("vendor_ref", "vendor_ref"),
           ("category", "category"), ("site_tz", "site_zone"), ("site_country", "site_country"),
           ("filing_deadline", "filing_deadline"))
_REQUIRED = frozenset({"title", "channel"})
_NOT_SET_BY_STATUS = {Status.RESOLVED: "deskapp incident resolve",
                      Status.CLOSED: "deskapp incident close",
                      Status.WORKAROUND_PROVIDED: "--workaround TEXT"}

Step = Callable[[dict[str, Any]], Changed]


def run_update(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        how = _how(desk, args)
        how.pop("expected_version", None)
        view = desk.show(args.key)
        _check_version(desk, view, args.if_version)
        steps = _update_steps(desk, view, args)
        if not steps:
            raise InputError("nothing to change; give at least one option such as --title, "
                             "--status or --comment (see 'deskapp incident update --help')")
        expected = args.if_version if args.if_version is not None else view.version
        changed = None
        for step in steps:
            changed = step({**how, "expected_version": expected})
            # Read back: each step must find the incident as the previous one left it.
            expected = desk.show(args.key).version
        assert changed is not None
        return _done(Changed(changed.incident))


def _update_steps(desk: Desk, view: IncidentView, args: argparse.Namespace) -> list[Step]:
    """The service calls for the options given, each checked against the incident as the
    earlier ones leave it, so that none fails once the first has been written."""
    key = view.key
    agreement = _agreement(desk, view.vendor)
    steps: list[Step] = []
    status = view.status

    fields = _changed_fields(desk, view, agreement, args)
    if fields:
        steps.append(lambda how: desk.update_fields(key, **fields, **how))

    severity = view.severity
    if args.severity is not None:
        severity = agreement.severity(args.severity.strip()).key
        if severity == view.severity:
            raise InputError(f"{key} is already severity {severity}")
        if not (args.reason or "").strip():
            raise InputError("a severity change needs a reason: add --reason TEXT")
        new_severity, reason = severity, args.reason
        steps.append(lambda how: desk.change_severity(key, new_severity, reason, **how))
    elif args.reason is not None:
        raise InputError("--reason goes with --severity")

    if args.agreed_due is not None:
        due = parse_instant(args.agreed_due, desk.sla.office_zone)
        _require_open(key, status)
        if not any(t.agreed_per_incident for t in agreement.targets_for(severity)):
            raise InputError(f"{agreement.name} severity {severity} has fixed targets; "
                             "no due date is agreed per incident")
        steps.append(lambda how: desk.agree_due_date(key, due, **how))

    if args.documentation_complete:
        if not any(m.clock_start is ClockStart.DOCUMENTATION_COMPLETE
                   for m in agreement.metrics):
            raise InputError(f"{agreement.name}'s clocks do not wait for documentation")
        if any(e.kind is EventKind.DOCUMENTATION_COMPLETE for e in view.events):
            raise InputError(f"{key}'s documentation was already complete")
        steps.append(lambda how: desk.documentation_complete(key, **how))

    if args.customer_update is not None:
        _require_open(key, status)
        text = _text("--customer-update", args.customer_update)
        if status is Status.WAITING_ON_CUSTOMER:
            status = Status.IN_PROGRESS
        steps.append(lambda how: desk.customer_update(key, text, **how))

    if args.vendor_response is not None:
        _require_open(key, status)
        answer = _text("--vendor-response", args.vendor_response)
        if status is Status.NEW:
            status = Status.ACKNOWLEDGED
        steps.append(lambda how: desk.respond(key, answer, from_vendor=True, **how))

    if args.workaround is not None:
        check_move(status, Status.WORKAROUND_PROVIDED)
        status = Status.WORKAROUND_PROVIDED
        workaround = _text("--workaround", args.workaround)
        steps.append(lambda how: desk.provide_workaround(key, workaround, **how))

    if args.status is not None:
        wanted = parse_status(args.status)
        if wanted in _NOT_SET_BY_STATUS:
            raise InputError(f"use {_NOT_SET_BY_STATUS[wanted]} to make an incident "
                             f"{wanted.value}")
        check_move(status, wanted)
        status = wanted
        steps.append(lambda how: desk.set_status(key, wanted, **how))

    if args.comment is not None:
        comment = _text("--comment", args.comment)
        steps.append(lambda how: desk.comment(key, comment, **how))
    return steps


def _require_open(key: str, status: Status) -> None:
    if not status.is_open:
        raise InputError(f"{key} is {status.value}; reopen it first")


def _text(option: str, value: str) -> str:
    if not value.strip():
        raise InputError(f"{option} needs a text")
    return value.strip()


def _changed_fields(desk: Desk, view: IncidentView, agreement: Agreement,
                    args: argparse.Namespace) -> dict[str, Any]:
    """The field options given whose values differ from the incident's, checked."""
    given: dict[str, Any] = {}
    for option, name in _FIELDS:
        value = getattr(args, option)
        if value is None:
            continue
        if name == "filing_deadline":
            given[name] = parse_instant(value, desk.sla.office_zone) if value.strip() else None
            continue
        value = value.strip()
        if not value and name in _REQUIRED:
            raise InputError(f"--{option.replace('_', '-')} must not be empty")
        given[name] = value
    if "channel" in given and given["channel"] not in CHANNELS:
        raise InputError(f"unknown channel {given['channel']!r}; expected one of: "
                         f"{', '.join(CHANNELS)}")
    if given.get("category"):
        listed = agreement.in_scope + agreement.out_of_scope
        if listed and given["category"].lower() not in (c.lower() for c in listed):
            raise InputError(f"unknown category {given['category']!r} for {agreement.name}; "
                             f"expected one of: {', '.join(listed)}")
    if "site_zone" in given or "site_country" in given:
        site = desk.sla.site(given.get("site_zone", view.site_zone) or None,
                             given.get("site_country", view.site_country) or None)
        if (site.zone, site.country) == (view.site_zone, view.site_country):
            given.pop("site_zone", None)
            given.pop("site_country", None)
    changed = {}
    for name, value in given.items():
        current = getattr(view, name)
        if isinstance(value, str) and name not in ("site_zone", "site_country"):
            if (value or None) == (current or None):
                continue
        elif value == current:
            continue
        changed[name] = value
    return changed


# ----- reading ------------------------------------------------------------------------------


def _now(desk: Desk, args: argparse.Namespace) -> datetime:
    return _instant(desk, args.now) or desk.clock()


def run_show(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        now = _now(desk, args)
        view = desk.show(args.key, now)
        names = {m.key: m.name for m in _agreement(desk, view.vendor).metrics}
        zone = desk.sla.office_zone
        if args.json:
            print(json.dumps(incident_json(view, now, zone, names), indent=2,
                             ensure_ascii=False))
        else:
            print(incident_text(view, now, zone, names))
    return 0


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None


def _seconds(value: float | None) -> float | None:
    if value is None:
        return None
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def target_json(state: TargetState, names: dict[str, str], office: ZoneInfo
                ) -> dict[str, Any]:
    clock = state.clock
    zone = clock.calendar.zone
    return {
        "metric": state.metric,
        "name": names.get(state.metric, state.metric),
        "target": clock.target.describe(),
        "calendar": clock.target.calendar,
        "zone": zone.key,
        "state": state.state.value,
        "clock_start": _iso(clock.clock_start, zone),
        "due": _iso(state.due, zone),
        "left_seconds": _seconds(state.left_seconds),
        "paused_seconds": _seconds(state.paused_seconds),
        "paused_since": _iso(clock.paused_since, zone),
        "met_at": _iso(clock.met_at, zone),
        "warning": state.warning,
        "warning_at": _iso(clock.warning_at, zone),
        "cycles": clock.cycles,
        "note": clock.note,
    }


def incident_json(view: IncidentView, now: datetime, zone: ZoneInfo,
                  names: dict[str, str]) -> dict[str, Any]:
    return {
        "key": view.key, "number": view.number, "version": view.version,
        "vendor": view.vendor, "vendor_name": view.vendor_name, "product": view.product,
        "title": view.title, "description": view.description, "reporter": view.reporter,
        "contact": view.contact, "channel": view.channel, "severity": view.severity,
        "tier": view.tier, "status": view.status.value, "assignee": view.assignee,
        "site_tz": view.site_zone, "site_country": view.site_country,
        "vendor_ref": view.vendor_ref, "category": view.category,
        "filing_deadline": _iso(view.filing_deadline, zone),
        "agreed_due": _iso(view.agreed_due, zone),
        "resolution_type": view.resolution_type,
        "reported_at": _iso(view.reported_at, zone),
        "updated_at": _iso(view.updated_at, zone), "updated_by": view.updated_by,
        "agreement_version": view.agreement_version,
        "now": _iso(now, zone),
        "warnings": list(view.warnings),
        "targets": [target_json(state, names, zone) for state in view.clocks],
        "timeline": [event_json(event, zone) for event in view.events],
    }


def event_json(event: Event, zone: ZoneInfo) -> dict[str, Any]:
    return {"kind": event.kind.value, "at": _iso(event.at, zone), "author": event.author,
            "data": dict(event.data)}


def _local(moment: datetime, zone: ZoneInfo, weekday: bool = False) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%a %Y-%m-%d %H:%M %Z" if weekday else "%Y-%m-%d %H:%M %Z")


def left_text(state: TargetState) -> str:
    left = state.left_seconds
    if state.state is ClockState.PENDING or left is None:
        return state.clock.note or "not started"
    if state.clock.met_at is not None:
        if left >= 0:
            return f"met, {format_duration(left)} to spare"
        return f"met late by {format_duration(-left)}"
    text = format_duration(left)
    if state.state is ClockState.PAUSED:
        return f"{text} (paused)"
    if state.warning and state.state is ClockState.RUNNING:
        return f"{text} (warning)"
    return text


def incident_text(view: IncidentView, now: datetime, zone: ZoneInfo,
                  names: dict[str, str]) -> str:
    def optional(value: object) -> str:
        return "-" if value in (None, "") else str(value)

    site = optional(view.site_zone) + (f" ({view.site_country})" if view.site_country else "")
    lines = [
        f"{view.key}  {view.title}",
        f"Vendor:      {view.vendor_name} ({view.vendor}), {view.product}, "
        f"agreement {view.agreement_version}",
        f"Severity:    {view.severity}    Tier: {view.tier}    Status: {view.status.value}",
        f"Assignee:    {optional(view.assignee)}",
        f"Reporter:    {optional(view.reporter)}    Contact: {optional(view.contact)}    "
        f"Channel: {view.channel}",
        f"Reported:    {_local(view.reported_at, zone, True)}",
        f"Updated:     {_local(view.updated_at, zone, True)} by {view.updated_by} "
        f"(version {view.version})",
        f"Site:        {site}",
        f"Vendor ref:  {optional(view.vendor_ref)}    Category: {optional(view.category)}",
    ]
    if view.filing_deadline is not None:
        lines.append(f"Filing due:  {_local(view.filing_deadline, zone, True)}")
    if view.agreed_due is not None:
        lines.append(f"Agreed due:  {_local(view.agreed_due, zone, True)}")
    if view.resolution_type:
        lines.append(f"Resolution:  {view.resolution_type}")
    if view.description:
        lines += ["", view.description]
    lines += ["", f"Targets as of {_local(now, zone, True)}"
              + ("  (not reported yet)" if now < view.reported_at else "")]
    rows = []
    for state in view.clocks:
        calendar_zone = state.clock.calendar.zone
        start = state.clock.clock_start
        rows.append((
            names.get(state.metric, state.metric), state.state.value,
            _local(start, calendar_zone, True) if start else "-",
            _local(state.due, calendar_zone, True) if state.due else "-",
            left_text(state),
            format_duration(state.paused_seconds) if state.paused_seconds else "-",
        ))
    lines.append(table(("TARGET", "STATE", "CLOCK START", "DUE", "LEFT", "PAUSED"), rows)
                 if rows else "  (none)")
    lines += ["", "Timeline"]
    for event in view.events:
        details = "; ".join(f"{k}: {v}" for k, v in detail_items(event.data))
        lines.append(f"  {_local(event.at, zone)}  {event.author}  {event.kind.value}"
                     + (f"  ({details})" if details else ""))
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    view = parse_view(args.view)
    status = parse_status(args.status) if args.status is not None else None
    within = parse_duration(args.within) if args.within is not None else None
    if args.limit is not None and args.limit < 1:
        raise InputError("--limit must be 1 or more")
    with open_desk(args) as desk:
        now = _now(desk, args)
        agreements = desk.agreements()
        if args.vendor is not None:
            chosen = [_agreement(desk, args.vendor)]
        else:
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
        wanted = QueueFilter(
            view=view, vendor=args.vendor, severity=args.severity, tier=args.tier,
            status=status, assignee=args.assignee, me=args.author or default_author(),
            due_within=within, text=args.text, limit=args.limit)
        rows = desk.queue(wanted, now)
        zone = desk.sla.office_zone
        if args.json:
            print(json.dumps([row_json(row, now, zone) for row in rows], indent=2,
                             ensure_ascii=False))
        else:
            print(queue_text(rows, now, zone))
    return 0


def _next_state(row: QueueRow, now: datetime) -> TargetState | None:
    """The state of the target that is due next (the one the queue is ordered by)."""
    if row.next_due_at is None:
        return None
    due = [c for c in row.clocks if c.due == row.next_due_at and c.met_at is None]
    clock: TargetClock | None = due[0] if due else None
    return clock.at(now) if clock is not None else None


def row_json(row: QueueRow, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    state = _next_state(row, now)
    return {
        "key": row.key, "vendor": row.vendor, "product": row.product,
        "severity": row.severity, "tier": row.tier, "status": row.status.value,
        "assignee": row.assignee, "title": row.title,
        "reported_at": _iso(row.reported_at, zone), "next_due": _iso(row.next_due_at, zone),
        "left_seconds": _seconds(state.left_seconds) if state is not None else None,
        "version": row.version,
        "targets": [
            {"metric": s.metric, "state": s.state.value,
             "due": _iso(s.due, s.clock.calendar.zone),
             "left_seconds": _seconds(s.left_seconds),
             "paused_seconds": _seconds(s.paused_seconds)}
            for s in (clock.at(now) for clock in row.clocks)],
    }


def _short(text: str) -> str:
    return text if len(text) <= TITLE_WIDTH else text[:TITLE_WIDTH - 1] + "…"


def queue_text(rows: list[QueueRow], now: datetime, zone: ZoneInfo) -> str:
    if not rows:
        return "no incidents"
    lines = []
    for row in rows:
        state = _next_state(row, now)
        if row.next_due_at is not None:
            due = row.next_due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        elif row.status is Status.WAITING_ON_CUSTOMER:
            due = "paused"
        else:
            due = "-"
        left = (format_duration(state.left_seconds)
                if state is not None and state.left_seconds is not None else "")
        lines.append((row.key, row.vendor, row.product, row.severity, row.tier,
                      row.status.value, row.assignee or "-", due, left, _short(row.title)))
    return table(("KEY", "VENDOR", "PRODUCT", "SEV", "TIER", "STATUS", "ASSIGNEE",
                  f"NEXT DUE ({zone.key})", "LEFT", "TITLE"), lines)
