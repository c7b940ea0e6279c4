"""How the window words zones, amounts and long countdowns."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from deskapp.app.desk import Desk
from deskapp.core.agreement import Target, Unit
from deskapp.core.time_left import left_text
from deskapp.core.wording import moment_label, plural, zone_label
from deskapp.ui.countdown import countdown
from tests.ui.conftest import Clock, log

MOMENT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def test_a_zone_whose_letters_read_as_another_shows_its_offset() -> None:
    assert zone_label(MOMENT, ZoneInfo("Asia/Manila")) == "+08"  # not "PST"
    assert zone_label(MOMENT, ZoneInfo("Asia/Kolkata")) == "+0530"  # not "IST"
    assert zone_label(MOMENT, ZoneInfo("America/New_York")) == "EST"
    assert zone_label(MOMENT, ZoneInfo("America/Los_Angeles")) == "PST"
    assert zone_label(MOMENT, ZoneInfo("UTC")) == "UTC"
    assert moment_label(MOMENT, ZoneInfo("Asia/Manila")) == "Tue 2026-12-08 23:00 +08"


def test_amounts_read_as_english() -> None:
    assert plural(1, "business hour") == "1 business hour"
    assert plural(4, "business hour") == "4 business hours"
    hour = Target("response", "1", Unit.BUSINESS_HOURS, 1, "support", True, None)
    days = Target("resolution", "3", Unit.BUSINESS_DAYS, 3, "support", True, None)
    assert hour.describe() == "1 business hour"
    assert days.describe() == "3 business days"


def test_long_countdowns_read_in_business_days(desk: Desk, clock: Clock) -> None:
    key = log(desk, "magaya", "3").incident.key  # resolution: 60 business days
    state = next(s for s in desk.show(key, clock()).clocks if s.metric == "resolution")
    shown = countdown(state.clock.at(clock()))
    assert shown.text.endswith("bd") or "bd " in shown.text
    overdue = countdown(state.clock.at(clock.advance(days=400)))
    assert overdue.text.startswith("-") and "bd" in overdue.text
    assert "h" not in overdue.text.split("bd")[0]  # never "-2439h"
    assert left_text(90 * 60) == "1h 30m"  # short times keep hours and minutes
    assert left_text(-150 * 3600) == "-6d 6h"  # elapsed time: days of 24 hours


def test_counts_read_as_english_at_any_size() -> None:
    assert plural(1, "incident") == "1 incident"
    assert plural(1_000_000, "incident") == "1,000,000 incidents"  # not "1e+06"
    assert plural(2.0, "business day") == "2 business days"
