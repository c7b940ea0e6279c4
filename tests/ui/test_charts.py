"""The charts: pixels where the data puts them, light and dark palettes, and a PDF page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPalette, QPdfWriter

from deskapp.ui.charts import (
    ChartColours,
    HeatMap,
    HeatMapChart,
    Trend,
    TrendChart,
    draw_heat_map,
    draw_trend,
    heat_cells,
    paper_palette,
    trend_points,
)

MONTHS = [("Jan", 97.5), ("Feb", 99.0), ("Mar", 93.2), ("Apr", None), ("May", 96.1),
          ("Jun", 100.0), ("Jul", 88.4), ("Aug", 95.0), ("Sep", 98.3)]
TREND = Trend(MONTHS, 95.0, "Response within the agreement")
SIZE = QSize(760, 320)


def dark_palette() -> QPalette:
    palette = QPalette(QColor("#353535"), QColor("#2b2b2b"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    return palette


def render(draw: Callable[..., None], data: Any, palette: QPalette,
           size: QSize = SIZE) -> tuple[QImage, Any]:
    """The drawing in an image, and where its parts are (points or cells)."""
    image = QImage(size, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    rect = QRectF(image.rect())
    draw(painter, rect, data, palette)
    where = trend_points(painter, rect, data) if isinstance(data, Trend) \
        else heat_cells(painter, rect, data)
    painter.end()
    return image, where


def pixel(image: QImage, point: QPointF) -> QColor:
    return image.pixelColor(round(point.x()), round(point.y()))


def same(first: QColor, second: QColor) -> bool:
    return first.rgb() == second.rgb()


def near(first: QColor, second: QColor) -> bool:
    """The same colour but for the edge's antialiasing."""
    return max(abs(first.redF() - second.redF()), abs(first.greenF() - second.greenF()),
               abs(first.blueF() - second.blueF())) < 0.06


def grid_with(*cells: tuple[int, int, int]) -> HeatMap:
    counts = [[0] * 24 for _ in range(7)]
    for day, hour, count in cells:
        counts[day][hour] = count
    return HeatMap(counts, "Incidents logged")


def inside(cell: QRectF) -> QPointF:
    """A point of the cell's fill clear of its border and of the count written in it."""
    return QPointF(cell.left() + 3, cell.top() + 3)


@pytest.mark.parametrize("palette", [paper_palette(), dark_palette()], ids=["light", "dark"])
def test_the_strongest_shade_is_where_the_largest_count_is(qapp, palette: QPalette) -> None:
    grid = grid_with((0, 10, 40), (0, 11, 15), (2, 14, 3), (4, 9, 15), (6, 23, 1))
    image, cells = render(draw_heat_map, grid, palette)
    background = ChartColours.of(palette).background

    def strength(day: int, hour: int) -> float:
        """How far the cell's fill is from the background, in lightness."""
        return abs(pixel(image, inside(cells[day][hour])).lightnessF() - background.lightnessF())

    strongest = max(((day, hour) for day in range(7) for hour in range(24)),
                    key=lambda cell: strength(*cell))
    assert strongest == (0, 10)
    assert strength(0, 10) > strength(0, 11) > strength(2, 14) > strength(6, 23) > 0
    assert strength(0, 11) == pytest.approx(strength(4, 9))  # the same count, the same shade
    assert same(pixel(image, inside(cells[3][3])), background)  # nothing counted: no shade
    if palette is not paper_palette():
        return
    darkest = min(((day, hour) for day in range(7) for hour in range(24)),
                  key=lambda cell: pixel(image, inside(cells[cell[0]][cell[1]])).lightnessF())
    assert darkest == (0, 10)  # on paper the largest count is the darkest cell


def test_an_empty_grid_shades_no_cell(qapp) -> None:
    image, cells = render(draw_heat_map, HeatMap([[0] * 24 for _ in range(7)]),
                          paper_palette())
    assert all(same(pixel(image, inside(cell)), QColor("#ffffff"))
               for row in cells for cell in row)
    assert all(same(pixel(image, cell.center()), QColor("#ffffff"))
               for row in cells for cell in row)


