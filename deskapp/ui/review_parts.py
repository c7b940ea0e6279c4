"""The Review window's parts: its tables, the incident list and the pickable charts.

A figure in a table, a heat map cell or a month of a goal's trend is picked with the mouse
or the keyboard, and its incidents are listed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.keys import incident_key
from deskapp.ui.charts import (
    DAYS,
    HOURS,
    HeatMap,
    HeatMapChart,
    Trend,
    TrendChart,
    draw_heat_map,
    draw_trend,
    heat_cells,
    trend_points,
)
from deskapp.ui.review_tables import Sheet

NUMBERS_ROLE = int(Qt.ItemDataRole.UserRole) + 1
# Short column names where the screen is narrow; the full name is the header's tooltip.
SHORT = {"Severity": "Sev.", "Still running": "Running", "Not started": "Pending",
         "Difference": "Diff.", "90th percentile": "P90", "Goal %": "Goal"}
AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class SheetModel(QAbstractTableModel):
    """A sheet as a table model; ``NUMBERS_ROLE`` gives the incidents behind a cell."""

    def __init__(self, sheet: Sheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = sheet

    def set_sheet(self, sheet: Sheet) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sheet.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sheet.header)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        name = self.sheet.header[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return SHORT.get(name, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            what = self.sheet.what[section] if section < len(self.sheet.what) else ""
            return name + (f": the incidents {what}" if what else "")
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.sheet.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [cell.tip] if cell.tip else []
            if cell.numbers:
                tips.append(f"{len(cell.numbers)} incidents: press Enter or double-click to "
                            "list them")
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.sheet.numeric:
            return _RIGHT
        if role == NUMBERS_ROLE:
            return cell.numbers
        return None


class SheetTable(QTableView):
    """A review table: Enter or a double-click on a figure lists its incidents."""

    picked = Signal(str, object)  # what the figure counts, the incident numbers

    def __init__(self, model: SheetModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.sheet_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setTabKeyNavigation(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.activated.connect(self.pick)

    def pick(self, index: QModelIndex) -> bool:
        numbers = index.data(NUMBERS_ROLE)
        if numbers is None:
            return False
        sheet = self.sheet_model.sheet
        row = sheet.rows[index.row()]
        names = min(sheet.numeric, default=len(row))  # the columns before the figures
        named = ", ".join(cell.text for cell in row[:names])
        what = sheet.what[index.column()] if index.column() < len(sheet.what) else ""
        heading = f"{what or sheet.header[index.column()].lower()}: {named}"
        self.picked.emit(heading, tuple(numbers))
        return True

    def fit_columns(self, widest: int = 260, wide: int | None = None) -> None:
        """Columns as wide as their contents, at most ``widest``; the ``wide`` column (a
        target's or a goal's wording) takes the room left, up to its contents' width."""
        self.resizeColumnsToContents()
        self._wide = wide
        self._wanted = self.columnWidth(wide) if wide is not None else 0
        for column in range(self.sheet_model.columnCount()):
            self.setColumnWidth(column, min(self.columnWidth(column), widest))
        self._narrowest = self.columnWidth(wide) if wide is not None else 0
        self._spread()

    _wide: int | None = None
    _wanted = 0
    _narrowest = 0

    def _spread(self) -> None:
        wide = self._wide
        if wide is None or wide >= self.sheet_model.columnCount():
            return
        others = sum(self.columnWidth(c) for c in range(self.sheet_model.columnCount())
                     if c != wide)
        room = self.viewport().width() - others - 2
        self.setColumnWidth(wide, max(self._narrowest, min(self._wanted, room)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._spread()


class IncidentList(QWidget):
    """The incidents behind the figure picked: Enter or a double-click opens one in the
    main window."""

    opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Pick a figure (Enter or double-click) to list its incidents.")
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("reviewIncidents")
        self.list.itemActivated.connect(self._open)
        hint = QLabel("<small>Enter or double-click opens the incident in the main window, "
                      "with its timeline and <i>Why this time?</i></small>")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        self.numbers: tuple[int, ...] = ()

    def show_numbers(self, heading: str, numbers: Sequence[int]) -> None:
        self.numbers = tuple(numbers)
        count = len(self.numbers)
        self.heading.setText(f"<b>{count} incident{'s' if count != 1 else ''}</b>: "
                             + heading.replace("&", "&amp;").replace("<", "&lt;"))
        self.list.clear()
        for number in self.numbers:
            item = QListWidgetItem(incident_key(number))
            item.setData(Qt.ItemDataRole.UserRole, incident_key(number))
            self.list.addItem(item)
        if count:
            self.list.setCurrentRow(0)

    def keys(self) -> list[str]:
        return [incident_key(number) for number in self.numbers]

    def add_titles(self, titles: dict[str, str]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            if key in titles:
                item.setText(f"{key}  {titles[key]}")
                item.setToolTip(titles[key])

    def _open(self, item: QListWidgetItem) -> None:
        self.opened.emit(item.data(Qt.ItemDataRole.UserRole))


class PickableHeatMap(HeatMapChart):
    """The breaches by weekday and hour; a click on a cell, or the arrow keys and Enter,
    lists the breaches of that cell."""

    picked = Signal(int, int)  # weekday (Monday 0), hour

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(None, parent)
        self.cells: list[list[QRectF]] = []
        self.cursor_cell = (0, 0)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Click a cell, or move with the arrow keys and press Enter, to list "
                        "its breaches")

    def set_grid(self, grid: HeatMap | None) -> None:
        if grid is not None:
            # The cursor starts on the cell with the most breaches.
            best = max(((count, day, hour) for day, row in enumerate(grid.counts)
                        for hour, count in enumerate(row)), default=(0, 0, 0))
            self.cursor_cell = (best[1], best[2])
        super().set_grid(grid)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.grid is not None:
                draw_heat_map(painter, QRectF(self.rect()), self.grid, self.palette())
                self.cells = heat_cells(painter, QRectF(self.rect()), self.grid)
                if self.hasFocus():
                    day, hour = self.cursor_cell
                    painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 3))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(self.cells[day][hour].adjusted(1, 1, -1, -1))
            else:
                painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        finally:
            painter.end()

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        for day, row in enumerate(self.cells):
            for hour, cell in enumerate(row):
                if cell.contains(point):
                    return day, hour
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.cell_at(event.position())
        if found is not None:
            self.cursor_cell = found
            self.update()
            self.picked.emit(*found)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        day, hour = self.cursor_cell
        moves = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0),
                 Qt.Key.Key_Down: (1, 0)}
        key = Qt.Key(event.key())
        if key in moves:
            step_day, step_hour = moves[key]
            self.cursor_cell = (min(max(day + step_day, 0), len(DAYS) - 1),
                                min(max(hour + step_hour, 0), HOURS - 1))
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) \
                and self.grid is not None:
            self.picked.emit(day, hour)
            return
        super().keyPressEvent(event)


