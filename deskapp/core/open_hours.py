"""Open hours as agreements write them: intervals of a day, ``07:00-20:00`` or overnight."""

from __future__ import annotations

from dataclasses import dataclass

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class OpenInterval:
    """Open time on one weekday, in minutes after local midnight.

    ``end`` may pass 1440 for an overnight interval that closes the next morning.
    """

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end > MINUTES_PER_DAY

    def __str__(self) -> str:
        def hhmm(minutes: int) -> str:
            return f"{minutes // 60:02d}:{minutes % 60:02d}"

        if self.overnight:
            return f"{hhmm(self.start)}-{hhmm(self.end - MINUTES_PER_DAY)}+1"
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


def parse_clock(text: str) -> int:
    """``HH:MM`` (``24:00`` allowed) to minutes after midnight; ValueError otherwise."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(f"{text!r} is not a time of day; expected HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day; expected 00:00 to 24:00")
    return value


def parse_interval(text: str) -> OpenInterval:
    """``07:00-20:00``, or ``22:00-06:00+1`` for an interval that closes the next day."""
    opening, sep, closing = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not an interval; expected HH:MM-HH:MM")
    overnight = closing.strip().endswith("+1")
    if overnight:
        closing = closing.strip()[:-2]
    start, end = parse_clock(opening), parse_clock(closing)
    if start == MINUTES_PER_DAY:
        raise ValueError(f"{text!r} opens at 24:00; open at 00:00 the next day instead")
    if overnight:
        if end >= start or end == 0:
            raise ValueError(
                f"{text!r} is marked overnight (+1) but does not close the next morning"
            )
        return OpenInterval(start, end + MINUTES_PER_DAY)
    if end <= start:
        raise ValueError(
            f"{text!r} closes before it opens; write an overnight interval as "
            f"{opening.strip()}-{closing.strip()}+1"
        )
    return OpenInterval(start, end)
