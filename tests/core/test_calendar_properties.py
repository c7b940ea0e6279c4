"""Property tests: the business calendar against a minute-by-minute reference implementation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.core.calendar import (
    MINUTES_PER_DAY,
    Calendar,
    CalendarRules,
    HolidayKind,
    HolidaySource,
    OpenInterval,
)
from deskapp.core.open_hours import parse_interval

try:  # tests/core may or may not be a package
    from .reference_calendar import ReferenceCalendar
except ImportError:
    from reference_calendar import ReferenceCalendar

ZONES = (
    "America/New_York",
    "America/Chicago",
    "Europe/London",
    "Asia/Singapore",
    "Australia/Lord_Howe",
    "UTC",
)
YEARS = (2024, 2025, 2026)
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GRID = 15  # interval boundaries fall on quarter hours

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@cache
def dst_days(zone: str, year: int) -> tuple[date, ...]:
    """Local dates in ``year`` on which the zone's UTC offset changes (before noon)."""
    tz = ZoneInfo(zone)
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime.combine(day - timedelta(days=1), time(12), tz).utcoffset()
        if datetime.combine(day, time(12), tz).utcoffset() != before:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


# ----- strategies ---------------------------------------------------------------------------

BOUNDARIES = list(range(0, MINUTES_PER_DAY + 1, GRID))
EARLY = [m for m in BOUNDARIES if m <= 4 * 60]  # around the DST changes of ZONES


def boundaries(allowed: list[int]) -> st.SearchStrategy[int]:
    """A boundary from ``allowed``, with those around 00:00-04:00 coming up more often."""
    early = [m for m in allowed if m in EARLY]
    return st.sampled_from(allowed) | st.sampled_from(early or allowed)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[OpenInterval, ...]:
    """One weekday: closed, one interval (full or half day), a split day, or overnight."""
    shape = draw(st.sampled_from(["closed", "one", "split", "overnight"]))
    if shape == "closed":
        return ()
    count = {"one": 1, "split": draw(st.integers(2, 3)), "overnight": draw(st.integers(0, 2))}
    size = 2 * count[shape]
    points = sorted(draw(st.lists(boundaries(BOUNDARIES), min_size=size, max_size=size)))
    # Consecutive points pair up; an interval may touch the next one but not overlap it.
    pairs = zip(points[::2], points[1::2], strict=True)
    texts = [f"{hhmm(a)}-{hhmm(b)}" for a, b in pairs if a < b]
    if shape == "overnight":
        after = points[-1] if points else 0
        starts = [m for m in BOUNDARIES if max(after, GRID) < m < MINUTES_PER_DAY]
        if starts:
            start = draw(st.sampled_from(starts))
            end = draw(boundaries([m for m in BOUNDARIES if 0 < m < start]))
            texts.append(f"{hhmm(start)}-{hhmm(end)}+1")
    return tuple(parse_interval(text) for text in texts)


def holiday_table(days: frozenset[date]) -> HolidaySource:
    def source(year: int) -> dict[date, str]:
        return {day: f"Holiday {day:%m-%d}" for day in days if day.year == year}

    return source