def heat_heading(day: int, hour: int) -> str:
    return f"breaches due {DAYS[day]} {hour:02d}:00 to {hour:02d}:59 (vendor's time)"


class PickableTrend(TrendChart):
    """A goal's months; a click on a month lists its tickets."""

    picked = Signal(int)  # the month's index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(None, parent)
        self.points: list[QPointF | None] = []
        self.setToolTip("Click a month to list its tickets")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.data is not None:
                draw_trend(painter, QRectF(self.rect()), self.data, self.palette())
                self.points = trend_points(painter, QRectF(self.rect()), self.data)
            else:
                painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        finally:
            painter.end()

    def month_at(self, point: QPointF) -> int | None:
        if self.data is None or not self.data.months:
            return None
        slot = self.width() / len(self.data.months)
        known = [(index, p) for index, p in enumerate(self.points) if p is not None]
        near = [(abs(p.x() - point.x()), index) for index, p in known
                if abs(p.x() - point.x()) <= max(slot / 2, 12)]
        return min(near)[1] if near else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.month_at(event.position())
        if found is not None:
            self.picked.emit(found)
        super().mousePressEvent(event)


def trend_of(description: str, percent: float, months: Sequence[tuple[str, float | None]]
             ) -> Trend:
    return Trend(tuple(months), percent, description)


def heat_map_of(counts: Sequence[Sequence[int]], title: str) -> HeatMap:
    return HeatMap(tuple(tuple(row) for row in counts), title)
