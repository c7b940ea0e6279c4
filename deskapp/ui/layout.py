"""The window's layout: views, queue and incident side by side, remembered between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.queue import SortKey, View
from deskapp.ui.column_share import ColumnShare
from deskapp.ui.delegates import CountdownDelegate
from deskapp.ui.queue_model import COUNTDOWN_COLUMNS, Column, QueueModel
from deskapp.ui.screen_fit import fit_on_screen
from deskapp.ui.settings import Preferences

VIEWS = [
    (View.MY_OPEN, "My open"),
    (View.BREACHING_SOON, "Breaching soon"),
    (View.BREACHED, "Breached"),
    (View.PAUSED, "Paused"),
    (View.DUE_TODAY, "Due today"),
    (View.ALL_OPEN, "All open"),
    (View.CLOSED, "Closed"),
    # After the first seven, so that Ctrl+1 to Ctrl+7 keep their views.
    (View.WAITING_FOR_DOCUMENTATION, "Waiting for documents"),
    (View.LONG_BREACHED, "Long breached"),
]
COLUMN_WIDTHS = {
    Column.KEY: 96, Column.VENDOR: 80, Column.PRODUCT: 124, Column.SEVERITY: 64,
    Column.TIER: 52, Column.STATUS: 140, Column.ASSIGNEE: 76, Column.TITLE: 260,
    Column.AGE: 72, Column.RESPONSE: 100, Column.WORKAROUND: 100, Column.RESOLUTION: 100,
}
# Keys, severities, ages and countdowns must stay readable on a small screen.
LEAST_SHARE = {Column.KEY: 0.92, Column.SEVERITY: 0.9, Column.TIER: 0.8, Column.AGE: 0.85,
               Column.RESPONSE: 0.85, Column.WORKAROUND: 0.85, Column.RESOLUTION: 0.85}
LEGEND = (
    "<small><b>Countdowns</b> are business time left in the vendor's calendar."
    "<br><span style='color:#1e5631'>running</span> · "
    "<span style='background:#ffe8a3;color:#7a4b00'>&nbsp;warning&nbsp;</span> · "
    "<span style='background:#f9d0d0;color:#8b1a1a'><b>&nbsp;breached&nbsp;</b>"
    "</span> · <span style='background:#dde8f7;color:#2b4c7e'>&nbsp;‖ paused&nbsp;"
    "</span> · <span style='color:#5f6b66'>✓ met</span> · "
    "<span style='color:#6e6e6e'>not started</span></small>")


class ViewsPanel(QWidget):
    """The queue's views (Ctrl+1 to Ctrl+9) above the countdowns' legend; the incidents
    waiting for their documents are counted beside their view, as nothing counts down for
    them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.views = QListWidget()
        self.views.setObjectName("views")
        for number, (view, text) in enumerate(VIEWS, start=1):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, view.value)
            item.setToolTip(f"Ctrl+{number}")
            self.views.addItem(item)
        self.views.setCurrentRow([view for view, _ in VIEWS].index(View.ALL_OPEN))
        self.views.currentRowChanged.connect(lambda _row: self.changed.emit())
        self.views.setMaximumWidth(170)
        self.views.setMinimumWidth(self.views.sizeHintForColumn(0) + 12)  # names in full
        legend = QLabel(LEGEND)
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 4)
        layout.addWidget(QLabel("<b>Views</b>"))
        layout.addWidget(self.views, 1)
        layout.addWidget(legend)
        self.setMaximumWidth(176)
        self.parts = layout

    def add_part(self, widget: QWidget) -> None:
        """Another part under the views and their legend (the goals at a glance)."""
        self.parts.addWidget(widget)

    def current_view(self) -> View:
        item = self.views.currentItem()
        return View(item.data(Qt.ItemDataRole.UserRole)) if item else View.ALL_OPEN

    def set_count(self, view: View, count: int) -> None:
        """Show ``count`` beside ``view``'s name (nothing when none)."""
        for row in range(self.views.count()):
            item = self.views.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == view.value:
                name = dict(VIEWS)[view]
                item.setText(f"{name} ({count})" if count else name)

    def set_view(self, view: View) -> None:
        for row in range(self.views.count()):
            item = self.views.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == view.value:
                self.views.setCurrentRow(row)


# What each column sorts by, in the database (the countdowns: their target's due time).
SORT_KEYS = {
    Column.KEY: SortKey.KEY, Column.VENDOR: SortKey.VENDOR, Column.PRODUCT: SortKey.PRODUCT,
    Column.SEVERITY: SortKey.SEVERITY, Column.TIER: SortKey.TIER,
    Column.STATUS: SortKey.STATUS, Column.ASSIGNEE: SortKey.ASSIGNEE,
    Column.TITLE: SortKey.TITLE, Column.AGE: SortKey.REPORTED,
    Column.RESPONSE: SortKey.RESPONSE, Column.WORKAROUND: SortKey.WORKAROUND,
    Column.RESOLUTION: SortKey.RESOLUTION,
}
OWN_ORDER_TIP = ("The view's own order: what needs you next. Click a column to sort by it "
                 "(again: the other way; a third time: the view's order).")


