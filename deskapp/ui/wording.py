"""How the window words times of day and time left; core.wording has the rest."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Target, Unit
from deskapp.core.calendar import Calendar, format_duration
from deskapp.core.wording import zone_label

LONG_HOURS = 100  # beyond this many elapsed hours, a countdown reads in days
LONG_BUSINESS_HOURS = 48  # beyond this much business time, in business days


def time_of_day_label(moment: datetime, zone: ZoneInfo, *, weekday: bool = False) -> str:
    """``20:00 EST`` or ``Mon 07:00 +08``."""
    local = moment.astimezone(zone)
    return f"{local:%a %H:%M} {zone_label(moment, zone)}" if weekday \
        else f"{local:%H:%M} {zone_label(moment, zone)}"


def business_day_seconds(calendar: Calendar) -> float:
    """The open time of an average open weekday: what one business day is worth."""
    rules = calendar.rules
    if rules.always_open:
        return 24 * 3600.0
    days = [sum(i.end - i.start for i in day) for day in rules.weekly if day]
    return sum(days) / len(days) * 60 if days else 24 * 3600.0


def left_text(seconds: float, target: Target | None = None,
              calendar: Calendar | None = None) -> str:
    """Time left as a person reads it: ``1h 12m``, ``-25m``; in (business) days when long:
    ``12bd 3h`` beyond 48 hours of business time, ``4d 2h``
    beyond a hundred elapsed hours."""
    unit = target.unit if target is not None else Unit.CALENDAR_HOURS
    business = unit is not Unit.CALENDAR_HOURS and calendar is not None
    day = business_day_seconds(calendar) if business and calendar is not None else 86400.0
    # Two days of business time still read in hours and minutes, so they move each minute.
    long = abs(seconds) >= (LONG_BUSINESS_HOURS if business else LONG_HOURS) * 3600
    if not long:
        return format_duration(seconds)
    days, rest = divmod(int(abs(seconds)), int(day))
    sign = "-" if seconds < 0 else ""
    suffix = "bd" if business else "d"
    hours = rest // 3600
    return f"{sign}{days}{suffix} {hours}h" if hours else f"{sign}{days}{suffix}"
