"""The incident an action applies to is the one the pane names, and the queue agrees."""

from __future__ import annotations

from PySide6.QtCore import Qt

from deskapp.app.desk import Desk
from deskapp.app.queue import View
from deskapp.core.lifecycle import Status
from tests.ui.conftest import log, settle
from tests.ui.test_workflow import ok, open_dialog, press, select


def selected_keys(window) -> list[str]:
    rows = window.table.selectionModel().selectedRows()
    return [window.model.row_at(index.row()).key for index in rows]


def test_after_resolve_the_pane_stays_and_close_applies_to_it(qtbot, window,
                                                             desk: Desk) -> None:
    first = log(desk, "magaya", "1", title="First").incident.key
    second = log(desk, "magaya", "2", title="Second").incident.key
    desk.respond(second, author="tess")
    select(qtbot, window, second)

    dialog = open_dialog(qtbot, window, Qt.Key.Key_D)  # resolve
    ok(qtbot, dialog)
    settle(qtbot, window)
    assert window.model.rowCount() == 1  # resolved: gone from "all open"
    assert window.detail.incident.key == second
    assert window.detail.not_in_view.isVisible()
    assert selected_keys(window) == []  # no other line looks picked
    assert window.statusBar().currentMessage() == f"{second} resolved"

    # Focus back in the queue (as when the dialog closes) does not pick the top line.
    window.table.clearFocus()
    window.table.setFocus()
    settle(qtbot, window)
    assert window.detail.incident.key == second

    press(qtbot, window, Qt.Key.Key_C)  # close: the incident named, not the top line
    settle(qtbot, window)
    assert desk.show(second).status is Status.CLOSED
    assert desk.show(first).status is not Status.CLOSED
    assert window.detail.incident.key == second

    qtbot.wait(20)  # a person's next key comes once the window has settled
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # the agent picks another
    settle(qtbot, window)
    assert window.detail.incident.key == first
    assert selected_keys(window) == [first]
    assert not window.detail.not_in_view.isVisible()


def test_switching_views_shows_a_line_of_the_new_view(qtbot, window, desk: Desk) -> None:
    shown = log(desk, "magaya", "1", title="Open one").incident.key
    paused = log(desk, "magaya", "2", title="Paused one").incident.key
    desk.pause(paused, author="tess")
    select(qtbot, window, shown)

    window.set_view(View.PAUSED)
    qtbot.waitUntil(lambda: window.queue_ready() and window.tasks.idle)
    settle(qtbot, window)
    assert window.detail.incident.key == paused
    assert selected_keys(window) == [paused]
    assert not window.detail.not_in_view.isVisible()

    window.set_view(View.CLOSED)  # nothing there: the pane says its incident is not in it
    qtbot.waitUntil(lambda: window.queue_ready() and window.tasks.idle)
    assert window.model.rowCount() == 0
    assert window.detail.incident.key == paused
    assert window.detail.not_in_view.isVisible()

    window.set_view(View.ALL_OPEN)  # back where it is: selected again
    qtbot.waitUntil(lambda: window.queue_ready() and window.tasks.idle)
    settle(qtbot, window)
    assert selected_keys(window) == [window.detail.incident.key]
    assert not window.detail.not_in_view.isVisible()


def test_no_action_applies_while_the_picked_line_is_being_read(qtbot, window,
                                                               desk: Desk) -> None:
    first = log(desk, "magaya", "1").incident.key
    second = log(desk, "magaya", "2").incident.key
    select(qtbot, window, first)
    window.select_key(second)  # its incident is read in the background
    assert window.shown.incident is None
    assert not window.actions_by_name["escalate"].isEnabled()
    settle(qtbot, window)
    assert window.shown.incident.key == second
    assert window.actions_by_name["escalate"].isEnabled()


def test_messages_about_an_incident_go_when_the_agent_moves_on(qtbot, window,
                                                                desk: Desk) -> None:
    first = log(desk, "catapult", "1").incident.key
    second = log(desk, "magaya", "2").incident.key
    select(qtbot, window, first)
    window.take_action("lower")  # refused: it is at the lowest tier already
    settle(qtbot, window)
    assert first in window.queue_info.text()
    window.take_action("escalate")
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == f"{first} escalated"

    assert window.select_key(second)
    settle(qtbot, window)
    assert window.queue_info.text() == ""
    assert window.statusBar().currentMessage() == ""
