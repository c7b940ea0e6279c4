"""Every trap of SLA-RULES.md, end to end through the desk service (SQLite and PostgreSQL).

Calendars: MAQSU Singapore Mon-Fri 08:30-17:30, Sat 08:30-13:00, SG holidays closed.
Magaya Eastern Mon-Fri 07:00-20:00, Sat 08:00-12:00, US holidays limited (open as usual).
ACELYNK Eastern Mon-Fri 08:00-20:00, critical on a 24x7 calendar. Catapult site calendar
Mon-Fri 08:00-17:00 (site holidays closed), Tier 3 Chicago Mon-Fri 08:00-17:00 (US closed).
Each expectation is reasoned by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.core.clocks import ClockState
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import EventKind, ResolutionType, Status
from tests.app.support import Clock, at, clock_of, draft, open_desk, snapshot


def order(desk: Desk) -> list[str]:
    return [row.key for row in desk.queue()]


def next_dues(desk: Desk) -> dict[str, object]:
    return {row.key: row.next_due_at for row in desk.queue()}


# ----- trap 1: pauses count business time ---------------------------------------------------

def test_trap1_a_pause_costs_the_business_time_it_covers(desk: Desk, clock: Clock) -> None:
    # Magaya sev 1 resolution: 2 business days, pausable, warning after 1 day. Logged Tue
    # Dec 1 10:00: due Thu Dec 3 10:00, warning Wed 10:00.
    clock.set("2026-12-01T10:30-05:00")
    key = desk.log(draft("magaya", "1"), author="ana",
                   at=at("2026-12-01T10:00-05:00")).incident.key
    desk.respond(key, author="ana")
    clock.set("2026-12-02T07:30-05:00")
    desk.pause(key, author="ana", at=at("2026-12-01T19:00-05:00"))
    # Read Wed 07:30, inside the open pause: the countdown shows what was left at Tue 19:00
    # (Tue 19-20 1h + Wed 13h + Thu 07-10 3h = 17h) and does not move; the due has moved by
    # the 1h30 paused so far (Tue 19-20, Wed 07:00-07:30): Thu 11:30.
    paused = clock_of(desk.show(key, at("2026-12-02T07:30-05:00")).clocks, "resolution")
    assert paused.state is ClockState.PAUSED
    assert paused.left_seconds == 17 * 3600
    assert paused.paused_seconds == 1.5 * 3600
    assert paused.due == at("2026-12-03T11:30-05:00")
    # The customer calls Wed 08:00. The pause cost Tue 19-20 + Wed 07-08 = 2 business hours
    # (the night is closed): due Thu 12:00, warning Wed 12:00. Wall-clock counting would
    # have added 13 hours.
    clock.set("2026-12-02T08:00-05:00")
    resolution = clock_of(desk.customer_update(key, "Here are the logs",
                                               author="ana").incident.clocks, "resolution")
    assert resolution.paused_seconds == 2 * 3600
    assert resolution.due == at("2026-12-03T12:00-05:00")
    assert desk.cached_clocks(key)["resolution"]["warning_at"] == at("2026-12-02T12:00-05:00")
    # The update opened a new response cycle (1 business hour): due 09:00, the next due.
    assert next_dues(desk) == {key: at("2026-12-02T09:00-05:00")}


def test_trap1_a_weekend_pause_costs_nothing(desk: Desk, clock: Clock) -> None:
    # MAQSU high logged Fri Dec 11 15:00: resolution due Mon Dec 14 13:30 (2h30 Fri, 4h30
    # Sat, 5h Mon). Waiting from Sat 13:00 (closing) to Mon 08:30 (opening): no open time.
    clock.set("2026-12-14T08:30+08:00")
    key = desk.log(draft("maqsu", "high"), author="ana",
                   at=at("2026-12-11T15:00+08:00")).incident.key
    desk.pause(key, author="ana", at=at("2026-12-12T13:00+08:00"))
    resolution = clock_of(desk.resume(key, author="ana").incident.clocks, "resolution")
    assert resolution.paused_seconds == 0
    assert resolution.due == at("2026-12-14T13:30+08:00")


# ----- trap 3: severity changes and agreed due dates ------------------------------------------

def test_trap3_a_severity_change_recomputes_from_the_start_keeping_pauses(
        desk: Desk, clock: Clock) -> None:
    # MAQSU logged low Mon Dec 7 09:00; paused 10:00-11:00; raised to critical at 12:00.
    clock.set("2026-12-07T12:00+08:00")
    key = desk.log(draft("maqsu", "low"), author="ana",
                   at=at("2026-12-07T09:00+08:00")).incident.key
    desk.pause(key, author="ana", at=at("2026-12-07T10:00+08:00"))
    desk.resume(key, author="ana", at=at("2026-12-07T11:00+08:00"))
    before = snapshot(desk, key)
    with pytest.raises(InputError, match="a severity change needs a reason"):
        desk.change_severity(key, "critical", "", author="ana")
    assert snapshot(desk, key) == before
    raised = desk.change_severity(key, "critical", "Whole warehouse down", author="ana").incident
    assert raised.severity == "critical"
    assert raised.events[-1].kind is EventKind.SEVERITY_CHANGED
    assert raised.events[-1].data == {"severity": "critical", "from": "low",
                                      "reason": "Whole warehouse down"}
    # Resolution 4h from the original start 09:00 = 13:00, plus the 1h pause = 14:00.
    resolution = clock_of(raised.clocks, "resolution")
    assert resolution.clock.target.severity == "critical"
    assert resolution.due == at("2026-12-07T14:00+08:00")
    assert resolution.paused_seconds == 3600
    # Response 4h from 09:00 (not pausable) = 13:00: the incident's next due.
    assert clock_of(raised.clocks, "response").due == at("2026-12-07T13:00+08:00")
    assert next_dues(desk) == {key: at("2026-12-07T13:00+08:00")}
    # Lowered back to low: 24h from Mon 09:00 = Mon 8h30 + Tue 9h + Wed 6h30 = Wed 15:00,
    # plus the pause = Wed 16:00; response 8h = Mon 17:00. Nothing stale is kept.
    clock.set("2026-12-07T12:30+08:00")
    lowered = desk.change_severity(key, "low", "Only one printer", author="ana").incident
    assert clock_of(lowered.clocks, "resolution").due == at("2026-12-09T16:00+08:00")
    assert clock_of(lowered.clocks, "response").due == at("2026-12-07T17:00+08:00")
    assert [e.data.get("severity") for e in lowered.events
            if e.kind is EventKind.SEVERITY_CHANGED] == ["critical", "low"]


def test_trap3_a_due_date_agreed_by_hand_stays_fixed(desk: Desk, clock: Clock) -> None:
    # Magaya sev 4: resolution has no default target. Logged Tue Dec 1 10:00, answered 10:30.
    clock.set("2026-12-01T10:30-05:00")
    key = desk.log(draft("magaya", "4", channel="pageone"), author="ana",
                   at=at("2026-12-01T10:00-05:00")).incident.key
    desk.respond(key, author="ana")
    pending = clock_of(desk.show(key).clocks, "resolution")
    assert pending.state is ClockState.PENDING
    assert pending.clock.note == "no due date agreed yet"
    assert next_dues(desk) == {key: None}  # nothing is counting
    # Agreed at 11:00 for Jan 15 17:00 Eastern, typed in UTC.
    clock.set("2026-12-01T11:00-05:00")
    agreed = desk.agree_due_date(key, at("2027-01-15T22:00Z"), author="ana").incident
    assert agreed.agreed_due == at("2027-01-15T17:00-05:00")
    assert agreed.agreed_due.tzinfo is UTC
    # A week waiting on the customer does not move it.
    clock.set("2026-12-09T09:00-05:00")
    desk.pause(key, author="ana", at=at("2026-12-02T09:00-05:00"))
    resumed = desk.resume(key, author="ana").incident
    assert clock_of(resumed.clocks, "resolution").due == at("2027-01-15T17:00-05:00")
    assert next_dues(desk) == {key: at("2027-01-15T17:00-05:00")}
    # Raised to 3: 60 business days from the start, Tue Feb 9 10:00 (the worked example),
    # plus the week's pause in business time (Wed 09-20 11h, Thu 13h, Fri 13h, Sat 4h,
    # Mon 13h, Tue 13h, Wed 07-09 2h = 69h): from Tue Feb 9 10:00, Tue 10h, Wed 13h,
    # Thu 13h, Fri 13h, Sat 4h (53h), Mon Feb 15 (Washington's Birthday, limited staff:
    # open) 13h (66h), Tue 3h: Tue Feb 16 10:00.
    clock.set("2026-12-10T10:00-05:00")
    raised = desk.change_severity(key, "3", "Affects invoicing", author="ana").incident
    resolution = clock_of(raised.clocks, "resolution")
    assert resolution.paused_seconds == 69 * 3600
    assert resolution.due == at("2027-02-16T10:00-05:00")
    # With fixed targets, no date is agreed by hand.
    before = snapshot(desk, key)
    with pytest.raises(InputError, match="Magaya severity 3 has fixed targets; no due date"):
        desk.agree_due_date(key, at("2027-01-20T17:00-05:00"), author="ana")
    assert snapshot(desk, key) == before
    # Lowered back to 4: the agreed date is in force again, untouched.
    clock.set("2026-12-10T12:00-05:00")
    lowered = desk.change_severity(key, "4", "Workaround accepted", author="ana").incident
    assert clock_of(lowered.clocks, "resolution").due == at("2027-01-15T17:00-05:00")


# ----- trap 4: logged outside hours or on a holiday --------------------------------------------

def test_trap4_logged_outside_hours_starts_at_the_next_open_minute(desk: Desk) -> None:
    # Magaya sev 1 logged Sunday Dec 6 15:00: the clocks start Mon 07:00. Response 1h:
    # 08:00. Resolution 2 business days from Mon 07:00: Wed Dec 9 07:00.
    sunday = desk.log(draft("magaya", "1"), author="ana",
                      at=at("2026-12-06T15:00-05:00")).incident
    assert sunday.reported_at == at("2026-12-06T20:00Z")  # the report time is kept
    assert clock_of(sunday.clocks, "response").due == at("2026-12-07T08:00-05:00")
    assert clock_of(sunday.clocks, "resolution").due == at("2026-12-09T07:00-05:00")
    # Magaya sev 2 logged Fri Dec 4 at 20:00, the closing minute: open intervals are
    # half-open, so it starts Sat 08:00; response due Sat 09:00.
    closing = desk.log(draft("magaya", "2"), author="ana",
                       at=at("2026-12-04T20:00-05:00")).incident
    assert clock_of(closing.clocks, "response").due == at("2026-12-05T09:00-05:00")


def test_trap4_a_closed_holiday_is_skipped_and_a_limited_one_is_not(desk: Desk) -> None:
    # MAQSU critical logged Thu Dec 24 18:00 Singapore (closed since 17:30); Fri Dec 25 is
    # Christmas, a closed SG holiday: the clocks start Sat Dec 26 08:30; 4h: Sat 12:30.
    christmas_eve = desk.log(draft("maqsu", "critical"), author="ana",
                             at=at("2026-12-24T18:00+08:00")).incident
    for state in christmas_eve.clocks:
        assert state.due == at("2026-12-26T12:30+08:00")
    # Magaya sev 1 logged on Christmas Day 10:00 Eastern: a US holiday with limited staff,
    # open as usual: response due 11:00 the same day.
    christmas = desk.log(draft("magaya", "1"), author="ana",
                         at=at("2026-12-25T10:00-05:00")).incident
    assert clock_of(christmas.clocks, "response").due == at("2026-12-25T11:00-05:00")
    # ACELYNK critical runs on a 24x7 calendar: Sunday 03:00 + 2 hours = 05:00.
    night = desk.log(draft("acelynk", "critical"), author="ana",
                     at=at("2026-12-06T03:00-05:00")).incident
    assert clock_of(night.clocks, "response").due == at("2026-12-06T05:00-05:00")


# ----- trap 5: zones ------------------------------------------------------------------------

def test_trap5_the_same_instants_in_other_offsets_read_back_alike_in_utc(
        desk: Desk, clock: Clock, any_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same history three times, typed in Singapore, New York and UTC offsets. The
    # desk's own clock reads in Singapore time too.
    clock.set("2026-12-14T12:00+08:00")
    keys = []
    for hours in (8, -5, 0):
        zone = timezone(timedelta(hours=hours))

        def local(text: str, zone: timezone = zone) -> datetime:
            # A Singapore wall time, written in another offset.
            return at(text + "+08:00").astimezone(zone)

        logged = desk.log(draft("maqsu", "high", filing_deadline=local("2026-12-20T09:00")),
                          author="ana", at=local("2026-12-11T15:00"))
        key = logged.incident.key
        keys.append(key)
        assert logged.incident.reported_at.tzinfo is UTC
        assert logged.incident.filing_deadline is not None
        assert logged.incident.filing_deadline.tzinfo is UTC
        desk.pause(key, author="ana", at=local("2026-12-14T09:00"))
        desk.resume(key, author="ana", at=local("2026-12-14T10:00"))
    # Read through a second desk whose PostgreSQL session runs in Tokyo time.
    monkeypatch.setenv("PGTZ", "Asia/Tokyo")
    other = open_desk(any_database_url, clock)
    try:
        views = [other.show(key) for key in keys]
        rows = {row.key: row for row in other.queue()}
    finally:
        other.shutdown()
    first = views[0]
    assert first.reported_at == at("2026-12-11T07:00Z")
    for view in views:
        assert view.reported_at == first.reported_at
        assert view.filing_deadline == at("2026-12-20T01:00Z")
        assert view.updated_at == at("2026-12-14T04:00Z")
        assert [(e.kind, e.at) for e in view.events] == [(e.kind, e.at) for e in first.events]
        assert [(s.due, s.paused_seconds, s.left_seconds) for s in view.clocks] == [
            (s.due, s.paused_seconds, s.left_seconds) for s in first.clocks]
        for moment in (view.reported_at, view.updated_at, view.filing_deadline,
                       *(e.at for e in view.events),
                       *(s.due for s in view.clocks if s.due is not None)):
            assert moment is not None and moment.tzinfo is UTC
        row = rows[view.key]
        assert row.next_due_at is not None and row.next_due_at.tzinfo is UTC
        assert row.reported_at.tzinfo is UTC
    # The resolution: Mon 13:30 plus the 1h pause = Mon 14:30 Singapore.
    assert clock_of(first.clocks, "resolution").due == at("2026-12-14T14:30+08:00")
    assert len({row.next_due_at for row in rows.values()}) == 1


# ----- trap 6: no 86,400-second days ---------------------------------------------------------

def test_trap6_days_across_daylight_saving_changes(desk: Desk, clock: Clock) -> None:
    clock.set("2027-04-01T12:00Z")
    # ACELYNK critical, 2 elapsed hours, logged Sun Mar 14 2027 01:30 EST (06:30Z), when
    # 02:00 jumps to 03:00: due 08:30Z = 04:30 EDT (wall-clock arithmetic says 03:30 EDT).
    spring = desk.log(draft("acelynk", "critical"), author="ana",
                      at=at("2027-03-14T01:30-05:00")).incident
    assert clock_of(spring.clocks, "response").due == at("2027-03-14T04:30-04:00")
    # Magaya sev 3 response, 1 business day, logged Sat Mar 13 10:00 EST: due the next
    # business date, Mon Mar 15, at 10:00 local = 14:00Z (two 86,400 s steps: 15:00Z).
    business_day = desk.log(draft("magaya", "3", channel="email"), author="ana",
                            at=at("2027-03-13T10:00-05:00")).incident
    assert clock_of(business_day.clocks, "response").due == at("2027-03-15T14:00Z")
    # The other way: logged Sat Oct 31 2026 10:00 EDT; the clocks go back Sun Nov 1; due
    # Mon Nov 2 10:00 EST = 15:00Z.
    autumn = desk.log(draft("magaya", "3", channel="email"), author="ana",
                      at=at("2026-10-31T10:00-04:00")).incident
    assert clock_of(autumn.clocks, "response").due == at("2026-11-02T15:00Z")
    # ACELYNK major, 4 business hours, logged Fri Mar 12 18:00 EST: Fri 18-20 (2h) + Mon
    # 08:00-10:00 EDT: 14:00Z.
    hours = desk.log(draft("acelynk", "major"), author="ana",
                     at=at("2027-03-12T18:00-05:00")).incident
    assert clock_of(hours.clocks, "response").due == at("2027-03-15T14:00Z")


# ----- traps 7 and 8: half days, business days, months --------------------------------------

def test_trap8_business_days_are_dates_not_multiples_of_24_hours(desk: Desk) -> None:
    # Magaya sev 1 resolution logged Fri Dec 4 19:00: 1 business day lands on Saturday,
    # open only 08:00-12:00, so the warning is at its closing, 12:00 (trap 7: half days);
    # 2 business days: Mon Dec 7 19:00.
    late = desk.log(draft("magaya", "1"), author="ana",
                    at=at("2026-12-04T19:00-05:00")).incident
    assert clock_of(late.clocks, "resolution").due == at("2026-12-07T19:00-05:00")
    assert not clock_of(desk.show(late.key, at("2026-12-05T11:59-05:00")).clocks,
                        "resolution").warning
    assert clock_of(desk.show(late.key, at("2026-12-05T12:00-05:00")).clocks,
                    "resolution").warning
    # Magaya sev 2 resolution, 30 business days from Tue Dec 1 10:00: Mon-Sat dates, US
    # holidays open (limited): Dec 2-5 (4), 7-12 (10), 14-19 (16), 21-26 (22, Christmas
    # counted), 28-31 (26), Jan 1-2 (28), Jan 4-5 (30): Tue Jan 5 10:00, not "a month".
    month = desk.log(draft("magaya", "2"), author="ana",
                     at=at("2026-12-01T10:00-05:00")).incident
    assert clock_of(month.clocks, "resolution").due == at("2027-01-05T10:00-05:00")


# ----- trap 9: warnings follow the calendar ---------------------------------------------------

def test_trap9_warnings_come_on_the_calendar_not_at_midnight(desk: Desk, clock: Clock) -> None:
    # MAQSU high resolution warns at 75 % of 12h = 9 business hours: Fri 2h30 + Sat 4h30 +
    # Mon 2h = Mon Dec 14 10:30 (nine wall-clock hours would be Sat 00:00). The response
    # warns at 3 of 4 hours: Fri 2h30 + Sat 30 min = Sat 09:00.
    clock.set("2026-12-14T09:00+08:00")
    key = desk.log(draft("maqsu", "high"), author="ana",
                   at=at("2026-12-11T15:00+08:00")).incident.key
    cached = desk.cached_clocks(key)
    assert cached["resolution"]["warning_at"] == at("2026-12-14T10:30+08:00")
    assert cached["response"]["warning_at"] == at("2026-12-12T09:00+08:00")

    def warns(now: str, metric: str = "resolution") -> bool:
        return clock_of(desk.show(key, at(now)).clocks, metric).warning

    assert not warns("2026-12-12T00:00+08:00")
    assert not warns("2026-12-12T08:59+08:00", "response")
    assert warns("2026-12-12T09:00+08:00", "response")
    assert not warns("2026-12-14T08:59+08:00")
    # The queue reads the same from the cached clocks.
    [row] = desk.queue()
    resolution = next(c for c in row.clocks if c.metric == "resolution")
    assert not resolution.at(at("2026-12-14T10:29+08:00")).warning
    assert resolution.at(at("2026-12-14T10:30+08:00")).warning
    # A pause 09:00-10:00 Monday moves the warning by one business hour: 11:30.
    desk.pause(key, author="ana")
    clock.set("2026-12-14T10:00+08:00")
    desk.resume(key, author="ana")
    assert not warns("2026-12-14T11:29+08:00")
    assert warns("2026-12-14T11:30+08:00")


# ----- trap 10: the next due time is the earliest open target ----------------------------------

def test_trap10_the_queue_orders_by_the_earliest_open_target(desk: Desk, clock: Clock) -> None:
    clock.set("2026-12-11T16:00+08:00")
    # A: MAQSU high logged Fri 15:00, not answered: response due Sat 10:00 (resolution Mon
    # 13:30). B: logged Fri 14:00, answered 14:30: resolution Fri 3h30 + Sat 4h30 + Mon 4h
    # = Mon 12:30. B's resolution is before A's, but A's response comes first.
    a = desk.log(draft("maqsu", "high", title="A"), author="ana",
                 at=at("2026-12-11T15:00+08:00")).incident.key
    b = desk.log(draft("maqsu", "high", title="B"), author="ana",
                 at=at("2026-12-11T14:00+08:00")).incident.key
    desk.respond(b, author="ana", at=at("2026-12-11T14:30+08:00"))
    assert next_dues(desk) == {a: at("2026-12-12T10:00+08:00"),
                               b: at("2026-12-14T12:30+08:00")}
    assert order(desk) == [a, b]
    # A answered at 16:30: its next due is its resolution, Mon 13:30, after B's.
    clock.set("2026-12-11T16:30+08:00")
    desk.respond(a, author="ana")
    assert order(desk) == [b, a]
    assert next_dues(desk)[a] == at("2026-12-14T13:30+08:00")
    # B waits on the customer: its only open target is paused, so nothing of B counts down
    # and it sorts after every incident with a running clock.
    clock.set("2026-12-11T17:00+08:00")
    desk.pause(b, author="ana")
    assert order(desk) == [a, b]
    assert next_dues(desk)[b] is None


def test_trap10_three_targets_in_two_calendars(desk: Desk, clock: Clock) -> None:
    # Catapult sev 2, New York site: nothing counts until the documentation is complete.
    clock.set("2026-12-07T09:30-05:00")
    key = desk.log(draft("catapult", "2"), author="ana",
                   at=at("2026-12-07T09:00-05:00")).incident.key
    assert {s.state for s in desk.show(key).clocks} == {ClockState.PENDING}
    assert next_dues(desk) == {key: None}
    # Documentation complete Mon 10:00: step 1 (4 business hours, site) due 14:00; step 2
    # (2 business days, site) Wed Dec 9 10:00; step 3 (30 business days, Chicago, US
    # holidays closed) from Mon 09:00 CT: Dec 8-11 (4), 14-18 (9), 21-24 (13), 28-31
    # (17), Jan 4-8 (22), 11-15 (27), 19-21 (30; Jan 18 is MLK Day): Thu Jan 21 09:00 CT.
    clock.set("2026-12-07T10:00-05:00")
    documented = desk.documentation_complete(key, author="ana").incident
    dues = {s.metric: s.due for s in documented.clocks}
    assert dues == {"response": at("2026-12-07T14:00-05:00"),
                    "workaround": at("2026-12-09T10:00-05:00"),
                    "resolution": at("2027-01-21T09:00-06:00")}
    assert next_dues(desk) == {key: dues["response"]}
    clock.set("2026-12-07T11:00-05:00")
    desk.respond(key, "Receipt confirmed", author="ana")
    assert next_dues(desk) == {key: dues["workaround"]}
    clock.set("2026-12-08T11:00-05:00")
    desk.provide_workaround(key, "Temporary patch", author="ana")
    assert next_dues(desk) == {key: dues["resolution"]}
    clock.set("2026-12-09T11:00-05:00")
    desk.resolve(key, ResolutionType.NEW_CODE_CORRECTION, author="ana")
    assert next_dues(desk) == {}
    assert desk.queue(QueueFilter(view=View.CLOSED))[0].next_due_at is None


def test_a_site_in_another_zone_runs_on_its_own_hours(desk: Desk, clock: Clock) -> None:
    # Catapult sev 2 for a Manila site (PH holidays): step 1 counts Manila hours. Logged and
    # documented Mon Dec 7 10:00 Manila: due 14:00 Manila.
    clock.set("2026-12-07T10:00+08:00")
    view = desk.log(draft("catapult", "2", site_zone="Asia/Manila", site_country="PH",
                          documentation_complete_at=at("2026-12-07T10:00+08:00")),
                    author="ana", at=at("2026-12-07T10:00+08:00")).incident
    assert (view.site_zone, view.site_country) == ("Asia/Manila", "PH")
    assert clock_of(view.clocks, "response").due == at("2026-12-07T14:00+08:00")
    # Without a site, the office's is kept with the incident.
    office = desk.log(draft("catapult", "2"), author="ana").incident
    assert (office.site_zone, office.site_country) == ("America/New_York", "US")
    assert office.status is Status.NEW


def test_trap9_a_warning_after_a_fraction_of_a_business_day(desk: Desk, clock: Clock) -> None:
    # Magaya sev 3 response: 1 business day, warning at 75 % of it. Logged Mon Dec 14 09:00:
    # due Tue 09:00. The business time to it is Mon 09-20 (11h) + Tue 07-09 (2h) = 13h, and
    # 75 % of the day is 9h45 of it: Mon 18:45, not the clock start.
    clock.set("2026-12-14T09:30-05:00")
    key = desk.log(draft("magaya", "3", channel="email"), author="ana",
                   at=at("2026-12-14T09:00-05:00")).incident.key
    assert desk.cached_clocks(key)["response"]["warning_at"] == at("2026-12-14T18:45-05:00")
    assert not clock_of(desk.show(key).clocks, "response").warning
    assert clock_of(desk.show(key, at("2026-12-14T18:45-05:00")).clocks, "response").warning
    # Logged Sat Dec 12 11:00 (Saturday is open 08-12): due Mon 11:00; Sat 1h + Mon 07-11
    # 4h = 5h, 75 % = 3h45: Sat 11-12, then Mon 07:00 + 2h45 = 09:45.
    saturday = desk.log(draft("magaya", "3", channel="email"), author="ana",
                        at=at("2026-12-12T11:00-05:00")).incident.key
    cached = desk.cached_clocks(saturday)["response"]
    assert (cached["warning_at"], cached["due_at"]) == (at("2026-12-14T09:45-05:00"),
                                                        at("2026-12-14T11:00-05:00"))


def test_limited_staff_holidays_are_named_before_a_target_is_due(desk: Desk,
                                                                  clock: Clock) -> None:
    # Magaya sev 2 logged Mon Dec 21 10:00: response 1 business hour (11:00), resolution 30
    # business days. Christmas (Fri Dec 25) and New Year's Day (Fri Jan 1) are US holidays
    # with limited staff, open as usual, within the next two weeks.
    clock.set("2026-12-21T10:30-05:00")
    key = desk.log(draft("magaya", "2"), author="ana", at=at("2026-12-21T10:00-05:00")).incident.key
    assert desk.show(key).warnings == (
        "Fri 2026-12-25 is a US holiday (Christmas Day): Magaya has limited staff",
        "Fri 2027-01-01 is a US holiday (New Year's Day): Magaya has limited staff")
    # Closed-holiday calendars skip those days instead, and a resolved incident warns of
    # nothing.
    maqsu = desk.log(draft("maqsu", "low"), author="ana").incident.key
    assert desk.show(maqsu).warnings == ()
    clock.set("2026-12-21T11:00-05:00")
    desk.resolve(key, ResolutionType.ANSWER, author="ana")
    assert desk.show(key).warnings == ()
