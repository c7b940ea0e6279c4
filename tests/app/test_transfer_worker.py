"""A large export imported on two processors: the same database, the same refusals, as an
import in one process."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from deskapp.app import demo, transfer, transfer_worker
from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from deskapp.storage import search
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, draft, open_desk, start_clock

# Every table an import writes, as stored, to the character.
TABLES = ("SELECT * FROM incidents ORDER BY id", "SELECT * FROM incident_events ORDER BY id",
          "SELECT * FROM target_clocks ORDER BY incident_id, metric",
          "SELECT * FROM users ORDER BY id", "SELECT * FROM agreement_versions ORDER BY id",
          "SELECT rowid, incident_id, words FROM incident_words ORDER BY rowid",
          "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    clock = start_clock()
    folder = tmp_path_factory.mktemp("source")
    desk = open_desk(sqlite_url(folder / "source.sqlite3"), clock)
    try:
        demo.fill(desk, 300, 5, end=clock.now)
        desk.log(draft(title="Ünïcode and a\nnew line", assignee="zoë"), author="ana")
        out = io.StringIO()
        transfer.export_json(desk, out)
    finally:
        desk.shutdown()
    return out.getvalue().encode()


@pytest.fixture
def in_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every import on two processors, in chunks of 40 incidents."""
    _in_two(monkeypatch)
    yield


def _in_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer_worker, "SMALLEST", 0)
    monkeypatch.setattr(transfer_worker, "CHUNK", 40)
    monkeypatch.setattr(transfer_worker, "INDEXED_EVERY", 3)


def _rows(path: Path) -> list[list[Any]]:
    with closing(sqlite3.connect(path)) as connection:
        return [connection.execute(query).fetchall() for query in TABLES]


def _import(folder: Path, clock: Clock, data: bytes, *, prepared: bool = False
            ) -> tuple[transfer.Imported | str, list[list[Any]]]:
    """What importing ``data`` into a new desk gives (or its refusal), and its tables."""
    path = folder / "target.sqlite3"
    desk = open_desk(sqlite_url(path), clock)
    try:
        if prepared:  # a desk that already holds one of the numbers
            desk.log(draft(title="Already here"), author="ana")
        try:
            done: transfer.Imported | str = transfer.import_json(desk, data)
        except InputError as error:
            done = str(error)
    finally:
        desk.shutdown()
    return done, _rows(path)


def _both(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, data: bytes,
          **options: bool) -> tuple[Any, Any]:
    """The outcome of one import in one process and of one on two, each into a new desk."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    alone = _import(tmp_path / "one", clock, data, **options)
    _in_two(monkeypatch)
    return alone, _import(tmp_path / "two", clock, data, **options)


def test_two_processors_write_what_one_writes(
        exported: bytes, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, in_two = _both(tmp_path, clock, monkeypatch, exported)
    assert isinstance(alone[0], transfer.Imported) and alone[0].incidents == 301
    assert in_two == alone


def _changed(data: bytes, change: Any) -> bytes:
    document = json.loads(data)
    change(document["incidents"])
    return json.dumps(document).encode()


def _bad_everywhere(incidents: list[Any]) -> None:
    incidents[3]["status"] = "gone"  # in the first chunk
    incidents[120] = "not an incident"  # in the fourth
    incidents[250]["vendor"] = "nobody"  # in the seventh
    incidents[299]["key"] = incidents[5]["key"]  # the last chunk repeats the first's
    incidents[300]["events"] = []


@pytest.mark.parametrize("change, prepared", [
    (_bad_everywhere, False),
    (lambda incidents: incidents.append(dict(incidents[7])), False),  # a number twice
    (lambda incidents: None, True),  # a number already in the database
])
def test_two_processors_refuse_as_one_does_and_write_nothing(
        exported: bytes, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch,
        change: Any, prepared: bool) -> None:
    data = _changed(exported, change)
    alone, in_two = _both(tmp_path, clock, monkeypatch, data, prepared=prepared)
    assert isinstance(alone[0], str) and "nothing" in alone[0]
    assert in_two == alone


def test_a_worker_that_stops_leaves_its_chunks_to_the_importing_process(
        exported: bytes, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    def stops_after_one(out: Any, plan: Any, sla: Any, claims: Any) -> None:
        transfer_worker._claim(claims, 2)  # takes a chunk, and never sends it
        out.close()

    alone, _ = _both(tmp_path, clock, monkeypatch, exported)
    monkeypatch.setattr(transfer_worker, "_work", stops_after_one)
    (tmp_path / "three").mkdir()
    assert _import(tmp_path / "three", clock, exported) == alone


def test_a_bad_file_is_refused_before_a_second_process_starts(
        sqlite_desk: Desk, in_two: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any) -> None:
        raise AssertionError("no second process for a file that is not an export")

    monkeypatch.setattr(transfer_worker, "_work", never)
    with pytest.raises(InputError, match="not JSON"):
        transfer.import_json(sqlite_desk, b"{\"format\": \"deskapp incidents\", \"version\"")


def test_search_triggers_of_another_shape_index_as_they_go(
        exported: bytes, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, _ = _both(tmp_path, clock, monkeypatch, exported)
    monkeypatch.setattr(search, "_INSERT_TRIGGER", re.compile("a shape no trigger has"))
    (tmp_path / "three").mkdir()
    assert _import(tmp_path / "three", clock, exported) == alone
