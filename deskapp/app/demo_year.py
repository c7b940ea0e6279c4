"""A realistic, reproducible year of a support desk's incidents, planned as the changes agents make.

``plans`` draws every incident from a seeded random generator: the draft an agent typed and
the changes agents applied afterwards (core's ``Change`` objects, each with its time and
author): responses, pauses while waiting on the customer, Magaya's update and reply cycles,
Catapult's documentation, escalations, severity changes with reasons, agreed due dates,
workarounds, resolutions, closings and a few reopenings. Replies and resolutions are timed as
a fraction of the target they answer, in that target's own business time, so most targets
are met and some are breached; recent incidents and a few stalled older ones are still open
when the history ends.

Each change is applied as it is planned, to the planned incident (a ``WorkedIncident``: core's
``Editable`` without a database row), just as the desk applies it to a stored incident: a
plan holds only changes the service accepts, the timeline entries each one added and the
incident as they leave it, so the bulk writer stores the service's rows without applying
anything again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from deskapp.app.demo_catalog import (
    AGENTS,
    COMMENTS,
    GENERIC_TITLES,
    LOWER_REASONS,
    PAUSE_NOTES,
    RAISE_REASONS,
    REF_PREFIX,
    REOPEN_REASONS,
    REPLIES,
    REPORTERS,
    RESOLUTION_WEIGHTS,
    SEVERITY_WEIGHTS,
    SITES,
    TITLES,
    UPDATES,
    VENDOR_REPLIES,
    VENDOR_WEIGHTS,
    WORKAROUNDS,
)
from deskapp.app.views import IncidentDraft
from deskapp.core.agreement import Agreement, Target, Unit
from deskapp.core.calendar import Calendar
from deskapp.core.lifecycle import ResolutionType, Status
from deskapp.core.sla import Site, add_target_time
from deskapp.core.workflow import (
    AgreeDueDate,
    Assign,
    Change,
    ChangeSeverity,
    ChangeTier,
    Close,
    Comment,
    Context,
    CustomerUpdate,
    DocumentationComplete,
    ProvideWorkaround,
    Reopen,
    Resolve,
    Respond,
    Resume,
    SetStatus,
    Step,
    agrees_due_per_incident,
    next_tier,
    pause,
    waits_for_documentation,
)

HISTORY = timedelta(days=365)
# How a planned incident is named in a refusal (a plan breaking a rule is a planning bug).
PLANNED_KEY = "a planned incident"


@dataclass(slots=True)
class WorkedIncident:
    """An incident as changes edit it (core's ``Editable``), without a database row."""

    number: int
    status: str
    tier: str
    severity: str
    assignee_name: str | None
    resolution_type: str | None
    documentation_complete_at: datetime | None
    agreed_due: datetime | None
    site_zone: str | None
    site_country: str | None


class PlannedChange(NamedTuple):
    """A change an agent applied to the incident at ``at``, and the timeline entries applying
    it added (a tuple: a year holds millions)."""

    at: datetime
    author: str
    change: Change
    steps: Sequence[Step]


@dataclass(frozen=True)
class Plan:
    """An incident as it will be logged and worked: ``worked`` is the incident as logging the
    draft and applying the changes, in order, leave it."""

    draft: IncidentDraft
    reported_at: datetime
    author: str
    actions: tuple[PlannedChange, ...]
    worked: WorkedIncident


def logged(draft: IncidentDraft, number: int, agreement: Agreement, site: Site
           ) -> WorkedIncident:
    """The incident as logging ``draft`` leaves it (``site``: the draft's site, completed)."""
    return WorkedIncident(
        number=number, status=Status.NEW.value,
        tier=draft.tier or agreement.tiers[0].key, severity=draft.severity,
        assignee_name=draft.assignee or None, resolution_type=None,
        documentation_complete_at=draft.documentation_complete_at, agreed_due=None,
        site_zone=site.zone, site_country=site.country)


# ----- the year -----------------------------------------------------------------------------


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


def describe_plan(plan: Plan) -> str:
    """One line per change, for debugging a plan."""
    lines = [f"{plan.reported_at.isoformat()} {plan.author} logs {plan.draft.vendor} "
             f"severity {plan.draft.severity}: {plan.draft.title}"]
    lines += [f"{a.at.isoformat()} {a.author} {a.change!r}" for a in plan.actions]
    return "\n".join(lines)


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
    """One incident's draft and changes, each applied to the incident as it is planned."""

    def __init__(self, rng: random.Random, agreement: Agreement, severity: str,
                 reported: datetime, end: datetime,
                 site_of: Callable[[str | None, str | None], Site],
                 calendar_of: Callable[[Agreement, Target, Site], Calendar]) -> None:
        self.rng = rng
        self.agreement = agreement
        self.severity = severity  # as logged
        self.reported = reported
        self.end = end
        self.site_of = site_of
        self.calendar_of = calendar_of
        self.zone, self.country = (rng.choice(SITES) if any(
            spec.follows_site for spec in agreement.calendars.values()) else (None, None))
        self.site = site_of(self.zone, self.country)
        self.actions: list[PlannedChange] = []
        self.cursor = reported
        self.tier = agreement.tiers[0].key if agreement.tiers else ""  # as logged
        self.author = rng.choice(AGENTS)
        self.incident: WorkedIncident  # once the draft is made
        self.resolve_index: int | None = None
        # Gaps between actions pass in the vendor's working hours.
        first = next((t for t in agreement.targets if t.unit is not Unit.CALENDAR_HOURS),
                     agreement.targets[0] if agreement.targets else None)
        self.work: tuple[Target, Calendar] | None = (
            (first, calendar_of(agreement, first, self.site)) if first is not None else None)

    # ----- time ------------------------------------------------------------------------

    def target(self, metric: str) -> Target | None:
        wanted = self.incident.severity
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

    # ----- the incident ------------------------------------------------------------------

    @property
    def status(self) -> Status:
        return Status(self.incident.status)

    def add(self, at: datetime, change: Change, author: str | None = None) -> None:
        """``change`` applied at ``at`` (not before the last one) by ``author``, by default
        the incident's assignee."""
        at = max(self.cursor, _minute(at))
        self.cursor = at
        author = author or self.worker()
        steps = change.apply(self.incident, self.context(at))
        if isinstance(change, Resolve):
            self.resolve_index = len(self.actions)
        self.actions.append(PlannedChange(at, author, change, steps))

    def context(self, at: datetime) -> Context:
        return Context(PLANNED_KEY, self.agreement, at, self.site_of)

    def worker(self) -> str:
        return self.incident.assignee_name or self.author

    def choice(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def next_tier(self) -> str | None:
        return next_tier(self.agreement, self.incident.tier)

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
        documented = None
        if waits_for_documentation(agreement) and rng.random() < 0.6:
            documented = self.reported
        return IncidentDraft(
            vendor=agreement.vendor, product=self.choice(agreement.products),
            title=title, severity=self.severity, description=description, reporter=reporter,
            contact=contact, channel=channel, tier=self.tier or None, site_zone=self.zone,
            site_country=self.country, vendor_ref=vendor_ref, category=category,
            filing_deadline=deadline, documentation_complete_at=documented, assignee=assignee)

    def choice_pair(self, options: Sequence[tuple[str, str]]) -> tuple[str, str]:
        return options[self.rng.randrange(len(options))]

    def plan(self) -> Plan:
        rng = self.rng
        draft = self.draft()
        self.incident = logged(draft, 0, self.agreement, self.site)  # numbered when stored
        start = self.reported
        if waits_for_documentation(self.agreement):
            if draft.documentation_complete_at is None:
                start = self.work_after(self.reported, rng.uniform(0.2, 12.0))
                self.add(start, DocumentationComplete())
            start = self.cursor
        if agrees_due_per_incident(self.agreement, self.incident.severity) and rng.random() < 0.6:
            due = _minute(self.work_after(start, rng.uniform(24, 160)))
            self.add(self.work_after(start, rng.uniform(0.1, 3)), AgreeDueDate(due))
        # The first response: mostly in time, from the desk, sometimes from the vendor.
        replied = (self.within(self.target("response"), start, self.met_fraction(0.12))
                   or self.work_after(start, rng.uniform(0.1, 2)))
        if rng.random() < 0.8:
            self.add(replied, Respond(self.choice(REPLIES)))
        else:
            self.add(replied, Respond(self.choice(VENDOR_REPLIES), from_vendor=True))
        if rng.random() < 0.7:
            self.add(self.work_after(self.cursor, rng.uniform(0.05, 1)),
                     SetStatus(Status.IN_PROGRESS))
        resolved = self.resolution_time(start)
        workaround_at = self.within(self.target("workaround"), start, self.met_fraction(0.15))
        middle_end = min(t for t in (resolved, workaround_at) if t is not None)
        self.middle(middle_end)
        if workaround_at is not None:
            self.maybe_escalate(lambda: self.cursor + timedelta(minutes=rng.randrange(5, 120)))
            self.add(workaround_at, ProvideWorkaround(self.choice(WORKAROUNDS)))
            self.maybe_escalate(lambda: self.work_after(self.cursor, rng.uniform(0.5, 8)))
        elif rng.random() < 0.15:
            self.add(self.work_after(self.cursor, rng.uniform(0.5, 8)),
                     ProvideWorkaround(self.choice(WORKAROUNDS)))
        self.resolve(resolved)
        if rng.random() < 0.04:
            self.add(self.work_after(self.cursor, rng.uniform(2, 60)),
                     Reopen(self.choice(REOPEN_REASONS)))
            self.add(self.work_after(self.cursor, rng.uniform(0.2, 4)),
                     Comment(self.choice(COMMENTS)))
            self.resolve(self.work_after(self.cursor, rng.uniform(2, 40)))
        kept = self.cut()
        if len(kept) < len(self.actions):
            # The incident as the changes made by the end leave it: the same changes again.
            self.incident = logged(draft, 0, self.agreement, self.site)
            for action in kept:
                action.change.apply(self.incident, self.context(action.at))
        return Plan(draft, self.reported, self.author, tuple(kept), self.incident)

    def maybe_escalate(self, when: Callable[[], datetime]) -> None:
        """Most of the time, to the next tier when there is one."""
        if self.next_tier() is not None and self.rng.random() < 0.8:
            at = when()
            self.add(at, ChangeTier(self.next_tier()))

    def resolution_time(self, start: datetime) -> datetime:
        rng = self.rng
        resolution = self.target("resolution")
        if resolution is not None and resolution.amount is None:
            agreed = next((a.change.due for a in self.actions
                           if isinstance(a.change, AgreeDueDate)), None)
            if agreed is not None:
                fraction = self.met_fraction(0.15)
                return start + (agreed - start) * fraction
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
                self.add(at, pause(self.choice(PAUSE_NOTES)))
                back = self.cursor + (slot_end - self.cursor) * rng.uniform(0.3, 0.95)
                if rng.random() < 0.6:
                    self.add(back, CustomerUpdate(self.choice(UPDATES)))
                    if per_update:
                        self.reply(back)
                else:
                    self.add(back, Resume("Customer answered by phone"))
            elif chosen == "update":
                self.add(at, CustomerUpdate(self.choice(UPDATES)))
                self.reply(self.cursor)
            elif chosen == "escalate":
                self.add(at, ChangeTier(self.next_tier()))
            elif chosen == "severity":
                self.change_severity(at)
                changed_severity = True
            elif chosen == "vendor":
                self.add(at, SetStatus(Status.WAITING_ON_VENDOR))
                self.add(self.work_after(self.cursor, rng.uniform(0.5, 12)),
                         Respond(self.choice(VENDOR_REPLIES), from_vendor=True))
                self.add(self.cursor + timedelta(minutes=rng.randrange(1, 30)),
                         SetStatus(Status.IN_PROGRESS))
            elif chosen == "assign":
                other = self.choice([a for a in AGENTS if a != self.incident.assignee_name])
                self.add(at, Assign(other))
            else:
                self.add(at, Comment(self.choice(COMMENTS)))

    def reply(self, update: datetime) -> None:
        rng = self.rng
        answered = (self.within(self.target("response"), update, self.met_fraction(0.1))
                    or self.work_after(update, rng.uniform(0.1, 3)))
        if rng.random() < 0.75:
            self.add(answered, Respond(self.choice(REPLIES)))
        else:
            self.add(answered, Respond(self.choice(VENDOR_REPLIES), from_vendor=True))

    def change_severity(self, at: datetime) -> None:
        keys = [s.key for s in self.agreement.severities]
        position = keys.index(self.incident.severity)
        raise_it = position > 0 and (position == len(keys) - 1 or self.rng.random() < 0.5)
        if raise_it:
            self.add(at, ChangeSeverity(keys[position - 1], self.choice(RAISE_REASONS)))
        elif position + 1 < len(keys):
            self.add(at, ChangeSeverity(keys[position + 1], self.choice(LOWER_REASONS)))

    def resolve(self, at: datetime) -> None:
        rng = self.rng
        kinds = [k for k, _ in RESOLUTION_WEIGHTS]
        kind = rng.choices(kinds, [w for _, w in RESOLUTION_WEIGHTS])[0]
        if self.status is Status.WORKAROUND_PROVIDED and rng.random() < 0.5:
            kind = ResolutionType.EXISTING_CODE_CORRECTION
        self.add(at, Resolve(kind, "Confirmed with the customer"))
        if rng.random() < 0.85:
            self.add(self.work_after(self.cursor, rng.uniform(2, 60)), Close())

    def cut(self) -> list[PlannedChange]:
        """The changes made by the end; recent and a few stalled incidents stay open."""
        age = self.end - self.reported
        recent = age < timedelta(days=21)
        stall = 0.65 if recent else 0.13 if age < timedelta(days=90) else 0.012
        actions = self.actions
        if self.rng.random() < stall and self.resolve_index is not None:
            # An older incident left open was at least answered once.
            answered = next((i + 1 for i, a in enumerate(actions)
                             if isinstance(a.change, Respond)), 0)
            first = (0 if recent and self.rng.random() < 0.3
                     else min(answered, self.resolve_index))
            actions = actions[:self.rng.randrange(first, self.resolve_index + 1)]
        return [a for a in actions if a.at <= self.end]
