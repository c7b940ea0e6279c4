"""A large view in the window: only the lines near the screen are read, and polls read
only what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from deskapp.app import demo
from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, SortKey, View
from deskapp.core.lifecycle import ResolutionType
from deskapp.ui import queue_controller
from deskapp.ui.queue_model import FIRST_COUNTDOWN, LAST_COUNTDOWN, MARGIN, Column
from tests.ui.conftest import Clock, log, settle


@pytest.fixture
def filled(desk: Desk, clock: Clock) -> Desk:
    demo.fill(desk, 600, seed=7, end=clock())
    return desk


def show_view(qtbot, window, view: View) -> None:
    window.set_view(view)
    qtbot.waitUntil(window.queue_ready)
    settle(qtbot, window)


def calls(monkeypatch, desk: Desk, name: str) -> list[Any]:
    """Record each call of ``desk.<name>`` (on the worker thread) by its first argument."""
    made: list[Any] = []
    real: Callable[..., Any] = getattr(desk, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(desk, name, spy)
    return made


def test_a_large_view_reads_only_the_lines_near_the_screen(qtbot, window, filled: Desk,
                                                           clock: Clock, monkeypatch) -> None:
    closed = filled.queue_ids(QueueFilter(View.CLOSED))
    assert len(closed) > 4 * MARGIN
    show_view(qtbot, window, View.CLOSED)
    model = window.model
    assert model.ids == closed
    assert window.count_label.text() == f"{len(closed):,} incidents"
    first, last = window.visible_rows()
    assert first == 0 and all(model.row_at(row) is not None for row in range(last + 1))
    assert len(model.rows()) <= last + 1 + 2 * MARGIN  # the first screen and a margin

    reads = calls(monkeypatch, filled, "queue_rows")
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.row_at(len(closed) - 1) is not None)
    settle(qtbot, window)
    first, last = window.visible_rows()
    assert last == len(closed) - 1
    assert all(model.row_at(row) is not None for row in range(first, last + 1))
    assert len(reads) == 1 and len(reads[0]) <= last - first + 1 + 2 * MARGIN

    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changes.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    window.table.viewport().repaint()  # the lines that just arrived, as shown
    clock.advance(seconds=1)
    window.tick()
    assert changes == []  # closed incidents' targets do not count down

    window.set_view(View.ALL_OPEN)
    window.table.scrollToTop()
    qtbot.waitUntil(window.queue_ready)
    settle(qtbot, window)
    window.table.viewport().repaint()
    first, last = window.visible_rows()
    changes.clear()
    window.tick()  # the same instant: nothing to signal
    assert changes == []
    clock.advance(hours=2)  # the most overdue first: whole hours move
    window.tick()
    assert changes and all(first <= top <= bottom <= last and left >= FIRST_COUNTDOWN
                           and right <= LAST_COUNTDOWN for top, left, bottom, right in changes)


def test_a_row_selected_before_its_line_is_read_shows_its_incident(qtbot, window,
                                                                    filled: Desk) -> None:
    show_view(qtbot, window, View.CLOSED)
    last = window.model.rowCount() - 1
    assert window.model.row_at(last) is None
    window.table.selectRow(last)
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.detail.incident is not None
                    and window.model.row_at(last) is not None
                    and window.detail.incident.key == window.model.row_at(last).key)
    assert window.selected_row() == window.model.row_at(last)


def test_a_poll_reads_the_ids_again_only_when_something_changed(
        qtbot, window, desk: Desk, db_url: str, clock: Clock, monkeypatch) -> None:
    keys = [log(desk, "magaya", severity).incident.key for severity in ("1", "2", "3")]
    window.refresh()
    settle(qtbot, window)
    window.poll()  # the first poll takes in what was written lately
    settle(qtbot, window)
    id_reads = calls(monkeypatch, desk, "queue_ids")
    row_reads = calls(monkeypatch, desk, "queue_rows")

    window.poll()
    settle(qtbot, window)
    assert id_reads == [] and row_reads == []

    other = Desk.open(db_url, clock=clock)  # another workstation
    try:
        other.comment(keys[2], "Called the vendor", author="ben")
        clock.advance(seconds=3)
        window.poll()
        settle(qtbot, window)
        changed = window.model.row_of_key(keys[2])
        assert len(id_reads) == 1
        assert row_reads == [[window.model.ids[changed]]]  # only the line that changed
        assert window.model.rows()[changed].version == other.show(keys[2]).version

        window.poll()
        settle(qtbot, window)
        assert len(id_reads) == 1

        new = log(other, "maqsu", "high").incident.key  # a new one appears too
        window.poll()
        settle(qtbot, window)
        assert window.model.rowCount() == 4
        qtbot.waitUntil(lambda: window.model.row_of_key(new) is not None)
    finally:
        other.shutdown()

    show_view(qtbot, window, View.BREACHED)  # changes with the time alone: read every poll
    before = len(id_reads)
    window.poll()
    settle(qtbot, window)
    assert len(id_reads) == before + 1



def test_a_poll_asked_for_during_a_read_runs_right_after_it(qtbot, window,
                                                          monkeypatch) -> None:
    asked: list[Any] = []
    real = queue_controller.changed_since

    def spy(desk: Desk, since: Any) -> Any:
        asked.append(since)
        return real(desk, since)

    monkeypatch.setattr(queue_controller, "changed_since", spy)
    window.refresh()
    window.poll()  # a read is under way: the poll waits for it, not for the next timer
    qtbot.waitUntil(lambda: len(asked) == 1)
    settle(qtbot, window)
    assert len(asked) == 1


def test_a_target_that_breaches_moves_down_at_the_next_poll(
        qtbot, window, desk: Desk, clock: Clock, monkeypatch) -> None:
    """In All open, running targets come first: one that breaches moves behind them at the
    next poll, though nothing was written; until then the ids are not read again."""
    first = log(desk, "acelynk", "critical").incident.key  # 2 hours
    second = log(desk, "acelynk", "minor").incident.key  # 4 business hours
    window.refresh()
    settle(qtbot, window)
    window.poll()
    settle(qtbot, window)
    rows = window.model.rows()
    assert [row.key for row in rows] == [first, second]
    breach = rows[0].next_due_at
    assert breach is not None
    id_reads = calls(monkeypatch, desk, "queue_ids")
    clock.advance(minutes=5)
    window.poll()
    settle(qtbot, window)
    assert id_reads == []  # nothing breached: the order stands
    clock.now = breach + timedelta(minutes=1)
    window.poll()
    settle(qtbot, window)
    assert len(id_reads) == 1
    assert [row.key for row in window.model.rows()] == [second, first]


def test_a_click_on_a_column_sorts_the_queue_in_the_database(qtbot, window,
                                                             desk: Desk) -> None:
    """Title ascending, then descending, then the view's own order; the sort is kept with
    the columns' layout for the next start."""
    for title, severity in (("Billing", "3"), ("Alerts", "2"), ("Crash", "1")):
        log(desk, "magaya", severity, title=title)
    window.refresh()
    settle(qtbot, window)
    own = [row.title for row in window.model.rows()]
    header = window.table.horizontalHeader()

    def click_title() -> None:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(Column.TITLE) + 5, 5))

    def shown(titles: list[str]) -> None:
        qtbot.waitUntil(lambda: [row.title for row in window.model.rows()] == titles)

    click_title()
    shown(["Alerts", "Billing", "Crash"])
    assert window.current_filter().sort is SortKey.TITLE
    click_title()
    shown(["Crash", "Billing", "Alerts"])
    # Remembered: a window laid out from what this one saved sorts the same way.
    window.window_layout.save(window.prefs)
    window.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    window.table.sort_restored()
    assert window.current_filter().sort is None
    window.window_layout.restore(window.prefs)
    assert (window.current_filter().sort, window.current_filter().descending) == (
        SortKey.TITLE, True)
    click_title()
    shown(own)
    assert window.current_filter().sort is None
    assert own != sorted(own)  # the view's own order is not the titles'


