"""Reading the instants people type: ISO 8601, with the office zone for a time without an offset."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse

from deskapp.core.calendar import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from deskapp.core.errors import InputError


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An aware instant; a wall time that does not exist or occurs twice in ``zone`` is refused."""
    cleaned = text.strip()
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        try:
            moment = isoparse(cleaned)
        except (ValueError, OverflowError):
            raise InputError(
                f"{text!r} is not a date and time; expected ISO 8601 such as "
                "2026-11-30T09:15 or 2026-11-30T09:15:00-05:00"
            ) from None
    if moment.tzinfo is not None:
        return _in_range(moment, cleaned)
    local = moment.replace(tzinfo=zone)
    other = local.replace(fold=1)
    if local.utcoffset() != other.utcoffset():
        roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(zone)
        if roundtrip.replace(tzinfo=None) != moment:
            problem = "does not exist (the clocks jump forward)"
        else:
            problem = "happens twice (the clocks go back)"
        raise InputError(
            f"{cleaned} {problem} in {zone.key}; give the time with its UTC offset"
        )
    return _in_range(local, cleaned)


def _in_range(moment: datetime, text: str) -> datetime:
    """``moment``, unless it lies outside the years the calendars can be computed for.

    Checked here because arithmetic near year 1 or 9999 overflows before any calendar sees it.
    """
    if FIRST_SUPPORTED_YEAR < moment.year < LAST_SUPPORTED_YEAR:
        return moment  # well inside, whatever the offset
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        year = moment.year
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise InputError(
            f"{text} is outside the supported range; expected a time between "
            f"{FIRST_SUPPORTED_YEAR} and {LAST_SUPPORTED_YEAR}"
        )
    return moment
