"""The review use cases: compliance over a period, the goals as they stand this month, their
monthly trend, and where the time of breached targets went."""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from math import isnan
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Goal, Target
from deskapp.core.calendar import Calendar
from deskapp.core.clocks import ClockState
from deskapp.core.compliance import (
    ClockGroup,
    ComplianceRow,
    Outcome,
    Period,
    breach_grid,
    compliance_rows,
    outcome,
    outcome_of_state,
    vendor_zone,
)
from deskapp.core.errors import InputError
from deskapp.core.goals import (
    GoalStanding,
    GoalTrend,
    from_row,
    goal_due,
    goal_outcome,
    goal_target,
    row_tickets,
    standing_of,
)
from deskapp.core.keys import incident_key
from deskapp.core.review import ComplianceReport, LateShare, LateTime, late_time_of
from deskapp.storage import catalog
from deskapp.storage import compliance as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk

MAX_TREND_MONTHS = 120


class _Target(NamedTuple):
    target: Target
    agreement: Agreement  # the version the incidents are pinned to


class _Group(NamedTuple):
    """Clocks that count alike, as read: their cached state, their positions in the clocks
    read, their target under the agreement version their incidents are pinned to (None:
    one it lacks), and how the report counts them (severity, target, tier, outcome and
    incident numbers)."""

    state: str
    rows: list[int]
    target: _Target | None
    counted: ClockGroup


@dataclass
class _Vendor:
    """One vendor's part of a report as read: its agreement now, its zone and its clocks."""

    key: str
    name: str
    vendor_id: int
    agreement: Agreement
    zone: str
    window: store.Window
    groups: list[_Group] = field(default_factory=list)


@dataclass
class _Read:
    """What a report reads: each vendor's part (its clocks grouped), the clocks, the
    incidents whose severity changed, and the times of the clocks that goals with a time of
    their own count, by vendor and target."""

    parts: list[_Vendor]
    clocks: store.Clocks
    severity_changed: set[int]
    goal_times: dict[tuple[str, str], store.ClockTimes]

    def dues(self, group: _Group) -> list[float]:
        """The due times of a group of late clocks, as UTC timestamps."""
        return list(map(self.clocks.dues.__getitem__, group.rows))

    def incident_ids(self, group: _Group) -> list[int]:
        """The ids of the group's incidents."""
        return list(map(self.clocks.incident_ids.__getitem__, group.rows))


def _vendors(desk: Desk, session: Session, vendor: str | None
             ) -> list[tuple[catalog.CurrentAgreement, Agreement, str]]:
    current = catalog.current_agreements(session)
    if vendor is not None:
        chosen = [row for row in current if row.vendor_key == vendor.strip().lower()]
        if not chosen:
            known = ", ".join(sorted(row.vendor_key for row in current))
            raise InputError(f"unknown vendor {vendor!r}; expected one of: {known}")
        current = chosen
    found = []
    for row in sorted(current, key=lambda r: r.vendor_key):
        agreement = desk.parsed.get(session, row.version_id, row.source)
        found.append((row, agreement, vendor_zone(agreement, desk.sla.office_zone.key)))
    return found


_ANSWERED = (ClockState.MET.value, ClockState.BREACHED.value)
# The cached states of the clocks that can be breached at an instant (answered late, or
# running past their due time: ``outcome_of_state``): their due times are read for the grid.
_LATE = (ClockState.RUNNING.value, ClockState.BREACHED.value)


