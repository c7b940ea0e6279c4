"""The selected incident: its fields, an SLA panel with live countdowns, and its timeline."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.app.views import IncidentView, detail_items
from deskapp.core.clocks import TargetState
from deskapp.core.lifecycle import Event, EventKind
from deskapp.core.wording import moment_label
from deskapp.ui.countdown import countdown, tooltip
from deskapp.ui.explain import clock_explanation
from deskapp.ui.queue_model import Display
from deskapp.ui.screen_fit import fit_on_screen
from deskapp.ui.style import look_style

NOT_IN_VIEW = ("Not in this view: the incident stays here, and the actions apply to it, "
               "until you pick another one in the queue.")


class ExplanationDialog(QDialog):
    """"Why this time?" as plain text: every interval counted, every day or pause skipped."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit()
        self.text.setObjectName("explanation")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        metrics = self.text.fontMetrics()
        widest = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
        fit_on_screen(self, QSize(min(max(widest + 80, 520), 1300), min(max(
            metrics.lineSpacing() * (text.count("\n") + 4) + 90, 300), 820)))


class DetailPane(QWidget):
    """Shows one IncidentView; ``tick(now)`` moves its countdowns without the database."""

    explanation_opened = Signal(object)

    def __init__(self, display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.display = display
        self.incident: IncidentView | None = None
        self.now: datetime | None = None
        self.explanation: ExplanationDialog | None = None

        self.title = QLabel("No incident selected")
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.not_in_view = QLabel(NOT_IN_VIEW)
        self.not_in_view.setObjectName("notInView")
        self.not_in_view.setWordWrap(True)
        self.not_in_view.setStyleSheet(
            "background: #fff4ce; color: #5c4400; padding: 2px 6px; border-radius: 3px;")
        self.not_in_view.hide()
        self.subtitle = QLabel("Select an incident in the queue, or log a new one (Ctrl+N).")
        self.subtitle.setObjectName("detailSubtitle")
        self.subtitle.setWordWrap(True)

        self.sla = QGroupBox("SLA targets")
        self.sla_grid = QGridLayout(self.sla)
        self.sla_grid.setHorizontalSpacing(14)
        self._sla_rows: list[tuple[str, QLabel, QLabel]] = []

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["When", "Who", "What", "Details"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setUniformRowHeights(True)
        header = self.timeline.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.fields = QWidget()
        self.fields_form = QFormLayout(self.fields)
        self.fields_form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "&Timeline")
        fields_scroll = QScrollArea()
        fields_scroll.setWidget(self.fields)
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(fields_scroll, "&Fields")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.not_in_view)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.sla)
        layout.addWidget(self.tabs, 1)
        self.sla.hide()
        self.tabs.hide()

    # ----- showing ----------------------------------------------------------------------

    def clear(self) -> None:
        self.incident = None
        self.not_in_view.hide()
        self.title.setText("No incident selected")
        self.subtitle.setText("Select an incident in the queue, or log a new one (Ctrl+N).")
        self.sla.hide()
        self.tabs.hide()

    def set_not_in_view(self, outside: bool) -> None:
        """Say that the incident shown is not a line of the queue's view (or no more)."""
        self.not_in_view.setVisible(outside and self.incident is not None)

    def show_incident(self, incident: IncidentView, now: datetime) -> None:
        self.incident = incident
        self.now = now
        agreement = self.display.agreements.get(incident.vendor)
        severity_name = ""
        if agreement is not None:
            try:
                severity_name = agreement.severity(incident.severity).name
            except ValueError:
                severity_name = ""
        self.title.setText(f"{incident.key}  {incident.title}")
        assigned = f"assigned to {incident.assignee}" if incident.assignee else "unassigned"
        self.subtitle.setText(
            f"{incident.vendor_name} · {incident.product} · severity {incident.severity}"
            f"{f' ({severity_name})' if severity_name else ''} · tier {incident.tier} · "
            f"{incident.status.value} · {assigned} · version {incident.version}")
        self._fill_fields(incident, severity_name)
        self._fill_timeline(incident.events)
        self._build_sla(incident)
        self.tick(now)
        self.sla.show()
        self.tabs.show()

    def _fill_fields(self, incident: IncidentView, severity_name: str) -> None:
        form = self.fields_form
        while form.rowCount():
            form.removeRow(0)
        zone = self.display.office_zone

        def when(moment: datetime | None) -> str:
            return moment_label(moment, zone) if moment is not None else ""

        site = incident.site_zone or "office"
        if incident.site_country:
            site += f", {incident.site_country}"
        rows = [
            ("Vendor", incident.vendor_name),
            ("Product", incident.product),
            ("Severity", f"{incident.severity} {severity_name}".strip()),
            ("Tier", incident.tier),
            ("Status", incident.status.value),
            ("Assignee", incident.assignee or "unassigned"),
            ("Reporter", incident.reporter),
            ("Contact", incident.contact),
            ("Channel", incident.channel),
            ("Client site", site),
            ("Vendor ref.", incident.vendor_ref or ""),
            ("Category", incident.category or ""),
            ("Filing deadline", when(incident.filing_deadline)),
            ("Agreed due", when(incident.agreed_due)),
            ("Resolution", incident.resolution_type or ""),
            ("Reported", when(incident.reported_at)),
            ("Updated", f"{when(incident.updated_at)} by {incident.updated_by}"),
            ("Agreement", f"{incident.vendor_name} {incident.agreement_version}"),
        ]
        for label, value in rows:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, shown)
        self.description = QLabel(incident.description or "(no description)")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Description", self.description)

    def _fill_timeline(self, events: tuple[Event, ...]) -> None:
        """Newest first: what just happened is the first line, without scrolling."""
        self.timeline.clear()
        zone = self.display.office_zone
        for event in reversed(events):
            item = QTreeWidgetItem([
                moment_label(event.at, zone, weekday=True), event.author,
                event.kind.value, event_details(event)])
            item.setToolTip(3, event_details(event))
            self.timeline.addTopLevelItem(item)
        self.timeline.scrollToTop()

    def _build_sla(self, incident: IncidentView) -> None:
        grid = self.sla_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._sla_rows = []
        for column, heading in enumerate(["Target", "Left", "State", "Due (vendor)",
                                          "Due (office)", ""]):
            label = QLabel(f"<b>{heading}</b>")
            grid.addWidget(label, 0, column)
        office = self.display.office_zone
        if not incident.clocks:
            grid.addWidget(QLabel("This severity has no targets."), 1, 0, 1, 6)
        for row, state in enumerate(incident.clocks, start=1):
            metric = state.metric
            name = self.display.metric_name(incident.vendor, metric)
            target = escape(state.clock.target.describe())
            grid.addWidget(QLabel(f"{escape(name)}<br><small>{target}</small>"), row, 0)
            left = QLabel()
            left.setObjectName(f"left_{metric}")
            status = QLabel()
            grid.addWidget(left, row, 1)
            grid.addWidget(status, row, 2)
            vendor_due = QLabel()
            office_due = QLabel()
            if state.due is not None:
                vendor_due.setText(moment_label(state.due, state.clock.calendar.zone))
                office_due.setText(moment_label(state.due, office))
            else:
                vendor_due.setText(state.clock.note or "not started")
            grid.addWidget(vendor_due, row, 3)
            grid.addWidget(office_due, row, 4)
            why = QPushButton("Why this time?")
            why.setObjectName(f"why_{metric}")
            why.setEnabled(state.due is not None)
            why.clicked.connect(lambda _=False, m=metric: self.explain(m))
            grid.addWidget(why, row, 5)
            self._sla_rows.append((metric, left, status))
        grid.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding), 0, 6)
        grid.setColumnStretch(6, 1)

    def tick(self, now: datetime) -> None:
        self.now = now
        incident = self.incident
        if incident is None:
            return
        states = {s.metric: s.clock.at(now) for s in incident.clocks}
        for metric, left, status in self._sla_rows:
            state = states.get(metric)
            shown = countdown(state, self.display.warn_seconds)
            left.setText(shown.text)
            if status.text() != shown.look.value:  # restyling every second costs a relayout
                left.setStyleSheet(look_style(shown.look))
                status.setText(shown.look.value)
            if state is not None:
                left.setToolTip(tooltip(state.clock, state,
                                        self.display.metric_name(incident.vendor, metric),
                                        self.display.office_zone, now))

    def state_of(self, metric: str) -> TargetState | None:
        if self.incident is None or self.now is None:
            return None
        found = next((s for s in self.incident.clocks if s.metric == metric), None)
        return found.clock.at(self.now) if found is not None else None

    def left_text(self, metric: str) -> str:
        found = next((left for m, left, _ in self._sla_rows if m == metric), None)
        return found.text() if found is not None else ""

    def explanation_text(self, metric: str) -> str:
        incident = self.incident
        assert incident is not None and self.now is not None
        state = next(s for s in incident.clocks if s.metric == metric)
        return clock_explanation(state.clock, self.display.agreements.get(incident.vendor),
                                 incident.events, self.display.office_zone, self.now)

    def explain(self, metric: str) -> ExplanationDialog:
        incident = self.incident
        assert incident is not None
        name = self.display.metric_name(incident.vendor, metric)
        if self.explanation is not None:
            self.explanation.close()
        dialog = ExplanationDialog(f"Why this time? {incident.key} {name}",
                                   self.explanation_text(metric), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget_explanation)
        self.explanation = dialog
        dialog.show()
        self.explanation_opened.emit(dialog)
        return dialog

    def _forget_explanation(self) -> None:
        self.explanation = None


def event_details(event: Event) -> str:
    data = dict(event.data)
    kind = event.kind
    if kind is EventKind.CREATED:
        return f"severity {data.get('severity', '')}, tier {data.get('tier', '')}"
    if kind is EventKind.SEVERITY_CHANGED:
        return (f"{data.get('from', '?')} → {data.get('severity', '?')}: "
                f"{data.get('reason', '')}")
    if kind is EventKind.TIER_CHANGED:
        return f"{data.get('direction', '')} {data.get('from', '?')} → {data.get('tier', '?')}"
    if kind is EventKind.ASSIGNED:
        return f"to {data.get('assignee', '')}"
    if kind is EventKind.STATUS_CHANGED:
        text = data.get("status", "")
        return f"{text}: {data['text']}" if data.get("text") else text
    if kind is EventKind.RESOLVED:
        text = data.get("resolution_type", "")
        return f"{text}: {data['text']}" if data.get("text") else text
    if kind is EventKind.DUE_DATE_AGREED:
        return f"due {data.get('due', '')}"
    if kind is EventKind.REOPENED:
        return data.get("reason", "")
    if kind is EventKind.FIELDS_CHANGED:
        return ", ".join(f"{name}: {value}" for name, value in detail_items(data))
    return data.get("text", "")
