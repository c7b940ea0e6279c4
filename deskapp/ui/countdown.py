"""What a countdown cell says: business time left, its kind of state, and its tooltip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Unit
from deskapp.core.calendar import Calendar, HolidayKind, format_duration
from deskapp.core.clocks import ClockState, TargetClock, TargetState
from deskapp.core.time_left import state_left_text
from deskapp.core.wording import moment_label as moment_text
from deskapp.ui.wording import time_of_day_label

METRICS = ("response", "workaround", "resolution")


class Look(StrEnum):
    """How a countdown is coloured."""

    NONE = "none"  # the agreement has no such target
    PENDING = "not started"
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met late"


@dataclass(frozen=True)
class Countdown:
    text: str
    look: Look
    left_seconds: float | None  # for sorting; None when nothing counts down


def look_of(state: TargetState, warn_seconds: float = 0) -> Look:
    """The colour a state gets; ``warn_seconds`` adds a warning point of the agent's own."""
    if state.state is ClockState.PENDING:
        return Look.PENDING
    if state.clock.met_at is not None:
        return Look.MET if state.state is ClockState.MET else Look.MET_LATE
    if state.state is ClockState.BREACHED:
        return Look.BREACHED
    if state.state is ClockState.PAUSED:
        return Look.PAUSED
    if state.warning or (warn_seconds > 0 and state.left_seconds is not None
                         and state.left_seconds <= warn_seconds):
        return Look.WARNING
    return Look.RUNNING


def countdown(state: TargetState | None, warn_seconds: float = 0) -> Countdown:
    if state is None:
        return Countdown("", Look.NONE, None)
    look = look_of(state, warn_seconds)
    left = state.left_seconds
    if look is Look.PENDING:
        return Countdown("not started", look, None)
    assert left is not None
    if look is Look.MET:
        return Countdown("✓ met", look, None)
    if look is Look.MET_LATE:
        return Countdown(f"✓ {state_left_text(state, -left)} late", look, None)
    if look is Look.PAUSED:
        return Countdown(f"‖ {state_left_text(state, left)}", look, left)
    return Countdown(state_left_text(state, left), look, left)


def left_text(seconds: float) -> str:
    """``1h 12m`` or ``-25m`` as the core formats it; whole hours once past 100 hours (a
    countdown knows its target and words long times in days: ``wording.left_text``)."""
    if abs(seconds) >= 100 * 3600:
        hours = int(abs(seconds) // 3600)
        return f"{'-' if seconds < 0 else ''}{hours}h"
    return format_duration(seconds)


def calendar_state_text(calendar: Calendar, unit: Unit, now: datetime) -> str:
    """``closed until Mon 07:00 EST``, ``open until 20:00 EST``, with any holiday that day."""
    rules = calendar.rules
    if unit is Unit.CALENDAR_HOURS:
        return "elapsed time: counts around the clock"
    if rules.always_open:
        return "open 24x7"
    state = calendar.state_at(now)
    change = state.changes_at.astimezone(calendar.zone)
    local_now = now.astimezone(calendar.zone)
    when = time_of_day_label(change, calendar.zone,
                             weekday=change.date() != local_now.date())
    text = f"open until {when}" if state.is_open else f"closed until {when}"
    holiday = state.holiday
    if holiday is not None:
        label = f"{rules.holiday_label} holiday".strip()
        if holiday.kind is HolidayKind.LIMITED:
            text += f"\n{label}: limited staff ({holiday.name})"
        else:
            text += f"\n{label}: {holiday.name}"
    return text


def tooltip(clock: TargetClock | None, state: TargetState | None, metric_name: str,
            office_zone: ZoneInfo, now: datetime) -> str:
    """The due time in the vendor's calendar zone and the office zone, and the calendar now."""
    if clock is None or state is None:
        return f"No {metric_name.lower()} target for this incident's agreement and severity"
    target = clock.target
    lines = [f"{metric_name}: {target.describe()}"]
    if state.due is None:
        lines.append(f"Not started: {clock.note}" if clock.note else "Not started")
    else:
        vendor_zone = clock.calendar.zone
        lines.append(f"Due {moment_text(state.due, vendor_zone)} ({vendor_zone.key})")
        if office_zone.key != vendor_zone.key:
            lines.append(f"    {moment_text(state.due, office_zone)} in the office "
                         f"({office_zone.key})")
        if clock.met_at is not None:
            lines.append(f"Met {moment_text(clock.met_at, vendor_zone)}")
        elif clock.paused_since is not None:
            lines.append(f"Paused since {moment_text(clock.paused_since, vendor_zone)} "
                         "(waiting on the customer)")
        elif state.warning_at is not None and state.state is ClockState.RUNNING:
            lines.append(f"Warning from {moment_text(state.warning_at, vendor_zone)}")
    lines.append(f"Calendar: {calendar_state_text(clock.calendar, target.unit, now)}")
    return "\n".join(lines)
