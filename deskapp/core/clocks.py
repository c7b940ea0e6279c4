"""SLA clocks from an incident's timeline: each target's start, pauses, due time and state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from deskapp.core.agreement import Agreement, ClockStart, Target, Unit
from deskapp.core.calendar import Calendar
from deskapp.core.lifecycle import Event, EventKind, Status
from deskapp.core.sla import (
    CalendarBook,
    Site,
    add_target_time,
    target_time_between,
    time_left,
)


class ClockState(StrEnum):
    PENDING = "pending"  # the clock has not started (or no due date is agreed yet)
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


_PAUSING = next(status.value for status in Status if status.pauses)
_STATUS_CHANGED = EventKind.STATUS_CHANGED
_SEVERITY_CHANGED = EventKind.SEVERITY_CHANGED
_DOCUMENTATION_COMPLETE = EventKind.DOCUMENTATION_COMPLETE
_DUE_DATE_AGREED = EventKind.DUE_DATE_AGREED
_CUSTOMER_UPDATE = EventKind.CUSTOMER_UPDATE
_RESOLVED = EventKind.RESOLVED
_WORKAROUND_PROVIDED = EventKind.WORKAROUND_PROVIDED
_REOPENED = EventKind.REOPENED
# Replies and resolutions (a resolution answers the customer) meet the response target and
# close a response cycle; workarounds and resolutions the workaround target; the last
# resolution (unless reopened since) the resolution target.
_REPLIES = (EventKind.RESPONSE_SENT, EventKind.VENDOR_RESPONSE)
# Events that move the incident to a status that is not a pause.
_LEAVES_PAUSE = (_WORKAROUND_PROVIDED, _RESOLVED, EventKind.CLOSED, _REOPENED)
# Every kind of event the clocks read. The others (comments, assignments, tier changes,
# edited fields) leave every clock as it was, so a bulk recomputation need not read them.
CLOCK_EVENTS = frozenset({
    EventKind.CREATED, _STATUS_CHANGED, _SEVERITY_CHANGED, _DOCUMENTATION_COMPLETE,
    _DUE_DATE_AGREED, _CUSTOMER_UPDATE, *_LEAVES_PAUSE, *_REPLIES})
# The details the clocks read, and the kinds of event they read each from.
CLOCK_DETAILS = {
    "severity": (EventKind.CREATED, _SEVERITY_CHANGED),
    "status": (EventKind.CREATED, _STATUS_CHANGED),
    "due": (_DUE_DATE_AGREED,),
}


@dataclass(frozen=True)
class TargetClock:
    """One target's clock as the events leave it; ``at(now)`` reads it at an instant.

    Apart from an open pause, nothing here depends on the time it is read, so it can be
    cached and compared with a fresh computation.
    """

    metric: str
    target: Target
    calendar: Calendar
    clock_start: datetime | None
    due: datetime | None  # with every closed pause added; None while pending
    warning_at: datetime | None
    met_at: datetime | None
    paused_since: datetime | None  # an open pause
    paused_seconds: float  # business time of the closed pauses
    cycles: int  # response cycles opened (per-update targets), else 1 once started
    note: str = ""  # why a clock is pending

    def due_at(self, now: datetime) -> datetime | None:
        """The due time at ``now``: an open pause keeps pushing it."""
        if self.due is None or self.paused_since is None:
            return self.due
        return _add(self.target, self.calendar, self.due, self._span(self.paused_since, now))

    def warning_point(self, now: datetime) -> datetime | None:
        """The warning point at ``now``: it moves with the due time, by the same business
        time, while a pause is open."""
        if self.warning_at is None or self.paused_since is None:
            return self.warning_at
        return _add(self.target, self.calendar, self.warning_at,
                    self._span(self.paused_since, now))

    def at(self, now: datetime) -> TargetState:
        paused = self.paused_seconds
        if self.due is None:
            return TargetState(self, ClockState.PENDING, None, None, paused, False, None)
        if self.met_at is not None:
            left = time_left(self.target, self.calendar, self.due, self.met_at)
            state = ClockState.MET if self.met_at <= self.due else ClockState.BREACHED
            return TargetState(self, state, self.due, left, paused, False, self.warning_at,
                               self.met_at)
        if self.paused_since is not None:
            span = self._span(self.paused_since, now)
            due = _add(self.target, self.calendar, self.due, span)
            warning_at = (_add(self.target, self.calendar, self.warning_at, span)
                          if self.warning_at is not None else None)
            # A paused countdown does not move: what was left when the pause began. Its
            # warning point moves on with the due time, so a pause that began before the
            # warning point keeps the countdown out of warning.
            left = time_left(self.target, self.calendar, self.due, self.paused_since)
            return TargetState(self, ClockState.PAUSED, due, left, paused + span,
                               _warns(warning_at, now), warning_at, self.paused_since)
        left = time_left(self.target, self.calendar, self.due, now)
        state = ClockState.BREACHED if now >= self.due else ClockState.RUNNING
        return TargetState(self, state, self.due, left, paused, _warns(self.warning_at, now),
                           self.warning_at, now)

    @property
    def time_to_target(self) -> float | None:
        """Its time from the clock start to the answer, closed pauses left out, in the
        target's own time (business seconds; elapsed seconds for a target in calendar
        hours); None until it is answered. What a compliance report's median is of."""
        if self.due is None or self.clock_start is None or self.met_at is None:
            return None
        return max(self._span(self.clock_start, self.met_at) - self.paused_seconds, 0.0)

    def _span(self, start: datetime, end: datetime) -> float:
        return target_time_between(self.target, self.calendar, start, end)


