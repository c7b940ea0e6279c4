"""How the time left to a target reads: in hours and minutes, or in (business) days when
long, the business days being the target calendar's own."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from deskapp.core.agreement import Unit
from deskapp.core.calendar import format_duration

if TYPE_CHECKING:
    from deskapp.core.calendar import Calendar
    from deskapp.core.clocks import TargetState

LONG_HOURS = 100  # beyond this many elapsed hours, a countdown reads in days
LONG_BUSINESS_HOURS = 48  # beyond this much business time, in business days


def left_text(seconds: float, unit: Unit = Unit.CALENDAR_HOURS,
              calendar: Calendar | None = None,
              between: tuple[datetime, datetime] | None = None) -> str:
    """Time left as a person reads it: ``1h 12m``, ``-25m``; in days when long: ``4d 2h``
    beyond a hundred elapsed hours, ``12bd 3h`` beyond 48 hours of business time. Business
    days are the calendar's own between the two instants ``between`` (as a due time counts
    them: a Saturday morning is a day too), then the open hours left over."""
    business = unit is not Unit.CALENDAR_HOURS and calendar is not None and between is not None
    if abs(seconds) < (LONG_BUSINESS_HOURS if business else LONG_HOURS) * 3600:
        return format_duration(seconds)
    if business:
        assert calendar is not None and between is not None
        start, end = sorted(between)
        days = calendar.whole_business_days(start, end)
        rest = calendar.business_seconds_between(calendar.add_business_days(start, days), end)
        suffix = "bd"
    else:
        days, rest = divmod(int(abs(seconds)), 86400)
        suffix = "d"
    sign = "-" if seconds < 0 else ""
    hours = int(rest // 3600)
    return f"{sign}{days}{suffix} {hours}h" if hours else f"{sign}{days}{suffix}"


def state_left_text(state: TargetState, seconds: float) -> str:
    """``left_text`` of a target's state: ``seconds`` as its countdown shows them."""
    clock = state.clock
    between = (None if state.counted_from is None or clock.due is None
               else (state.counted_from, clock.due))
    return left_text(seconds, clock.target.unit, clock.calendar, between)
