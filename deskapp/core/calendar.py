"""Business calendars: open hours in a vendor's own zone, holidays, and business-time arithmetic."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskapp.core.errors import InputError
from deskapp.core.open_hours import MINUTES_PER_DAY, OpenInterval

UTC = UTC
# A calendar is extended a year at a time; this bound stops a calendar with almost no
# open time from being extended without end.
LAST_SUPPORTED_YEAR = 2200
FIRST_SUPPORTED_YEAR = 1970

__all__ = ["MINUTES_PER_DAY", "OpenInterval"]  # read with the calendar that uses them


class HolidayKind(StrEnum):
    CLOSED = "closed"
    LIMITED = "limited"


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: HolidayKind


HolidaySource = Callable[[int], Mapping[date, str]]
"""Holiday names by date for one year (the `holidays` package, or a table in tests)."""


@dataclass(frozen=True)
class CalendarRules:
    """Everything that defines a calendar once its zone and holiday country are known."""

    zone: str
    weekly: tuple[tuple[OpenInterval, ...], ...] = ((),) * 7  # Monday first
    always_open: bool = False
    holiday_kind: HolidayKind = HolidayKind.CLOSED
    holiday_source: HolidaySource | None = field(default=None, compare=False)
    holiday_label: str = ""  # e.g. "US" or "Singapore", used in messages
    added_holidays: tuple[tuple[date, str], ...] = ()
    removed_holidays: frozenset[date] = frozenset()
    holiday_data_until: int | None = None  # last year the holiday source has data for


class CalendarRangeError(InputError):
    """An instant outside the years a calendar can be computed for."""


class StepKind(StrEnum):
    COUNTED = "counted"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ExplanationStep:
    """One line of "why this due time": an open interval counted or a day skipped."""

    kind: StepKind
    day: date
    start: datetime | None  # UTC; None for a skipped day
    end: datetime | None
    seconds: float
    reason: str  # "", a holiday's name, or "closed day"

    def describe(self, zone: ZoneInfo) -> str:
        weekday = self.day.strftime("%a %Y-%m-%d")
        if self.kind == StepKind.SKIPPED:
            return f"{weekday}  skipped: {self.reason}"
        assert self.start is not None and self.end is not None
        start = self.start.astimezone(zone).strftime("%H:%M")
        end_local = self.end.astimezone(zone)
        end = end_local.strftime("%H:%M")
        if end_local.date() != self.day and end == "00:00":
            end = "24:00"
        note = f"  ({self.reason})" if self.reason else ""
        return f"{weekday}  {start}-{end}  counted {format_duration(self.seconds)}{note}"


def format_duration(seconds: float) -> str:
    """``1h 12m``, ``-25m`` or ``40s``: how a person reads time left."""
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours and minutes:
        text = f"{hours}h {minutes:02d}m"
    elif hours:
        text = f"{hours}h"
    elif minutes:
        text = f"{minutes}m" if not secs else f"{minutes}m {secs:02d}s"
    else:
        text = f"{secs}s"
    return sign + text


@dataclass(frozen=True)
class _Span:
    """Open intervals for whole years, precomputed as UTC timestamps.

    ``cum_start[i]`` is the business time before interval ``i``; ``cum_end[i]`` after it.
    Intervals of one day are merged; the last interval of a day may close where the next
    day's first one opens.
    """

    first_year: int
    last_year: int
    start_ts: float
    end_ts: float
    opens: list[float]
    closes: list[float]
    cum_start: list[float]
    cum_end: list[float]
    business_days: list[int]  # ordinals of local dates with any open time
    interval_days: list[int]  # the local date of each interval, as an ordinal
    day_intervals: dict[int, tuple[tuple[float, float], ...]]  # per local date, UTC pairs
    midnights: dict[int, float]  # local midnight (UTC) of business days with one UTC offset
    holidays: dict[int, Holiday]
    estimated_years: frozenset[int]  # years whose holiday dates the source only estimates

    safe_end_ts: float  # before this, an interval that is not the last closes later
    last_index: int  # of the last interval, which may be cut short by the span's end


class Calendar:
    """A business calendar answering business-time questions by bisection over UTC intervals.

    Safe to share between threads: the precomputed span is immutable and replaced whole
    when a question falls outside it.
    """

    def __init__(self, rules: CalendarRules, *, first_year: int | None = None) -> None:
        self.rules = rules
        self.zone = ZoneInfo(rules.zone)
        self._lock = threading.Lock()
        if not rules.always_open and not any(rules.weekly):
            raise ValueError("a calendar needs open hours on at least one weekday, or 24x7")
        year = first_year if first_year is not None else datetime.now(UTC).year
        self._span = self._build(year - 1, year + 2)

    # ----- building -------------------------------------------------------------------

    def _holidays_for(self, year: int) -> dict[date, Holiday]:
        rules = self.rules
        found: dict[date, Holiday] = {}
        if rules.holiday_source is not None:
            for day, name in rules.holiday_source(year).items():
                if day.year == year and day not in rules.removed_holidays:
                    found[day] = Holiday(day, name, rules.holiday_kind)
        for day, name in rules.added_holidays:
            if day.year == year:
                found[day] = Holiday(day, name, rules.holiday_kind)
        return found

    def _local_ts(self, day: date, minutes: int) -> float:
        """The first instant at which the local wall clock reads ``minutes`` after midnight
        of ``day`` or later (a wall time skipped by a DST jump is reached at the jump)."""
        extra_days, minute = divmod(minutes, MINUTES_PER_DAY)
        local_day = day + timedelta(days=extra_days)
        wall = datetime.combine(local_day, time(minute // 60, minute % 60))
        earliest = min(wall.replace(tzinfo=self.zone, fold=fold).timestamp() for fold in (0, 1))
        if _wall(earliest, self.zone) >= wall:
            return earliest
        # Inside a gap: find the jump by bisection between the two readings of the wall time.
        low, high = earliest, max(wall.replace(tzinfo=self.zone, fold=f).timestamp()
                                  for f in (0, 1))
        while high - low > 1:
            middle = (low + high) // 2
            if _wall(middle, self.zone) >= wall:
                high = middle
            else:
                low = middle
        return high

    def _day_pieces(self, day: date, intervals: list[tuple[int, int]]
                    ) -> tuple[list[tuple[float, float]], float | None]:
        """The UTC ranges in which the wall clock of ``day`` reads inside ``intervals``, and
        the UTC timestamp of the day's local midnight when its offset does not change (None
        when it does).

        Exact across DST changes: a day is split where its UTC offset changes, so a wall
        time repeated by the clocks going back is open both times, and one skipped is not.
        """
        base = datetime.combine(day, time(), UTC).timestamp()
        midnight = datetime.combine(day, time())
        offset = self.zone.utcoffset(midnight)
        if offset == self.zone.utcoffset(midnight + timedelta(days=1)):
            # No change of offset that day (nearly always): plain arithmetic.
            assert offset is not None
            shift = base - offset.total_seconds()
            return _merge(sorted((shift + s * 60, shift + e * 60) for s, e in intervals)), shift
        day_start, day_end = self._local_ts(day, 0), self._local_ts(day, MINUTES_PER_DAY)
        first_offset = _offset(day_start, self.zone)
        last_offset = _offset(day_end - 1, self.zone)
        segments = [(day_start, day_end, first_offset)]
        if first_offset != last_offset:
            low, high = day_start, day_end - 1
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(middle, self.zone) == first_offset:
                    low = middle
                else:
                    high = middle
            segments = [(day_start, high, first_offset), (high, day_end, last_offset)]
        pieces = []
        for start, end in intervals:
            for segment_start, segment_end, seconds in segments:
                low = max(segment_start, base + start * 60 - seconds)
                high = min(segment_end, base + end * 60 - seconds)
                if low < high:
                    pieces.append((low, high))
        return _merge(sorted(pieces)), None

    def _build(self, first_year: int, last_year: int) -> _Span:
        if first_year < FIRST_SUPPORTED_YEAR or last_year > LAST_SUPPORTED_YEAR:
            raise CalendarRangeError(
                f"dates before {FIRST_SUPPORTED_YEAR} or after {LAST_SUPPORTED_YEAR} "
                "are outside the supported range"
            )
        rules = self.rules
        holidays: dict[int, Holiday] = {}
        for year in range(first_year, last_year + 1):
            for day, found in self._holidays_for(year).items():
                holidays[day.toordinal()] = found
        first = date(first_year, 1, 1).toordinal()
        last = date(last_year, 12, 31).toordinal()
        day_intervals: dict[int, tuple[tuple[float, float], ...]] = {}
        midnights: dict[int, float] = {}
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            holiday = holidays.get(ordinal)
            if holiday is not None and holiday.kind is HolidayKind.CLOSED:
                continue
            if rules.always_open:
                pieces = [(0, MINUTES_PER_DAY)]
            else:
                pieces = []
                for interval in rules.weekly[day.weekday()]:
                    pieces.append((interval.start, min(interval.end, MINUTES_PER_DAY)))
                for interval in rules.weekly[(day.weekday() - 1) % 7]:
                    if interval.overnight:
                        pieces.append((0, interval.end - MINUTES_PER_DAY))
            merged, midnight = self._day_pieces(day, pieces)
            if merged:
                day_intervals[ordinal] = tuple(merged)
                if midnight is not None:
                    midnights[ordinal] = midnight

        # Days are not merged with each other (an always-open calendar is one interval a
        # day), so an interval that is not the last always exists to answer from.
        opens: list[float] = []
        closes: list[float] = []
        interval_days: list[int] = []
        for ordinal in sorted(day_intervals):
            for open_ts, close_ts in day_intervals[ordinal]:
                opens.append(open_ts)
                closes.append(close_ts)
                interval_days.append(ordinal)
        cum_start: list[float] = []
        cum_end: list[float] = []
        total = 0.0
        for open_ts, close_ts in zip(opens, closes, strict=True):
            cum_start.append(total)
            total += close_ts - open_ts
            cum_end.append(total)
        return _Span(
            safe_end_ts=closes[-2] if len(closes) > 1 else float("-inf"),
            last_index=len(closes) - 1,
            first_year=first_year,
            last_year=last_year,
            start_ts=self._local_ts(date(first_year, 1, 1), 0),
            end_ts=self._local_ts(date(last_year + 1, 1, 1), 0),
            opens=opens,
            closes=closes,
            cum_start=cum_start,
            cum_end=cum_end,
            business_days=sorted(day_intervals),
            interval_days=interval_days,
            day_intervals=day_intervals,
            midnights=midnights,
            holidays=holidays,
            estimated_years=frozenset(
                h.day.year for h in holidays.values() if "estimated" in h.name.lower()
            ),
        )

    def _extend(self, seen: _Span, ts: float | None = None) -> _Span:
        """A wider span: to the year of ``ts`` and one more, or by half when ``ts`` is None."""
        with self._lock:
            span = self._span
            if span is seen:  # nobody else extended it meanwhile
                first, last = span.first_year, span.last_year
                if ts is None:
                    last += max(1, (last - first + 1) // 2)
                else:
                    year = _year_of(ts)
                    first, last = min(first, year - 1), max(last + 1, year + 1)
                span = self._build(first, last)
                self._span = span
            return span

    def _covering(self, ts: float) -> _Span:
        """The span with an interval that closes after ``ts`` and is not the last one."""
        span = self._span
        while not span.start_ts <= ts < span.safe_end_ts:
            span = self._extend(span, ts)
        return span

    # ----- fast paths on UTC timestamps -------------------------------------------------

    def position_ts(self, ts: float) -> float:
        """Business seconds from the start of the span to ``ts`` (for differences only)."""
        span = self._covering(ts)
        i = bisect_right(span.closes, ts)
        opened = span.opens[i]
        return span.cum_start[i] + (ts - opened if ts > opened else 0.0)

    def add_seconds_ts(self, ts: float, seconds: float) -> float:
        span = self._covering(ts)
        while True:
            i = bisect_right(span.closes, ts)
            opened = span.opens[i]
            target = span.cum_start[i] + (ts - opened if ts > opened else 0.0) + seconds
            j = bisect_left(span.cum_end, target, i)
            if j < span.last_index:
                return span.opens[j] + (target - span.cum_start[j])
            span = self._extend(span)

    def between_ts(self, start: float, end: float) -> float:
        return self.position_ts(end) - self.position_ts(start)

    # ----- the public operations on aware datetimes ---------------------------------------

    def effective_start(self, moment: datetime) -> datetime:
        """The first open instant at or after ``moment`` (intervals are half-open)."""
        ts = _timestamp(moment)
        span = self._covering(ts)
        i = bisect_right(span.closes, ts)
        return _utc(max(ts, span.opens[i]))

    def add_business_seconds(self, moment: datetime, seconds: float) -> datetime:
        """The instant at which ``seconds`` of open time have passed since ``moment``.

        Landing exactly on a closing time gives that closing instant.
        """
        if seconds <= 0:
            if seconds < 0:
                raise ValueError("business time to add must not be negative")
            return self.effective_start(moment)
        if moment.tzinfo is None:
            raise ValueError("an instant needs a time zone or UTC offset")
        ts = moment.timestamp()
        # The common case inline (this is the hot path of every countdown and batch row).
        span = self._span
        if span.start_ts <= ts < span.safe_end_ts:
            i = bisect_right(span.closes, ts)
            opened = span.opens[i]
            target = span.cum_start[i] + (ts - opened if ts > opened else 0.0) + seconds
            j = bisect_left(span.cum_end, target, i)
            if j < span.last_index:
                return _FROM_TIMESTAMP(span.opens[j] + (target - span.cum_start[j]), UTC)
        return _utc(self.add_seconds_ts(ts, seconds))

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        return self.add_business_seconds(moment, hours * 3600)

    def add_business_days(self, moment: datetime, days: int) -> datetime:
        """Local time T on the N-th business date after the effective start's date D.

        If that date is not open at T: its first opening when T is earlier, else the
        closing of the last interval that ends at or before T.
        """
        return _utc(self.add_business_days_ts(_timestamp(moment), days))

    def add_business_days_ts(self, ts: float, days: int) -> float:
        """``add_business_days`` on a UTC timestamp."""
        if days < 0:
            raise ValueError("business days to add must not be negative")
        span = self._covering(ts)
        i = bisect_right(span.closes, ts)
        opened = span.opens[i]
        start_ts = ts if ts > opened else opened
        if days == 0:
            return start_ts
        start_day = span.interval_days[i]  # the start lies in (or opens) that interval
        k = bisect_left(span.business_days, start_day)
        while k + days >= len(span.business_days) - 1:
            span = self._extend(span)
            k = bisect_left(span.business_days, start_day)
        target_day = span.business_days[k + days]
        intervals = span.day_intervals[target_day]
        start_midnight = span.midnights.get(start_day)
        target_midnight = span.midnights.get(target_day)
        if start_midnight is not None and target_midnight is not None:
            # Both days keep one UTC offset: the same wall time is as far past midnight.
            wanted = target_midnight + (start_ts - start_midnight)
        else:
            wall = datetime.fromtimestamp(start_ts, self.zone).time()
            wanted = datetime.combine(date.fromordinal(target_day), wall, self.zone).timestamp()
        if wanted < intervals[0][0]:
            return intervals[0][0]
        ended_before = intervals[0][0]
        for open_ts, close_ts in intervals:
            if open_ts <= wanted < close_ts:
                return wanted
            if close_ts <= wanted:
                ended_before = close_ts
        return ended_before

    def whole_business_days(self, start: datetime, end: datetime) -> int:
        """How many whole business days fit from ``start`` to ``end``: the largest N for
        which ``add_business_days(start, N)`` is not after ``end`` (0 when it is earlier).

        Found by doubling then halving from an estimate (no business day is longer than
        the longest open day), so a year overdue takes a dozen steps, not hundreds."""
        if end <= start:
            return 0

        def fits(days: int) -> bool:
            return self.add_business_days(start, days) <= end

        rules = self.rules
        longest = 86400.0 if rules.always_open else 60.0 * max(
            (sum(i.end - i.start for i in day) for day in rules.weekly), default=0) or 86400.0
        low = int(self.business_seconds_between(start, end) // longest)
        while low > 0 and not fits(low):
            low //= 2
        high = low + 1
        while fits(high):
            low, high = high, 2 * high
        while high - low > 1:
            middle = (low + high) // 2
            if fits(middle):
                low = middle
            else:
                high = middle
        return low

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Open time from ``start`` to ``end``; negative when ``end`` is earlier."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("an instant needs a time zone or UTC offset")
        a, b = start.timestamp(), end.timestamp()
        span = self._span
        low, high = span.start_ts, span.safe_end_ts
        if low <= a < high and low <= b < high:
            closes, opens, cum = span.closes, span.opens, span.cum_start
            i = bisect_right(closes, a)
            opened = opens[i]
            from_start = cum[i] + (a - opened if a > opened else 0.0)
            i = bisect_right(closes, b)
            opened = opens[i]
            return cum[i] + (b - opened if b > opened else 0.0) - from_start
        return self.between_ts(a, b)

    def is_open(self, moment: datetime) -> bool:
        return self.state_at(moment).is_open

    def state_at(self, moment: datetime) -> OpenState:
        """Whether the calendar is open at ``moment``, until when, and any holiday that day."""
        ts = _timestamp(moment)
        span = self._covering(ts)
        i = bisect_right(span.closes, ts)
        is_open = span.opens[i] <= ts
        change = span.closes[i] if is_open else span.opens[i]
        local_day = datetime.fromtimestamp(ts, self.zone).date()
        return OpenState(is_open, _utc(change), span.holidays.get(local_day.toordinal()))

    def holiday_on(self, day: date) -> Holiday | None:
        ts = self._local_ts(day, 12 * 60)
        return self._covering(ts).holidays.get(day.toordinal())

    def holiday_data_warning(self, start: datetime, end: datetime) -> str | None:
        """A warning when holiday dates between the two instants are estimates or missing."""
        if self.rules.holiday_source is None:
            return None
        first, last = sorted((_timestamp(start), _timestamp(end)))
        span = self._covering(first)
        span = self._covering(last)
        first_year = datetime.fromtimestamp(first, self.zone).year
        last_year = datetime.fromtimestamp(last, self.zone).year
        until = self.rules.holiday_data_until
        if until is not None and last_year > until:
            return f"{self.rules.holiday_label} holiday data ends in {until}"
        estimated = sorted(y for y in span.estimated_years if first_year <= y <= last_year)
        if estimated:
            return (
                f"{self.rules.holiday_label} holiday dates in {estimated[0]} are estimates; "
                "check them before relying on this due time"
            )
        return None

    def explain(self, start: datetime, due: datetime) -> list[ExplanationStep]:
        """Each open interval counted between ``start`` and ``due``, and each day skipped."""
        start_ts, due_ts = _timestamp(start), _timestamp(due)
        self._covering(min(start_ts, due_ts))
        span = self._covering(max(start_ts, due_ts))
        steps: list[ExplanationStep] = []
        first = datetime.fromtimestamp(start_ts, self.zone).date()
        last = datetime.fromtimestamp(due_ts, self.zone).date()
        day = first
        while day <= last:
            ordinal = day.toordinal()
            holiday = span.holidays.get(ordinal)
            intervals = span.day_intervals.get(ordinal, ())
            counted = False
            for open_ts, close_ts in intervals:
                lo, hi = max(open_ts, start_ts), min(close_ts, due_ts)
                if lo < hi:
                    counted = True
                    reason = ""
                    if holiday is not None:
                        label = self.rules.holiday_label
                        reason = f"{label} holiday, limited staff: {holiday.name}"
                    steps.append(
                        ExplanationStep(StepKind.COUNTED, day, _utc(lo), _utc(hi), hi - lo, reason)
                    )
            if not counted and start_ts < self._local_ts(day + timedelta(days=1), 0) and (
                self._local_ts(day, 0) < due_ts
            ):
                if holiday is not None and holiday.kind is HolidayKind.CLOSED:
                    reason = f"{self.rules.holiday_label} holiday: {holiday.name}".strip()
                    steps.append(ExplanationStep(StepKind.SKIPPED, day, None, None, 0.0, reason))
                elif not intervals:
                    steps.append(
                        ExplanationStep(StepKind.SKIPPED, day, None, None, 0.0, "closed day")
                    )
            day += timedelta(days=1)
        return steps


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    changes_at: datetime  # UTC: when it next opens or closes
    holiday: Holiday | None


_FROM_TIMESTAMP = datetime.fromtimestamp


def _merge(pieces: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted ranges with the overlapping and touching ones joined."""
    merged: list[tuple[float, float]] = []
    for low, high in pieces:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _wall(ts: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, zone).replace(tzinfo=None)


def _offset(ts: float, zone: ZoneInfo) -> float:
    offset = datetime.fromtimestamp(ts, zone).utcoffset()
    assert offset is not None
    return offset.total_seconds()


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("an instant needs a time zone or UTC offset")
    return moment.timestamp()


def _year_of(ts: float) -> int:
    try:
        return datetime.fromtimestamp(ts, UTC).year
    except (OverflowError, OSError, ValueError):
        return LAST_SUPPORTED_YEAR + 1 if ts > 0 else FIRST_SUPPORTED_YEAR - 1


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
