"""The window and its dialogs fit a 1024x640 screen; a wide one is shared by the columns."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from deskapp.app.desk import Desk
from deskapp.ui.main_window import MainWindow
from deskapp.ui.queue_model import Column
from deskapp.ui.screen_fit import available
from tests.ui.conftest import Clock, log, settle


def test_the_window_and_the_new_incident_dialog_fit_a_small_screen(
        qtbot, desk: Desk, settings: QSettings, clock: Clock) -> None:
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    screen = available(window)
    assert window.width() <= screen.width() and window.height() <= screen.height()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 - 16 and hint.height() <= 640 - 48
    window.attach(desk)
    window.show()
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle)
    dialog = window.new_incident()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    assert dialog.minimumSizeHint().width() <= 1024 - 16
    assert dialog.minimumSizeHint().height() <= 640 - 48


def test_on_a_small_screen_the_countdowns_stay_in_sight(qtbot, window, desk: Desk) -> None:
    log(desk, "magaya", "1")
    window.resize(1008, 592)
    window.refresh()
    settle(qtbot, window)
    table = window.table
    right = table.columnViewportPosition(Column.RESOLUTION) + table.columnWidth(
        Column.RESOLUTION)
    assert right <= table.viewport().width() + 24  # at most a sliver scrolls


def test_a_wide_screen_widens_every_column_not_only_the_title(qtbot, window) -> None:
    before = window.table.columnWidth(Column.STATUS)
    window.resize(2560, 1400)
    qtbot.waitUntil(lambda: window.table.columnWidth(Column.STATUS) > before * 1.3)
    title = window.table.columnWidth(Column.TITLE)
    assert title < window.table.viewport().width() / 2
