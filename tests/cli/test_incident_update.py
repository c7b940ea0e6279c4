"""`deskapp incident update` with several options is one write: another workstation's change
never lands between its entries, and a refused option leaves nothing of the others."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from deskapp.app.desk import Changed, Desk
from deskapp.cli import incident as incident_cli
from deskapp.cli import main
from deskapp.core.workflow import Change, EditFields
from deskapp.storage.engine import open_engine

NOW = datetime.fromisoformat("2026-12-20T12:00:00+08:00")
CONFLICT = "INC-000001 was changed by bob at 2026-12-20 12:00, reload it and try again"


@pytest.fixture(autouse=True)
def singapore_office(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.setenv("DESKAPP_OFFICE_COUNTRY", "SG")
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setattr(incident_cli, "clock", lambda: NOW)


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, "incident", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def shown(capsys: pytest.CaptureFixture[str], db: str, key: str) -> dict[str, Any]:
    code, out, err = run(capsys, db, "show", key, "--json")
    assert (code, err) == (0, ""), err
    found: dict[str, Any] = json.loads(out)
    return found


def snapshot(url: str) -> list[list[tuple[Any, ...]]]:
    """Every row an incident's write touches."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return [sorted((tuple(row) for row in connection.execute(
                        text(f"SELECT * FROM {table}")).all()), key=repr)
                    for table in ("incidents", "incident_events", "target_clocks", "users")]
    finally:
        engine.dispose()


def logged(capsys: pytest.CaptureFixture[str], db: str) -> str:
    """INC-000001: Magaya severity 3, in progress, logged by Ana."""
    for argv in (["add", "--vendor", "magaya", "--severity", "3", "--title", "Rates are wrong",
                  "--at", "2026-12-18T09:00+08:00", "--as", "ana"],
                 ["update", "INC-000001", "--status", "in progress",
                  "--at", "2026-12-18T09:30+08:00", "--as", "ana"]):
        code, _, err = run(capsys, db, *argv)
        assert (code, err) == (0, ""), err
    return "INC-000001"


def test_a_change_from_another_workstation_during_an_update_refuses_all_of_it(
        capsys: pytest.CaptureFixture[str], any_database_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = any_database_url
    key = logged(capsys, db)
    seen = shown(capsys, db, key)["version"]
    other = Desk.open(db, clock=lambda: NOW)
    writes: list[list[str]] = []
    left_by_bob: list[list[list[tuple[Any, ...]]]] = []
    apply = Desk.apply

    def apply_while_bob_writes(desk: Desk, key: str, changes: Sequence[Change],
                               **how: Any) -> Changed:
        names = [type(change).__name__ for change in changes]
        if desk is not other:
            writes.append(names)
            if "Comment" in names:
                # Bob assigns the incident to himself just before Ana's comment is written.
                other.assign(key, "bob", author="bob")
                left_by_bob.append(snapshot(db))
        return apply(desk, key, changes, **how)

    monkeypatch.setattr(Desk, "apply", apply_while_bob_writes)
    try:
        code, out, err = run(capsys, db, "update", key, "--title", "Rates are wrong on exports",
                             "--comment", "Reproduced it", "--if-version", str(seen),
                             "--as", "ana")
    finally:
        other.shutdown()

    assert (code, out, err) == (2, "", f"deskapp: error: {CONFLICT}\n")
    assert writes == [["EditFields", "Comment"]]  # one write, both changes
    # Nothing of Ana's update is stored: the incident is exactly as Bob left it.
    assert snapshot(db) == left_by_bob[0]
    after = shown(capsys, db, key)
    assert (after["title"], after["assignee"]) == ("Rates are wrong", "bob")
    assert [e["kind"] for e in after["timeline"]] == ["created", "status changed", "assigned"]


def test_another_workstation_writing_while_an_update_is_stored_waits_for_all_of_it(
        capsys: pytest.CaptureFixture[str], any_database_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = any_database_url
    key = logged(capsys, db)
    other = Desk.open(db, clock=lambda: NOW)
    bob = threading.Thread(target=lambda: other.comment(key, "Bob was here", author="bob"))
    edit = EditFields.apply

    def edit_while_bob_writes(change: EditFields, incident: Any, context: Any) -> Any:
        # Ana's first change is applied; Bob's write starts before her update is stored.
        if bob.ident is None:
            bob.start()
        return edit(change, incident, context)

    monkeypatch.setattr(EditFields, "apply", edit_while_bob_writes)
    try:
        code, out, err = run(capsys, db, "update", key, "--title", "Rates are wrong on exports",
                             "--comment", "Reproduced it", "--as", "ana")
        bob.join(timeout=30)
    finally:
        other.shutdown()

    assert (code, err) == (0, ""), err
    assert out.startswith(f"{key}: in progress (version ")
    assert not bob.is_alive()
    timeline = shown(capsys, db, key)["timeline"]
    # Bob's comment comes after the whole of Ana's update, never between its entries.
    assert [(e["kind"], e["author"]) for e in timeline[2:]] == [
        ("fields changed", "ana"), ("comment", "ana"), ("comment", "bob")]


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--title", "New title", "--status", "resolved"], "use deskapp incident resolve"),
    (["--title", "New title", "--comment", "ok", "--status", "in progress"],
     "already in progress"),
    (["--title", "New title", "--severity", "1", "--reason", "all users", "--agreed-due",
      "2026-12-30T17:00"], "has fixed targets"),
    (["--title", "New title", "--customer-update", "hello", "--documentation-complete"],
     "do not wait for documentation"),
])
def test_an_update_with_one_refused_option_stores_none_of_the_others(
        capsys: pytest.CaptureFixture[str], any_database_url: str, argv: list[str],
        fragment: str) -> None:
    db = any_database_url
    key = logged(capsys, db)
    before = snapshot(db)
    code, out, err = run(capsys, db, "update", key, *argv, "--as", "ana")
    assert (code, out) == (2, "")
    assert err.startswith("deskapp: error: ") and fragment in err and err.count("\n") == 1
    assert snapshot(db) == before
    assert shown(capsys, db, key)["title"] == "Rates are wrong"


def test_options_that_change_nothing_are_refused_by_the_desk(
        capsys: pytest.CaptureFixture[str], any_database_url: str) -> None:
    db = any_database_url
    key = logged(capsys, db)
    before = snapshot(db)
    code, out, err = run(capsys, db, "update", key, "--title", " Rates are wrong ",
                         "--vendor-ref", "")
    assert (code, out, err) == (2, "", f"deskapp: error: nothing to change on {key}\n")
    assert snapshot(db) == before
