"""A window listing the loaded agreements: calendars, severities and targets."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from deskapp.core.agreement import Agreement


class AgreementsWindow(QMainWindow):
    """Vendors on the left; the selected agreement's calendars and targets on the right."""

    def __init__(self, agreements: dict[str, Agreement], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("deskapp: vendor agreements")
        self.agreements = agreements
        self.vendors = QTreeWidget()
        self.vendors.setHeaderLabels(["Vendor", "Version"])
        self.details = QTextBrowser()
        splitter = QSplitter()
        splitter.addWidget(self.vendors)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 3)
        self.setCentralWidget(splitter)
        for agreement in sorted(agreements.values(), key=lambda a: a.name.lower()):
            item = QTreeWidgetItem([agreement.name, agreement.version])
            item.setData(0, 256, agreement.vendor)  # Qt.UserRole
            self.vendors.addTopLevelItem(item)
        self.vendors.currentItemChanged.connect(self._show)
        first = self.vendors.topLevelItem(0)
        if first is not None:
            self.vendors.setCurrentItem(first)
        self.resize(1100, 700)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
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
