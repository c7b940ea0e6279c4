"""Small dialogs for the actions on an incident; they stay open until the write succeeds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.ui.infobar import InfoBar
from deskapp.ui.mnemonics import with_mnemonics
from deskapp.ui.moment_field import DateTimeField
from deskapp.ui.screen_fit import fit_on_screen, fitting_width

# Asked before writing: (the question, the button that answers yes), or None to go on.
Confirm = Callable[[dict[str, str]], tuple[str, str] | None]


class FieldKind(StrEnum):
    LINE = "line"
    TEXT = "text"
    CHOICE = "choice"  # pick one of (label, value)
    EDITABLE = "editable"  # pick or type


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: str | None = None  # the message when it is left empty
    choices: tuple[tuple[str, str], ...] = ()
    initial: str = ""
    placeholder: str = ""


class ActionDialog(QDialog):
    """OK asks the window to write (``submitted``); the dialog closes only when it worked.

    On an error the message shows inside the dialog and the text typed stays; on a conflict
    the agent reloads the incident (``reload_requested``) and presses OK again.
    """

    submitted = Signal()
    reload_requested = Signal()

    def __init__(self, title: str, key: str, version: int, fields: list[FieldSpec],
                 explanation: str = "", parent: QWidget | None = None, *,
                 zone: ZoneInfo | None = None, now: datetime | None = None,
                 confirm: Confirm | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title}: {key}")
        self.key = key
        self.version = version
        self.specs = {spec.name: spec for spec in fields}
        self.widgets: dict[str, QWidget] = {}
        self.busy = False
        self.confirm = confirm
        self._confirmed: dict[str, str] | None = None
        self.info = InfoBar()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labels = with_mnemonics([*(spec.label for spec in fields),
                                 *(["Happened at", "Now"] if zone is not None else [])])
        for spec, text in zip(fields, labels, strict=False):
            widget = self._widget(spec)
            self.widgets[spec.name] = widget
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.happened: DateTimeField | None = None
        self._happened_touched = False
        if zone is not None:
            # When it happened, as the command line's --at: now unless the agent says.
            self.happened = DateTimeField(now or datetime.now(zone), zone)
            self.happened.setObjectName("happenedAt")
            self.happened.changed.connect(self._happened_edited)
            now_button = QPushButton(labels[-1])
            now_button.setToolTip("It happened just now")
            now_button.clicked.connect(self._happened_now)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.happened, 1)
            row.addWidget(now_button)
            label = QLabel(labels[-2])
            label.setBuddy(self.happened.edit)
            form.addRow(label, row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(title)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if explanation:
            note = QLabel(explanation)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.info)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        # Ctrl+Enter submits from inside a multi-line text box too.
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self.submit)
        self.setMinimumWidth(min(460, fitting_width(self)))
        fit_on_screen(self)

    # ----- when it happened -------------------------------------------------------------

    _following = False

    def _happened_edited(self) -> None:
        if not self._following:
            self._happened_touched = True

    def _happened_now(self) -> None:
        self._happened_touched = False
        if self.happened is not None:
            self._following = True
            try:
                self.happened.set_moment(datetime.now(self.happened.zone))
            finally:
                self._following = False

    def set_happened_at(self, moment: datetime) -> None:
        """As if typed: the action is recorded at ``moment``."""
        assert self.happened is not None
        self.happened.set_moment(moment)
        self._happened_touched = True

    def happened_at(self) -> datetime | None:
        """When the agent says it happened; None while left at "now" (the write's time)."""
        if self.happened is None or not self._happened_touched:
            return None
        return self.happened.moment()

    def _widget(self, spec: FieldSpec) -> QWidget:
        if spec.kind is FieldKind.LINE:
            line = QLineEdit(spec.initial)
            line.setPlaceholderText(spec.placeholder)
            return line
        if spec.kind is FieldKind.TEXT:
            text = QPlainTextEdit(spec.initial)
            text.setPlaceholderText(spec.placeholder)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(90)
            return text
        combo = QComboBox()
        combo.setEditable(spec.kind is FieldKind.EDITABLE)
        for label, value in spec.choices:
            combo.addItem(label, value)
        if spec.initial:
            position = combo.findData(spec.initial)
            if position >= 0:
                combo.setCurrentIndex(position)
            elif combo.isEditable():
                combo.setEditText(spec.initial)
        return combo

    def value(self, name: str) -> str:
        widget = self.widgets[name]
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QComboBox)
        if widget.isEditable():
            text = widget.currentText()
            position = widget.findText(text)
            if position >= 0 and widget.itemData(position) is not None:
                return str(widget.itemData(position))
            return text
        data = widget.currentData()
        return str(data) if data is not None else widget.currentText()

    def values(self) -> dict[str, str]:
        return {name: self.value(name) for name in self.widgets}

    def set_value(self, name: str, value: Any) -> None:
        """For tests and for reloading: put ``value`` into a field as if typed."""
        widget = self.widgets[name]
        if isinstance(widget, QLineEdit):
            widget.setText(str(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value))
        elif isinstance(widget, QComboBox):
            position = widget.findData(value)
            if position < 0:
                position = widget.findText(str(value))
            if position >= 0:
                widget.setCurrentIndex(position)
            elif widget.isEditable():
                widget.setEditText(str(value))

    def submit(self) -> None:
        if self.busy:
            return
        for name, spec in self.specs.items():
            if spec.required and not self.value(name).strip():
                self.show_error(spec.required)
                self.widgets[name].setFocus()
                return
        values = self.values()
        question = self.confirm(values) if self.confirm is not None else None
        if question is not None and values != self._confirmed:
            self.info.show_message(question[0], "info", (question[1], self._confirm))
            self.info.action.setFocus()
            return
        self.set_busy(True)
        self.submitted.emit()

    def _confirm(self) -> None:
        self._confirmed = self.values()
        self.submit()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.info.show_message(message, "error")

    def show_conflict(self, message: str) -> None:
        self.set_busy(False)
        self.info.show_message(message, "error", ("&Reload", self.reload_requested.emit))

    def reloaded(self, version: int, summary: str) -> None:
        """The incident as it is now: OK applies what was typed to this version."""
        self.version = version
        self.info.show_message(
            f"Reloaded {self.key}: {summary}. Your text is kept; press OK to apply it.", "ok")
