"""A vendor scorecard as a PDF, usable as evidence in a service-credit claim.

The period's figures against each goal, the goals' monthly trend and the breaches by weekday
and hour (drawn by the window's own chart functions), and every breached incident with its
timeline and the explanation of each missed due time.

Gathering reads the database (``gather``, off the UI thread); ``write_pdf`` draws with
QPdfWriter and QTextDocument and needs a QGuiApplication (``gui_application`` makes one, on
Qt's offscreen platform when no display is there, for the command line).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from deskapp.app.changes import ids_of
from deskapp.app.desk import Desk
from deskapp.app.views import detail_items
from deskapp.core.errors import InputError
from deskapp.core.goals import GoalState, GoalTrend
from deskapp.core.keys import incident_key
from deskapp.core.review import ComplianceReport, LateTime
from deskapp.ui.charts import HeatMap, Trend, draw_heat_map, draw_trend, paper_palette
from deskapp.ui.explain import clock_explanation
from deskapp.ui.review_tables import Sheet, compliance_sheet, goals_sheet, late_sheet

RESOLUTION = 300  # dots per inch: sharp text, quick to write
TREND_MONTHS = 12


class ReviewLike(Protocol):
    """What ``deskapp report`` hands each format's writer."""

    desk: Desk
    report: ComplianceReport
    late: dict[str, LateTime]


@dataclass(frozen=True)
class Missed:
    """One missed target of a breached incident: its name and why it was due when it was."""

    name: str
    explanation: str


@dataclass(frozen=True)
class Evidence:
    """A breached incident as a claim needs it: who, what, its timeline and each miss."""

    key: str
    title: str
    vendor_name: str
    severity: str
    status: str
    reported: str
    timeline: tuple[str, ...]
    missed: tuple[Missed, ...]


@dataclass(frozen=True)
class Scorecard:
    """Everything the PDF shows, read from the desk at ``report.now``."""

    report: ComplianceReport
    late: tuple[LateTime, ...]
    trends: tuple[GoalTrend, ...]
    evidence: tuple[Evidence, ...]
    office_zone: str


def gather(desk: Desk, report: ComplianceReport, late: Sequence[LateTime],
           trends: Sequence[GoalTrend] | None = None) -> Scorecard:
    """Read the breached incidents' timelines and explanations (the slow part)."""
    now = report.now
    vendor = report.vendors[0] if len(report.vendors) == 1 else None
    if trends is None:
        trends = desk.goal_trend(TREND_MONTHS, vendor, now=now) if report.vendors else ()
    missed: dict[int, set[str]] = {}
    for row in report.rows:
        for number in row.breached_numbers:
            missed.setdefault(number, set()).add(row.metric)
    agreements = desk.agreements()
    office = ZoneInfo(desk.office.zone)
    evidence = []
    for number in sorted(missed):
        view = desk.show(incident_key(number), now)
        agreement = agreements.get(view.vendor)
        names = {m.key: m.name for m in agreement.metrics} if agreement is not None else {}
        zone = ZoneInfo(view.site_zone) if view.site_zone else office
        timeline = tuple(
            f"{event.at.astimezone(office):%Y-%m-%d %H:%M %Z}  {event.author}  "
            f"{event.kind.value}" + ("  (" + "; ".join(f"{k}: {v}" for k, v in
                                                       detail_items(event.data)) + ")"
                                     if event.data else "")
            for event in view.events)
        explained = tuple(
            Missed(names.get(state.metric, state.metric),
                   clock_explanation(state.clock, agreement, view.events, office, now))
            for state in view.clocks if state.metric in missed[number])
        evidence.append(Evidence(view.key, view.title, view.vendor_name, view.severity,
                                 view.status.value,
                                 f"{view.reported_at.astimezone(zone):%a %Y-%m-%d %H:%M %Z}",
                                 timeline, explained))
    return Scorecard(report, tuple(late), tuple(trends), tuple(evidence), office.key)


def incident_titles(desk: Desk, keys: Sequence[str]) -> dict[str, str]:
    """The titles of these incidents, by key (one read of their queue lines)."""
    ids = ids_of(desk, keys)
    rows = desk.queue_rows(list(ids.values()))
    return {row.key: row.title for row in rows.values()}


# ----- the HTML the text pages are made of -------------------------------------------------

STYLE = """
body { font-family: sans-serif; font-size: 9pt; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 14px; } h3 { font-size: 10pt; }
table { border-collapse: collapse; }
th { background: #e8e8e8; text-align: left; }
td.n, th.n { text-align: right; }
pre { font-family: monospace; font-size: 7.5pt; }
table { font-size: 8pt; }
"""


