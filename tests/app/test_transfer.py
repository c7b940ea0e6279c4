"""Export to JSON and import into another desk: the same incidents, timelines and clocks."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from deskapp.app import demo, transfer
from deskapp.app.desk import Desk
from deskapp.core.errors import InputError
from deskapp.storage.engine import sqlite_url
from tests.app.support import Clock, draft, open_desk


def _export(desk: Desk) -> dict[str, Any]:
    out = io.StringIO()
    transfer.export_json(desk, out)
    document: dict[str, Any] = json.loads(out.getvalue())
    document.pop("exported_at")
    return document


def _all_clocks(desk: Desk) -> dict[str, Any]:
    keys = [item["key"] for item in _export(desk)["incidents"]]
    return {key: desk.cached_clocks(key) for key in keys}


def _raw(path: Path, query: str) -> list[Any]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def _queue(desk: Desk, clock: Clock) -> list[Any]:
    """The open queue, each clock by its fields (each desk has its own calendars)."""
    return [(replace(row, clocks=()), [(c.metric, c.clock_start, c.due, c.warning_at,
                                        c.met_at, c.paused_since) for c in row.clocks])
            for row in desk.queue(now=clock.now)]


@pytest.fixture
def filled(tmp_path: Path, clock: Clock) -> Desk:
    desk = open_desk(sqlite_url(tmp_path / "source.sqlite3"), clock)
    demo.fill(desk, 300, 5, end=clock.now)
    desk.log(draft(title="Ünïcode \u202e and a\nnew line", assignee="zoë"), author="ana")
    return desk


def test_export_then_import_gives_the_same_incidents_timelines_and_clocks(
        filled: Desk, tmp_path: Path, clock: Clock) -> None:
    out = io.StringIO()
    assert transfer.export_json(filled, out) == 301
    text = out.getvalue()
    assert text.isascii()
    document = json.loads(text)
    assert document["version"] == transfer.VERSION
    assert document["incidents"][0]["reported_at"].endswith("Z")
    target = open_desk(sqlite_url(tmp_path / "target.sqlite3"), clock)
    try:
        done = transfer.import_json(target, text.encode())
        assert (done.incidents, done.first, done.last) == (301, "INC-000001", "INC-000301")
        assert done.events == sum(len(item["events"]) for item in document["incidents"])
        again = _export(target)
        document.pop("exported_at")
        assert again == document
        assert _all_clocks(target) == _all_clocks(filled)
        # ... which are what a fresh computation gives
        for key in ("INC-000001", "INC-000150", "INC-000301"):
            assert target.cached_clocks(key) == target.fresh_clocks(key)
        assert _queue(target, clock) == _queue(filled, clock)
        # Stored as the desk's own writes store them, to the character.
        for query in ("SELECT number, title, reported_at, updated_at, next_due_at, is_open "
                      "FROM incidents ORDER BY number",
                      "SELECT number, seq, at, recorded_at, data FROM incident_events JOIN "
                      "incidents ON incidents.id = incident_id ORDER BY number, seq",
                      "SELECT number, metric, due_at, warning_at, paused_seconds FROM "
                      "target_clocks JOIN incidents ON incidents.id = incident_id "
                      "ORDER BY number, metric"):
            assert _raw(tmp_path / "target.sqlite3", query) == _raw(
                tmp_path / "source.sqlite3", query)
    finally:
        target.shutdown()
        filled.shutdown()


def test_an_import_into_a_desk_holding_those_numbers_changes_nothing(
        filled: Desk) -> None:
    out = io.StringIO()
    transfer.export_json(filled, out)
    before = _export(filled)
    with pytest.raises(InputError, match="301 of the incidents are already in the database"):
        transfer.import_json(filled, out.getvalue().encode())
    assert _export(filled) == before
    filled.shutdown()


def _file(**changes: Any) -> dict[str, Any]:
    incident = {
        "key": "INC-000007", "vendor": "maqsu", "product": "MAQSU Services",
        "agreement": None, "assignee": None, "title": "T", "description": "",
        "reporter": "", "contact": "", "channel": "phone", "severity": "high",
        "tier": "l1", "status": "new", "site_zone": None, "site_country": None,
        "vendor_ref": None, "category": None, "filing_deadline": None, "agreed_due": None,
        "resolution_type": None, "documentation_complete_at": None,
        "reported_at": "2027-02-01T10:00:00Z", "created_at": "2027-02-01T10:00:00Z",
        "updated_at": "2027-02-01T10:00:00Z", "updated_by": "ana", "version": 1,
        "events": [{"kind": "created", "at": "2027-02-01T10:00:00Z", "author": "ana",
                    "data": {"severity": "high", "tier": "l1"}}]}
    incident.update(changes)
    return {"format": transfer.FORMAT, "version": 1, "agreements": [],
            "incidents": [incident]}


def test_a_small_hand_written_file_imports(sqlite_desk: Desk) -> None:
    tier = sqlite_desk.agreements()["maqsu"].tiers[0].key
    document = _file(tier=tier)
    document["incidents"][0]["events"][0]["data"]["tier"] = tier
    done = transfer.import_json(sqlite_desk, json.dumps(document).encode())
    assert done.incidents == 1
    assert sqlite_desk.cached_clocks("INC-000007") == sqlite_desk.fresh_clocks("INC-000007")
    assert sqlite_desk.show("INC-000007").title == "T"


@pytest.mark.parametrize("data, message", [
    (b"", "not JSON"),
    (b"\xff\xfe\x00\xd8garbage\x00", "not"),
    (bytes(range(256)) * 40, "not"),
    (b"[" * 100_000, "nests too deep|not JSON"),
    (b"{\"format\": \"something else\"}", "not a deskapp export"),
    (json.dumps({"format": transfer.FORMAT, "version": 2, "incidents": []}).encode(),
     "newer deskapp"),
    (json.dumps(_file(vendor="nobody")).encode(), "INC-000007: unknown vendor 'nobody'"),
    (json.dumps(_file(reported_at="yesterday")).encode(), "reported_at 'yesterday'"),
    (json.dumps(_file(reported_at="2027-02-01T10:00")).encode(), "no UTC offset"),
    (json.dumps(_file(status="lost")).encode(), "unknown status 'lost'"),
    (json.dumps(_file(events=[{"kind": "exploded", "at": "2027-02-01T10:00:00Z",
                               "author": "a"}])).encode(), "unknown kind 'exploded'"),
    (json.dumps(_file(events=[])).encode(), "has no timeline"),
    (json.dumps(_file(events=[{"kind": ["created"], "at": "2027-02-01T10:00:00Z",
                               "author": "a"}])).encode(), "unknown kind"),
    (json.dumps(_file(events=[{"kind": "created", "at": "2027-02-01T10:00:00Z",
                               "author": "a", "data": {"x": 1}}])).encode(), "map names"),
])
def test_bad_files_are_one_message_and_change_nothing(
        sqlite_desk: Desk, data: bytes, message: str) -> None:
    sqlite_desk.log(draft(title="Already here"), author="ana")
    before = _export(sqlite_desk)
    with pytest.raises(InputError, match=message):
        transfer.import_json(sqlite_desk, data)
    assert _export(sqlite_desk) == before


def test_fifty_megabytes_of_junk(sqlite_desk: Desk) -> None:
    junk = (b"{\"format\": \"deskapp incidents\", \"version\": 1, \"incidents\": ["
            + b"\x00\x17junk" * (50 * 1024 * 1024 // 6))
    with pytest.raises(InputError, match=r"not JSON|not text"):
        transfer.import_json(sqlite_desk, junk)
    assert _export(sqlite_desk)["incidents"] == []


def test_every_bad_incident_is_named_and_none_imported(sqlite_desk: Desk) -> None:
    document = _file()
    good = document["incidents"][0]
    document["incidents"] = [
        good, {**good, "key": "INC-000008", "vendor": "x"},
        {**good, "key": "INC-000009", "status": "gone"}, "not an incident"]
    with pytest.raises(InputError) as caught:
        transfer.import_json(sqlite_desk, json.dumps(document).encode())
    message = str(caught.value)
    assert "3 of the incidents cannot be imported, so nothing was" in message
    assert "incident INC-000008: unknown vendor" in message
    assert "incident INC-000009: unknown status" in message
    assert "incident 4: is not an object" in message
    assert _export(sqlite_desk)["incidents"] == []


def test_an_export_imports_into_sqlite_or_postgresql_with_the_same_clocks(
        filled: Desk, any_database_url: str, clock: Clock) -> None:
    out = io.StringIO()
    transfer.export_json(filled, out)
    target = open_desk(any_database_url, clock)
    try:
        assert transfer.import_json(target, out.getvalue().encode()).incidents == 301
        assert _export(target)["incidents"] == _export(filled)["incidents"]
        assert _all_clocks(target) == _all_clocks(filled)
        # numbering goes on after the imported incidents
        assert target.log(draft(), author="ana").incident.key == "INC-000302"
    finally:
        target.shutdown()
        filled.shutdown()
