"""`deskapp sla`: due times, batches, time left, explanations and one-line errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.cli import main
from tests.cli.support import run

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "sla-examples.csv"
INPUT_COLUMNS = ["vendor", "severity", "metric", "start", "site_tz", "site_country"]


def example_rows() -> list[dict[str, str]]:
    with EXAMPLES.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def due_ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line ``deskapp sla due`` prints, after checking it succeeded quietly."""
    code, out, err = run(capsys, "sla", "due", *argv)
    assert (code, err) == (0, ""), err
    lines = out.splitlines()
    assert len(lines) == 1, out
    return lines[0]


def assert_one_line_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], *fragments: str
) -> str:
    """Exit 2, nothing on stdout, one ``deskapp: error:`` line on stderr naming the problem."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.endswith("\n")
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("deskapp: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def write_batch(path: Path, rows: list[list[str]], header: list[str] | None = None) -> str:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(INPUT_COLUMNS if header is None else header)
        writer.writerows(rows)
    return str(path)


# ----- the worked examples ----------------------------------------------------------------


@pytest.mark.parametrize("office", ["America/New_York", "Asia/Singapore"])
def test_batch_gives_every_worked_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    office: str,
) -> None:
    # Every example start carries its offset, so the office zone must not change any answer.
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", office)
    examples = example_rows()
    batch = write_batch(tmp_path / "in.csv", [[r[c] for c in INPUT_COLUMNS] for r in examples])

    code, out, err = run(capsys, "sla", "due", "--batch", batch)

    assert (code, err) == (0, "")
    got = list(csv.DictReader(out.splitlines()))
    assert [list(r) for r in got[:1]] == [[*INPUT_COLUMNS, "due"]]
    assert [r["due"] for r in got] == [r["due"] for r in examples]
    assert [[r[c] for c in INPUT_COLUMNS] for r in got] == [
        [r[c] for c in INPUT_COLUMNS] for r in examples
    ]


@pytest.mark.parametrize("example", example_rows(), ids=lambda r: r["why"][:40])
def test_single_due_gives_the_worked_example(
    capsys: pytest.CaptureFixture[str], example: dict[str, str]
) -> None:
    argv = ["--vendor", example["vendor"], "--severity", example["severity"],
            "--metric", example["metric"], "--start", example["start"]]
    if example["site_tz"]:
        argv += ["--site-tz", example["site_tz"]]
    if example["site_country"]:
        argv += ["--site-country", example["site_country"]]

    assert due_ok(capsys, *argv) == example["due"]


def test_four_column_batch_uses_the_office_as_site(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Catapult sev 3 response is 1 business day in the site calendar; with no site columns the
    # site is the Singapore office: Fri 16:00 +08 -> Mon 16:00 +08, in the office's zone.
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    batch = write_batch(tmp_path / "in.csv", [["catapult", "3", "response", "2026-12-04T16:00"]],
                        header=INPUT_COLUMNS[:4])

    code, out, err = run(capsys, "sla", "due", "--batch", batch)

    assert (code, err) == (0, "")
    assert out == (
        "vendor,severity,metric,start,due\n"
        "catapult,3,response,2026-12-04T16:00,2026-12-07T16:00:00+08:00\n"
    )


def test_batch_with_windows_line_endings_and_bom(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffvendor,severity,metric,start\r\n"
        "magaya,2,response,2026-12-04T19:40:00-05:00\r\n"
        "\r\n"
        "acelynk,critical,response,2026-12-25T09:15:00-05:00\r\n".encode()
    )

    code, out, err = run(capsys, "sla", "due", "--batch", str(path))

    assert (code, err) == (0, "")
    assert out == (
        "vendor,severity,metric,start,due\n"
        "magaya,2,response,2026-12-04T19:40:00-05:00,2026-12-05T08:40:00-05:00\n"
        "acelynk,critical,response,2026-12-25T09:15:00-05:00,2026-12-25T11:15:00-05:00\n"
    )


# ----- times without an offset --------------------------------------------------------------


@pytest.mark.parametrize(
    ("office", "expected"),
    [
        # Fri 19:40 New York: 20 min Friday evening, 40 min from Saturday 08:00.
        ("America/New_York", "2026-12-05T08:40:00-05:00"),
        # Fri 19:40 Singapore is Fri 06:40 New York: the clock starts at the 07:00 opening.
        ("Asia/Singapore", "2026-12-04T08:00:00-05:00"),
    ],
)
def test_naive_start_is_read_in_the_office_zone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, office: str,
    expected: str,
) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", office)
    argv = ["--vendor", "magaya", "--severity", "2", "--metric", "response",
            "--start", "2026-12-04T19:40"]
    assert due_ok(capsys, *argv) == expected


def test_calendar_hours_cross_the_fall_back_in_utc(capsys: pytest.CaptureFixture[str]) -> None:
    # 00:30 EDT is 04:30 UTC; two elapsed hours later it is 06:30 UTC = 01:30 EST (second 01:30).
    argv = ["--vendor", "acelynk", "--severity", "critical", "--metric", "response",
            "--start", "2026-11-01T00:30"]
    assert due_ok(capsys, *argv) == "2026-11-01T01:30:00-05:00"


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        ("2026-03-08T02:30", "does not exist"),
        ("2026-11-01T01:30", "happens twice"),
    ],
)
def test_naive_start_in_a_dst_gap_or_overlap_is_refused(
    capsys: pytest.CaptureFixture[str], start: str, problem: str
) -> None:
    argv = ["sla", "due", "--vendor", "magaya", "--severity", "2", "--metric", "response",
            "--start", start]
    assert_one_line_error(capsys, argv, start, problem, "America/New_York", "UTC offset")


def test_an_ambiguous_wall_time_with_its_offset_is_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The second 01:30 (EST) on a Sunday: Magaya opens Monday 07:00, 1 business hour later.
    argv = ["--vendor", "magaya", "--severity", "2", "--metric", "response",
            "--start", "2026-11-01T01:30-05:00"]
    assert due_ok(capsys, *argv) == "2026-11-02T08:00:00-05:00"


# ----- --json -----------------------------------------------------------------------------------


def test_json_details(capsys: pytest.CaptureFixture[str]) -> None:
    # MAQSU high resolution, 12 business hours, logged Thu 24 Dec 18:00 Singapore (after
    # closing; Christmas closed): effective start Sat 08:30; Sat 08:30-13:00 = 4h30m,
    # Sunday closed, Mon 08:30-16:00 = 7h30m. The explanation names Christmas as skipped.
    code, out, err = run(capsys, "sla", "due", "--vendor", "maqsu", "--severity", "high",
                         "--metric", "resolution", "--start", "2026-12-24T18:00+08:00", "--json")

    assert (code, err) == (0, "")
    details = json.loads(out)
    assert details["calendar"]["key"] == "maqsu"
    assert details["calendar"]["zone"] == "Asia/Singapore"
    assert details["unit"] == "business hours"
    assert details["amount"] == 12
    assert details["start"] == "2026-12-24T18:00:00+08:00"
    assert details["effective_start"] == "2026-12-26T08:30:00+08:00"
    assert details["due"] == "2026-12-28T16:00:00+08:00"
    steps = details["explanation"]
    assert [(s["kind"], s["date"]) for s in steps] == [
        ("skipped", "2026-12-25"), ("counted", "2026-12-26"), ("skipped", "2026-12-27"),
        ("counted", "2026-12-28"),
    ]
    assert steps[0]["reason"] == "SG holiday: Christmas Day"
    assert steps[1]["start"] == "2026-12-26T08:30:00+08:00"
    assert steps[1]["end"] == "2026-12-26T13:00:00+08:00"
    assert steps[2]["reason"] == "closed day"
    assert sum(s["seconds"] for s in steps) == 12 * 3600


def test_json_for_calendar_hours_has_no_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sla", "due", "--vendor", "acelynk", "--severity", "critical",
                         "--metric", "response", "--start", "2026-12-25T09:15", "--json")

    assert (code, err) == (0, "")
    details = json.loads(out)
    assert details["calendar"] == {
        "key": "acelynk-24x7", "name": details["calendar"]["name"], "zone": "America/New_York",
    }
    assert (details["unit"], details["amount"]) == ("calendar hours", 2)
    assert details["effective_start"] == "2026-12-25T09:15:00-05:00"
    assert details["due"] == "2026-12-25T11:15:00-05:00"
    assert details["explanation"] == []


# ----- remaining ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Due Sat 08:40 (Fri 19:40 + 20 min Friday + 40 min Saturday).
        # Fri 19:50: 10 min left Friday + 40 min Saturday = 50 min.
        ("2026-12-04T19:50", 3000),
        # Sat 07:00, before the 08:00 opening: the closed night is not counted, 40 min left.
        ("2026-12-05T07:00", 2400),
        ("2026-12-05T08:40", 0),
        # Sat 09:00: 20 open minutes past due.
        ("2026-12-05T09:00", -1200),
        # Mon 08:00: Sat 08:40-12:00 (3h20m) + Sunday closed + Mon 07:00-08:00 (1h) overdue.
        ("2026-12-07T08:00", -(3 * 3600 + 20 * 60 + 3600)),
        # The same moment given with an offset, from another zone.
        ("2026-12-07T21:00+08:00", -(3 * 3600 + 20 * 60 + 3600)),
    ],
)
def test_remaining_business_seconds(
    capsys: pytest.CaptureFixture[str], now: str, expected: int
) -> None:
    code, out, err = run(capsys, "sla", "remaining", "--vendor", "magaya", "--severity", "2",
                         "--metric", "response", "--start", "2026-12-04T19:40", "--now", now)
    assert (code, err) == (0, "")
    assert out == f"{expected}\n"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 24x7 calendar hours: due 11:15 on Christmas Day; an hour before and an hour after.
        ("2026-12-25T10:15", 3600),
        ("2026-12-25T12:15", -3600),
    ],
)
def test_remaining_calendar_hours(
    capsys: pytest.CaptureFixture[str], now: str, expected: int
) -> None:
    code, out, err = run(capsys, "sla", "remaining", "--vendor", "acelynk", "--severity",
                         "critical", "--metric", "response", "--start", "2026-12-25T09:15",
                         "--now", now)
    assert (code, err) == (0, "")
    assert out == f"{expected}\n"


# ----- explain ----------------------------------------------------------------------------------


def test_explain_names_skipped_holidays_and_closed_days(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Thu 15:00-17:30 (2h30m), Christmas closed, Sat 08:30-13:00 (4h30m), Sunday closed,
    # Mon 08:30-13:30 (5h): 12 business hours.
    code, out, err = run(capsys, "sla", "explain", "--vendor", "maqsu", "--severity", "high",
                         "--metric", "resolution", "--start", "2026-12-24T15:00+08:00")

    assert (code, err) == (0, "")
    assert "MAQSU severity high" in out
    assert "Asia/Singapore" in out
    assert "Thu 2026-12-24  15:00-17:30  counted 2h 30m" in out
    assert "Fri 2026-12-25  skipped: SG holiday: Christmas Day" in out
    assert "Sat 2026-12-26  08:30-13:00  counted 4h 30m" in out
    assert "Sun 2026-12-27  skipped: closed day" in out
    assert "Mon 2026-12-28  08:30-13:30  counted 5h" in out
    assert "total counted: 12h" in out
    assert "2026-12-28T13:30:00+08:00" in out


def test_explain_marks_limited_staff_holidays_as_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "sla", "explain", "--vendor", "magaya", "--severity", "2",
                         "--metric", "response", "--start", "2026-12-24T19:30")

    assert (code, err) == (0, "")
    assert "Thu 2026-12-24  19:30-20:00  counted 30m" in out
    assert "Fri 2026-12-25  07:00-07:30  counted 30m  (US holiday, limited staff: Christmas" in out
    assert "2026-12-25T07:30:00-05:00" in out


def test_explain_shows_the_effective_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sla", "explain", "--vendor", "magaya", "--severity", "2",
                         "--metric", "response", "--start", "2026-12-05T13:00")

    assert (code, err) == (0, "")
    assert "Clock start:     Sat 2026-12-05 13:00 EST" in out
    assert "Effective start: Mon 2026-12-07 07:00 EST" in out
    assert "Due: Mon 2026-12-07 08:00 EST" in out


# ----- errors -------------------------------------------------------------------------------

START = ["--start", "2026-12-04T10:00"]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["sla", "due", "--vendor", "nope", "--severity", "1", "--metric", "response", *START],
         ["unknown vendor 'nope'", "acelynk, catapult, magaya, maqsu"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "9", "--metric", "response", *START],
         ["no severity '9'", "1, 2, 3, 4"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "workaround",
          *START], ["no metric 'workaround'", "response, resolution"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "response",
          "--start", "next tuesday"], ["'next tuesday' is not a date and time", "ISO 8601"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "response",
          "--start", "2026-02-30T10:00"], ["'2026-02-30T10:00' is not a date and time"]),
        (["sla", "due", "--vendor", "catapult", "--severity", "3", "--metric", "response",
          *START, "--site-tz", "Asia/Atlantis"], ["unknown site time zone 'Asia/Atlantis'"]),
        (["sla", "due", "--vendor", "catapult", "--severity", "3", "--metric", "response",
          *START, "--site-country", "XX"], ["unknown site country 'XX'", "ISO code"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "response"],
         ["missing --start"]),
        (["sla", "remaining", "--severity", "1", "--metric", "response", *START],
         ["missing --vendor"]),
        (["sla", "due", "--vendor", "magaya", "--severity", "4", "--metric", "resolution",
          *START], ["Magaya severity 4 resolution has no default target", "agreed per incident"]),
        (["sla", "explain", "--vendor", "magaya", "--severity", "4", "--metric", "resolution",
          *START], ["no default target"]),
        (["sla", "remaining", "--vendor", "magaya", "--severity", "1", "--metric", "response",
          *START, "--now", "yesterday"], ["'yesterday' is not a date and time"]),
        (["sla", "due", "--vendor", "acelynk", "--severity", "critical", "--metric", "response",
          "--start", "9999-12-31T23:59:59-05:00"], ["outside the supported range"]),
        (["sla", "frobnicate"], ["invalid choice: 'frobnicate'"]),
        (["sla"], ["required", "ACTION"]),
        (["sla", "due", "--vendor", "magaya", "--frob"], ["unrecognized arguments: --frob"]),
        (["nonsense"], ["invalid choice: 'nonsense'"]),
        (["sla", "due", "--batch", "x.csv", "--vendor", "magaya"], ["--batch takes no"]),
        (["sla", "due", "--batch", "x.csv", "--site-tz", "Asia/Manila"], ["--batch takes no"]),
    ],
    ids=lambda value: " ".join(value)[:60] if isinstance(value, list) else None,
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragments: list[str]
) -> None:
    assert_one_line_error(capsys, argv, *fragments)


def test_unknown_office_zone_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Mars/Olympus")
    argv = ["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "response", *START]
    assert_one_line_error(capsys, argv, "office time zone 'Mars/Olympus'", "IANA")


GOOD_ROW = ["magaya", "2", "response", "2026-12-04T19:40"]


def test_batch_with_a_bad_header(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "in.csv", [GOOD_ROW], header=["vendor", "sev", "metric", "at"])
    assert_one_line_error(capsys, ["sla", "due", "--batch", batch],
                          "line 1", "expected the header vendor,severity,metric,start")


def test_empty_batch_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert_one_line_error(capsys, ["sla", "due", "--batch", str(path)], "line 1", "header")


@pytest.mark.parametrize(
    ("bad_row", "fragment"),
    [
        (["magaya", "2", "response", "soon"], "'soon' is not a date and time"),
        (["magaya", "4", "resolution", "2026-12-04T10:00"], "no default target"),
        (["magaya", "2", "response", "2026-03-08T02:30"], "does not exist"),
        (["magaya", "2", "response", "2026-12-04T10:00", "Asia/Atlantis", ""],
         "expected 4 fields as in the header, found 6"),
        (["magaya", "2", "response", "2026-12-04T10:00", "Asia/Manila"],
         "expected 4 fields as in the header, found 5"),
        (["magaya", "2", "response"], "expected 4 fields as in the header, found 3"),
    ],
)
def test_batch_with_a_bad_row_on_line_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bad_row: list[str], fragment: str
) -> None:
    batch = write_batch(tmp_path / "in.csv", [GOOD_ROW, bad_row, GOOD_ROW],
                        header=INPUT_COLUMNS[:4])
    assert_one_line_error(capsys, ["sla", "due", "--batch", batch], "line 3", fragment)


def test_batch_six_columns_with_a_bad_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [[*GOOD_ROW, "", ""], ["catapult", "3", "response", "2026-12-04T10:00", "", "XX"]]
    batch = write_batch(tmp_path / "in.csv", rows)
    assert_one_line_error(capsys, ["sla", "due", "--batch", batch],
                          "line 3", "unknown site country 'XX'")


def test_batch_with_a_field_too_large_for_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    batch = write_batch(tmp_path / "in.csv", [GOOD_ROW, ["magaya", "2", "response", "x" * 200_000]],
                        header=INPUT_COLUMNS[:4])
    assert_one_line_error(capsys, ["sla", "due", "--batch", batch], "line 3", "not readable")


def test_batch_file_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.csv")
    assert_one_line_error(capsys, ["sla", "due", "--batch", missing], "cannot read", missing)


def test_batch_file_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"vendor,severity,metric,start\nmagaya,2,r\xe9sponse,2026-12-04T10:00\n")
    assert_one_line_error(capsys, ["sla", "due", "--batch", str(path)], "cannot read")


# ----- the installed console command --------------------------------------------------------


def deskapp_command() -> list[str]:
    found = Path(sys.executable).parent / ("deskapp.exe" if os.name == "nt" else "deskapp")
    if not found.exists():
        pytest.skip(f"no deskapp console script next to {sys.executable}")
    return [str(found)]


def run_deskapp(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKAPP_OFFICE_TZ": "America/New_York"}
    env.pop("DESKAPP_OFFICE_COUNTRY", None)
    return subprocess.run([*deskapp_command(), *argv], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_console_script_prints_a_due_time() -> None:
    done = run_deskapp("sla", "due", "--vendor", "magaya", "--severity", "2",
                       "--metric", "response", "--start", "2026-12-04T19:40")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "2026-12-05T08:40:00-05:00\n"


def test_console_script_error_is_one_line() -> None:
    done = run_deskapp("sla", "due", "--vendor", "magaya", "--severity", "4",
                       "--metric", "resolution", "--start", "2026-12-04T10:00")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "deskapp: error: Magaya severity 4 resolution has no default target: "
        "the due date is agreed per incident"
    ]
