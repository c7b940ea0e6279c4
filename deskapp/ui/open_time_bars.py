"""A calendar's open time over the next days as horizontal bars: one row a day, 0 to 24 h."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from deskapp.core.open_hours import MINUTES_PER_DAY, OpenInterval

OPEN = QColor("#2e7d32")
CLOSED = QColor("#eceff1")
GRID = QColor("#90a4ae")
TEXT = QColor("#37474f")
LABEL_WIDTH = 78
ROW_HEIGHT = 14
AXIS_HEIGHT = 16

Interval = tuple[datetime, datetime]


def day_pieces(intervals: Sequence[Interval], zone: ZoneInfo, first: date, days: int
               ) -> list[list[tuple[float, float]]]:
    """Each day's open hours as (from, to) in hours after local midnight, the intervals cut
    at midnight (an overnight interval shows on both days)."""
    found: list[list[tuple[float, float]]] = [[] for _ in range(days)]
    for start, end in intervals:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        day = local_start.date()
        while day <= local_end.date():
            number = (day - first).days
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            following = midnight + timedelta(days=1)
            opens = max(local_start, midnight)
            closes = min(local_end, following)
            if 0 <= number < days and closes > opens:
                found[number].append((_hours(midnight, opens), _hours(midnight, closes)))
            day += timedelta(days=1)
    return found


def _hours(midnight: datetime, moment: datetime) -> float:
    # Wall-clock hours: a day of a clock change still spans 0 to 24 on the bar.
    return min((moment.replace(tzinfo=None) - midnight.replace(tzinfo=None))
               .total_seconds() / 3600, 24.0)


def draw_open_time(painter: QPainter, area: QRect, intervals: Sequence[Interval],
                   zone: ZoneInfo, first: date, days: int) -> None:
    """The bars in ``area``: a row per day from ``first``, hour lines every 6 hours."""
    painter.save()
    chart = QRectF(area.left() + LABEL_WIDTH, area.top() + AXIS_HEIGHT,
                   max(area.width() - LABEL_WIDTH - 12, 10), ROW_HEIGHT * days)
    per_hour = chart.width() / 24
    painter.setPen(GRID)
    for hour in range(0, 25, 6):
        x = chart.left() + hour * per_hour
        painter.drawText(QRectF(x - 20, area.top(), 40, AXIS_HEIGHT),
                         int(Qt.AlignmentFlag.AlignCenter), f"{hour:02d}")
    for number, pieces in enumerate(day_pieces(intervals, zone, first, days)):
        top = chart.top() + number * ROW_HEIGHT
        day = first + timedelta(days=number)
        painter.setPen(TEXT)
        painter.drawText(QRectF(area.left(), top, LABEL_WIDTH - 6, ROW_HEIGHT),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         f"{day:%a %d %b}")
        row = QRectF(chart.left(), top + 2, chart.width(), ROW_HEIGHT - 4)
        painter.fillRect(row, CLOSED)
        for opens, closes in pieces:
            painter.fillRect(QRectF(chart.left() + opens * per_hour, row.top(),
                                    (closes - opens) * per_hour, row.height()), OPEN)
    painter.setPen(GRID)
    for hour in range(0, 25, 6):
        x = chart.left() + hour * per_hour
        painter.drawLine(int(x), int(chart.top()), int(x), int(chart.bottom()))
    painter.restore()


def week_pieces(weekly: Sequence[Sequence[OpenInterval]]) -> list[list[tuple[float, float]]]:
    """Each weekday's open hours (Monday first) as a week's bars show them: an overnight
    interval shows until midnight and again the next morning."""
    found: list[list[tuple[float, float]]] = [[] for _ in range(7)]
    for number, intervals in enumerate(weekly):
        for interval in intervals:
            found[number].append((interval.start / 60, min(interval.end, MINUTES_PER_DAY) / 60))
            if interval.overnight:
                found[(number + 1) % 7].append((0.0, (interval.end - MINUTES_PER_DAY) / 60))
    return [sorted(pieces) for pieces in found]


class DayBar(QWidget):
    """One weekday's open hours as a thin bar, 0 to 24 h, beside the day's intervals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pieces: list[tuple[float, float]] = []
        self.setFixedSize(120, 14)

    def show_pieces(self, pieces: Sequence[tuple[float, float]]) -> None:
        self.pieces = list(pieces)
        self.setToolTip(", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in self.pieces)
                        or "closed")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), CLOSED)
        per_hour = self.width() / 24
        for opens, closes in self.pieces:
            painter.fillRect(QRectF(opens * per_hour, 0, (closes - opens) * per_hour,
                                    self.height()), OPEN)
        painter.setPen(GRID)
        for hour in (6, 12, 18):
            painter.drawLine(int(hour * per_hour), 0, int(hour * per_hour), self.height())
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class OpenTimeBars(QWidget):
    """One calendar's open time, a bar per day in the calendar's own zone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intervals: tuple[Interval, ...] = ()
        self.zone = ZoneInfo("UTC")
        self.first = date.today()
        self.days = 14
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(260)

    def show_open_time(self, intervals: Sequence[Interval], zone: str, now: datetime,
                       days: int = 14) -> None:
        self.intervals = tuple(intervals)
        self.zone = ZoneInfo(zone)
        self.first = now.astimezone(self.zone).date()
        self.days = days
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, AXIS_HEIGHT + ROW_HEIGHT * self.days + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        draw_open_time(painter, self.rect(), self.intervals, self.zone, self.first, self.days)
        painter.end()
