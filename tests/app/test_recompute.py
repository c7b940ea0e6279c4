"""Recomputing every cached clock: a corrupted cache is repaired, serially and in processes."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, update

from deskapp.app import recompute
from deskapp.app.demo import fill
from deskapp.app.desk import Desk
from deskapp.office import Office
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
        # The queue order comes back too: soonest next due first.
        dues = [row.next_due_at for row in desk.queue() if row.next_due_at is not None]
        assert dues == sorted(dues) and dues
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
