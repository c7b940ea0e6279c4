"""A slow, obviously correct reference for ``deskapp.core.calendar.Calendar``, for property tests.

It works on whole-minute UTC instants and decides, one minute at a time, whether the calendar
is open during that minute: convert the minute to local wall time in the calendar's zone, then

* its local date is a closed holiday: closed;
* the calendar is 24x7: open;
* the wall-clock time lies in an interval of its local weekday, or in the after-midnight part
  of an overnight interval of the previous weekday: open.

Nothing is precomputed or merged and DST needs no special case: a minute whose wall-clock time
does not exist is never looked at, and a wall-clock time that happens twice is looked at twice.
Every operation then just walks forward minute by minute. The one place a wall-clock time must
become an instant (local time T on a later date, in add_business_days) uses Python's standard
reading (fold=0), so a T inside a spring-forward gap lands after the gap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskapp.core.calendar import MINUTES_PER_DAY, CalendarRules, HolidayKind


def to_minute(moment: datetime) -> int:
    """Whole minutes since the epoch; the reference only deals in whole minutes."""
    seconds = int(moment.timestamp())
    assert seconds == moment.timestamp() and seconds % 60 == 0, moment
    return seconds // 60


def from_minute(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


class ReferenceCalendar:
    def __init__(self, rules: CalendarRules) -> None:
        self.rules = rules
        self.zone = ZoneInfo(rules.zone)
        self._holidays: dict[int, set[date]] = {}  # closed holiday dates, by year
        self._open: dict[int, bool] = {}  # memo of is_open_minute

    def is_closed_holiday(self, day: date) -> bool:
        rules = self.rules
        if rules.holiday_kind is not HolidayKind.CLOSED:
            return False  # limited holidays are open as usual
        if day.year not in self._holidays:
            source = rules.holiday_source(day.year) if rules.holiday_source else {}
            found = {d for d in source if d.year == day.year} - rules.removed_holidays
            found |= {d for d, _ in rules.added_holidays}  # removed only drops the source's
            self._holidays[day.year] = found
        return day in self._holidays[day.year]

    def is_open_minute(self, minute: int) -> bool:
        """Whether the calendar is open during the minute that starts at ``minute``."""
        if minute not in self._open:
            local = datetime.fromtimestamp(minute * 60, self.zone)
            day = local.date()
            clock = local.hour * 60 + local.minute
            today = self.rules.weekly[day.weekday()]
            yesterday = self.rules.weekly[(day.weekday() - 1) % 7]
            self._open[minute] = not self.is_closed_holiday(day) and (
                self.rules.always_open
                or any(i.start <= clock < i.end for i in today)
                or any(clock < i.end - MINUTES_PER_DAY for i in yesterday)
            )
        return self._open[minute]

    def open_minutes_on(self, day: date) -> list[int]:
        """The open minutes whose local date is ``day`` (in a zone where midnight exists)."""
        first = to_minute(datetime.combine(day, datetime.min.time(), tzinfo=self.zone))
        last = to_minute(
            datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=self.zone)
        )
        return [m for m in range(first, last) if self.is_open_minute(m)]

    # ----- the operations under test ----------------------------------------------------

    def effective_start(self, moment: datetime) -> datetime:
        minute = to_minute(moment)
        while not self.is_open_minute(minute):
            minute += 1
        return from_minute(minute)

    def add_business_seconds(self, moment: datetime, seconds: int) -> datetime:
        assert seconds >= 0 and seconds % 60 == 0
        minute = to_minute(self.effective_start(moment))
        left = seconds // 60
        while left:
            if self.is_open_minute(minute):
                left -= 1
            minute += 1
        return from_minute(minute)  # the end of the last minute counted

    def business_seconds_between(self, start: datetime, end: datetime) -> int:
        lo, hi = sorted((to_minute(start), to_minute(end)))
        total = 60 * sum(self.is_open_minute(m) for m in range(lo, hi))
        return total if end >= start else -total

    def add_business_days(self, moment: datetime, days: int) -> datetime:
        start = self.effective_start(moment)
        if days == 0:
            return start
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(days):
            day += timedelta(days=1)
            while not self.open_minutes_on(day):
                day += timedelta(days=1)
        opens = self.open_minutes_on(day)
        open_set = set(opens)
        wanted = to_minute(
            datetime(day.year, day.month, day.day, local.hour, local.minute, tzinfo=self.zone)
        )
        if wanted in open_set:
            return from_minute(wanted)
        if wanted < opens[0]:
            return from_minute(opens[0])
        # Each run of consecutive open minutes is an interval; it closes after its last minute.
        closings = [m + 1 for m in opens if m + 1 not in open_set]
        return from_minute(max(c for c in closings if c <= wanted))
