"""Painting countdown cells: every second, so as lean as a cell can be painted.

A coloured state keeps its colours on the selected row too: without this, the selection
colour hides whether the selected incident is breached.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from deskapp.ui.queue_model import QueueModel

TEXT_MARGIN = 4  # pixels either side of the text, as the platform styles leave about


class CountdownDelegate(QStyledItemDelegate):
    """Paints a countdown cell from the model's cell for the tick (its text, colours and
    font worked out once), with one fill and one text: the style's generic item painting
    asks the model for eight roles and lays out icons and check boxes the cell never has.
    Rows not read yet, and anything the cell does not cover, are painted as usual."""

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._plain: tuple[QFont, QFontMetrics] | None = None
        self._bold: tuple[QFont, QFontMetrics] | None = None

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        cell = self.model.cell_at(index.row(), index.column())
        if cell is None:
            super().paint(painter, option, index)
            return
        text, _foreground, background, font, alignment, pen = cell
        rect: QRect = option.rect
        state = option.state
        painter.save()
        if background is not None:
            painter.fillRect(rect, background)
            painter.setPen(pen)
        elif state & QStyle.StateFlag.State_Selected:
            palette: QPalette = option.palette
            group = (QPalette.ColorGroup.Normal if state & QStyle.StateFlag.State_Active
                     else QPalette.ColorGroup.Inactive)
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
            painter.setPen(palette.color(group, QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(pen)
        inner = rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0)
        if font is None:
            font = option.font
            metrics = self._plain_metrics(font)
        else:
            metrics = self._bold_metrics(font)
        painter.setFont(font)
        # Elided only when it might not fit: measuring every text costs more than drawing.
        if len(text) * metrics.maxWidth() > inner.width() \
                and metrics.horizontalAdvance(text) > inner.width():
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(inner, alignment, text)
        painter.restore()

    def _plain_metrics(self, font: QFont) -> QFontMetrics:
        if self._plain is None or self._plain[0] != font:
            self._plain = (QFont(font), QFontMetrics(font))
        return self._plain[1]

    def _bold_metrics(self, font: QFont) -> QFontMetrics:
        if self._bold is None or self._bold[0] is not font:  # the model's one bold font
            self._bold = (font, QFontMetrics(font))
        return self._bold[1]

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(Qt.ItemDataRole.BackgroundRole) is not None:
            option.state &= ~QStyle.StateFlag.State_Selected
