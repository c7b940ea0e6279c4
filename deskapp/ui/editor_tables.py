"""Lists of an agreement's records (severities, targets, contacts, notes) edited as tables:
one row a record, one column a setting, kept as the plain tables of the agreement file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QKeyCombination,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.ui.mnemonics import with_mnemonics

EXTRA = Qt.ItemDataRole.UserRole  # a record's settings the table has no column for
TEXTS = Qt.ItemDataRole.UserRole + 1  # a list cell's texts (shown joined by BULLET)
BULLET = "  •  "  # a list shown in one cell; texts may hold any punctuation themselves
_WHOLE = re.compile(r"[+-]?\d+")


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"  # written as an int or float; anything else is kept for the loader
    FLAG = "flag"  # a check box; false is left out, as the files leave it out
    CHOICE = "choice"  # typed or picked from the choices
    TEXTS = "texts"  # a list of texts, one a line while edited


@dataclass(frozen=True)
class Field:
    """One column: the record's key, its heading and how its value is typed."""

    key: str
    header: str
    kind: Kind = Kind.TEXT
    choices: tuple[str, ...] = ()
    width: int = 0  # 0: the column stretches
    tip: str = ""


def number_value(text: str) -> Any:
    """What a typed amount stores: an int, a float, or the text itself (which the loader
    then names as not a number)."""
    text = text.strip()
    if _WHOLE.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def shown(value: Any) -> str:
    """A stored value as a cell shows it."""
    if isinstance(value, list):
        return BULLET.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class _ChoiceDelegate(QStyledItemDelegate):
    """An editable drop-down for a column whose values name other records."""

    def __init__(self, table: RecordTable) -> None:
        super().__init__(table)
        self.records = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(list(self.records.choices_of(index.column())))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data() or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())