def _read(desk: Desk, session: Session, period: Period, vendor: str | None, now: datetime,
          *, goals: bool = True) -> _Read:
    """Each vendor's clocks over the period, grouped as they count, with their times to
    target, the incidents whose severity changed, and (``goals``) the times of the clocks
    that goals with a time of their own count."""
    parts = {}
    for row, agreement, zone in _vendors(desk, session, vendor):
        window = store.Window(row.vendor_id, period.start(ZoneInfo(zone)),
                              period.end(ZoneInfo(zone)))
        parts[row.vendor_key] = _Vendor(row.vendor_key, row.vendor_name, row.vendor_id,
                                        agreement, zone, window)
    windows = [part.window for part in parts.values()]
    most = store.most_of_database(session, windows)
    # Ahead (in a thread of its own) only when reading most of the database.
    with store.Reading(session, ahead=most) as reading:
        # The largest answer first: it is parsed while the next ones are read.
        clocks_read = store.clocks(reading, windows, most, now, _LATE)
        incidents_read = store.incidents(reading, windows)
        times_read = {(part.key, metric): store.target_times(reading, [part.window], metric)
                      for part in parts.values() if goals
                      for metric in {goal.metric for goal in part.agreement.goals
                                     if goal.metric and goal.within is not None}}
        changed_read = store.severity_changed(reading, windows)
        all_clocks = clocks_read.get()
        incidents = incidents_read.get()
        clocks, incident_of = store.in_period(all_clocks, incidents)
        kinds, rows_by = _grouped(incidents, clocks, incident_of)
        # Each group's numbers, and the answered ones' times to target, while the last
        # answers are read. Each clock's number is looked up once, in the clocks' order: a
        # group's numbers are then one look-up each, not two far apart.
        clock_numbers = list(map(incidents.numbers.__getitem__, incident_of))
        listed = {key: (list(map(clock_numbers.__getitem__, rows)),
                        list(map(clocks.taken.__getitem__, rows)) if key[2] in _ANSWERED
                        else [])
                  for key, rows in rows_by.items()}
        read = _Read(list(parts.values()), clocks, changed_read.get(),
                     {key: times.get() for key, times in times_read.items()})
    looked_up: dict[tuple[int, str], dict[str, _Target]] = {}
    for (kind, metric, state), rows in rows_by.items():
        version, severity, tier = kinds[kind]
        pinned = desk.parsed.get(session, version)
        targets = looked_up.get((version, severity))
        if targets is None:
            targets = looked_up[(version, severity)] = {
                target.metric: _Target(target, pinned)
                for target in pinned.targets_for(severity)}
        part = parts[pinned.vendor]
        numbers, taken = listed[(kind, metric, state)]
        target = targets.get(metric)
        counted = ClockGroup(part.key, severity, metric, tier, outcome_of_state(state),
                             numbers, taken if target is not None else [])
        part.groups.append(_Group(state, rows, target, counted))
    return read


def _grouped(incidents: store.Incidents, clocks: store.Clocks, incident_of: list[int]
             ) -> tuple[list[tuple[int, str, str]], dict[tuple[int, str, str], list[int]]]:
    """The kinds of incident (agreement version, severity, tier: what decides how their
    clocks count), and the clocks' positions by kind (numbered, so that grouping hashes a
    number rather than three fields), target and state."""
    per_incident = list(zip(incidents.versions, incidents.severities, incidents.tiers,
                            strict=True))
    kinds = list(dict.fromkeys(per_incident))
    kind_of = list(map({kind: number for number, kind in enumerate(kinds)}.__getitem__,
                       per_incident))
    rows_by: dict[tuple[int, str, str], list[int]] = {}
    for index, key in enumerate(zip(map(kind_of.__getitem__, incident_of), clocks.metrics,
                                    clocks.states, strict=True)):
        found = rows_by.get(key)
        if found is None:
            rows_by[key] = [index]
        else:
            found.append(index)
    return kinds, rows_by


def _calendar(desk: Desk, agreement: Agreement, key: str, site_zone: str, site_country: str
              ) -> Calendar:
    """The agreement's calendar ``key`` at an incident's site ('': the office's)."""
    site = desk.sla.site(site_zone or None, site_country or None)
    return desk.sla.book.calendar(agreement.calendars[key], site)


def _instant(stamp: float) -> datetime | None:
    """A UTC timestamp as an instant; NaN (none) as None."""
    return None if isnan(stamp) else datetime.fromtimestamp(stamp, UTC)


