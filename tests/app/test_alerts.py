"""Warnings and breaches in a span of time, read from the cached clocks of open incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskapp.app.alerts import Alert, Kind, due_alerts
from deskapp.app.changes import ids_of
from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.core.lifecycle import ResolutionType
from tests.app.support import Clock

# Monday 1 March 2027, 07:00 in New York: Magaya's support hours (07:00-20:00) open.
MONDAY = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def log(desk: Desk, vendor: str = "magaya", severity: str = "1",
        title: str = "Application will not start") -> str:
    agreement = desk.agreements()[vendor]
    channel = (agreement.severity(severity).channels or ("email",))[0]
    draft = IncidentDraft(vendor=vendor, product=agreement.products[0], title=title,
                          severity=severity, channel=channel)
    return desk.log(draft, author="tess").incident.key


def told(alerts: list[Alert]) -> list[tuple[str, str, Kind, datetime]]:
    return [(a.key, a.metric, a.kind, a.at) for a in alerts]


def test_a_warning_and_a_breach_are_found_in_their_span(desk: Desk, clock: Clock) -> None:
    clock.set(MONDAY)
    key = log(desk)  # response: 1 business hour, warning after 45 minutes
    warning, due = MONDAY + timedelta(minutes=45), MONDAY + timedelta(hours=1)

    assert due_alerts(desk, MONDAY, MONDAY + timedelta(minutes=44)) == []
    alerts = due_alerts(desk, MONDAY + timedelta(minutes=44), MONDAY + timedelta(minutes=46))
    assert told(alerts) == [(key, "response", Kind.WARNING, warning)]
    alert = alerts[0]
    assert alert.incident_id == ids_of(desk, [key])[key]
    assert (alert.due, alert.left_seconds) == (due, 14 * 60)
    assert (alert.title, alert.vendor) == ("Application will not start", "magaya")
    assert alert.headline() == f"{key}: response due in 14m"

    # The end of a span is in it, its start is not: each event is found once.
    assert told(due_alerts(desk, warning - timedelta(seconds=3), warning)) == [
        (key, "response", Kind.WARNING, warning)]
    assert due_alerts(desk, warning, warning + timedelta(seconds=3)) == []
    breach = due_alerts(desk, MONDAY + timedelta(minutes=46), due + timedelta(minutes=1))
    assert told(breach) == [(key, "response", Kind.BREACH, due)]
    assert breach[0].left_seconds == -60
    assert breach[0].headline() == f"{key} breached its response target"
    # Both in one span: the breach alone is news.
    assert told(due_alerts(desk, MONDAY, due)) == [(key, "response", Kind.BREACH, due)]
    assert due_alerts(desk, due, due) == []


def test_met_paused_and_closed_targets_tell_nothing(desk: Desk, clock: Clock) -> None:
    clock.set(MONDAY)
    answered = log(desk, title="Answered")
    paused = log(desk, "maqsu", "high", title="Waiting for the customer")
    resolved = log(desk, title="Resolved")
    clock.advance(minutes=5)
    desk.respond(answered, author="tess")  # the response target is met
    desk.pause(paused, author="tess")  # MAQSU's resolution target stops counting
    desk.resolve(resolved, ResolutionType.ANSWER, author="tess")
    assert {m: c["state"] for m, c in desk.cached_clocks(paused).items()} == {
        "response": "running", "resolution": "paused"}

    alerts = due_alerts(desk, MONDAY, MONDAY + timedelta(days=3), warn_seconds=3600)
    assert {(a.key, a.metric) for a in alerts} == {(answered, "resolution"),
                                                   (paused, "response")}


def test_the_agents_threshold_is_counted_in_business_time(desk: Desk, clock: Clock) -> None:
    # Friday 19:30 in New York: 30 minutes to Magaya's closing, then Saturday 08:00-12:00.
    friday = datetime(2027, 3, 6, 0, 30, tzinfo=UTC)
    clock.set(friday)
    key = log(desk)  # response due Saturday 08:30, warning point Saturday 08:15
    due = datetime(2027, 3, 6, 13, 30, tzinfo=UTC)
    crossing = friday + timedelta(minutes=20)  # 40 business minutes left
    minutes = timedelta(minutes=1)

    assert due_alerts(desk, crossing - 5 * minutes, crossing + 5 * minutes) == []
    alerts = due_alerts(desk, crossing - 5 * minutes, crossing + 5 * minutes,
                        warn_seconds=40 * 60)
    assert told(alerts) == [(key, "response", Kind.WARNING, crossing)]
    assert alerts[0].due == due and alerts[0].left_seconds == 35 * 60
    # Already within the threshold before the span: told then, not again.
    assert due_alerts(desk, crossing + 2 * minutes, crossing + 8 * minutes,
                      warn_seconds=40 * 60) == []
    # Overnight the countdown stands still: the agreement's warning point comes on Saturday.
    saturday = due - 15 * minutes
    assert due_alerts(desk, crossing + 8 * minutes, saturday - minutes,
                      warn_seconds=40 * 60) == []
    assert told(due_alerts(desk, saturday - minutes, saturday)) == [
        (key, "response", Kind.WARNING, saturday)]
    # With the agent's threshold, the warning was the crossing on Friday: not again.
    assert due_alerts(desk, saturday - minutes, saturday, warn_seconds=40 * 60) == []


def test_only_open_incidents_running_clocks_are_read(desk: Desk, clock: Clock) -> None:
    clock.set(MONDAY)
    keys = [log(desk, "magaya", severity, title=f"Incident {severity}")
            for severity in ("1", "2", "1")]
    desk.resolve(keys[0], ResolutionType.ANSWER, author="tess")
    end = MONDAY + timedelta(hours=1, minutes=1)
    alerts = due_alerts(desk, MONDAY, end)
    assert sorted(told(alerts)) == sorted(
        (key, "response", Kind.BREACH, MONDAY + timedelta(hours=1)) for key in keys[1:])
    assert due_alerts(desk, end, MONDAY) == []  # an empty span


def test_an_incident_waiting_for_its_documents_reminds_its_assignee(desk: Desk,
                                                                    clock: Clock) -> None:
    """Catapult's clocks wait for the documentation: without it nothing counts down, so
    the assignee is reminded after the business time the agent chose."""
    # Wed 2026-12-09 09:00 in New York (the office, and so the client site).
    clock.set("2026-12-09T09:00-05:00")
    key = desk.log(IncidentDraft(vendor="catapult", product="Application Services",
                                 title="Down",
                                 severity="1", assignee="ana"), author="ben").incident.key
    two_hours = 2 * 3600
    start = clock.now

    def reminders(since: str, now: str) -> list[Alert]:
        return [a for a in due_alerts(desk, datetime.fromisoformat(since),
                                      datetime.fromisoformat(now), documents_after=two_hours)
                if a.kind is Kind.DOCUMENTS]

    assert reminders("2026-12-09T09:00-05:00", "2026-12-09T10:59-05:00") == []
    [reminder] = reminders("2026-12-09T10:59-05:00", "2026-12-09T11:01-05:00")
    assert (reminder.key, reminder.at, reminder.assignee) == (
        key, start + timedelta(hours=2), "ana")
    assert reminder.headline() == f"{key} still waits for its documentation"
    assert reminders("2026-12-09T11:01-05:00", "2026-12-10T11:01-05:00") == []  # told once
    # Without a chosen time, and once the documents are in, no reminder.
    assert [a for a in due_alerts(desk, start, start + timedelta(days=1))
            if a.kind is Kind.DOCUMENTS] == []
    clock.set("2026-12-09T12:00-05:00")
    desk.documentation_complete(key, author="ana", at=start + timedelta(hours=1))
    assert reminders("2026-12-09T10:59-05:00", "2026-12-09T11:01-05:00") == []
