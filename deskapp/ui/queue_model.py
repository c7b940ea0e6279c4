"""The queue as a table model over incident ids: lines read lazily into a cache, and
ticking countdowns for the rows on screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from deskapp.app.views import QueueRow
from deskapp.core.agreement import Agreement
from deskapp.core.calendar import format_duration
from deskapp.core.clocks import TargetClock, TargetState
from deskapp.core.wording import moment_label
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
assert len(Column) - 1 == LAST_COUNTDOWN  # ``data`` takes the columns from the first on
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
# Where each role's value is in a countdown cell's tuple (see ``QueueModel._cell``).
_CELL_SLOTS = {int(Qt.ItemDataRole.DisplayRole): 0, int(Qt.ItemDataRole.ForegroundRole): 1,
               int(Qt.ItemDataRole.BackgroundRole): 2, int(Qt.ItemDataRole.FontRole): 3,
               int(Qt.ItemDataRole.TextAlignmentRole): 4}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLUMN_COUNT = len(Column)
_COUNTDOWN_NUMBERS = tuple(int(column) for column in COUNTDOWN_COLUMNS)
_METRIC_OF = {int(column): metric for column, metric in COUNTDOWN_COLUMNS.items()}
ID_ROLE = Qt.ItemDataRole.UserRole + 2
MARGIN = 100  # rows read beyond those asked for, either side
BATCH = 400  # at most this many rows in one read
CACHE_LIMIT = 5000  # cached lines kept, around the rows last asked for
MAX_REMOVALS = 64  # more scattered runs of rows gone than this: reset the model instead


class Cell(NamedTuple):
    """A countdown cell at one instant: its value for each role (see ``_CELL_SLOTS``)."""

    text: str
    foreground: QBrush
    background: QBrush | None
    font: QFont | None
    alignment: int
    pen: QColor  # the foreground's colour, for painting


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
    """Rows are the incident ids of a view in the database's queue order; the QueueRow of
    each id is read only when it is about to be shown, and kept in a cache.

    ``set_ids`` takes the ids (``Desk.queue_ids``); a row not cached yet shows a
    placeholder and is asked for: rows asked for in one pass of the event loop, with
    ``MARGIN`` rows either side, go out together in ``fetch_requested`` (the window reads
    them with ``Desk.queue_rows`` off the UI thread) and come back through ``add_rows``.

    Countdowns are read from the cached clocks at the model's ``now`` (``clock.at(now)`` is
    pure), so a tick needs no database: ``tick`` moves ``now``, reads the countdowns of
    the cached rows on screen and signals the cells whose text or look changed. Each
    countdown cell is worked out once per tick (``Cell``), for every role the view asks.

    The order is always the queue's (soonest due first; closed: latest first): sorting by a
    column would need every row, so the model does not sort.
    """

    fetch_requested = Signal(list)  # ids whose rows should be read
    rows_arrived = Signal(list)  # ids whose cached row is new or changed

    def __init__(self, display: Display, now: datetime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.display = display
        self.now = now
        self._ids: list[int] = []
        self._position: dict[int, int] = {}
        self._rows: dict[int, QueueRow] = {}
        self._key_ids: dict[str, int] = {}
        self._pending: set[int] = set()  # asked for, not back yet
        self._missing: set[int] = set()  # asked for and not found: not asked again
        self._asked: set[int] = set()  # rows to ask for at the end of this pass
        self._focus = 0  # the cache keeps the rows around this one
        self._states: dict[tuple[int, str], TargetState | None] = {}
        self._cells: dict[tuple[int, int], Cell] = {}
        self.bold = QFont()
        self.bold.setBold(True)
        self._placeholder = QBrush(QColor("#9a9a9a"))
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

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

    @property
    def ids(self) -> list[int]:
        """The ids of the view in queue order (do not change the list)."""
        return self._ids

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_at(self, row: int) -> QueueRow | None:
        """The cached line of a row; None when it is not read yet (or out of range)."""
        if 0 <= row < len(self._ids):
            return self._rows.get(self._ids[row])
        return None

    def cached(self, incident_id: int) -> QueueRow | None:
        return self._rows.get(incident_id)

    def row_of_id(self, incident_id: int) -> int | None:
        position = self._position.get(incident_id)
        if position is not None and position < len(self._ids) \
                and self._ids[position] == incident_id:
            return position
        return None

    def row_of_key(self, key: str) -> int | None:
        """The row of an incident whose line is cached (the rows around the visible ones)."""
        incident_id = self._key_ids.get(key)
        return None if incident_id is None else self.row_of_id(incident_id)

    def rows(self) -> list[QueueRow]:
        """The cached lines, in queue order."""
        return [self._rows[i] for i in self._ids if i in self._rows]

    def versions(self) -> dict[int, int]:
        """The version of every cached line, by id (a copy, for a background read)."""
        return {incident_id: row.version for incident_id, row in self._rows.items()}

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
        # The hot path of every paint (each cell is asked for about eight roles): plain
        # ints, and a countdown cell's looks worked out once per tick.
        position, number = index.row(), index.column()
        ids = self._ids
        if not 0 <= position < len(ids) or not 0 <= number < _COLUMN_COUNT:
            return None  # an invalid index has row -1
        incident_id = ids[position]
        slot = _CELL_SLOTS.get(role)
        if slot is not None and number >= FIRST_COUNTDOWN:
            cell = self._cells.get((incident_id, number))
            if cell is None:
                row = self._rows.get(incident_id)
                if row is None:
                    return self._placeholder_data(position, incident_id, Column(number), role)
                cell = self._cell(row, number)
            return cell[slot]
        if role == ID_ROLE:
            return incident_id
        row = self._rows.get(incident_id)
        if row is None:
            return self._placeholder_data(position, incident_id, Column(number), role)
        column = Column(number)
        metric = COUNTDOWN_COLUMNS.get(column)
        if metric is not None:
            return self._countdown_data(row, metric, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.TITLE:
                return row.title
            if column is Column.AGE:
                return f"Reported {moment_label(row.reported_at, self.display.office_zone)}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.SEVERITY,
                                                                   Column.TIER):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _placeholder_data(self, position: int, incident_id: int, column: Column,
                          role: int) -> Any:
        if incident_id not in self._pending and incident_id not in self._missing:
            self.want(position, position)
        if role == Qt.ItemDataRole.DisplayRole:
            return "…" if column is Column.KEY else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._placeholder
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
        return None

    def cell_at(self, position: int, column: int) -> Cell | None:
        """A countdown cell as shown at ``now``; None for another column or a row not read
        yet (the delegate paints it from this, every tick)."""
        if not 0 <= position < len(self._ids) or not FIRST_COUNTDOWN <= column < _COLUMN_COUNT:
            return None
        incident_id = self._ids[position]
        cell = self._cells.get((incident_id, column))
        if cell is None:
            row = self._rows.get(incident_id)
            if row is None:
                return None
            cell = self._cell(row, column)
        return cell

    def _cell(self, row: QueueRow, column: int) -> Cell:
        """A countdown cell at ``now``, kept until the next tick."""
        shown = countdown(self.state(row, _METRIC_OF[column]), self.display.warn_seconds)
        foreground, background = COLOURS[shown.look]
        cell = Cell(shown.text, _brush(foreground), _brush(background) if background else None,
                    self.bold if shown.look is Look.BREACHED else None, _RIGHT,
                    _colour(foreground))
        self._cells[(row.id, column)] = cell
        return cell

    # ----- fetching rows ----------------------------------------------------------------

    def want(self, first: int, last: int) -> None:
        """Ask for the rows ``first`` to ``last`` (and ``MARGIN`` either side) that are not
        cached, together with any others asked for in this pass of the event loop."""
        count = len(self._ids)
        first, last = max(first, 0), min(last, count - 1)
        if first > last:
            return
        self._asked.update((first, last))
        self._focus = first
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> list[int]:
        """Send the rows asked for so far in one ``fetch_requested``; returns their ids."""
        self._flush_timer.stop()
        asked, self._asked = sorted(self._asked), set()
        count = len(self._ids)
        spans: list[list[int]] = []
        for row in asked:
            low, high = max(row - MARGIN, 0), min(row + MARGIN, count - 1)
            if spans and low <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], high)
            else:
                spans.append([low, high])
        wanted: list[int] = []
        skip = self._pending | self._missing
        for low, high in spans:
            for incident_id in self._ids[low:high + 1]:
                if incident_id not in self._rows and incident_id not in skip:
                    wanted.append(incident_id)
            if len(wanted) >= BATCH:
                break
        return self.request(wanted[:BATCH])

    def request(self, ids: Sequence[int]) -> list[int]:
        """Ask for these rows again (cached ones too: their version moved); the cached line
        stays on screen until the new one arrives."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._pending]
        if wanted:
            self._pending.update(wanted)
            self._missing.difference_update(wanted)
            self.fetch_requested.emit(wanted)
        return wanted

    def stale(self, versions: dict[int, int]) -> list[int]:
        """The cached ids whose version is not the one given (and not being read)."""
        return [incident_id for incident_id, version in versions.items()
                if (row := self._rows.get(incident_id)) is not None and row.version != version
                and incident_id not in self._pending]

    def fetch_failed(self, ids: Sequence[int]) -> None:
        """A read of these rows failed: they may be asked for again."""
        self._pending.difference_update(ids)

    def add_rows(self, rows: Iterable[QueueRow], asked: Sequence[int] = ()) -> list[int]:
        """Cache rows as read; only rows that are new or whose line changed are signalled.

        ``asked``: the ids of the read these rows answer; any not among the rows is not
        asked for again until the ids change. Returns the ids whose line changed.
        """
        self._pending.difference_update(asked)
        changed: list[int] = []
        for row in rows:
            self._pending.discard(row.id)
            old = self._rows.get(row.id)
            if old is not None and (old.version > row.version or old == row):
                continue  # an older read arriving late, or nothing new
            self._rows[row.id] = row
            self._key_ids[row.key] = row.id
            self._forget_states(row.id)
            changed.append(row.id)
        self._missing.update(i for i in asked if i not in self._rows)
        positions = sorted(p for i in changed if (p := self.row_of_id(i)) is not None)
        for first, last in _runs(positions):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        self._trim()
        if changed:
            self.rows_arrived.emit(changed)
        return changed

    def invalidate(self) -> None:
        """Forget every cached line (the clocks were recomputed): they are read again."""
        self._rows.clear()
        self._key_ids.clear()
        self._states.clear()
        self._cells.clear()
        self._missing.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(Column) - 1))

    def _forget_states(self, incident_id: int) -> None:
        for metric in METRICS:
            self._states.pop((incident_id, metric), None)
        for column in COUNTDOWN_COLUMNS:
            self._cells.pop((incident_id, column), None)

    def _trim(self) -> None:
        """Keep at most ``CACHE_LIMIT`` lines: those nearest the rows last asked for."""
        if len(self._rows) <= CACHE_LIMIT:
            return
        low = max(self._focus - CACHE_LIMIT // 2, 0)
        keep = set(self._ids[low:low + CACHE_LIMIT // 2 * 2])
        for incident_id in [i for i in self._rows if i not in keep]:
            row = self._rows.pop(incident_id)
            self._key_ids.pop(row.key, None)
            self._forget_states(incident_id)

    # ----- time moving ------------------------------------------------------------------

    def tick(self, now: datetime, first: int, last: int) -> None:
        """Move to ``now``: read the countdowns of the cached rows ``first`` to ``last``
        (``clock.at(now)``, for those cells alone) and signal the cells whose text or look
        changed. Most change once a minute: only a target due within the hour counts
        down in seconds, so most ticks repaint a few cells, or none."""
        self.now = now
        before = self._cells
        self._states.clear()
        self._cells = {}
        first, last = max(first, 0), min(last, len(self._ids) - 1)
        ids, rows = self._ids, self._rows
        runs: list[list[int]] = []  # [first row, last row, first column, last column]
        for position in range(first, last + 1):
            incident_id = ids[position]
            row = rows.get(incident_id)
            if row is None:
                continue
            changed = [column for column in _COUNTDOWN_NUMBERS
                       if before.get((incident_id, column)) != self._cell(row, column)]
            if not changed:
                continue
            if runs and runs[-1][1] == position - 1:
                run = runs[-1]
                run[1], run[2], run[3] = position, min(run[2], changed[0]), \
                    max(run[3], changed[-1])
            else:
                runs.append([position, position, changed[0], changed[-1]])
        for top, bottom, left, right in runs:
            self.dataChanged.emit(self.index(top, left), self.index(bottom, right),
                                  TICK_ROLES)

    def age_tick(self, first: int, last: int) -> None:
        """The age column reads whole minutes, so it is signalled once a minute."""
        first, last = max(first, 0), min(last, len(self._ids) - 1)
        if first <= last:
            self.dataChanged.emit(self.index(first, Column.AGE), self.index(last, Column.AGE),
                                  [Qt.ItemDataRole.DisplayRole])

    def set_warn_seconds(self, seconds: float) -> None:
        self.display.warn_seconds = seconds
        self._states.clear()
        self._cells.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, FIRST_COUNTDOWN),
                                  self.index(len(self._ids) - 1, LAST_COUNTDOWN), TICK_ROLES)

    # ----- new ids from the database ----------------------------------------------------

    def set_ids(self, ids: Sequence[int], *, reset: bool = False) -> bool:
        """Take a view's ids as read now, in queue order.

        With ``reset`` (another view or other filters), or when many scattered rows went,
        the model is reset; else rows gone are removed, new ones inserted and the order
        followed, so the selection and the scroll position stay. Cached lines are kept.
        Returns whether the model was reset.
        """
        wanted = list(dict.fromkeys(ids))  # the first of any repeated id: a row appears once
        self._asked.clear()
        self._missing.clear()
        if wanted == self._ids:
            return False
        keep = set(wanted)
        gone = _gone_blocks(self._ids, keep)
        if reset or not self._ids or not wanted or len(gone) > MAX_REMOVALS:
            self.beginResetModel()
            self._ids = wanted
            self._index_positions()
            self.endResetModel()
            return True
        for first, last in gone:  # from the last block up, so positions stay right
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first:last + 1]
            self.endRemoveRows()
        present = set(self._ids)
        added = [i for i in wanted if i not in present]
        if added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._ids.extend(added)
            self.endInsertRows()
        if self._ids != wanted:
            self._reorder(wanted)
        self._index_positions()
        return False

    def _index_positions(self) -> None:
        self._position = {incident_id: n for n, incident_id in enumerate(self._ids)}

    def _reorder(self, wanted: list[int]) -> None:
        self.layoutAboutToBeChanged.emit()
        new_position = {incident_id: n for n, incident_id in enumerate(wanted)}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for index in old_indexes:
            incident_id = self._ids[index.row()]
            new_indexes.append(self.index(new_position[incident_id], index.column()))
        self._ids = list(wanted)
        self._index_positions()
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()


def _gone_blocks(ids: list[int], keep: set[int]) -> list[tuple[int, int]]:
    """The runs of positions whose id is not kept, last run first."""
    blocks: list[tuple[int, int]] = []
    position = len(ids) - 1
    while position >= 0:
        if ids[position] in keep:
            position -= 1
            continue
        end = position
        while position - 1 >= 0 and ids[position - 1] not in keep:
            position -= 1
        blocks.append((position, end))
        position -= 1
    return blocks


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted positions as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and position == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


@cache
def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))


@cache
def _colour(colour: str) -> QColor:
    return QColor(colour)


def _clock(row: QueueRow, metric: str) -> TargetClock | None:
    return next((c for c in row.clocks if c.metric == metric), None)


def age_text(age: Any) -> str:
    seconds = max(age.total_seconds(), 0)
    if seconds >= 86400:
        days, rest = divmod(int(seconds), 86400)
        return f"{days}d {rest // 3600}h"
    return format_duration(seconds - seconds % 60) if seconds >= 60 else "now"

