"""Charts drawn with QPainter: one drawing for the screen and for a PDF page.

``draw_trend`` (a goal's achievement month by month) and ``draw_heat_map`` (a count per
weekday and hour) paint into any QPainter: a widget's (``TrendChart``, ``HeatMapChart``), a
QImage's, or a QPdfWriter page's. Sizes follow the device's resolution and its fonts' point
sizes, so a PDF page at 1200 dpi gets the same drawing as a screen at 96. Colours come from
a palette (the application's unless given; ``paper_palette`` for print): readable on light
and on dark backgrounds, and never alone in saying something: a month below its goal is a
triangle, not a circle, and each shaded cell writes its count when it has room.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QWidget

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
SCALE_STEPS = 5  # shades shown in a heat map's scale


@dataclass(frozen=True)
class Trend:
    """A goal's achievement month by month: (month label, percent, or None when nothing
    was due that month), oldest first, and the goal in percent."""

    months: Sequence[tuple[str, float | None]]
    goal: float
    title: str = ""

    def below_goal(self, index: int) -> bool:
        value = self.months[index][1]
        return value is not None and value < self.goal


@dataclass(frozen=True)
class HeatMap:
    """A count for each hour of each weekday: seven rows, Monday first, of 24 hours."""

    counts: Sequence[Sequence[int]]
    title: str = ""

    def __post_init__(self) -> None:
        if len(self.counts) != len(DAYS) or any(len(row) != HOURS for row in self.counts):
            raise ValueError("a heat map has 7 rows (Monday first) of 24 hours")
        if any(count < 0 for row in self.counts for count in row):
            raise ValueError("a heat map counts: no negative counts")

    @property
    def largest(self) -> int:
        return max(max(row) for row in self.counts)


@dataclass(frozen=True)
class ChartColours:
    """The colours of a chart on one palette's background."""

    background: QColor
    text: QColor
    grid: QColor
    line: QColor
    breach: QColor
    shade: QColor  # a heat map's fullest cell; empty cells keep the background

    @classmethod
    def of(cls, palette: QPalette) -> ChartColours:
        background = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = background.lightnessF() < 0.5
        return cls(background=background, text=text, grid=mix(background, text, 0.25),
                   line=QColor("#79b0ff" if dark else "#1f5fa8"),
                   breach=QColor("#ff7b72" if dark else "#8b1a1a"),
                   shade=QColor("#9ccbff" if dark else "#0b3d91"))


def paper_palette() -> QPalette:
    """Black on white, whatever the screen's palette: for a printed or PDF page."""
    palette = QPalette(QColor("#f0f0f0"), QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    return palette


def mix(low: QColor, high: QColor, share: float) -> QColor:
    """``share`` of the way from ``low`` to ``high``."""
    return QColor.fromRgbF(low.redF() + (high.redF() - low.redF()) * share,
                           low.greenF() + (high.greenF() - low.greenF()) * share,
                           low.blueF() + (high.blueF() - low.blueF()) * share)


def shade_of(count: int, largest: int, colours: ChartColours) -> QColor | None:
    """A cell's fill: none for zero; the more counted, the further from the background."""
    if count <= 0 or largest <= 0:
        return None
    return mix(colours.background, colours.shade, 0.15 + 0.85 * count / largest)


# ----- measures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measures:
    """Lengths in the device's pixels: 1 unit is a pixel at 96 dpi."""

    unit: float
    font: QFont
    small: QFont
    bold: QFont
    metrics: QFontMetricsF
    small_metrics: QFontMetricsF

    @classmethod
    def of(cls, painter: QPainter) -> _Measures:
        device = painter.device()
        unit = max(device.logicalDpiY(), 1) / 96.0
        font = QFont(painter.font())
        small, bold = QFont(font), QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.85)
        else:
            small.setPixelSize(max(round(font.pixelSize() * 0.85), 1))
        bold.setBold(True)
        return cls(unit, font, small, bold, QFontMetricsF(font, device),
                   QFontMetricsF(small, device))


def _title_height(title: str, measures: _Measures) -> float:
    return measures.metrics.height() * 1.4 if title else 0.0


