"""An agreement's aggregate goals as live figures: where each stands in a period, how many more
misses it can take, said honestly when there are few tickets."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from deskapp.core.agreement import Goal, Target, Unit
from deskapp.core.calendar import Calendar
from deskapp.core.compliance import ComplianceRow, Outcome, Outcomes, Period
from deskapp.core.sla import add_target_time_ts
from deskapp.core.wording import plural


class GoalState(StrEnum):
    NO_TICKETS = "no tickets"
    ON_TRACK = "on track"
    NO_MISS_LEFT = "no miss left"  # the next miss fails it
    BELOW = "below goal"  # failing so far; more tickets met later may lift it
    MET = "met"  # the period is over and every ticket counted
    FAILED = "failed"
    NOT_MEASURED = "not measured"  # availability: the desk records no downtime


@dataclass(frozen=True)
class GoalStanding(Outcomes):
    """One aggregate goal over one period, with the incidents behind each figure."""

    vendor: str
    vendor_name: str
    key: str
    description: str
    percent: float
    period: Period
    state: GoalState
    met_numbers: tuple[int, ...] = ()
    breached_numbers: tuple[int, ...] = ()
    running_numbers: tuple[int, ...] = ()
    pending_numbers: tuple[int, ...] = ()
    misses_allowed: int | None = None  # of the tickets so far, how many may be missed
    misses_left: int | None = None  # more misses the tickets so far can take (< 0: below)
    tickets_for_one_miss: int | None = None  # below this many, the first miss fails it
    wording: str = ""  # where it stands, in a sentence

    @property
    def tickets(self) -> int:
        return self.logged

    @property
    def running(self) -> int:
        """Not yet counted: running, and not started."""
        return len(self.running_numbers) + len(self.pending_numbers)


def measured(goal: Goal) -> bool:
    """Whether the desk's incidents measure the goal (availability they do not)."""
    return goal.metric is not None and goal.max_downtime_minutes is None


def from_row(goal: Goal) -> bool:
    """Whether the goal is the share of one severity's target met (a row of the report),
    rather than a share the report derives (a tier, or a time of the goal's own)."""
    return (measured(goal) and goal.severity is not None and goal.tier is None
            and goal.within is None)


def goal_target(goal: Goal, target: Target) -> Target:
    """The target a goal with a time of its own ("within 1 business day of logging") counts
    a ticket against: that time, in the goal's calendar, pausable as the ticket's target."""
    assert goal.within is not None
    amount, unit, calendar_key = goal.within
    return Target(target.metric, target.severity, unit, amount, calendar_key, target.pausable,
                  None)


def goal_due(own: Target, calendar: Calendar, clock_start: float, paused_seconds: float
             ) -> float:
    """When a ticket is due under ``own`` (``goal_target``), counted like a target's own due
    time from its clock start, closed pauses added when it is pausable; ``calendar`` is the
    goal's. UTC timestamps: a report counts thousands."""
    assert own.amount is not None
    due = add_target_time_ts(own, calendar, clock_start, own.amount)
    if own.pausable and paused_seconds > 0:
        due = (due + paused_seconds if own.unit is Unit.CALENDAR_HOURS
               else calendar.add_seconds_ts(due, paused_seconds))
    return due


def goal_outcome(goal: Goal, tier: str, found: Outcome) -> Outcome:
    """A ticket under a goal, ``found`` as its time alone counts it: under a goal that names
    a tier, met only when answered in time at that tier (the tier that resolved it); one
    answered at another tier is missed."""
    if found is Outcome.MET and goal.tier is not None and tier != goal.tier:
        return Outcome.BREACHED
    return found


def standing(goal: Goal, vendor: str, vendor_name: str, period: Period,
             tickets: Iterable[tuple[int, Outcome]], over: bool) -> GoalStanding:
    """Where ``goal`` stands with ``tickets`` (incident number, outcome) so far; ``over``:
    the period has ended."""
    by: dict[Outcome, list[int]] = {which: [] for which in Outcome}
    for number, which in tickets:
        by[which].append(number)
    return standing_of(goal, vendor, vendor_name, period, by, over)


