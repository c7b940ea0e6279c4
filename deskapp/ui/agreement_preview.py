"""What saving an edited agreement would change: the open incidents' due times before and
after, those that would become breached, and each calendar's next 14 days of open time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.agreement_change import AgreementPreview, DueChange, OpenTime
from deskapp.core.agreement import Agreement
from deskapp.core.wording import moment_label, plural
from deskapp.ui.open_time_bars import OpenTimeBars

HEADERS = ("Incident", "Target", "Before", "After", "Becomes breached")


def summary(preview: AgreementPreview) -> str:
    """``2 of 3 open incidents would change (3 due times); 1 would become breached: ...``"""
    if not preview.open_incidents:
        return f"{preview.vendor} has no open incidents: saving changes no due time."
    if not preview.changes:
        return (f"No due time of {preview.vendor}'s "
                f"{plural(preview.open_incidents, 'open incident')} would change.")
    text = (f"{preview.changed_incidents} of "
            f"{plural(preview.open_incidents, 'open incident')} would change "
            f"({plural(len(preview.changes), 'due time')}) if applied")
    breached = preview.newly_breached
    if breached:
        text += f"; {len(breached)} would become breached: {', '.join(breached)}"
    return text + "."


class PreviewPanel(QWidget):
    """The preview's table of due times and a bar chart per calendar."""

    def __init__(self, office_zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office_zone = office_zone
        self.preview: AgreementPreview | None = None
        self.summary = QLabel("Press Preview to see what saving would change.")
        self.summary.setObjectName("preview_summary")
        self.summary.setWordWrap(True)
        self.changes = QTableWidget(0, len(HEADERS))
        self.changes.setObjectName("preview_changes")
        self.changes.setHorizontalHeaderLabels(list(HEADERS))
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes.setTabKeyNavigation(False)
        self.changes.verticalHeader().hide()
        self.changes.verticalHeader().setDefaultSectionSize(22)
        self.changes.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.changes.horizontalHeader().setStretchLastSection(True)
        self.bars_box = QWidget()
        self.bars_layout = QVBoxLayout(self.bars_box)
        self.bars_layout.setContentsMargins(0, 0, 0, 0)
        self.bars: list[OpenTimeBars] = []
        scroll = QScrollArea()
        scroll.setWidget(self.bars_box)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.changes, 2)
        heading = QLabel("Open time over the next 14 days (each calendar in its own zone)")
        layout.addWidget(heading)
        layout.addWidget(scroll, 3)

    def show_preview(self, preview: AgreementPreview) -> None:
        self.preview = preview
        self.summary.setText(summary(preview))
        # Those that would become breached first: what the lead has to weigh.
        self._fill_changes(preview.agreement, sorted(preview.changes,
                                                     key=lambda c: not c.becomes_breached))
        self.show_calendars(preview.calendars, preview.now)

    def show_new_vendor(self, agreement: Agreement, calendars: Sequence[OpenTime],
                        now: datetime) -> None:
        self.preview = None
        self.summary.setText(f"{agreement.vendor} is a new vendor: no incident follows it yet.")
        self._fill_changes(agreement, ())
        self.show_calendars(calendars, now)

    def mark_stale(self) -> None:
        """The agreement changed since: the preview shown is not of it."""
        if self.preview is not None or self.changes.rowCount() or self.bars:
            self.summary.setText("The agreement changed since this preview; press Preview "
                                 "again.")

    def _fill_changes(self, agreement: Agreement, changes: Sequence[DueChange]) -> None:
        names = {metric.key: metric.name for metric in agreement.metrics}
        self.changes.setRowCount(0)
        for change in changes:
            row = self.changes.rowCount()
            self.changes.insertRow(row)
            cells = (change.key, names.get(change.metric, change.metric),
                     self._moment(change.before), self._moment(change.after),
                     "yes" if change.becomes_breached else "")
            for column, text in enumerate(cells):
                self.changes.setItem(row, column, QTableWidgetItem(text))

    def _moment(self, moment: datetime | None) -> str:
        return moment_label(moment, self.office_zone) if moment is not None else "no clock"

    def show_calendars(self, calendars: Sequence[OpenTime], now: datetime) -> None:
        while self.bars_layout.count():
            item = self.bars_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bars = []
        for calendar in calendars:
            self.bars_layout.addWidget(QLabel(f"<b>{escape(calendar.name)}</b> "
                                              f"({escape(calendar.calendar)}, {calendar.zone})"))
            bars = OpenTimeBars()
            bars.setObjectName(f"bars_{calendar.calendar}")
            bars.show_open_time(calendar.intervals, calendar.zone, now)
            self.bars_layout.addWidget(bars)
            self.bars.append(bars)
        self.bars_layout.addStretch(1)

    def rows(self) -> list[list[str]]:
        """The table as shown, a list of cells per row."""
        return [[self._cell(row, column) for column in range(len(HEADERS))]
                for row in range(self.changes.rowCount())]

    def _cell(self, row: int, column: int) -> str:
        item = self.changes.item(row, column)
        return item.text() if item is not None else ""
