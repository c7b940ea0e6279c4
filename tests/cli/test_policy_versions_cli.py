"""`deskapp policy import|export|validate|versions`: the team's agreements on the command line,
and bad agreement files refused with one message, exit status 2 and the database unchanged."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from deskapp.core.agreement_file import parse_agreement
from deskapp.storage.agreement_texts import sqlite_file
from deskapp.storage.engine import default_database_url, sqlite_url
from tests.app.test_team_agreements import ACME, maqsu_with
from tests.cli.support import run


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, ""), err
    return out


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "desk.sqlite3")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def content(db: str) -> str:
    """Every row of every table, as a digest: what 'unchanged' means."""
    with sqlite3.connect(db) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


def test_an_imported_vendor_answers_sla_questions_and_exports_back(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str) -> None:
    acme = write(tmp_path, "acme.toml", ACME)
    out = ok(capsys, "policy", "import", acme, "--by", "lead", "--db", db)
    assert out.startswith("acme: version 1 (1) stored") and "(current)" in out
    listed = ok(capsys, "policy", "list", "--db", db)
    assert [line.split()[0] for line in listed.splitlines()[2:]] == [
        "acelynk", "acme", "catapult", "magaya", "maqsu"]
    assert ok(capsys, "policy", "show", "acme", "--db", db).startswith(
        "Acme (acme), agreement version 1")
    # Friday 16:00 New York, 8 business hours: Fri 1h, Mon 7h -> Monday 16:00.
    assert ok(capsys, "sla", "due", "--vendor", "acme", "--severity", "high", "--metric",
              "resolution", "--start", "2026-12-18T16:00-05:00", "--db", db
              ) == "2026-12-21T16:00:00-05:00\n"
    batch = write(tmp_path, "rows.csv", "vendor,severity,metric,start\n"
                  "acme,high,resolution,2026-12-18T16:00-05:00\n")
    assert ok(capsys, "--db", db, "sla", "due", "--batch", batch).splitlines()[1].endswith(
        ",2026-12-21T16:00:00-05:00")
    assert "counted" in ok(capsys, "sla", "explain", "--vendor", "acme", "--severity", "high",
                           "--metric", "resolution", "--start", "2026-12-18T16:00-05:00",
                           "--db", db)

    exported = ok(capsys, "policy", "export", "acme", "--db", db)
    assert parse_agreement(exported, "x") == parse_agreement(ACME, "y")
    assert ok(capsys, "policy", "export", "acme", "--as-stored", "--db", db) == ACME
    out_file = tmp_path / "again.toml"
    ok(capsys, "policy", "export", "acme", "--out", str(out_file), "--db", db)
    assert out_file.read_text(encoding="utf-8") == exported
    # Exported, then imported again: the same agreement, as version 2.
    assert ok(capsys, "policy", "import", str(out_file), "--db", db).startswith(
        "acme: version 2 (1) stored")
    rows = ok(capsys, "policy", "versions", "acme", "--db", db).splitlines()
    assert rows[0].split() == ["NUMBER", "VERSION", "EFFECTIVE", "MADE", "BY", "MADE", "AT",
                               "ORIGIN", "CURRENT"]
    assert rows[2].split()[:2] == ["1", "1"] and "lead" in rows[2] and "team" in rows[2]
    assert rows[3].split()[0] == "2" and rows[3].endswith("yes")


def test_versions_of_a_shipped_vendor(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      db: str) -> None:
    later = write(tmp_path, "maqsu.toml", maqsu_with(
        'severity = "high"\namount = 12\n', 'severity = "high"\namount = 6\n', "2027-01"))
    ok(capsys, "policy", "import", later, "--effective", "2027-01-01", "--by", "lead",
       "--db", db)
    rows = ok(capsys, "policy", "versions", "maqsu", "--db", db).splitlines()[2:]
    assert rows[0].split()[:3] == ["1", "2026-11", "always"] and rows[0].endswith("yes")
    assert "shipped" in rows[0] and "deskapp" in rows[0]
    assert rows[1].split()[:3] == ["2", "2027-01", "2027-01-01"] and "team" in rows[1]
    assert ok(capsys, "policy", "show", "maqsu", "--version", "2", "--db", db).startswith(
        "MAQSU (maqsu), agreement version 2027-01")
    # Not yet in force: the shipped version answers until 2027.
    assert ok(capsys, "policy", "show", "maqsu", "--db", db).startswith(
        "MAQSU (maqsu), agreement version 2026-11")


def test_validate_checks_and_lints_without_storing(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path, db: str) -> None:
    path = write(tmp_path, "acme.toml", ACME.replace("(Eastern Time)", "(PST)"))
    out = ok(capsys, "policy", "validate", path)
    assert "warning: acme.toml: calendars.office.name: 'PST' in the name means UTC-08:00" in out
    assert out.splitlines()[-1] == "acme.toml: Acme (acme) version 1 is valid, with 1 warning"
    assert not Path(db).exists()


def test_import_applies_to_open_incidents_after_the_preview(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp.cli import incident as incident_cli
    from tests.cli.test_incident_cli import Clock

    monkeypatch.setattr(incident_cli, "clock", Clock("2026-12-11T16:00:00+08:00"))
    assert ok(capsys, "--db", db, "incident", "add", "--vendor", "maqsu", "--severity", "high",
              "--title", "Payroll stops", "--at", "2026-12-11T15:00+08:00") == "INC-000001\n"
    new = write(tmp_path, "maqsu.toml", maqsu_with('sat = ["08:30-13:00"]\n', "", "2027-01"))
    before = content(db)
    monkeypatch.setattr("builtins.input", lambda question: "n")
    code, out, err = run(capsys, "policy", "import", new, "--apply-to-open", "--db", db)
    assert (code, err) == (1, "")
    # Response and resolution both counted over a Saturday morning.
    assert "would move 2 due times of 1 incident" in out and "INC-000001  resolution" in out
    assert "open in the next 14 days" in out and out.endswith("Nothing stored.\n")
    assert content(db) == before

    out = ok(capsys, "policy", "import", new, "--apply-to-open", "--yes", "--by", "lead",
             "--db", db)
    assert "1 open incident now under version 2" in out
    shown = ok(capsys, "--db", db, "incident", "show", "INC-000001")
    assert "2027-01" in shown

    # Back to version 1 for the open incident: asked first, then applied.
    monkeypatch.setattr("builtins.input", lambda question: "y")
    out = ok(capsys, "policy", "apply", "maqsu", "--version", "1", "--db", db)
    assert "would move 2 due times of 1 incident" in out
    assert out.endswith("1 open incident now under version 1\n")
    assert "2026-11" in ok(capsys, "--db", db, "incident", "show", "INC-000001")


BAD = [
    ("malformed", 'vendor = "acme"\nname = \n', "acme.toml: (file): is not valid TOML"),
    ("unknown zone", ACME.replace("America/New_York", "Mars/Olympus"),
     "acme.toml: calendars.office.zone: unknown time zone 'Mars/Olympus'"),
    ("25:00", ACME.replace('mon = ["09:00-17:00"]', 'mon = ["09:00-25:00"]'),
     "acme.toml: calendars.office.hours.mon[0]: '25:00' is not a time of day"),
    ("closes before it opens", ACME.replace('tue = ["09:00-17:00"]', 'tue = ["17:00-09:00"]'),
     "acme.toml: calendars.office.hours.tue[0]: '17:00-09:00' closes before it opens"),
    ("unknown severity", ACME.replace('severity = "high"\namount', 'severity = "urgent"\namount'),
     "acme.toml: targets[0].severity: unknown severity 'urgent'; expected one of: high"),
    ("duplicate vendor key", ACME.replace('name = "Acme"', 'name = "Acme"\nvendor = "acme"', 1),
     "acme.toml: (file): is not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in BAD],
                         ids=[name for name, _, _ in BAD])
@pytest.mark.parametrize("action", ["import", "validate"])
def test_a_bad_agreement_is_one_message_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str, action: str, text: str,
        message: str) -> None:
    ok(capsys, "policy", "list", "--db", db)
    before = content(db)
    path = write(tmp_path, "acme.toml", text)
    code, out, err = run(capsys, "policy", action, path,
                         *(["--db", db] if action == "import" else []))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"deskapp: error: {message}"), err
    assert content(db) == before


@pytest.mark.parametrize(("make", "message"), [
    (lambda path: (path.write_bytes(b""), os.truncate(path, 50 * 1024 * 1024)),
     "is 52.4 MB; an agreement file is at most 1000 kB"),
    (lambda path: path.write_bytes(ACME.encode()[:40] + b"\x00\x01\xff\xfe" + b"\x89PNG"),
     "holds binary data (a NUL byte at 40)"),
    (lambda path: path.write_bytes(ACME.encode().replace(b"Acme", b"Acm\xe9")),
     "is not UTF-8 text"),
], ids=["50 MB", "binary bytes", "not UTF-8"])
@pytest.mark.parametrize("action", ["import", "validate"])
def test_a_file_that_is_no_agreement_text_is_one_message(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str, action: str,
        make: object, message: str) -> None:
    ok(capsys, "policy", "list", "--db", db)
    before = content(db)
    path = tmp_path / "acme.toml"
    make(path)  # type: ignore[operator]
    code, out, err = run(capsys, "policy", action, str(path),
                         *(["--db", db] if action == "import" else []))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"deskapp: error: {path}: (file): "), err
    assert message in err
    assert content(db) == before


def test_the_sla_commands_and_the_engine_name_the_same_default_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKAPP_DB")
    path = sqlite_file(None)
    assert path is not None and sqlite_url(path) == default_database_url()
    assert sqlite_file("sqlite:////tmp/a b.sqlite3") == Path("/tmp/a b.sqlite3")
    assert sqlite_file("postgresql://desk@server/desk") is None

