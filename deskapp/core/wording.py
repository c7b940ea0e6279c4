"""How times and amounts read to a person, in the window and on the command line alike."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Zones whose letter abbreviations read right to the desk's agents (EST, CDT, PST...).
# Elsewhere a letter abbreviation may name another zone (Manila's PST reads as US
# Pacific, India's IST as Irish), so the offset from UTC is shown instead.
_LETTERS_READ_RIGHT = ("America/", "US/", "Canada/")
_UNIVERSAL = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "UCT", "Universal"})


def plural(count: float, noun: str, nouns: str | None = None) -> str:
    """``1 business hour``, ``4 business hours``, ``1.5 business hours``, ``1,200
    incidents``."""
    number = f"{int(count):,}" if float(count).is_integer() else f"{count:g}"
    return f"{number} {noun if count == 1 else nouns or noun + 's'}"


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

