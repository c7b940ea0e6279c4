"""A window listing the loaded agreements: calendars, severities and targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.agreement import Agreement
from deskapp.core.errors import InputError
from deskapp.ui.infobar import InfoBar
from deskapp.ui.screen_fit import fit_on_screen

# Opens the agreement editor on a vendor (None: a new one), or on a file's tables.
Edit = Callable[[str | None, dict[str, Any] | None], Any]


class AgreementsWindow(QMainWindow):
    """Vendors on the left; the selected agreement's calendars and targets on the right."""

    def __init__(self, agreements: dict[str, Agreement], parent: QWidget | None = None,
                 *, edit: Edit | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("deskapp: vendor agreements")
        self.agreements = agreements
        self.edit = edit
        self.vendors = QTreeWidget()
        self.vendors.setHeaderLabels(["Vendor", "Version"])
        self.details = QTextBrowser()
        self.info = InfoBar()
        splitter = QSplitter()
        splitter.addWidget(self.vendors)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        self.edit_button = QPushButton("&Edit…")
        self.new_button = QPushButton("&New agreement…")
        self.import_button = QPushButton("&Import file…")
        if edit is not None:  # a team lead's editing, with a desk open
            buttons = QHBoxLayout()
            for button in (self.edit_button, self.new_button, self.import_button):
                buttons.addWidget(button)
            buttons.addStretch(1)
            layout.addLayout(buttons)
            self.edit_button.clicked.connect(self.edit_selected)
            self.new_button.clicked.connect(lambda: self._open(None, None))
            self.import_button.clicked.connect(lambda: self.import_file())
        self.setCentralWidget(central)
        self.vendors.currentItemChanged.connect(self._show)
        self.set_agreements(agreements)
        fit_on_screen(self, QSize(1100, 700))

    def set_agreements(self, agreements: dict[str, Agreement]) -> None:
        """List ``agreements`` (after a version was stored), keeping the vendor selected."""
        selected = self.selected_vendor()
        self.agreements = agreements
        self.vendors.clear()
        for agreement in sorted(agreements.values(), key=lambda a: a.name.lower()):
            item = QTreeWidgetItem([agreement.name, agreement.version])
            item.setData(0, 256, agreement.vendor)  # Qt.UserRole
            self.vendors.addTopLevelItem(item)
            if agreement.vendor == selected:
                self.vendors.setCurrentItem(item)
        first = self.vendors.topLevelItem(0)
        if self.vendors.currentItem() is None and first is not None:
            self.vendors.setCurrentItem(first)

    def selected_vendor(self) -> str | None:
        item = self.vendors.currentItem()
        return str(item.data(0, 256)) if item is not None else None

    def edit_selected(self) -> None:
        vendor = self.selected_vendor()
        if vendor is not None:
            self._open(vendor, None)

    def import_file(self, path: str | None = None) -> None:
        """An agreement file opened in the editor, to check, preview and store."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import an agreement file", "",
                                                  "Agreements (*.toml);;All files (*)")
            if not path:
                return
        from deskapp.ui.agreement_editor import file_tables

        try:
            tables = file_tables(Path(path))
        except InputError as error:
            self.info.show_message(str(error), "error")
            return
        self._open(None, tables)

    def _open(self, vendor: str | None, tables: dict[str, Any] | None) -> None:
        if self.edit is None:
            return
        dialog = self.edit(vendor, tables)
        if dialog is not None:  # a bound method: nothing is called once this window is gone
            dialog.catalog_changed.connect(self._catalog_changed)

    def _catalog_changed(self, catalog: Any) -> None:
        self.set_agreements(catalog.agreements)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        if item is None or item.data(0, 256) not in self.agreements:
            self.details.clear()
            return
        self.details.setHtml(agreement_html(self.agreements[item.data(0, 256)]))


def agreement_html(agreement: Agreement) -> str:
    from html import escape

    def rows(cells: list[list[str]], header: list[str]) -> str:
        head = "".join(f"<th align='left'>{escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in cells
        )
        return f"<table cellspacing='0' cellpadding='4' border='1'><tr>{head}</tr>{body}</table>"

    metric_names = {m.key: m.name for m in agreement.metrics}
    parts = [f"<h2>{escape(agreement.name)}</h2>",
             f"<p>Agreement version {escape(agreement.version)}</p>", "<h3>Calendars</h3>",
             rows([[c.name, c.zone, c.describe_hours(), c.describe_holidays()]
                   for c in agreement.calendars.values()],
                  ["Calendar", "Zone", "Open", "Holidays"]),
             "<h3>Targets</h3>",
             rows([[metric_names[t.metric], t.severity, t.describe(), t.calendar,
                    "yes" if t.pausable else "no"] for t in agreement.targets],
                  ["Metric", "Severity", "Target", "Calendar", "Pausable"]),
             "<h3>Severities</h3>",
             rows([[s.key, s.name, s.definition] for s in agreement.severities],
                  ["Key", "Name", "Definition"])]
    return "".join(parts)
