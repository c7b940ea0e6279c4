"""The incident workflow through the real widgets: log, escalate, pause, resolve, conflicts."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from deskapp.app.desk import Desk
from deskapp.core.lifecycle import EventKind, ResolutionType, Status
from deskapp.ui.action_dialogs import ActionDialog
from deskapp.ui.countdown import Look
from deskapp.ui.new_incident import NewIncidentDialog
from deskapp.ui.queue_model import Column
from tests.ui.conftest import Clock, log, settle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def press(qtbot, window, key: Qt.Key, modifiers=CTRL_SHIFT) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, key, modifiers)


def open_dialog(qtbot, window, key: Qt.Key) -> ActionDialog:
    press(qtbot, window, key)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ActionDialog))
    dialog = window.dialog
    assert isinstance(dialog, ActionDialog)
    return dialog


def ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def select(qtbot, window, key: str) -> None:
    window.refresh()
    settle(qtbot, window)
    assert window.select_key(key)
    settle(qtbot, window)
    assert window.detail.incident is not None and window.detail.incident.key == key


def test_logging_through_the_new_incident_dialog(qtbot, window, desk: Desk) -> None:
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, NewIncidentDialog))
    dialog = window.dialog
    assert isinstance(dialog, NewIncidentDialog)
    dialog.set_vendor("magaya")
    dialog.set_severity("1")
    qtbot.keyClicks(dialog.title, "Application will not start")
    dialog.update_preview()
    assert "Call the vendor" in dialog.hints.text()
    assert "Down/Inoperable" in dialog.definition.toPlainText()
    assert set(dialog.previewed) == {"response", "resolution"}
    # Tuesday 10:00 in New York: one business hour later.
    assert dialog.findChild(QLabel, "preview_response").text() == (
        "Tue 2026-12-08 11:00 EST")

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)

    assert window.dialog is None  # closed once logged
    assert window.model.rowCount() == 1
    assert window.detail.incident is not None
    assert window.detail.incident.title == "Application will not start"
    assert window.detail.incident.assignee == "tess"
    assert "Call the vendor" in window.queue_info.text()
    assert window.model.data(window.model.index(0, Column.RESPONSE)) == "1h"


def test_catapult_documentation_time_and_acelynk_filing_hint(qtbot, window,
                                                              clock: Clock) -> None:
    dialog = window.new_incident()
    dialog.set_vendor("catapult")
    dialog.set_severity("1")
    dialog.update_preview()
    assert dialog.documentation.isVisible()
    assert "response" not in dialog.previewed  # waits for the documentation
    dialog.documentation.set_checked(True)
    dialog.update_preview()
    assert {"response", "workaround", "resolution"} <= set(dialog.previewed)

    dialog.set_vendor("acelynk")
    dialog.set_severity("minor")
    dialog.filing_deadline.set_checked(True)
    dialog.filing_deadline.set_moment(clock.now.replace(hour=20))
    dialog.update_preview()
    assert "filing deadline within 24 hours suggests critical" in dialog.hints.text()
    assert not dialog.documentation.isVisible()


def test_a_refused_incident_keeps_the_dialog_and_what_was_typed(qtbot, window) -> None:
    dialog = window.new_incident()
    dialog.set_vendor("maqsu")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "title" in dialog.info.text()
    dialog.title.setText("Payroll stops")
    dialog.site_zone.setText("Mars/Olympus")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.isVisible()
    assert "unknown site time zone" in dialog.info.text()
    assert dialog.title.text() == "Payroll stops"


def test_escalate_pause_resume_and_resolve_with_the_keyboard(qtbot, window, desk: Desk,
                                                             clock: Clock) -> None:
    key = log(desk, "magaya", "1").incident.key
    select(qtbot, window, key)

    press(qtbot, window, Qt.Key.Key_E)
    settle(qtbot, window)
    assert window.detail.incident.tier == "II(a)"

    clock.advance(minutes=20)
    dialog = open_dialog(qtbot, window, Qt.Key.Key_P)
    qtbot.keyClicks(dialog.widgets["note"], "Waiting for log files")
    ok(qtbot, dialog)
    settle(qtbot, window)
    assert window.detail.incident.status is Status.WAITING_ON_CUSTOMER
    assert window.model.countdown_at(0, "resolution").look is Look.PAUSED
    assert window.detail.left_text("resolution").startswith("‖")

    clock.advance(hours=1)
    press(qtbot, window, Qt.Key.Key_G)
    settle(qtbot, window)
    assert window.detail.incident.status is Status.IN_PROGRESS

    dialog = open_dialog(qtbot, window, Qt.Key.Key_D)
    dialog.set_value("resolution", "workaround")
    qtbot.keyClicks(dialog.widgets["text"], "Restarted the service")
    ok(qtbot, dialog)
    settle(qtbot, window)

    shown = window.detail.incident
    assert shown.status is Status.RESOLVED
    assert shown.resolution_type == "workaround"
    kinds = [event.kind for event in shown.events]
    assert kinds[-1] is EventKind.RESOLVED
    assert EventKind.TIER_CHANGED in kinds
    assert window.detail.timeline.topLevelItemCount() == len(shown.events)
    assert window.model.rowCount() == 0  # resolved: gone from "all open"
    assert window.actions_by_name["reopen"].isEnabled()

    dialog = open_dialog(qtbot, window, Qt.Key.Key_O)
    ok(qtbot, dialog)
    assert "needs a reason" in dialog.info.text()
    qtbot.keyClicks(dialog.widgets["reason"], "Came back")
    ok(qtbot, dialog)
    settle(qtbot, window)
    assert window.detail.incident.status is Status.IN_PROGRESS
    assert window.model.rowCount() == 1


def test_a_conflict_asks_for_a_reload_and_keeps_the_text(qtbot, window, desk: Desk) -> None:
    key = log(desk, "maqsu", "medium").incident.key
    select(qtbot, window, key)
    dialog = open_dialog(qtbot, window, Qt.Key.Key_S)
    dialog.set_value("severity", "high")
    qtbot.keyClicks(dialog.widgets["reason"], "Every warehouse is affected")

    desk.assign(key, "ben", author="ben")  # another workstation, meanwhile
    ok(qtbot, dialog)
    settle(qtbot, window)

    assert dialog.isVisible()
    assert "changed by ben" in dialog.info.text()
    assert dialog.value("reason") == "Every warehouse is affected"
    reload_button = dialog.info.action
    assert reload_button.isVisible()
    qtbot.mouseClick(reload_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "Reloaded" in dialog.info.text()
    assert window.detail.incident.assignee == "ben"

    ok(qtbot, dialog)
    settle(qtbot, window)
    assert window.dialog is None
    shown = window.detail.incident
    assert shown.severity == "high"
    assert shown.events[-1].data["reason"] == "Every warehouse is affected"


def test_a_direct_action_conflict_offers_a_reload(qtbot, window, desk: Desk) -> None:
    key = log(desk, "magaya", "2").incident.key
    select(qtbot, window, key)
    desk.change_tier(key, "II(a)", author="ben")
    press(qtbot, window, Qt.Key.Key_E)
    settle(qtbot, window)
    assert "changed by ben" in window.queue_info.text()
    qtbot.mouseClick(window.queue_info.action, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.detail.incident.tier == "II(a)"
    press(qtbot, window, Qt.Key.Key_E)
    settle(qtbot, window)
    assert window.detail.incident.tier == "II(b)"


def test_why_this_time_names_the_pause(qtbot, window, desk: Desk, clock: Clock) -> None:
    key = log(desk, "maqsu", "high").incident.key  # Singapore: closed until 08:30 there
    clock.advance(hours=11)  # Wednesday 10:00 in Singapore
    desk.pause(key, author="tess")
    clock.advance(hours=2)
    desk.resume(key, author="tess")
    select(qtbot, window, key)

    button = window.detail.findChild(QPushButton, "why_resolution")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    explanation = window.detail.explanation
    assert explanation is not None and explanation.isVisible()
    text = explanation.text.toPlainText()
    assert "Effective start: Wed 2026-12-09 08:30 +08" in text
    assert "10:00-12:00  paused, waiting on the customer: 2h not counted" in text
    assert "total counted: 12h; paused: 2h" in text


def test_changes_from_another_workstation_appear_on_the_next_poll(
        qtbot, window, desk: Desk, db_url: str, clock: Clock) -> None:
    keys = [log(desk, "magaya", severity).incident.key for severity in ("1", "2", "3")]
    select(qtbot, window, keys[0])
    assert window.poll_timer.interval() <= 5000 and window.poll_timer.isActive()
    other = Desk.open(db_url, clock=clock)
    try:
        other.assign(keys[1], "ben", author="ben")
        other.change_tier(keys[0], "III", author="ben")
    finally:
        other.shutdown()
    rows_changed: list[int] = []
    window.model.dataChanged.connect(
        lambda top, bottom, _roles: rows_changed.extend(range(top.row(), bottom.row() + 1))
        if bottom.column() - top.column() == len(Column) - 1 else None)

    window.poll()
    settle(qtbot, window)

    assert sorted(rows_changed) == sorted([window.model.row_of_key(keys[0]),
                                           window.model.row_of_key(keys[1])])
    position = window.model.row_of_key(keys[1])
    assert window.model.data(window.model.index(position, Column.ASSIGNEE)) == "ben"
    assert window.detail.incident.tier == "III"  # the selected incident was reloaded


def test_filters_views_and_search(qtbot, window, desk: Desk) -> None:
    log(desk, "magaya", "1", title="Invoices cannot be posted")
    log(desk, "maqsu", "low", title="Payroll run stops")
    done = log(desk, "acelynk", "minor", title="Duty off by a cent").incident.key
    desk.respond(done, author="tess")
    desk.resolve(done, ResolutionType.ANSWER, author="tess")
    window.refresh()
    settle(qtbot, window)
    assert window.model.rowCount() == 2

    window.vendor_filter.setCurrentIndex(window.vendor_filter.findData("maqsu"))
    qtbot.wait(5)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.rows()[0].vendor == "maqsu"
    assert window.severity_filter.findData("low") > 0

    press(qtbot, window, Qt.Key.Key_F)  # Ctrl+Shift+F clears the filters
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)

    qtbot.keyClicks(window.search, "invoices")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.rows()[0].vendor == "magaya"
    window.search.clear()

    press(qtbot, window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.rows()[0].key == done)
    assert window.current_view().value == "closed"

    press(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # my open
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    desk.assign(window_key := log(desk, "magaya", "3").incident.key, "tess", author="tess")
    window.refresh()
    qtbot.waitUntil(lambda: [r.key for r in window.model.rows()] == [window_key])


def test_a_reported_at_time_typed_starts_the_clocks(qtbot, window, clock: Clock) -> None:
    dialog = window.new_incident()
    dialog.set_vendor("magaya")
    dialog.set_severity("2")
    dialog.title.setText("Invoices cannot be posted")
    reported = clock.now - timedelta(minutes=40)
    dialog.reported.set_moment(reported)
    dialog.update_preview()
    assert dialog.findChild(QLabel, "preview_response").text() == "Tue 2026-12-08 10:20 EST"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    shown = window.detail.incident
    assert shown.reported_at == reported
    assert window.detail.left_text("response") == "20m"
