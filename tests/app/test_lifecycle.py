"""An incident's life through the desk service, on SQLite and on PostgreSQL.

MAQSU high (Singapore, Mon-Fri 08:30-17:30, Sat 08:30-13:00): response 4 business hours,
resolution 12 business hours, pausable. Every expected time below is reasoned by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

import pytest

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import detail_items
from deskapp.core.clocks import ClockState
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import EventKind, ResolutionType, Status
from tests.app.support import Clock, at, clock_of, draft, snapshot


def test_an_incident_from_logging_to_reopening(desk: Desk, clock: Clock) -> None:
    # Reported by phone Fri Dec 11 15:00 Singapore, logged twenty minutes later: the clocks
    # start at the reported time, not at the typing.
    clock.set("2026-12-11T15:20+08:00")
    logged = desk.log(draft("maqsu", "high", assignee="ana"), author="ana",
                      at=at("2026-12-11T15:00+08:00"))
    view = logged.incident
    key = view.key
    assert key == "INC-000001"
    assert view.status is Status.NEW
    assert view.reported_at == at("2026-12-11T07:00Z")
    assert view.version == desk.show(key).version
    response, resolution = clock_of(view.clocks, "response"), clock_of(view.clocks, "resolution")
    # Response, 4h: Fri 15:00-17:30 (2h30) + Sat 08:30-10:00 (1h30) = Sat 10:00.
    assert response.clock.clock_start == at("2026-12-11T15:00+08:00")
    assert response.due == at("2026-12-12T10:00+08:00")
    # Resolution, 12h: Fri 2h30 + Sat 08:30-13:00 (4h30) + Mon 08:30-13:30 (5h) = Mon 13:30.
    assert resolution.due == at("2026-12-14T13:30+08:00")
    # At 15:20, 3h40 of response time is left.
    assert response.left_seconds == 3 * 3600 + 40 * 60

    # Acknowledged by the first response at 16:00: met with Fri 1h30 + Sat 1h30 to spare.
    clock.set("2026-12-11T16:00+08:00")
    changed = desk.respond(key, "Looking at it", author="ana", expected_version=view.version)
    assert changed.incident.status is Status.ACKNOWLEDGED
    response = clock_of(changed.incident.clocks, "response")
    assert response.state is ClockState.MET
    assert response.left_seconds == 3 * 3600
    version = changed.incident.version
    assert version == desk.show(key).version  # the next write can use it

    clock.set("2026-12-11T16:10+08:00")
    version = desk.set_status(key, Status.IN_PROGRESS, author="ana",
                              expected_version=version).incident.version

    # Waiting on the customer from Sat 12:00, written down at 12:05 ("at" in the past).
    clock.set("2026-12-12T12:05+08:00")
    paused = desk.pause(key, "Asked for the order numbers", author="ana",
                        at=at("2026-12-12T12:00+08:00"), expected_version=version).incident
    assert paused.status is Status.WAITING_ON_CUSTOMER
    # Read at 12:30: paused; the countdown stays at what was left when the pause began
    # (Sat 12:00-13:00 + Mon 08:30-13:30 = 6h), while the due moves with the open pause.
    state = clock_of(desk.show(key, at("2026-12-12T12:30+08:00")).clocks, "resolution")
    assert state.state is ClockState.PAUSED
    assert state.left_seconds == 6 * 3600
    assert state.paused_seconds == 30 * 60
    assert state.due == at("2026-12-14T14:00+08:00")
    # The response target does not pause (and is met anyway).
    assert clock_of(desk.show(key).clocks, "response").state is ClockState.MET

    # The customer answers Mon 09:00: the pause ends. Paused business time: Sat 12:00-13:00
    # + Mon 08:30-09:00 = 1h30 (the weekend costs nothing), so resolution is due 15:00.
    clock.set("2026-12-14T09:00+08:00")
    updated = desk.customer_update(key, "Orders 1001 and 1002", author="ana").incident
    assert updated.status is Status.IN_PROGRESS
    assert [e.kind for e in updated.events[-2:]] == [EventKind.CUSTOMER_UPDATE,
                                                     EventKind.STATUS_CHANGED]
    resolution = clock_of(updated.clocks, "resolution")
    assert resolution.state is ClockState.RUNNING
    assert resolution.paused_seconds == 5400
    assert resolution.due == at("2026-12-14T15:00+08:00")

    # Paused again 10:00-11:00 (one business hour): due 16:00.
    clock.set("2026-12-14T10:00+08:00")
    desk.pause(key, author="ana")
    clock.set("2026-12-14T11:00+08:00")
    resumed = desk.resume(key, "Customer back", author="ana").incident
    assert resumed.status is Status.IN_PROGRESS
    assert clock_of(resumed.clocks, "resolution").due == at("2026-12-14T16:00+08:00")

    clock.set("2026-12-14T12:00+08:00")
    worked = desk.provide_workaround(key, "Save from the list view", author="ana").incident
    assert worked.status is Status.WORKAROUND_PROVIDED
    # A workaround does not meet MAQSU's resolution target.
    assert clock_of(worked.clocks, "resolution").state is ClockState.RUNNING

    # Resolved 13:00: met with 13:00-16:00 = 3h to spare.
    clock.set("2026-12-14T13:00+08:00")
    resolved = desk.resolve(key, ResolutionType.EXISTING_CODE_CORRECTION, "Patch 4.2.1",
                            author="ana").incident
    assert resolved.status is Status.RESOLVED
    assert resolved.resolution_type == "existing code correction"
    resolution = clock_of(resolved.clocks, "resolution")
    assert resolution.state is ClockState.MET
    assert resolution.left_seconds == 3 * 3600
    assert [row.key for row in desk.queue(QueueFilter(view=View.CLOSED))] == [key]
    assert desk.queue() == []

    clock.set("2026-12-14T14:00+08:00")
    closed = desk.close(key, "Customer confirmed", author="ana").incident
    assert closed.status is Status.CLOSED

    # Reopening needs a reason; refused, nothing is written.
    before = snapshot(desk, key)
    with pytest.raises(InputError, match="reopening needs a reason"):
        desk.reopen(key, "  ", author="ana")
    assert snapshot(desk, key) == before

    # Reopened Mon 15:00: the resolution target runs again against the same due, 16:00.
    clock.set("2026-12-14T15:00+08:00")
    reopened = desk.reopen(key, "The error is back", author="ana").incident
    assert reopened.status is Status.IN_PROGRESS
    assert reopened.resolution_type is None
    resolution = clock_of(reopened.clocks, "resolution")
    assert resolution.state is ClockState.RUNNING
    assert resolution.due == at("2026-12-14T16:00+08:00")
    assert resolution.left_seconds == 3600
    assert [row.key for row in desk.queue()] == [key]

    shown = desk.show(key)
    assert [e.kind for e in shown.events] == [
        EventKind.CREATED, EventKind.ASSIGNED, EventKind.RESPONSE_SENT,
        EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED,
        EventKind.CUSTOMER_UPDATE, EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED,
        EventKind.STATUS_CHANGED, EventKind.WORKAROUND_PROVIDED, EventKind.RESOLVED,
        EventKind.CLOSED, EventKind.REOPENED]
    assert [e.data.get("status") for e in shown.events if e.kind is EventKind.STATUS_CHANGED] == [
        "acknowledged", "in progress", "waiting on customer", "in progress",
        "waiting on customer", "in progress"]
    assert shown.events[-1].data == {"reason": "The error is back"}
    assert all(e.at.tzinfo is UTC for e in shown.events)
    assert shown.version == reopened.version
    assert desk.cached_clocks(key) == desk.fresh_clocks(key)


def test_resolving_straight_from_waiting_on_customer_closes_the_pause(
        desk: Desk, clock: Clock) -> None:
    # Trap 2. Logged Fri Dec 11 15:00; waiting on the customer Mon 09:00; resolved from
    # there at 10:00 without resuming first.
    clock.set("2026-12-14T10:00+08:00")
    key = desk.log(draft("maqsu", "high"), author="ana",
                   at=at("2026-12-11T15:00+08:00")).incident.key
    desk.respond(key, author="ana", at=at("2026-12-11T16:00+08:00"))
    desk.pause(key, author="ana", at=at("2026-12-14T09:00+08:00"))
    resolved = desk.resolve(key, ResolutionType.ANSWER, author="ana").incident
    resolution = clock_of(resolved.clocks, "resolution")
    # The pause ran 09:00-10:00, one business hour: due 13:30 + 1h = 14:30, met at 10:00
    # with 4h30 to spare, and nothing is left paused.
    assert resolution.state is ClockState.MET
    assert resolution.paused_seconds == 3600
    assert resolution.due == at("2026-12-14T14:30+08:00")
    assert resolution.left_seconds == 4.5 * 3600
    assert desk.cached_clocks(key)["resolution"]["paused_since"] is None
    # Reopened 11:00: the clock runs against 14:30 again; the hour spent resolved is not a
    # pause. It is the incident's next due time (the response was met).
    clock.set("2026-12-14T11:00+08:00")
    reopened = desk.reopen(key, "Not fixed", author="ana").incident
    resolution = clock_of(reopened.clocks, "resolution")
    assert resolution.state is ClockState.RUNNING
    assert resolution.due == at("2026-12-14T14:30+08:00")
    assert resolution.left_seconds == 3.5 * 3600
    [row] = desk.queue()
    assert row.next_due_at == at("2026-12-14T14:30+08:00")


def test_illegal_moves_are_refused_and_nothing_is_written(desk: Desk, clock: Clock) -> None:
    key = desk.log(draft("maqsu", "medium"), author="ana",
                   at=at("2027-02-26T10:00+08:00")).incident.key

    def refused(message: str, action: Callable[..., object], *args: object,
                **kwargs: object) -> None:
        before = snapshot(desk, key)
        with pytest.raises(InputError, match=message):
            action(key, *args, author="bob", **kwargs)
        assert snapshot(desk, key) == before

    refused(r"cannot move an incident from new to closed \(from new: acknowledged, in "
            r"progress, resolved, waiting on customer, waiting on vendor, workaround provided\)",
            desk.close)
    refused(r"INC-000001 is not paused \(it is new\)", desk.resume)
    refused("only a resolved or closed incident can be reopened; it is new", desk.reopen,
            "because")
    refused("the incident is already new", desk.set_status, Status.NEW)
    refused("use resolve, close or workaround", desk.set_status, Status.RESOLVED)
    refused("use resolve, close or workaround", desk.set_status, Status.CLOSED)
    refused("is already severity medium", desk.change_severity, "medium", "same")
    refused("is already at tier I", desk.change_tier, "I")
    refused("is already at the highest tier", desk.escalate)
    refused("a comment needs its text", desk.comment, " ")

    desk.pause(key, author="ana")
    refused("cannot move an incident from waiting on customer to acknowledged",
            desk.set_status, Status.ACKNOWLEDGED)
    refused("the incident is already waiting on customer", desk.pause)

    desk.resolve(key, ResolutionType.ANSWER, author="ana")
    refused("the incident is already resolved", desk.resolve, ResolutionType.ANSWER)
    refused("cannot move an incident from resolved to workaround provided; reopen it first",
            desk.provide_workaround)
    refused("cannot move an incident from resolved to waiting on customer; reopen it first",
            desk.pause)
    refused("INC-000001 is resolved; reopen it first", desk.respond)
    refused("INC-000001 is resolved; reopen it first", desk.customer_update, "hello?")

    desk.close(key, author="ana")
    refused("the incident is already closed", desk.close)
    refused(r"cannot move an incident from closed to resolved; reopen it first \(from "
            r"closed: nothing\)", desk.resolve, ResolutionType.ANSWER)
    refused("INC-000001 is closed; reopen it first", desk.respond)
    assert desk.show(key).status is Status.CLOSED


def test_a_desk_reply_while_new_acknowledges_and_a_vendor_reply_counts(
        desk: Desk, clock: Clock) -> None:
    # Magaya sev 3: response 1 business day (Eastern, Mon-Fri 07:00-20:00, Sat 08:00-12:00),
    # every customer update opens a new cycle. Logged Tue Dec 1 10:00: due Wed 10:00.
    clock.set("2026-12-01T10:30-05:00")
    key = desk.log(draft("magaya", "3", channel="email"), author="ana",
                   at=at("2026-12-01T10:00-05:00")).incident.key
    vendor = desk.respond(key, "Magaya is on it", from_vendor=True, author="ana").incident
    assert vendor.status is Status.ACKNOWLEDGED
    assert vendor.events[-2].kind is EventKind.VENDOR_RESPONSE
    assert clock_of(vendor.clocks, "response").state is ClockState.MET
    # The customer writes Wed 09:00: a second cycle, due Thu 09:00.
    clock.set("2026-12-02T09:00-05:00")
    second = desk.customer_update(key, "Any news?", author="ana").incident
    response = clock_of(second.clocks, "response")
    assert response.clock.cycles == 2
    assert response.state is ClockState.RUNNING
    assert response.due == at("2026-12-03T09:00-05:00")
    [row] = desk.queue()
    assert row.next_due_at == at("2026-12-03T09:00-05:00")


def test_event_details_read_the_same_from_every_database(desk: Desk, clock: Clock) -> None:
    # PostgreSQL keeps details in its own key order; people read the facts by name, then
    # the note they typed, on either database.
    clock.set("2026-12-07T10:00-05:00")
    key = desk.log(draft("acelynk", "major"), author="ana").incident.key
    desk.change_severity(key, "critical", "Whole warehouse down", author="ana")
    desk.pause(key, "Asked for the log files", author="ana")
    desk.update_fields(key, title="Scanner down", vendor_ref="ACE-9", author="ana")
    events = desk.show(key).events
    assert [detail_items(e.data) for e in events[1:]] == [
        [("from", "major"), ("severity", "critical"), ("reason", "Whole warehouse down")],
        [("status", "waiting on customer"), ("text", "Asked for the log files")],
        [("title", "Scanner down"), ("vendor_ref", "ACE-9")],
    ]


def test_an_assignment_names_the_new_assignee_at_once(desk: Desk, clock: Clock) -> None:
    clock.set("2026-12-07T10:00-05:00")
    key = desk.log(draft("acelynk", "major"), author="ana").incident.key
    assert desk.assign(key, "bob", author="ana").incident.assignee == "bob"
    assert desk.assign(key, "cy", author="ana").incident.assignee == "cy"
    assert desk.show(key).assignee == "cy"
    assert [row.assignee for row in desk.queue(QueueFilter(text=key))] == ["cy"]
