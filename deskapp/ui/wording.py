"""How the window words times, zones, amounts and durations for a person to read."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskapp.core.agreement import Target, Unit
from deskapp.core.calendar import Calendar, format_duration

# Zones whose letter abbreviations read right to the desk's agents (EST, CDT, PST...).
# Elsewhere a letter abbreviation may name another zone (Manila's PST reads as US
# Pacific, India's IST as Irish), so the offset from UTC is shown instead.
_LETTERS_READ_RIGHT = ("America/", "US/", "Canada/")
_UNIVERSAL = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "UCT", "Universal"})
LONG_HOURS = 100  # beyond this many elapsed hours, a countdown reads in days
LONG_BUSINESS_HOURS = 48  # beyond this much business time, in business days


def plural(count: float, noun: str, nouns: str | None = None) -> str:
    """``1 business hour``, ``4 business hours``, ``1.5 business hours``."""
    number = f"{count:g}"
    return f"{number} {noun if count == 1 else nouns or noun + 's'}"


def target_text(target: Target) -> str:
    """An agreement's target in words: ``1 business hour``, ``3 business days``."""
    if target.amount is None:
        return target.describe()
    noun = target.unit.value[:-1]  # "business hours" -> "business hour"
    return plural(target.amount, noun)


def zone_label(moment: datetime, zone: ZoneInfo) -> str:
    """``EST`` where a letter abbreviation reads right, else the UTC offset (``+08``)."""
    local = moment.astimezone(zone)
    letters = local.strftime("%Z")
    if zone.key in _UNIVERSAL:
        return "UTC"
    if letters and letters[0] not in "+-" and zone.key.startswith(_LETTERS_READ_RIGHT):
        return letters
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{f'{rest:02d}' if rest else ''}"


def moment_label(moment: datetime, zone: ZoneInfo, *, weekday: bool = True) -> str:
    """``Tue 2026-12-08 11:00 EST`` or ``Wed 2025-12-10 17:30 +08``."""
    local = moment.astimezone(zone)
    return f"{local:%a %Y-%m-%d %H:%M} {zone_label(moment, zone)}" if weekday \
        else f"{local:%Y-%m-%d %H:%M} {zone_label(moment, zone)}"


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