def standing_of(goal: Goal, vendor: str, vendor_name: str, period: Period,
                numbers: Mapping[Outcome, Collection[int]], over: bool) -> GoalStanding:
    """``standing`` with the tickets' incident numbers by outcome (an outcome missing: none)."""
    if not measured(goal):
        return GoalStanding(vendor, vendor_name, goal.key, goal.description, goal.percent,
                            period, GoalState.NOT_MEASURED,
                            wording="Not measured here: the desk records no downtime.")
    by = {which: tuple(sorted(numbers.get(which, ()))) for which in Outcome}
    met, breached = len(by[Outcome.MET]), len(by[Outcome.BREACHED])
    open_ = len(by[Outcome.RUNNING]) + len(by[Outcome.PENDING])
    total = met + breached + open_
    share = Fraction(str(goal.percent)) / 100
    allowed = math.floor(total * (1 - share))
    left = allowed - breached
    one_miss = math.ceil(1 / (1 - share)) if share < 1 else None
    if total == 0:
        state = GoalState.NO_TICKETS
    elif over and open_ == 0:
        state = GoalState.MET if met >= share * (met + breached) else GoalState.FAILED
    elif left < 0:
        state = GoalState.BELOW
    elif left == 0:
        state = GoalState.NO_MISS_LEFT
    else:
        state = GoalState.ON_TRACK
    result = GoalStanding(
        vendor, vendor_name, goal.key, goal.description, goal.percent, period, state,
        met_numbers=by[Outcome.MET], breached_numbers=by[Outcome.BREACHED],
        running_numbers=by[Outcome.RUNNING], pending_numbers=by[Outcome.PENDING],
        misses_allowed=allowed, misses_left=left, tickets_for_one_miss=one_miss)
    return _with_wording(result, share)


def _with_wording(found: GoalStanding, share: Fraction) -> GoalStanding:
    goal = f"goal of {found.percent:g} %"
    met, breached, total = found.met, found.breached, found.tickets
    open_ = found.running
    one_miss = found.tickets_for_one_miss
    if found.state is GoalState.NO_TICKETS:
        text = "No tickets yet."
        if one_miss is not None and one_miss > 1:
            text += f" Below {one_miss} tickets, a {goal} fails on its first miss."
        return _worded(found, text)
    counts = f"{met} met, {breached} missed"
    if open_:
        counts += f", {open_} still running"
    counts += f" of {plural(total, 'ticket')}"
    if found.state is GoalState.MET:
        return _worded(found, f"{counts}: goal met ({found.achievement:.1f} %).")
    if found.state is GoalState.FAILED:
        return _worded(found, f"{counts}: goal failed ({found.achievement:.1f} %).")
    if one_miss is None:
        allowance = f"a {goal} allows no miss"
    else:
        allowance = (f"a {goal} allows {plural(found.misses_allowed or 0, 'miss', 'misses')}"
                     f" of {total}")
    if found.state is GoalState.BELOW:
        # How many more tickets met in time would bring it back within the goal.
        needed = math.ceil(breached / (1 - share)) - total if share < 1 else None
        text = f"{counts}: below the goal ({allowance})"
        text += (f"; {plural(needed, 'more ticket')} met in time would bring it back."
                 if needed is not None else "; it cannot be met this period.")
        return _worded(found, text)
    if found.state is GoalState.NO_MISS_LEFT:
        text = f"{counts}: the next miss fails the goal ({allowance})."
    else:
        more = plural(found.misses_left or 0, "more miss", "more misses")
        text = f"{counts}: it can take {more} ({allowance})."
    if one_miss is not None and total < one_miss:
        text += (f" Only {plural(total, 'ticket')} so far: below {one_miss} tickets, a {goal} "
                 "fails on its first miss.")
    return _worded(found, text)


def _worded(found: GoalStanding, text: str) -> GoalStanding:
    return replace(found, wording=text)


def row_tickets(row: ComplianceRow) -> dict[Outcome, tuple[int, ...]]:
    """The tickets of a report row by outcome, as a goal counts them (``standing_of``)."""
    return {Outcome.MET: row.met_numbers, Outcome.BREACHED: row.breached_numbers,
            Outcome.RUNNING: row.running_numbers, Outcome.PENDING: row.pending_numbers}


@dataclass(frozen=True)
class GoalTrend:
    """One goal month by month, oldest first (a month with no tickets included)."""

    vendor: str
    key: str
    description: str
    percent: float
    months: tuple[GoalStanding, ...]
