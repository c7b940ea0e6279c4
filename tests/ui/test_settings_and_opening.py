"""Settings, remembered layout, first run, the demo database and errors on opening."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from deskapp.app.desk import Desk
from deskapp.app.queue import View
from deskapp.paths import DATABASE_ENV
from deskapp.storage.engine import sqlite_url
from deskapp.ui import opening
from deskapp.ui.main import chosen_database
from deskapp.ui.main_window import MainWindow
from deskapp.ui.queue_model import Column
from tests.ui.conftest import Clock, log, settle


def test_settings_change_the_agent_the_office_and_the_thresholds(
        qtbot, window: MainWindow, desk: Desk, settings: QSettings) -> None:
    dialog = window.open_settings()
    dialog.me.setText("ben")
    dialog.warn_minutes.setValue(10)
    dialog.zone.setEditText("Mars/Olympus")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "unknown" in dialog.info.text() and dialog.isVisible()
    assert window.prefs.me == "tess"  # nothing saved from a refused dialog

    dialog.zone.setEditText("Asia/Manila")
    dialog.country.setText("ph")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.dialog is None
    assert window.prefs.me == "ben" and window.prefs.warn_minutes == 10
    assert settings.value("agent/name") == "ben"
    assert window.notifier.warn_seconds == 600
    assert desk.settings()["office_zone"] == "Asia/Manila"
    assert window.office_label.text() == "Office: Asia/Manila (PH)"
    assert window.me_label.text() == "Me: ben"


def test_window_geometry_columns_and_view_are_remembered(qtbot, desk: Desk,
                                                         settings: QSettings,
                                                         clock: Clock) -> None:
    first = MainWindow(settings, clock=clock)
    qtbot.addWidget(first)
    first.table.setColumnWidth(Column.ASSIGNEE, 155)
    first.table.horizontalHeader().moveSection(Column.AGE, 0)
    first.set_view(View.PAUSED)
    first.close()
    assert settings.value("queue/header") is not None

    second = MainWindow(settings, clock=clock)
    qtbot.addWidget(second)
    assert second.table.columnWidth(Column.ASSIGNEE) == 155
    assert second.table.horizontalHeader().visualIndex(Column.AGE) == 0
    assert second.current_view() is View.PAUSED


def test_the_first_run_creates_the_database_with_the_agreements(
        qtbot, tmp_path: Path, settings: QSettings, clock: Clock) -> None:
    path = tmp_path / "first.sqlite3"
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.open_database(sqlite_url(path))
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=15_000)
    assert path.is_file()
    assert set(window.catalog.agreements) == {"acelynk", "catapult", "magaya", "maqsu"}
    assert window.vendor_filter.count() == 5
    assert window.actions_by_name["new"].isEnabled()
    window.close()
    assert window.desk is None


def test_an_unusable_database_is_a_message(qtbot, tmp_path: Path, settings: QSettings) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_database(sqlite_url(tmp_path / "missing" / "folder" / "desk.sqlite3"))
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=15_000)
    assert window.queue_info.text().startswith("Could not open the database")
    assert not window.actions_by_name["new"].isEnabled()


def test_the_demo_fills_a_throwaway_database(qtbot, settings: QSettings, monkeypatch) -> None:
    monkeypatch.setattr(opening, "DEMO_INCIDENTS", 60)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_demo()
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=20_000)
    assert window.opened is not None and window.opened.scratch is not None
    folder = Path(window.opened.scratch.name)
    assert "Demo database" in window.queue_info.text()
    window.set_view(View.CLOSED)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    window.close()
    assert not folder.exists()


def test_the_demo_without_a_generator_says_so(qtbot, settings: QSettings,
                                              monkeypatch) -> None:
    monkeypatch.setattr(opening, "DEMO_MODULE", "deskapp.app.no_such_demo")
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_demo()
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=20_000)
    assert "no demo generator" in window.queue_info.text()
    assert window.model.rowCount() == 0


@pytest.mark.parametrize(("given", "env", "saved", "expected"), [
    ("cli.sqlite3", "env.sqlite3", "saved.sqlite3", "cli.sqlite3"),
    (None, "env.sqlite3", "saved.sqlite3", "env.sqlite3"),
    (None, None, "saved.sqlite3", "saved.sqlite3"),
])
def test_the_database_comes_from_the_command_line_the_environment_or_the_settings(
        tmp_path: Path, monkeypatch, given: str | None, env: str | None, saved: str,
        expected: str) -> None:
    if env:
        monkeypatch.setenv(DATABASE_ENV, str(tmp_path / env))
    else:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
    args = argparse.Namespace(db=str(tmp_path / given) if given else None, demo=False)
    assert chosen_database(args, str(tmp_path / saved)) == sqlite_url(tmp_path / expected)


def test_recomputing_the_clocks_shows_progress(qtbot, window: MainWindow, desk: Desk) -> None:
    for severity in ("1", "2"):
        log(desk, "magaya", severity)
    steps: list[int] = []
    window.tasks.stepped.connect(lambda step: steps.append(step.done))
    window.actions_by_name["recompute"].trigger()
    settle(qtbot, window)
    assert steps == [2]
    assert "Recomputed the clocks of 2 incidents" in window.statusBar().currentMessage()


def test_the_first_start_asks_the_agents_name_and_the_office_zone(
        qtbot, desk: Desk, tmp_path: Path, clock: Clock) -> None:
    from deskapp.ui.first_start import FirstStartDialog

    store = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    first = MainWindow(store, clock=clock)
    qtbot.addWidget(first)
    first.attach(desk)
    first.show()
    qtbot.waitUntil(lambda: isinstance(first.dialog, FirstStartDialog), timeout=10_000)
    dialog = first.dialog
    assert dialog.me.text() == ""  # not the login name, unasked
    assert not dialog.database.isVisible()
    qtbot.keyClicks(dialog.me, "Maria Santos")
    dialog.zone.setEditText("Asia/Manila")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, first)
    assert first.dialog is None
    assert first.me_label.text() == "Me: Maria Santos"
    assert desk.settings()["office_zone"] == "Asia/Manila"
    first.close()

    again = MainWindow(store, clock=clock)
    qtbot.addWidget(again)
    again.attach(desk)
    qtbot.waitUntil(lambda: again.catalog is not None and again.tasks.idle, timeout=10_000)
    assert again.dialog is None  # asked once
