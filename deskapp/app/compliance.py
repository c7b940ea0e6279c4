"""The review use cases: compliance over a period, the goals as they stand this month, their
monthly trend, and where the time of breached targets went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Agreement, Goal, Target
from deskapp.core.calendar import Calendar
from deskapp.core.compliance import (
    ComplianceRow,
    Outcome,
    Period,
    TargetRecord,
    breach_grid,
    compliance_rows,
    outcome,
    time_to_target,
    vendor_zone,
)
from deskapp.core.errors import InputError
from deskapp.core.goals import (
    GoalStanding,
    GoalTrend,
    from_row,
    goal_due,
    goal_outcome,
    row_tickets,
    standing,
)
from deskapp.core.keys import incident_key
from deskapp.core.review import ComplianceReport, LateShare, LateTime, late_time_of
from deskapp.core.sla import Site
from deskapp.storage import catalog
from deskapp.storage import compliance as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.app.desk import Desk

MAX_TREND_MONTHS = 120


@dataclass
class _Vendor:
    """One vendor's part of a report as read: its agreement now, zone and records."""

    key: str
    name: str
    vendor_id: int
    agreement: Agreement
    zone: str
    records: list[TargetRecord]
    # Per record: its target and calendar under the agreement the incident is pinned to,
    # and the incident's site (for a goal's own calendar).
    targets: list[tuple[Target, Calendar, Site, Agreement] | None]


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


def _read(desk: Desk, session: Session, period: Period, vendor: str | None
          ) -> list[_Vendor]:
    chosen = _vendors(desk, session, vendor)
    windows = [store.Window(row.vendor_id, period.start(ZoneInfo(zone)),
                            period.end(ZoneInfo(zone))) for row, _, zone in chosen]
    by_vendor = {row.vendor_id: _Vendor(row.vendor_key, row.vendor_name, row.vendor_id,
                                        agreement, zone, [], [])
                 for row, agreement, zone in chosen}
    looked_up: dict[tuple[int, str, str | None, str | None],
                    dict[str, tuple[Target, Calendar, Site, Agreement]]] = {}
    book = desk.sla.book
    for row in store.clock_rows(session, windows):
        place = (row.agreement_version_id, row.severity, row.site_zone, row.site_country)
        targets = looked_up.get(place)
        if targets is None:
            pinned = desk.parsed.get(session, row.agreement_version_id)
            site = desk.sla.site(row.site_zone, row.site_country)
            targets = looked_up[place] = {
                target.metric: (target, calendar, site, pinned)
                for target, calendar in book.targets(pinned, row.severity, site)}
        found = targets.get(row.metric)
        taken = None
        if found is not None and row.met_at is not None and row.clock_start is not None:
            taken = time_to_target(found[0], found[1], row.clock_start, row.met_at,
                                   row.paused_seconds)
        part = by_vendor[row.vendor_id]
        part.records.append(TargetRecord(
            row.number, part.key, row.severity, row.metric, row.tier, row.reported_at,
            row.clock_start, row.due_at, row.met_at, row.paused_since is not None,
            row.paused_seconds, taken, row.severity_changed))
        part.targets.append(found)
    return list(by_vendor.values())


def _goal_tickets(goal: Goal, part: _Vendor, now: datetime, desk: Desk
                  ) -> list[tuple[int, Outcome]]:
    """The tickets of a goal the report's rows do not hold (a tier, or a time of its own)."""
    tickets = []
    for record, found in zip(part.records, part.targets, strict=True):
        if record.metric != goal.metric or found is None:
            continue
        if goal.severity is not None and record.severity != goal.severity:
            continue
        target, calendar, site, pinned = found
        due = record.due
        if goal.within is not None and record.clock_start is not None:
            spec = pinned.calendars.get(goal.within[2])
            own = desk.sla.book.calendar(spec, site) if spec is not None else calendar
            due = goal_due(goal, target, own, record.clock_start, record.paused_seconds)
        tickets.append((record.number, goal_outcome(goal, record.tier, due, record.met_at,
                                                    record.paused, now)))
    return tickets


def _standings(part: _Vendor, rows: Sequence[ComplianceRow], period: Period, now: datetime,
               desk: Desk) -> list[GoalStanding]:
    over = now >= period.end(ZoneInfo(part.zone))
    found = []
    for goal in part.agreement.goals:
        if from_row(goal):
            row = next((r for r in rows if r.severity == goal.severity
                        and r.metric == goal.metric), None)
            tickets = row_tickets(row) if row is not None else []
        else:
            tickets = _goal_tickets(goal, part, now, desk) if goal.metric else []
        found.append(standing(goal, part.key, part.name, period, tickets, over))
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