@dataclass(frozen=True, slots=True)
class TargetState:
    """A target at one instant: what the countdown shows."""

    clock: TargetClock
    state: ClockState
    due: datetime | None
    left_seconds: float | None  # business time left; negative once overdue; at met_at if met
    paused_seconds: float
    warning: bool  # past the warning point and still open
    warning_at: datetime | None  # the warning point, moved by the pauses up to the instant
    # ``left_seconds`` is the target time from this instant (the instant asked, the pause's
    # start, or when it was met) to the clock's own due time.
    counted_from: datetime | None = None

    @property
    def metric(self) -> str:
        return self.clock.metric


def _warns(warning_at: datetime | None, now: datetime) -> bool:
    return warning_at is not None and now >= warning_at


def _warning_time(target: Target, calendar: Calendar, start: datetime, after: float,
                  due: datetime) -> datetime:
    """When the countdown turns to a warning, ``after`` target units from ``start``; ``due``
    is the unpaused due time.

    Business days are counted by date, so a fraction of one has no date to land on (and
    truncating it would warn at the clock start): the whole days are counted as for a due
    time, then the fraction of the next business day's open time.
    """
    whole = int(after)
    if target.unit is not Unit.BUSINESS_DAYS or after == whole:
        return add_target_time(target, calendar, start, after)
    if whole:
        moment = calendar.add_business_days(start, whole)
        next_day = calendar.add_business_days(moment, 1)
    else:
        # A one-day target is due at the same time on the next business day, from the
        # effective start too: that is the day this fraction is taken of.
        moment = calendar.effective_start(start)
        next_day = due if target.amount == 1 else calendar.add_business_days(moment, 1)
    part = (after - whole) * calendar.business_seconds_between(moment, next_day)
    return calendar.add_business_seconds(moment, part)


def _add(target: Target, calendar: Calendar, moment: datetime, seconds: float) -> datetime:
    if seconds <= 0:
        return moment
    if target.unit is Unit.CALENDAR_HOURS:
        return moment + timedelta(seconds=seconds)
    return calendar.add_business_seconds(moment, seconds)


