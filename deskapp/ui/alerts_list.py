"""The day's alerts in a list the agent can open again: each line opens its incident."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.ui.notifications import Alert, Kind
from deskapp.ui.screen_fit import fit_on_screen
from deskapp.ui.wording import time_of_day_label


def todays(alerts: Sequence[Alert], now: datetime, zone: ZoneInfo) -> list[Alert]:
    """The alerts told today in the office, newest first."""
    today = now.astimezone(zone).date()
    return sorted((a for a in alerts if a.at.astimezone(zone).date() == today),
                  key=lambda a: a.at, reverse=True)


class AlertsDialog(QDialog):
    """Emits ``open_incident`` with the alert chosen (Enter or a double click)."""

    open_incident = Signal(object)

    def __init__(self, alerts: Sequence[Alert], names: dict[str, str], zone: ZoneInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Today's alerts")
        self.list = QListWidget()
        for alert in alerts:
            mark = "⚠" if alert.kind is Kind.WARNING else "✖"
            item = QListWidgetItem(
                f"{time_of_day_label(alert.at, zone)}  {mark} {alert.headline()}\n"
                f"      {names.get(alert.vendor, alert.vendor)}: {alert.title}")
            item.setData(Qt.ItemDataRole.UserRole, alert)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._open)
        empty = QLabel("No warnings or breaches were told today." if not alerts
                       else "Enter or a double click opens the incident.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        if alerts:
            self.list.setCurrentRow(0)
        self.list.setFocus()
        fit_on_screen(self, QSize(560, 360))

    def _open(self, item: QListWidgetItem) -> None:
        self.open_incident.emit(item.data(Qt.ItemDataRole.UserRole))
