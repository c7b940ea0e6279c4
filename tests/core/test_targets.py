"""Every target of the four shipped agreements, each expectation reasoned by hand.

Dates used: Mon 2026-11-30, Tue 12-01, Fri 12-04, Sat 12-05, Thu 12-24, Fri 12-25 (Christmas).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from deskapp.app.sla import DueQuery, SlaService
from deskapp.core.sla import (
    Site,
    SlaError,
    add_target_time,
    add_target_time_ts,
    target_calendar,
)

CASES = [
    # --- MAQSU: Singapore, Mon-Fri 08:30-17:30, Sat 08:30-13:00, SG holidays closed ---
    # 09:00 + 4h, all inside Tuesday.
    ("maqsu", "critical", "response", "2026-12-01T09:00+08:00", None, "2026-12-01T13:00:00+08:00"),
    # 2h30 until 17:30, then 1h30 from Wednesday 08:30.
    ("maqsu", "high", "response", "2026-12-01T15:00+08:00", None, "2026-12-02T10:00:00+08:00"),
    # Saturday half day: 2h until 13:00, Sunday closed, 2h from Monday 08:30.
    ("maqsu", "medium", "response", "2026-12-05T11:00+08:00", None, "2026-12-07T10:30:00+08:00"),
    # Logged Sunday evening: starts at Monday 08:30, + 8h = 16:30.
    ("maqsu", "low", "response", "2026-12-06T20:00+08:00", None, "2026-12-07T16:30:00+08:00"),
    # 1h30 on Christmas Eve, Christmas (Fri, SG holiday) closed, 2h30 from Sat 08:30.
    ("maqsu", "critical", "resolution", "2026-12-24T16:00+08:00", None,
     "2026-12-26T11:00:00+08:00"),
    # 2h30 Fri + 4h30 Sat half day + 5h Mon (the worked example).
    ("maqsu", "high", "resolution", "2026-12-11T15:00+08:00", None, "2026-12-14T13:30:00+08:00"),
    # 9h Mon + 9h Tue end exactly at Tuesday's closing: due then, not Wednesday 08:30.
    ("maqsu", "medium", "resolution", "2026-12-07T08:30+08:00", None,
     "2026-12-08T17:30:00+08:00"),
    # Logged exactly at Wednesday's closing: starts Thursday 08:30. Thu 9h + Fri 9h +
    # Sat 4h30 = 22h30, then 1h30 on Monday.
    ("maqsu", "low", "resolution", "2026-12-02T17:30+08:00", None, "2026-12-07T10:00:00+08:00"),
    # --- Magaya: New York, Mon-Fri 07:00-20:00, Sat 08:00-12:00, US holidays limited ---
    # 30 min on Christmas Eve, then Christmas (limited staff, still open) from 07:00.
    ("magaya", "1", "response", "2026-12-24T19:30-05:00", None, "2026-12-25T07:30:00-05:00"),
    # 20 min Friday, 40 min from Saturday 08:00 (worked example).
    ("magaya", "2", "response", "2026-12-04T19:40-05:00", None, "2026-12-05T08:40:00-05:00"),
    # 1 business day from Sat 11:00: Sunday is not a business date, Monday is; open at 11:00.
    ("magaya", "3", "response", "2026-12-05T11:00-05:00", None, "2026-12-07T11:00:00-05:00"),
    # 1 business day from Fri 15:00 lands on Saturday, closed at 15:00 and later than its
    # opening: the closing of the last interval ending by 15:00, Sat 12:00.
    ("magaya", "4", "response", "2026-12-04T15:00-05:00", None, "2026-12-05T12:00:00-05:00"),
    # 2 business days from Tue 10:00: Wed, Thu -> Thu 10:00.
    ("magaya", "1", "resolution", "2026-12-01T10:00-05:00", None, "2026-12-03T10:00:00-05:00"),
    # 30 business days (Mon-Sat, holidays open) from Mon Nov 30: Dec 1-5 (5), 7-12 (11),
    # 14-19 (17), 21-26 (23), 28-31 (27), Jan 1 (28), Jan 2 (29), Mon Jan 4 (30).
    ("magaya", "2", "resolution", "2026-11-30T09:00-05:00", None, "2027-01-04T09:00:00-05:00"),
    # 60 business days (worked example).
    ("magaya", "3", "resolution", "2026-12-01T10:00-05:00", None, "2027-02-09T10:00:00-05:00"),
    # --- ACELYNK: critical 2 calendar hours 24x7; others Mon-Fri 08:00-20:00 New York ---
    # Christmas counts on the 24x7 calendar.
    ("acelynk", "critical", "response", "2026-12-25T09:15-05:00", None,
     "2026-12-25T11:15:00-05:00"),
    # 2h until 20:00 Friday, weekend closed, 2h from Monday 08:00.
    ("acelynk", "major", "response", "2026-12-04T18:00-05:00", None, "2026-12-07T10:00:00-05:00"),
    # Christmas Day is limited staff, not closed (worked example).
    ("acelynk", "minor", "response", "2026-12-24T18:30-05:00", None, "2026-12-25T10:30:00-05:00"),
    # --- Catapult: steps 1-2 in the client site's calendar, step 3 in US Central ---
    # Manila site: 30 min to 17:00 Monday; Tue Dec 8 is a PH holiday (closed); 30 min Wed.
    ("catapult", "1", "response", "2026-12-07T16:30+08:00", ("Asia/Manila", "PH"),
     "2026-12-09T08:30:00+08:00"),
    # New York site: 2h to 17:00 Wednesday, Thanksgiving closed, 2h Friday from 08:00.
    ("catapult", "2", "response", "2026-11-25T15:00-05:00", ("America/New_York", "US"),
     "2026-11-27T10:00:00-05:00"),
    # 1 business day in the site's calendar (worked example).
    ("catapult", "3", "response", "2026-12-04T16:00+08:00", ("Asia/Manila", "PH"),
     "2026-12-07T16:00:00+08:00"),
    # London site, 1 business day from Thu Dec 24 10:00: Christmas, the weekend and Boxing
    # Day observed (Mon Dec 28) are closed, so Tue Dec 29 10:00.
    ("catapult", "1", "workaround", "2026-12-24T10:00+00:00", ("Europe/London", "GB"),
     "2026-12-29T10:00:00+00:00"),
    # Chicago site, logged on MLK Day (closed): starts Tue 08:00; +2 business days = Thu 08:00.
    ("catapult", "2", "workaround", "2027-01-18T09:00-06:00", ("America/Chicago", "US"),
     "2027-01-21T08:00:00-06:00"),
    # Manila, 14 business days from Tue Jan 12: Jan 13-15 (3), 18-22 (8), 25-29 (13), Feb 1.
    ("catapult", "3", "workaround", "2027-01-12T09:00+08:00", ("Asia/Manila", "PH"),
     "2027-02-01T09:00:00+08:00"),
    # US Central, 15 business days from Fri Oct 30 10:00 CDT, across the end of DST on
    # Nov 1 and Veterans Day (Nov 11, closed): Nov 2-6 (5), 9-10 (7), 12-13 (9), 16-20 (14),
    # Mon Nov 23 (15), still 10:00 local, now CST.
    ("catapult", "1", "resolution", "2026-10-30T10:00-05:00", None, "2026-11-23T10:00:00-06:00"),
    # 30 business days (worked example).
    ("catapult", "2", "resolution", "2026-12-18T11:00-06:00", None, "2027-02-03T11:00:00-06:00"),
    # 60 business days from Mon Jun 1 09:00: June 2-30 less Juneteenth (20), July 1-31 less
    # Jul 3 observed (42), Aug 3-21 (57), Aug 24-26 (60).
    ("catapult", "3", "resolution", "2026-06-01T09:00-05:00", None, "2026-08-26T09:00:00-05:00"),
]


@pytest.mark.parametrize(("vendor", "severity", "metric", "start", "site", "expected"), CASES)
def test_every_target(sla: SlaService, vendor: str, severity: str, metric: str, start: str,
                      site: tuple[str, str] | None, expected: str) -> None:
    query = DueQuery(vendor, severity, metric, datetime.fromisoformat(start),
                     sla.site(*site) if site else sla.site())
    due = sla.due(query)
    assert due.due.astimezone(due.calendar.zone).isoformat() == expected


def test_every_shipped_target_has_a_case(sla: SlaService) -> None:
    covered = {(v, s, m) for v, s, m, *_ in CASES}
    for agreement in sla.agreements.values():
        for target in agreement.targets:
            if target.amount is not None:
                assert (agreement.vendor, target.severity, target.metric) in covered


def test_magaya_severity_4_resolution_is_agreed_per_incident(sla: SlaService) -> None:
    query = DueQuery("magaya", "4", "resolution", datetime.fromisoformat("2026-12-01T10:00-05:00"),
                     sla.site())
    with pytest.raises(SlaError, match=r"no default target.*agreed per incident"):
        sla.due(query)


def test_calendar_hours_are_elapsed_time_across_the_end_of_dst(sla: SlaService) -> None:
    # 00:30 EDT on Nov 1 is 04:30 UTC; two real hours later is 06:30 UTC = 01:30 EST.
    # Wall-clock arithmetic would wrongly say 02:30.
    query = DueQuery("acelynk", "critical", "response",
                     datetime.fromisoformat("2026-11-01T00:30-04:00"), sla.site())
    due = sla.due(query)
    assert due.due.astimezone(due.calendar.zone).isoformat() == "2026-11-01T01:30:00-05:00"


def test_business_days_keep_local_time_across_the_start_of_dst(sla: SlaService) -> None:
    # Magaya sev 1 resolution, 2 business days from Fri Mar 12 2027 10:00 EST: Sat Mar 13,
    # then Mon Mar 15 (DST began Sunday) at 10:00 local, EDT. Stepping 2 x 86,400 s from
    # Saturday would land at 11:00.
    query = DueQuery("magaya", "1", "resolution", datetime.fromisoformat("2027-03-12T10:00-05:00"),
                     sla.site())
    due = sla.due(query)
    assert due.due.astimezone(due.calendar.zone).isoformat() == "2027-03-15T10:00:00-04:00"


def test_catapult_steps_use_different_calendars(sla: SlaService) -> None:
    # A Manila site: step 1 follows Manila hours, step 3 US Central hours, from one start
    # (Fri Dec 4 16:00 Manila = Fri Dec 4 02:00 Chicago).
    start = datetime.fromisoformat("2026-12-04T16:00+08:00")
    site = sla.site("Asia/Manila", "PH")
    step1 = sla.due(DueQuery("catapult", "1", "response", start, site))
    step3 = sla.due(DueQuery("catapult", "1", "resolution", start, site))
    assert step1.zone_name == "Asia/Manila"
    assert step3.zone_name == "America/Chicago"
    # Step 1: 1 business hour from 16:00 Manila is 17:00 the same day.
    assert step1.due.astimezone(step1.calendar.zone).isoformat() == "2026-12-04T17:00:00+08:00"
    # Step 3: Chicago effective start Fri 08:00 (02:00 is before opening); 15 business days:
    # Dec 7-11 (5), 14-18 (10), 21-24 (14), Dec 25 closed, Mon Dec 28 (15), at 08:00.
    assert step3.due.astimezone(step3.calendar.zone).isoformat() == "2026-12-28T08:00:00-06:00"


def test_site_defaults_to_the_office(sla: SlaService) -> None:
    # The office is New York / US: Thanksgiving is closed for Catapult's site calendar.
    query = DueQuery("catapult", "2", "response", datetime.fromisoformat("2026-11-25T15:00-05:00"),
                     sla.site())
    assert sla.due(query).due.isoformat() == "2026-11-27T15:00:00+00:00"


def test_remaining_is_signed_business_time(sla: SlaService) -> None:
    due = sla.due(DueQuery("magaya", "2", "response",
                           datetime.fromisoformat("2026-12-04T19:40-05:00"), sla.site()))
    # At 19:50 Friday, 10 min of Friday and 40 min of Saturday are left.
    assert due.remaining(datetime.fromisoformat("2026-12-04T19:50-05:00")) == 50 * 60
    # Sunday counts nothing: at Monday 07:30, overdue by Sat 08:40-12:00 (3h20) + 30 min.
    assert due.remaining(datetime.fromisoformat("2026-12-07T07:30-05:00")) == -(3 * 3600 + 50 * 60)


def test_target_time_on_timestamps_is_the_same_instant(sla: SlaService) -> None:
    # A report adds the target time of thousands of tickets on timestamps: every shipped
    # target in every unit, from starts in open and closed time, across DST and holidays.
    rng = random.Random(8)
    site = Site("America/New_York", "US")
    base = datetime.fromisoformat("2026-10-28T00:00+00:00")
    checked = 0
    for agreement in sla.agreements.values():
        for target in agreement.targets:
            if target.amount is None:
                continue
            calendar = target_calendar(agreement, target, site, sla.book)
            for _ in range(40):
                start = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 70))
                for amount in (target.amount, 0, 1):
                    expected = add_target_time(target, calendar, start, amount)
                    assert add_target_time_ts(target, calendar, start.timestamp(),
                                              amount) == expected.timestamp()
                    checked += 1
    assert checked > 1000