@dataclass(frozen=True)
class Scenario:
    rules: CalendarRules
    holidays: frozenset[date]  # what rules.holiday_source returns, for messages
    start: datetime  # a whole UTC minute, often near a DST change
    first_year: int  # what the Calendar is built around, near ``start``

    def calendar(self) -> Calendar:
        return Calendar(self.rules, first_year=self.first_year)

    def reference(self) -> ReferenceCalendar:
        return ReferenceCalendar(self.rules)

    @property
    def weekly_minutes(self) -> int:
        if self.rules.always_open:
            return 7 * MINUTES_PER_DAY
        return sum(i.end - i.start for day in self.rules.weekly for i in day)

    def __str__(self) -> str:
        rules = self.rules
        hours = (
            "24x7"
            if rules.always_open
            else "; ".join(
                f"{name} " + ",".join(map(str, day))
                for name, day in zip(WEEKDAYS, rules.weekly, strict=True)
                if day
            )
        )
        holidays = ", ".join(map(str, sorted(self.holidays))) or "none"
        return (
            f"{rules.zone} [{hours}] {rules.holiday_kind} holidays: {holidays}; "
            f"start {self.start:%Y-%m-%d %H:%M}Z; first_year={self.first_year}"
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    zone = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(zone)
    year = draw(st.sampled_from(YEARS))
    transitions = dst_days(zone, year)
    if transitions and draw(st.booleans()):
        # From three days before a DST change to the day after it.
        base = datetime.combine(draw(st.sampled_from(transitions)), time(), tz)
        slots = draw(st.integers(-3 * 96, 2 * 96))
    else:
        month = draw(st.sampled_from([3, 4, 10, 11]) | st.integers(1, 12))
        base = datetime(year, month, 1, tzinfo=tz)
        slots = draw(st.integers(0, 31 * 96))
    jitter = draw(st.just(0) | st.integers(0, GRID - 1))  # mostly on a possible boundary
    start = base.astimezone(UTC) + timedelta(minutes=slots * GRID + jitter)

    always_open = draw(st.integers(0, 7)) == 0
    weekly = tuple(draw(day_hours()) for _ in range(7))
    if not always_open and not any(weekly):
        weekly = ((parse_interval("09:00-17:00"),), *weekly[1:])
    local_start = start.astimezone(tz).date()
    holidays = frozenset(
        local_start + timedelta(days=offset)
        for offset in draw(st.lists(st.integers(-2, 20), max_size=6))
    )
    rules = CalendarRules(
        zone=zone,
        weekly=weekly,
        always_open=always_open,
        holiday_kind=draw(st.sampled_from(HolidayKind)),
        holiday_source=holiday_table(holidays),
    )
    # Built around the start's year, or a little off so the calendar must extend itself
    # forwards (-3) or backwards (+2) to answer.
    first_year = year + draw(st.sampled_from([0, 0, -1, 1, -3, 2]))
    return Scenario(rules, holidays, start, first_year)


def business_seconds(scenario: Scenario) -> st.SearchStrategy[int]:
    """Whole minutes of business time: up to 1.5 weeks of this calendar's hours, or 50 hours."""
    most = min(3 * scenario.weekly_minutes // 2, 3000)
    return st.integers(0, most).map(lambda minutes: 60 * minutes)


# ----- 1. agreement with the reference -------------------------------------------------------


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_add_business_seconds_matches_reference(data: st.DataObject, scenario: Scenario) -> None:
    seconds = data.draw(business_seconds(scenario), label="seconds")
    actual = scenario.calendar().add_business_seconds(scenario.start, seconds)
    expected = scenario.reference().add_business_seconds(scenario.start, seconds)
    assert actual == expected, str(scenario)


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_business_seconds_between_matches_reference(
    data: st.DataObject, scenario: Scenario
) -> None:
    minutes = data.draw(st.integers(-4 * MINUTES_PER_DAY, 4 * MINUTES_PER_DAY), label="minutes")
    end = scenario.start + timedelta(minutes=minutes)
    actual = scenario.calendar().business_seconds_between(scenario.start, end)
    expected = scenario.reference().business_seconds_between(scenario.start, end)
    assert actual == expected, str(scenario)


@SETTINGS
@given(scenario=scenarios())
def test_effective_start_and_is_open_match_reference(scenario: Scenario) -> None:
    calendar, reference = scenario.calendar(), scenario.reference()
    assert calendar.effective_start(scenario.start) == reference.effective_start(scenario.start)
    minute = int(scenario.start.timestamp()) // 60
    assert calendar.is_open(scenario.start) == reference.is_open_minute(minute)


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_add_business_days_matches_reference(data: st.DataObject, scenario: Scenario) -> None:
    days = data.draw(st.integers(0, 4), label="days")
    actual = scenario.calendar().add_business_days(scenario.start, days)
    expected = scenario.reference().add_business_days(scenario.start, days)
    assert actual == expected, str(scenario)


# ----- 2. round trip and 3. monotonicity -------------------------------------------------------


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_between_undoes_add(data: st.DataObject, scenario: Scenario) -> None:
    # Whole seconds (not just minutes), so every timestamp and sum stays exact in a float.
    start = scenario.start + timedelta(seconds=data.draw(st.integers(0, 59), label="second"))
    seconds = data.draw(st.integers(0, 60 * 3000), label="seconds")
    calendar = scenario.calendar()
    due = calendar.add_business_seconds(start, seconds)
    assert calendar.business_seconds_between(start, due) == seconds
    assert calendar.business_seconds_between(due, start) == -seconds


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_add_is_monotonic_in_start_and_amount(data: st.DataObject, scenario: Scenario) -> None:
    calendar = scenario.calendar()
    early = scenario.start
    late = early + timedelta(seconds=data.draw(st.integers(0, 3 * 86400), label="later by"))
    small = data.draw(st.integers(0, 60 * 3000), label="small")
    large = small + data.draw(st.integers(0, 60 * 3000), label="larger by")
    due = calendar.add_business_seconds(early, small)
    assert due <= calendar.add_business_seconds(late, small)
    assert due <= calendar.add_business_seconds(early, large)
    assert calendar.effective_start(early) <= calendar.effective_start(late)


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_between_is_antisymmetric_and_additive(data: st.DataObject, scenario: Scenario) -> None:
    calendar = scenario.calendar()
    span = st.integers(-4 * 86400, 4 * 86400)
    a = scenario.start
    b = a + timedelta(seconds=data.draw(span, label="b - a"))
    c = a + timedelta(seconds=data.draw(span, label="c - a"))
    ab = calendar.business_seconds_between(a, b)
    assert ab == -calendar.business_seconds_between(b, a)
    assert ab == 0 or (ab > 0) == (b > a)
    assert ab + calendar.business_seconds_between(b, c) == calendar.business_seconds_between(a, c)


# ----- hand-worked examples, so the reference itself is pinned down ------------------------


def test_hand_worked_examples_for_both() -> None:
    """New York, weekdays 09:00-17:00 and Friday 22:00-06:00+1; Saturday 2025-06-14 closed."""
    weekday = (parse_interval("09:00-17:00"),)
    friday = (*weekday, parse_interval("22:00-06:00+1"))
    rules = CalendarRules(
        zone="America/New_York",
        weekly=(weekday, weekday, weekday, weekday, friday, (), ()),
        holiday_source=holiday_table(frozenset({date(2025, 6, 14)})),
    )
    tz = ZoneInfo("America/New_York")

    def at(day: int, hour: int) -> datetime:  # June 2025, New York wall time
        return datetime(2025, 6, day, hour, tzinfo=tz).astimezone(UTC)

    for calendar in (Calendar(rules, first_year=2025), ReferenceCalendar(rules)):
        # Landing exactly on a closing time gives that closing time, not the next opening.
        assert calendar.add_business_seconds(at(13, 16), 3600) == at(13, 17)
        assert calendar.effective_start(at(13, 17)) == at(13, 22)
        # Friday 23-24, then Saturday's 00-06 is the holiday's, then Monday 09-10.
        assert calendar.add_business_seconds(at(13, 23), 7200) == at(16, 10)
        assert calendar.business_seconds_between(at(13, 16), at(16, 10)) == 4 * 3600
        assert calendar.business_seconds_between(at(16, 10), at(13, 16)) == -4 * 3600
        assert calendar.add_business_days(at(10, 12), 3) == at(13, 12)
        # Thursday 23:30 starts at Friday 09:00; Saturday has no open time, so Monday.
        thursday_late = at(12, 23) + timedelta(minutes=30)
        assert calendar.add_business_days(thursday_late, 1) == at(16, 9)
        # Friday 23:00 + 1 business day: Saturday 06-07 is open only 00:00-06:00, so 06:00.
        assert calendar.add_business_days(at(6, 23), 1) == at(7, 6)


# ----- interval boundaries inside a DST gap or fold ------------------------------------------

# Each case: zone, the DST-change date (a Sunday), and one interval on that weekday (plus
# Thursday 09:00-10:00 so the calendar has hours elsewhere). The calendar is open whenever
# the local wall clock shows a time inside an interval: a wall time skipped by the clocks
# going forward is never open, one repeated when they go back is open both times.
DST_BOUNDARY_CASES = [
    # zone, date of the change, interval, open minutes that day
    ("America/New_York", "2025-03-09", "02:30-04:00", 60),
    ("America/New_York", "2025-03-09", "01:00-02:30", 60),
    ("America/New_York", "2025-03-09", "02:00-02:30", 0),
    ("Australia/Lord_Howe", "2025-10-05", "02:00-02:15", 0),
    ("Europe/London", "2025-03-30", "01:30-03:00", 60),
    ("America/New_York", "2025-11-02", "00:00-01:30", 120),
    ("America/New_York", "2025-11-02", "01:30-03:00", 120),
]


@pytest.mark.parametrize(("zone", "day", "interval", "minutes"), DST_BOUNDARY_CASES)
def test_boundary_inside_dst_gap_or_fold_follows_the_wall_clock(
    zone: str, day: str, interval: str, minutes: int
) -> None:
    changed = date.fromisoformat(day)
    weekly: list[tuple[OpenInterval, ...]] = [() for _ in range(7)]
    weekly[changed.weekday()] = (parse_interval(interval),)
    weekly[(changed.weekday() + 4) % 7] = (parse_interval("09:00-10:00"),)
    rules = CalendarRules(zone=zone, weekly=tuple(weekly))
    calendar, reference = Calendar(rules, first_year=changed.year), ReferenceCalendar(rules)
    tz = ZoneInfo(zone)
    start = datetime.combine(changed, time(), tz).astimezone(UTC)
    end = datetime.combine(changed + timedelta(days=1), time(), tz).astimezone(UTC)
    assert reference.business_seconds_between(start, end) == 60 * minutes
    assert calendar.business_seconds_between(start, end) == 60 * minutes


@pytest.mark.timeout(10)
def test_always_open_calendar_answers() -> None:
    rules = CalendarRules(zone="America/New_York", always_open=True)
    calendar, reference = Calendar(rules, first_year=2025), ReferenceCalendar(rules)
    start = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)
    end = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert calendar.effective_start(start) == start
    assert calendar.add_business_seconds(start, 3600) == start + timedelta(hours=1)
    assert calendar.business_seconds_between(start, end) == reference.business_seconds_between(
        start, end
    )