def sheet_html(sheet: Sheet, skip: Sequence[int] = ()) -> str:
    if not sheet.rows:
        return "<p>None in this period.</p>"
    columns = [i for i in range(len(sheet.header)) if i not in skip]
    head = "".join(f"<th{' class=n' if i in sheet.numeric else ''}>"
                   f"{escape(sheet.header[i])}</th>" for i in columns)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in sheet.numeric else ''}>"
                         f"{escape(row[i].text)}</td>" for i in columns) + "</tr>"
        for row in sheet.rows)
    return (f"<table border=1 cellspacing=0 cellpadding=3 width=100%><tr>{head}</tr>"
            f"{body}</table>")


# Short column names for a page's width.
PRINTED = {"Severity": "Sev.", "Still running": "Running", "Not started": "Pending",
           "Difference": "Diff.", "90th percentile": "P90", "Logged": "Logged"}


def _vendor_names(report: ComplianceReport) -> str:
    names = {row.vendor: row.vendor_name for row in report.rows}
    return ", ".join(names.get(vendor, vendor) for vendor in report.vendors)


def summary_html(card: Scorecard) -> str:
    report = card.report
    parts = [f"<html><head><style>{STYLE}</style></head><body>",
             f"<h1>Vendor scorecard: {escape(_vendor_names(report))}, "
             f"{escape(report.period.label)}</h1>",
             f"<p>Read at {report.now:%Y-%m-%d %H:%M} UTC. Each vendor's period is read in "
             "its own zone. An incident counts in the period it was reported in, under its "
             "severity now. Targets still running are shown apart and never counted as met "
             "or missed; times to target are business time (median and 90th percentile of "
             "the answered ones).</p>",
             "<h2>Goals</h2>", sheet_html(goals_sheet(report.goals, "Goals"), skip=(10,)),
             "<ul>" + "".join(f"<li><b>{escape(goal.vendor_name)}, "
                              f"{escape(goal.description)}</b>: {escape(goal.wording)}</li>"
                              for goal in report.goals) + "</ul>",
             "<h2>Compliance per severity and target</h2>"]
    for vendor in report.vendors:
        rows = report.rows_of(vendor)
        name = rows[0].vendor_name if rows else vendor
        start = report.period.start(ZoneInfo(report.zones[vendor]))
        end = report.period.end(ZoneInfo(report.zones[vendor]))
        zone = ZoneInfo(report.zones[vendor])
        parts.append(f"<h3>{escape(name)} ({escape(report.zones[vendor])}: "
                     f"{start.astimezone(zone):%Y-%m-%d %H:%M} to "
                     f"{end.astimezone(zone):%Y-%m-%d %H:%M})</h3>")
        sheet = compliance_sheet(replace(report, rows=rows))
        printed = replace(sheet, header=tuple(PRINTED.get(h, h) for h in sheet.header))
        parts.append(sheet_html(printed, skip=(0,)))
    parts += ["<h2>Where the breached targets' time went</h2>",
              sheet_html(late_sheet(card.late, "Late time"))]
    if report.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{escape(note)}</li>"
                                                    for note in report.notes) + "</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def evidence_html(card: Scorecard) -> str:
    parts = [f"<html><head><style>{STYLE}</style></head><body>",
             f"<h1>Breached incidents ({len(card.evidence)})</h1>",
             "<p>Each incident's timeline (office time, "
             f"{escape(card.office_zone)}) and, for each target it missed, how its due time "
             "was reached (<i>Why this time?</i>).</p>"]
    if not card.evidence:
        parts.append("<p>No target was breached in this period.</p>")
    for found in card.evidence:
        parts.append(
            f"<h2>{escape(found.key)}: {escape(found.title)}</h2>"
            f"<p>{escape(found.vendor_name)}, severity {escape(found.severity)}, "
            f"{escape(found.status)}; reported {escape(found.reported)}. Missed: "
            f"{escape(', '.join(m.name for m in found.missed))}.</p>"
            "<h3>Timeline</h3><pre>" + escape("\n".join(found.timeline)) + "</pre>")
        for missed in found.missed:
            parts.append(f"<h3>Why this time? {escape(missed.name)}</h3>"
                         f"<pre>{escape(missed.explanation)}</pre>")
    parts.append("</body></html>")
    return "".join(parts)


# ----- the PDF -----------------------------------------------------------------------------


