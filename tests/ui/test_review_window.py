"""The Review window and the goals at a glance, through their widgets.

The counts the service returns for incidents logged at chosen times, each figure listing its
incidents, one of them opening in the main window, CSV of the tables, the scorecard PDF, a
read-only desk; the goals' standing in the main window changing after a miss."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from deskapp.app.desk import Desk
from deskapp.core.compliance import Outcome, Period
from deskapp.core.goals import GoalState
from deskapp.core.keys import incident_key
from deskapp.core.workflow import Respond
from deskapp.storage.engine import sqlite_url
from deskapp.ui.goals_strip import short_name
from deskapp.ui.main_window import MainWindow
from deskapp.ui.review_parts import NUMBERS_ROLE, SheetTable
from deskapp.ui.review_tables import COMPLIANCE_HEADER, Cell, Sheet, state_text, text
from deskapp.ui.review_window import ReviewWindow
from deskapp.ui.scorecard import evidence_html, gather
from deskapp.ui.screen_fit import available
from deskapp.ui.table_export import write_sheet
from tests.conftest import NEW_YORK_OFFICE
from tests.ui.conftest import Clock, log, settle

NOVEMBER = Period.month(2026, 11)


def at(day: int, hour: int = 15) -> datetime:
    """A November 2026 instant (15:00 UTC is 10:00 in New York, where Magaya is)."""
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def november(desk: Desk) -> dict[str, list[str]]:
    """Three Magaya severity 1 incidents in November: the first answered in ten minutes,
    the other two never answered (their response is breached by December)."""
    keys = [_logged(desk, day) for day in (3, 4, 5)]
    desk.apply(keys[0], [Respond("looking")], author="tess", at=at(3).replace(minute=10))
    return {"met": keys[:1], "breached": keys[1:]}


def _logged(desk: Desk, day: int) -> str:
    from deskapp.app.views import IncidentDraft

    agreement = desk.agreements()["magaya"]
    channel = (agreement.severity("1").channels or ("email",))[0]
    draft = IncidentDraft(vendor="magaya", product=agreement.products[0],
                          title=f"=HYPERLINK(\"x\") day {day}", severity="1", channel=channel)
    return desk.log(draft, author="tess", at=at(day)).incident.key


def _review(qtbot, window: MainWindow) -> ReviewWindow:
    window.actions_by_name["review"].trigger()
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReviewWindow)]
    assert found
    review = found[-1]
    qtbot.addWidget(review)
    qtbot.waitExposed(review)
    review.set_month("2026-11")
    settle(qtbot, window)
    assert review.shown is not None and review.shown.report.period == NOVEMBER
    return review


def _row_of(table: SheetTable, severity: str, target_start: str) -> int:
    model = table.sheet_model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == "Magaya" and model.index(row, 1).data() == severity \
                and str(model.index(row, 2).data()).startswith(target_start):
            return row
    raise AssertionError(f"no Magaya {severity} {target_start} row")


def test_the_review_shows_the_services_counts_and_each_figure_lists_its_incidents(
        qtbot, window: MainWindow, desk: Desk) -> None:
    keys = november(desk)
    review = _review(qtbot, window)
    expected = desk.compliance(NOVEMBER, now=window.clock())
    table = review.compliance
    model = table.sheet_model
    assert model.rowCount() == len(expected.rows)
    column = {name: COMPLIANCE_HEADER.index(name) for name in COMPLIANCE_HEADER}
    for number, row in enumerate(expected.rows):
        shown = [model.index(number, c).data() for c in range(model.columnCount())]
        assert shown[column["Logged"]] == str(row.logged)
        assert shown[column["Met"]] == str(row.met)
        assert shown[column["Breached"]] == str(row.breached)
        assert shown[column["Still running"]] == str(row.running)
        assert shown[column["Not started"]] == str(row.pending)
    response = _row_of(table, "1", "Response")
    served = next(r for r in expected.rows if r.vendor == "magaya" and r.severity == "1"
                  and r.metric == "response")
    assert (served.met, served.breached) == (1, 2)
    assert model.index(response, column["Achieved"]).data() == "33.3 %"

    # The breached cell lists exactly those incidents.
    breached = model.index(response, column["Breached"])
    assert breached.data(NUMBERS_ROLE) == tuple(served.breached_numbers)
    table.setCurrentIndex(breached)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert review.incidents.keys() == keys["breached"]
    settle(qtbot, window)
    shown = [review.incidents.list.item(i).text() for i in range(review.incidents.list.count())]
    assert [text.split()[0] for text in shown] == keys["breached"]
    assert all("day" in text for text in shown)  # the titles followed

    # Opening one shows it in the main window, with its timeline.
    review.incidents.list.setCurrentRow(1)
    review.incidents.list.setFocus()
    qtbot.keyClick(review.incidents.list, Qt.Key.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.detail.incident is not None
                    and window.detail.incident.key == keys["breached"][1])
    assert window.detail.incident.events

    # A click on a cell of the heat map lists the breaches due then.
    assert review.shown is not None
    grid = review.shown.report.grid
    review.tabs.setCurrentWidget(review.heat_map)
    qtbot.waitUntil(lambda: bool(review.heat_map.cells))
    for (day, hour), numbers in grid.numbers.items():
        centre = review.heat_map.cells[day][hour].center().toPoint()
        qtbot.mouseClick(review.heat_map, Qt.MouseButton.LeftButton, pos=centre)
        assert review.incidents.numbers == numbers
    assert sum(len(n) for n in grid.numbers.values()) == grid.total == 5  # 2 + 3 late
    # And from the keyboard: the arrows move over the cells, Enter lists one.
    (day, hour), numbers = next(iter(grid.numbers.items()))
    review.heat_map.setFocus()
    review.heat_map.cursor_cell = (0, 0)
    for _ in range(day):
        qtbot.keyClick(review.heat_map, Qt.Key.Key_Down)
    for _ in range(hour):
        qtbot.keyClick(review.heat_map, Qt.Key.Key_Right)
    review.incidents.show_numbers("", ())
    qtbot.keyClick(review.heat_map, Qt.Key.Key_Return)
    assert review.incidents.numbers == numbers

    # A click on a month of a goal's trend lists that month's tickets.
    review.tabs.setCurrentIndex(3)
    review.trend_goal.setCurrentIndex(
        review.trend_goal.findText("Magaya", Qt.MatchFlag.MatchStartsWith))
    qtbot.waitUntil(lambda: bool(review.trend.points))
    trend = review.chosen_trend()
    assert trend is not None and trend.vendor == "magaya"
    month = [m.period for m in trend.months].index(NOVEMBER)
    point = review.trend.points[month]
    assert point is not None
    qtbot.mouseClick(review.trend, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert sorted(review.incidents.keys()) == sorted(keys["met"] + keys["breached"])


def test_the_period_moves_by_month_and_by_days(qtbot, window: MainWindow, desk: Desk) -> None:
    november(desk)
    review = _review(qtbot, window)
    review.step_month(1)
    settle(qtbot, window)
    assert review.shown is not None and review.shown.report.period == Period.month(2026, 12)
    review.by_days.setChecked(True)
    review.first_day.setDate(datetime(2026, 11, 4).date())
    review.last_day.setDate(datetime(2026, 11, 4).date())
    settle(qtbot, window)
    assert review.shown.report.period == Period.days(datetime(2026, 11, 4).date(),
                                                     datetime(2026, 11, 4).date())
    assert review.shown.report.logged == 1
    review.set_vendor("maqsu")
    settle(qtbot, window)
    assert review.shown.report.vendors == ("maqsu",)


def test_a_review_table_and_the_queue_export_to_csv(qtbot, window: MainWindow, desk: Desk,
                                                   tmp_path: Path) -> None:
    keys = november(desk)
    review = _review(qtbot, window)
    assert review.export_csv(str(tmp_path / "compliance.csv"))
    with (tmp_path / "compliance.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == COMPLIANCE_HEADER
    assert len(rows) == 1 + review.compliance.sheet_model.rowCount()
    magaya = [r for r in rows if r[0] == "Magaya" and r[1] == "1" and r[2].startswith("Resp")]
    assert magaya[0][5] == "2" and magaya[0][8] == "33.3"

    window.set_view(window.current_view().__class__.ALL_OPEN)
    window.refresh()
    settle(qtbot, window)
    window.export_queue(str(tmp_path / "queue.csv"))
    settle(qtbot, window)
    with (tmp_path / "queue.csv").open(encoding="utf-8") as stream:
        lines = list(csv.reader(stream))
    assert lines[0][0] == "Key"
    assert sorted(line[0] for line in lines[1:]) == sorted(keys["met"] + keys["breached"])
    titles = [cell for line in lines[1:] for cell in line if "HYPERLINK" in cell]
    assert titles and all(title.startswith("'=") for title in titles)  # neutralised


def test_the_scorecard_pdf_names_every_breached_incident(qtbot, window: MainWindow,
                                                          desk: Desk, tmp_path: Path) -> None:
    november(desk)
    review = _review(qtbot, window)
    target = tmp_path / "scorecard.pdf"
    review.save_scorecard(str(target))
    settle(qtbot, window)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(
        b"/Type /Page\r") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/") >= 3
    assert review.shown is not None
    card = gather(desk, review.shown.report, review.shown.late, review.shown.trends)
    html = evidence_html(card)
    breached = {n for row in review.shown.report.rows for n in row.breached_numbers}
    assert len(breached) == 3  # every resolution is late by now; two responses too
    assert [found.key for found in card.evidence] == sorted(map(incident_key, breached))
    for number in breached:
        assert html.count(f"<h2>{incident_key(number)}:") == 1
    assert html.count("Why this time? Response") == 2
    assert html.count("Why this time? Resolution") == 3
    assert html.count("<h3>Timeline</h3>") == 3


def test_a_sheet_is_written_to_csv_with_formula_cells_neutralised(tmp_path: Path) -> None:
    sheet = Sheet("Late time", ("Vendor", "Where", "Seconds"),
                  ((text("=HYPERLINK(\"http://x\")"), text("+tier I"), Cell("1h", 3600)),
                   (text("@SUM(A1)"), text("-"), Cell("-1m", -60))))
    write_sheet(tmp_path / "late.csv", sheet)
    with (tmp_path / "late.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows == [["Vendor", "Where", "Seconds"],
                    ["'=HYPERLINK(\"http://x\")", "'+tier I", "3600"],
                    ["'@SUM(A1)", "'-", "-60"]]


def test_the_review_works_on_a_read_only_desk(qtbot, tmp_path: Path, settings: QSettings,
                                               clock: Clock) -> None:
    path = tmp_path / "copy.sqlite3"
    writable = Desk.open(sqlite_url(path), office=NEW_YORK_OFFICE, clock=clock)
    try:
        keys = november(writable)
    finally:
        writable.shutdown()
    window = MainWindow(settings, clock=clock)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    window.open_database(str(path), read_only=True)
    qtbot.waitUntil(lambda: window.catalog is not None and window.tasks.idle, timeout=10_000)
    assert window.desk is not None and window.desk.read_only
    review = _review(qtbot, window)
    assert review.shown is not None
    served = review.shown.report
    assert served.rows == window.desk.compliance(NOVEMBER, now=clock()).rows
    response = next(r for r in served.rows if r.vendor == "magaya" and r.severity == "1"
                    and r.metric == "response")
    assert list(response.keys(Outcome.BREACHED)) == keys["breached"]
    review.save_scorecard(str(tmp_path / "card.pdf"))
    settle(qtbot, window)
    assert (tmp_path / "card.pdf").read_bytes().startswith(b"%PDF")
    assert window.goals_strip.goals


def test_the_goals_strip_shows_each_goal_and_changes_after_a_miss(
        qtbot, window: MainWindow, desk: Desk, clock: Clock) -> None:
    strip = window.goals_strip
    qtbot.waitUntil(lambda: bool(strip.goals), timeout=10_000)
    goals = desk.goals_now(now=clock())
    assert [label.accessibleName() for label in strip.labels] == [
        f"{goal.vendor_name} {short_name(goal)}: {state_text(goal.state)[2:]}"
        for goal in goals]
    assert "Magaya: tier I resolution" in "".join(label.text() for label in strip.labels)
    tier_one = ("magaya", "tier-i-resolution")
    assert strip.states()[tier_one] is GoalState.NO_TICKETS
    assert all(label.toolTip() for label in strip.labels)

    # A write is seen by the next poll; the strip reads the goals again after it (at once
    # here: on a busy desk, once in a while).
    strip.writes_gap_ms = 0
    log(desk, "magaya", "1")
    window.poll()
    qtbot.waitUntil(lambda: strip.states()[tier_one] is not GoalState.NO_TICKETS,
                    timeout=10_000)
    assert strip.states()[tier_one] in (GoalState.ON_TRACK, GoalState.NO_MISS_LEFT)

    # Two days later the incident is still unresolved: a miss, and the goal is below.
    clock.advance(days=2)
    strip.timer.timeout.emit()
    qtbot.waitUntil(lambda: strip.states()[tier_one] is GoalState.BELOW, timeout=10_000)
    label = strip.labels[[g.key for g in strip.goals].index("tier-i-resolution")]
    assert "below goal" in label.text() and "\N{BALLOT X}" in label.text()
    assert desk.goals_now(now=clock())[[g.key for g in goals].index(
        "tier-i-resolution")].state is GoalState.BELOW


@pytest.mark.parametrize("size", [(1024, 640), (1440, 900)])
def test_the_review_window_fits_the_screen(qtbot, window: MainWindow, desk: Desk,
                                           size: tuple[int, int]) -> None:
    november(desk)
    review = _review(qtbot, window)
    hint = review.minimumSizeHint()
    assert hint.width() <= 1024 - 16 and hint.height() <= 640 - 48
    window_hint = window.minimumSizeHint()
    assert window_hint.width() <= 1024 - 16 and window_hint.height() <= 640 - 48
    screen = available(review)
    assert review.width() <= screen.width() and review.height() <= screen.height()
    review.resize(*size)
    assert review.compliance.isVisible()


def test_the_goals_strip_reads_again_for_new_writes_only_once_in_a_while(
        qtbot, window: MainWindow) -> None:
    strip = window.goals_strip
    qtbot.waitUntil(lambda: bool(strip.goals), timeout=10_000)
    strip.writes_seen({})
    assert not strip.after_write.isActive()
    strip.writes_seen({7: 2})  # a write just after the goals were read: later, not now
    assert strip.after_write.isActive() and strip.after_write.remainingTime() > 10_000
    strip.after_write.stop()
    strip.writes_seen({7: 2})  # nothing new
    strip.writes_seen({})  # a write leaving the poll's window is not a write
    assert not strip.after_write.isActive()