def _draw_title(painter: QPainter, area: QRectF, title: str, measures: _Measures,
                colours: ChartColours) -> None:
    if title:
        painter.setFont(measures.bold)
        painter.setPen(colours.text)
        shown = QFontMetricsF(measures.bold, painter.device()).elidedText(
            title, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(QRectF(area.left(), area.top(), area.width(),
                                measures.metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)


# ----- the monthly trend ------------------------------------------------------------------


@dataclass(frozen=True)
class _TrendLayout:
    plot: QRectF
    low: float
    high: float
    step: float
    legend_top: float

    def x(self, index: int, count: int) -> float:
        return self.plot.left() + (index + 0.5) * self.plot.width() / max(count, 1)

    def y(self, percent: float) -> float:
        share = (min(max(percent, self.low), self.high) - self.low) / (self.high - self.low)
        return self.plot.bottom() - share * self.plot.height()


def _percent_axis(data: Trend) -> tuple[float, float, float]:
    """The percent axis: from a round number under every value and the goal, to 100."""
    values = [value for _, value in data.months if value is not None] + [data.goal]
    lowest = max(min(min(values), 100.0), 0.0)
    span = 100.0 - lowest
    step = 5.0 if span <= 25 else 10.0 if span <= 55 else 20.0
    low = max(0.0, (int(lowest // step) - (1 if lowest % step == 0 else 0)) * step)
    low = min(low, 100.0 - step)
    return low, 100.0, step


def _trend_layout(rect: QRectF, data: Trend, measures: _Measures) -> _TrendLayout:
    unit, metrics = measures.unit, measures.small_metrics
    margin = 8 * unit
    area = rect.adjusted(margin, margin, -margin, -margin)
    top = area.top() + _title_height(data.title, measures)
    legend_top = top
    top += metrics.height() * 1.6  # the legend's line
    left = area.left() + metrics.horizontalAdvance("100%") + 6 * unit
    bottom = area.bottom() - metrics.height() - 6 * unit
    right = area.right() - 4 * unit
    # Room above the plot for the value over a point at 100%.
    plot = QRectF(QPointF(left, top + metrics.height() * 1.2 + 6 * unit),
                  QPointF(right, bottom))
    low, high, step = _percent_axis(data)
    return _TrendLayout(plot, low, high, step, legend_top)


def trend_points(painter: QPainter, rect: QRectF, data: Trend) -> list[QPointF | None]:
    """Where ``draw_trend`` puts each month's point (None: nothing was due that month)."""
    layout = _trend_layout(rect, data, _Measures.of(painter))
    count = len(data.months)
    return [None if value is None else QPointF(layout.x(index, count), layout.y(value))
            for index, (_, value) in enumerate(data.months)]


def _marker(painter: QPainter, centre: QPointF, radius: float, below: bool,
            colours: ChartColours) -> None:
    """A circle for a month at or above its goal; for one below, a triangle pointing down
    in the breach colour (the shape says it without the colour)."""
    painter.setPen(QPen(colours.background, radius * 0.35))
    if below:
        painter.setBrush(colours.breach)
        size = radius * 1.35
        painter.drawPolygon(QPolygonF([
            QPointF(centre.x() - size, centre.y() - size * 0.8),
            QPointF(centre.x() + size, centre.y() - size * 0.8),
            QPointF(centre.x(), centre.y() + size)]))
    else:
        painter.setBrush(colours.line)
        painter.drawEllipse(centre, radius, radius)


def draw_trend(painter: QPainter, rect: QRectF, data: Trend,
               palette: QPalette | None = None) -> None:
    """A goal's monthly achievement: a line with a point per month, the goal dashed, the
    months below it as triangles in the breach colour; a month with nothing due is a gap."""
    colours = ChartColours.of(palette or QGuiApplication.palette())
    measures = _Measures.of(painter)
    layout = _trend_layout(rect, data, measures)
    unit, plot, metrics = measures.unit, layout.plot, measures.small_metrics
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, colours.background)
    _draw_title(painter, rect.adjusted(8 * unit, 8 * unit, -8 * unit, 0), data.title,
                measures, colours)
    _draw_trend_legend(painter, plot.left(), plot.right(), layout.legend_top, data.goal,
                       measures, colours)

    # The percent axis and its grid.
    painter.setFont(measures.small)
    tick = layout.low
    while tick <= layout.high + 1e-9:
        y = layout.y(tick)
        painter.setPen(QPen(colours.grid, unit))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(colours.text)
        painter.drawText(QRectF(rect.left(), y - metrics.height() / 2,
                                plot.left() - rect.left() - 6 * unit, metrics.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{tick:g}%")
        tick += layout.step
    painter.setPen(QPen(colours.text, unit))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())

    # The months along the bottom, as many labels as fit.
    count = len(data.months)
    slot = plot.width() / max(count, 1)
    widest = max((metrics.horizontalAdvance(label) for label, _ in data.months), default=0.0)
    every = max(1, int((widest + 6 * unit) // max(slot, 1.0)) + 1)
    painter.setPen(colours.text)
    for index, (label, _) in enumerate(data.months):
        if index % every == 0:
            x = layout.x(index, count)
            painter.drawText(QRectF(x - slot * every / 2, plot.bottom() + 4 * unit,
                                    slot * every, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    # The goal, dashed, named at its right end.
    goal_y = layout.y(data.goal)
    painter.setPen(QPen(colours.text, 1.5 * unit, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(plot.left(), goal_y), QPointF(plot.right(), goal_y))

    # The line, broken where a month had nothing due, then the points over it.
    points = [None if value is None else QPointF(layout.x(index, count), layout.y(value))
              for index, (_, value) in enumerate(data.months)]
    painter.setPen(QPen(colours.line, 2 * unit))
    for first, second in pairwise(points):
        if first is not None and second is not None:
            painter.drawLine(first, second)
    radius = max(min(4.5 * unit, slot / 3), 2 * unit)
    value_room = slot >= metrics.horizontalAdvance("100.0%") + 2 * unit
    for index, point in enumerate(points):
        x = layout.x(index, count)
        if point is None:
            painter.setPen(colours.text)
            painter.drawText(QRectF(x - slot / 2, plot.bottom() - metrics.height() - 2 * unit,
                                    slot, metrics.height()), Qt.AlignmentFlag.AlignCenter,
                             "none due" if slot >= metrics.horizontalAdvance("none due")
                             else "\N{EN DASH}")
            continue
        below = data.below_goal(index)
        _marker(painter, point, radius, below, colours)
        if value_room:
            # Over the point, or under it when below the goal (clear of the goal's line).
            value = data.months[index][1]
            painter.setPen(colours.breach if below else colours.text)
            offset = radius + 3 * unit
            top = point.y() + offset if below else point.y() - offset - metrics.height()
            painter.drawText(QRectF(x - slot / 2, top, slot, metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, f"{value:.1f}%")
    painter.restore()


LEGEND = ("at or above the goal", "below the goal")
SHORT_LEGEND = ("on goal", "below")


def _draw_trend_legend(painter: QPainter, left: float, right: float, top: float, goal: float,
                       measures: _Measures, colours: ChartColours) -> None:
    unit, metrics = measures.unit, measures.small_metrics
    painter.setFont(measures.small)
    middle = top + metrics.height() / 2
    x = left
    radius = 4 * unit
    goal_text = f"goal {goal:g}%"

    def width(texts: tuple[str, str]) -> float:
        return sum(metrics.horizontalAdvance(text) + 2 * radius + 18 * unit
                   for text in texts) + 26 * unit + metrics.horizontalAdvance(goal_text)

    texts = LEGEND if width(LEGEND) <= right - left else SHORT_LEGEND
    for below, text in zip((False, True), texts, strict=True):
        _marker(painter, QPointF(x + radius, middle), radius, below, colours)
        x += 2 * radius + 4 * unit
        painter.setPen(colours.text)
        painter.drawText(QPointF(x, middle + metrics.ascent() / 2 - unit), text)
        x += metrics.horizontalAdvance(text) + 14 * unit
    painter.setPen(QPen(colours.text, 1.5 * unit, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(x, middle), QPointF(x + 22 * unit, middle))
    x += 26 * unit
    painter.setPen(colours.text)
    painter.drawText(QPointF(x, middle + metrics.ascent() / 2 - unit), goal_text)


# ----- the weekday x hour heat map --------------------------------------------------------


@dataclass(frozen=True)
class _HeatLayout:
    cells: QRectF  # the 7 x 24 cells
    scale: QRectF  # the count scale under them

    def cell(self, day: int, hour: int) -> QRectF:
        width, height = self.cells.width() / HOURS, self.cells.height() / len(DAYS)
        return QRectF(self.cells.left() + hour * width, self.cells.top() + day * height,
                      width, height)


def _heat_layout(rect: QRectF, grid: HeatMap, measures: _Measures) -> _HeatLayout:
    unit, metrics = measures.unit, measures.small_metrics
    margin = 8 * unit
    area = rect.adjusted(margin, margin, -margin, -margin)
    top = area.top() + _title_height(grid.title, measures) + metrics.height() + 4 * unit
    left = area.left() + max(metrics.horizontalAdvance(day) for day in DAYS) + 8 * unit
    scale_height = metrics.height() * 2 + 8 * unit
    cells = QRectF(QPointF(left, top), QPointF(area.right(), area.bottom() - scale_height))
    scale = QRectF(left, cells.bottom() + 8 * unit, min(cells.width(), 220 * unit),
                   metrics.height())
    return _HeatLayout(cells, scale)


def heat_cells(painter: QPainter, rect: QRectF, grid: HeatMap) -> list[list[QRectF]]:
    """Where ``draw_heat_map`` puts each cell: ``[day][hour]``, Monday first."""
    layout = _heat_layout(rect, grid, _Measures.of(painter))
    return [[layout.cell(day, hour) for hour in range(HOURS)] for day in range(len(DAYS))]


def _readable_on(fill: QColor) -> QColor:
    """Black or white, whichever stands out on ``fill``."""
    return QColor("#000000") if fill.lightnessF() > 0.55 else QColor("#ffffff")


def draw_heat_map(painter: QPainter, rect: QRectF, grid: HeatMap,
                  palette: QPalette | None = None) -> None:
    """Counts by weekday and hour: the more, the stronger the shade (an empty cell keeps the
    background), with the days, the hours and the count scale named."""
    colours = ChartColours.of(palette or QGuiApplication.palette())
    measures = _Measures.of(painter)
    layout = _heat_layout(rect, grid, measures)
    unit, metrics = measures.unit, measures.small_metrics
    largest = grid.largest
    painter.save()
    painter.fillRect(rect, colours.background)
    _draw_title(painter, rect.adjusted(8 * unit, 8 * unit, -8 * unit, 0), grid.title,
                measures, colours)
    painter.setFont(measures.small)

    first = layout.cell(0, 0)
    hour_every = 1 if first.width() >= metrics.horizontalAdvance("00") + 4 * unit else \
        2 if first.width() * 2 >= metrics.horizontalAdvance("00") + 4 * unit else 3
    painter.setPen(colours.text)
    for hour in range(0, HOURS, hour_every):
        cell = layout.cell(0, hour)
        painter.drawText(QRectF(cell.left(), cell.top() - metrics.height() - 2 * unit,
                                cell.width() * hour_every, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                         f"{hour:02d}")
    for day, name in enumerate(DAYS):
        cell = layout.cell(day, 0)
        painter.drawText(QRectF(rect.left(), cell.top(), cell.left() - rect.left() - 6 * unit,
                                cell.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)

    counts_fit = first.width() >= metrics.horizontalAdvance(str(largest)) + 2 * unit \
        and first.height() >= metrics.height()
    painter.setPen(QPen(colours.grid, unit))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(layout.cells)
    for day, row in enumerate(grid.counts):
        for hour, count in enumerate(row):
            cell = layout.cell(day, hour)
            fill = shade_of(count, largest, colours)
            painter.setPen(QPen(colours.grid, unit))
            painter.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
            painter.drawRect(cell)
            if fill is not None and counts_fit:
                painter.setPen(_readable_on(fill))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(count))

    _draw_scale(painter, layout.scale, largest, measures, colours)
    painter.restore()


def _draw_scale(painter: QPainter, area: QRectF, largest: int, measures: _Measures,
                colours: ChartColours) -> None:
    """The shades, each box named by its count: 0 (the background) up to the largest."""
    unit, metrics = measures.unit, measures.small_metrics
    painter.setPen(colours.text)
    if largest <= 0:
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "Nothing counted")
        return
    label = "Count:"
    painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
    left = area.left() + metrics.horizontalAdvance(label) + 6 * unit
    steps = min(SCALE_STEPS, largest)
    shown = [0, *sorted({round(largest * (step + 1) / steps) for step in range(steps)})]
    width = (area.right() - left) / len(shown)
    for index, count in enumerate(shown):
        box = QRectF(left + index * width, area.top(), width, area.height())
        fill = shade_of(count, largest, colours)
        painter.setPen(QPen(colours.grid, unit))
        painter.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
        painter.drawRect(box)
        painter.setPen(colours.text)
        painter.drawText(QRectF(box.left(), box.bottom() + 2 * unit, box.width(),
                                metrics.height()),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(count))


# ----- on screen --------------------------------------------------------------------------


class TrendChart(QWidget):
    """``draw_trend`` on screen, in the widget's palette."""

    def __init__(self, data: Trend | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.setMinimumSize(320, 180)
        if data is not None:
            self.setAccessibleName(data.title or "Monthly achievement")

    def set_data(self, data: Trend | None) -> None:
        self.data = data
        self.setAccessibleName(data.title if data is not None else "")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.data is not None:
                draw_trend(painter, QRectF(self.rect()), self.data, self.palette())
            else:
                painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        finally:
            painter.end()


class HeatMapChart(QWidget):
    """``draw_heat_map`` on screen, in the widget's palette."""

    def __init__(self, grid: HeatMap | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.setMinimumSize(420, 200)
        if grid is not None:
            self.setAccessibleName(grid.title or "Counts by weekday and hour")

    def set_grid(self, grid: HeatMap | None) -> None:
        self.grid = grid
        self.setAccessibleName(grid.title if grid is not None else "")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, 280)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.grid is not None:
                draw_heat_map(painter, QRectF(self.rect()), self.grid, self.palette())
            else:
                painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        finally:
            painter.end()

