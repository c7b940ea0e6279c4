"""The queue model: Qt's model checks, row-level updates and countdown ticks."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.core.lifecycle import ResolutionType
from deskapp.ui import queue_model
from deskapp.ui.countdown import Look
from deskapp.ui.queue_model import (
    COUNTDOWN_COLUMNS,
    FIRST_COUNTDOWN,
    ID_ROLE,
    LAST_COUNTDOWN,
    Column,
    Display,
    QueueModel,
)
from tests.ui.conftest import Clock, log

DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole


@pytest.fixture(autouse=True)
def _application(qapp) -> None:
    """The model asks for lines with a timer, which needs the application's event loop."""


def model_for(desk: Desk, clock: Clock, view: View = View.ALL_OPEN) -> QueueModel:
    """A model with the view's ids and every line read, as a window has near the screen."""
    display = Display(ZoneInfo("America/New_York"), desk.agreements())
    model = QueueModel(display, clock())
    read(model, desk, view)
    return model


def read(model: QueueModel, desk: Desk, view: View = View.ALL_OPEN) -> list[int]:
    ids = desk.queue_ids(QueueFilter(view))
    model.add_rows(desk.queue_rows(ids).values())
    model.set_ids(ids)
    return ids


def text(model: QueueModel, row: int, column: Column) -> str:
    return str(model.data(model.index(row, column), DISPLAY_ROLE))


def test_model_passes_the_model_testers_through_every_kind_of_change(
        qtmodeltester, desk: Desk, clock: Clock) -> None:
    keys = [log(desk, vendor, severity).incident.key for vendor, severity in
            [("magaya", "1"), ("maqsu", "high"), ("catapult", "2"), ("acelynk", "major")]]
    model = model_for(desk, clock)
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 4

    # A change, an insertion, a removal and a new order, all from one read of the queue.
    desk.assign(keys[1], "ben", author="tess")
    log(desk, "magaya", "4")
    desk.resolve(keys[0], ResolutionType.ANSWER, author="tess")
    ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
    assert not model.set_ids(list(reversed(ids)))
    model.add_rows(desk.queue_rows(ids).values())
    assert model.rowCount() == 4
    assert keys[0] not in [row.key for row in model.rows()]
    model.set_ids(ids)
    assert [row.id for row in model.rows()] == ids
    clock.advance(minutes=30)
    model.tick(clock(), 0, model.rowCount() - 1)
    model.invalidate()  # lines not read yet: placeholders, asked for again
    assert text(model, 0, Column.KEY) == "…"
    model.add_rows(desk.queue_rows(ids).values())
    assert model.set_ids(ids[:1], reset=True)
    model.set_ids([])
    assert model.rowCount() == 0


def test_lines_not_read_yet_are_placeholders_asked_for_together(
        qtmodeltester, qtbot, desk: Desk, clock: Clock, monkeypatch) -> None:
    monkeypatch.setattr(queue_model, "MARGIN", 2)
    for severity in ("1", "2", "3", "4", "1", "2", "3", "4"):
        log(desk, "magaya", severity)
    ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
    model = QueueModel(Display(ZoneInfo("America/New_York"), desk.agreements()), clock())
    asked: list[list[int]] = []
    model.fetch_requested.connect(asked.append)
    model.set_ids(ids)

    assert text(model, 0, Column.KEY) == "…"
    assert model.data(model.index(1, Column.TITLE), DISPLAY_ROLE) == ""
    assert model.data(model.index(1, Column.KEY), ID_ROLE) == ids[1]
    assert model.row_at(0) is None
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [ids[:4]]  # rows 0 and 1 with two more: one read

    text(model, 0, Column.KEY)  # asked for already: not asked again
    qtbot.wait(5)
    assert len(asked) == 1
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), bottom.row())))
    model.add_rows(desk.queue_rows(asked[0]).values(), asked[0])
    assert changes == [(0, 3)]
    assert text(model, 0, Column.KEY) == desk.queue_rows(ids[:1])[ids[0]].key
    qtmodeltester.check(model)


def test_the_cache_keeps_the_lines_near_the_rows_last_asked_for(
        desk: Desk, clock: Clock, monkeypatch) -> None:
    monkeypatch.setattr(queue_model, "CACHE_LIMIT", 4)
    for severity in ("1", "2", "3", "4", "1", "2", "3", "4"):
        log(desk, "magaya", severity)
    model = QueueModel(Display(ZoneInfo("America/New_York"), desk.agreements()), clock())
    ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
    model.set_ids(ids)
    model.want(6, 7)
    model.flush()
    model.add_rows(desk.queue_rows(ids).values())
    assert [row.id for row in model.rows()] == ids[4:8]


def test_a_read_signals_only_the_rows_whose_version_moved(qtbot, desk: Desk,
                                                          clock: Clock) -> None:
    keys = [log(desk, "magaya", severity).incident.key for severity in ("1", "2", "3")]
    model = model_for(desk, clock)
    desk.assign(keys[1], "ben", author="tess")
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    moved: list[bool] = []
    model.layoutChanged.connect(lambda *_: moved.append(True))
    model.modelReset.connect(lambda: moved.append(True))

    ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
    changed = model.add_rows(desk.queue_rows(ids).values())
    model.set_ids(ids)

    position = model.row_of_key(keys[1])
    assert position is not None
    assert changes == [(position, 0, position, len(Column) - 1)]
    assert text(model, position, Column.ASSIGNEE) == "ben"
    assert len(changed) == 1
    assert model.stale({model.ids[position]: 99}) == [model.ids[position]]
    assert not moved


