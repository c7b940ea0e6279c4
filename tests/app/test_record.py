"""An incident's row as a write reads and stores it: only what changed, never over a newer row."""

from __future__ import annotations

import pytest

from deskapp.app.desk import ConflictError, Desk
from deskapp.core.lifecycle import Status
from deskapp.storage import records
from deskapp.storage.records import read_record, write_record
from tests.app.support import Clock, draft, snapshot


def test_a_record_lists_only_the_columns_a_change_touched(desk: Desk) -> None:
    number = desk.log(draft(), author="ana").incident.number
    with desk.database.engine.connect() as connection:
        record = read_record(connection, number)
    assert record is not None
    assert (record.vendor_key, record.product_name, record.assignee_name) == (
        "maqsu", "MAQSU Services", None)
    assert record.changes() == {}
    record.status = Status.IN_PROGRESS.value
    record.title = record.title  # set, but not changed
    assert record.changes() == {"status": Status.IN_PROGRESS.value}


def test_a_record_is_not_written_over_a_row_changed_since_it_was_read(
        desk: Desk, clock: Clock) -> None:
    logged = desk.log(draft(title="Orders will not save"), author="ana").incident
    with desk.database.engine.connect() as connection:
        record = read_record(connection, logged.number)
    assert record is not None
    clock.advance(minutes=1)
    desk.comment(logged.key, "Looking at it", author="bob")
    record.title = "Stale title"
    with desk.database.engine.begin() as connection:
        assert not write_record(connection, record, author="ana", at=clock())
    shown = desk.show(logged.key)
    assert (shown.title, shown.updated_by) == ("Orders will not save", "bob")


def test_a_write_that_finds_its_row_changed_is_refused_whole(
        desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    key = desk.log(draft(), author="ana").incident.key
    before = snapshot(desk, key)
    monkeypatch.setattr(records, "write_record", lambda *args, **kwargs: False)
    clock.advance(minutes=1)
    with pytest.raises(ConflictError, match=r"^INC-000001 was changed by ana at "):
        desk.respond(key, "On it", author="bob")
    assert snapshot(desk, key) == before
