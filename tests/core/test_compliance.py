"""Compliance rules: periods in a vendor's zone, how a clock counts, times to target, the
rows, breaches by weekday and hour, and where breached targets' time went."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskapp.core.agreement import Agreement
from deskapp.core.clocks import ClockState, TargetClock
from deskapp.core.compliance import (
    RUNNING_PAST_DUE,
    ClockGroup,
    Outcome,
    Period,
    breach_grid,
    compliance_rows,
    median,
    outcome,
    outcome_of_state,
    percentile,
    vendor_zone,
)
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import Event, EventKind
from deskapp.core.review import HOLIDAY, PAUSED, WAITING, late_time_of
from deskapp.core.sla import CalendarBook, Site

SITE = Site("America/New_York", "US")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "26-11", "2026-11-01", "november", ""])
def test_a_month_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        Period.parse_month(text)


def test_periods() -> None:
    november = Period.parse_month("2026-11")
    assert (november.first, november.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert november.label == "2026-11" and november.is_month
    assert Period.parse_month("2027-2").last == date(2027, 2, 28)
    assert november.previous() == Period.month(2026, 10)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    days = Period.days(date(2026, 11, 3), date(2026, 11, 20))
    assert days.label == "2026-11-03 to 2026-11-20" and not days.is_month
    assert days.previous() == Period.days(date(2026, 10, 16), date(2026, 11, 2))  # 18 days
    with pytest.raises(InputError, match="ends"):
        Period.days(date(2026, 11, 3), date(2026, 11, 2))
    # The same month starts at different instants in each vendor's zone.
    singapore, new_york = ZoneInfo("Asia/Singapore"), ZoneInfo("America/New_York")
    assert november.start(singapore) == t("2026-10-31T16:00+00:00")
    assert november.end(singapore) == t("2026-11-30T16:00+00:00")
    assert november.start(new_york) == t("2026-11-01T04:00+00:00")  # daylight time
    assert november.end(new_york) == t("2026-12-01T05:00+00:00")  # standard time
    assert Period.month_of(t("2026-11-30T20:00-05:00"), singapore) == Period.month(2026, 12)
    assert Period.month_of(t("2026-11-30T20:00-05:00"), new_york) == november


def test_each_vendors_zone(agreements: dict[str, Agreement]) -> None:
    zones = {key: vendor_zone(a, "Europe/Paris") for key, a in agreements.items()}
    assert zones == {"maqsu": "Asia/Singapore", "magaya": "America/New_York",
                     "acelynk": "America/New_York", "catapult": "America/Chicago"}


def test_how_a_clock_counts() -> None:
    due, now = t("2026-11-03T12:00+00:00"), t("2026-11-03T15:00+00:00")
    assert outcome(None, None, False, now) is Outcome.PENDING
    assert outcome(due, due, False, now) is Outcome.MET  # on the due time: met
    assert outcome(due, due + timedelta(seconds=1), False, now) is Outcome.BREACHED
    assert outcome(due, None, False, due - timedelta(seconds=1)) is Outcome.RUNNING
    # Past its due time and unanswered: missed, it can no longer be met.
    assert outcome(due, None, False, due) is Outcome.BREACHED
    # Paused: its due time moves on while the pause lasts.
    assert outcome(due, None, True, now) is Outcome.RUNNING
    for state, expected in [(ClockState.MET, Outcome.MET), (ClockState.BREACHED,
                            Outcome.BREACHED), (ClockState.RUNNING, Outcome.RUNNING),
                            (ClockState.PAUSED, Outcome.RUNNING),
                            (ClockState.PENDING, Outcome.PENDING),
                            (RUNNING_PAST_DUE, Outcome.BREACHED)]:
        assert outcome_of_state(state) is expected


@pytest.mark.parametrize(("vendor", "severity"), [
    ("maqsu", "high"),  # Singapore, Saturday half days, closed holidays
    ("magaya", "2"),  # New York: daylight saving ends Nov 1, limited-staff holidays
    ("catapult", "1"),  # Chicago, closed holidays
])
def test_a_clocks_time_to_target_is_its_business_time_with_pauses_left_out(
        agreements: dict[str, Agreement], vendor: str, severity: str) -> None:
    book = CalendarBook(first_year=2026)
    agreement = agreements[vendor]
    target = agreement.target("resolution", severity)
    calendar = book.calendar(agreement.calendars[target.calendar], SITE)
    rng = random.Random(3)
    base = t("2026-10-01T00:00+00:00")
    for number in range(300):
        start = base + timedelta(seconds=rng.randrange(0, 90 * 86400))
        answer = start + timedelta(seconds=0 if number < 3 else rng.randrange(0, 20 * 86400))
        paused = float(rng.choice((0, 0, 1800, 7200)))
        due = start + timedelta(days=2)
        clock = TargetClock("resolution", target, calendar, start, due, None, answer, None,
                            paused, 1)
        expected = max(0.0, calendar.business_seconds_between(start, answer) - paused)
        assert clock.time_to_target == expected
        # Not answered, or not started: none.
        assert replace(clock, met_at=None).time_to_target is None
        assert replace(clock, clock_start=None, due=None).time_to_target is None


def test_a_time_to_target_in_calendar_hours_is_the_elapsed_time(
        agreements: dict[str, Agreement]) -> None:
    critical = agreements["acelynk"].target("response", "critical")
    calendar = CalendarBook(first_year=2026).calendar(
        agreements["acelynk"].calendars[critical.calendar], SITE)
    start = t("2026-11-21T23:00+00:00")  # a Saturday night
    clock = TargetClock("response", critical, calendar, start, start + timedelta(hours=2),
                        None, start + timedelta(hours=2), None, 0.0, 1)
    assert clock.time_to_target == 7200.0
    # Pauses longer than the time taken leave none, never less.
    assert replace(clock, paused_seconds=9000.0).time_to_target == 0.0


def test_median_and_90th_percentile() -> None:
    assert median([]) is None and percentile([], 0.9) is None
    assert median([1.0, 2.0, 10.0]) == 2.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.9) == 9.0  # nearest rank: the 9th of 10
    assert percentile([5.0], 0.9) == 5.0


def test_rows_in_the_agreements_order_with_the_goal(agreements: dict[str, Agreement]) -> None:
    acelynk = agreements["acelynk"]
    period = Period.month(2026, 11)
    groups = [
        ClockGroup("acelynk", "critical", "response", "I", Outcome.MET, [3, 1], [60.0, 600.0]),
        ClockGroup("acelynk", "critical", "response", "I", Outcome.BREACHED, [2], [9000.0]),
        ClockGroup("acelynk", "critical", "response", "I", Outcome.RUNNING, [4], []),
        ClockGroup("acelynk", "minor", "response", "I", Outcome.PENDING, [5], []),
    ]
    rows = compliance_rows(acelynk, period, "America/New_York", groups, {2, 5})
    assert [(r.severity, r.metric) for r in rows] == [
        ("critical", "response"), ("major", "response"), ("minor", "response")]
    critical = rows[0]
    assert (critical.logged, critical.met, critical.breached, critical.running) == (4, 2, 1, 1)
    assert critical.met_numbers == (1, 3)
    assert critical.keys(Outcome.BREACHED) == ("INC-000002",)
    assert critical.achievement == pytest.approx(200 / 3)
    assert critical.goal_percent == 95 and critical.goal_key == "critical-response"
    assert critical.difference == pytest.approx(200 / 3 - 95)
    assert critical.median_seconds == 600.0 and critical.p90_seconds == 9000.0
    assert critical.severity_changed_numbers == (2,)
    assert critical.target == "2 calendar hours"
    assert rows[1].logged == 0 and rows[1].achievement is None
    # Pending only: nothing counted, no achievement.
    assert rows[2].pending == 1 and rows[2].achievement is None
    assert rows[2].severity_changed_numbers == (5,)


def test_breaches_by_weekday_and_hour_in_the_vendors_zone() -> None:
    singapore, new_york = ZoneInfo("Asia/Singapore"), ZoneInfo("America/New_York")
    # Mon 20:30 in New York, Tue 09:30 in Singapore
    instant = t("2026-11-30T20:30-05:00").timestamp()
    grid = breach_grid(Period.month(2026, 11), [(1, instant, singapore),
                                                (2, instant, new_york), (3, instant, new_york)])
    assert grid.counts[1][9] == 1 and grid.counts[0][20] == 2 and grid.total == 3
    assert grid.numbers == {(0, 20): (2, 3), (1, 9): (1,)}


def test_where_a_breached_targets_time_went(agreements: dict[str, Agreement]) -> None:
    magaya = agreements["magaya"]
    book = CalendarBook(first_year=2026)
    target = magaya.target("resolution", "1")  # 2 business days, pausable, limited holidays
    calendar = book.calendar(magaya.calendars[target.calendar], SITE)
    response = magaya.target("response", "1")  # not pausable
    # Logged Wed Nov 25 09:00 New York at tier I; waiting on the customer 10:00-11:00;
    # escalated to II at 12:00; Thanksgiving (Thu 26) is a limited-staff holiday.
    events = [
        Event(EventKind.CREATED, t("2026-11-25T09:00-05:00"), "ana",
              {"severity": "1", "tier": "I", "status": "new"}),
        Event(EventKind.STATUS_CHANGED, t("2026-11-25T10:00-05:00"), "ana",
              {"status": "waiting on customer"}),
        Event(EventKind.STATUS_CHANGED, t("2026-11-25T11:00-05:00"), "ana",
              {"status": "in progress"}),
        Event(EventKind.TIER_CHANGED, t("2026-11-25T12:00-05:00"), "ana", {"tier": "II"}),
    ]
    start, end = t("2026-11-25T09:00-05:00"), t("2026-11-26T10:00-05:00")
    shares = late_time_of(events, target, calendar, start, end)
    # Wed 09-10 tier I (1h); 10-11 paused; 11-12 tier I (1h); 12-20 tier II (8h); Thu 07-10
    # on the holiday (3h).
    assert shares == {"tier I": 7200.0, PAUSED: 3600.0, "tier II": 8 * 3600.0,
                      HOLIDAY: 3 * 3600.0}
    # A response does not pause: the same hour is waiting on the customer, and counted.
    shares = late_time_of(events, response, calendar, start, end)
    assert shares[WAITING] == 3600.0 and PAUSED not in shares
