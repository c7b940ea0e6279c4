"""Desk.open(..., read_only=True): every reading use case works, every write is one message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskapp.app.desk import Desk, read_only_url
from deskapp.app.queue import QueueFilter, View
from deskapp.app.views import IncidentDraft
from deskapp.core.lifecycle import ResolutionType
from deskapp.core.workflow import Comment
from deskapp.storage.database import Database
from deskapp.storage.engine import sqlite_url
from deskapp.storage.errors import Problem, StorageError

AT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {item.name: (item.read_bytes(), item.stat().st_mtime_ns)
            for item in folder.iterdir()}


def _filled(path: Path) -> str:
    desk = Desk.open(sqlite_url(path), clock=lambda: AT)
    try:
        agreement = desk.agreements()["magaya"]
        return desk.log(IncidentDraft(vendor="magaya", product=agreement.products[0],
                                      title="Cannot post", severity="1",
                                      channel=agreement.severity("1").channels[0]),
                        author="tess").incident.key
    finally:
        desk.shutdown()


def test_a_read_only_desk_reads_everything_and_writes_nothing(tmp_path: Path) -> None:
    key = _filled(tmp_path / "desk.sqlite3")
    before = _snapshot(tmp_path)
    desk = Desk.open(str(tmp_path / "desk.sqlite3"), clock=lambda: AT, read_only=True)
    try:
        assert desk.read_only
        assert desk.database_name == str(tmp_path / "desk.sqlite3")
        assert [row.key for row in desk.queue(QueueFilter(View.ALL_OPEN), AT)] == [key]
        assert desk.show(key, AT).title == "Cannot post"
        assert desk.fresh_clocks(key) == desk.cached_clocks(key)
        assert desk.waiting_for_documents() == 0
        assert "magaya" in desk.agreements() and desk.users() == ["tess"]

        writes = [
            lambda: desk.apply(key, [Comment("x")], author="tess"),
            lambda: desk.resolve(key, ResolutionType.ANSWER, author="tess"),
            lambda: desk.log(IncidentDraft(vendor="magaya", product="x", title="t",
                                           severity="1", channel="phone")),
            lambda: desk.set_office("Asia/Manila", "PH"),
            lambda: desk.recompute_all(),
        ]
        for write in writes:
            with pytest.raises(StorageError, match="is open read-only: nothing can be "
                                                   "changed in it") as refused:
                write()
            assert refused.value.problem is Problem.READ_ONLY
        assert desk.show(key, AT).version == 1  # nothing was changed
    finally:
        desk.shutdown()
    assert _snapshot(tmp_path) == before


def test_opening_read_only_stores_no_shipped_agreement(tmp_path: Path) -> None:
    """A database with the schema and nothing else: opened normally, the shipped agreements
    would be stored at once; read-only, the file stays as it was and the desk still opens."""
    path = tmp_path / "bare.sqlite3"
    Database.open(sqlite_url(path)).close()
    before = _snapshot(tmp_path)
    desk = Desk.open(read_only_url(str(path)))  # the URL alone says read-only
    try:
        assert desk.read_only and desk.agreements() == {}
        assert desk.queue(QueueFilter(View.ALL_OPEN), AT) == []
    finally:
        desk.shutdown()
    assert _snapshot(tmp_path) == before


def test_a_desk_opened_normally_is_not_read_only(tmp_path: Path) -> None:
    desk = Desk.open(sqlite_url(tmp_path / "desk.sqlite3"))
    try:
        assert not desk.read_only
        desk.database.refuse_if_read_only()  # says nothing
    finally:
        desk.shutdown()
