"""Per-workstation preferences (QSettings) and the settings dialog."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.desk import default_author
from deskapp.core.text import has_password, without_password
from deskapp.ui.infobar import InfoBar

DEFAULT_WARN_MINUTES = 30
DEFAULT_SOON_HOURS = 2.0
DEFAULT_DOCUMENTS_HOURS = 2.0  # business time before a missing documentation is reminded
DEFAULT_POLL_SECONDS = 3
PASSWORD_ADVICE = (
    "The password was not saved: the settings file is plain text. PostgreSQL reads it from "
    "~/.pgpass (on Windows %APPDATA%\\postgresql\\pgpass.conf), from a service file "
    "(postgresql:///?service=NAME) or from PGPASSWORD; see docs/postgresql.md.")


def _number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class Preferences:
    """What this workstation remembers: the agent's name, the database and thresholds."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    @property
    def me(self) -> str:
        return str(self.store.value("agent/name", "") or "") or default_author()

    @me.setter
    def me(self, name: str) -> None:
        self.store.setValue("agent/name", name.strip())

    @property
    def database(self) -> str:
        """The database URL or file; never with a password (one saved by an older deskapp
        is removed from the settings file as it is read)."""
        url = str(self.store.value("database/url", "") or "")
        if has_password(url):
            url = without_password(url)
            self.store.setValue("database/url", url)
        return url

    @database.setter
    def database(self, url: str) -> None:
        # The settings file is plain text: a password stays in ~/.pgpass and the like.
        self.store.setValue("database/url", without_password(url.strip()))

    @property
    def warn_minutes(self) -> int:
        return int(_number(self.store.value("thresholds/warn_minutes", DEFAULT_WARN_MINUTES),
                           DEFAULT_WARN_MINUTES))

    @warn_minutes.setter
    def warn_minutes(self, minutes: int) -> None:
        self.store.setValue("thresholds/warn_minutes", int(minutes))

    @property
    def soon_hours(self) -> float:
        return _number(self.store.value("thresholds/soon_hours", DEFAULT_SOON_HOURS),
                       DEFAULT_SOON_HOURS)

    @soon_hours.setter
    def soon_hours(self, hours: float) -> None:
        self.store.setValue("thresholds/soon_hours", float(hours))

    @property
    def documents_hours(self) -> float:
        return _number(self.store.value("thresholds/documents_hours", DEFAULT_DOCUMENTS_HOURS),
                       DEFAULT_DOCUMENTS_HOURS)

    @documents_hours.setter
    def documents_hours(self, hours: float) -> None:
        self.store.setValue("thresholds/documents_hours", float(hours))

    @property
    def poll_seconds(self) -> float:
        return _number(self.store.value("database/poll_seconds", DEFAULT_POLL_SECONDS),
                       DEFAULT_POLL_SECONDS)

    @property
    def backup_folder(self) -> str:
        """Where this workstation keeps the desk's backups; empty: beside the database
        (a network share will do; $DESKAPP_BACKUP_DIR goes first)."""
        return str(self.store.value("backups/folder", "") or "")

    @backup_folder.setter
    def backup_folder(self, folder: str) -> None:
        self.store.setValue("backups/folder", folder.strip())

    def value(self, key: str) -> Any:
        return self.store.value(key)

    def set_value(self, key: str, value: Any) -> None:
        self.store.setValue(key, value)


@dataclass(frozen=True)
class SettingsValues:
    me: str
    office_zone: str
    office_country: str
    database: str
    warn_minutes: int
    soon_hours: float
    documents_hours: float = DEFAULT_DOCUMENTS_HOURS


class SettingsDialog(QDialog):
    """Stays open until the window has checked and applied the values (``submitted``)."""

    submitted = Signal()

    def __init__(self, values: SettingsValues, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.info = InfoBar()
        self.me = QLineEdit(values.me)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        zones = sorted(zoneinfo.available_timezones())
        self.zone.addItems(zones)
        self.zone.setEditText(values.office_zone)
        completer = QCompleter(zones, self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.country = QLineEdit(values.office_country)
        self.country.setPlaceholderText("ISO code, e.g. US")
        self.country.setMaxLength(6)
        self.database = QLineEdit(values.database)
        self.database.setPlaceholderText("default: a file in your user data folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database, 1)
        database_row.addWidget(browse)
        self.warn_minutes = QSpinBox()
        self.warn_minutes.setRange(0, 24 * 60)
        self.warn_minutes.setSuffix(" min")
        self.warn_minutes.setSpecialValueText("only the agreement's warning points")
        self.warn_minutes.setValue(values.warn_minutes)
        self.soon_hours = QDoubleSpinBox()
        self.soon_hours.setRange(0.25, 72)
        self.soon_hours.setSingleStep(0.5)
        self.soon_hours.setSuffix(" h")
        self.soon_hours.setValue(values.soon_hours)
        self.documents_hours = QDoubleSpinBox()
        self.documents_hours.setRange(0, 72)
        self.documents_hours.setSingleStep(0.5)
        self.documents_hours.setSuffix(" business h")
        self.documents_hours.setSpecialValueText("never")
        self.documents_hours.setValue(values.documents_hours)

        form = QFormLayout()
        for text, widget in (("Your &name", self.me), ("Office time &zone", self.zone),
                             ("Office &country", self.country)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        database_label = QLabel("&Database")
        database_label.setBuddy(self.database)
        form.addRow(database_label, database_row)
        warn_label = QLabel("&Warn when business time left is under")
        warn_label.setBuddy(self.warn_minutes)
        form.addRow(warn_label, self.warn_minutes)
        soon_label = QLabel("\"Breaching &soon\" means within")
        soon_label.setBuddy(self.soon_hours)
        form.addRow(soon_label, self.soon_hours)
        documents_label = QLabel("Remind me of missing &documents after")
        documents_label.setBuddy(self.documents_hours)
        form.addRow(documents_label, self.documents_hours)
        note = QLabel("The office zone and country are shared by everyone on this database; "
                      "a different database is used from the next start.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def values(self) -> SettingsValues:
        return SettingsValues(
            me=self.me.text().strip(), office_zone=self.zone.currentText().strip(),
            office_country=self.country.text().strip().upper(),
            database=self.database.text().strip(), warn_minutes=self.warn_minutes.value(),
            soon_hours=self.soon_hours.value(),
            documents_hours=self.documents_hours.value())

    def _submit(self) -> None:
        if not self.me.text().strip():
            self.info.show_message("Your name must not be empty: it goes into every "
                                   "timeline entry you make.", "error")
            return
        self.submitted.emit()

    def show_error(self, message: str) -> None:
        self.info.show_message(message, "error")

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "SQLite database", self.database.text(), "SQLite (*.sqlite3 *.db);;All (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.database.setText(path)
