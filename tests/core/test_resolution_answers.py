"""A resolution answers the customer: it meets every response target or cycle still open,
nothing counts down on a resolved or closed incident, and reopening brings the resolution
target back. Each expectation is reasoned by hand from the shipped agreements."""

from __future__ import annotations

from deskapp.core.clocks import ClockState, clocks_at, compute_clocks, next_due
from deskapp.core.lifecycle import Event, EventKind
from tests.core.test_clocks import MAQSU_HIGH, NEW_YORK_SITE, at, created, event, state_of

COUNTING = (ClockState.RUNNING, ClockState.PAUSED)


def resolved(when: str) -> Event:
    return event(EventKind.RESOLVED, when, resolution_type="answer")


# Magaya sev 3 response: 1 business day (Eastern, Mon-Fri 07:00-20:00, Sat 08:00-12:00),
# every customer update opens a new cycle. Logged Tue Dec 1 10:00, answered 11:00; the
# customer writes again Wed 09:00: the second cycle is due Thu 09:00.
MAGAYA_SEV3 = [created("2026-12-01T10:00-05:00", "3"),
               event(EventKind.RESPONSE_SENT, "2026-12-01T11:00-05:00"),
               event(EventKind.CUSTOMER_UPDATE, "2026-12-02T09:00-05:00", text="any news?")]


def test_a_resolution_closes_the_open_response_cycle_in_time(agreements, book) -> None:
    events = [*MAGAYA_SEV3, resolved("2026-12-02T15:00-05:00")]
    response = state_of(agreements, book, "magaya", events, "response",
                        "2026-12-02T16:00-05:00")
    assert response.clock.cycles == 2
    assert response.state is ClockState.MET
    assert response.clock.met_at == at("2026-12-02T15:00-05:00")
    # Wed 15:00 to Thu 09:00: Wed 15-20 (5h) + Thu 07-09 (2h) to spare.
    assert response.left_seconds == 7 * 3600


def test_a_late_resolution_closes_the_open_cycle_late(agreements, book) -> None:
    events = [*MAGAYA_SEV3, resolved("2026-12-03T10:00-05:00")]
    response = state_of(agreements, book, "magaya", events, "response",
                        "2026-12-03T11:00-05:00")
    assert response.state is ClockState.BREACHED
    assert response.clock.met_at == at("2026-12-03T10:00-05:00")
    assert response.left_seconds == -3600


def test_nothing_counts_down_on_a_resolved_or_closed_incident(agreements, book) -> None:
    # The cycle opened by the last customer update stayed open after the resolution; a
    # week after the close it must not show a running countdown.
    events = [*MAGAYA_SEV3, resolved("2026-12-02T15:00-05:00"),
              event(EventKind.CLOSED, "2026-12-02T16:00-05:00")]
    for now in ("2026-12-02T15:30-05:00", "2026-12-02T16:30-05:00", "2026-12-09T12:00-05:00"):
        states = clocks_at(events, agreements["magaya"], NEW_YORK_SITE, book, at(now))
        assert [s.state for s in states if s.state in COUNTING] == []
        assert not any(s.warning for s in states)
        assert next_due([s.clock for s in states]) is None


def test_a_resolution_meets_an_unanswered_maqsu_response_in_time(agreements, book) -> None:
    # MAQSU high response: 4 business hours from Fri Dec 11 15:00 = Sat 10:00. Resolved Fri
    # 17:00 with no separate reply: met with Fri 17:00-17:30 + Sat 08:30-10:00 = 2h to spare.
    events = [MAQSU_HIGH, resolved("2026-12-11T17:00+08:00")]
    response = state_of(agreements, book, "maqsu", events, "response", "2026-12-14T12:00+08:00")
    assert response.state is ClockState.MET
    assert response.clock.met_at == at("2026-12-11T17:00+08:00")
    assert response.left_seconds == 2 * 3600


def test_a_resolution_after_the_response_due_time_is_late(agreements, book) -> None:
    # Resolved Mon Dec 14 09:00, unanswered until then: late by Sat 10:00-13:00 (3h) + Mon
    # 08:30-09:00 (30 min), and no longer running.
    events = [MAQSU_HIGH, resolved("2026-12-14T09:00+08:00")]
    response = state_of(agreements, book, "maqsu", events, "response", "2026-12-15T09:00+08:00")
    assert response.state is ClockState.BREACHED
    assert response.clock.met_at == at("2026-12-14T09:00+08:00")
    assert response.left_seconds == -3.5 * 3600


