"""Demo data: a realistic, reproducible year of a support desk's incidents.

``fill(desk, incidents, seed, end=...)`` first *plans* every incident from a seeded random
generator: the draft an agent typed and the actions agents took afterwards, each with the
time it happened (responses, pauses while waiting on the customer, Magaya's update and
reply cycles, Catapult's documentation, escalations, severity changes with reasons, agreed
due dates, workarounds, resolutions, closings and a few reopenings). Replies and
resolutions are timed as a fraction of the target they answer, in that target's own
business time, so most targets are met and some are breached; recent incidents and a few
stalled older ones are still open when the history ends.

The plans are then either replayed through the Desk service, every action a real write
checked like an agent's (``bulk=False``: the reference, slow), or, by default, turned into
the same events, incident rows and cached clocks (``compute_clocks``, ``clock_row_values``
and ``next_due``, as the service computes them) and inserted with SQLAlchemy Core in
batches. Both give the same rows, except the ``version`` counter (an optimistic-lock token
whose value means nothing; the bulk path counts one per action) and the database ids.
The same seed and end give the same data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.agreement import Agreement, ClockStart, Target, Unit
from deskapp.core.calendar import Calendar
from deskapp.core.clocks import compute_clocks, next_due
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import Event, EventKind, ResolutionType, Status
from deskapp.core.sla import Site, add_target_time, target_calendar
from deskapp.storage.errors import storage_errors
from deskapp.storage.models import (
    AgreementVersion,
    Incident,
    IncidentEvent,
    Product,
    User,
    Vendor,
)
from deskapp.storage.models import TargetClock as ClockRow
from deskapp.storage.timelines import cached_clock

HISTORY = timedelta(days=365)
BATCH = 1000  # incidents per transaction on the bulk path
MAX_INCIDENTS = 1_000_000

AGENTS = ("ana", "ben", "chen", "dara", "eli", "farah", "gus", "hana")
VENDOR_WEIGHTS = {"maqsu": 3.0, "magaya": 3.0, "acelynk": 2.0, "catapult": 2.0}
# Weights by severity position, most severe first: most incidents are the lower ones.
SEVERITY_WEIGHTS = {
    1: (1.0,),
    2: (0.3, 0.7),
    3: (0.12, 0.33, 0.55),
    4: (0.06, 0.17, 0.42, 0.35),
}
RESOLUTION_WEIGHTS = (
    (ResolutionType.ANSWER, 45),
    (ResolutionType.WORKAROUND, 15),
    (ResolutionType.EXISTING_CODE_CORRECTION, 25),
    (ResolutionType.NEW_CODE_CORRECTION, 15),
)
# Catapult's client sites: (zone, holiday country); None follows the office.
SITES: tuple[tuple[str | None, str | None], ...] = (
    (None, None), (None, None), ("Asia/Manila", "PH"), ("America/Chicago", "US"),
    ("Europe/London", "GB"),
)
REPORTERS = (
    ("Maria Santos", "maria.santos@harbor-freight.example"),
    ("Tom Becker", "+1 305 555 0142"),
    ("Priya Nair", "priya.nair@bluewave.example"),
    ("Kenji Mori", "kenji.mori@pacific-lines.example"),
    ("Lucia Ferraro", "l.ferraro@medcargo.example"),
    ("Daniel Okafor", "+1 713 555 0190"),
    ("Siti Rahman", "siti.rahman@straits-logistics.example"),
    ("Jon Eriksen", "jon.eriksen@nordfreight.example"),
    ("Grace Lim", "+65 6555 0137"),
    ("Hector Ruiz", "hector.ruiz@gulfport.example"),
)
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "maqsu": (
        ("Posting a sales invoice fails with a validation error",
         "Submitting any sales invoice shows 'Account is mandatory'; started after the upgrade."),
        ("Stock ledger shows negative quantity after a return",
         "Warehouse B shows -12 units of item 4410 after a customer return was posted."),
        ("Payroll run stops at 60 %", "The monthly payroll run stops with a timeout."),
        ("Report export to Excel is empty", "Accounts receivable summary exports no rows."),
        ("Cannot log in after password reset", "Three users get 'invalid login' after reset."),
        ("Upgrade to the new release breaks a workflow",
         "The purchase approval workflow no longer sends e-mails since the upgrade."),
        ("Duplicate journal entries after sync", "Bank sync created each entry twice."),
        ("How do I set up a new price list?", "Question about price list rules per customer."),
    ),
    "magaya": (
        ("Warehouse receipts cannot be saved", "Saving a WR gives 'object reference not set'."),
        ("Invoices cannot be posted to accounting", "Posting hangs; staff re-key invoices."),
        ("Shipment tracking screen is slow", "Opening a shipment takes 40 s since Monday."),
        ("Label printer prints misaligned labels", "Cargo labels print 5 mm to the right."),
        ("Application will not start for anyone", "Every workstation shows a database error."),
        ("Rate calculation gives wrong totals", "Air freight rates ignore the fuel surcharge."),
        ("How do I add a new user?", "The office needs access for a new hire."),
        ("Customs documents missing from the portal", "Customers cannot see their documents."),
    ),
    "acelynk": (
        ("Entry filing rejected by CBP", "ACE rejects entry summaries with an unknown error."),
        ("ISF filing stuck in pending", "ISF filings stay pending for hours."),
        ("Cannot transmit a manifest", "Transmission fails with a certificate error."),
        ("Navigator crashes when printing", "Printing a 7501 closes the program."),
        ("Question about the new release notes", "What changed in the ABI module?"),
        ("Duty calculation off by a cent", "Totals differ from CBP's by one cent."),
    ),
    "catapult": (
        ("Application Services unavailable", "No user can reach the application."),
        ("Billing feature fails for all users", "Billing runs end with an internal error."),
        ("Dashboard widgets do not load", "The home dashboard shows empty widgets."),
        ("Export job produces a corrupt file", "The nightly export cannot be opened."),
        ("Search returns no results", "Search finds nothing since the deployment."),
        ("General usage question about reports", "How can a report be scheduled?"),
    ),
}
GENERIC_TITLES = (
    ("The application shows an error", "An error message appears while working."),
    ("A feature does not work as expected", "The results are not what the manual says."),
    ("Usage question", "How is this done in the product?"),
)
REF_PREFIX = {"maqsu": "MQ", "magaya": "MGY", "acelynk": "ACE", "catapult": "CAT"}
PAUSE_NOTES = ("Asked the customer for a screenshot", "Waiting for the customer's log files",
               "Customer will test the fix tomorrow", "Waiting for the customer's approval")
UPDATES = ("Customer sent the requested files", "Customer reports it happens again",
           "Customer asks for news", "Customer added more users who are affected")
REPLIES = ("Thanks, we are looking into it", "Forwarded to the vendor",
           "Update sent to the customer", "Acknowledged; investigating")
VENDOR_REPLIES = ("Vendor confirms the defect", "Vendor is reproducing the problem",
                  "Vendor asks for the version number", "Vendor sent a hotfix")
COMMENTS = ("Called the customer back", "Checked the logs; nothing unusual",
            "Reproduced on the test system", "Same problem as last month",
            "Customer is on holiday until Monday")
RAISE_REASONS = ("More users are affected than first reported",
                 "Business process is now halted", "Filing deadline moved closer")
LOWER_REASONS = ("A workaround is in place", "Only one user is affected",
                 "Turned out to be a usage question")
REOPEN_REASONS = ("The problem came back", "The fix does not cover every case",
                  "Customer reports the same error again")
WORKAROUNDS = ("Temporary fix applied on the server", "Customer uses the export instead",
               "Patch installed on the affected workstations")


class Act(StrEnum):
    """What an agent did after logging an incident."""

    DOCUMENTATION = "documentation complete"
    AGREE_DUE = "agree due date"
    RESPOND = "respond"
    VENDOR_RESPONSE = "vendor response"
    CUSTOMER_UPDATE = "customer update"
    STATUS = "status"
    RESUME = "resume"
    ESCALATE = "escalate"
    SEVERITY = "severity"
    ASSIGN = "assign"
    COMMENT = "comment"
    WORKAROUND = "workaround"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Action:
    """One write: ``value`` is the status, tier, severity, assignee, resolution type or due
    (ISO); ``text`` the note, reason or message."""

    act: Act
    at: datetime
    author: str
    value: str = ""
    text: str = ""


@dataclass(frozen=True)
class Plan:
    """An incident as it will be logged and worked."""

    draft: IncidentDraft
    reported_at: datetime
    author: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class FillResult:
    incidents: int
    events: int
    open: int
    seconds: float
    first: datetime  # earliest report
    end: datetime


# ----- planning ---------------------------------------------------------------------------


def plans(agreements: dict[str, Agreement], incidents: int, seed: int, end: datetime,
          office_zone: ZoneInfo, site_of: Callable[[str | None, str | None], Site],
          calendar_of: Callable[[Agreement, Target, Site], Calendar]) -> Iterator[Plan]:
    """``incidents`` plans reported over the year before ``end``, earliest first."""
    rng = random.Random(seed)
    vendors = sorted(agreements)
    combos = [(v, s.key) for v in vendors for s in agreements[v].severities]
    picks = combos[:incidents]
    weights = [VENDOR_WEIGHTS.get(v, 2.0) for v in vendors]
    while len(picks) < incidents:
        vendor = rng.choices(vendors, weights)[0]
        severities = agreements[vendor].severities
        chosen = rng.choices(severities, _severity_weights(len(severities)))[0]
        picks.append((vendor, chosen.key))
    rng.shuffle(picks)
    reported = sorted(_report_time(rng, end, office_zone) for _ in range(incidents))
    for (vendor, severity), at in zip(picks, reported, strict=True):
        planner = _Planner(rng, agreements[vendor], severity, at, end, site_of, calendar_of)
        yield planner.plan()


def _severity_weights(count: int) -> Sequence[float]:
    return SEVERITY_WEIGHTS.get(count) or [float(i + 1) for i in range(count)]


def _report_time(rng: random.Random, end: datetime, zone: ZoneInfo) -> datetime:
    """Mostly office hours on weekdays in the office's zone, sometimes any time."""
    start = end - HISTORY
    if rng.random() < 0.2:
        moment = start + timedelta(seconds=rng.uniform(0, HISTORY.total_seconds()))
    else:
        for _ in range(20):
            day = (start + timedelta(days=rng.randrange(366))).astimezone(zone).date()
            if day.weekday() < 5:
                break
        minute = rng.randrange(8 * 60, 18 * 60)
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
        moment = local.astimezone(UTC)
    moment = _minute(moment)
    if moment >= end:
        moment = _minute(end - timedelta(minutes=rng.randrange(5, 240)))
    return max(moment, _minute(start) + timedelta(minutes=1))


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


