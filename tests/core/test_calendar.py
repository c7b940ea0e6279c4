"""Calendar operations beyond due times: open state, explanations, range, threads, warnings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskapp.core.calendar import (
    Calendar,
    CalendarRangeError,
    CalendarRules,
    HolidayKind,
    StepKind,
    format_duration,
)
from deskapp.core.open_hours import parse_interval

NEW_YORK = ZoneInfo("America/New_York")


def week(*days: list[str]) -> tuple[tuple, ...]:
    return tuple(tuple(parse_interval(text) for text in day) for day in days)


MAGAYA_WEEK = week(*[["07:00-20:00"]] * 5, ["08:00-12:00"], [])
CHRISTMAS = {date(2026, 12, 25): "Christmas Day", date(2027, 12, 25): "Christmas Day"}


def christmas(year: int) -> dict[date, str]:
    return {d: n for d, n in CHRISTMAS.items() if d.year == year}


def magaya(kind: HolidayKind = HolidayKind.LIMITED) -> Calendar:
    rules = CalendarRules("America/New_York", MAGAYA_WEEK, holiday_kind=kind,
                          holiday_source=christmas, holiday_label="US")
    return Calendar(rules, first_year=2026)


def ny(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def test_open_state_and_when_it_next_changes() -> None:
    calendar = magaya()
    state = calendar.state_at(ny("2026-12-04T19:40"))
    assert state.is_open
    assert state.changes_at == ny("2026-12-04T20:00")  # closes at 20:00 Friday
    state = calendar.state_at(ny("2026-12-05T13:00"))  # Saturday afternoon
    assert not state.is_open
    assert state.changes_at == ny("2026-12-07T07:00")  # opens Monday 07:00
    # Half-open intervals: at exactly 20:00 it is closed.
    assert not calendar.is_open(ny("2026-12-04T20:00"))
    assert calendar.is_open(ny("2026-12-04T07:00"))


def test_limited_holiday_keeps_counting_and_is_reported() -> None:
    calendar = magaya(HolidayKind.LIMITED)
    state = calendar.state_at(ny("2026-12-25T09:00"))
    assert state.is_open
    assert state.holiday is not None and state.holiday.name == "Christmas Day"
    assert state.holiday.kind is HolidayKind.LIMITED


def test_closed_holiday_has_no_open_time() -> None:
    calendar = magaya(HolidayKind.CLOSED)
    assert not calendar.is_open(ny("2026-12-25T09:00"))
    # Thu 19:30 + 1h: 30 min Thursday, Christmas closed, 30 min from Sat 08:00.
    assert calendar.add_business_hours(ny("2026-12-24T19:30"), 1) == ny("2026-12-26T08:30")


def test_effective_start_of_a_moment_at_closing_is_the_next_opening() -> None:
    calendar = magaya()
    assert calendar.effective_start(ny("2026-12-04T20:00")) == ny("2026-12-05T08:00")
    assert calendar.effective_start(ny("2026-12-04T19:59")) == ny("2026-12-04T19:59")


def test_between_is_signed() -> None:
    calendar = magaya()
    # Fri 19:00 to Mon 08:00: 1h Friday + 4h Saturday + 1h Monday.
    forward = calendar.business_seconds_between(ny("2026-12-04T19:00"), ny("2026-12-07T08:00"))
    assert forward == 6 * 3600
    backward = calendar.business_seconds_between(ny("2026-12-07T08:00"), ny("2026-12-04T19:00"))
    assert backward == -forward


def test_explanation_counts_intervals_and_names_skipped_days() -> None:
    calendar = magaya(HolidayKind.CLOSED)
    start = ny("2026-12-24T19:30")
    due = calendar.add_business_hours(start, 1)
    steps = calendar.explain(start, due)
    kinds = [(step.kind, step.day) for step in steps]
    assert kinds == [
        (StepKind.COUNTED, date(2026, 12, 24)),
        (StepKind.SKIPPED, date(2026, 12, 25)),
        (StepKind.COUNTED, date(2026, 12, 26)),
    ]
    assert steps[1].reason == "US holiday: Christmas Day"
    assert sum(step.seconds for step in steps) == 3600
    assert steps[0].describe(NEW_YORK) == "Thu 2026-12-24  19:30-20:00  counted 30m"
    assert steps[1].describe(NEW_YORK) == "Fri 2026-12-25  skipped: US holiday: Christmas Day"


def test_explanation_names_closed_weekend_days() -> None:
    calendar = magaya()
    start = ny("2026-12-05T11:30")
    steps = calendar.explain(start, calendar.add_business_hours(start, 1))
    assert [(s.kind, s.reason) for s in steps] == [
        (StepKind.COUNTED, ""), (StepKind.SKIPPED, "closed day"), (StepKind.COUNTED, "")
    ]


def test_range_extends_itself_forwards_and_backwards() -> None:
    calendar = magaya()
    far = ny("2031-06-02T10:00")  # a Monday, years past the first precomputed range
    assert calendar.add_business_hours(far, 10) == ny("2031-06-02T20:00")
    early = ny("2019-06-03T10:00")
    assert calendar.add_business_hours(early, 10) == ny("2019-06-03T20:00")
    assert calendar.business_seconds_between(early, far) > 0


def test_instants_outside_the_supported_years_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        magaya().add_business_hours(ny("2400-01-03T10:00"), 1)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        magaya().add_business_hours(datetime(2026, 12, 1, 10), 1)


def test_threads_extending_one_calendar_agree_with_one_thread() -> None:
    starts = [ny("2026-12-01T10:00") + timedelta(days=37 * i, minutes=13 * i) for i in range(200)]
    alone = magaya()
    expected = [alone.add_business_hours(s, 30) for s in starts]
    shared = magaya()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda s: shared.add_business_hours(s, 30), starts))
    assert got == expected


def test_overnight_interval_of_a_user_defined_calendar() -> None:
    # A night shift Mon-Fri 22:00-06:00 the next morning.
    rules = CalendarRules("America/New_York", week(*[["22:00-06:00+1"]] * 5, [], []))
    night = Calendar(rules, first_year=2026)
    # Mon 23:00 + 4h = Tue 03:00.
    assert night.add_business_hours(ny("2026-11-30T23:00"), 4) == ny("2026-12-01T03:00")
    # Sat 05:00 is inside Friday's shift: 1h to 06:00, then Monday 22:00 + 3h = Tue 01:00.
    assert night.add_business_hours(ny("2026-12-05T05:00"), 4) == ny("2026-12-08T01:00")


def test_split_days_count_both_intervals() -> None:
    rules = CalendarRules("America/New_York", week(*[["09:00-12:00", "13:00-17:00"]] * 5, [], []))
    split = Calendar(rules, first_year=2026)
    # 11:00 + 2h: 1h until noon, lunch skipped, 1h from 13:00.
    assert split.add_business_hours(ny("2026-12-01T11:00"), 2) == ny("2026-12-01T14:00")


def test_holiday_estimates_are_flagged() -> None:
    def estimated(year: int) -> dict[date, str]:
        return {date(year, 2, 3): "Lunar New Year (estimated)"} if year >= 2030 else {}

    rules = CalendarRules("Asia/Singapore", MAGAYA_WEEK, holiday_source=estimated,
                          holiday_label="SG", holiday_data_until=2100)
    calendar = Calendar(rules, first_year=2026)
    sg = ZoneInfo("Asia/Singapore")
    soon = datetime(2026, 12, 1, 10, tzinfo=sg)
    assert calendar.holiday_data_warning(soon, soon + timedelta(days=30)) is None
    later = datetime(2030, 1, 20, 10, tzinfo=sg)
    warning = calendar.holiday_data_warning(later, later + timedelta(days=30))
    assert warning is not None and "2030" in warning and "estimate" in warning


def test_durations_read_like_a_person_writes_them() -> None:
    assert format_duration(72 * 60) == "1h 12m"
    assert format_duration(-25 * 60) == "-25m"
    assert format_duration(3 * 3600) == "3h"
    assert format_duration(42) == "42s"


def test_holidays_added_and_removed_by_hand() -> None:
    # Christmas removed by hand: open as a normal Friday. Dec 28 added: closed.
    rules = CalendarRules("America/New_York", MAGAYA_WEEK, holiday_source=christmas,
                          holiday_label="US",
                          added_holidays=((date(2026, 12, 28), "Office move"),),
                          removed_holidays=frozenset({date(2026, 12, 25)}))
    calendar = Calendar(rules, first_year=2026)
    assert calendar.is_open(ny("2026-12-25T10:00"))
    assert calendar.holiday_on(date(2026, 12, 25)) is None
    assert not calendar.is_open(ny("2026-12-28T10:00"))
    holiday = calendar.holiday_on(date(2026, 12, 28))
    assert holiday is not None and holiday.name == "Office move"
    # Sat 11:00 + 2h: 1h Saturday, Sunday and Monday (added holiday) closed, 1h Tuesday.
    assert calendar.add_business_hours(ny("2026-12-26T11:00"), 2) == ny("2026-12-29T08:00")


def test_business_days_keep_the_wall_time_to_the_microsecond_across_offset_changes() -> None:
    calendar = magaya()
    # Friday 10:17:23.456789 EST, two business days on (Saturday, then Monday): Monday at
    # the same wall time, now EDT (the clocks went forward on Sunday 8 March), so an hour
    # less later in UTC.
    start = ny("2026-03-06T10:17:23.456789")
    due = calendar.add_business_days(start, 2)
    assert due == ny("2026-03-09T10:17:23.456789")
    assert due.astimezone(UTC) == datetime(2026, 3, 9, 14, 17, 23, 456789, tzinfo=UTC)
    # After 2038 a timestamp's float has coarser steps: still the same wall time.
    assert (calendar.add_business_days(ny("2040-07-10T09:30:00.000001"), 2)
            == ny("2040-07-12T09:30:00.000001"))


def test_business_days_from_a_start_on_the_day_the_clocks_change() -> None:
    calendar = Calendar(CalendarRules("America/New_York", always_open=True), first_year=2026)
    # Sunday 8 March 01:30:00.25 EST (before the jump at 02:00): Monday 01:30:00.25 EDT.
    due = calendar.add_business_days(ny("2026-03-08T01:30:00.25"), 1)
    assert due.astimezone(UTC) == datetime(2026, 3, 9, 5, 30, 0, 250000, tzinfo=UTC)
    # Saturday 31 October 01:30:00.5 EDT to Sunday 1 November, when 01:30 comes twice: the
    # first time (still EDT).
    due = calendar.add_business_days(ny("2026-10-31T01:30:00.5"), 1)
    assert due.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, 0, 500000, tzinfo=UTC)
