"""Countdown texts and the calendar's state as a tooltip says them."""

from __future__ import annotations

from datetime import UTC, datetime

from deskapp.app.sla import SlaService
from deskapp.core.agreement import Unit
from deskapp.ui.countdown import calendar_state_text, left_text


def test_time_left_reads_as_the_core_formats_it() -> None:
    assert left_text(72 * 60) == "1h 12m"
    assert left_text(-25 * 60) == "-25m"
    assert left_text(150 * 3600 + 59 * 60) == "150h"
    assert left_text(-1112 * 3600 - 50 * 60) == "-1112h"


def test_the_calendar_says_when_it_opens_or_closes(sla: SlaService) -> None:
    magaya = sla.agreements["magaya"]
    calendar = sla.book.calendar(magaya.calendars["magaya"], sla.site())
    saturday_evening = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 18:00 in New York
    assert calendar_state_text(calendar, Unit.BUSINESS_HOURS, saturday_evening) == (
        "closed until Mon 07:00 EST")
    tuesday = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    assert calendar_state_text(calendar, Unit.BUSINESS_HOURS, tuesday) == (
        "open until 20:00 EST")


def test_a_limited_staff_holiday_is_named(sla: SlaService) -> None:
    magaya = sla.agreements["magaya"]
    calendar = sla.book.calendar(magaya.calendars["magaya"], sla.site())
    thanksgiving = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    text = calendar_state_text(calendar, Unit.BUSINESS_HOURS, thanksgiving)
    assert text.startswith("open until 20:00 EST")
    assert "US holiday: limited staff (Thanksgiving" in text


def test_elapsed_targets_count_around_the_clock(sla: SlaService) -> None:
    acelynk = sla.agreements["acelynk"]
    spec = next(iter(acelynk.calendars.values()))
    calendar = sla.book.calendar(spec, sla.site())
    assert calendar_state_text(calendar, Unit.CALENDAR_HOURS, datetime.now(UTC)) == (
        "elapsed time: counts around the clock")
