"""`deskapp export` and `deskapp import`: JSON round trips, CSV with a column mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import run

CSV = """Summary,Vendor,Priority,Opened,Who,Notes
Payroll stops,maqsu,high,2026-11-30 09:15,Ana,"first line"
Labels print blank,magaya,{magaya},2026-11-30T10:00:00+00:00,Bo,=HYPERLINK("x")
"""
MAP = ["--map", "Summary=title", "--map", "Priority=severity", "--map", "Opened=reported_at",
       "--map", "Who=reporter", "--map", "Notes=description"]


def _add(capsys: pytest.CaptureFixture[str], db: str, title: str) -> None:
    code, _, err = run(capsys, "incident", "add", "--vendor", "maqsu", "--severity", "high",
                       "--title", title, "--db", db, "--as", "ana",
                       "--at", "2026-11-30T09:00-05:00")
    assert code == 0, err


def _json(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, object]:
    code, out, err = run(capsys, "export", "--format", "json", "--db", db)
    assert code == 0, err
    document: dict[str, object] = json.loads(out)
    document.pop("exported_at")
    return document


def test_json_round_trip_through_a_file(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    source, target = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    _add(capsys, source, "One")
    _add(capsys, source, "Two")
    out = tmp_path / "desk.json"
    code, printed, err = run(capsys, "export", "--format", "json", "--out", str(out),
                             "--db", source)
    assert code == 0 and err == "" and printed == f"wrote 2 incidents to {out}\n"
    code, printed, err = run(capsys, "import", str(out), "--db", target)
    assert code == 0, err
    assert "imported 2 incidents (INC-000001 to INC-000002)" in printed
    # The same incidents and timelines (each desk loaded the agreements at its own time).
    assert _json(capsys, target)["incidents"] == _json(capsys, source)["incidents"]
    code, shown, _ = run(capsys, "incident", "show", "INC-000002", "--json", "--db", target)
    assert code == 0 and json.loads(shown)["title"] == "Two"


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not"),
    (b'{"format": "deskapp incidents", "version": 99, "incidents": []}', "newer deskapp"),
    (b'{"format": "deskapp incidents", "version": 1, "incidents": [{"key": "INC-1"}]}',
     "cannot be imported, so nothing was"),
])
def test_bad_json_files_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, content: bytes,
                                              message: str) -> None:
    db = str(tmp_path / "d.sqlite3")
    _add(capsys, db, "Stays")
    before = _json(capsys, db)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = run(capsys, "import", str(bad), "--db", db)
    assert code == 2 and message in err and err.count("\n") == 1
    assert _json(capsys, db) == before
    code, _, err = run(capsys, "import", str(tmp_path / "missing.json"), "--db", db)
    assert code == 2 and "cannot read" in err


def test_csv_import_with_a_mapping_and_zones(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    db = str(tmp_path / "d.sqlite3")
    data = tmp_path / "old.csv"
    data.write_text(CSV.format(magaya="3"), encoding="utf-8")
    code, out, err = run(capsys, "import", str(data), *MAP, "--zone", "Europe/Lisbon",
                         "--db", db)
    assert code == 0, err
    assert "imported 2 incidents" in out
    code, shown, _ = run(capsys, "incident", "show", "INC-000001", "--json", "--db", db)
    incident = json.loads(shown)
    assert incident["title"] == "Payroll stops" and incident["reporter"] == "Ana"
    # 09:15 in Lisbon (UTC in winter), shown in the New York office
    assert incident["reported_at"] == "2026-11-30T04:15:00-05:00"
    # CSV export: the formula a cell held comes out neutralised.
    code, out, _ = run(capsys, "export", "--format", "csv", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("key,vendor,product,title,severity")
    assert "'=HYPERLINK" in out
    assert len(lines) == 3


def test_csv_rows_that_do_not_fit_are_each_named_and_nothing_imported(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "d.sqlite3")
    _add(capsys, db, "Stays")
    before = _json(capsys, db)
    data = tmp_path / "old.csv"
    data.write_text(
        "Summary,Vendor,Priority,Opened\n"
        "Fine,maqsu,high,2026-11-30 09:15\n"
        "Bad time,maqsu,high,last tuesday\n"
        "Who,nobody,high,2026-11-30 09:15\n"
        "Future,maqsu,high,2099-01-01 00:00\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(data), *MAP[:6], "--db", db)
    assert code == 2 and err.count("\n") == 1
    assert "3 of the rows cannot be imported, so nothing was" in err
    assert "row 3: 'last tuesday' is not a date and time" in err
    assert "row 4: unknown vendor 'nobody'" in err
    assert "row 5:" in err and "future" in err
    assert _json(capsys, db) == before


@pytest.mark.parametrize("argv, message", [
    (["--map", "Summary"], "expected COLUMN=FIELD"),
    (["--map", "Summary=nonsense"], "unknown field 'nonsense'"),
    (["--map", "Nope=title"], "no column 'Nope'"),
    (["--zone", "Mars/Olympus"], "unknown time zone"),
])
def test_bad_mappings_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   argv: list[str], message: str) -> None:
    data = tmp_path / "old.csv"
    data.write_text("title,vendor,severity,reported_at\nA,maqsu,high,2026-11-30 09:15\n",
                    encoding="utf-8")
    code, _, err = run(capsys, "import", str(data), *argv, "--db",
                       str(tmp_path / "d.sqlite3"))
    assert code == 2 and message in err and err.count("\n") == 1
