"""Recomputing every cached clock: a corrupted cache is repaired, serially and in processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, update

from deskapp.app import recompute
from deskapp.app.demo import fill
from deskapp.app.desk import Desk
from deskapp.app.queue import QueueFilter, View
from deskapp.core.errors import InputError
from deskapp.core.lifecycle import Status
from deskapp.office import Office
from deskapp.storage import recompute as storage_recompute
from deskapp.storage.models import Incident
from deskapp.storage.models import TargetClock as ClockRow

END = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(("workers", "start"), [(1, None), (2, "fork"), (2, "spawn")])
def test_recompute_repairs_a_damaged_cache(tmp_path: Path, workers: int, start: str | None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if start is not None:  # forked from a process without Qt, else started afresh
        monkeypatch.setattr(recompute, "_start_method",
                            lambda: multiprocessing.get_context(start))
    desk = Desk.open(str(tmp_path / "desk.sqlite3"), office=Office("America/New_York", "US"),
                     clock=lambda: END)
    try:
        fill(desk, 120, seed=3, end=END)
        keys = [row.key for row in desk.queue()]
        expected = {key: desk.fresh_clocks(key) for key in keys}
        with desk.writing() as session:  # damage every cached due time and next due
            session.execute(update(ClockRow).values(due_at=END - timedelta(days=999)))
            session.execute(update(Incident).values(next_due_at=None))
        assert all(desk.cached_clocks(key) != expected[key] for key in keys
                   if any(c["due_at"] for c in expected[key].values()))
        # In ranges of 50 incidents, so two workers share three ranges.
        assert recompute.recompute_all(desk, workers=workers, chunk=50) == 120
        assert {key: desk.cached_clocks(key) for key in keys} == expected
        # The queue order comes back too: running targets soonest due first, then the
        # breaches newest first.
        dues = [row.next_due_at for row in desk.queue() if row.next_due_at is not None]
        running = [due for due in dues if due > END]
        breached = [due for due in dues if due <= END]
        assert dues == sorted(running) + sorted(breached, reverse=True)
        assert running and len(running) < len(dues)
    finally:
        desk.shutdown()


def test_a_recomputation_of_an_up_to_date_cache_writes_nothing(any_database_url: str) -> None:
    desk = Desk.open(any_database_url, office=Office("America/New_York", "US"),
                     clock=lambda: END)
    try:
        fill(desk, 60, seed=3, end=END)
        writes: list[str] = []

        def note_write(connection: object, cursor: object, statement: str, *rest: object
                       ) -> None:
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                writes.append(statement)
        event.listen(desk.database.engine, "before_cursor_execute", note_write)
        assert recompute.recompute_all(desk, workers=1) == 60
        assert writes == []
    finally:
        desk.shutdown()


def damage_the_cache(desk: Desk) -> None:
    with desk.writing() as session:  # every cached due time and next due wrong
        session.execute(update(ClockRow).values(due_at=END - timedelta(days=999)))
        session.execute(update(Incident).values(next_due_at=None))


def stale(desk: Desk, keys: list[str]) -> list[str]:
    """The incidents whose cached clocks differ from their timeline's."""
    return [key for key in keys if desk.cached_clocks(key) != desk.fresh_clocks(key)]


def test_a_write_that_lands_during_a_recomputation_keeps_its_clocks(
        any_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk.open(any_database_url, office=Office("America/New_York", "US"),
                     clock=lambda: END)
    other = Desk.open(any_database_url, office=Office("America/New_York", "US"),
                      clock=lambda: END)
    try:
        fill(desk, 60, seed=3, end=END)
        keys = [row.key for row in desk.queue()]
        working = [row.key for row in desk.queue() if row.status.value == "in progress"]
        assert working
        damage_the_cache(desk)
        read_range = storage_recompute.read_range

        def read_then_another_desk_writes(*args: object) -> storage_recompute.Range:
            found = read_range(*args)  # type: ignore[arg-type]
            for key in working:  # a pause moves every pausable clock of the incident
                other.pause(key, "Waiting for logs", author="bob")
            return found

        monkeypatch.setattr(storage_recompute, "read_range", read_then_another_desk_writes)
        recompute.recompute_all(desk, workers=1)
        assert stale(desk, working) == []
        monkeypatch.undo()
        # What the recomputation left out, the next one repairs.
        recompute.recompute_all(desk, workers=1)
        assert stale(desk, keys) == []
    finally:
        other.shutdown()
        desk.shutdown()


def test_recomputing_beside_a_writer_leaves_no_stale_clock(tmp_path: Path) -> None:
    """A writer and repeated recomputations at once: no stale clock, no deadlock, no error.
    (The exact interleaving that made stale clocks is the test above.)"""
    url = str(tmp_path / "desk.sqlite3")
    desk = Desk.open(url, office=Office("America/New_York", "US"), clock=lambda: END)
    writer = Desk.open(url, office=Office("America/New_York", "US"), clock=lambda: END)
    try:
        fill(desk, 200, seed=5, end=END)
        keys = [row.key for row in desk.queue(QueueFilter(view=View.ALL_OPEN))]
        done = threading.Event()

        def write_until_done() -> None:
            turn = 0
            while not done.is_set():
                key = keys[turn % len(keys)]
                turn += 1
                with contextlib.suppress(InputError):
                    if writer.show(key).status is Status.WAITING_ON_CUSTOMER:
                        writer.resume(key, author="bob")
                    else:
                        writer.pause(key, "Waiting for logs", author="bob")

        thread = threading.Thread(target=write_until_done)
        thread.start()
        try:
            for _ in range(3):
                damage_the_cache(desk)
                recompute.recompute_all(desk, workers=1, chunk=20)
        finally:
            done.set()
            thread.join()
        assert stale(desk, keys) == []
    finally:
        writer.shutdown()
        desk.shutdown()
