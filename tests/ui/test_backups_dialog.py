"""The Backups dialog (take, verify, restore, open read-only), the daily backup on opening,
and a damaged database offering its latest verified backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from deskapp.app import backups
from deskapp.app.desk import Desk
from deskapp.storage.engine import sqlite_url
from deskapp.ui import backups as backups_ui
from deskapp.ui.backups import BackupsDialog
from deskapp.ui.main_window import MainWindow
from tests.conftest import NEW_YORK_OFFICE
from tests.ui.conftest import Clock, log, settle


@pytest.fixture(autouse=True)
def _backups_beside_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(backups.BACKUP_DIR_ENV, raising=False)


def _dialog(qtbot: Any, window: MainWindow) -> BackupsDialog:
    window.actions_by_name["backups"].trigger()
    dialog = window.dialog
    assert isinstance(dialog, BackupsDialog)
    settle(qtbot, window)
    return dialog


def _titles(qtbot: Any, window: MainWindow) -> list[str]:
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=15_000)
    assert window.desk is not None
    return sorted(row.title for row in window.desk.queue())


def test_back_up_verify_and_restore_from_the_window(
        qtbot: Any, window: MainWindow, desk: Desk, monkeypatch: pytest.MonkeyPatch,
        clock: Clock) -> None:
    log(desk, title="Before the backup")
    dialog = _dialog(qtbot, window)
    assert dialog.table.rowCount() == 0
    dialog.create_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    assert dialog.table.item(0, 4).text() == "verified"
    assert dialog.table.item(0, 2).text() == "1"
    dialog.verify_button.click()
    settle(qtbot, window)
    assert dialog.info.label.text().startswith("1 of 1 verified")

    clock.advance(minutes=10)
    log(desk, title="After the backup")
    asked: list[str] = []
    monkeypatch.setattr(backups_ui, "confirm_restore",
                        lambda parent, backup, database: asked.append(database) or True)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    settle(qtbot, window)
    assert asked and asked[0].endswith("desk.sqlite3")
    assert _titles(qtbot, window) == ["Before the backup"]
    assert "The data it replaced is in" in dialog.info.label.text()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)  # + the safety copy
    assert {dialog.table.item(row, 1).text() for row in range(2)} == {
        "on demand", "before restore"}
    window.close()


def test_a_backup_opens_read_only_in_another_process(
        qtbot: Any, window: MainWindow, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(backups_ui.subprocess, "Popen",
                        lambda command, **how: started.append(command))
    dialog = _dialog(qtbot, window)
    dialog.create_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    dialog.review_button.click()
    assert started == [[sys.executable, "-m", "deskapp", "--read-only",
                        str(dialog.found[0].path)]]
    window.close()


def test_opening_takes_the_daily_backup_and_a_damaged_file_offers_it(
        qtbot: Any, tmp_path: Path, settings: QSettings, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "desk.sqlite3"
    url = sqlite_url(path)
    desk = Desk.open(url, office=NEW_YORK_OFFICE, clock=clock)
    log(desk, title="Saved")
    desk.shutdown()
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.open_database(url)
    assert _titles(qtbot, window) == ["Saved"]
    window.daily_backups.wait()  # taken on a thread of its own, after the queue is read
    taken = backups.backups(url)
    assert len(taken) == 1 and taken[0].kind == "daily"
    window.shut_down_desk()

    path.write_bytes(b"\x00 damaged beyond reading " * 400)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    window.open_database(url)
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=15_000)
    message = window.queue_info.label.text()
    assert message.startswith("Could not open the database")
    assert f"latest verified backup was taken {taken[0].taken_at:%Y-%m-%d %H:%M} UTC" in message
    assert window.queue_info.action.text().startswith("&Restore the backup of")
    monkeypatch.setattr(backups_ui, "confirm_restore", lambda *given: True)
    window.queue_info.action.click()
    assert _titles(qtbot, window) == ["Saved"]
    assert any(p.name.startswith("desk.sqlite3.damaged-") for p in tmp_path.iterdir())
    window.close()


def test_a_window_left_open_takes_the_next_days_backup(
        qtbot: Any, window: MainWindow, desk: Desk, clock: Clock, db_url: str) -> None:
    log(desk, title="Monday")
    window.daily_backups.check()
    window.daily_backups.wait()
    window.daily_backups.check()
    window.daily_backups.wait()
    assert len(backups.backups(db_url)) == 1  # one a day
    clock.advance(days=1)
    window.daily_backups.check()
    window.daily_backups.wait()
    assert len(backups.backups(db_url)) == 1  # nothing changed
    log(desk, title="Tuesday")
    window.daily_backups.check()
    window.daily_backups.wait()
    assert len(backups.backups(db_url)) == 2
    assert window.daily_backups.timer.isActive()
    window.close()