def gui_application() -> QCoreApplication:
    """The running application, else a QGuiApplication (offscreen without a display)."""
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    # Without a display (a server, a cron job) Linux has no window system to connect to;
    # macOS and Windows always have one.
    if sys.platform.startswith("linux") and not (
            os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(["deskapp"])


class _Pages:
    """The PDF's pages as they are drawn: each with the scorecard's name and its number at
    the foot; ``body`` is the room above the foot."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, name: str) -> None:
        self.writer = writer
        self.painter = painter
        self.name = name
        self.count = 0
        width, height = float(writer.width()), float(writer.height())
        foot = height * 0.03
        self.body = QRectF(0, 0, width, height - foot)
        self.foot = QRectF(0, height - foot * 0.8, width, foot * 0.8)

    def new(self) -> None:
        if self.count:
            self.writer.newPage()
        self.count += 1
        painter = self.painter
        painter.save()
        font = QFont("sans-serif")
        font.setPointSizeF(7.5)
        painter.setFont(font)
        painter.setPen(QColor("#444444"))
        painter.drawText(self.foot, int(Qt.AlignmentFlag.AlignLeft
                                        | Qt.AlignmentFlag.AlignBottom), self.name)
        painter.drawText(self.foot, int(Qt.AlignmentFlag.AlignRight
                                        | Qt.AlignmentFlag.AlignBottom), f"page {self.count}")
        painter.restore()


def _text_pages(pages: _Pages, html: str) -> None:
    """Lay ``html`` out on the pages' body and paint it page by page."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(pages.writer)
    font = QFont("sans-serif")
    font.setPointSizeF(9)
    document.setDefaultFont(font)
    body = pages.body
    document.setPageSize(QSizeF(body.width(), body.height()))
    document.setHtml(html)
    painter = pages.painter
    for number in range(document.pageCount()):
        pages.new()
        painter.save()
        painter.translate(0, -number * body.height())
        document.drawContents(painter, QRectF(0, number * body.height(), body.width(),
                                              body.height()))
        painter.restore()


def _trend(trend: GoalTrend) -> Trend:
    name = trend.months[-1].vendor_name if trend.months else trend.vendor
    return Trend(tuple((month.period.label, month.achievement) for month in trend.months),
                 trend.percent, f"{name}: {trend.description}")


def _measured(trend: GoalTrend) -> bool:
    return any(month.state is not GoalState.NOT_MEASURED for month in trend.months)


def _chart_pages(pages: _Pages, card: Scorecard) -> None:
    """The heat map at the top of a page, then the measured goals' trends two by two."""
    palette = paper_palette()
    painter, body = pages.painter, pages.body
    gap = body.height() * 0.02
    pages.new()
    heat = QRectF(0, 0, body.width(), body.height() * 0.3)
    draw_heat_map(painter, heat, HeatMap(card.report.grid.counts, (
        f"Breaches by weekday and hour of their due time, {card.report.period.label} "
        "(each vendor's own time)")), palette)
    top = heat.bottom() + gap
    chart_height = body.height() * 0.22
    column_width = (body.width() - gap) / 2
    trends = [trend for trend in card.trends if _measured(trend)]
    for index, trend in enumerate(trends):
        column = index % 2
        if column == 0 and top + chart_height > body.height():
            pages.new()
            top = 0.0
        draw_trend(painter, QRectF(column * (column_width + gap), top, column_width,
                                   chart_height), _trend(trend), palette)
        if column == 1 or index == len(trends) - 1:
            top += chart_height + gap


def write_pdf(card: Scorecard, device: QIODevice | str) -> int:
    """Write the scorecard to a file name or an open device; returns the number of pages."""
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    title = f"Vendor scorecard {card.report.period.label}"
    writer.setTitle(title)
    writer.setCreator("deskapp")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 12)))
    painter = QPainter()
    if not painter.begin(writer):
        raise InputError("the PDF could not be started")
    try:
        pages = _Pages(writer, painter, f"{title}: {_vendor_names(card.report)}")
        _text_pages(pages, summary_html(card))
        _chart_pages(pages, card)
        _text_pages(pages, evidence_html(card))
    finally:
        painter.end()
    return pages.count


def pdf_bytes(card: Scorecard) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    write_pdf(card, buffer)
    buffer.close()
    return bytes(data.data())


def save_pdf(card: Scorecard, path: str | Path) -> int:
    """Write the PDF whole or not at all (a temporary file renamed over ``path``); returns
    the number of pages."""
    target = Path(path)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = write_pdf(card, buffer)
    buffer.close()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".deskapp-",
                                             suffix=".pdf")
    except OSError as error:
        raise InputError(f"{str(target)!r} cannot be written: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(bytes(data.data()))
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{str(target)!r} cannot be written: {error.strerror}") from None
    return pages


def scorecard_pdf(review: ReviewLike) -> bytes:
    """``deskapp report --format pdf``: the report's scorecard as the bytes of a PDF."""
    gui_application()
    late = tuple(review.late[vendor] for vendor in review.report.vendors
                 if vendor in review.late)
    return pdf_bytes(gather(review.desk, review.report, late))
