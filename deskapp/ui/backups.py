"""The Backups dialog: the desk's backups with their state; take one now, verify, restore
(after a confirmation; a safety copy is taken first) or open one read-only beside the desk.
Also the offer to restore the latest verified backup of a damaged database."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.app import backups
from deskapp.app.backups import Backup, Restored
from deskapp.core.errors import InputError
from deskapp.ui.infobar import InfoBar
from deskapp.ui.opening import DamagedDatabase
from deskapp.ui.workstation import Workstation

COLUMNS = ("Taken (UTC)", "Why", "Incidents", "Size", "State")
Reopen = Callable[[str], object]


def read_only_command(path: Path) -> list[str]:
    """The separate deskapp process that shows a backup without changing it."""
    return [sys.executable, "-m", "deskapp", "--read-only", str(path)]


def _when(backup: Backup) -> str:
    return f"{backup.taken_at:%Y-%m-%d %H:%M:%S}"


def confirm_restore(parent: QWidget, backup: Backup, database: str) -> bool:
    answer = QMessageBox.question(
        parent, "Restore a backup",
        f"Replace {database} with the backup taken {_when(backup)} UTC?\n\n"
        "Everything written after that moment is replaced; a safety copy of the current "
        "data is taken first, and listed with the backups.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def restored_text(restored: Restored) -> str:
    text = f"Restored the backup taken {_when(restored.backup)} UTC."
    if restored.safety is not None:
        text += f" The data it replaced is in {restored.safety.name}."
    if restored.set_aside is not None:
        text += f" The damaged file was moved to {restored.set_aside}."
    return text


class BackupsDialog(QDialog):
    """The backups of the open desk's file (``url``), in the station's background worker."""

    def __init__(self, station: Workstation, url: str, reopen: Reopen,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.station = station
        self.url = url
        self.reopen = reopen
        self.found: list[Backup] = []
        self.info = InfoBar()
        self.folder = QLabel()
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = QPushButton("&Folder…")
        choose.clicked.connect(self.choose_folder)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.create_button = QPushButton("&Back up now")
        self.verify_button = QPushButton("&Verify")
        self.restore_button = QPushButton("&Restore…")
        self.review_button = QPushButton("&Open read-only")
        self.create_button.clicked.connect(self.back_up_now)
        self.verify_button.clicked.connect(self.verify)
        self.restore_button.clicked.connect(self.restore)
        self.review_button.clicked.connect(self.open_read_only)
        self.table.itemSelectionChanged.connect(self._enable)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.verify_button, self.restore_button,
                       self.review_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(where)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(760, 420)
        self.refresh()

    # ----- what is shown --------------------------------------------------------------------

    @property
    def chosen_folder(self) -> str | None:
        return self.station.prefs.backup_folder or None

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.found[rows[0].row()] if rows else None

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.restore_button.setEnabled(chosen)
        self.review_button.setEnabled(chosen)

    def refresh(self) -> None:
        self.folder.setText(f"Folder: {backups.folder_for(self.url, self.chosen_folder)}")
        self._run(lambda: backups.backups(self.url, folder=self.chosen_folder),
                  lambda found: self.show_backups(found))  # type: ignore[arg-type]

    def show_backups(self, found: list[Backup]) -> None:
        self.found = found
        self.table.setRowCount(len(found))
        for row, backup in enumerate(found):
            size = f"{backup.size / 1e6:.1f} MB"
            incidents = "?" if backup.incidents is None else f"{backup.incidents:,}"
            for column, text in enumerate((_when(backup), backup.kind, incidents, size,
                                           backup.state)):
                item = QTableWidgetItem(text)
                item.setToolTip(backup.name)
                self.table.setItem(row, column, item)
        if found:
            self.table.selectRow(0)
        self._enable()

    def _run(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        self.station.tasks.run(work, done, lambda error: self.info.show_message(
            str(error), "error"))

    # ----- actions ------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Backup folder", str(backups.folder_for(self.url, self.chosen_folder)))
        if folder:
            self.station.prefs.backup_folder = folder
            self.refresh()

    def back_up_now(self) -> None:
        def taken(result: object) -> None:
            assert isinstance(result, Backup)
            self.info.show_message(f"Backed up: {result.name} ({result.state}).", "info")
            self.refresh()

        now = self.station.clock()
        self._run(lambda: backups.create(self.url, now=now, folder=self.chosen_folder), taken)

    def verify(self) -> None:
        chosen = self.selected()

        def checked(result: object) -> None:
            assert isinstance(result, list)
            bad = [backup for backup in result if not backup.verified]
            self.info.show_message(
                f"{len(result) - len(bad)} of {len(result)} verified" + "".join(
                    f"; {backup.name}: {backup.state}" for backup in bad),
                "error" if bad else "info")
            self.refresh()

        name = chosen.name if chosen else None
        self._run(lambda: backups.verify(self.url, name, folder=self.chosen_folder), checked)

    def restore(self) -> None:
        chosen = self.selected()
        if chosen is None or not confirm_restore(self, chosen, self.database_name()):
            return
        now = self.station.clock()

        def done(result: object) -> None:
            assert isinstance(result, Restored)
            self.info.show_message(restored_text(result), "info")
            self.reopen(self.url)  # the desk on the restored data
            self.refresh()

        self._run(lambda: backups.restore(self.url, chosen.name, now=now,
                                          folder=self.chosen_folder), done)

    def database_name(self) -> str:
        return str(backups.database_file(self.url))

    def open_read_only(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            subprocess.Popen(read_only_command(chosen.path), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            self.info.show_message(f"Could not start deskapp: {error}", "error")
            return
        self.info.show_message(f"Opening {chosen.name} read-only in another window…", "info")


def restore_offer(station: Workstation, error: Exception, reopen: Reopen,
                  parent: QWidget, told: Callable[[str, str], object]
                  ) -> tuple[str, Callable[[], object]] | None:
    """For a damaged database that has a verified backup: the button that restores it
    (after a confirmation) and opens the desk on it; None otherwise."""
    if not isinstance(error, DamagedDatabase):
        return None
    damaged = error

    def restore() -> None:
        if not confirm_restore(parent, damaged.backup, str(backups.database_file(damaged.url))):
            return
        now = station.clock()

        def done(result: object) -> None:
            assert isinstance(result, Restored)
            told(restored_text(result), "info")
            reopen(damaged.url)

        def failed(failure: Exception) -> None:
            told(str(failure), "error")

        station.tasks.run(
            lambda: backups.restore(damaged.url, damaged.backup.name, now=now,
                                    folder=station.prefs.backup_folder or None),
            done, failed)

    return (f"&Restore the backup of {damaged.backup.taken_at:%Y-%m-%d %H:%M} UTC…", restore)


class DailyBackups(QObject):
    """The day's backup: once the desk is open, and every hour for a window left open for
    days, the desk takes one if none was taken today and something changed since.

    It runs on a thread of its own, not the desk's background worker: a backup of a
    100,000-incident file takes seconds, which the queue's reads must not wait for (with
    the backup on the worker, the window's start to an interactive queue went from 0.3 to
    2.6 s in `make bench`)."""

    INTERVAL_MS = 3_600_000
    failed = Signal(str)

    def __init__(self, station: Workstation, told: Callable[[str, str], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.failed.connect(lambda message: told(message, "error"))
        self._running: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        desk = self.station.desk
        if desk is None or desk.read_only or not backups.backed_up_here(desk.url()) or (
                self.station.opened is not None and self.station.opened.scratch is not None):
            return  # no desk, a read-only or PostgreSQL one, or the throwaway demo
        if self._running is not None and self._running.is_alive():
            return
        folder = self.station.prefs.backup_folder or None

        def take() -> None:
            try:
                desk.daily_backup(folder)
            except (InputError, OSError) as error:
                self.failed.emit(f"Today's backup could not be taken: {error}")

        self._running = threading.Thread(target=take, name="daily backup", daemon=True)
        self._running.start()

    def wait(self, seconds: float = 60) -> None:
        """Until the backup being taken, if any, is done (tests, and closing the window)."""
        if self._running is not None:
            self._running.join(seconds)
