"""Tray notifications: at the warning point and at the breach, in business time, once each."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon

from deskapp.app.desk import Desk
from deskapp.ui.notifications import Kind, Notifier
from tests.ui.conftest import Clock, log, settle


def test_a_warning_and_a_breach_are_each_told_once(qtbot, window, desk: Desk, clock: Clock,
                                                   monkeypatch) -> None:
    told: list[tuple[str, str, QSystemTrayIcon.MessageIcon]] = []
    monkeypatch.setattr(window.tray, "showMessage",
                        lambda title, body, icon, msecs: told.append((title, body, icon)))
    key = log(desk, "magaya", "1", title="Application will not start").incident.key
    window.refresh()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    assert told == []

    clock.advance(minutes=46)  # response: 1 business hour, warning after 45 minutes
    window.tick()  # a tick reads no database: the poll tells
    assert told == []
    window.poll()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    assert told == [(f"{key}: response due in 14m", "Magaya: Application will not start",
                     QSystemTrayIcon.MessageIcon.Warning)]

    window.showMinimized()
    clock.advance(minutes=15)
    window.tick()
    window.poll()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    assert len(told) == 2
    assert told[1][0] == f"{key} breached its response target"
    assert told[1][2] is QSystemTrayIcon.MessageIcon.Critical
    assert [alert.kind for alert in window.alerts] == [Kind.WARNING, Kind.BREACH]


def test_what_is_already_late_at_start_is_not_told(desk: Desk, clock: Clock) -> None:
    log(desk, "magaya", "1")
    clock.advance(hours=3)
    notifier = Notifier()
    assert notifier.check(desk, clock()) == []
    assert notifier.check(desk, clock()) == []
    fresh = log(desk, "magaya", "2").incident.key
    clock.advance(minutes=50)
    alerts = notifier.check(desk, clock())
    assert [(a.key, a.metric, a.kind) for a in alerts] == [(fresh, "response", Kind.WARNING)]
    assert notifier.check(desk, clock.advance(seconds=3)) == []


def test_warnings_are_decided_in_business_time(desk: Desk, clock: Clock) -> None:
    clock.now = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)  # Saturday 17:00 in New York
    log(desk, "magaya", "1")
    notifier = Notifier()
    notifier.check(desk, clock())
    clock.now = datetime(2026, 12, 7, 12, 40, tzinfo=UTC)  # Monday 07:40: 40 minutes counted
    assert notifier.check(desk, clock()) == []
    clock.now = datetime(2026, 12, 7, 12, 50, tzinfo=UTC)  # 07:50: past the 45-minute point
    alerts = notifier.check(desk, clock())
    assert [a.kind for a in alerts] == [Kind.WARNING]
    assert alerts[0].at == datetime(2026, 12, 7, 12, 45, tzinfo=UTC)


def test_the_agents_own_threshold_warns_earlier(desk: Desk, clock: Clock) -> None:
    log(desk, "maqsu", "low")  # 8 business hours, warning after 6
    own = Notifier(warn_seconds=5 * 3600)
    agreements_only = Notifier()
    start = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)  # Wednesday 11:00 in Singapore
    for notifier in (own, agreements_only):
        notifier.check(desk, start)  # the first check only starts the span
    now = datetime(2026, 12, 9, 4, 0, tzinfo=UTC)  # 12:00: 4.5 business hours left
    alerts = own.check(desk, now)
    assert [a.kind for a in alerts] == [Kind.WARNING]
    assert alerts[0].left_seconds == 4.5 * 3600
    assert alerts[0].at == datetime(2026, 12, 9, 3, 30, tzinfo=UTC)  # 5 hours were left
    assert agreements_only.check(desk, now) == []


def test_a_notification_clicked_and_the_days_list_open_the_incident(
        qtbot, window, desk: Desk, clock: Clock, monkeypatch) -> None:
    from deskapp.app.queue import View
    from deskapp.ui.alerts_list import AlertsDialog

    monkeypatch.setattr(window.tray, "showMessage", lambda *args: None)
    monkeypatch.setattr(window, "raise_", lambda: None)  # the offscreen platform cannot
    late = log(desk, "magaya", "1", title="Application will not start").incident.key
    other = log(desk, "magaya", "3", title="Report misaligned").incident.key
    window.refresh()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    clock.advance(minutes=46)
    window.poll()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    assert [alert.key for alert in window.alerts] == [late]
    window.set_view(View.CLOSED)  # the agent is elsewhere
    qtbot.waitUntil(lambda: window.queue_ready() and window.tasks.idle)
    window.load_detail(other)
    settle(qtbot, window)

    window.tray.messageClicked.emit()
    settle(qtbot, window)
    assert window.detail.incident.key == late
    assert window.detail.not_in_view.isVisible()  # opened from the alert, not the queue

    window.load_detail(other)
    settle(qtbot, window)
    window.actions_by_name["alerts"].trigger()
    dialog = window.alerting.list_dialog
    assert isinstance(dialog, AlertsDialog) and dialog.isVisible()
    assert dialog.list.count() == 1 and late in dialog.list.item(0).text()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.detail.incident.key == late


def test_missing_documents_are_reminded_to_their_assignee_only(desk: Desk,
                                                               clock: Clock) -> None:
    """A Catapult incident logged without its documents: after the agent's chosen business
    time its assignee is reminded; another agent's window says nothing."""
    start = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)  # Wednesday 09:00 in New York
    clock.now = start
    log(desk, "catapult", "1", assignee="ana")
    mine = Notifier(documents_after=2 * 3600, me="Ana")
    theirs = Notifier(documents_after=2 * 3600, me="ben")
    nobody = Notifier()
    for notifier in (mine, theirs, nobody):
        notifier.check(desk, start)
    later = datetime(2026, 12, 9, 16, 30, tzinfo=UTC)  # 11:30: two business hours passed
    reminded = mine.check(desk, later)
    assert [(a.kind, a.at) for a in reminded] == [
        (Kind.DOCUMENTS, datetime(2026, 12, 9, 16, 0, tzinfo=UTC))]
    assert theirs.check(desk, later) == [] and nobody.check(desk, later) == []
