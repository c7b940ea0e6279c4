"""Tray notifications: at the warning point and at the breach, in business time, once each."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QSystemTrayIcon

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
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
    window.tick()
    assert told == []

    clock.advance(minutes=46)  # response: 1 business hour, warning after 45 minutes
    window.tick()
    window.tick()
    assert told == [(f"{key}: response due in 14m", "Magaya: Application will not start",
                     QSystemTrayIcon.MessageIcon.Warning)]

    window.showMinimized()
    clock.advance(minutes=15)
    window.tick()
    window.poll()
    settle(qtbot, window)
    window.tick()
    assert len(told) == 2
    assert told[1][0] == f"{key} breached its response target"
    assert told[1][2] is QSystemTrayIcon.MessageIcon.Critical
    assert [alert.kind for alert in window.alerts] == [Kind.WARNING, Kind.BREACHED]


def test_what_is_already_late_at_start_is_not_told(qtbot, desk: Desk, clock: Clock) -> None:
    log(desk, "magaya", "1")
    clock.advance(hours=3)
    notifier = Notifier()
    rows = desk.queue(QueueFilter(View.ALL_OPEN))
    assert notifier.check(rows, clock()) == []
    assert notifier.check(rows, clock()) == []
    fresh = log(desk, "magaya", "2").incident.key
    clock.advance(minutes=50)
    alerts = notifier.check(desk.queue(QueueFilter(View.ALL_OPEN)), clock())
    assert [(a.key, a.metric, a.kind) for a in alerts] == [(fresh, "response", Kind.WARNING)]


def test_warnings_are_decided_in_business_time(qtbot, desk: Desk, clock: Clock) -> None:
    clock.now = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)  # Saturday 17:00 in New York
    log(desk, "magaya", "1")
    notifier = Notifier()
    notifier.check(desk.queue(QueueFilter(View.ALL_OPEN)), clock())
    clock.now = datetime(2026, 12, 7, 12, 40, tzinfo=UTC)  # Monday 07:40: 40 minutes counted
    assert notifier.check(desk.queue(QueueFilter(View.ALL_OPEN)), clock()) == []
    clock.now = datetime(2026, 12, 7, 12, 50, tzinfo=UTC)  # 07:50: past the 45-minute point
    alerts = notifier.check(desk.queue(QueueFilter(View.ALL_OPEN)), clock())
    assert [a.kind for a in alerts] == [Kind.WARNING]


def test_the_agents_own_threshold_warns_earlier(qtbot, desk: Desk, clock: Clock) -> None:
    log(desk, "maqsu", "low")  # 8 business hours, warning after 6
    clock.now = datetime(2026, 12, 9, 4, 0, tzinfo=UTC)  # Wednesday 12:00 in Singapore
    rows = desk.queue(QueueFilter(View.ALL_OPEN))
    state = rows[0].clocks[0].at(clock())
    assert not state.warning and state.left_seconds == 4.5 * 3600
    own = Notifier(warn_seconds=5 * 3600)
    agreements_only = Notifier()
    for notifier in (own, agreements_only):
        notifier.check([], clock())  # the first check only records
    assert [a.kind for a in own.check(rows, clock())] == [Kind.WARNING]
    assert agreements_only.check(rows, clock()) == []