class QueueTable(QTableView):
    """The queue, in the database's order, with countdown cells; a click on a column's
    header sorts by it, in the database (only the rows near the screen are read)."""

    sort_changed = Signal()

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setTabKeyNavigation(False)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        for column, width in COLUMN_WIDTHS.items():
            self.setColumnWidth(column, width)
        # The title takes whatever width the other columns leave.
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self.column_share = ColumnShare(self, COLUMN_WIDTHS, Column.TITLE, LEAST_SHARE)
        self.countdown_delegate = CountdownDelegate(model, self)
        for column in COUNTDOWN_COLUMNS:
            self.setItemDelegateForColumn(column, self.countdown_delegate)
        # Sorted by the database, not by the view (which has only the rows near the screen).
        self.setSortingEnabled(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setToolTip(OWN_ORDER_TIP)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        header.sectionClicked.connect(self._sort_by)

    def _sort_by(self, column: int) -> None:
        """Ascending, then descending, then the view's own order again (decided from the
        sort before the click: the header has already flipped its indicator by then)."""
        header = self.horizontalHeader()
        before = self._sort
        if before is None or before[0] != column:
            self._sort = (column, Qt.SortOrder.AscendingOrder)
        elif before[1] == Qt.SortOrder.AscendingOrder:
            self._sort = (column, Qt.SortOrder.DescendingOrder)
        else:
            self._sort = None
        if self._sort is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            header.setSortIndicator(*self._sort)
        self.sort_changed.emit()

    def sort_restored(self) -> None:
        """The header's state was restored: its sort is the queue's."""
        header = self.horizontalHeader()
        section = header.sortIndicatorSection()
        self._sort = ((section, header.sortIndicatorOrder()) if 0 <= section < len(Column)
                      else None)

    def sorting(self) -> tuple[SortKey | None, bool]:
        """What the queue is sorted by (None: the view's own order), and whether descending."""
        if self._sort is None:
            return None, False
        column, order = self._sort
        return SORT_KEYS[Column(column)], order == Qt.SortOrder.DescendingOrder

    def visible_rows(self) -> tuple[int, int]:
        """The first and last rows on screen; (0, -1) when none."""
        count = self.model().rowCount()
        if count == 0 or not self.isVisible():
            return 0, -1
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        if first < 0:
            return 0, -1
        return first, last if last >= 0 else count - 1

    def page_rows(self) -> int:
        """How many rows a screen of the queue shows, at least roughly."""
        height = self.verticalHeader().defaultSectionSize()
        return max(self.viewport().height() // max(height, 1) + 1, 40)


class WindowLayout:
    """The views on the left; on the right the queue above the incident shown."""

    def __init__(self, window: QMainWindow, views: ViewsPanel, queue_side: list[QWidget],
                 table: QueueTable, detail: QWidget) -> None:
        self.window = window
        self.views = views
        self.table = table
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 4, 0, 0)
        for widget in queue_side:
            queue_layout.addWidget(widget)
        queue_layout.addWidget(table, 1)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(queue)
        self.right.addWidget(detail)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self.right.setChildrenCollapsible(False)
        self.splitter = QSplitter()
        self.splitter.addWidget(views)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        window.setCentralWidget(self.splitter)

    def restore(self, prefs: Preferences) -> None:
        window = self.window
        geometry = prefs.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
        else:
            fit_on_screen(window, QSize(1400, 860))
        if prefs.value("window/right") is None:
            self.right.setSizes([470, 400])
        state = prefs.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        for key, splitter in (("window/splitter", self.splitter), ("window/right", self.right)):
            saved = prefs.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)
        header = prefs.value("queue/header")
        if isinstance(header, QByteArray):
            restored = self.table.horizontalHeader()
            restored.restoreState(header)  # the columns' layout and the sort, as left
            restored.setSortIndicatorShown(True)
            self.table.sort_restored()
            self.table.column_share.keep_restored()
        view = prefs.value("queue/view")
        if isinstance(view, str) and view in {v.value for v in View}:
            self.views.set_view(View(view))

    def save(self, prefs: Preferences) -> None:
        window = self.window
        prefs.set_value("window/geometry", window.saveGeometry())
        prefs.set_value("window/state", window.saveState())
        prefs.set_value("window/splitter", self.splitter.saveState())
        prefs.set_value("window/right", self.right.saveState())
        prefs.set_value("queue/header", self.table.horizontalHeader().saveState())
        prefs.set_value("queue/view", self.views.current_view().value)
        prefs.store.sync()
