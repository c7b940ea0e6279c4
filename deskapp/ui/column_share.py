"""The queue's columns sharing the screen: each grows and shrinks with the table, so the
countdowns stay in sight on a small screen and a wide one is not all title."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

from deskapp.ui.queue_model import Column

MOST = 1.8  # no column but the title grows past this many times its usual width
LEAST = 0.5  # nor shrinks below this share of it (a 1024-pixel screen shows every column)


class ColumnShare(QObject):
    """Sizes the columns in proportion to the table's width, until
    the agent sets a width by hand (then the widths are theirs). The title column takes
    what is left, as before."""

    def __init__(self, table: QTableView, widths: Mapping[Column, int], title: Column,
                 least: Mapping[Column, float] | None = None) -> None:
        super().__init__(table)
        self.table = table
        self.widths = dict(widths)
        self.title = title
        self.least = dict(least or {})  # columns that shrink less: their text must fit
        self.automatic = True
        self._applying = False
        table.viewport().installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._resized)

    def factor(self, width: int) -> float:
        """How much wider than usual the columns other than the title may be."""
        usual = sum(self.widths.values())
        return min(max(width / usual, LEAST), MOST) if usual else 1.0

    def apply(self) -> None:
        if not self.automatic:
            return
        factor = self.factor(self.table.viewport().width())
        self._applying = True
        try:
            for column, width in self.widths.items():
                if column != self.title:
                    share = max(factor, self.least.get(column, LEAST))
                    self.table.setColumnWidth(column, round(width * share))
        finally:
            self._applying = False

    def keep_restored(self) -> None:
        """Widths restored from an earlier run that differ from the usual are the agent's."""
        if any(self.table.columnWidth(c) != w for c, w in self.widths.items()
               if c != self.title):
            self.automatic = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if not self._applying and column != self.title and self.table.isVisible():
            self.automatic = False