class _LinesDelegate(QStyledItemDelegate):
    """A list of texts edited one a line (Enter starts a new one, Tab leaves)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText("\n".join(_texts(index.data(TEXTS))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QPlainTextEdit):
            lines = [line.strip() for line in editor.toPlainText().splitlines() if line.strip()]
            model.setData(index, lines, TEXTS)
            model.setData(index, BULLET.join(lines))

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        area = option.rect
        editor.setGeometry(area.x(), area.y(), area.width(), max(area.height(), 96))


def _texts(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


class RecordTable(QWidget):
    """A list of records as a table with add, remove and move buttons (Insert and Delete
    work too); ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, fields: Sequence[Field], noun: str = "row",
                 parent: QWidget | None = None, *, movable: bool = True) -> None:
        super().__init__(parent)
        self.fields = tuple(fields)
        self._choices: dict[int, tuple[str, ...]] = {
            number: field.choices for number, field in enumerate(self.fields)}
        self._filling = False
        self.table = QTableWidget(0, len(self.fields))
        self.table.setHorizontalHeaderLabels([f.header for f in self.fields])
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Arrows move between cells; typing, F2 or a double click edits one.
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.SelectedClicked
                                   | triggers.EditKeyPressed | triggers.AnyKeyPressed)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        delegate = _ChoiceDelegate(self)
        lines = _LinesDelegate(self)
        for number, field in enumerate(self.fields):
            if field.width:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(number, field.width)
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            if field.kind is Kind.CHOICE:
                self.table.setItemDelegateForColumn(number, delegate)
            elif field.kind is Kind.TEXTS:
                self.table.setItemDelegateForColumn(number, lines)
            if field.tip:
                heading = self.table.horizontalHeaderItem(number)
                if heading is not None:
                    heading.setToolTip(field.tip)
        self.add_button = QPushButton(f"Add {noun}")
        self.add_button.setToolTip(f"Add a {noun} (Insert)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the {noun} selected (Delete)")
        self.up_button = QPushButton("▲")
        self.up_button.setToolTip("Move up (Ctrl+Up)")
        self.down_button = QPushButton("▼")
        self.down_button.setToolTip("Move down (Ctrl+Down)")
        for button in (self.up_button, self.down_button):
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance("▲") + 28)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        keys: list[tuple[Any, Callable[[], None]]] = [
            (Qt.Key.Key_Insert, self.add_row), (QKeySequence.StandardKey.Delete, self.remove_row)]
        if movable:
            keys += [(QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Up),
                      lambda: self.move_row(-1)),
                     (QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Down),
                      lambda: self.move_row(1))]
        for key, handler in keys:
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(handler)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        if not movable:
            self.up_button.hide()
            self.down_button.hide()
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.itemChanged.connect(self._edited)

    # ----- the records ------------------------------------------------------------------

    def set_records(self, records: Iterable[dict[str, Any]]) -> None:
        self._filling = True
        try:
            self.table.setRowCount(0)
            for record in records:
                self._append(record)
        finally:
            self._filling = False

    def records(self) -> list[dict[str, Any]]:
        return [self._record(row) for row in range(self.table.rowCount())]

    def _append(self, record: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        known = {field.key for field in self.fields}
        for column, field in enumerate(self.fields):
            item = QTableWidgetItem()
            if field.kind is Kind.FLAG:
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                              | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if record.get(field.key) is True
                                   else Qt.CheckState.Unchecked)
            else:
                value = record.get(field.key)
                if field.kind is Kind.TEXTS:
                    item.setData(TEXTS, _texts(value) if isinstance(value, list)
                                 else _texts([value]) if value is not None else [])
                item.setText(shown(value))
                item.setToolTip(_tip(item))  # a long definition reads whole there
            if column == 0:
                item.setData(EXTRA, {k: v for k, v in record.items() if k not in known})
            self.table.setItem(row, column, item)

    def _record(self, row: int) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for column, field in enumerate(self.fields):
            item = self.table.item(row, column)
            if item is None:
                continue
            if field.kind is Kind.FLAG:
                if item.checkState() == Qt.CheckState.Checked:
                    record[field.key] = True
                continue
            if field.kind is Kind.TEXTS:
                texts = _texts(item.data(TEXTS))
                if texts:
                    record[field.key] = texts
                continue
            text = item.text().strip()
            if not text:
                continue
            if field.kind is Kind.NUMBER:
                record[field.key] = number_value(text)
            else:
                record[field.key] = text
        first = self.table.item(row, 0)
        extra = first.data(EXTRA) if first is not None else None
        if isinstance(extra, dict):
            record.update(extra)
        return record

    def set_cell(self, row: int, key: str, text: str) -> None:
        """Type ``text`` into a cell (a flag: "true" ticks it; a list: a text a line)."""
        column = self.column_of(key)
        item = self.table.item(row, column)
        if item is None:
            return
        if self.fields[column].kind is Kind.FLAG:
            item.setCheckState(Qt.CheckState.Checked if text == "true"
                               else Qt.CheckState.Unchecked)
        elif self.fields[column].kind is Kind.TEXTS:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            item.setData(TEXTS, lines)
            item.setText(BULLET.join(lines))
        else:
            item.setText(text)

    def cell(self, row: int, key: str) -> str:
        item = self.table.item(row, self.column_of(key))
        return item.text() if item is not None else ""

    def column_of(self, key: str) -> int:
        return next(n for n, field in enumerate(self.fields) if field.key == key)

    def choices_of(self, column: int) -> tuple[str, ...]:
        return self._choices.get(column, ())

    def set_choices(self, key: str, choices: Iterable[str]) -> None:
        """The values a column offers (e.g. the calendars a target may name)."""
        self._choices[self.column_of(key)] = tuple(choices)

    # ----- editing ----------------------------------------------------------------------

    def add_row(self) -> None:
        self._append({})
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.changed.emit()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
        self.changed.emit()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        records = self.records()
        records[row], records[other] = records[other], records[row]
        column = self.table.currentColumn()
        self.set_records(records)
        self.table.setCurrentCell(other, max(column, 0))
        self.changed.emit()

    def go_to(self, row: int, key: str | None = None) -> None:
        """Select the cell of a finding's key and put the focus on it."""
        if not 0 <= row < self.table.rowCount():
            return
        column = 0
        if key is not None and any(field.key == key for field in self.fields):
            column = self.column_of(key)
        self.table.setCurrentCell(row, column)
        self.table.setFocus()

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            self._filling = True
            try:
                item.setToolTip(_tip(item))
            finally:
                self._filling = False
        self.changed.emit()


def _tip(item: QTableWidgetItem) -> str:
    texts = item.data(TEXTS)
    return "\n".join(_texts(texts)) if isinstance(texts, list) else item.text()


class TextList(RecordTable):
    """A list of texts (products, notes, what is in scope), one a row."""

    def __init__(self, header: str, noun: str, parent: QWidget | None = None, *,
                 movable: bool = True) -> None:
        super().__init__([Field("text", header)], noun, parent, movable=movable)

    def set_texts(self, texts: Iterable[str]) -> None:
        self.set_records({"text": text} for text in texts)

    def texts(self) -> list[str]:
        return [self.cell(row, "text").strip() for row in range(self.table.rowCount())]


def give_mnemonics(page: QWidget, taken: Iterable[str]) -> None:
    """Alt+letters for the buttons and labelled fields of one page, none used twice on it
    nor by the letters ``taken`` (the dialog's own)."""
    labels = [label for label in page.findChildren(QLabel) if label.buddy() is not None]
    buttons = page.findChildren(QAbstractButton)
    widgets: list[QLabel | QAbstractButton] = [*labels, *buttons]
    texts = with_mnemonics([w.text() for w in widgets], taken)
    for widget, text in zip(widgets, texts, strict=True):
        widget.setText(text)