def test_a_resolution_meets_acelynk_responses(agreements, book) -> None:
    # ACELYNK critical: 2 calendar hours on the 24x7 calendar. Logged Sun Dec 6 03:00,
    # resolved 06:00: an hour late.
    critical = [created("2026-12-06T03:00-05:00", "critical"),
                resolved("2026-12-06T06:00-05:00")]
    response = state_of(agreements, book, "acelynk", critical, "response",
                        "2026-12-07T09:00-05:00")
    assert response.state is ClockState.BREACHED
    assert response.clock.met_at == at("2026-12-06T06:00-05:00")
    assert response.left_seconds == -3600
    # ACELYNK major: 4 business hours (Mon-Fri 08:00-20:00). Logged Mon Dec 7 09:00 (due
    # 13:00), resolved 12:00: met with an hour to spare.
    major = [created("2026-12-07T09:00-05:00", "major"), resolved("2026-12-07T12:00-05:00")]
    response = state_of(agreements, book, "acelynk", major, "response",
                        "2026-12-08T09:00-05:00")
    assert response.state is ClockState.MET
    assert response.left_seconds == 3600


def test_reopening_brings_the_resolution_back_and_met_responses_stay_met(agreements,
                                                                         book) -> None:
    # MAQSU high: resolution due Mon Dec 14 13:30, response Sat 10:00. Resolved Fri 17:00
    # (meeting both), reopened Mon 09:00: the resolution runs against its original due
    # time, the weekend and Monday morning spent resolved counting as any other time.
    events = [MAQSU_HIGH, resolved("2026-12-11T17:00+08:00"),
              event(EventKind.REOPENED, "2026-12-14T09:00+08:00", reason="back again")]
    resolution = state_of(agreements, book, "maqsu", events, "resolution",
                          "2026-12-14T10:00+08:00")
    assert resolution.state is ClockState.RUNNING
    assert resolution.due == at("2026-12-14T13:30+08:00")
    assert resolution.paused_seconds == 0
    assert resolution.left_seconds == 3.5 * 3600
    response = state_of(agreements, book, "maqsu", events, "response", "2026-12-14T10:00+08:00")
    assert response.state is ClockState.MET
    assert response.clock.met_at == at("2026-12-11T17:00+08:00")
    # Resolved again at 14:00: met 30 minutes late.
    events.append(resolved("2026-12-14T14:00+08:00"))
    again = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T15:00+08:00")
    assert again.state is ClockState.BREACHED
    assert again.left_seconds == -1800


def test_reopening_does_not_reopen_a_response_cycle(agreements, book) -> None:
    # The cycle the resolution closed stays closed after a reopening; the next customer
    # update opens the third cycle, due a business day later.
    events = [*MAGAYA_SEV3, resolved("2026-12-02T15:00-05:00"),
              event(EventKind.REOPENED, "2026-12-03T10:00-05:00", reason="not fixed")]
    response = state_of(agreements, book, "magaya", events, "response",
                        "2026-12-03T11:00-05:00")
    assert (response.state, response.clock.cycles) == (ClockState.MET, 2)
    events.append(event(EventKind.CUSTOMER_UPDATE, "2026-12-03T12:00-05:00", text="again"))
    response = state_of(agreements, book, "magaya", events, "response",
                        "2026-12-03T13:00-05:00")
    assert (response.state, response.clock.cycles) == (ClockState.RUNNING, 3)
    assert response.due == at("2026-12-04T12:00-05:00")


def test_clocks_that_start_while_resolved_do_not_count_down(agreements, book) -> None:
    # Catapult sev 2 resolved Mon Dec 7 10:00 before its documentation was complete; the
    # documentation comes in at 11:00. Every clock starts then and is answered at once by
    # the standing resolution.
    events = [created("2026-12-07T09:00-05:00", "2"), resolved("2026-12-07T10:00-05:00"),
              event(EventKind.DOCUMENTATION_COMPLETE, "2026-12-07T11:00-05:00")]
    states = clocks_at(events, agreements["catapult"], NEW_YORK_SITE, book,
                       at("2026-12-08T09:00-05:00"))
    assert {s.state for s in states} == {ClockState.MET}
    assert {s.clock.met_at for s in states} == {at("2026-12-07T11:00-05:00")}
    # Reopened Tue 09:00: the official fix (step 3) runs from the documentation; the receipt
    # (step 1) and the workaround (step 2) stay met.
    events.append(event(EventKind.REOPENED, "2026-12-08T09:00-05:00", reason="still down"))
    clocks = {c.metric: c for c in compute_clocks(events, agreements["catapult"],
                                                  NEW_YORK_SITE, book)}
    assert clocks["resolution"].met_at is None
    assert clocks["resolution"].clock_start == at("2026-12-07T11:00-05:00")
    assert clocks["response"].met_at == at("2026-12-07T11:00-05:00")
    assert clocks["workaround"].met_at == at("2026-12-07T11:00-05:00")
