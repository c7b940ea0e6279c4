"""Long countdowns read in the calendar's own business days, counted as a due time counts
them, then the open hours left over; short ones in hours and minutes."""

from __future__ import annotations

from deskapp.core.agreement import Unit
from deskapp.core.calendar import HolidayKind
from deskapp.core.time_left import left_text
from tests.core.test_calendar import magaya, ny


def test_whole_business_days_are_the_ones_add_business_days_counts() -> None:
    calendar = magaya()  # Mon-Fri 07-20, Sat 08-12, Christmas a limited-staff holiday
    monday = ny("2026-11-30T10:00")
    for days in (0, 1, 5, 6, 37, 260):
        due = calendar.add_business_days(monday, days)
        assert calendar.whole_business_days(monday, due) == days
        assert calendar.whole_business_days(monday, due.replace(minute=1) if days else due) \
            == days
    saturday = calendar.add_business_days(monday, 5)
    assert saturday == ny("2026-12-05T10:00")
    assert calendar.whole_business_days(monday, ny("2026-12-05T09:59")) == 4
    assert calendar.whole_business_days(saturday, monday) == 0  # earlier: none


def test_a_saturday_morning_is_a_business_day_not_a_fraction_of_one() -> None:
    calendar = magaya()
    monday = ny("2026-11-30T10:00")
    due = calendar.add_business_days(monday, 5)  # Saturday 10:00
    left = calendar.business_seconds_between(monday, due)  # 64 open hours
    assert left == 64 * 3600
    assert left_text(left, Unit.BUSINESS_DAYS, calendar, (monday, due)) == "5bd"
    # From Monday noon: 4 business days to Friday noon, then Fri 12-20 and Sat 08-10.
    noon = ny("2026-11-30T12:00")
    left = calendar.business_seconds_between(noon, due)
    assert left_text(left, Unit.BUSINESS_DAYS, calendar, (noon, due)) == "4bd 10h"
    # Overdue reads the same way, with a minus.
    late = ny("2026-12-11T15:00")
    assert left_text(-calendar.business_seconds_between(due, late), Unit.BUSINESS_DAYS,
                     calendar, (late, due)) == "-5bd 5h"


def test_closed_holidays_are_no_business_days() -> None:
    calendar = magaya(HolidayKind.CLOSED)
    start = ny("2026-12-21T09:00")  # Monday; Friday the 25th is closed
    due = ny("2026-12-29T09:00")
    left = calendar.business_seconds_between(start, due)
    assert left_text(left, Unit.BUSINESS_DAYS, calendar, (start, due)) == "6bd"


def test_short_and_elapsed_times() -> None:
    calendar = magaya()
    monday = ny("2026-11-30T10:00")
    assert left_text(47 * 3600 + 59 * 60, Unit.BUSINESS_HOURS, calendar,
                     (monday, monday)) == "47h 59m"  # under two days of business time
    assert left_text(150 * 3600) == "6d 6h"  # elapsed: days of 24 hours
    assert left_text(-25 * 60) == "-25m"
