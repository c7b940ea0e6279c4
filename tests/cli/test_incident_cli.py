"""`deskapp incident`: a whole lifecycle with --at times and hand-reasoned clocks, the queue,
updates, escalations, --if-version, --db/--as, and one-line errors that write nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskapp.cli import incident as incident_cli
from deskapp.cli import main
from deskapp.storage.engine import open_engine, sqlite_url

# The office is in Singapore: a time typed without an offset is +08:00.
NOW = "2026-12-20T12:00:00+08:00"


class Clock:
    """The command line's 'now', set by the test."""

    def __init__(self, now: str) -> None:
        self.now = datetime.fromisoformat(now)

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: str) -> None:
        self.now = datetime.fromisoformat(now)


@pytest.fixture(autouse=True)
def singapore_office(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.setenv("DESKAPP_OFFICE_COUNTRY", "SG")
    monkeypatch.delenv("DESKAPP_DB", raising=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(NOW)
    monkeypatch.setattr(incident_cli, "clock", fixed)
    return fixed


@pytest.fixture
def db(any_database_url: str, clock: Clock) -> str:
    """An empty database (SQLite, then PostgreSQL) and a fixed clock."""
    return any_database_url


@pytest.fixture
def sqlite_db(tmp_path: Path, clock: Clock) -> str:
    return sqlite_url(tmp_path / "desk.sqlite3")


# ----- helpers ------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> str:
    code, out, err = run(capsys, db, *argv)
    assert (code, err) == (0, ""), err
    return out


def show(capsys: pytest.CaptureFixture[str], db: str, key: str, now: str | None = None
         ) -> dict[str, Any]:
    extra = ["--now", now] if now else []
    result: dict[str, Any] = json.loads(ok(capsys, db, "incident", "show", key, "--json",
                                           *extra))
    return result


def target(shown: dict[str, Any], metric: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in shown["targets"] if t["metric"] == metric)
    return found


def listed(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> list[str]:
    rows = json.loads(ok(capsys, db, "incident", "list", "--json", "--now", NOW, *argv))
    return [row["key"] for row in rows]


def snapshot(url: str) -> list[list[tuple[Any, ...]]]:
    """Every row deskapp writes, to check that a refused command wrote nothing."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return [sorted((tuple(row) for row in connection.execute(
                        text(f"SELECT * FROM {table}")).all()), key=repr)
                    for table in ("incidents", "incident_events", "target_clocks", "users",
                                  "products", "agreement_versions")]
    finally:
        engine.dispose()


def assert_refused(capsys: pytest.CaptureFixture[str], db: str, argv: list[str],
                   *fragments: str) -> str:
    """Exit 2, nothing on stdout, one ``deskapp: error:`` line naming the problem, no write."""
    before = snapshot(db)
    code, out, err = run(capsys, db, *argv)
    assert (code, out) == (2, ""), (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith("deskapp: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert snapshot(db) == before, "a refused command wrote to the database"
    return lines[0]


def version_printed(out: str) -> int:
    """The version in a write's ``INC-000001: status (version N)`` line."""
    return int(out.strip().rsplit("(version ", 1)[1].rstrip(")"))


def add(capsys: pytest.CaptureFixture[str], db: str, vendor: str, severity: str, at: str,
        *extra: str, title: str = "Something is wrong") -> str:
    out = ok(capsys, db, "incident", "add", "--vendor", vendor, "--severity", severity,
             "--title", title, "--at", at, "--as", "ana", *extra)
    return out.splitlines()[0]


# ----- a whole lifecycle, reasoned by hand -----------------------------------------------------

# MAQSU's calendar (Singapore): Mon-Fri 08:30-17:30, Sat 08:30-13:00. High: response 4 and
# resolution 12 business hours. Logged Fri 2026-12-11 15:00: Fri gives 2h30 (to 17:30),
# Sat 4h30, so the response is due Sat 10:00 and the resolution Mon 2026-12-14 13:30.


def test_a_lifecycle_logged_afterwards_with_at_times(capsys: pytest.CaptureFixture[str],
                                                     db: str) -> None:
    out = ok(capsys, db, "incident", "add", "--vendor", "maqsu", "--severity", "high",
             "--title", "Payroll run stops at 60 %", "--reporter", "Grace Lim",
             "--contact", "+65 6555 0137", "--category", "Bug fix",
             "--at", "2026-12-11T15:00+08:00", "--as", "ana")
    assert out == "INC-000001\n"
    key = "INC-000001"

    shown = show(capsys, db, key, "2026-12-11T15:00+08:00")
    assert shown["status"] == "new" and shown["reported_at"] == "2026-12-11T15:00:00+08:00"
    response, resolution = target(shown, "response"), target(shown, "resolution")
    assert response["clock_start"] == "2026-12-11T15:00:00+08:00"
    assert response["due"] == "2026-12-12T10:00:00+08:00"
    assert (response["state"], response["left_seconds"]) == ("running", 4 * 3600)
    assert resolution["due"] == "2026-12-14T13:30:00+08:00"
    assert (resolution["left_seconds"], resolution["paused_seconds"]) == (12 * 3600, 0)

    ok(capsys, db, "incident", "assign", key, "bob", "--at", "2026-12-11T15:05+08:00",
       "--as", "ana")
    out = ok(capsys, db, "incident", "respond", key, "--text", "Looking into it",
             "--at", "2026-12-11T16:00+08:00", "--as", "bob")
    assert out.startswith(f"{key}: acknowledged (version ")
    ok(capsys, db, "incident", "update", key, "--status", "in progress",
       "--at", "2026-12-11T16:10+08:00", "--as", "bob")
    # Waiting on the customer for one business hour on Monday morning.
    out = ok(capsys, db, "incident", "pause", key, "--note", "Asked for the log files",
             "--at", "2026-12-14T09:00+08:00", "--as", "bob")
    assert out.startswith(f"{key}: waiting on customer")

    # During the pause the countdown stands still (4h30 left from 09:00 to 13:30) while
    # the due time moves with the pause (30 minutes so far).
    paused = target(show(capsys, db, key, "2026-12-14T09:30+08:00"), "resolution")
    assert paused["state"] == "paused"
    assert paused["due"] == "2026-12-14T14:00:00+08:00"
    assert (paused["left_seconds"], paused["paused_seconds"]) == (4.5 * 3600, 1800)
    assert paused["paused_since"] == "2026-12-14T09:00:00+08:00"

    ok(capsys, db, "incident", "resume", key, "--at", "2026-12-14T10:00+08:00", "--as", "bob")
    shown = show(capsys, db, key, "2026-12-14T10:00+08:00")
    resolution = target(shown, "resolution")
    assert resolution["state"] == "running"
    assert resolution["due"] == "2026-12-14T14:30:00+08:00"
    assert (resolution["left_seconds"], resolution["paused_seconds"]) == (4.5 * 3600, 3600)
    # The response was met at Fri 16:00 with 3h to spare (16:00-17:30 and Sat 08:30-10:00).
    response = target(shown, "response")
    assert (response["state"], response["left_seconds"]) == ("met", 3 * 3600)
    assert response["met_at"] == "2026-12-11T16:00:00+08:00"
    assert (shown["status"], shown["assignee"]) == ("in progress", "bob")

    text_out = ok(capsys, db, "incident", "show", key, "--now", "2026-12-14T10:00+08:00")
    resolution_line = next(line for line in text_out.splitlines()
                           if line.startswith("Resolution"))
    assert "Mon 2026-12-14 14:30 +08" in resolution_line
    assert "4h 30m" in resolution_line and resolution_line.rstrip().endswith("1h")
    assert "met, 3h to spare" in text_out
    assert "2026-12-11 15:00 +08  ana  created" in text_out
    assert "2026-12-11 16:00 +08  bob  response sent  (text: Looking into it)" in text_out
    assert "2026-12-14 09:00 +08  bob  status changed  (status: waiting on customer; " \
           "text: Asked for the log files)" in text_out

    # Critical after all: 4 business hours from the original start, due Sat 10:00. The
    # pause began after that, so it changes nothing; at Mon 10:30 it is 5h overdue
    # (Sat 10:00-13:00 and Mon 08:30-10:30).
    ok(capsys, db, "incident", "update", key, "--severity", "critical",
       "--reason", "Payroll is halted for everyone", "--at", "2026-12-14T10:30+08:00",
       "--as", "carol")
    shown = show(capsys, db, key, "2026-12-14T10:30+08:00")
    resolution = target(shown, "resolution")
    assert (shown["severity"], resolution["state"]) == ("critical", "breached")
    assert resolution["due"] == "2026-12-12T10:00:00+08:00"
    assert (resolution["left_seconds"], resolution["paused_seconds"]) == (-5 * 3600, 0)
    assert "-5h" in ok(capsys, db, "incident", "show", key, "--now", "2026-12-14T10:30+08:00")

    out = ok(capsys, db, "incident", "resolve", key, "--type", "existing code correction",
             "--text", "Patched the payroll job", "--at", "2026-12-14T11:00+08:00",
             "--as", "bob")
    assert out.startswith(f"{key}: resolved")
    ok(capsys, db, "incident", "close", key, "--at", "2026-12-14T12:00+08:00", "--as", "bob")
    assert listed(capsys, db, "--view", "closed") == [key]
    assert listed(capsys, db) == []

    out = ok(capsys, db, "incident", "reopen", key, "--reason", "Payroll fails again",
             "--at", "2026-12-15T09:00+08:00", "--as", "ana")
    assert out.startswith(f"{key}: in progress")
    assert listed(capsys, db) == [key]
    ok(capsys, db, "incident", "resolve", key, "--type", "answer",
       "--at", "2026-12-15T10:00+08:00", "--as", "ana")

    shown = show(capsys, db, key, "2026-12-15T10:00+08:00")
    assert (shown["status"], shown["resolution_type"]) == ("resolved", "answer")
    # Met late at the second resolution: Sat 10:00-13:00, Mon 08:30-17:30, Tue 08:30-10:00.
    resolution = target(shown, "resolution")
    assert (resolution["state"], resolution["left_seconds"]) == ("breached", -13.5 * 3600)
    kinds = [(e["kind"], e["author"]) for e in shown["timeline"]]
    assert kinds == [
        ("created", "ana"), ("assigned", "ana"), ("response sent", "bob"),
        ("status changed", "bob"), ("status changed", "bob"), ("status changed", "bob"),
        ("status changed", "bob"), ("severity changed", "carol"), ("resolved", "bob"),
        ("closed", "bob"), ("reopened", "ana"), ("resolved", "ana")]
    severity_change = shown["timeline"][7]
    assert severity_change["data"] == {"severity": "critical", "from": "high",
                                       "reason": "Payroll is halted for everyone"}
    assert severity_change["at"] == "2026-12-14T10:30:00+08:00"


def test_add_prints_the_key_and_the_agreements_notes(capsys: pytest.CaptureFixture[str],
                                                     db: str) -> None:
    # ACELYNK wants tickets on its portal, and a filing due within 24 hours is critical.
    out = ok(capsys, db, "incident", "add", "--vendor", "acelynk", "--product", "Navigator",
             "--severity", "major", "--title", "Entry filing rejected", "--channel", "phone",
             "--filing-deadline", "2026-12-20T18:00", "--at", "2026-12-20T09:00")
    lines = out.splitlines()
    assert lines[0] == "INC-000001"
    assert lines[1:] == ["note: ACELYNK wants severity major reported by portal",
                         "note: A filing deadline within 24 hours suggests critical"]
    shown = show(capsys, db, "INC-000001")
    # Times without an offset are the office's (Singapore).
    assert shown["reported_at"] == "2026-12-20T09:00:00+08:00"
    assert shown["filing_deadline"] == "2026-12-20T18:00:00+08:00"
    # ACELYNK major: 4 business hours in New York (Mon-Fri 08:00-20:00). Sun 2026-12-20
    # 09:00 in Singapore is Sat 20:00 in New York: the clock starts Mon 08:00, due 12:00.
    assert target(shown, "response")["due"] == "2026-12-21T12:00:00-05:00"


def test_at_defaults_to_now_and_as_to_the_os_user(capsys: pytest.CaptureFixture[str],
                                                  sqlite_db: str, clock: Clock,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "zoe")
    ok(capsys, sqlite_db, "incident", "add", "--vendor", "magaya", "--severity", "3",
       "--title", "Rate calculation gives wrong totals")
    shown = show(capsys, sqlite_db, "INC-000001")
    assert shown["reported_at"] == NOW
    assert (shown["updated_by"], shown["timeline"][0]["author"]) == ("zoe", "zoe")
    assert shown["product"] == "Magaya Software"  # the vendor's only product
    clock.set("2026-12-20T12:30:00+08:00")
    ok(capsys, sqlite_db, "incident", "respond", "INC-000001", "--from", "vendor",
       "--text", "Vendor reproduces it")
    event = show(capsys, sqlite_db, "INC-000001")["timeline"][1]
    assert event == {"kind": "vendor response", "at": "2026-12-20T12:30:00+08:00",
                     "author": "zoe", "data": {"text": "Vendor reproduces it"}}


# ----- update, escalate, respond ---------------------------------------------------------------


def test_update_changes_fields_and_records_what_happened(capsys: pytest.CaptureFixture[str],
                                                         db: str) -> None:
    key = add(capsys, db, "magaya", "4", "2026-12-14T09:00-05:00",
              title="How do I add a new user?")
    out = ok(capsys, db, "incident", "update", key, "--title", "Add a user for the new hire",
             "--description", "Needs access by Friday", "--reporter", "Tom Becker",
             "--contact", "tom@example.com", "--channel", "email", "--vendor-ref", "MGY-1",
             "--agreed-due", "2026-12-18T17:00-05:00", "--comment", "Agreed with Tom",
             "--at", "2026-12-14T09:30-05:00", "--as", "bob")
    assert out.startswith(f"{key}: new (version ")
    shown = show(capsys, db, key, "2026-12-14T10:00-05:00")
    assert (shown["title"], shown["description"], shown["reporter"], shown["contact"],
            shown["channel"], shown["vendor_ref"]) == (
        "Add a user for the new hire", "Needs access by Friday", "Tom Becker",
        "tom@example.com", "email", "MGY-1")
    assert shown["agreed_due"] == "2026-12-19T06:00:00+08:00"
    # Magaya severity 4 resolution: the agreed date, in Magaya's New York calendar.
    assert target(shown, "resolution")["due"] == "2026-12-18T17:00:00-05:00"
    assert [e["kind"] for e in shown["timeline"][1:]] == [
        "fields changed", "due date agreed", "comment"]
    assert shown["timeline"][1]["data"]["title"] == "Add a user for the new hire"

    # Magaya answers every customer update within its response target (1 business day).
    ok(capsys, db, "incident", "respond", key, "--text", "We will set it up",
       "--at", "2026-12-14T09:45-05:00")
    ok(capsys, db, "incident", "update", key, "--customer-update", "Any news?",
       "--at", "2026-12-15T10:00-05:00")
    response = target(show(capsys, db, key, "2026-12-15T10:00-05:00"), "response")
    assert (response["cycles"], response["due"]) == (2, "2026-12-16T10:00:00-05:00")
    ok(capsys, db, "incident", "update", key, "--vendor-response", "Instructions sent",
       "--status", "waiting on customer", "--at", "2026-12-15T11:00-05:00")
    shown = show(capsys, db, key, "2026-12-15T11:00-05:00")
    assert shown["status"] == "waiting on customer"
    assert target(shown, "response")["state"] == "met"
    # A customer update ends the wait.
    out = ok(capsys, db, "incident", "update", key, "--customer-update", "Done, thanks",
             "--at", "2026-12-15T12:00-05:00")
    assert out.startswith(f"{key}: in progress")
    ok(capsys, db, "incident", "update", key, "--workaround", "Shared login for now",
       "--at", "2026-12-15T12:30-05:00")
    shown = show(capsys, db, key, "2026-12-15T12:30-05:00")
    assert shown["status"] == "workaround provided"
    # Clearing an optional field.
    ok(capsys, db, "incident", "update", key, "--vendor-ref", "", "--at",
       "2026-12-15T12:40-05:00")
    assert show(capsys, db, key)["vendor_ref"] is None


def test_catapult_clocks_start_when_the_documentation_is_in(
        capsys: pytest.CaptureFixture[str], sqlite_db: str) -> None:
    key = add(capsys, sqlite_db, "catapult", "2", "2026-12-14T09:00+08:00",
              "--site-tz", "Asia/Manila", "--site-country", "PH")
    pending = show(capsys, sqlite_db, key, "2026-12-14T10:00+08:00")
    assert {t["state"] for t in pending["targets"]} == {"pending"}
    ok(capsys, sqlite_db, "incident", "update", key, "--documentation-complete",
       "--at", "2026-12-14T11:00+08:00")
    shown = show(capsys, sqlite_db, key, "2026-12-14T11:00+08:00")
    receipt = target(shown, "response")
    # 4 business hours in Manila (08:00-17:00): 11:00 + 4h = 15:00.
    assert receipt["clock_start"] == "2026-12-14T11:00:00+08:00"
    assert receipt["due"] == "2026-12-14T15:00:00+08:00"
    assert target(shown, "resolution")["zone"] == "America/Chicago"
    # Logged with the documentation already complete: the clocks start at once.
    other = add(capsys, sqlite_db, "catapult", "3", "2026-12-14T11:30+08:00",
                "--documentation-complete")
    started = show(capsys, sqlite_db, other, "2026-12-14T11:30+08:00")
    assert target(started, "response")["clock_start"] == "2026-12-14T11:30:00+08:00"


def test_escalate_to_the_next_tier_or_lower(capsys: pytest.CaptureFixture[str],
                                            sqlite_db: str) -> None:
    key = add(capsys, sqlite_db, "magaya", "2", "2026-12-14T09:00-05:00")

    def tier() -> str:
        found: str = show(capsys, sqlite_db, key)["tier"]
        return found

    ok(capsys, sqlite_db, "incident", "escalate", key, "--at", "2026-12-14T09:10-05:00")
    assert tier() == "II(a)"
    ok(capsys, sqlite_db, "incident", "escalate", key, "--tier", "III")
    assert tier() == "III"
    assert_refused(capsys, sqlite_db, ["incident", "escalate", key],
                   "already at the highest tier, III")
    assert_refused(capsys, sqlite_db, ["incident", "escalate", key, "--tier", "I"],
                   "below", "--lower")
    ok(capsys, sqlite_db, "incident", "escalate", key, "--lower")
    assert tier() == "II(b)"
    ok(capsys, sqlite_db, "incident", "escalate", key, "--lower", "--tier", "I")
    assert tier() == "I"
    assert_refused(capsys, sqlite_db, ["incident", "escalate", key, "--lower"],
                   "already at the lowest tier, I")
    assert_refused(capsys, sqlite_db, ["incident", "escalate", key, "--lower", "--tier", "III"],
                   "above")
    changes = [e["data"] for e in show(capsys, sqlite_db, key)["timeline"]
               if e["kind"] == "tier changed"]
    assert [(c["tier"], c["direction"]) for c in changes] == [
        ("II(a)", "escalated"), ("III", "escalated"), ("II(b)", "lowered"), ("I", "lowered")]
    assert "--lower" in incident_cli_help(capsys, "escalate")


def incident_cli_help(capsys: pytest.CaptureFixture[str], action: str) -> str:
    with pytest.raises(SystemExit):
        main(["incident", action, "--help"])
    out: str = capsys.readouterr().out
    return out


# ----- the queue ------------------------------------------------------------------------------


@pytest.fixture
def queue_db(capsys: pytest.CaptureFixture[str], sqlite_db: str) -> str:
    """Five incidents around Sun 2026-12-20 12:00 in Singapore."""
    db = sqlite_db
    add(capsys, db, "maqsu", "high", "2026-12-18T09:00+08:00", "--assignee", "ana",
        title="Payroll run stops at 60 % for every employee in the Cebu office")
    add(capsys, db, "magaya", "2", "2026-12-18T10:00+08:00", "--assignee", "bob",
        title="Invoices cannot be posted")
    add(capsys, db, "acelynk", "critical", "2026-12-20T11:00+08:00", "--product", "Navigator",
        "--channel", "portal", title="ISF filing stuck")
    key = add(capsys, db, "catapult", "3", "2026-12-18T11:00+08:00",
              "--documentation-complete", title="Export job produces a corrupt file")
    ok(capsys, db, "incident", "pause", key, "--at", "2026-12-18T12:00+08:00")
    key = add(capsys, db, "maqsu", "low", "2026-12-17T09:00+08:00", title="Price list question")
    ok(capsys, db, "incident", "resolve", key, "--type", "answer",
       "--at", "2026-12-17T10:00+08:00")
    ok(capsys, db, "incident", "close", key, "--at", "2026-12-17T11:00+08:00")
    return db


def test_list_views_and_filters(capsys: pytest.CaptureFixture[str], queue_db: str) -> None:
    db = queue_db
    # What needs the agent next: the running targets, ACELYNK's critical due 13:00 today and
    # Catapult's receipt Mon 11:00; then MAQSU's response, due Fri 13:00, and Magaya's, Fri
    # 21:00 (Fri 08:00 in New York): fresh breaches, newest first.
    assert listed(capsys, db) == ["INC-000003", "INC-000004", "INC-000002", "INC-000001"]
    assert listed(capsys, db, "--view", "closed") == ["INC-000005"]
    assert listed(capsys, db, "--view", "breached") == ["INC-000002", "INC-000001"]
    assert listed(capsys, db, "--view", "breaching soon") == ["INC-000003"]
    assert listed(capsys, db, "--view", "breaching-soon", "--within", "30m") == []
    assert listed(capsys, db, "--view", "due today") == ["INC-000003"]  # Friday's are not
    assert listed(capsys, db, "--view", "paused") == ["INC-000004"]
    assert listed(capsys, db, "--view", "my open", "--as", "bob") == ["INC-000002"]
    assert listed(capsys, db, "--within", "1h30m") == ["INC-000003", "INC-000002",
                                                       "INC-000001"]
    assert listed(capsys, db, "--vendor", "maqsu") == ["INC-000001"]
    assert listed(capsys, db, "--severity", "2") == ["INC-000002"]
    assert listed(capsys, db, "--tier", "1") == ["INC-000004"]
    assert listed(capsys, db, "--status", "waiting on customer") == ["INC-000004"]
    assert listed(capsys, db, "--assignee", "ana") == ["INC-000001"]
    assert listed(capsys, db, "--text", "payroll") == ["INC-000001"]
    assert listed(capsys, db, "--text", "INC-000003") == ["INC-000003"]
    assert listed(capsys, db, "--limit", "2") == ["INC-000003", "INC-000004"]

    rows = json.loads(ok(capsys, db, "incident", "list", "--json", "--now", NOW))
    acelynk = rows[0]
    assert acelynk["next_due"] == "2026-12-20T13:00:00+08:00"
    assert acelynk["left_seconds"] == 3600
    assert acelynk["targets"] == [{"metric": "response", "state": "running",
                                   "due": "2026-12-20T00:00:00-05:00", "left_seconds": 3600,
                                   "paused_seconds": 0}]

    table = ok(capsys, db, "incident", "list", "--now", NOW).splitlines()
    assert table[0].split() == ["KEY", "VENDOR", "PRODUCT", "SEV", "TIER", "STATUS",
                                "ASSIGNEE", "NEXT", "DUE", "(Asia/Singapore)", "LEFT",
                                "TITLE"]
    maqsu = table[5]  # the last: the oldest of the fresh breaches
    assert maqsu.startswith("INC-000001  maqsu")
    assert "2026-12-18 13:00" in maqsu and "Payroll run stops at 60 % for every emp…" in maqsu
    assert maqsu.split()[10] == "-9h"  # business hours since Fri 13:00
    assert "2026-12-20 13:00" in table[2] and table[2].split()[8:10] == ["13:00", "1h"]
    assert ok(capsys, db, "incident", "list", "--view", "closed", "--vendor", "acelynk",
              "--now", NOW) == "no incidents\n"


# ----- refusals: one line, exit 2, nothing written ------------------------------------------------


@pytest.fixture(scope="module")
def refusal_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """INC-000001 MAQSU high in progress, INC-000002 Magaya 2 resolved."""
    url = sqlite_url(tmp_path_factory.mktemp("refusals") / "desk.sqlite3")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
        patch.setattr(incident_cli, "clock", Clock(NOW))
        for argv in (
            ["incident", "add", "--vendor", "maqsu", "--severity", "high", "--title", "A",
             "--at", "2026-12-18T09:00+08:00", "--as", "ana"],
            ["incident", "update", "INC-000001", "--status", "in progress",
             "--at", "2026-12-18T09:30+08:00", "--as", "ana"],
            ["incident", "add", "--vendor", "magaya", "--severity", "2", "--title", "B",
             "--at", "2026-12-18T10:00+08:00", "--as", "bob"],
            ["incident", "resolve", "INC-000002", "--type", "answer",
             "--at", "2026-12-18T11:00+08:00", "--as", "bob"],
        ):
            assert main(["--db", url, *argv]) == 0
    yield url


REFUSALS: list[tuple[list[str], tuple[str, ...]]] = [
    (["add", "--vendor", "nope", "--severity", "high", "--title", "x"], ("unknown vendor",)),
    (["add", "--vendor", "maqsu", "--product", "Nope", "--severity", "high", "--title", "x"],
     ("unknown product 'Nope'",)),
    (["add", "--vendor", "maqsu", "--severity", "huge", "--title", "x"],
     ("no severity 'huge'", "critical, high, medium, low")),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x", "--tier", "IX"],
     ("no tier 'IX'",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x", "--channel", "fax"],
     ("unknown channel 'fax'",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x", "--at", "yesterday"],
     ("'yesterday' is not a date and time",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x", "--at",
      "2026-12-24T09:00+08:00"], ("in the future",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "  "],
     ("title must not be empty",)),
    (["add", "--vendor", "maqsu", "--severity", "high"], ("required: --title",)),
    (["add", "--vendor", "acelynk", "--severity", "major", "--title", "x"],
     ("missing --product", "Navigator, Navigator Pro")),
    (["add", "--vendor", "acelynk", "--product", "Navigator", "--severity", "major",
      "--title", "x", "--filing-deadline", "soon"], ("'soon' is not a date",)),
    (["add", "--vendor", "catapult", "--severity", "1", "--title", "x", "--site-tz",
      "Mars/Base"], ("unknown site time zone",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x", "--category",
      "Cooking"], ("unknown category 'Cooking'",)),
    (["add", "--vendor", "maqsu", "--severity", "high", "--title", "x",
      "--documentation-complete"], ("do not wait for documentation",)),
    (["show", "INC-000099"], ("no incident INC-000099",)),
    (["show", "ticket-7"], ("not an incident key",)),
    (["show", "INC-000001", "--now", "noon"], ("not a date and time",)),
    (["update", "INC-000001"], ("nothing to change",)),
    (["update", "INC-000001", "--status", "on fire"], ("unknown status 'on fire'",)),
    (["update", "INC-000001", "--status", "resolved"], ("use deskapp incident resolve",)),
    (["update", "INC-000001", "--status", "in progress"], ("already in progress",)),
    (["update", "INC-000001", "--severity", "critical"], ("needs a reason",)),
    (["update", "INC-000001", "--reason", "because"], ("--reason goes with --severity",)),
    (["update", "INC-000001", "--severity", "urgent", "--reason", "x"],
     ("no severity 'urgent'",)),
    (["update", "INC-000001", "--severity", "high", "--reason", "x"],
     ("already severity high",)),
    (["update", "INC-000001", "--title", ""], ("--title must not be empty",)),
    (["update", "INC-000001", "--channel", "fax"], ("unknown channel",)),
    (["update", "INC-000001", "--agreed-due", "2026-12-30T17:00"], ("fixed targets",)),
    (["update", "INC-000001", "--documentation-complete"],
     ("do not wait for documentation",)),
    (["update", "INC-000001", "--comment", " "], ("--comment needs a text",)),
    # Checked as a whole: the valid comment is not written either.
    (["update", "INC-000001", "--comment", "ok", "--severity", "low"], ("needs a reason",)),
    (["update", "INC-000001", "--title", "New", "--at", "2026-12-01T00:00+08:00"],
     ("before the last event",)),
    (["update", "INC-000002", "--customer-update", "hello"], ("reopen it first",)),
    (["update", "INC-000002", "--workaround", "w"], ("cannot move an incident from resolved",)),
    (["escalate", "INC-000001"], ("already at the highest tier, I",)),
    (["escalate", "INC-000002", "--tier", "IV"], ("no tier 'IV'",)),
    (["escalate", "INC-000002", "--lower"], ("already at the lowest tier",)),
    (["pause", "INC-000002"], ("cannot move an incident from resolved",)),
    (["resume", "INC-000001"], ("not paused",)),
    (["respond", "INC-000001", "--from", "customer"], ("invalid choice: 'customer'",)),
    (["respond", "INC-000002"], ("reopen it first",)),
    (["resolve", "INC-000001"], ("required: --type",)),
    (["resolve", "INC-000001", "--type", "magic"], ("unknown resolution type 'magic'",)),
    (["resolve", "INC-000002", "--type", "answer"], ("already resolved",)),
    (["close", "INC-000001"], ("cannot move an incident from in progress to closed",)),
    (["reopen", "INC-000001", "--reason", "x"], ("only a resolved or closed incident",)),
    (["reopen", "INC-000002"], ("required: --reason",)),
    (["reopen", "INC-000002", "--reason", " "], ("needs a reason",)),
    (["assign", "INC-000001"], ("required: NAME",)),
    (["assign", "INC-000001", " "], ("must not be empty",)),
    (["pause", "INC-000001", "--if-version", "1"], ("changed by ana at", "reload")),
    (["pause", "INC-000001", "--if-version", "two"], ("invalid int value",)),
    (["list", "--view", "mine"], ("unknown view 'mine'",)),
    (["list", "--vendor", "sap"], ("unknown vendor 'sap'",)),
    (["list", "--severity", "9"], ("unknown severity '9'",)),
    (["list", "--vendor", "maqsu", "--severity", "2"], ("unknown severity '2'",)),
    (["list", "--tier", "IV"], ("unknown tier 'IV'",)),
    (["list", "--status", "done"], ("unknown status 'done'",)),
    (["list", "--within", "2 weeks"], ("not a duration",)),
    (["list", "--limit", "0"], ("--limit must be 1 or more",)),
    (["frobnicate"], ("invalid choice: 'frobnicate'",)),
    # Numbers and durations beyond what a database or a date can hold.
    (["list", "--limit", "100000000000000000000"],
     ("--limit must be 1 or more and at most 1,000,000",)),
    (["show", "99999999999999999999"], ("incident numbers run from 1 to 2147483647",)),
    (["show", "INC-2147483648"], ("incident numbers run from 1 to 2147483647",)),
    (["pause", "99999999999999999999"], ("incident numbers run from 1 to 2147483647",)),
    (["update", "INC-000001", "--comment", "x", "--if-version", "99999999999999999999"],
     ("--if-version must be an incident's version, 1 to 2147483647",)),
    (["list", "--within", "9999999999d"], ("too long a duration", "at most 3650d")),
    (["list", "--within", "9" * 400 + "s"], ("too long a duration",)),
    (["list", "--within=-2h"], ("not a duration",)),
    (["list", "--within", "\u00b2h"], ("not a duration",)),
    (["reopen", "INC-000002", "--reason", "x", "--at=--"],
     ("--at=-- gives --at no value", "give --at a value")),
]


@pytest.mark.parametrize(("argv", "fragments"), REFUSALS,
                         ids=[" ".join(argv)[:60] for argv, _ in REFUSALS])
def test_bad_input_is_one_line_and_writes_nothing(
        capsys: pytest.CaptureFixture[str], refusal_db: str, clock: Clock,
        argv: list[str], fragments: tuple[str, ...]) -> None:
    assert_refused(capsys, refusal_db, ["incident", *argv], *fragments)


def test_databases_that_cannot_be_used_are_one_line(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, clock: Clock) -> None:
    def refused(db: str, *fragments: str) -> None:
        code, out, err = run(capsys, db, "incident", "list")
        assert (code, out) == (2, "")
        assert len(err.splitlines()) == 1 and err.startswith("deskapp: error: "), err
        for fragment in fragments:
            assert fragment in err

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database\n" * 100)
    refused(str(garbage), "not an SQLite database file")
    assert garbage.read_bytes() == b"this is not a database\n" * 100

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    refused(str(other), "not a deskapp database", "invoices")
    with sqlite3.connect(other) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("invoices",)]

    refused("mysql://me@localhost/desk", "unsupported database 'mysql'")
    refused(str(tmp_path / "missing" / "folder" / "desk.db"), "cannot be opened")
    refused("postgresql://nobody@127.0.0.1:1/desk", "cannot connect")


def test_a_read_only_or_locked_database_is_refused_without_writing(
        capsys: pytest.CaptureFixture[str], sqlite_db: str, tmp_path: Path) -> None:
    key = add(capsys, sqlite_db, "maqsu", "high", "2026-12-18T09:00+08:00")
    path = tmp_path / "desk.sqlite3"
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    before = snapshot(sqlite_db)
    code, out, err = run(capsys, read_only, "incident", "pause", key)
    assert (code, out) == (2, "")
    assert err.startswith("deskapp: error: ") and "read-only" in err and err.count("\n") == 1
    assert snapshot(sqlite_db) == before

    # Another program holds the write lock: deskapp waits its busy timeout (5 s), then
    # says so in one line.
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code, out, err = run(capsys, sqlite_db, "incident", "pause", key)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == (2, "")
    assert err.startswith("deskapp: error: ") and "busy" in err and err.count("\n") == 1
    assert snapshot(sqlite_db) == before


# ----- --if-version, --db, --as -----------------------------------------------------------------


def test_if_version_refuses_a_stale_write(capsys: pytest.CaptureFixture[str], db: str,
                                          clock: Clock) -> None:
    key = add(capsys, db, "magaya", "3", "2026-12-18T09:00+08:00")
    version = show(capsys, db, key)["version"]
    clock.set("2026-12-20T12:01:00+08:00")
    out = ok(capsys, db, "incident", "update", key, "--comment", "Called back",
             "--if-version", str(version), "--as", "ana")
    seen = version_printed(out)
    assert seen == show(capsys, db, key)["version"] > version
    # Bob changes it at 12:05 (office time) ...
    clock.set("2026-12-20T12:05:00+08:00")
    out = ok(capsys, db, "incident", "assign", key, "bob", "--as", "bob",
             "--if-version", str(seen))
    latest = version_printed(out)
    # ... so Ana's writes based on what she saw before are refused, whole.
    clock.set("2026-12-20T12:06:00+08:00")
    message = "INC-000001 was changed by bob at 2026-12-20 12:05, reload it and try again"
    for argv in (["pause", key], ["escalate", key],
                 ["update", key, "--title", "New", "--comment", "x"],
                 ["resolve", key, "--type", "answer"]):
        error = assert_refused(capsys, db, ["incident", *argv, "--as", "ana",
                                            "--if-version", str(seen)])
        assert error == f"deskapp: error: {message}"
    ok(capsys, db, "incident", "pause", key, "--as", "ana", "--if-version", str(latest))


def test_the_database_option_goes_before_or_after_the_command(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    argv = ["incident", "add", "--vendor", "maqsu", "--severity", "low", "--title", "x",
            "--at", "2026-12-18T09:00+08:00"]
    assert main(["--db", first, *argv]) == 0
    assert main([*argv, "--db", second]) == 0
    assert main([*argv, "--db", second]) == 0
    capsys.readouterr()

    def count(*options: str) -> int:
        assert main(["incident", "list", "--json", *options]) == 0
        return len(json.loads(capsys.readouterr().out))

    assert count("--db", first) == 1
    monkeypatch.setenv("DESKAPP_DB", second)
    assert count() == 2
    assert count("--db", first) == 1
    assert main(["--db", first, "incident", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_a_warning_after_a_fraction_of_a_business_day_is_not_at_the_start(
        capsys: pytest.CaptureFixture[str], sqlite_db: str) -> None:
    # Magaya severity 3 response: 1 business day, warning after 0.75 of one (once it was
    # truncated to 0 days, which warned from the clock start).
    key = add(capsys, sqlite_db, "magaya", "3", "2026-12-14T09:00-05:00")
    response = target(show(capsys, sqlite_db, key, "2026-12-14T09:30-05:00"), "response")
    assert response["due"] == "2026-12-15T09:00:00-05:00"
    assert response["clock_start"] < response["warning_at"] < response["due"]
    assert response["warning"] is False
