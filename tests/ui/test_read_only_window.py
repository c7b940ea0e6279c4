"""The window on a database opened read-only: it says so, offers no write, shows everything,
and the file is the same, byte for byte and to the nanosecond, when the window closes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QSettings, Qt
from PySide6.QtWidgets import QPushButton

from deskapp.app.desk import Desk
from deskapp.app.queue import View
from deskapp.storage.engine import sqlite_url
from deskapp.ui.action_dialogs import ActionDialog
from deskapp.ui.first_start import FirstStartDialog
from deskapp.ui.incident_actions import SPECS
from deskapp.ui.main_window import MainWindow
from tests.conftest import NEW_YORK_OFFICE
from tests.ui.conftest import Clock, log, settle

READ_ONLY = "is open read-only: nothing can be changed in it"


@pytest.fixture
def copy(tmp_path: Path, clock: Clock) -> Iterator[tuple[Path, list[str]]]:
    """A closed database file in a folder of its own, with three incidents in it."""
    folder = tmp_path / "taken home"
    folder.mkdir()
    path = folder / "desk.sqlite3"
    desk = Desk.open(sqlite_url(path), office=NEW_YORK_OFFICE, clock=clock)
    try:
        keys = [log(desk, "magaya", severity).incident.key for severity in ("1", "2")]
        keys.append(log(desk, "maqsu", "high").incident.key)
        desk.comment(keys[0], "first look", author="tess")
    finally:
        desk.shutdown()
    yield path, keys


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {item.name: (item.read_bytes(), item.stat().st_mtime_ns)
            for item in folder.iterdir()}


def _open(qtbot, settings: QSettings, clock: Clock, path: Path) -> MainWindow:
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    window.open_database(str(path), read_only=True)
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=10_000)
    return window


def test_nothing_is_written_by_opening_browsing_showing_or_trying_to_act(
        qtbot, settings: QSettings, clock: Clock, copy: tuple[Path, list[str]]) -> None:
    path, keys = copy
    before = _snapshot(path.parent)
    window = _open(qtbot, settings, clock, path)
    assert window.desk is not None and window.desk.read_only
    assert window.windowTitle() == f"deskapp: {path} (read-only)"
    assert window.read_only_banner.isVisible()
    assert window.read_only_banner.text().startswith(f"Read-only: {path} is open to read.")
    assert not window.read_only_banner.dismiss.isVisible()

    # Every view and every incident can be read; "Why this time?" explains.
    for view in View:
        window.set_view(view)
        settle(qtbot, window)
    window.set_view(View.ALL_OPEN)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    for key in keys:
        window.load_detail(key)
        settle(qtbot, window)
        assert window.detail.incident is not None and window.detail.incident.key == key
        # Nothing that writes is offered, whatever core's workflow would allow.
        assert not any(window.actions_by_name[spec.name].isEnabled() for spec in SPECS)
    assert not window.actions_by_name["new"].isEnabled()
    assert not window.actions_by_name["recompute"].isEnabled()
    assert window.actions_by_name["refresh"].isEnabled()
    assert window.actions_by_name["open_read_only"].isEnabled()
    button = window.detail.findChild(QPushButton, "why_resolution")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    explanation = window.detail.explanation
    assert explanation is not None and explanation.isVisible()
    assert "Effective start" in explanation.text.toPlainText()
    explanation.close()

    # Tried anyway (a shortcut, a script): the desk refuses, in one message.
    window.load_detail(keys[0])
    settle(qtbot, window)
    dialog = window.take_action("comment")
    assert isinstance(dialog, ActionDialog)
    dialog.set_value("text", "one more")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert READ_ONLY in dialog.info.text() and dialog.isVisible()
    dialog.reject()
    assert window.take_action("escalate") is None  # written at once: refused at once
    settle(qtbot, window)
    assert READ_ONLY in window.queue_info.text()
    window.recompute_clocks()
    settle(qtbot, window)
    assert READ_ONLY in window.queue_info.text()
    new = window.new_incident()
    assert new is not None
    new.title.setText("Cannot print")
    new.submit()
    settle(qtbot, window)
    assert READ_ONLY in new.info.text()
    new.reject()
    settings_dialog = window.open_settings()
    settings_dialog.zone.setEditText("Asia/Manila")
    qtbot.mouseClick(settings_dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert READ_ONLY in settings_dialog.info.text()
    settings_dialog.reject()

    window.close()
    assert window.desk is None
    assert _snapshot(path.parent) == before


def test_no_first_start_question_on_a_database_opened_read_only(
        qtbot, settings: QSettings, clock: Clock, copy: tuple[Path, list[str]]) -> None:
    settings.remove("agent/name")  # a workstation where nobody has said who works there
    window = _open(qtbot, settings, clock, copy[0])
    assert not isinstance(window.dialog, FirstStartDialog)
    assert window.dialog is None


def test_a_missing_file_is_one_message_and_is_not_created(qtbot, settings: QSettings,
                                                          clock: Clock, tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite3"
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.open_database(str(missing), read_only=True)
    settle(qtbot, window)
    assert window.queue_info.text() == \
        f"Could not open the database: there is no database file {missing}"
    assert window.desk is None and not missing.exists()
    assert not window.read_only_banner.isVisible()


def test_a_desk_opened_normally_has_no_banner(qtbot, window: MainWindow) -> None:
    assert window.desk is not None and not window.desk.read_only
    assert not window.read_only_banner.isVisible()
    assert "(read-only)" not in window.windowTitle()
    assert window.actions_by_name["new"].isEnabled()


def test_file_open_read_only_starts_a_deskapp_of_its_own(
        qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
        copy: tuple[Path, list[str]]) -> None:
    started: list[tuple[str, list[str]]] = []

    def start_detached(program: str, arguments: list[str]) -> tuple[bool, int]:
        started.append((program, arguments))
        return True, 4321

    monkeypatch.setattr(QProcess, "startDetached", start_detached)
    assert window.open_read_only(str(copy[0]))
    assert started == [(sys.executable, ["-m", "deskapp", "--read-only", str(copy[0])])]
    assert window.desk is not None and not window.desk.read_only  # this desk stays open


def test_deskapp_read_only_opens_the_window_read_only(
        qapp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        copy: tuple[Path, list[str]]) -> None:
    """`deskapp --read-only PATH`: the window opens the file, read-only, named as given."""
    from deskapp.cli import main
    from deskapp.ui import main as window_main

    opened: list[tuple[MainWindow, str, bool]] = []

    def open_database(window: MainWindow, url: str, *, read_only: bool = False) -> None:
        opened.append((window, url, read_only))

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window sets its own
    monkeypatch.setattr(window_main, "QSettings",
                        lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    monkeypatch.setattr(window_main, "style_sheet", lambda: qapp.styleSheet())
    monkeypatch.setattr(MainWindow, "open_database", open_database)
    monkeypatch.setattr(type(qapp), "exec", lambda self: 0)
    assert main(["--read-only", str(copy[0])]) == 0
    ((window, url, read_only),) = opened
    assert (url, read_only) == (sqlite_url(copy[0]), True)
    window.close()
    window.deleteLater()