class _Planner:
    """One incident's draft and actions, with its status tracked so every action is legal."""

    def __init__(self, rng: random.Random, agreement: Agreement, severity: str,
                 reported: datetime, end: datetime,
                 site_of: Callable[[str | None, str | None], Site],
                 calendar_of: Callable[[Agreement, Target, Site], Calendar]) -> None:
        self.rng = rng
        self.agreement = agreement
        self.severity = severity
        self.reported = reported
        self.end = end
        self.calendar_of = calendar_of
        self.zone, self.country = (rng.choice(SITES) if any(
            spec.follows_site for spec in agreement.calendars.values()) else (None, None))
        self.site = site_of(self.zone, self.country)
        self.actions: list[Action] = []
        self.cursor = reported
        self.status = Status.NEW
        self.tier = agreement.tiers[0].key if agreement.tiers else ""
        self.author = rng.choice(AGENTS)
        self.assignee: str | None = None
        self.resolve_index: int | None = None
        # Gaps between actions pass in the vendor's working hours.
        first = next((t for t in agreement.targets if t.unit is not Unit.CALENDAR_HOURS),
                     agreement.targets[0] if agreement.targets else None)
        self.work: tuple[Target, Calendar] | None = (
            (first, calendar_of(agreement, first, self.site)) if first is not None else None)

    # ----- time ------------------------------------------------------------------------

    def target(self, metric: str, severity: str | None = None) -> Target | None:
        wanted = severity or self.severity
        return next((t for t in self.agreement.targets
                     if t.metric == metric and t.severity == wanted), None)

    def within(self, target: Target | None, start: datetime, fraction: float
               ) -> datetime | None:
        """``fraction`` of ``target``'s length from ``start``, in its own time."""
        if target is None or target.amount is None:
            return None
        calendar = self.calendar_of(self.agreement, target, self.site)
        due = add_target_time(target, calendar, start, target.amount)
        if target.unit is Unit.CALENDAR_HOURS:
            return start + (due - start) * fraction
        length = calendar.business_seconds_between(start, due)
        return calendar.add_business_seconds(start, max(length * fraction, 60.0))

    def work_after(self, start: datetime, hours: float) -> datetime:
        if self.work is None:
            return start + timedelta(hours=hours)
        target, calendar = self.work
        if target.unit is Unit.CALENDAR_HOURS:
            return start + timedelta(hours=hours)
        return calendar.add_business_seconds(start, hours * 3600)

    def met_fraction(self, late_share: float) -> float:
        if self.rng.random() < late_share:
            return 1.05 + self.rng.expovariate(2.0)
        return min(0.97, max(0.03, self.rng.betavariate(1.3, 3.5)))

    # ----- actions -----------------------------------------------------------------------

    def add(self, act: Act, at: datetime, author: str | None = None, value: str = "",
            text: str = "") -> None:
        at = max(self.cursor, _minute(at))
        self.cursor = at
        self.actions.append(Action(act, at, author or self.worker(), value, text))
        status = self.status
        if act in (Act.RESPOND, Act.VENDOR_RESPONSE) and status is Status.NEW:
            self.status = Status.ACKNOWLEDGED
        elif act is Act.CUSTOMER_UPDATE and status is Status.WAITING_ON_CUSTOMER:
            self.status = Status.IN_PROGRESS
        elif act is Act.STATUS:
            self.status = Status(value)
        elif act in (Act.RESUME, Act.REOPEN):
            self.status = Status.IN_PROGRESS
        elif act is Act.WORKAROUND:
            self.status = Status.WORKAROUND_PROVIDED
        elif act is Act.RESOLVE:
            self.status = Status.RESOLVED
            self.resolve_index = len(self.actions) - 1
        elif act is Act.CLOSE:
            self.status = Status.CLOSED
        elif act is Act.ESCALATE:
            self.tier = value
        elif act is Act.SEVERITY:
            self.severity = value
        elif act is Act.ASSIGN:
            self.assignee = value

    def worker(self) -> str:
        return self.assignee or self.author

    def choice(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def next_tier(self) -> str | None:
        order = [t.key for t in self.agreement.tiers]
        position = order.index(self.tier) if self.tier in order else -1
        return order[position + 1] if position + 1 < len(order) else None

    # ----- the plan ----------------------------------------------------------------------

    def draft(self) -> IncidentDraft:
        rng, agreement = self.rng, self.agreement
        chosen = agreement.severity(self.severity)
        title, description = self.choice_pair(TITLES.get(agreement.vendor, GENERIC_TITLES))
        reporter, contact = REPORTERS[rng.randrange(len(REPORTERS))]
        channels = chosen.channels or ("phone", "email")
        channel = channels[0] if rng.random() < 0.8 else self.choice(channels)
        if rng.random() < 0.04:
            channel = self.choice(("phone", "email", "portal", "pageone"))
        category = None
        if agreement.in_scope and rng.random() < 0.9:
            category = (self.choice(agreement.out_of_scope)
                        if agreement.out_of_scope and rng.random() < 0.06
                        else self.choice(agreement.in_scope))
        deadline = None
        urgent = [s for s in agreement.severities if s.filing_deadline_hours is not None]
        if urgent and chosen.key != agreement.severities[-1].key:
            hours = urgent[0].filing_deadline_hours or 24.0
            near = chosen.key == urgent[0].key
            if rng.random() < 0.05:
                near = not near
            spread = rng.uniform(0.1, 0.9) * hours if near else rng.uniform(1.3, 6.0) * hours
            deadline = _minute(self.reported + timedelta(hours=spread))
        vendor_ref = (f"{REF_PREFIX.get(agreement.vendor, 'REF')}-{rng.randrange(10000, 99999)}"
                      if rng.random() < 0.5 else None)
        roll = rng.random()
        assignee = self.author if roll < 0.6 else self.choice(AGENTS) if roll < 0.85 else None
        self.assignee = assignee
        documented = None
        if self.starts_on_documentation() and rng.random() < 0.6:
            documented = self.reported
        return IncidentDraft(
            vendor=agreement.vendor, product=self.choice(agreement.products),
            title=title, severity=self.severity, description=description, reporter=reporter,
            contact=contact, channel=channel, tier=self.tier or None, site_zone=self.zone,
            site_country=self.country, vendor_ref=vendor_ref, category=category,
            filing_deadline=deadline, documentation_complete_at=documented, assignee=assignee)

    def choice_pair(self, options: Sequence[tuple[str, str]]) -> tuple[str, str]:
        return options[self.rng.randrange(len(options))]

    def starts_on_documentation(self) -> bool:
        return any(m.clock_start is ClockStart.DOCUMENTATION_COMPLETE
                   for m in self.agreement.metrics)

    def plan(self) -> Plan:
        rng = self.rng
        draft = self.draft()
        start = self.reported
        if self.starts_on_documentation():
            if draft.documentation_complete_at is None:
                start = self.work_after(self.reported, rng.uniform(0.2, 12.0))
                self.add(Act.DOCUMENTATION, start)
            start = self.cursor
        agreed = [t for t in self.agreement.targets_for(self.severity) if t.amount is None]
        if agreed and rng.random() < 0.6:
            due = _minute(self.work_after(start, rng.uniform(24, 160)))
            self.add(Act.AGREE_DUE, self.work_after(start, rng.uniform(0.1, 3)),
                     value=due.isoformat())
        # The first response: mostly in time, from the desk, sometimes from the vendor.
        replied = (self.within(self.target("response"), start, self.met_fraction(0.12))
                   or self.work_after(start, rng.uniform(0.1, 2)))
        if rng.random() < 0.8:
            self.add(Act.RESPOND, replied, text=self.choice(REPLIES))
        else:
            self.add(Act.VENDOR_RESPONSE, replied, text=self.choice(VENDOR_REPLIES))
        if rng.random() < 0.7:
            self.add(Act.STATUS, self.work_after(self.cursor, rng.uniform(0.05, 1)),
                     value=Status.IN_PROGRESS.value)
        resolved = self.resolution_time(start)
        workaround_at = self.within(self.target("workaround"), start, self.met_fraction(0.15))
        middle_end = min(t for t in (resolved, workaround_at) if t is not None)
        self.middle(middle_end)
        if workaround_at is not None:
            if self.next_tier() is not None and rng.random() < 0.8:
                self.add(Act.ESCALATE, self.cursor + timedelta(minutes=rng.randrange(5, 120)),
                         value=self.next_tier() or "")
            self.add(Act.WORKAROUND, workaround_at, text=self.choice(WORKAROUNDS))
            if self.next_tier() is not None and rng.random() < 0.8:
                self.add(Act.ESCALATE, self.work_after(self.cursor, rng.uniform(0.5, 8)),
                         value=self.next_tier() or "")
        elif rng.random() < 0.15:
            self.add(Act.WORKAROUND, self.work_after(self.cursor, rng.uniform(0.5, 8)),
                     text=self.choice(WORKAROUNDS))
        self.resolve(resolved)
        if rng.random() < 0.04:
            self.add(Act.REOPEN, self.work_after(self.cursor, rng.uniform(2, 60)),
                     text=self.choice(REOPEN_REASONS))
            self.add(Act.COMMENT, self.work_after(self.cursor, rng.uniform(0.2, 4)),
                     text=self.choice(COMMENTS))
            self.resolve(self.work_after(self.cursor, rng.uniform(2, 40)))
        return Plan(draft, self.reported, self.author, tuple(self.cut()))

    def resolution_time(self, start: datetime) -> datetime:
        rng = self.rng
        resolution = self.target("resolution")
        if resolution is not None and resolution.amount is None:
            agreed = next((a for a in self.actions if a.act is Act.AGREE_DUE), None)
            if agreed is not None:
                due = datetime.fromisoformat(agreed.value)
                fraction = self.met_fraction(0.15)
                return start + (due - start) * fraction
            return self.work_after(start, rng.uniform(4, 120))
        return (self.within(resolution, start, self.met_fraction(0.15))
                or self.work_after(start, rng.uniform(0.5, 60)))

    def middle(self, until: datetime) -> None:
        """What happens between the first response and the resolution."""
        rng = self.rng
        count = rng.choices((0, 1, 2, 3, 4), (25, 30, 22, 15, 8))[0]
        per_update = any(m.per_update for m in self.agreement.metrics)
        changed_severity = False
        for index in range(count):
            left = max(until - self.cursor, timedelta(minutes=count * 20))
            slot_end = self.cursor + left / (count - index)
            at = self.cursor + (slot_end - self.cursor) * rng.uniform(0.05, 0.6)
            options = ["pause", "assign", "comment"]
            weights = [30.0, 6.0, 17.0]
            if self.status is Status.WAITING_ON_CUSTOMER:
                weights[0] = 0.0
            if per_update:
                options.append("update")
                weights.append(20.0)
            if self.next_tier() is not None:
                options.append("escalate")
                weights.append(12.0)
            if not changed_severity:
                options.append("severity")
                weights.append(5.0)
            if self.status in (Status.IN_PROGRESS, Status.ACKNOWLEDGED):
                options.append("vendor")
                weights.append(10.0)
            chosen = rng.choices(options, weights)[0]
            if chosen == "pause":
                self.add(Act.STATUS, at, value=Status.WAITING_ON_CUSTOMER.value,
                         text=self.choice(PAUSE_NOTES))
                back = self.cursor + (slot_end - self.cursor) * rng.uniform(0.3, 0.95)
                if rng.random() < 0.6:
                    self.add(Act.CUSTOMER_UPDATE, back, text=self.choice(UPDATES))
                    if per_update:
                        self.reply(back)
                else:
                    self.add(Act.RESUME, back, text="Customer answered by phone")
            elif chosen == "update":
                self.add(Act.CUSTOMER_UPDATE, at, text=self.choice(UPDATES))
                self.reply(self.cursor)
            elif chosen == "escalate":
                self.add(Act.ESCALATE, at, value=self.next_tier() or "")
            elif chosen == "severity":
                self.change_severity(at)
                changed_severity = True
            elif chosen == "vendor":
                self.add(Act.STATUS, at, value=Status.WAITING_ON_VENDOR.value)
                self.add(Act.VENDOR_RESPONSE, self.work_after(self.cursor, rng.uniform(0.5, 12)),
                         text=self.choice(VENDOR_REPLIES))
                self.add(Act.STATUS, self.cursor + timedelta(minutes=rng.randrange(1, 30)),
                         value=Status.IN_PROGRESS.value)
            elif chosen == "assign":
                other = self.choice([a for a in AGENTS if a != self.assignee])
                self.add(Act.ASSIGN, at, value=other)
            else:
                self.add(Act.COMMENT, at, text=self.choice(COMMENTS))

    def reply(self, update: datetime) -> None:
        rng = self.rng
        answered = (self.within(self.target("response"), update, self.met_fraction(0.1))
                    or self.work_after(update, rng.uniform(0.1, 3)))
        if rng.random() < 0.75:
            self.add(Act.RESPOND, answered, text=self.choice(REPLIES))
        else:
            self.add(Act.VENDOR_RESPONSE, answered, text=self.choice(VENDOR_REPLIES))

    def change_severity(self, at: datetime) -> None:
        keys = [s.key for s in self.agreement.severities]
        position = keys.index(self.severity)
        raise_it = position > 0 and (position == len(keys) - 1 or self.rng.random() < 0.5)
        if raise_it:
            self.add(Act.SEVERITY, at, value=keys[position - 1],
                     text=self.choice(RAISE_REASONS))
        elif position + 1 < len(keys):
            self.add(Act.SEVERITY, at, value=keys[position + 1],
                     text=self.choice(LOWER_REASONS))

    def resolve(self, at: datetime) -> None:
        rng = self.rng
        kinds = [k.value for k, _ in RESOLUTION_WEIGHTS]
        kind = rng.choices(kinds, [w for _, w in RESOLUTION_WEIGHTS])[0]
        if self.status is Status.WORKAROUND_PROVIDED and rng.random() < 0.5:
            kind = ResolutionType.EXISTING_CODE_CORRECTION.value
        self.add(Act.RESOLVE, at, value=kind, text="Confirmed with the customer")
        if rng.random() < 0.85:
            self.add(Act.CLOSE, self.work_after(self.cursor, rng.uniform(2, 60)))

    def cut(self) -> list[Action]:
        """The actions that had happened by the end; recent and a few stalled ones stay open."""
        age = self.end - self.reported
        recent = age < timedelta(days=21)
        stall = 0.65 if recent else 0.13 if age < timedelta(days=90) else 0.012
        actions = self.actions
        if self.rng.random() < stall and self.resolve_index is not None:
            # An older incident left open was at least answered once.
            answered = next((i + 1 for i, a in enumerate(actions)
                             if a.act in (Act.RESPOND, Act.VENDOR_RESPONSE)), 0)
            first = (0 if recent and self.rng.random() < 0.3
                     else min(answered, self.resolve_index))
            actions = actions[:self.rng.randrange(first, self.resolve_index + 1)]
        return [a for a in actions if a.at <= self.end]


# ----- filling ----------------------------------------------------------------------------


def fill(desk: Desk, incidents: int, seed: int = 1, *, end: datetime, bulk: bool = True,
         progress: Callable[[int, int], None] | None = None) -> FillResult:
    """Fill an empty database with ``incidents`` incidents reported in the year before ``end``.

    ``bulk=False`` replays every action through the service (slow; the reference); it sets
    ``desk.clock`` to each action's time while it runs, so the desk should not be shared
    with anything else meanwhile. Raises InputError when the database holds incidents.
    """
    if not 1 <= incidents <= MAX_INCIDENTS:
        raise InputError(f"the number of incidents must be between 1 and {MAX_INCIDENTS:,}")
    if end.tzinfo is None:
        raise InputError("the end of the demo history needs a time zone or UTC offset")
    if end > desk.clock() + timedelta(minutes=2):
        raise InputError("the demo history cannot end in the future")
    end = end.astimezone(UTC)
    with storage_errors(desk.database.engine.url), desk.database.engine.connect() as connection:
        existing = connection.scalar(select(func.count(Incident.id))) or 0
    if existing:
        raise InputError(
            f"the database already holds {existing:,} incident{'s' if existing != 1 else ''}; "
            "demo data goes into an empty database")
    started = time.perf_counter()
    agreements = desk.agreements()
    book = desk.sla.book

    def calendar_of(agreement: Agreement, target: Target, site: Site) -> Calendar:
        return target_calendar(agreement, target, site, book)

    planned = plans(agreements, incidents, seed, end, desk.sla.office_zone, desk.sla.site,
                    calendar_of)
    writer = _BulkWriter(desk, agreements) if bulk else _ServiceWriter(desk)
    done = events = still_open = 0
    first: datetime | None = None
    for batch in _batches(planned, BATCH):
        first = first or batch[0].reported_at
        counted, opened = writer.write(batch)
        events += counted
        still_open += opened
        done += len(batch)
        if progress is not None:
            progress(done, incidents)
    return FillResult(done, events, still_open, time.perf_counter() - started,
                      first or end, end)


def _batches(items: Iterator[Plan], size: int) -> Iterator[list[Plan]]:
    batch: list[Plan] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _SimulatedClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


class _ServiceWriter:
    """Every action a real write through the Desk, at the time it happened."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def write(self, batch: list[Plan]) -> tuple[int, int]:
        desk = self.desk
        saved = desk.clock
        clock = _SimulatedClock(batch[0].reported_at)
        desk.clock = clock
        events = still_open = 0
        try:
            for plan in batch:
                clock.now = plan.reported_at
                key = desk.log(plan.draft, author=plan.author, at=plan.reported_at).incident.key
                for action in plan.actions:
                    clock.now = action.at
                    _perform(desk, key, action)
                view = desk.show(key)
                events += len(view.events)
                still_open += view.status.is_open
        finally:
            desk.clock = saved
        return events, still_open


def _perform(desk: Desk, key: str, action: Action) -> None:
    how: dict[str, Any] = {"author": action.author, "at": action.at}
    act, value, text = action.act, action.value, action.text
    if act is Act.DOCUMENTATION:
        desk.documentation_complete(key, **how)
    elif act is Act.AGREE_DUE:
        desk.agree_due_date(key, datetime.fromisoformat(value), **how)
    elif act is Act.RESPOND:
        desk.respond(key, text, **how)
    elif act is Act.VENDOR_RESPONSE:
        desk.respond(key, text, from_vendor=True, **how)
    elif act is Act.CUSTOMER_UPDATE:
        desk.customer_update(key, text, **how)
    elif act is Act.STATUS:
        desk.set_status(key, Status(value), text, **how)
    elif act is Act.RESUME:
        desk.resume(key, text, **how)
    elif act is Act.ESCALATE:
        desk.change_tier(key, value, **how)
    elif act is Act.SEVERITY:
        desk.change_severity(key, value, text, **how)
    elif act is Act.ASSIGN:
        desk.assign(key, value, **how)
    elif act is Act.COMMENT:
        desk.comment(key, text, **how)
    elif act is Act.WORKAROUND:
        desk.provide_workaround(key, text, **how)
    elif act is Act.RESOLVE:
        desk.resolve(key, ResolutionType(value), text, **how)
    elif act is Act.CLOSE:
        desk.close(key, text, **how)
    elif act is Act.REOPEN:
        desk.reopen(key, text, **how)
    else:  # pragma: no cover - every act is handled above
        raise AssertionError(act)


@dataclass
class _Row:
    """An incident being built on the bulk path: its row, events and clocks."""

    incident: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    recorded: list[datetime] = field(default_factory=list)
    clocks: list[dict[str, Any]] = field(default_factory=list)
    tiers: tuple[str, ...] = ()


class _BulkWriter:
    """The events, incident rows and clocks the service would write, inserted in batches."""

    def __init__(self, desk: Desk, agreements: dict[str, Agreement]) -> None:
        self.desk = desk
        self.agreements = agreements
        with storage_errors(desk.database.engine.url), desk.database.engine.connect() as connection:
            self.vendor_ids = dict(connection.execute(select(Vendor.key, Vendor.id)).all())
            self.version_ids = {key: version_id for version_id, key in connection.execute(
                select(AgreementVersion.id, Vendor.key).join(Vendor)
                .where(AgreementVersion.is_current)).all()}
            self.product_ids = {(vendor_id, name): product_id for product_id, vendor_id, name
                                in connection.execute(
                                    select(Product.id, Product.vendor_id, Product.name)).all()}
            self.users = dict(connection.execute(select(User.name, User.id)).all())
            self.number = connection.scalar(select(func.max(Incident.number))) or 0

    def write(self, batch: list[Plan]) -> tuple[int, int]:
        rows = [self.build(plan) for plan in batch]
        engine = self.desk.database.engine
        with storage_errors(engine.url), engine.begin() as connection:
            self.add_users(connection, rows)
            for row in rows:
                assignee = row.incident.pop("assignee")
                row.incident["assignee_id"] = self.users[assignee] if assignee else None
            ids = connection.execute(
                insert(Incident.__table__).returning(  # type: ignore[arg-type]
                    Incident.__table__.c.id, sort_by_parameter_order=True),
                [row.incident for row in rows]).scalars().all()
            events = [
                {"incident_id": incident_id, "seq": seq, "kind": event.kind.value,
                 "at": event.at, "recorded_at": recorded, "author": event.author,
                 "data": dict(event.data)}
                for incident_id, row in zip(ids, rows, strict=True)
                for seq, (event, recorded) in enumerate(zip(row.events, row.recorded,
                                                            strict=True), start=1)]
            connection.execute(insert(IncidentEvent.__table__), events)  # type: ignore[arg-type]
            clocks = [{"incident_id": incident_id, **clock}
                      for incident_id, row in zip(ids, rows, strict=True)
                      for clock in row.clocks]
            if clocks:
                connection.execute(insert(ClockRow.__table__), clocks)  # type: ignore[arg-type]
        return len(events), sum(1 for row in rows if row.incident["is_open"])

    def add_users(self, connection: Connection, rows: list[_Row]) -> None:
        names: list[str] = []
        for row in rows:
            for name in (*(e.author for e in row.events), row.incident["assignee"]):
                if name and name not in self.users and name not in names:
                    names.append(name)
        for name in names:
            self.users[name] = connection.execute(
                insert(User.__table__).returning(User.__table__.c.id),  # type: ignore[arg-type]
                {"name": name, "role": "agent"}).scalar_one()

    def build(self, plan: Plan) -> _Row:
        draft = plan.draft
        agreement = self.agreements[draft.vendor]
        vendor_id = self.vendor_ids[draft.vendor]
        self.number += 1
        reported = plan.reported_at
        # Kept resolved, as the service keeps it: a part not given is the office's.
        site = self.desk.sla.site(draft.site_zone, draft.site_country)
        incident: dict[str, Any] = {
            "number": self.number, "vendor_id": vendor_id,
            "product_id": self.product_ids[(vendor_id, draft.product)],
            "agreement_version_id": self.version_ids[draft.vendor],
            "title": draft.title.strip(), "description": draft.description,
            "reporter": draft.reporter, "contact": draft.contact, "channel": draft.channel,
            "severity": draft.severity, "tier": draft.tier or agreement.tiers[0].key,
            "status": Status.NEW.value, "assignee": draft.assignee,
            "site_zone": site.zone, "site_country": site.country,
            "vendor_ref": draft.vendor_ref or None, "category": draft.category or None,
            "filing_deadline": draft.filing_deadline, "agreed_due": None,
            "resolution_type": None,
            "documentation_complete_at": draft.documentation_complete_at,
            "reported_at": reported, "created_at": reported, "updated_at": reported,
            "updated_by": plan.author, "version": 1, "next_due_at": None, "is_open": True,
        }
        row = _Row(incident, tiers=tuple(t.key for t in agreement.tiers))
        created = {"severity": incident["severity"], "tier": incident["tier"],
                   "status": Status.NEW.value}
        _event(row, EventKind.CREATED, reported, plan.author, created, reported)
        if draft.documentation_complete_at is not None:
            _event(row, EventKind.DOCUMENTATION_COMPLETE, draft.documentation_complete_at,
                   plan.author, {}, reported)
        if draft.assignee:
            _event(row, EventKind.ASSIGNED, reported, plan.author,
                   {"assignee": draft.assignee}, reported)
        for action in plan.actions:
            _apply(row, action)
            incident["updated_at"] = action.at
            incident["updated_by"] = action.author
            incident["version"] += 1
        status = Status(incident["status"])
        incident["is_open"] = status.is_open
        clocks = compute_clocks(row.events, agreement, site, self.desk.sla.book)
        row.clocks = [{"metric": clock.metric, **cached_clock(clock)._asdict()} for clock in clocks]
        incident["next_due_at"] = next_due(clocks) if status.is_open else None
        if incident["next_due_at"] is not None:
            incident["version"] += 1  # the service's second update of a new incident
        return row


def _event(row: _Row, kind: EventKind, at: datetime, author: str, data: dict[str, str],
           recorded: datetime) -> None:
    row.events.append(Event(kind, at.astimezone(UTC), author, data))
    row.recorded.append(recorded)


def _with_text(data: dict[str, str], text: str) -> dict[str, str]:
    if text and text.strip():
        data["text"] = text.strip()
    return data


def _apply(row: _Row, action: Action) -> None:
    """What the service's write for ``action`` adds to the timeline and changes on the row."""
    incident = row.incident
    at, author, value, text = action.at, action.author, action.value, action.text
    status = Status(incident["status"])

    def add(kind: EventKind, data: dict[str, str]) -> None:
        _event(row, kind, at, author, data, at)

    act = action.act
    if act is Act.DOCUMENTATION:
        incident["documentation_complete_at"] = at
        add(EventKind.DOCUMENTATION_COMPLETE, {})
    elif act is Act.AGREE_DUE:
        due = datetime.fromisoformat(value)
        incident["agreed_due"] = due
        add(EventKind.DUE_DATE_AGREED, {"due": due.astimezone(UTC).isoformat()})
    elif act in (Act.RESPOND, Act.VENDOR_RESPONSE):
        kind = EventKind.RESPONSE_SENT if act is Act.RESPOND else EventKind.VENDOR_RESPONSE
        add(kind, _with_text({}, text))
        if status is Status.NEW:
            incident["status"] = Status.ACKNOWLEDGED.value
            add(EventKind.STATUS_CHANGED, {"status": Status.ACKNOWLEDGED.value})
    elif act is Act.CUSTOMER_UPDATE:
        add(EventKind.CUSTOMER_UPDATE, {"text": text.strip()})
        if status is Status.WAITING_ON_CUSTOMER:
            incident["status"] = Status.IN_PROGRESS.value
            add(EventKind.STATUS_CHANGED, {"status": Status.IN_PROGRESS.value})
    elif act in (Act.STATUS, Act.RESUME):
        new = value if act is Act.STATUS else Status.IN_PROGRESS.value
        incident["status"] = new
        add(EventKind.STATUS_CHANGED, _with_text({"status": new}, text))
    elif act is Act.ESCALATE:
        before = incident["tier"]
        incident["tier"] = value
        add(EventKind.TIER_CHANGED, {"tier": value, "from": before,
                                     "direction": _direction(row, before, value)})
    elif act is Act.SEVERITY:
        before = incident["severity"]
        incident["severity"] = value
        add(EventKind.SEVERITY_CHANGED, {"severity": value, "from": before,
                                         "reason": text.strip()})
    elif act is Act.ASSIGN:
        incident["assignee"] = value
        add(EventKind.ASSIGNED, {"assignee": value})
    elif act is Act.COMMENT:
        add(EventKind.COMMENT, {"text": text.strip()})
    elif act is Act.WORKAROUND:
        incident["status"] = Status.WORKAROUND_PROVIDED.value
        add(EventKind.WORKAROUND_PROVIDED, _with_text({}, text))
    elif act is Act.RESOLVE:
        incident["status"] = Status.RESOLVED.value
        incident["resolution_type"] = value
        add(EventKind.RESOLVED, _with_text({"resolution_type": value}, text))
    elif act is Act.CLOSE:
        incident["status"] = Status.CLOSED.value
        add(EventKind.CLOSED, _with_text({}, text))
    elif act is Act.REOPEN:
        incident["status"] = Status.IN_PROGRESS.value
        incident["resolution_type"] = None
        add(EventKind.REOPENED, {"reason": text.strip()})
    else:  # pragma: no cover - every act is handled above
        raise AssertionError(act)


def _direction(row: _Row, before: str, after: str) -> str:
    order = row.tiers
    if before in order and after in order and order.index(after) < order.index(before):
        return "lowered"
    return "escalated"


def describe_plan(plan: Plan) -> str:
    """One line per action, for debugging a plan."""
    lines = [f"{plan.reported_at.isoformat()} {plan.author} logs {plan.draft.vendor} "
             f"severity {plan.draft.severity}: {plan.draft.title}"]
    lines += [f"{a.at.isoformat()} {a.author} {a.act.value} {a.value} {a.text}".rstrip()
              for a in plan.actions]
    return "\n".join(lines)