class Timeline(NamedTuple):
    """What the clocks need from an incident's events, read once (a tuple: one is read for
    every incident of a full recomputation)."""

    logged_at: datetime
    severity: str
    documentation_complete_at: datetime | None
    agreed_due: datetime | None
    pauses: tuple[tuple[datetime, datetime | None], ...]
    customer_updates: tuple[datetime, ...]
    answers: tuple[datetime, ...]  # responses sent, vendor responses and resolutions
    workarounds: tuple[datetime, ...]  # workarounds provided and resolutions
    resolved_at: datetime | None  # the last resolution, unless reopened since
    # Each resolution and the reopening that ended it (None: resolved still).
    resolved_spans: tuple[tuple[datetime, datetime | None], ...]

    def resolved_when(self, moment: datetime) -> bool:
        """The incident was resolved (or closed) at ``moment``."""
        return any(start <= moment and (end is None or moment < end)
                   for start, end in self.resolved_spans)


def read_timeline(events: Sequence[Event]) -> Timeline:
    """The facts of a timeline; ``events`` in the order they happened, ``created`` first."""
    if not events or events[0].kind is not EventKind.CREATED:
        raise ValueError("an incident's timeline starts with its created event")
    created = events[0]
    severity = created.data["severity"]
    documentation = None
    agreed = None
    pauses: list[tuple[datetime, datetime | None]] = []
    pause_start = created.at if created.data.get("status") == _PAUSING else None
    updates = []
    answers = []
    workarounds = []
    resolved = None
    spans: list[tuple[datetime, datetime | None]] = []
    # Identity tests and plain strings: this loop runs for every event of every incident
    # in a full recomputation, and enum lookups cost more than the rest of it.
    for event in events:
        kind = event.kind
        if kind is _STATUS_CHANGED:
            pausing = event.data["status"] == _PAUSING
        elif kind in _LEAVES_PAUSE:
            pausing = False
            if kind is _RESOLVED:
                if resolved is None:
                    spans.append((event.at, None))
                resolved = event.at
                workarounds.append(event.at)
                answers.append(event.at)
            elif kind is _WORKAROUND_PROVIDED:
                workarounds.append(event.at)
            elif kind is _REOPENED:
                if resolved is not None:
                    spans[-1] = (spans[-1][0], event.at)
                resolved = None
        else:
            if kind is _SEVERITY_CHANGED:
                severity = event.data["severity"]
            elif kind is _DOCUMENTATION_COMPLETE and documentation is None:
                documentation = event.at
            elif kind is _DUE_DATE_AGREED:
                agreed = datetime.fromisoformat(event.data["due"])
            elif kind is _CUSTOMER_UPDATE:
                updates.append(event.at)
            elif kind in _REPLIES:
                answers.append(event.at)
            continue
        if pause_start is not None and not pausing:
            pauses.append((pause_start, event.at))
            pause_start = None
        elif pause_start is None and pausing:
            pause_start = event.at
    if pause_start is not None:
        pauses.append((pause_start, None))
    return Timeline(created.at, severity, documentation, agreed, tuple(pauses), tuple(updates),
                    tuple(answers), tuple(workarounds), resolved, tuple(spans))


def _met_at(metric: str, timeline: Timeline, after: datetime) -> datetime | None:
    """When the target started at ``after`` was met, if it was.

    Nothing counts down on a resolved or closed incident: a clock that starts while it is
    resolved (a documentation completed afterwards, say) is answered as it starts.
    """
    if metric == "response":
        meets = timeline.answers
    elif metric == "workaround":
        meets = timeline.workarounds
    else:
        # The resolution (and any target the desk has no event for) is met by the last
        # resolution, unless the incident was reopened after it.
        met = timeline.resolved_at
        return met if met is None or met >= after else after
    if timeline.resolved_spans and timeline.resolved_when(after):
        return after
    return next((at for at in meets if at >= after), None)