def test_a_heat_map_is_seven_days_of_24_hours() -> None:
    with pytest.raises(ValueError, match="7 rows"):
        HeatMap([[0] * 24 for _ in range(6)])
    with pytest.raises(ValueError, match="7 rows"):
        HeatMap([[0] * 23 for _ in range(7)])
    with pytest.raises(ValueError, match="negative"):
        HeatMap([[-1] + [0] * 23] + [[0] * 24 for _ in range(6)])


@pytest.mark.parametrize("palette", [paper_palette(), dark_palette()], ids=["light", "dark"])
def test_a_month_below_the_goal_is_a_triangle_in_the_breach_colour(qapp,
                                                                   palette: QPalette) -> None:
    colours = ChartColours.of(palette)
    image, points = render(draw_trend, TREND, palette)
    assert points[3] is None  # April: nothing was due
    assert all(point is not None for index, point in enumerate(points) if index != 3)
    for index, point in enumerate(points):
        if point is None:
            continue
        below = TREND.below_goal(index)
        assert same(pixel(image, point), colours.breach if below else colours.line), index
        # The shape says it too: a triangle's top corner is where a circle has no ink.
        corner = pixel(image, QPointF(point.x() - 4, point.y() - 4))
        assert near(corner, colours.breach) == below, index
    assert [TREND.below_goal(i) for i in range(len(MONTHS))] == \
        [False, False, True, False, False, False, True, False, False]
    # Higher achievement is higher on the chart.
    assert points[5] is not None and points[0] is not None and points[6] is not None
    assert points[5].y() < points[0].y() < points[6].y()


def test_the_goal_is_a_dashed_line(qapp) -> None:
    image, points = render(draw_trend, TREND, paper_palette())
    on_goal = points[7]  # August is exactly on the goal
    assert on_goal is not None and points[1] is not None
    y = round(on_goal.y())
    row = [pixel(image, QPointF(x, y)) for x in range(round(points[0].x()) + 12,
                                                      round(points[1].x()) - 12)]
    inked = sum(color.lightnessF() < 0.3 for color in row)
    assert 0.3 * len(row) < inked < 0.9 * len(row)  # dashes and gaps


@pytest.mark.parametrize("palette", [paper_palette(), dark_palette()], ids=["light", "dark"])
def test_colours_stand_out_on_light_and_dark_backgrounds(palette: QPalette) -> None:
    colours = ChartColours.of(palette)
    assert contrast(colours.text, colours.background) >= 4.5
    for colour in (colours.line, colours.breach, colours.shade):
        assert contrast(colour, colours.background) >= 3.0
    assert colours.breach.hue() != colours.line.hue()


def contrast(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours."""
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_widgets_draw_the_same_in_their_palette(qtbot) -> None:
    trend = TrendChart(TREND)
    qtbot.addWidget(trend)
    trend.setPalette(dark_palette())
    trend.resize(640, 300)
    shot = trend.grab().toImage()
    _, points = render(draw_trend, TREND, dark_palette(), QSize(640, 300))
    breach = ChartColours.of(dark_palette()).breach
    assert points[6] is not None and same(pixel(shot, points[6]), breach)
    assert trend.accessibleName() == "Response within the agreement"

    grid = grid_with((1, 13, 9))
    heat = HeatMapChart(grid)
    qtbot.addWidget(heat)
    heat.setPalette(paper_palette())
    heat.resize(760, 320)
    shot = heat.grab().toImage()
    _, cells = render(draw_heat_map, grid, paper_palette())
    assert not same(pixel(shot, inside(cells[1][13])), QColor("#ffffff"))
    assert same(pixel(shot, inside(cells[1][12])), QColor("#ffffff"))
    heat.set_grid(None)  # nothing to show: an empty background, no error
    heat.grab()


def test_the_same_drawing_goes_into_a_pdf_page(qapp, tmp_path: Path) -> None:
    path = tmp_path / "charts.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    page = QRectF(painter.viewport())
    draw_trend(painter, QRectF(0, 0, page.width(), page.height() / 2), TREND, paper_palette())
    draw_heat_map(painter, QRectF(0, page.height() / 2, page.width(), page.height() / 3),
                  grid_with((0, 10, 4)), paper_palette())
    painter.end()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert len(data) > 2000
