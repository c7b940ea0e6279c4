"""The team lead's review window: compliance, goals, late time, trend and breach heat map.

A month's (or any days') compliance per vendor, severity and target, the goals, where late
time went, the goals' monthly trend and the breaches by weekday and hour. Every figure lists
the incidents behind it, and each opens in the main window. Everything is read in the
background; a read-only desk is reviewed the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.desk import Desk
from deskapp.core.compliance import Period
from deskapp.core.errors import InputError
from deskapp.core.goals import GoalTrend
from deskapp.core.review import ComplianceReport, LateTime
from deskapp.core.wording import plural
from deskapp.ui.review_parts import (
    IncidentList,
    PickableHeatMap,
    PickableTrend,
    SheetModel,
    SheetTable,
    heat_heading,
    heat_map_of,
    trend_of,
)
from deskapp.ui.review_tables import Sheet, compliance_sheet, goals_sheet, late_sheet
from deskapp.ui.scorecard import gather, incident_titles, save_pdf
from deskapp.ui.screen_fit import fit_on_screen
from deskapp.ui.table_export import ask_csv_path, write_sheet
from deskapp.ui.workstation import Workstation

MONTHS_BACK = 36  # months the period picker offers before the current one
TREND_MONTHS = 12
TITLES_AT_MOST = 500  # incidents whose titles a drill-down reads


@dataclass(frozen=True)
class Reviewed:
    """What the window shows for one period and vendor choice."""

    report: ComplianceReport
    late: tuple[LateTime, ...]
    trends: tuple[GoalTrend, ...]


def read_review(desk: Desk, period: Period, vendor: str | None, now: datetime) -> Reviewed:
    return Reviewed(desk.compliance(period, vendor, now=now),
                    desk.late_time(period, vendor, now=now),
                    desk.goal_trend(TREND_MONTHS, vendor, now=now))


def _month_start(moment: date, back: int) -> date:
    months = moment.year * 12 + moment.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


class ReviewWindow(QWidget):
    """Period and vendor on top; the tables and charts in tabs; the incidents behind the
    figure picked on the right."""

    def __init__(self, station: Workstation, open_incident: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Review: compliance and goals")
        self.station = station
        self.open_incident = open_incident
        self.shown: Reviewed | None = None
        self._token = 0

        # ----- the period and the vendor -----
        today = station.clock().astimezone(station.display.office_zone).date()
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        for back in range(MONTHS_BACK, -1, -1):
            first = _month_start(today, back)
            self.month.addItem(f"{first:%B %Y}", f"{first:%Y-%m}")
        self.month.setCurrentIndex(self.month.count() - 1)
        self.previous = QPushButton("◀")
        self.previous.setToolTip("The month before (Alt+Left)")
        self.previous.setAccessibleName("Previous month")
        self.next = QPushButton("▶")
        self.next.setToolTip("The month after (Alt+Right)")
        self.next.setAccessibleName("Next month")
        for button in (self.previous, self.next):
            button.setMaximumWidth(32)
        self.by_days = QCheckBox("&Days:")
        self.by_days.setToolTip("Any days instead of a month, both included")
        self.first_day = QDateEdit(QDate(today.year, today.month, 1))
        self.last_day = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.vendor = QComboBox()
        self.vendor.setAccessibleName("Vendor")
        self.vendor.addItem("All vendors", None)
        agreements = station.catalog.agreements if station.catalog else {}
        for key, agreement in sorted(agreements.items(), key=lambda item: item[1].name):
            self.vendor.addItem(agreement.name, key)
        self.read_button = QPushButton("&Read again")
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip("The table shown, as CSV")
        self.scorecard_button = QPushButton("Save &scorecard…")
        self.scorecard_button.setToolTip("A PDF: the figures against each goal, the charts, "
                                         "and every breached incident with its timeline and "
                                         "explanation")
        month_label = QLabel("&Month:")
        month_label.setBuddy(self.month)
        vendor_label = QLabel("&Vendor:")
        vendor_label.setBuddy(self.vendor)
        controls = QHBoxLayout()
        for widget in (month_label, self.previous, self.month, self.next, self.by_days,
                       self.first_day, QLabel("to"), self.last_day, vendor_label, self.vendor):
            controls.addWidget(widget)
        controls.addStretch(1)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        for button in (self.read_button, self.export_button, self.scorecard_button):
            buttons.addWidget(button)

        # ----- the figures -----
        empty = Sheet("", (), ())
        self.compliance = SheetTable(SheetModel(empty))
        self.goals = SheetTable(SheetModel(empty))
        self.late = SheetTable(SheetModel(empty))
        self.trend_goal = QComboBox()
        self.trend_goal.setAccessibleName("Goal")
        self.trend = PickableTrend()
        trend_page = QWidget()
        trend_layout = QVBoxLayout(trend_page)
        goal_label = QLabel("&Goal:")
        goal_label.setBuddy(self.trend_goal)
        trend_row = QHBoxLayout()
        trend_row.addWidget(goal_label)
        trend_row.addWidget(self.trend_goal, 1)
        trend_layout.addLayout(trend_row)
        trend_layout.addWidget(self.trend, 1)
        trend_layout.addWidget(QLabel("<small>The last 12 months to today. A triangle is a "
                                      "month below the goal; click a month to list its "
                                      "tickets.</small>"))
        self.heat_map = PickableHeatMap()
        self.heat_map.setMinimumSize(360, 200)
        self.trend.setMinimumSize(300, 160)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.compliance, "&Compliance")
        self.tabs.addTab(self.goals, "G&oals")
        self.tabs.addTab(self.late, "&Late time")
        self.tabs.addTab(trend_page, "&Trend")
        self.tabs.addTab(self.heat_map, "&Heat map")
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_page = QScrollArea()
        self.notes_page.setWidget(self.notes)
        self.notes_page.setWidgetResizable(True)
        self.tabs.addTab(self.notes_page, "&Notes")
        self.incidents = IncidentList()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.incidents)
        self.splitter.setStretchFactor(0, 1)  # a wider window widens the figures
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.incidents.setMinimumWidth(180)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

        # ----- wiring -----
        self.month.currentIndexChanged.connect(lambda _index: self.read())
        self.vendor.currentIndexChanged.connect(lambda _index: self.read())
        self.previous.clicked.connect(lambda: self.step_month(-1))
        self.next.clicked.connect(lambda: self.step_month(1))
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self.step_month(-1))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self.step_month(1))
        self.by_days.toggled.connect(self._days_toggled)
        self.first_day.dateChanged.connect(lambda _day: self._days_changed())
        self.last_day.dateChanged.connect(lambda _day: self._days_changed())
        self.read_button.clicked.connect(self.read)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.scorecard_button.clicked.connect(lambda: self.save_scorecard())
        for table in (self.compliance, self.goals, self.late):
            table.picked.connect(self.list_incidents)
        self.heat_map.picked.connect(self._heat_picked)
        self.trend.picked.connect(self._trend_picked)
        self.trend_goal.currentIndexChanged.connect(self._show_trend)
        self.incidents.opened.connect(self.open_incident)
        self.tabs.currentChanged.connect(lambda _index: self._update_buttons())
        fit_on_screen(self, QSize(1280, 760))
        self.splitter.setSizes([self.width() - 210, 210])
        self.read()

    # ----- the period ---------------------------------------------------------------------

    def period(self) -> Period:
        if self.by_days.isChecked():
            first, last = self.first_day.date().toPython(), self.last_day.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            return Period.days(first, last)
        return Period.parse_month(self.month.currentData())

    def chosen_vendor(self) -> str | None:
        vendor = self.vendor.currentData()
        return vendor if isinstance(vendor, str) else None

    def set_month(self, label: str) -> None:
        """Show the month ``2026-11`` (read at once)."""
        self.by_days.setChecked(False)
        index = self.month.findData(label)
        if index < 0:
            raise InputError(f"{label} is not among the months offered")
        if index == self.month.currentIndex():
            self.read()
        self.month.setCurrentIndex(index)

    def set_vendor(self, vendor: str | None) -> None:
        self.vendor.setCurrentIndex(max(self.vendor.findData(vendor), 0))

    def step_month(self, step: int) -> None:
        self.by_days.setChecked(False)
        index = self.month.currentIndex() + step
        if 0 <= index < self.month.count():
            self.month.setCurrentIndex(index)

    def _days_toggled(self, on: bool) -> None:
        for edit in (self.first_day, self.last_day):
            edit.setEnabled(on)
        for widget in (self.month, self.previous, self.next):
            widget.setEnabled(not on)
        self.read()

    def _days_changed(self) -> None:
        if self.by_days.isChecked():
            self.read()

    # ----- reading --------------------------------------------------------------------------

    def read(self) -> None:
        """Read the period chosen again, in the background (a newer read supersedes it)."""
        desk = self.station.desk
        if desk is None:
            self.status.setText("No database is open.")
            return
        try:
            period = self.period()
        except InputError as error:
            self.status.setText(str(error))
            return
        vendor = self.chosen_vendor()
        now = self.station.clock()
        self._token += 1
        token = self._token
        self.status.setText(f"Reading {period.label}…")

        def done(reviewed: Reviewed) -> None:
            if token == self._token:
                self.show_reviewed(reviewed)

        def failed(error: Exception) -> None:
            if token == self._token:
                self.status.setText(str(error))

        self.station.tasks.run(lambda: read_review(desk, period, vendor, now), done, failed)

    def show_reviewed(self, reviewed: Reviewed) -> None:
        self.shown = reviewed
        report = reviewed.report
        self.compliance.sheet_model.set_sheet(compliance_sheet(report))
        self.goals.sheet_model.set_sheet(goals_sheet(report.goals, f"Goals {report.period.label}"))
        self.late.sheet_model.set_sheet(late_sheet(reviewed.late,
                                                   f"Late time {report.period.label}"))
        self.compliance.fit_columns(180, wide=2)
        self.goals.fit_columns(260, wide=1)
        self.late.fit_columns(300)
        self.heat_map.set_grid(heat_map_of(
            report.grid.counts, f"Breaches by weekday and hour of their due time, "
            f"{report.period.label} ({report.grid.total})"))
        chosen = self.trend_goal.currentData()
        self.trend_goal.blockSignals(True)
        self.trend_goal.clear()
        for index, trend in enumerate(reviewed.trends):
            name = trend.months[-1].vendor_name if trend.months else trend.vendor
            self.trend_goal.addItem(f"{name}: {trend.description}", index)
        self.trend_goal.setCurrentIndex(max(self.trend_goal.findData(chosen), 0))
        self.trend_goal.blockSignals(False)
        self._show_trend()
        logged, breached = report.logged, sum(row.breached for row in report.rows)
        self.status.setText(
            f"{report.period.label}: {plural(logged, 'incident')} logged, "
            f"{plural(breached, 'target')} breached; "
            f"read at {report.now.astimezone(self.station.display.office_zone):%H:%M}. "
            "Still running targets are shown apart, never counted as met or missed.")
        self.notes.setText("\n\n".join(report.notes) or "No notes for this period.")
        self.tabs.setTabText(self.tabs.indexOf(self.notes_page), f"&Notes ({len(report.notes)})")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(self.current_sheet() is not None)
        self.scorecard_button.setEnabled(self.shown is not None)

    def _show_trend(self) -> None:
        trend = self.chosen_trend()
        self.trend.set_data(None if trend is None else trend_of(
            trend.description, trend.percent,
            [(month.period.label, month.achievement) for month in trend.months]))

    def chosen_trend(self) -> GoalTrend | None:
        index = self.trend_goal.currentData()
        if self.shown is None or not isinstance(index, int) \
                or not 0 <= index < len(self.shown.trends):
            return None
        return self.shown.trends[index]

    # ----- drilling down ------------------------------------------------------------------

    def list_incidents(self, heading: str, numbers: tuple[int, ...]) -> None:
        """List the incidents behind a figure; their titles follow from the background."""
        self.incidents.show_numbers(heading, numbers)
        desk = self.station.desk
        keys = self.incidents.keys()[:TITLES_AT_MOST]
        if desk is None or not keys:
            return
        shown = self.incidents.numbers
        self.station.tasks.run(
            lambda: incident_titles(desk, keys),
            lambda titles: self.incidents.add_titles(titles)
            if self.incidents.numbers == shown else None)

    def _heat_picked(self, day: int, hour: int) -> None:
        if self.shown is not None:
            self.list_incidents(heat_heading(day, hour),
                                self.shown.report.grid.numbers.get((day, hour), ()))

    def _trend_picked(self, index: int) -> None:
        trend = self.chosen_trend()
        if trend is not None and 0 <= index < len(trend.months):
            month = trend.months[index]
            self.list_incidents(
                f"{trend.description}, {month.period.label} (met, missed, still running)",
                (*month.met_numbers, *month.breached_numbers, *month.running_numbers,
                 *month.pending_numbers))

    # ----- exporting ------------------------------------------------------------------------

    def current_sheet(self) -> Sheet | None:
        table = self.tabs.currentWidget()
        if isinstance(table, SheetTable) and self.shown is not None:
            return table.sheet_model.sheet
        return None

    def export_csv(self, path: str | None = None) -> bool:
        """The table shown, as CSV (asks where unless ``path`` is given)."""
        sheet = self.current_sheet()
        if sheet is None:
            self.status.setText("Pick the compliance, goals or late time table to export it.")
            return False
        if path is None:
            name = sheet.title.lower().replace(" ", "-") + ".csv"
            path = ask_csv_path(self, f"Export {sheet.title}", name)
            if path is None:
                return False
        try:
            write_sheet(path, sheet)
        except InputError as error:
            self.status.setText(str(error))
            return False
        self.status.setText(f"Wrote {sheet.title} to {path}")
        return True

    def save_scorecard(self, path: str | None = None) -> None:
        """The PDF scorecard of what is shown; gathered and written in the background."""
        desk, shown = self.station.desk, self.shown
        if desk is None or shown is None:
            return
        if path is None:
            label = shown.report.period.label.replace(" ", "")
            vendor = self.chosen_vendor() or "all"
            path, _ = QFileDialog.getSaveFileName(self, "Save the vendor scorecard",
                                                  f"scorecard-{vendor}-{label}.pdf",
                                                  "PDF files (*.pdf)")
            if not path:
                return
        target = path if path.lower().endswith(".pdf") else path + ".pdf"
        self.status.setText(f"Writing the scorecard to {target}…")
        self.scorecard_button.setEnabled(False)

        def make() -> int:
            return save_pdf(gather(desk, shown.report, shown.late, shown.trends), target)

        def done(pages: int) -> None:
            self.scorecard_button.setEnabled(True)
            self.status.setText(f"Wrote the scorecard ({pages} pages) to {target}")

        def failed(error: Exception) -> None:
            self.scorecard_button.setEnabled(True)
            self.status.setText(f"Could not write the scorecard: {error}")

        self.station.tasks.run(make, done, failed)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._token += 1  # results still coming are dropped
        super().closeEvent(event)