def compliance(desk: Desk, period: Period, vendor: str | None = None,
               now: datetime | None = None) -> ComplianceReport:
    """Compliance over ``period`` at ``now`` (default this machine's clock)."""
    now = now or desk.now()
    with desk.reading() as session:
        parts = _read(desk, session, period, vendor)
    rows: list[ComplianceRow] = []
    goals: list[GoalStanding] = []
    notes: list[str] = []
    breaches = []
    for part in parts:
        vendor_rows = compliance_rows(part.agreement, period, part.zone, part.records, now)
        rows += vendor_rows
        goals += _standings(part, vendor_rows, period, now, desk)
        notes += _notes(part, vendor_rows)
        zone = ZoneInfo(part.zone)
        breaches += [(r.number, r.due, zone) for r in part.records if r.due is not None
                     and outcome(r.due, r.met_at, r.paused, now) is Outcome.BREACHED]
        notes += [f"{part.name}: {g.description}: not measured here (the desk records no "
                  "downtime)." for g in part.agreement.goals if not g.metric]
    return ComplianceReport(period, now, tuple(p.key for p in parts),
                            {p.key: p.zone for p in parts}, tuple(rows), tuple(goals),
                            breach_grid(period, breaches), tuple(notes))


def goals_now(desk: Desk, vendor: str | None = None, now: datetime | None = None
              ) -> tuple[GoalStanding, ...]:
    """Every aggregate goal as it stands this month (each vendor's month, in its zone)."""
    now = now or desk.now()
    found: list[GoalStanding] = []
    with desk.reading() as session:
        chosen = _vendors(desk, session, vendor)
    for row, _, zone in chosen:
        month = Period.month_of(now, ZoneInfo(zone))
        found += compliance(desk, month, row.vendor_key, now).goals
    return tuple(found)


def goal_trend(desk: Desk, months: int = 12, vendor: str | None = None,
               now: datetime | None = None) -> tuple[GoalTrend, ...]:
    """Each aggregate goal month by month, the last ``months`` months up to this one."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise InputError(f"a trend covers 1 to {MAX_TREND_MONTHS} months, not {months}")
    now = now or desk.now()
    with desk.reading() as session:
        chosen = _vendors(desk, session, vendor)
    trends = []
    for row, agreement, zone in chosen:
        period = Period.month_of(now, ZoneInfo(zone))
        periods = [period]
        for _ in range(months - 1):
            periods.insert(0, periods[0].previous())
        standings = [compliance(desk, p, row.vendor_key, now).goals for p in periods]
        for index, goal in enumerate(agreement.goals):
            trends.append(GoalTrend(row.vendor_key, goal.key, goal.description, goal.percent,
                                    tuple(month[index] for month in standings)))
    return tuple(trends)


def late_time(desk: Desk, period: Period, vendor: str | None = None,
              now: datetime | None = None) -> tuple[LateTime, ...]:
    """Where the time of each vendor's breached targets went over ``period``."""
    now = now or desk.now()
    with desk.reading() as session:
        parts = _read(desk, session, period, vendor)
        late = [(part, record, found) for part in parts
                for record, found in zip(part.records, part.targets, strict=True)
                if found is not None and record.clock_start is not None
                and outcome(record.due, record.met_at, record.paused, now)
                is Outcome.BREACHED]
        timelines = store.timelines_of(session, [record.number for _, record, _ in late])
    found = []
    for part in parts:
        shares: dict[str, tuple[float, set[int]]] = {}
        count = 0
        for owner, record, target in late:
            if owner is not part or target is None or record.clock_start is None:
                continue
            count += 1
            end = record.met_at or now
            for label, seconds in late_time_of(timelines[record.number], target[0], target[1],
                                               record.clock_start, end).items():
                total, numbers = shares.get(label, (0.0, set()))
                numbers.add(record.number)
                shares[label] = (total + seconds, numbers)
        found.append(LateTime(part.key, part.name, period, count, tuple(
            LateShare(label, seconds, tuple(sorted(numbers)))
            for label, (seconds, numbers) in sorted(shares.items(), key=lambda i: -i[1][0]))))
    return tuple(found)
