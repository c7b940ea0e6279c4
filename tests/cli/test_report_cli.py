"""`deskapp report`: compliance as a table, CSV and JSON whose figures equal what
`incident show --json` says of each incident, and bad input refused in one line, exit 2,
nothing written."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from deskapp.cli import incident as incident_cli
from deskapp.cli import main
from deskapp.storage.engine import sqlite_url

NOW = "2026-12-02T12:00:00-05:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incident_cli, "clock", lambda: datetime.fromisoformat(NOW))
    monkeypatch.delenv("DESKAPP_DB", raising=False)


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> str:
    code, out, err = run(capsys, db, *argv)
    assert (code, err) == (0, ""), err
    return out


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """ACELYNK in November (New York): critical INC-1 answered in 1 hour (met), critical
    INC-2 in 3 hours (breached), minor INC-3 still unanswered (breached by now); a MAQSU
    incident logged on Nov 30 20:00 New York, December 1 in Singapore."""
    url = sqlite_url(tmp_path / "desk.sqlite3")
    for severity, at in (("critical", "2026-11-02T09:00-05:00"),
                         ("critical", "2026-11-03T09:00-05:00"),
                         ("minor", "2026-11-04T09:00-05:00")):
        ok(capsys, url, "incident", "add", "--vendor", "acelynk", "--severity", severity,
           "--product", "Navigator", "--channel", "portal", "--title", "Filing rejected",
           "--at", at)
    ok(capsys, url, "incident", "respond", "INC-000001", "--at", "2026-11-02T10:00-05:00")
    ok(capsys, url, "incident", "respond", "INC-000002", "--at", "2026-11-03T12:00-05:00")
    ok(capsys, url, "incident", "add", "--vendor", "maqsu", "--severity", "high",
       "--title", "=HYPERLINK(\"x\")", "--at", "2026-11-30T20:00-05:00")
    return url


def shown(capsys: pytest.CaptureFixture[str], db: str, key: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok(capsys, db, "incident", "show", key, "--json",
                                          "--now", NOW))
    return found


def test_the_json_carries_every_figure_and_its_incidents(capsys: pytest.CaptureFixture[str],
                                                         db: str) -> None:
    report = json.loads(ok(capsys, db, "report", "--period", "2026-11", "--format", "json"))
    assert report["period"] == {"label": "2026-11", "first": "2026-11-01",
                                "last": "2026-11-30"}
    vendors = {vendor["vendor"]: vendor for vendor in report["vendors"]}
    acelynk = vendors["acelynk"]
    assert acelynk["zone"] == "America/New_York"
    assert acelynk["from"] == "2026-11-01T00:00:00-04:00"
    rows = {row["severity"]: row for row in acelynk["rows"]}
    critical = rows["critical"]
    assert (critical["logged"], critical["met"], critical["breached"]) == (2, 1, 1)
    assert critical["incidents"]["met"] == ["INC-000001"]
    assert critical["incidents"]["breached"] == ["INC-000002"]
    assert critical["achievement_percent"] == 50.0
    assert (critical["goal_percent"], critical["difference_points"]) == (95, -45.0)
    assert critical["median_seconds"] == 2 * 3600  # 1 h and 3 h: the middle of two
    assert rows["minor"]["incidents"]["breached"] == ["INC-000003"]
    # Each figure is what the incident's own clock says.
    for severity, row in rows.items():
        for which, keys in row["incidents"].items():
            for key in keys:
                (target,) = shown(capsys, db, key)["targets"]
                assert target["state"] == which, (severity, key)
    goals = {goal["key"]: goal for goal in acelynk["goals"]}
    assert goals["critical-response"]["state"] == "failed"
    assert goals["critical-response"]["incidents"]["breached"] == ["INC-000002"]
    assert goals["availability"]["state"] == "not measured"
    # The MAQSU incident is December's in Singapore.
    assert all(row["logged"] == 0 for row in vendors["maqsu"]["rows"])
    cells = report["breaches_by_weekday_hour"]["cells"]
    assert {"weekday": "Tue", "hour": 11, "count": 1, "incidents": ["INC-000002"]} in cells
    assert acelynk["late_time"]["breached"] == 2


def test_a_range_of_days_and_one_vendor(capsys: pytest.CaptureFixture[str], db: str) -> None:
    report = json.loads(ok(capsys, db, "report", "--from", "2026-11-30", "--to", "2026-12-01",
                           "--vendor", "maqsu", "--format", "json"))
    (maqsu,) = report["vendors"]
    assert maqsu["vendor"] == "maqsu" and report["logged"] == 1
    assert report["period"]["label"] == "2026-11-30 to 2026-12-01"


def test_the_table_and_the_csv(capsys: pytest.CaptureFixture[str], db: str,
                               tmp_path: Path) -> None:
    table = ok(capsys, db, "report", "--period", "2026-11", "--vendor", "acelynk")
    assert "ACELYNK (America/New_York" in table
    assert "critical  Response: 2 calendar hours" in table
    assert "critical response: INC-000002" in table
    assert "95 % of critical tickets responded to within 2 hours: failed." in table
    out = tmp_path / "november.csv"
    assert ok(capsys, db, "report", "--period", "2026-12", "--format", "csv",
              "--out", str(out)) == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    high = next(r for r in rows if r["vendor"] == "maqsu" and r["severity"] == "high"
                and r["metric"] == "response")
    assert (high["logged"], high["zone"]) == ("1", "Asia/Singapore")
    assert not list(tmp_path.glob(".deskapp-report-*"))  # no temporary file left


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--period", "2026-13"], "there is no month 13"),
    (["--period", "November"], "'November' is not a month"),
    (["--from", "2026-11-31", "--to", "2026-12-01"], "--from '2026-11-31' is not a date"),
    (["--from", "2026-11-05", "--to", "2026-11-01"], "ends (2026-11-01) before it starts"),
    (["--from", "2026-11-05"], "--from and --to"),
    (["--period", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"], "not both"),
    ([], "give a month with --period"),
    (["--period", "2026-11", "--vendor", "nobody"], "unknown vendor 'nobody'"),
    (["--period", "2026-11", "--format", "xlsx"], "invalid choice: 'xlsx'"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, argv: list[str],
        fragment: str) -> None:
    out = tmp_path / "kept.json"
    out.write_text("what was there", "utf-8")
    code, printed, err = run(capsys, db, "report", *argv, "--format", "json", "--out",
                             str(out)) if "--format" not in argv else run(
        capsys, db, "report", *argv, "--out", str(out))
    assert (code, printed) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("deskapp: error: "), err
    assert fragment in err, err
    assert out.read_text("utf-8") == "what was there"


def test_an_out_that_cannot_be_written(capsys: pytest.CaptureFixture[str], db: str,
                                       tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "report.json"
    for target, fragment in ((missing, "does not exist"), (tmp_path, "is a folder")):
        code, printed, err = run(capsys, db, "report", "--period", "2026-11", "--out",
                                 str(target))
        assert (code, printed) == (2, "")
        assert len(err.splitlines()) == 1 and fragment in err, err
    assert not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.sqlite3"]


def test_cells_a_spreadsheet_would_run_are_neutralised(capsys: pytest.CaptureFixture[str],
                                                       db: str) -> None:
    text = ok(capsys, db, "report", "--period", "2026-11", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    difference = rows[0].index("difference_points")
    critical = next(r for r in rows if r[:1] == ["acelynk"] and r[3] == "critical")
    assert critical[difference] == "-45.0"  # a number stays a number
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