def test_a_search_finds_words_in_the_timeline_and_everywhere_when_asked(
        qtbot, window, desk: Desk) -> None:
    open_key = log(desk, "magaya", "3", title="Invoices print blank").incident.key
    closed = log(desk, "magaya", "4", title="Old printer question").incident.key
    desk.comment(open_key, "Customer uses the Rotterdam template", author="tess")
    desk.resolve(closed, ResolutionType.ANSWER, "Told them", author="tess")
    window.refresh()
    settle(qtbot, window)
    qtbot.keyClicks(window.search, "template rotterdam")
    qtbot.waitUntil(lambda: [r.key for r in window.model.rows()] == [open_key])
    window.search.clear()
    qtbot.keyClicks(window.search, "print")
    qtbot.waitUntil(lambda: [r.key for r in window.model.rows()] == [open_key])
    window.filters.everywhere.click()  # and the resolved one too
    qtbot.waitUntil(lambda: {r.key for r in window.model.rows()} == {open_key, closed})


def test_incidents_waiting_for_their_documents_are_counted_beside_their_view(
        qtbot, window, desk: Desk) -> None:
    item = window.views.views.findItems("Waiting for documents", Qt.MatchFlag.MatchStartsWith)[0]
    key = log(desk, "catapult", "1").incident.key  # nothing counts down until the documents
    window.poll()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: item.text() == "Waiting for documents (1)")
    desk.documentation_complete(key, author="tess")
    window.poll()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: item.text() == "Waiting for documents")
