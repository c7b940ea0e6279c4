"""The agreement editor: a vendor's agreement as pages of its file's tables, checked as the
lead types, previewed against the open incidents, then stored as the team's next version."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.agreement_change import (
    AgreementPreview,
    OpenTime,
    StalePreviewError,
    calendars_ahead,
)
from deskapp.app.agreements import Imported
from deskapp.app.desk import Desk
from deskapp.core.agreement import Agreement, CalendarSpec
from deskapp.core.agreement_check import Checked, Level, read_agreement_file
from deskapp.core.agreement_file import WEEKDAYS, AgreementError
from deskapp.core.agreement_toml import agreement_data
from deskapp.core.calendar import Holiday
from deskapp.core.wording import moment_label
from deskapp.ui.agreement_pages import (
    GoalsPage,
    MetricsPage,
    NotesPage,
    Page,
    ScopePage,
    VendorPage,
    severities_page,
    targets_page,
    tiers_page,
)
from deskapp.ui.agreement_preview import PreviewPanel
from deskapp.ui.calendar_editor import CalendarsPage, year_holidays
from deskapp.ui.editor_tables import give_mnemonics
from deskapp.ui.infobar import InfoBar
from deskapp.ui.mnemonics import letter_of, with_mnemonics
from deskapp.ui.moment_field import DateTimeField
from deskapp.ui.opening import Catalog, load_catalog
from deskapp.ui.screen_fit import fit_on_screen
from deskapp.ui.workstation import Workstation

FIX_FIRST = "Fix the errors listed below first: only an agreement that reads can be previewed."
CHECK_DELAY_MS = 300  # the agreement is checked once the lead pauses typing
ERROR_COLOUR = QColor("#b71c1c")
WARNING_COLOUR = QColor("#8d6e00")


def new_agreement(zone: str) -> dict[str, Any]:
    """A new vendor's agreement to start from: office hours in ``zone``, one tier, one
    severity, response and resolution, one target; the rest for the lead to fill in."""
    return {
        "vendor": "", "name": "", "version": "1",
        "calendars": {"office": {"name": "Office hours", "zone": zone,
                                 "hours": {day: ["09:00-17:00"] for day in WEEKDAYS[:5]}}},
        "tiers": [{"key": "1", "name": "Tier 1"}],
        "severities": [{"key": "1", "name": "", "definition": ""}],
        "metrics": {"response": {"name": "Response"}, "resolution": {"name": "Resolution"}},
        "targets": [{"metric": "response", "severity": "1", "amount": 4,
                     "unit": "business hours", "calendar": "office"}],
    }


def file_tables(path: Path) -> dict[str, Any]:
    """An agreement file's tables to edit; one AgreementError when it is not a TOML file."""
    text = read_agreement_file(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgreementError(path.name, "(file)", f"is not valid TOML: {error}") from error


@dataclass(frozen=True)
class Saved:
    """What Save did: the version stored (None: stored before, applied now), its number,
    how many open incidents now follow it, or why applying was refused."""

    imported: Imported | None
    number: int
    applied: int | None
    stale: str | None


class AgreementEditor(QDialog):
    """One vendor's agreement; ``catalog_changed`` after a version was stored."""

    catalog_changed = Signal(object)

    def __init__(self, station: Workstation, vendor: str | None = None,
                 tables: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert station.desk is not None and station.catalog is not None
        self.station = station
        self.desk: Desk = station.desk
        self.catalog: Catalog = station.catalog
        self.read_only = self.desk.read_only
        if tables is None:
            agreement = station.agreement_of(vendor) if vendor else None
            tables = agreement_data(agreement) if agreement is not None \
                else new_agreement(self.catalog.office.zone)
        self.data = copy.deepcopy(tables)
        self.checked: Checked | None = None
        self.preview: AgreementPreview | None = None
        self.saved: tuple[str, int] | None = None  # the text stored last and its number
        self.busy = False
        self.dirty = False
        self._generation = 0
        self._checked_generation = -1
        self._want_preview = False
        self._discarding = False
        self.closed = False

        self.info = InfoBar()
        self.vendor_page = VendorPage()
        self.calendars = CalendarsPage(self._ask_holidays)
        self.severities = severities_page()
        self.tiers = tiers_page()
        self.metrics = MetricsPage()
        self.targets = targets_page()
        self.goals = GoalsPage()
        self.scope = ScopePage()
        self.notes = NotesPage()
        self.pages: list[tuple[str, Page | CalendarsPage]] = [
            ("Vendor", self.vendor_page), ("Calendars", self.calendars),
            ("Severities", self.severities), ("Tiers", self.tiers),
            ("Metrics", self.metrics), ("Targets", self.targets),
            ("Aggregate goals", self.goals), ("Scope", self.scope), ("Notes", self.notes)]
        self.preview_panel = PreviewPanel(station.display.office_zone)
        self.tabs = QTabWidget()
        self.findings = QListWidget()
        self.findings.setObjectName("findings")
        findings_label = QLabel("Findings")
        findings_label.setBuddy(self.findings)
        self.effective = DateTimeField(station.clock(), station.display.office_zone,
                                       optional="Effective from")
        self.effective.setToolTip("When the new version comes into force (default: now)")
        self.apply_box = QCheckBox("Apply to open incidents")
        self.apply_box.setToolTip("Pin the vendor's open incidents to the new version, as the "
                                  "preview shows; press Preview first")
        self.preview_button = QPushButton("Preview")
        self.save_button = QPushButton("Save")
        self.close_button = QPushButton("Close")
        for button in (self.preview_button, self.save_button, self.close_button):
            button.setAutoDefault(False)

        texts = with_mnemonics([*(title for title, _ in self.pages), "Preview changes",
                                "Preview", "Save", "Close", "Apply to open incidents",
                                "Effective from", "Findings"])
        tab_texts, rest = texts[:len(self.pages) + 1], texts[len(self.pages) + 1:]
        for (_, page), text in zip(self.pages, tab_texts, strict=False):
            self.tabs.addTab(page, text)
        self.tabs.addTab(self.preview_panel, tab_texts[-1])
        for widget, text in zip((self.preview_button, self.save_button, self.close_button,
                                 self.apply_box), rest, strict=False):
            widget.setText(text)
        if self.effective.check is not None:
            self.effective.check.setText(rest[4])
        findings_label.setText(rest[5])
        taken = [letter for text in texts if (letter := letter_of(text))]
        for _, page in self.pages:
            give_mnemonics(page, taken)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        above = QHBoxLayout()  # when and how the version applies, beside the findings
        above.addWidget(findings_label)
        above.addStretch(1)
        above.addWidget(self.effective)
        above.addWidget(self.apply_box)
        bottom_layout.addLayout(above)
        bottom_layout.addWidget(self.findings)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_now)
        self._load(self.data)
        for _, page in self.pages:
            page.changed.connect(self._edited)
        self.calendars.renamed.connect(self._calendar_renamed)
        self.findings.itemActivated.connect(self._go_to_finding)
        self.findings.itemClicked.connect(self._go_to_finding)
        self.preview_button.clicked.connect(self.ask_preview)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.apply_box.toggled.connect(self._update_buttons)
        splitter.setSizes([460, 90])
        self.setWindowTitle(self._title())
        if self.read_only:
            self.info.show_message("The database is open read-only: the agreement can be "
                                   "checked and previewed, not saved.", "info")
            self.effective.setEnabled(False)
        self._update_buttons()
        fit_on_screen(self, QSize(1100, 720))
        self.vendor_page.vendor.setFocus()
        self.check_now()

    # ----- the tables -------------------------------------------------------------------

    def _load(self, data: dict[str, Any]) -> None:
        self.vendor_page.load(data)
        calendars = data.get("calendars", {})
        self.calendars.load(calendars if isinstance(calendars, dict) else {})
        for page in (self.severities, self.tiers, self.metrics, self.targets, self.goals,
                     self.scope, self.notes):
            page.load(data)
        self._update_choices()

    def tables(self) -> dict[str, Any]:
        """The agreement as its file's tables, as the pages hold it now."""
        data = copy.deepcopy(self.data)
        for page in (self.vendor_page, self.severities, self.tiers, self.metrics,
                     self.targets, self.goals, self.scope, self.notes):
            page.store(data)
        data["calendars"] = self.calendars.store()
        if not data["calendars"]:
            del data["calendars"]
        return data

    def _calendar_renamed(self, old: str, new: str) -> None:
        """The targets and goals that name a calendar follow its new key."""
        for table, key in ((self.targets.table, "calendar"),
                           (self.goals.table, "within_calendar")):
            for row in range(table.table.rowCount()):
                if table.cell(row, key).strip() == old:
                    table.set_cell(row, key, new)

    def vendor(self) -> str:
        return self.vendor_page.vendor.text().strip()

    def source_name(self) -> str:
        return f"{self.vendor() or 'new-vendor'}.toml"

    def _update_choices(self) -> None:
        severities = [r.get("key", "") for r in self.severities.table.records()]
        tiers = [r.get("key", "") for r in self.tiers.table.records()]
        metrics = self.metrics.metric_keys()
        calendars = self.calendars.calendar_keys()
        for page in (self.targets, self.goals):
            page.set_choices("metric", metrics)
            page.set_choices("severity", [str(s) for s in severities])
        self.targets.set_choices("calendar", calendars)
        self.goals.set_choices("within_calendar", calendars)
        self.goals.set_choices("tier", [str(t) for t in tiers])

    def _title(self) -> str:
        vendor = self.vendor() or "new vendor"
        read_only = " (read-only)" if self.read_only else ""
        return f"Agreement of {vendor}{read_only}"

    # ----- checking as the lead types ---------------------------------------------------

    def _edited(self) -> None:
        self.dirty = True
        self._generation += 1
        self._timer.start()
        self.preview_panel.mark_stale()
        if self.apply_box.isChecked():
            self.apply_box.setChecked(False)
        self.setWindowTitle(self._title())
        self._update_buttons()

    def check_now(self) -> None:
        """Check the agreement as it is now, in the background."""
        self._timer.stop()
        self._update_choices()
        data, source, generation = self.tables(), self.source_name(), self._generation
        desk = self.desk
        self.station.tasks.run(lambda: desk.check_agreement(data, source),
                               lambda checked: self._checked(generation, checked),
                               self._failed)

    def _checked(self, generation: int, checked: Checked) -> None:
        if self.closed or generation != self._generation:
            return  # typed since: the newer check tells
        self.checked = checked
        self._checked_generation = generation
        self.findings.clear()
        for finding in checked.findings:
            item = QListWidgetItem(f"{finding.level.value}: {finding}")
            item.setData(Qt.ItemDataRole.UserRole, finding.key)
            item.setForeground(QBrush(ERROR_COLOUR if finding.level is Level.ERROR
                                      else WARNING_COLOUR))
            self.findings.addItem(item)
        if not checked.findings:
            self.findings.addItem("No errors or warnings: the agreement can be saved.")
        self.calendars.show_checked(checked.agreement)
        self._update_buttons()
        if self._want_preview:
            self._want_preview = False
            self._request_preview()

    def current(self) -> Checked | None:
        """The check of the agreement as it is now (None while one is under way)."""
        if self._checked_generation != self._generation or self._timer.isActive():
            return None
        return self.checked

    def finding_texts(self) -> list[str]:
        return [item.text() for item in (self.findings.item(row)
                                         for row in range(self.findings.count()))
                if item is not None]

    def _go_to_finding(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(key, str):
            self.go_to(key)

    def go_to(self, key: str) -> bool:
        """Show the page and field a finding's key names."""
        top = key.split(".")[0].split("[")[0]
        owners: dict[str, Page | CalendarsPage] = {"calendars": self.calendars}
        for page in (self.vendor_page, self.severities, self.tiers, self.metrics,
                     self.targets, self.goals, self.scope, self.notes):
            owners.update(dict.fromkeys(page.keys, page))
        owner = owners.get(top)
        if owner is None:
            return False
        self.tabs.setCurrentWidget(owner)
        return owner.go_to(key)

    # ----- preview ----------------------------------------------------------------------

    def ask_preview(self) -> None:
        """Check the agreement as it is now, then preview it."""
        self._want_preview = True
        self.check_now()

    def _request_preview(self) -> None:
        checked = self.checked
        if checked is None or not checked.ok or checked.agreement is None:
            self.info.show_message(FIX_FIRST, "error")
            return
        agreement, desk, generation = checked.agreement, self.desk, self._generation
        if agreement.vendor not in self.catalog.agreements:
            now = desk.now()
            self.station.tasks.run(
                lambda: calendars_ahead(desk, agreement, now),
                lambda found: self._new_vendor_previewed(generation, agreement, found, now),
                self._failed)
            return
        self.station.tasks.run(
            lambda: desk.preview_agreement_change(agreement.vendor, agreement.source),
            lambda preview: self._previewed(generation, preview), self._failed)

    def _previewed(self, generation: int, preview: AgreementPreview) -> None:
        if self.closed or generation != self._generation:
            return
        self.preview = preview
        self._forget_fix_first()
        self.preview_panel.show_preview(preview)
        self.tabs.setCurrentWidget(self.preview_panel)
        self._update_buttons()

    def _new_vendor_previewed(self, generation: int, agreement: Agreement,
                              calendars: tuple[OpenTime, ...], now: datetime) -> None:
        if self.closed or generation != self._generation:
            return
        self.preview = None
        self._forget_fix_first()
        self.preview_panel.show_new_vendor(agreement, calendars, now)
        self.tabs.setCurrentWidget(self.preview_panel)
        self._update_buttons()

    def _forget_fix_first(self) -> None:
        if self.info.text() == FIX_FIRST:
            self.info.hide()

    def previewed_text(self) -> str | None:
        """The text of the agreement the preview shown is of, when it is the current one."""
        checked = self.current()
        if self.preview is None or checked is None or checked.agreement is None:
            return None
        text = checked.agreement.source
        return text if self.preview.agreement.source == text else None

    # ----- saving -----------------------------------------------------------------------

    def _update_buttons(self) -> None:
        checked = self.current()
        ok = checked is not None and checked.ok
        can_apply = not self.read_only and self.previewed_text() is not None
        self.apply_box.setEnabled(can_apply and not self.busy)
        if not can_apply and self.apply_box.isChecked():
            self.apply_box.setChecked(False)
        unsaved = checked is not None and checked.agreement is not None and (
            self.saved is None or self.saved[0] != checked.agreement.source)
        self.save_button.setEnabled(not self.read_only and not self.busy and ok and (
            unsaved or self.apply_box.isChecked()))
        self.preview_button.setEnabled(not self.busy)
        if self.read_only:
            self.save_button.setToolTip("The database is open read-only")

    def save(self) -> None:
        """Store the agreement as the vendor's next version (from the effective instant),
        then, when ticked, apply it to the open incidents the preview showed."""
        checked = self.current()
        if self.read_only or self.busy or checked is None or not checked.ok \
                or checked.agreement is None:
            return
        agreement = checked.agreement
        text, vendor, source = agreement.source, agreement.vendor, self.source_name()
        preview = self.preview if self.apply_box.isChecked() and self.previewed_text() \
            else None
        stored = self.saved[1] if self.saved is not None and self.saved[0] == text else None
        effective, me, desk = self.effective.moment(), self.station.prefs.me, self.desk

        def work() -> Saved:
            imported = None
            number = stored
            if number is None:
                imported = desk.import_agreement(text, source, effective=effective, author=me)
                number = imported.version.number
            if preview is None:
                return Saved(imported, number, None, None)
            try:
                applied = desk.apply_agreement_change(vendor, number, preview, author=me)
            except StalePreviewError as error:
                return Saved(imported, number, None, str(error))
            return Saved(imported, number, applied, None)

        self._set_busy(True)
        self.station.tasks.run(work, lambda saved: self._saved(text, vendor, saved),
                               self._failed)

    def _saved(self, text: str, vendor: str, saved: Saved) -> None:
        # Busy until the window has read the agreements again (see _catalog_loaded).
        self.saved = (text, saved.number)
        self.dirty = False
        parts = []
        if saved.imported is not None:
            info = saved.imported.version
            since = moment_label(info.effective_at, self.station.display.office_zone) \
                if info.effective_at is not None else "not in force"
            parts.append(f"Stored as version {info.number} of {vendor} ({info.origin.value}), "
                         f"in force from {since}.")
            parts.extend(saved.imported.warnings)
        if saved.applied is not None:
            parts.append(f"{saved.applied} open incidents now follow version {saved.number}.")
        self.apply_box.setChecked(False)
        if saved.stale is not None:
            self.info.show_message(" ".join([*parts, saved.stale, "A fresh preview is shown: "
                                             "tick Apply and save again to apply it."]),
                                   "error")
            self.ask_preview()
        else:
            self.info.show_message(" ".join(parts), "ok")
        self._update_buttons()
        desk = self.desk
        self.station.tasks.run(lambda: load_catalog(desk), self._catalog_loaded, self._failed)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self._set_busy(False)
        self.catalog = catalog
        self.station.use_catalog(catalog)
        self.catalog_changed.emit(catalog)
        self._update_buttons()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def _failed(self, error: Exception) -> None:
        if self.closed:
            return
        self._set_busy(False)
        self._want_preview = False
        self.info.show_message(str(error), "error")

    # ----- holidays and closing ---------------------------------------------------------

    def _ask_holidays(self, spec: CalendarSpec, year: int,
                      answer: Callable[[list[Holiday] | str], None]) -> None:
        office = self.catalog.office

        def told(found: list[Holiday] | str) -> None:
            if not self.closed:
                answer(found)

        self.station.tasks.run(lambda: year_holidays(spec, year, office), told,
                               lambda error: told(str(error)))

    def reject(self) -> None:
        """Close; edits not saved are kept until the lead says to discard them."""
        if self.busy:
            self.info.show_message("Saving: the window closes once the version is stored.",
                                   "info")
            return
        if self.dirty and not self._discarding and not self.read_only:
            self.info.show_message("The agreement has changes that are not saved.", "info",
                                   ("Discard them", self._discard))
            return
        super().reject()

    def done(self, result: int) -> None:
        # Answers still on their way find the dialog gone: they are dropped.
        self.closed = True
        self._timer.stop()
        super().done(result)

    def _discard(self) -> None:
        self._discarding = True
        self.reject()
