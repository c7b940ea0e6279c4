"""A date and time typed in a given zone (the office's), optionally switched off."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit, QHBoxLayout, QLabel, QSizePolicy, QWidget

DATE_FORMAT = "yyyy-MM-dd HH:mm"


def to_qt(moment: datetime, zone: ZoneInfo) -> QDateTime:
    """The wall time in ``zone``, held as a UTC QDateTime so no machine zone shifts it."""
    local = moment.astimezone(zone)
    return QDateTime(QDate(local.year, local.month, local.day),
                     QTime(local.hour, local.minute), QTimeZone.utc())


def from_qt(value: QDateTime, zone: ZoneInfo) -> datetime:
    day, time = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=zone)


class DateTimeField(QWidget):
    """A date and time in the office zone, optionally switched off by a check box."""

    changed = Signal()

    def __init__(self, moment: datetime, zone: ZoneInfo, *, optional: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.edit = QDateTimeEdit(to_qt(moment, zone))
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setTimeZone(QTimeZone.utc())
        self.check: QCheckBox | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if optional:
            self.check = QCheckBox(optional)
            self.check.toggled.connect(self._toggled)
            layout.addWidget(self.check)
            self.edit.setEnabled(False)
        layout.addWidget(self.edit, 1)
        layout.addWidget(QLabel(zone.key))
        self.edit.dateTimeChanged.connect(lambda _moment: self.changed.emit())

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.changed.emit()

    def set_moment(self, moment: datetime) -> None:
        self.edit.setDateTime(to_qt(moment, self.zone))

    def moment(self) -> datetime | None:
        if self.check is not None and not self.check.isChecked():
            return None
        return from_qt(self.edit.dateTime(), self.zone)

    def set_checked(self, on: bool) -> None:
        if self.check is not None:
            self.check.setChecked(on)
