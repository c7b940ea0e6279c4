"""What a terminal receives: arguments it could not decode are refused, and text typed into
an incident is printed so that its escape sequences are seen, not obeyed."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from deskapp.cli import incident as incident_cli
from deskapp.storage.engine import sqlite_url
from tests.cli.test_incident_cli import NOW, Clock, assert_refused, ok, refusal_db, run

__all__ = ["refusal_db"]  # the fixture, used here as well

HOSTILE = "Payroll \x1b[2J\x1b]0;pwned\x07 stops\x9b31m\u202eevil\rfake"
# Every character a terminal would obey, in the title above.
OBEYED = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


@pytest.fixture(autouse=True)
def singapore_office(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setattr(incident_cli, "clock", Clock(NOW))


@pytest.mark.parametrize("argv", [
    ["add", "--vendor", "maqsu", "--severity", "high", "--title", os.fsdecode(b"Pay\xffroll")],
    ["add", "--vendor", "maqsu", "--severity", "high", "--title=" + os.fsdecode(b"\xfe")],
    ["update", "INC-000001", "--comment", "\ud800"],
    ["assign", "INC-000001", os.fsdecode(b"an\xe9")],
    ["update", "INC-000001", "--comment", "a\x00b"],
], ids=["title", "title=", "lone surrogate", "positional", "NUL"])
def test_text_the_terminal_could_not_decode_is_refused(
        capsys: pytest.CaptureFixture[str], refusal_db: str, argv: list[str]) -> None:
    line = assert_refused(capsys, refusal_db, ["incident", *argv])
    assert ("is not utf-8 text" in line and "type it again" in line) or "NUL" in line, line
    if argv[0] == "add":
        assert "the value of --title" in line
        assert "b'" in line  # the bytes that came, as they came


def test_a_title_with_escape_sequences_is_shown_not_obeyed(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    db = sqlite_url(path)
    key = ok(capsys, db, "incident", "add", "--vendor", "maqsu", "--severity", "high",
             "--title", "Payroll stops", "--at", "2026-12-18T09:00+08:00", "--as", "ana").strip()
    # Written past the desk's own checks, as an older version or another program could have.
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE incidents SET title = ?, description = ?",
                           (HOSTILE, "line one\nline two \x1b[2J"))
    connection.close()

    listing = ok(capsys, db, "incident", "list", "--now", NOW)
    shown = ok(capsys, db, "incident", "show", key, "--now", NOW)
    for out in (listing, shown):
        assert not any(c in out for c in OBEYED), out
        assert "\\x1b[2J\\x1b]0;pwned\\x07" in out
    assert "\\x9b31m\\u202eevil\\rfake" in shown
    assert "\nline one\nline two \\x1b[2J\n" in shown  # a description keeps its lines

    listed_json = ok(capsys, db, "incident", "list", "--now", NOW, "--json")
    shown_json = ok(capsys, db, "incident", "show", key, "--now", NOW, "--json")
    for out in (listed_json, shown_json):
        assert not any(c in out for c in OBEYED), out
    # The escapes are JSON's own: a script reads the title back as it is.
    assert json.loads(listed_json)[0]["title"] == HOSTILE
    assert json.loads(shown_json)["title"] == HOSTILE


def test_an_error_quoting_control_characters_stays_one_line(
        capsys: pytest.CaptureFixture[str], refusal_db: str) -> None:
    code, out, err = run(capsys, refusal_db, "incident", "list", "--view", "a\nb\x1b[2J")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "\x1b" not in err, err
