"""Compliance with an agreement's targets over a period: per vendor, severity and target, how
many were met, breached or are still running, against the agreement's goals."""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import chain
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from deskapp.core.agreement import SITE, Agreement
from deskapp.core.clocks import ClockState
from deskapp.core.errors import InputError
from deskapp.core.keys import incident_key

# ----- the period -------------------------------------------------------------------------

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` to ``last`` (both included), read in each vendor's own zone: the
    same period starts at a different instant for a vendor in Singapore than in New York."""

    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise InputError(f"there is no month {month}; months run from 1 to 12")
        if not 1 <= year <= 9998:
            raise InputError(f"the year {year} is out of range")
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(date(year, month, 1), after - timedelta(days=1))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """``2026-11``: November 2026."""
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            raise InputError(f"{text!r} is not a month; expected one like 2026-11")
        return cls.month(int(found[1]), int(found[2]))

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        if last < first:
            raise InputError(f"the period ends ({last}) before it starts ({first})")
        return cls(first, last)

    @classmethod
    def month_of(cls, moment: datetime, zone: ZoneInfo) -> Period:
        """The month ``moment`` falls in, in ``zone``."""
        local = moment.astimezone(zone)
        return cls.month(local.year, local.month)

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and self == Period.month(self.first.year, self.first.month)

    @property
    def label(self) -> str:
        """``2026-11`` for a month, else ``2026-11-03 to 2026-11-20``."""
        if self.is_month:
            return f"{self.first:%Y-%m}"
        return f"{self.first} to {self.last}"

    def start(self, zone: ZoneInfo) -> datetime:
        """The first instant of the period in ``zone``, in UTC."""
        return datetime.combine(self.first, time(0), zone).astimezone(UTC)

    def end(self, zone: ZoneInfo) -> datetime:
        """The first instant after the period in ``zone``, in UTC."""
        return datetime.combine(self.last + timedelta(days=1), time(0), zone).astimezone(UTC)

    def previous(self) -> Period:
        """The month before (of a month); the same number of days before (of any range)."""
        if self.is_month:
            before = self.first - timedelta(days=1)
            return Period.month(before.year, before.month)
        length = self.last - self.first + timedelta(days=1)
        return Period(self.first - length, self.last - length)


def vendor_zone(agreement: Agreement, office_zone: str) -> str:
    """The zone a vendor's periods are read in: that of the agreement's first calendar that
    does not follow the client site (Catapult's tier 3 in Chicago, not its sites), else the
    office's."""
    for spec in agreement.calendars.values():
        if spec.zone != SITE:
            return spec.zone
    return office_zone


# ----- one target of one incident ---------------------------------------------------------


class Outcome(StrEnum):
    MET = "met"
    BREACHED = "breached"  # answered late, or past due and still unanswered
    RUNNING = "running"  # not yet due (paused ones too): neither met nor missed yet
    PENDING = "pending"  # its clock has not started (documents, or no due date agreed)


class Outcomes:
    """The figures of a set of targets by outcome, from the incident numbers behind each (a
    compliance row, a goal): met and breached are counted, running and pending shown apart."""

    met_numbers: tuple[int, ...]
    breached_numbers: tuple[int, ...]
    running_numbers: tuple[int, ...]
    pending_numbers: tuple[int, ...]

    @property
    def logged(self) -> int:
        return (len(self.met_numbers) + len(self.breached_numbers) + len(self.running_numbers)
                + len(self.pending_numbers))

    @property
    def met(self) -> int:
        return len(self.met_numbers)

    @property
    def breached(self) -> int:
        return len(self.breached_numbers)

    @property
    def achievement(self) -> float | None:
        """Percent met of those met or breached; None when none is either yet."""
        counted = self.met + self.breached
        return 100.0 * self.met / counted if counted else None

    def keys(self, which: Outcome) -> tuple[str, ...]:
        """The keys of the incidents behind one outcome's figure."""
        numbers = {Outcome.MET: self.met_numbers, Outcome.BREACHED: self.breached_numbers,
                   Outcome.RUNNING: self.running_numbers,
                   Outcome.PENDING: self.pending_numbers}[which]
        return tuple(incident_key(number) for number in numbers)


Instant = TypeVar("Instant", datetime, float)  # or a UTC timestamp


def outcome(due: Instant | None, met_at: Instant | None, paused: bool, now: Instant
            ) -> Outcome:
    """What a target's clock counts as at ``now``; as ``TargetClock.at(now)`` reads it.

    A running target already past its due time is missed: it can no longer be met. A paused
    one is not: its due time moves on while the pause lasts.
    """
    if due is None:
        return Outcome.PENDING
    if met_at is not None:
        return Outcome.MET if met_at <= due else Outcome.BREACHED
    if paused or now < due:
        return Outcome.RUNNING
    return Outcome.BREACHED


RUNNING_PAST_DUE = "running past due"
"""A cached clock's state as read at an instant: running, and its due time has passed."""


def outcome_of_state(state: str) -> Outcome:
    """What a cached clock's state (or ``RUNNING_PAST_DUE``) counts as: ``outcome`` for a
    clock read from the cache."""
    if state == RUNNING_PAST_DUE:
        return Outcome.BREACHED
    if state in (ClockState.RUNNING, ClockState.PAUSED):
        return Outcome.RUNNING
    return Outcome(state)


class ClockGroup(NamedTuple):
    """Clocks of incidents logged in the period that count alike: one vendor, severity (the
    incident's severity now: it is counted under its final one), target, tier and outcome."""

    vendor: str
    severity: str
    metric: str
    tier: str  # the incident's tier now (a resolved one's: the tier that resolved it)
    outcome: Outcome
    numbers: list[int]
    taken: list[float]  # ``times_to_target`` of the answered ones


# ----- the report -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow(Outcomes):
    """One vendor x severity x target over a period.

    Incident numbers per outcome (``incident_key`` makes the keys): every figure names the
    incidents behind it. Running and pending targets are shown apart and never counted as met
    or missed; the achievement is met / (met + breached).
    """

    vendor: str
    vendor_name: str
    severity: str
    metric: str
    metric_name: str
    target: str  # "4 business hours"
    period: Period
    zone: str  # the vendor's zone the period is read in
    met_numbers: tuple[int, ...]
    breached_numbers: tuple[int, ...]
    running_numbers: tuple[int, ...]
    pending_numbers: tuple[int, ...]
    severity_changed_numbers: tuple[int, ...]  # counted here, under their final severity
    median_seconds: float | None  # time to target of the answered ones, in the target's time
    p90_seconds: float | None  # 90th percentile (nearest rank)
    goal_key: str | None = None  # the agreement's goal for this severity and target
    goal_percent: float | None = None

    @property
    def running(self) -> int:
        return len(self.running_numbers)

    @property
    def pending(self) -> int:
        return len(self.pending_numbers)

    @property
    def difference(self) -> float | None:
        """Achievement minus the goal, in percentage points."""
        if self.achievement is None or self.goal_percent is None:
            return None
        return self.achievement - self.goal_percent


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted ``values`` (``share`` 0.5 is the median's rank
    rule too: the lower middle of an even count)."""
    if not values:
        return None
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def median(values: Sequence[float]) -> float | None:
    """The median of sorted ``values`` (the mean of the two middle ones of an even count)."""
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def compliance_rows(agreement: Agreement, period: Period, zone: str,
                    groups: Iterable[ClockGroup], severity_changed: Container[int]
                    ) -> list[ComplianceRow]:
    """The rows of one vendor: one per severity and target of its agreement, in the
    agreement's order (those with no incident included, so an empty month still lists what
    it covers); ``severity_changed``: the incidents whose severity changed."""
    buckets: dict[tuple[str, str], dict[Outcome, list[int]]] = {
        (t.severity, t.metric): {} for t in agreement.targets}
    taken: dict[tuple[str, str], list[float]] = {}
    for group in groups:
        key = (group.severity, group.metric)
        # A target the current agreement no longer has gets a row of its own.
        buckets.setdefault(key, {}).setdefault(group.outcome, []).extend(group.numbers)
        taken.setdefault(key, []).extend(group.taken)
    goals = {(g.severity, g.metric): g for g in agreement.goals
             if g.severity is not None and g.metric is not None and g.tier is None
             and g.within is None}
    metric_names = {m.key: m.name for m in agreement.metrics}
    targets = {(t.severity, t.metric): t for t in agreement.targets}
    rows = []
    for (severity, metric), by in buckets.items():
        times = sorted(taken.get((severity, metric), ()))
        goal = goals.get((severity, metric))
        target = targets.get((severity, metric))
        numbers = {which: tuple(sorted(by.get(which, ()))) for which in Outcome}
        rows.append(ComplianceRow(
            vendor=agreement.vendor, vendor_name=agreement.name, severity=severity,
            metric=metric, metric_name=metric_names.get(metric, metric),
            target=target.describe() if target is not None else "no longer in the agreement",
            period=period, zone=zone,
            met_numbers=numbers[Outcome.MET], breached_numbers=numbers[Outcome.BREACHED],
            running_numbers=numbers[Outcome.RUNNING], pending_numbers=numbers[Outcome.PENDING],
            severity_changed_numbers=tuple(sorted(filter(
                severity_changed.__contains__, chain.from_iterable(numbers.values())))),
            median_seconds=median(times), p90_seconds=percentile(times, 0.9),
            goal_key=goal.key if goal else None, goal_percent=goal.percent if goal else None))
    return rows


# ----- breaches by weekday and hour -------------------------------------------------------


@dataclass(frozen=True)
class BreachGrid:
    """Breaches by the weekday (Monday 0) and hour their due time fell on, in each vendor's
    own zone: ``counts[weekday][hour]``; ``numbers[(weekday, hour)]`` the incidents."""

    period: Period
    counts: tuple[tuple[int, ...], ...]
    numbers: dict[tuple[int, int], tuple[int, ...]]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


def breach_grid(period: Period, breaches: Iterable[tuple[int, float, ZoneInfo]]
                ) -> BreachGrid:
    """The grid of ``breaches``: (incident number, due time as a UTC timestamp, the vendor's
    zone) each; a report has tens of thousands."""
    cells: dict[tuple[int, int], list[int]] = {}
    for number, due, zone in breaches:
        local = datetime.fromtimestamp(due, zone)
        cells.setdefault((local.weekday(), local.hour), []).append(number)
    counts = tuple(tuple(len(cells.get((day, hour), ())) for hour in range(24))
                   for day in range(7))
    return BreachGrid(period, counts,
                      {cell: tuple(sorted(numbers)) for cell, numbers in sorted(cells.items())})
