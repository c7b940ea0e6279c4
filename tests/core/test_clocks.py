"""SLA clocks from timelines: the traps of SLA-RULES.md, each expectation reasoned by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from deskapp.core.agreement_file import parse_agreement
from deskapp.core.clocks import (
    CLOCK_EVENTS,
    ClockState,
    TargetState,
    clocks_at,
    compute_clocks,
    next_due,
)
from deskapp.core.lifecycle import Event, EventKind
from deskapp.core.sla import CalendarBook, Site

NEW_YORK_SITE = Site("America/New_York", "US")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def created(when: str, severity: str) -> Event:
    return Event(EventKind.CREATED, at(when), "ana", {"severity": severity, "status": "new"})


def status(when: str, value: str) -> Event:
    return Event(EventKind.STATUS_CHANGED, at(when), "ana", {"status": value})


def event(kind: EventKind, when: str, **data: str) -> Event:
    return Event(kind, at(when), "ana", data)


def state_of(agreements, book: CalendarBook, vendor: str, events: list[Event], metric: str,
             now: str, site: Site = NEW_YORK_SITE) -> TargetState:
    states = clocks_at(events, agreements[vendor], site, book, at(now))
    return next(s for s in states if s.metric == metric)


# MAQSU high resolution: 12 business hours in Singapore (Mon-Fri 08:30-17:30, Sat
# 08:30-13:00). Logged Fri Dec 11 15:00: unpaused due Mon Dec 14 13:30.
MAQSU_HIGH = created("2026-12-11T15:00+08:00", "high")


def test_trap1_a_pause_over_the_weekend_costs_nothing(agreements, book) -> None:
    # Waiting on the customer from Sat 13:00 (closing) to Mon 08:30 (opening): no business
    # time passes, so the due stays Mon 13:30. Wall-clock counting would add 43h30.
    events = [MAQSU_HIGH, status("2026-12-12T13:00+08:00", "waiting on customer"),
              status("2026-12-14T08:30+08:00", "in progress")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T09:00+08:00")
    assert state.due == at("2026-12-14T13:30+08:00")
    assert state.paused_seconds == 0
    # A one-hour pause inside Monday's hours pushes the due by one business hour.
    events += [status("2026-12-14T09:00+08:00", "waiting on customer"),
               status("2026-12-14T10:00+08:00", "in progress")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T10:00+08:00")
    assert state.due == at("2026-12-14T14:30+08:00")
    assert state.paused_seconds == 3600
    assert state.state is ClockState.RUNNING
    # 10:00 to 14:30 on Monday: 4h30 left.
    assert state.left_seconds == 4.5 * 3600


def test_an_open_pause_shows_paused_and_keeps_pushing_the_due(agreements, book) -> None:
    events = [MAQSU_HIGH, status("2026-12-14T09:00+08:00", "waiting on customer")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T11:00+08:00")
    assert state.state is ClockState.PAUSED
    # Left when the pause began (09:00 to 13:30) and does not move while paused.
    assert state.left_seconds == 4.5 * 3600
    assert state.paused_seconds == 2 * 3600
    assert state.due == at("2026-12-14T15:30+08:00")
    # The response target is not pausable: it ran out at Sat 10:00 (2h30 Fri + 1h30 Sat).
    response = state_of(agreements, book, "maqsu", events, "response", "2026-12-14T11:00+08:00")
    assert response.state is ClockState.BREACHED
    assert response.due == at("2026-12-12T10:00+08:00")


def test_trap2_resolving_straight_from_a_pause_closes_it(agreements, book) -> None:
    events = [MAQSU_HIGH, status("2026-12-14T09:00+08:00", "waiting on customer"),
              event(EventKind.RESOLVED, "2026-12-14T10:00+08:00", resolution_type="answer")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T12:00+08:00")
    # Resolved at 10:00 with a 1h pause: due 14:30, met with 4h30 to spare.
    assert state.state is ClockState.MET
    assert state.paused_seconds == 3600
    assert state.left_seconds == 4.5 * 3600
    # Reopened at 11:00: the target runs again, due still 14:30; at 12:00, 2h30 left.
    events.append(event(EventKind.REOPENED, "2026-12-14T11:00+08:00"))
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T12:00+08:00")
    assert state.state is ClockState.RUNNING
    assert state.left_seconds == 2.5 * 3600


def test_trap3_a_severity_change_restarts_from_the_start_and_keeps_pauses(agreements, book) -> None:
    # Logged low (24h) Mon Dec 7 09:00, paused 10:00-11:00, raised to critical (4h) at 12:00.
    events = [created("2026-12-07T09:00+08:00", "low"),
              status("2026-12-07T10:00+08:00", "waiting on customer"),
              status("2026-12-07T11:00+08:00", "in progress"),
              event(EventKind.SEVERITY_CHANGED, "2026-12-07T12:00+08:00", severity="critical",
                    reason="whole warehouse down")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-07T12:30+08:00")
    # 09:00 + 4h = 13:00, plus the 1h pause = 14:00; at 12:30, 1h30 left.
    assert state.due == at("2026-12-07T14:00+08:00")
    assert state.left_seconds == 1.5 * 3600
    # Before the change, the low target was in force: 24h + 1h from Mon 09:00.
    before = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-07T11:30+08:00")
    assert before.clock.target.severity == "low"


def test_trap3_an_agreed_due_date_stays_fixed(agreements, book) -> None:
    agreed = "2027-01-15T17:00:00-05:00"
    events = [created("2026-12-01T10:00-05:00", "4")]
    pending = state_of(agreements, book, "magaya", events, "resolution", "2026-12-01T11:00-05:00")
    assert pending.state is ClockState.PENDING
    assert pending.clock.note == "no due date agreed yet"
    events += [event(EventKind.DUE_DATE_AGREED, "2026-12-01T11:00-05:00", due=agreed),
               status("2026-12-02T09:00-05:00", "waiting on customer"),
               status("2026-12-09T09:00-05:00", "in progress")]
    state = state_of(agreements, book, "magaya", events, "resolution", "2026-12-10T09:00-05:00")
    assert state.due == at(agreed)  # a week of waiting on the customer does not move it
    # Raised to severity 3 the due is 60 business days from the start (Feb 9, see the
    # worked example) plus the pause; lowered back to 4, the agreed date is in force again.
    events.append(event(EventKind.SEVERITY_CHANGED, "2026-12-10T10:00-05:00", severity="3",
                        reason="affects invoicing"))
    raised = state_of(agreements, book, "magaya", events, "resolution", "2026-12-10T11:00-05:00")
    assert raised.due is not None and raised.due > at("2027-02-09T10:00-05:00")
    events.append(event(EventKind.SEVERITY_CHANGED, "2026-12-10T12:00-05:00", severity="4",
                        reason="workaround accepted"))
    lowered = state_of(agreements, book, "magaya", events, "resolution", "2026-12-10T13:00-05:00")
    assert lowered.due == at(agreed)


def test_trap4_logged_on_a_sunday_starts_at_the_next_open_minute(agreements, book) -> None:
    # Magaya sev 1 response, 1 business hour, logged Sunday 15:00: starts Monday 07:00.
    events = [created("2026-12-06T15:00-05:00", "1")]
    state = state_of(agreements, book, "magaya", events, "response", "2026-12-07T07:30-05:00")
    assert state.due == at("2026-12-07T08:00-05:00")
    assert state.left_seconds == 30 * 60


def test_trap5_the_same_instants_in_other_zones_give_the_same_clocks(agreements, book) -> None:
    events = [MAQSU_HIGH, status("2026-12-14T09:00+08:00", "waiting on customer"),
              status("2026-12-14T10:00+08:00", "in progress")]
    shifted = [Event(e.kind, e.at.astimezone(at("2026-01-01T00:00-10:00").tzinfo), e.author,
                     e.data) for e in events]
    site = NEW_YORK_SITE
    one = compute_clocks(events, agreements["maqsu"], site, book)
    two = compute_clocks(shifted, agreements["maqsu"], site, book)
    assert [(c.due, c.paused_seconds) for c in one] == [(c.due, c.paused_seconds) for c in two]


def test_trap9_warnings_follow_the_calendar_not_the_wall_clock(agreements, book) -> None:
    # MAQSU high resolution warns at 75 % of 12h = 9 business hours: 2h30 Fri + 4h30 Sat +
    # 2h Mon = Mon 10:30. Nine wall-clock hours would alert at midnight on Friday.
    events = [MAQSU_HIGH]
    assert not state_of(agreements, book, "maqsu", events, "resolution",
                        "2026-12-12T00:00+08:00").warning
    assert not state_of(agreements, book, "maqsu", events, "resolution",
                        "2026-12-14T10:29+08:00").warning
    assert state_of(agreements, book, "maqsu", events, "resolution",
                    "2026-12-14T10:30+08:00").warning


def test_magaya_sev1_resolution_warns_after_one_business_day(agreements, book) -> None:
    # Logged Fri Dec 4 19:00: 1 business day lands on Saturday, closed at 19:00, so the
    # warning comes at Saturday's closing, 12:00; the 2-day target is Mon Dec 7 19:00.
    events = [created("2026-12-04T19:00-05:00", "1")]
    state = state_of(agreements, book, "magaya", events, "resolution", "2026-12-05T11:59-05:00")
    assert state.due == at("2026-12-07T19:00-05:00")
    assert not state.warning
    assert state_of(agreements, book, "magaya", events, "resolution",
                    "2026-12-05T12:00-05:00").warning


def test_trap10_the_next_due_is_the_earliest_open_target(agreements, book) -> None:
    # MAQSU high: response due Sat 10:00, resolution Mon 13:30. Before the response the
    # next due is the response; once it is met, the resolution's.
    events = [MAQSU_HIGH]
    states = clocks_at(events, agreements["maqsu"], NEW_YORK_SITE, book,
                       at("2026-12-11T16:00+08:00"))
    assert next_due([s.clock for s in states]) == at("2026-12-12T10:00+08:00")
    events.append(event(EventKind.RESPONSE_SENT, "2026-12-11T16:00+08:00"))
    states = clocks_at(events, agreements["maqsu"], NEW_YORK_SITE, book,
                       at("2026-12-11T16:30+08:00"))
    assert [s.state for s in states] == [ClockState.MET, ClockState.RUNNING]
    assert next_due([s.clock for s in states]) == at("2026-12-14T13:30+08:00")


def test_magaya_every_customer_update_opens_a_response_cycle(agreements, book) -> None:
    # Sev 3 response: 1 business day. Logged Tue Dec 1 10:00, answered 11:00 (met).
    events = [created("2026-12-01T10:00-05:00", "3"),
              event(EventKind.RESPONSE_SENT, "2026-12-01T11:00-05:00")]
    first = state_of(agreements, book, "magaya", events, "response", "2026-12-01T12:00-05:00")
    assert first.state is ClockState.MET
    # The customer writes again Wed 09:00: a new cycle, due Thu 09:00.
    events.append(event(EventKind.CUSTOMER_UPDATE, "2026-12-02T09:00-05:00", text="still broken"))
    second = state_of(agreements, book, "magaya", events, "response", "2026-12-03T10:00-05:00")
    assert second.clock.cycles == 2
    assert second.due == at("2026-12-03T09:00-05:00")
    assert second.state is ClockState.BREACHED
    assert second.left_seconds == -3600
    # A vendor reply at Thu 10:00 closes the cycle, an hour late.
    events.append(event(EventKind.VENDOR_RESPONSE, "2026-12-03T10:00-05:00"))
    late = state_of(agreements, book, "magaya", events, "response", "2026-12-03T11:00-05:00")
    assert late.state is ClockState.BREACHED
    assert late.clock.met_at == at("2026-12-03T10:00-05:00")


def test_catapult_clocks_wait_for_documentation(agreements, book) -> None:
    events = [created("2026-12-07T09:00-05:00", "2")]
    states = clocks_at(events, agreements["catapult"], NEW_YORK_SITE, book,
                       at("2026-12-07T10:00-05:00"))
    assert {s.state for s in states} == {ClockState.PENDING}
    # Documentation complete at 10:00: step 1 (4 business hours, site = New York) due 14:00;
    # step 3 in Chicago: 30 business days from Mon 09:00 Central.
    events.append(event(EventKind.DOCUMENTATION_COMPLETE, "2026-12-07T10:00-05:00"))
    states = clocks_at(events, agreements["catapult"], NEW_YORK_SITE, book,
                       at("2026-12-07T11:00-05:00"))
    by_metric = {s.metric: s for s in states}
    assert by_metric["response"].due == at("2026-12-07T14:00-05:00")
    assert by_metric["response"].left_seconds == 3 * 3600
    assert by_metric["resolution"].clock.calendar.rules.zone == "America/Chicago"


def test_a_pause_that_begins_after_a_breach_changes_nothing(agreements, book) -> None:
    # MAQSU critical resolution, 4h from Mon Dec 7 09:00 = 13:00; paused at 14:00.
    events = [created("2026-12-07T09:00+08:00", "critical"),
              status("2026-12-07T14:00+08:00", "waiting on customer")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-07T15:00+08:00")
    assert state.state is ClockState.BREACHED
    assert state.due == at("2026-12-07T13:00+08:00")
    assert state.left_seconds == -2 * 3600


def test_events_after_now_are_ignored(agreements, book) -> None:
    events = [MAQSU_HIGH, event(EventKind.RESOLVED, "2026-12-14T10:00+08:00")]
    state = state_of(agreements, book, "maqsu", events, "resolution", "2026-12-14T09:00+08:00")
    assert state.state is ClockState.RUNNING


def test_a_timeline_must_start_with_created(agreements, book) -> None:
    with pytest.raises(ValueError, match="created"):
        compute_clocks([status("2026-12-07T14:00+08:00", "in progress")], agreements["maqsu"],
                       NEW_YORK_SITE, book)


def test_events_the_clocks_do_not_read_change_no_clock(agreements, book) -> None:
    # Magaya severity 2, with every kind of event; comments, assignments, tier changes and
    # edited fields (the kinds left out of CLOCK_EVENTS) can be dropped without effect.
    events = [
        created("2026-12-07T09:00-05:00", "2"),
        event(EventKind.ASSIGNED, "2026-12-07T09:00-05:00", assignee="bob"),
        event(EventKind.COMMENT, "2026-12-07T09:30-05:00", text="called back"),
        status("2026-12-07T10:00-05:00", "waiting on customer"),
        event(EventKind.TIER_CHANGED, "2026-12-07T11:00-05:00", tier="II(a)"),
        event(EventKind.CUSTOMER_UPDATE, "2026-12-07T12:00-05:00", text="here it is"),
        status("2026-12-07T12:00-05:00", "in progress"),
        event(EventKind.FIELDS_CHANGED, "2026-12-07T12:30-05:00", title="Printing"),
        event(EventKind.RESPONSE_SENT, "2026-12-07T13:00-05:00"),
        event(EventKind.SEVERITY_CHANGED, "2026-12-07T14:00-05:00", severity="1"),
        event(EventKind.WORKAROUND_PROVIDED, "2026-12-08T09:00-05:00"),
    ]
    assert {e.kind for e in events} - CLOCK_EVENTS == {
        EventKind.ASSIGNED, EventKind.COMMENT, EventKind.TIER_CHANGED, EventKind.FIELDS_CHANGED}
    read = [e for e in events if e.kind in CLOCK_EVENTS]
    assert len(read) < len(events)
    for now in ("2026-12-07T11:00-05:00", "2026-12-07T15:00-05:00", "2026-12-09T09:00-05:00"):
        assert (clocks_at(events, agreements["magaya"], NEW_YORK_SITE, book, at(now))
                == clocks_at(read, agreements["magaya"], NEW_YORK_SITE, book, at(now)))


def test_a_warning_within_the_first_day_of_a_longer_business_day_target(agreements,
                                                                        book) -> None:
    # Magaya sev 3 response made 2 business days, with a warning after half a day. Logged
    # Mon Dec 14 09:00 (weekdays open 07-20): the first business day runs to Tue 09:00, 13h
    # (Mon 09-20, Tue 07-09), half of it is 6h30, so the warning is Mon 15:30. Due Wed 09:00.
    shipped = agreements["magaya"].source
    source = shipped.replace('severity = "3"\namount = 1\nunit = "business days"',
                             'severity = "3"\namount = 2\nwarning_after = 0.5\n'
                             'unit = "business days"')
    assert source != shipped
    clocks = compute_clocks([created("2026-12-14T09:00-05:00", "3")],
                            parse_agreement(source, "magaya.toml"), NEW_YORK_SITE, book)
    response = next(clock for clock in clocks if clock.metric == "response")
    assert (response.warning_at, response.due) == (at("2026-12-14T15:30-05:00"),
                                                   at("2026-12-16T09:00-05:00"))
