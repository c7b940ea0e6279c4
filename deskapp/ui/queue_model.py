"""The queue as a table model over incident ids, with a row cache and ticking countdowns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from deskapp.app.views import QueueRow
from deskapp.core.agreement import Agreement
from deskapp.core.calendar import format_duration
from deskapp.core.clocks import TargetClock, TargetState
from deskapp.ui.countdown import METRICS, Countdown, Look, countdown, tooltip

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    KEY = 0
    VENDOR = 1
    PRODUCT = 2
    SEVERITY = 3
    TIER = 4
    STATUS = 5
    ASSIGNEE = 6
    TITLE = 7
    AGE = 8
    RESPONSE = 9
    WORKAROUND = 10
    RESOLUTION = 11


HEADERS = {
    Column.KEY: "Key", Column.VENDOR: "Vendor", Column.PRODUCT: "Product",
    Column.SEVERITY: "Sev", Column.TIER: "Tier", Column.STATUS: "Status",
    Column.ASSIGNEE: "Assignee", Column.TITLE: "Title", Column.AGE: "Age",
    Column.RESPONSE: "Response", Column.WORKAROUND: "Workaround",
    Column.RESOLUTION: "Resolution",
}
COUNTDOWN_COLUMNS = {Column.RESPONSE: "response", Column.WORKAROUND: "workaround",
                     Column.RESOLUTION: "resolution"}
FIRST_COUNTDOWN = min(COUNTDOWN_COLUMNS)
LAST_COUNTDOWN = max(COUNTDOWN_COLUMNS)
assert tuple(COUNTDOWN_COLUMNS.values()) == METRICS

# Text and background per look: dark text on pale backgrounds reads on light and dark themes.
COLOURS: dict[Look, tuple[str, str | None]] = {
    Look.RUNNING: ("#1e5631", None),
    Look.WARNING: ("#7a4b00", "#ffe8a3"),
    Look.BREACHED: ("#8b1a1a", "#f9d0d0"),
    Look.PAUSED: ("#2b4c7e", "#dde8f7"),
    Look.MET: ("#5f6b66", None),
    Look.MET_LATE: ("#8b1a1a", None),
    Look.PENDING: ("#6e6e6e", None),
    Look.NONE: ("#6e6e6e", None),
}
TICK_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
              Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
              Qt.ItemDataRole.FontRole]
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass
class Display:
    """Names and thresholds the model shows with: set by the window."""

    office_zone: ZoneInfo
    agreements: dict[str, Agreement]
    warn_seconds: float = 0

    def vendor_name(self, vendor: str) -> str:
        agreement = self.agreements.get(vendor)
        return agreement.name if agreement else vendor

    def metric_name(self, vendor: str, metric: str) -> str:
        agreement = self.agreements.get(vendor)
        if agreement is not None:
            for known in agreement.metrics:
                if known.key == metric:
                    return known.name
        return metric.capitalize()


class QueueModel(QAbstractTableModel):
    """Rows are incident ids; each id's QueueRow is cached and replaced when its version moves.

    Countdowns are read from the cached clocks at the model's ``now`` (``clock.at(now)`` is
    pure), so a tick needs no database: ``tick`` moves ``now`` and signals the countdown
    cells of the rows asked for.
    """

    def __init__(self, display: Display, now: datetime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.display = display
        self.now = now
        self._ids: list[int] = []
        self._rows: dict[int, QueueRow] = {}
        self._states: dict[tuple[int, str], TargetState | None] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # ----- reading ----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[Column(section)]
            if role == Qt.ItemDataRole.ToolTipRole and section in COUNTDOWN_COLUMNS:
                return ("Business time left in the vendor's calendar; negative once overdue")
        return None

    def row_at(self, row: int) -> QueueRow | None:
        if 0 <= row < len(self._ids):
            return self._rows[self._ids[row]]
        return None

    def row_of_id(self, incident_id: int) -> int | None:
        try:
            return self._ids.index(incident_id)
        except ValueError:
            return None

    def row_of_key(self, key: str) -> int | None:
        for position, incident_id in enumerate(self._ids):
            if self._rows[incident_id].key == key:
                return position
        return None

    def rows(self) -> list[QueueRow]:
        return [self._rows[i] for i in self._ids]

    def state(self, row: QueueRow, metric: str) -> TargetState | None:
        key = (row.id, metric)
        if key not in self._states:
            clock = _clock(row, metric)
            self._states[key] = clock.at(self.now) if clock is not None else None
        return self._states[key]

    def countdown_at(self, row: int, metric: str) -> Countdown:
        found = self.row_at(row)
        if found is None:
            return countdown(None)
        return countdown(self.state(found, metric), self.display.warn_seconds)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        if role == ID_ROLE:
            return row.id
        metric = COUNTDOWN_COLUMNS.get(column)
        if metric is not None:
            return self._countdown_data(row, metric, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.TITLE:
                return row.title
            if column is Column.AGE:
                local = row.reported_at.astimezone(self.display.office_zone)
                return f"Reported {local:%a %Y-%m-%d %H:%M %Z}"
            return None
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.SEVERITY,
                                                                   Column.TIER):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, row: QueueRow, column: Column) -> str:
        match column:
            case Column.KEY:
                return row.key
            case Column.VENDOR:
                return self.display.vendor_name(row.vendor)
            case Column.PRODUCT:
                return row.product
            case Column.SEVERITY:
                return row.severity
            case Column.TIER:
                return row.tier
            case Column.STATUS:
                return row.status.value
            case Column.ASSIGNEE:
                return row.assignee or ""
            case Column.TITLE:
                return row.title
            case Column.AGE:
                return age_text(self.now - row.reported_at)
        return ""

    def _countdown_data(self, row: QueueRow, metric: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            clock = _clock(row, metric)
            return tooltip(clock, self.state(row, metric),
                           self.display.metric_name(row.vendor, metric),
                           self.display.office_zone, self.now)
        shown = countdown(self.state(row, metric), self.display.warn_seconds)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown.text
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(COLOURS[shown.look][0]))
        if role == Qt.ItemDataRole.BackgroundRole:
            background = COLOURS[shown.look][1]
            return QBrush(QColor(background)) if background else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if shown.look is Look.BREACHED else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return shown.left_seconds if shown.left_seconds is not None else float("inf")
        return None

    def _sort_value(self, row: QueueRow, column: Column) -> Any:
        if column is Column.KEY:
            return row.id
        if column is Column.AGE:
            return -row.reported_at.timestamp()
        return self._text(row, column).lower()

    # ----- time moving ------------------------------------------------------------------

    def tick(self, now: datetime, first: int, last: int) -> None:
        """Move to ``now`` and signal the countdown cells of rows ``first`` to ``last``."""
        self.now = now
        self._states.clear()
        if not self._ids:
            return
        first, last = max(first, 0), min(last, len(self._ids) - 1)
        if first > last:
            return
        self.dataChanged.emit(self.index(first, FIRST_COUNTDOWN),
                              self.index(last, LAST_COUNTDOWN), TICK_ROLES)

    def age_tick(self, first: int, last: int) -> None:
        """The age column reads whole minutes, so it is signalled once a minute."""
        first, last = max(first, 0), min(last, len(self._ids) - 1)
        if first <= last:
            self.dataChanged.emit(self.index(first, Column.AGE), self.index(last, Column.AGE),
                                  [Qt.ItemDataRole.DisplayRole])

    def set_warn_seconds(self, seconds: float) -> None:
        self.display.warn_seconds = seconds
        self._states.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, FIRST_COUNTDOWN),
                                  self.index(len(self._ids) - 1, LAST_COUNTDOWN), TICK_ROLES)

    # ----- new rows from the database ---------------------------------------------------

    def set_rows(self, rows: Sequence[QueueRow]) -> list[int]:
        """Take the queue as read now: rows gone are removed, new ones inserted, the order
        followed, and only rows whose version moved are signalled as changed.

        Returns the ids whose row changed.
        """
        incoming: dict[int, QueueRow] = {}
        for row in rows:  # the first of any repeated id: a row must appear once
            incoming.setdefault(row.id, row)
        wanted = self._ordered(list(incoming), incoming)
        self._remove_missing(set(incoming))
        added = [i for i in wanted if i not in self._rows]
        added_set = set(added)
        if added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._ids.extend(added)
            for incident_id in added:
                self._rows[incident_id] = incoming[incident_id]
            self.endInsertRows()
        changed = []
        for incident_id, row in incoming.items():
            if incident_id in added_set:
                continue
            old = self._rows[incident_id]
            if old.version != row.version or old != row:
                self._rows[incident_id] = row
                changed.append(incident_id)
        for incident_id in changed:
            for metric in METRICS:
                self._states.pop((incident_id, metric), None)
        if self._ids != wanted:
            self._reorder(wanted)
        for incident_id in changed:
            position = self._ids.index(incident_id)
            self.dataChanged.emit(self.index(position, 0),
                                  self.index(position, len(Column) - 1))
        return changed

    def _remove_missing(self, keep: set[int]) -> None:
        position = len(self._ids) - 1
        while position >= 0:
            if self._ids[position] in keep:
                position -= 1
                continue
            end = position
            while position - 1 >= 0 and self._ids[position - 1] not in keep:
                position -= 1
            self.beginRemoveRows(QModelIndex(), position, end)
            for incident_id in self._ids[position:end + 1]:
                del self._rows[incident_id]
                for metric in METRICS:
                    self._states.pop((incident_id, metric), None)
            del self._ids[position:end + 1]
            self.endRemoveRows()
            position -= 1

    def _reorder(self, wanted: list[int]) -> None:
        self.layoutAboutToBeChanged.emit()
        new_position = {incident_id: n for n, incident_id in enumerate(wanted)}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for index in old_indexes:
            incident_id = self._ids[index.row()]
            new_indexes.append(self.index(new_position[incident_id], index.column()))
        self._ids = list(wanted)
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    # ----- sorting ----------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the cached rows; -1 keeps the queue's own order (soonest due first)."""
        self._sort = (column, order) if column >= 0 else None
        wanted = self._ordered(list(self._ids), self._rows)
        if wanted != self._ids:
            self._reorder(wanted)

    def _ordered(self, ids: list[int], rows: dict[int, QueueRow]) -> list[int]:
        if self._sort is None:
            return ids
        column, order = self._sort
        if not 0 <= column < len(Column):
            return ids
        col = Column(column)
        metric = COUNTDOWN_COLUMNS.get(col)

        def key(incident_id: int) -> Any:
            row = rows[incident_id]
            if metric is not None:
                shown = countdown(_clock_state(row, metric, self.now))
                return (shown.left_seconds is None,
                        shown.left_seconds if shown.left_seconds is not None else 0.0)
            return (False, self._sort_value(row, col))

        ordered = sorted(ids, key=key)
        if order is Qt.SortOrder.DescendingOrder:
            ordered.reverse()
        return ordered


def _clock(row: QueueRow, metric: str) -> TargetClock | None:
    return next((c for c in row.clocks if c.metric == metric), None)


def _clock_state(row: QueueRow, metric: str, now: datetime) -> TargetState | None:
    clock = _clock(row, metric)
    return clock.at(now) if clock is not None else None


def age_text(age: Any) -> str:
    seconds = max(age.total_seconds(), 0)
    if seconds >= 86400:
        days, rest = divmod(int(seconds), 86400)
        return f"{days}d {rest // 3600}h"
    return format_duration(seconds - seconds % 60) if seconds >= 60 else "now"


def now_utc() -> datetime:
    return datetime.now(UTC)


Clock = Callable[[], datetime]