def test_a_row_read_twice_is_shown_once(desk: Desk, clock: Clock) -> None:
    log(desk, "acelynk", "major")
    model = model_for(desk, clock)
    model.set_ids([*model.ids, model.ids[0]])
    assert model.rowCount() == 1


def test_a_tick_signals_only_the_countdown_cells_of_the_rows_asked_for(
        desk: Desk, clock: Clock) -> None:
    for severity in ("1", "2", "3", "4"):
        log(desk, "magaya", severity)
    model = model_for(desk, clock)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))

    model.tick(clock.advance(seconds=1), 1, 2)

    assert changes == [(1, FIRST_COUNTDOWN, 2, LAST_COUNTDOWN)]
    assert set(COUNTDOWN_COLUMNS) == set(range(FIRST_COUNTDOWN, LAST_COUNTDOWN + 1))


def test_a_tick_signals_only_the_cells_whose_text_changed(desk: Desk, clock: Clock) -> None:
    log(desk, "magaya", "1")  # response: 1 business hour, counted down in seconds
    log(desk, "magaya", "3")  # response: 1 business day, in hours and minutes
    model = model_for(desk, clock)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    model.tick(clock.advance(seconds=30), 0, 1)  # 1h, 26h ... become 59m 30s, 25h 59m ...
    assert changes == [(0, Column.RESPONSE, 1, Column.RESOLUTION)]

    changes.clear()
    model.tick(clock.advance(seconds=1), 0, 1)
    assert changes == [(0, Column.RESPONSE, 0, Column.RESPONSE)]
    assert text(model, 0, Column.RESPONSE) == "59m 29s"

    changes.clear()
    model.tick(clock(), 0, 1)  # the same instant: nothing
    model.tick(clock.advance(seconds=30), 0, 1)  # the next minute: minutes move too
    assert changes == [(0, Column.RESPONSE, 1, Column.RESOLUTION)]


def test_a_tick_leaves_out_the_rows_not_read_yet(desk: Desk, clock: Clock) -> None:
    for severity in ("1", "2", "1", "2"):
        log(desk, "magaya", severity)
    ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
    model = QueueModel(Display(ZoneInfo("America/New_York"), desk.agreements()), clock())
    model.set_ids(ids)
    model.add_rows(desk.queue_rows([ids[0], ids[2], ids[3]]).values())
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), bottom.row())))

    model.tick(clock.advance(seconds=1), 0, 3)

    assert changes == [(0, 0), (2, 3)]


def test_countdowns_follow_the_clock_in_business_time(desk: Desk, clock: Clock) -> None:
    log(desk, "magaya", "1")  # response: 1 business hour, warning after 45 minutes
    model = model_for(desk, clock)
    response = model.index(0, Column.RESPONSE)
    assert model.data(response, DISPLAY_ROLE) == "1h"
    assert model.countdown_at(0, "response").look is Look.RUNNING

    model.tick(clock.advance(minutes=12, seconds=30), 0, 0)
    assert model.data(response, DISPLAY_ROLE) == "47m 30s"

    model.tick(clock.advance(minutes=33), 0, 0)
    assert model.data(response, DISPLAY_ROLE) == "14m 30s"
    assert model.countdown_at(0, "response").look is Look.WARNING

    model.tick(clock.advance(minutes=39, seconds=30), 0, 0)
    assert model.data(response, DISPLAY_ROLE) == "-25m"
    assert model.countdown_at(0, "response").look is Look.BREACHED
    assert model.data(response, Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, Column.WORKAROUND), DISPLAY_ROLE) == ""


def test_the_countdown_tooltip_gives_both_zones_and_the_calendar(desk: Desk,
                                                                  clock: Clock) -> None:
    log(desk, "maqsu", "high")  # Singapore hours: closed at 23:00 there
    model = model_for(desk, clock)
    tip = str(model.data(model.index(0, Column.RESPONSE), Qt.ItemDataRole.ToolTipRole))
    assert "(Asia/Singapore)" in tip
    assert "in the office (America/New_York)" in tip
    assert "Calendar: closed until Wed 08:30 +08" in tip


def test_a_window_tick_touches_only_the_countdowns_on_screen(qtbot, window,
                                                             desk: Desk, clock: Clock) -> None:
    for number in range(40):
        log(desk, "magaya", "3", title=f"Label printer {number}")
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 40 and window.tasks.idle)
    first, last = window.visible_rows()
    assert 0 <= first < last < 39
    changes: list[tuple[int, int, int, int]] = []
    window.model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    before = window.model.data(window.model.index(first, Column.RESPONSE), DISPLAY_ROLE)

    clock.advance(minutes=7)
    window.tick()

    assert changes == [(first, FIRST_COUNTDOWN, last, LAST_COUNTDOWN)]
    after = window.model.data(window.model.index(first, Column.RESPONSE), DISPLAY_ROLE)
    assert before != after