def _goal_tickets(goal: Goal, part: _Vendor, read: _Read, now: datetime, desk: Desk
                  ) -> dict[Outcome, list[int]]:
    """The tickets of a goal the report's rows do not hold (a tier, or a time of its own),
    their incident numbers by outcome."""
    tickets: dict[Outcome, list[int]] = {which: [] for which in Outcome}
    now_stamp = now.timestamp()
    for group in part.groups:
        found, counted = group.target, group.counted
        if counted.metric != goal.metric or found is None:
            continue
        if goal.severity is not None and counted.severity != goal.severity:
            continue
        if group.state == ClockState.PENDING:
            tickets[Outcome.PENDING] += counted.numbers
            continue
        if goal.within is None:  # the target's own due time: as the clock counts
            tickets[goal_outcome(goal, counted.tier, counted.outcome)] += counted.numbers
            continue
        paused = group.state == ClockState.PAUSED
        # The goal's own calendar, else its target's.
        calendar_key = (goal.within[2] if goal.within[2] in found.agreement.calendars
                        else found.target.calendar)
        if (group.state in _ANSWERED
                and goal_outcome(goal, counted.tier, Outcome.MET) is Outcome.BREACHED):
            # Answered where the goal does not count it met (another tier), however soon.
            tickets[Outcome.BREACHED] += counted.numbers
            continue
        own = goal_target(goal, found.target)
        times = read.goal_times[(part.key, counted.metric)]
        at = times.rows_of(read.incident_ids(group), counted.metric)
        sites = list(zip(map(times.site_zones.__getitem__, at),
                         map(times.site_countries.__getitem__, at), strict=True))
        calendars = {site: _calendar(desk, found.agreement, calendar_key, *site)
                     for site in set(sites)}
        for number, start, answer, paused_seconds, site in zip(
                counted.numbers, map(times.starts.__getitem__, at),
                map(times.answers.__getitem__, at), map(times.paused.__getitem__, at), sites,
                strict=True):
            if isnan(start):
                tickets[Outcome.PENDING].append(number)
                continue
            due = goal_due(own, calendars[site], start, paused_seconds)
            which = outcome(due, None if isnan(answer) else answer, paused, now_stamp)
            tickets[goal_outcome(goal, counted.tier, which)].append(number)
    return tickets


def _standings(part: _Vendor, read: _Read, rows: Sequence[ComplianceRow], period: Period,
               now: datetime, desk: Desk) -> list[GoalStanding]:
    over = now >= period.end(ZoneInfo(part.zone))
    found = []
    for goal in part.agreement.goals:
        tickets: Mapping[Outcome, Collection[int]] = {}
        if from_row(goal):
            row = next((r for r in rows if r.severity == goal.severity
                        and r.metric == goal.metric), None)
            if row is not None:
                tickets = row_tickets(row)
        elif goal.metric:
            tickets = _goal_tickets(goal, part, read, now, desk)
        found.append(standing_of(goal, part.key, part.name, period, tickets, over))
    return found


def _notes(part: _Vendor, rows: Sequence[ComplianceRow]) -> list[str]:
    notes = []
    changed = sorted({n for row in rows for n in row.severity_changed_numbers})
    if changed:
        keys = ", ".join(incident_key(n) for n in changed)
        notes.append(f"{part.name}: {len(changed)} incident(s) changed severity and are "
                     f"counted under their final severity: {keys}.")
    if any(m.per_update for m in part.agreement.metrics):
        names = ", ".join(m.name for m in part.agreement.metrics if m.per_update)
        notes.append(f"{part.name}: {names} starts again with every customer update; each "
                     "incident counts its latest cycle, as its clock shows it.")
    return notes


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a report is made (then left as it was found).

    A report over 100,000 incidents makes about a million lists and tuples, none of them
    in a cycle, and the collector would walk the survivors again and again (SQLite: 1.82 s
    instead of 2.05, median of 5).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compliance(desk: Desk, period: Period, vendor: str | None = None,
               now: datetime | None = None) -> ComplianceReport:
    """Compliance over ``period`` at ``now`` (default this machine's clock)."""
    with _collector_paused():
        return _compliance(desk, period, vendor, now or desk.now())


def _compliance(desk: Desk, period: Period, vendor: str | None, now: datetime
                ) -> ComplianceReport:
    with desk.reading() as session:
        read = _read(desk, session, period, vendor, now)
    rows: list[ComplianceRow] = []
    goals: list[GoalStanding] = []
    notes: list[str] = []
    breaches: list[tuple[int, float, ZoneInfo]] = []
    for part in read.parts:
        counted = [group.counted for group in part.groups]
        vendor_rows = compliance_rows(part.agreement, period, part.zone, counted,
                                      read.severity_changed)
        rows += vendor_rows
        goals += _standings(part, read, vendor_rows, period, now, desk)
        notes += _notes(part, vendor_rows)
        zone = ZoneInfo(part.zone)
        for group in part.groups:
            if group.counted.outcome is Outcome.BREACHED:
                breaches += zip(group.counted.numbers, read.dues(group), repeat(zone))
        notes += [f"{part.name}: {g.description}: not measured here (the desk records no "
                  "downtime)." for g in part.agreement.goals if not g.metric]
    return ComplianceReport(period, now, tuple(p.key for p in read.parts),
                            {p.key: p.zone for p in read.parts}, tuple(rows), tuple(goals),
                            breach_grid(period, breaches), tuple(notes))


