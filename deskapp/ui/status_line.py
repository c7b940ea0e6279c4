"""The status bar: progress of long work, the view's size, the agent, the office, last read."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from deskapp.office import Office
from deskapp.ui.workstation import Workstation

BUSY_DELAY_MS = 400


class StatusLine:
    """The window's status bar and the labels it keeps on the right."""

    def __init__(self, bar: QStatusBar, station: Workstation) -> None:
        self.bar = bar
        self.station = station
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.count_label = QLabel()
        self.office_label = QLabel()
        self.me_label = QLabel()
        self.refreshed_label = QLabel()
        for widget in (self.progress, self.count_label, self.me_label, self.office_label,
                       self.refreshed_label):
            bar.addPermanentWidget(widget)
        self.show_me()
        station.tasks.busy_changed.connect(self._busy_changed)

    def show_me(self) -> None:
        self.me_label.setText(f"Me: {self.station.prefs.me}")

    def show_office(self, office: Office) -> None:
        self.office_label.setText(f"Office: {office.zone}" + (
            f" ({office.country})" if office.country else ""))

    def show_count(self, count: int) -> None:
        self.count_label.setText(f"{count:,} incident{'s' if count != 1 else ''}")

    def show_read(self, moment: datetime) -> None:
        self.refreshed_label.setText(
            f"read {moment.astimezone(self.station.display.office_zone):%H:%M:%S}")

    def begin(self) -> None:
        """Long work starts: the bar moves until its first step."""
        self.progress.setRange(0, 0)
        self.progress.show()

    def step(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.bar.showMessage(message)

    def _busy_changed(self, busy: bool) -> None:
        # Polls are quick and frequent: the bar shows only for work that takes a moment.
        if busy:
            QTimer.singleShot(BUSY_DELAY_MS, self.progress, self._show_progress_if_busy)
        else:
            self.progress.hide()
            self.progress.setRange(0, 0)

    def _show_progress_if_busy(self) -> None:
        if not self.station.tasks.idle:
            self.progress.show()
