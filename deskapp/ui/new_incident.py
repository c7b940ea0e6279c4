"""Logging an incident: vendor, product, severity with the agreement beside, hints, due times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.preview import preview_due_times
from deskapp.app.sla import SlaService
from deskapp.app.views import IncidentDraft
from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import CHANNELS
from deskapp.core.errors import InputError
from deskapp.core.hints import intake_hints
from deskapp.core.sla import DueTime
from deskapp.core.wording import moment_label as moment_text
from deskapp.core.workflow import check_category, check_channel, waits_for_documentation
from deskapp.ui.detail import ExplanationDialog
from deskapp.ui.explain import due_time_explanation
from deskapp.ui.infobar import InfoBar
from deskapp.ui.moment_field import DateTimeField
from deskapp.ui.screen_fit import fit_on_screen


class NewIncidentDialog(QDialog):
    """Emits ``submitted`` with an IncidentDraft and the reported-at time (None: now)."""

    submitted = Signal(object, object)

    def __init__(self, agreements: dict[str, Agreement], sla: SlaService,
                 clock: Callable[[], datetime], me: str, users: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New incident")
        self.agreements = agreements
        self.sla = sla
        self.clock = clock
        self.zone = sla.office_zone
        self.busy = False
        self.explanation: ExplanationDialog | None = None
        self.previewed: dict[str, DueTime] = {}
        self._reported_touched = False
        now = clock()

        self.info = InfoBar()
        self.vendor = QComboBox()
        for agreement in sorted(agreements.values(), key=lambda a: a.name.lower()):
            self.vendor.addItem(agreement.name, agreement.vendor)
        self.product = QComboBox()
        self.severity = QListWidget()
        self.tier = QComboBox()
        self.title = QLineEdit()
        self.title.setPlaceholderText("What is wrong, in a line")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(80)
        self.reporter = QLineEdit()
        self.contact = QLineEdit()
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(channel, channel)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.site_zone = QLineEdit()
        self.site_zone.setPlaceholderText(f"office ({self.zone.key})")
        self.site_country = QLineEdit()
        self.site_country.setPlaceholderText("office")
        self.site_country.setMaxLength(6)
        self.vendor_ref = QLineEdit()
        self.assignee = QComboBox()
        self.assignee.setEditable(True)
        self.assignee.addItems(sorted({*users, me}))
        self.assignee.setEditText(me)
        self.reported = DateTimeField(now, self.zone)
        now_button = QPushButton("N&ow")
        now_button.setToolTip("Reported just now")
        now_button.clicked.connect(self._reported_now)
        reported_row = QHBoxLayout()
        reported_row.addWidget(self.reported, 1)
        reported_row.addWidget(now_button)
        self.filing_deadline = DateTimeField(now + timedelta(hours=24), self.zone,
                                             optional="set")
        self.documentation = DateTimeField(now, self.zone, optional="complete at")
        self.documentation_label = QLabel("&Documentation")
        self.documentation_label.setBuddy(self.documentation.edit)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def add(text: str, field: QWidget, buddy: QWidget | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(buddy or field)
            form.addRow(label, field)

        add("&Vendor", self.vendor)
        add("&Product", self.product)
        add("&Severity", self.severity)
        add("T&ier", self.tier)
        add("&Title", self.title)
        add("D&escription", self.description)
        add("&Reported at", _wrap(reported_row), self.reported.edit)
        form.addRow(self.documentation_label, self.documentation)
        add("&Filing deadline", self.filing_deadline, self.filing_deadline.edit)
        add("C&hannel", self.channel)
        add("C&ategory", self.category)
        add("Reported &by", self.reporter)
        add("&Contact", self.contact)
        site_row = QHBoxLayout()
        site_row.addWidget(self.site_zone, 2)
        site_row.addWidget(self.site_country, 1)
        add("Clie&nt site", _wrap(site_row), self.site_zone)
        add("Vendor tic&ket", self.vendor_ref)
        add("Assi&gnee", self.assignee)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.definition = QTextBrowser()
        self.definition.setOpenExternalLinks(False)
        self.hints = QLabel()
        self.hints.setObjectName("hints")
        self.hints.setWordWrap(True)
        self.hints.hide()
        self.preview = QGroupBox("Due times if logged now")
        self.preview_grid = QGridLayout(self.preview)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.hints)
        right_layout.addWidget(self.preview)
        right_layout.addWidget(self.definition, 1)

        splitter = QSplitter()
        splitter.addWidget(scroll)
        right_scroll = QScrollArea()  # on a small screen the due times scroll, the form not
        right_scroll.setWidget(right)
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter.addWidget(right_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Log incident")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

        # One refresh per burst of edits, after the event loop has taken them all.
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self.update_preview)
        # While nobody has typed a reported-at time, it follows the clock.
        self._follow = QTimer(self)
        self._follow.setInterval(15_000)
        self._follow.timeout.connect(self._follow_clock)
        self._follow.start()

        self.vendor.currentIndexChanged.connect(self._vendor_changed)
        self.severity.currentRowChanged.connect(self._schedule)
        self.tier.currentIndexChanged.connect(self._schedule)
        self.channel.currentIndexChanged.connect(self._schedule)
        self.category.currentTextChanged.connect(self._schedule)
        self.site_zone.textChanged.connect(self._schedule)
        self.site_country.textChanged.connect(self._schedule)
        self.title.textChanged.connect(self._schedule)
        self.reported.edit.dateTimeChanged.connect(self._reported_edited)
        self.filing_deadline.changed.connect(self._schedule)
        self.documentation.changed.connect(self._schedule)
        self._vendor_changed()
        self.vendor_ref.setToolTip("The vendor's reference for this incident")
        self.vendor.setFocus()  # the first choice: everything else follows the vendor
        fit_on_screen(self, QSize(1180, 760))
        # The form first: on a small screen the agreement's text beside it gives way.
        scroll.setMinimumWidth(min(left.sizeHint().width() + 24, self.width() - 300))

    # ----- choices that follow the vendor ---------------------------------------------

    @property
    def agreement(self) -> Agreement:
        return self.agreements[str(self.vendor.currentData())]

    def _vendor_changed(self) -> None:
        agreement = self.agreement
        self.product.clear()
        for product in agreement.products:
            self.product.addItem(product, product)
        self.severity.clear()
        for severity in agreement.severities:
            item = QListWidgetItem(f"{severity.key}  {severity.name}")
            item.setData(Qt.ItemDataRole.UserRole, severity.key)
            self.severity.addItem(item)
        self.severity.setCurrentRow(len(agreement.severities) - 1)  # the mildest first
        rows = max(self.severity.count(), 1)
        self.severity.setFixedHeight(self.severity.sizeHintForRow(0) * rows
                                     + 2 * self.severity.frameWidth() + 4)
        self.tier.clear()
        for tier in agreement.tiers:
            self.tier.addItem(f"{tier.key}  {tier.name}", tier.key)
        self.category.clear()
        self.category.addItem("", "")
        for category in agreement.in_scope:
            self.category.addItem(category, category)
        for category in agreement.out_of_scope:
            self.category.addItem(f"{category} (out of scope)", category)
        uses_documentation = waits_for_documentation(agreement)
        self.documentation.setVisible(uses_documentation)
        self.documentation_label.setVisible(uses_documentation)
        channel = agreement.severities[-1].channels[:1] if agreement.severities else ()
        if channel:
            self.channel.setCurrentIndex(max(self.channel.findData(channel[0]), 0))
        self._schedule()

    def severity_key(self) -> str:
        item = self.severity.currentItem()
        if item is None:
            return self.agreement.severities[0].key
        return str(item.data(Qt.ItemDataRole.UserRole))

    def set_severity(self, key: str) -> None:
        for row in range(self.severity.count()):
            item = self.severity.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                self.severity.setCurrentRow(row)
                return
        raise InputError(f"{self.agreement.name} has no severity {key!r}")

    def set_vendor(self, vendor: str) -> None:
        self.vendor.setCurrentIndex(self.vendor.findData(vendor))

    def category_value(self) -> str:
        text = self.category.currentText().strip()
        position = self.category.findText(text)
        if position >= 0:
            return str(self.category.itemData(position) or "")
        return text

    # ----- reported-at time -------------------------------------------------------------

    def _reported_edited(self) -> None:
        if not self._following:
            self._reported_touched = True
        self._schedule()

    _following = False

    def _follow_clock(self) -> None:
        if not self._reported_touched:
            self._following = True
            try:
                self.reported.set_moment(self.clock())
            finally:
                self._following = False

    def _reported_now(self) -> None:
        self._reported_touched = False
        self._follow_clock()

    def reported_at(self) -> datetime | None:
        """None while the agent left the default: the incident is reported when logged."""
        return self.reported.moment() if self._reported_touched else None

    # ----- live preview -----------------------------------------------------------------

    def _schedule(self) -> None:
        self._refresh.start()

    def update_preview(self) -> None:
        agreement = self.agreement
        severity_key = self.severity_key()
        severity = agreement.severity(severity_key)
        reported = self.reported_at() or self.clock()
        documented = self.documentation.moment() if self.documentation.isVisible() else None
        self._show_definition(agreement, severity_key)
        channel, category = str(self.channel.currentData()), self.category_value()
        try:
            hints = intake_hints(agreement, severity_key, channel, category or None,
                                 self.filing_deadline.moment(), reported)
        except InputError as error:
            hints = [str(error)]
        # What logging would refuse, said while the agent types (the same checks).
        try:
            check_channel(channel)
            if category:
                check_category(agreement, category)
        except InputError as error:
            hints.append(str(error))
        self.hints.setText("\n".join(f"⚠ {hint}" for hint in hints))
        self.hints.setVisible(bool(hints))
        self._fill_preview(agreement, severity.key, reported, documented)

    def _show_definition(self, agreement: Agreement, severity_key: str) -> None:
        severity = agreement.severity(severity_key)
        parts = [f"<h3>{escape(agreement.name)} severity {escape(severity.key)}: "
                 f"{escape(severity.name)}</h3>", f"<p>{escape(severity.definition)}</p>"]
        if severity.examples:
            parts.append("<p><b>Examples</b></p><ul>"
                         + "".join(f"<li>{escape(e)}</li>" for e in severity.examples)
                         + "</ul>")
        if severity.channels:
            parts.append(f"<p><b>Report by:</b> {escape(', '.join(severity.channels))}</p>")
        tier_key = self.tier.currentData()
        tier = next((t for t in agreement.tiers if t.key == tier_key), None)
        if tier is not None:
            parts.append(f"<p><b>{escape(tier.name)}:</b> {escape(tier.description)}</p>")
        others = [s for s in agreement.severities if s.key != severity.key]
        if others:
            parts.append("<p><b>Other severities</b></p><ul>" + "".join(
                f"<li><b>{escape(s.key)} {escape(s.name)}</b>: {escape(s.definition)}</li>"
                for s in others) + "</ul>")
        if agreement.notes:
            parts.append("<p><b>Notes</b></p><ul>"
                         + "".join(f"<li>{escape(n)}</li>" for n in agreement.notes) + "</ul>")
        self.definition.setHtml("".join(parts))

    def _fill_preview(self, agreement: Agreement, severity: str, reported: datetime,
                      documented: datetime | None) -> None:
        grid = self.preview_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.previewed = {}
        try:
            lines = preview_due_times(
                self.sla, agreement, severity, reported,
                site_zone=self.site_zone.text().strip() or None,
                site_country=self.site_country.text().strip().upper() or None,
                documented=documented)
        except InputError as error:
            grid.addWidget(QLabel(str(error)), 0, 0)
            return
        for column, heading in enumerate(["Target", "", "Due (vendor)", "Due (office)", ""]):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for row, line in enumerate(lines, start=1):
            grid.addWidget(QLabel(line.name), row, 0)
            grid.addWidget(QLabel(line.target), row, 1)
            due = line.due
            if due is None:
                grid.addWidget(QLabel(line.note), row, 2, 1, 3)
                continue
            self.previewed[line.metric] = due
            vendor_due = QLabel(moment_text(due.due, due.calendar.zone))
            vendor_due.setObjectName(f"preview_{line.metric}")
            grid.addWidget(vendor_due, row, 2)
            grid.addWidget(QLabel(moment_text(due.due, self.zone)), row, 3)
            why = QPushButton("Why?")
            why.setObjectName(f"why_{line.metric}")
            why.clicked.connect(lambda _=False, m=line.metric: self.explain(m))
            grid.addWidget(why, row, 4)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

    def explain(self, metric: str) -> ExplanationDialog:
        due = self.previewed[metric]
        if self.explanation is not None:
            self.explanation.close()
        name = due.agreement.metric(metric).name
        self.explanation = ExplanationDialog(f"Why this time? {due.agreement.name} {name}",
                                             due_time_explanation(due, self.zone), self)
        self.explanation.show()
        return self.explanation

    # ----- submitting -------------------------------------------------------------------

    def draft(self) -> IncidentDraft:
        documented = self.documentation.moment() if self.documentation.isVisible() else None
        return IncidentDraft(
            vendor=str(self.vendor.currentData()), product=self.product.currentText(),
            title=self.title.text().strip(), severity=self.severity_key(),
            description=self.description.toPlainText().strip(),
            reporter=self.reporter.text().strip(), contact=self.contact.text().strip(),
            channel=str(self.channel.currentData()), tier=self.tier.currentData(),
            site_zone=self.site_zone.text().strip() or None,
            site_country=self.site_country.text().strip().upper() or None,
            vendor_ref=self.vendor_ref.text().strip() or None,
            category=self.category_value() or None,
            filing_deadline=self.filing_deadline.moment(),
            documentation_complete_at=documented,
            assignee=self.assignee.currentText().strip() or None)

    def submit(self) -> None:
        if self.busy:
            return
        if not self.title.text().strip():
            self.show_error("Give the incident a title: what is wrong, in a line.")
            self.title.setFocus()
            return
        self.set_busy(True)
        self.submitted.emit(self.draft(), self.reported_at())

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.info.show_message(message, "error")


def _wrap(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