def _by_month(desk: Desk, vendor: str | None, now: datetime
              ) -> dict[Period, list[tuple[str, Agreement]]]:
    """The vendors by the month ``now`` falls in, in each one's zone (the same month for
    all but a few hours a month): one report per month then covers them all."""
    with desk.reading() as session:
        chosen = _vendors(desk, session, vendor)
    months: dict[Period, list[tuple[str, Agreement]]] = {}
    for row, agreement, zone in chosen:
        months.setdefault(Period.month_of(now, ZoneInfo(zone)), []).append(
            (row.vendor_key, agreement))
    return months


def _goals_over(desk: Desk, period: Period, vendors: list[tuple[str, Agreement]],
                every: bool, now: datetime) -> list[GoalStanding]:
    """The goals of ``vendors`` over ``period``: one report for them all when they are
    ``every`` vendor asked for, else one each."""
    if every:
        return list(compliance(desk, period, vendors[0][0] if len(vendors) == 1 else None,
                               now).goals)
    return [goal for key, _ in vendors for goal in compliance(desk, period, key, now).goals]


def goals_now(desk: Desk, vendor: str | None = None, now: datetime | None = None
              ) -> tuple[GoalStanding, ...]:
    """Every aggregate goal as it stands this month (each vendor's month, in its zone)."""
    now = now or desk.now()
    months = _by_month(desk, vendor, now)
    found = [goal for month, vendors in months.items()
             for goal in _goals_over(desk, month, vendors, len(months) == 1, now)]
    return tuple(sorted(found, key=lambda goal: goal.vendor))


def goal_trend(desk: Desk, months: int = 12, vendor: str | None = None,
               now: datetime | None = None) -> tuple[GoalTrend, ...]:
    """Each aggregate goal month by month, the last ``months`` months up to this one."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise InputError(f"a trend covers 1 to {MAX_TREND_MONTHS} months, not {months}")
    now = now or desk.now()
    by_month = _by_month(desk, vendor, now)
    trends = []
    for month, vendors in by_month.items():
        periods = [month]
        for _ in range(months - 1):
            periods.insert(0, periods[0].previous())
        standings = [_goals_over(desk, p, vendors, len(by_month) == 1, now) for p in periods]
        for key, agreement in vendors:
            for goal in agreement.goals:
                trends.append(GoalTrend(key, goal.key, goal.description, goal.percent, tuple(
                    next(g for g in found if g.vendor == key and g.key == goal.key)
                    for found in standings)))
    return tuple(sorted(trends, key=lambda trend: trend.vendor))


def late_time(desk: Desk, period: Period, vendor: str | None = None,
              now: datetime | None = None) -> tuple[LateTime, ...]:
    """Where the time of each vendor's breached targets went over ``period``."""
    now = now or desk.now()
    late: list[tuple[_Vendor, int, datetime, datetime | None, _Target, Calendar]] = []
    with desk.reading() as session:
        read = _read(desk, session, period, vendor, now, goals=False)
        with store.Reading(session, ahead=False) as reading:
            times = store.late_times(reading, [part.window for part in read.parts], now).get()
        for part in read.parts:
            for group in part.groups:
                found = group.target
                if found is None or group.counted.outcome is not Outcome.BREACHED:
                    continue
                at = times.rows_of(read.incident_ids(group), group.counted.metric)
                for number, row in zip(group.counted.numbers, at, strict=True):
                    start = _instant(times.starts[row])
                    if start is not None:
                        late.append((part, number, start, _instant(times.answers[row]), found,
                                     _calendar(desk, found.agreement, found.target.calendar,
                                               times.site_zones[row],
                                               times.site_countries[row])))
        timelines = store.timelines_of(session, [number for _, number, *_ in late])
    found_parts = []
    for part in read.parts:
        shares: dict[str, tuple[float, set[int]]] = {}
        count = 0
        for owner, number, start, answer, target, calendar in late:
            if owner is not part:
                continue
            count += 1
            for label, seconds in late_time_of(timelines[number], target.target, calendar,
                                               start, answer or now).items():
                total, numbers = shares.get(label, (0.0, set()))
                numbers.add(number)
                shares[label] = (total + seconds, numbers)
        found_parts.append(LateTime(part.key, part.name, period, count, tuple(
            LateShare(label, seconds, tuple(sorted(numbers)))
            for label, (seconds, numbers) in sorted(shares.items(), key=lambda i: -i[1][0]))))
    return tuple(found_parts)
