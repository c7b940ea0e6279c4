"""A shipped agreement file that cannot be used leaves out its vendor only, and says so once;
a folder without agreements is one error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deskapp.app import sla as sla_module
from deskapp.cli import incident as incident_cli
from deskapp.paths import policies_dir
from deskapp.storage.engine import sqlite_url
from tests.cli.support import run
from tests.cli.test_incident_cli import NOW, Clock

BROKEN = "maqsu.toml: severities"  # how the warning and the error name the bad file


@pytest.fixture
def policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped agreements, which the desk reads instead of its own."""
    folder = tmp_path / "policies"
    shutil.copytree(policies_dir(), folder)
    monkeypatch.setattr(sla_module, "policies_dir", lambda: folder)
    return folder


def break_maqsu(folder: Path) -> None:
    path = folder / "maqsu.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[[severities]]", "[[severities]]\n"
                    "colour = 'red'", 1), encoding="utf-8")


def warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("deskapp: warning: ")]


def test_the_other_vendors_keep_working_and_the_bad_file_is_named_once(
        capsys: pytest.CaptureFixture[str], policies: Path) -> None:
    break_maqsu(policies)

    code, out, err = run(capsys, "policy", "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["acelynk", "catapult", "magaya"]
    [warning] = warning_lines(err)
    assert err == warning + "\n"
    assert BROKEN in warning and "colour" in warning and "left out" in warning

    code, out, err = run(capsys, "sla", "due", "--vendor", "magaya", "--severity", "1",
                         "--metric", "response", "--start", "2026-12-14T09:00-05:00")
    assert (code, out) == (0, "2026-12-14T10:00:00-05:00\n")
    assert len(warning_lines(err)) == 1


@pytest.mark.parametrize("argv", [
    ["policy", "show", "maqsu"],
    ["sla", "due", "--vendor", "maqsu", "--severity", "high", "--metric", "response",
     "--start", "2026-12-14T09:00-05:00"],
])
def test_using_the_vendor_of_the_bad_file_is_an_error_naming_it(
        capsys: pytest.CaptureFixture[str], policies: Path, argv: list[str]) -> None:
    break_maqsu(policies)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    [warning, error] = err.splitlines()
    assert warning.startswith("deskapp: warning: ") and BROKEN in warning
    assert error.startswith("deskapp: error: maqsu's agreement cannot be used: ")
    assert BROKEN in error and "fix the file" in error


def test_incidents_can_still_be_shown_and_logged(
        capsys: pytest.CaptureFixture[str], policies: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_OFFICE_TZ", "Asia/Singapore")
    monkeypatch.setattr(incident_cli, "clock", Clock(NOW))
    db = sqlite_url(tmp_path / "desk.sqlite3")
    assert main_ok(capsys, "--db", db, "incident", "add", "--vendor", "maqsu", "--severity",
                   "high", "--title", "Before", "--at", "2026-12-18T09:00+08:00") == "INC-000001\n"
    break_maqsu(policies)

    for argv in (["incident", "show", "INC-000001"],
                 ["incident", "add", "--vendor", "magaya", "--severity", "2", "--title", "After",
                  "--at", "2026-12-18T10:00+08:00"],
                 ["incident", "list"]):
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 0, err
        [warning] = warning_lines(err)
        assert err == warning + "\n" and BROKEN in warning


def main_ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, ""), err
    return out


@pytest.mark.parametrize("argv", [
    ["policy", "list"],
    ["policy", "show", "magaya"],
    ["sla", "due", "--vendor", "magaya", "--severity", "1", "--metric", "response",
     "--start", "2026-12-14T09:00-05:00"],
])
def test_an_empty_agreements_folder_is_one_error(
        capsys: pytest.CaptureFixture[str], policies: Path, argv: list[str]) -> None:
    for path in policies.glob("*.toml"):
        path.unlink()
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("deskapp: error: "), err
    assert "holds no agreement files (*.toml)" in err and str(policies) in err
    assert "reinstall deskapp" in err


def test_a_folder_of_files_none_of_which_can_be_used_is_an_error_for_the_list(
        capsys: pytest.CaptureFixture[str], policies: Path) -> None:
    for path in policies.glob("*.toml"):
        path.write_text("vendor = ", encoding="utf-8")
    code, out, err = run(capsys, "policy", "list")
    assert (code, out) == (2, "")
    *warnings, error = err.splitlines()
    assert len(warnings) == 4 and all(w.startswith("deskapp: warning: ") for w in warnings)
    assert error.startswith("deskapp: error: none of the shipped agreement files can be used")