def _response_cycle(timeline: Timeline, start: datetime) -> tuple[datetime, datetime | None, int]:
    """The current cycle of a per-update response target: its start, its answer, and how
    many.

    Every customer update opens a cycle unless one is already waiting for an answer; a reply
    from the desk or the vendor, or a resolution, closes it.
    """
    answers = sorted(timeline.answers)
    cycle_start, cycles = start, 1
    while True:
        if timeline.resolved_spans and timeline.resolved_when(cycle_start):
            answer: datetime | None = cycle_start
        else:
            answer = next((a for a in answers if a >= cycle_start), None)
        if answer is None:
            return cycle_start, None, cycles
        update = next((u for u in timeline.customer_updates if u > answer), None)
        if update is None:
            return cycle_start, answer, cycles
        cycle_start, cycles = update, cycles + 1


def compute_clocks(events: Sequence[Event], agreement: Agreement, site: Site,
                   book: CalendarBook) -> list[TargetClock]:
    """Every target of the incident's current severity, from its whole timeline."""
    timeline = read_timeline(events)
    return [_clock(target, calendar, timeline, agreement)
            for target, calendar in book.targets(agreement, timeline.severity, site)]


def next_due(clocks: Sequence[TargetClock]) -> datetime | None:
    """The earliest due time among clocks still counting; pending, paused and met ones wait."""
    dues = [c.due for c in clocks
            if c.due is not None and c.met_at is None and c.paused_since is None]
    return min(dues, default=None)


def clocks_at(events: Sequence[Event], agreement: Agreement, site: Site, book: CalendarBook,
              now: datetime) -> list[TargetState]:
    """Each target's state at ``now``, from the events that had happened by then."""
    known = [event for event in events if event.at <= now]
    if not known:
        return []  # not logged yet at ``now``: no clock has started
    return [clock.at(now) for clock in compute_clocks(known, agreement, site, book)]


def _clock(target: Target, calendar: Calendar, timeline: Timeline, agreement: Agreement
           ) -> TargetClock:
    metric = agreement.metric(target.metric)

    def pending(note: str, start: datetime | None = None) -> TargetClock:
        return TargetClock(target.metric, target, calendar, start, None, None, None, None, 0.0,
                           0, note)

    if metric.clock_start is ClockStart.DOCUMENTATION_COMPLETE:
        if timeline.documentation_complete_at is None:
            return pending("starts when the report and all documentation are in")
        start = timeline.documentation_complete_at
    else:
        start = timeline.logged_at
    cycles = 1
    if metric.per_update:
        start, met_at, cycles = _response_cycle(timeline, start)
    else:
        met_at = _met_at(target.metric, timeline, start)

    if target.amount is None:
        if timeline.agreed_due is None:
            return pending("no due date agreed yet", start)
        # A due date agreed by hand stays fixed: pauses and recomputations leave it alone.
        return TargetClock(target.metric, target, calendar, start, timeline.agreed_due, None,
                           met_at, None, 0.0, cycles)

    unpaused_due = add_target_time(target, calendar, start, target.amount)
    warning_unpaused = (
        _warning_time(target, calendar, start, target.warning_after, unpaused_due)
        if target.warning_after is not None else None
    )
    due = unpaused_due
    paused_seconds = 0.0
    paused_since = None
    if target.pausable:
        for pause_start, pause_end in timeline.pauses:
            if pause_end is not None and pause_end <= start:
                continue
            pause_start = max(pause_start, start)
            # A pause that begins once the target is met or breached changes nothing.
            if (met_at is not None and pause_start >= met_at) or pause_start >= due:
                continue
            if pause_end is None:
                paused_since = pause_start
                break
            paused_seconds += target_time_between(target, calendar, pause_start,
                                                  pause_end)
            due = _add(target, calendar, unpaused_due, paused_seconds)
    warning_at = (
        _add(target, calendar, warning_unpaused, paused_seconds)
        if warning_unpaused is not None else None
    )
    return TargetClock(target.metric, target, calendar, start, due, warning_at, met_at,
                       paused_since, paused_seconds, cycles)
