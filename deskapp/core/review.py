"""A team lead's review of a period: the compliance rows, the goals, the breaches by weekday
and hour, and where the time of the breached targets went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

from deskapp.core.agreement import Target, Unit
from deskapp.core.calendar import Calendar, HolidayKind
from deskapp.core.clocks import read_timeline
from deskapp.core.compliance import BreachGrid, ComplianceRow, Period
from deskapp.core.goals import GoalStanding
from deskapp.core.lifecycle import Event, EventKind


@dataclass(frozen=True)
class ComplianceReport:
    """Compliance over a period at ``now``: every vendor's rows (or one vendor's), their
    goals, and the breaches by weekday and hour. Each figure carries its incidents' numbers.

    ``notes`` say what a reader needs to read the figures right (incidents counted under a
    severity they did not start with, goals the desk cannot measure).
    """

    period: Period
    now: datetime
    vendors: tuple[str, ...]  # vendor keys covered, in order
    zones: dict[str, str]  # vendor key: the zone its period is read in
    rows: tuple[ComplianceRow, ...]
    goals: tuple[GoalStanding, ...]
    grid: BreachGrid
    notes: tuple[str, ...] = ()

    def rows_of(self, vendor: str) -> tuple[ComplianceRow, ...]:
        return tuple(row for row in self.rows if row.vendor == vendor)

    def goals_of(self, vendor: str) -> tuple[GoalStanding, ...]:
        return tuple(goal for goal in self.goals if goal.vendor == vendor)

    @property
    def logged(self) -> int:
        """Incidents logged in the period (each counted once, whatever its targets)."""
        return len({n for row in self.rows for n in (
            *row.met_numbers, *row.breached_numbers, *row.running_numbers,
            *row.pending_numbers)})


# ----- where the time of breached targets went -------------------------------------------

WAITING = "waiting on the customer"  # counted: the target does not pause
PAUSED = "paused (waiting on the customer)"  # not counted: the target pauses
HOLIDAY = "limited-staff holiday"


@dataclass(frozen=True)
class LateShare:
    """Part of the breached targets' time: its label, business seconds and incidents."""

    label: str
    seconds: float
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class LateTime:
    """Where the time of one vendor's breached targets went, from each clock's start to its
    answer (or ``now`` when still unanswered), in each target's own business time: waiting
    on the customer (counted, or paused), on limited-staff holidays, and in each tier (the
    rest, by the tier that held the incident)."""

    vendor: str
    vendor_name: str
    period: Period
    breached: int  # breached targets looked at
    shares: tuple[LateShare, ...]

    @property
    def total_seconds(self) -> float:
        return sum(share.seconds for share in self.shares)


def _tier_spans(events: Sequence[Event]) -> list[tuple[datetime, str]]:
    """When each tier began to hold the incident."""
    created = events[0]
    spans = [(created.at, created.data.get("tier", ""))]
    for event in events:
        if event.kind is EventKind.TIER_CHANGED:
            spans.append((event.at, event.data["tier"]))
    return spans


def _holiday_seconds(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Open time between the instants that falls on limited-staff holidays."""
    if calendar.rules.holiday_kind is not HolidayKind.LIMITED or end <= start:
        return 0.0
    zone = calendar.zone
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        holiday = calendar.holiday_on(day)
        if holiday is not None and holiday.kind is HolidayKind.LIMITED:
            opens = datetime.combine(day, time(0), zone).astimezone(UTC)
            closes = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
            low, high = max(start, opens), min(end, closes)
            if low < high:
                total += calendar.business_seconds_between(low, high)
        day += timedelta(days=1)
    return total


def late_time_of(events: Sequence[Event], target: Target, calendar: Calendar,
                 start: datetime, end: datetime) -> dict[str, float]:
    """Where one target's time went from ``start`` to ``end``, by label (seconds)."""
    timeline = read_timeline(events)

    def span(low: datetime, high: datetime) -> float:
        if high <= low:
            return 0.0
        if target.unit is Unit.CALENDAR_HOURS:
            return (high - low).total_seconds()
        return calendar.business_seconds_between(low, high)

    # Cut the run into pieces at every tier change and pause edge, each piece with its tier
    # and whether the desk was waiting on the customer.
    cuts = {start, end}
    for moment, _ in _tier_spans(events):
        if start < moment < end:
            cuts.add(moment)
    for low, high in timeline.pauses:
        if start < low < end:
            cuts.add(low)
        if high is not None and start < high < end:
            cuts.add(high)
    edges = sorted(cuts)
    tiers = _tier_spans(events)
    shares: dict[str, float] = {}
    for low, high in pairwise(edges):
        waiting = any(p_low <= low and (p_high is None or high <= p_high)
                      for p_low, p_high in timeline.pauses)
        seconds = span(low, high)
        if not seconds:
            continue
        if waiting:
            label = PAUSED if target.pausable else WAITING
        else:
            holiday = (_holiday_seconds(calendar, low, high)
                       if target.unit is not Unit.CALENDAR_HOURS else 0.0)
            if holiday:
                shares[HOLIDAY] = shares.get(HOLIDAY, 0.0) + holiday
                seconds -= holiday
            tier = next((t for moment, t in reversed(tiers) if moment <= low), tiers[0][1])
            label = f"tier {tier}"
        if seconds:
            shares[label] = shares.get(label, 0.0) + seconds
    return shares
