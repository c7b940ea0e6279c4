"""The first start on a workstation: the agent's name and the office's zone, asked once."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from deskapp.ui.settings import Preferences, SettingsDialog, SettingsValues

NAME_KEY = "agent/name"


def needs_first_start(prefs: Preferences) -> bool:
    """Nobody has said who works at this workstation yet."""
    return not str(prefs.value(NAME_KEY) or "").strip()


class FirstStartDialog(SettingsDialog):
    """The settings a first start needs, and nothing else: who you are, where the office is."""

    def __init__(self, values: SettingsValues, parent: QWidget | None = None) -> None:
        super().__init__(SettingsValues("", *_rest(values)), parent)
        self.setWindowTitle("Welcome to deskapp")
        self.me.setPlaceholderText("Your name, as the timeline should show it")
        form = self.findChild(QFormLayout)
        if form is not None:
            for field in (self.warn_minutes, self.soon_hours, self.documents_hours):
                form.setRowVisible(field, False)
            for row in range(form.rowCount()):  # the database's row is a layout
                item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                inner = item.layout() if item is not None else None
                if inner is not None and inner.indexOf(self.database) >= 0:
                    form.setRowVisible(row, False)
            welcome = QLabel("Who is working at this desk, and where is the office? Every "
                             "timeline entry you make carries your name; due times are shown "
                             "in the office's zone too. Both can be changed later in "
                             "File > Settings.")
            welcome.setWordWrap(True)
            form.insertRow(0, welcome)
        self.me.setFocus()


def _rest(values: SettingsValues) -> tuple[str, str, str, int, float, float]:
    return (values.office_zone, values.office_country, values.database, values.warn_minutes,
            values.soon_hours, values.documents_hours)
