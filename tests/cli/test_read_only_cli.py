"""`deskapp --read-only PATH`: every command reads the file, none writes a byte of it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.storage.engine import sqlite_url
from tests.cli.support import run

ROOT = Path(__file__).parents[2]
AT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


@pytest.fixture
def taken_home(tmp_path: Path) -> Iterator[Path]:
    """A lead's copy of the desk: one incident with a comment, the file closed."""
    folder = tmp_path / "home"
    folder.mkdir()
    path = folder / "desk copy.sqlite3"
    desk = Desk.open(sqlite_url(path), clock=lambda: AT)
    try:
        agreement = desk.agreements()["magaya"]
        key = desk.log(IncidentDraft(vendor="magaya", product=agreement.products[0],
                                     title="Cannot post", severity="1",
                                     channel=agreement.severity("1").channels[0]),
                       author="tess").incident.key
        desk.comment(key, "looked at it", author="tess")
    finally:
        desk.shutdown()
    yield path


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {item.name: (item.read_bytes(), item.stat().st_mtime_ns)
            for item in folder.iterdir()}


def test_every_command_reads_and_none_writes(capsys: pytest.CaptureFixture[str],
                                             taken_home: Path) -> None:
    before = _snapshot(taken_home.parent)
    path = str(taken_home)

    code, out, err = run(capsys, "--read-only", path, "incident", "list")
    assert (code, err) == (0, "") and "INC-000001" in out and "Cannot post" in out
    code, out, err = run(capsys, "--read-only", path, "incident", "show", "INC-000001")
    assert (code, err) == (0, "") and "looked at it" in out

    for write in (["incident", "update", "INC-000001", "--comment", "one more"],
                  ["incident", "resolve", "INC-000001", "--type", "answer"],
                  ["incident", "add", "--vendor", "magaya", "--title", "New",
                   "--severity", "2"]):
        code, out, err = run(capsys, "--read-only", path, *write)
        assert code == 2, write
        assert err.count("\n") == 1 and "Traceback" not in err, write
        assert err.startswith("deskapp: error: the database file ") and \
            "is open read-only: nothing can be changed in it" in err, write
    code, _, err = run(capsys, "--read-only", path, "demo", "--incidents", "5", "--quiet")
    assert code == 2 and err.count("\n") == 1

    assert _snapshot(taken_home.parent) == before  # same bytes and times, nothing beside it


def test_a_file_nobody_may_write_opens(capsys: pytest.CaptureFixture[str],
                                       taken_home: Path) -> None:
    taken_home.chmod(0o444)
    before = _snapshot(taken_home.parent)
    code, out, err = run(capsys, "--read-only", str(taken_home), "incident", "list")
    assert (code, err) == (0, "") and "INC-000001" in out
    assert _snapshot(taken_home.parent) == before


def test_a_missing_file_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite3"
    code, out, err = run(capsys, "--read-only", str(missing), "incident", "list")
    assert (code, out) == (2, "")
    assert err == f"deskapp: error: there is no database file {missing}\n"
    assert not missing.exists()


def test_read_only_names_the_database_alone(capsys: pytest.CaptureFixture[str],
                                            taken_home: Path) -> None:
    for argv in (["--read-only", str(taken_home), "--db", "other.sqlite3", "incident", "list"],
                 ["--read-only", str(taken_home), "incident", "list", "--db", "x.sqlite3"],
                 ["--demo", "--read-only", str(taken_home)]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.count("\n") == 1, argv
        assert "--read-only names the database to open: leave out --" in err, argv


def test_python_m_deskapp_read_only(taken_home: Path) -> None:
    """What a backup dialog starts: ``sys.executable -m deskapp --read-only FILE``."""
    before = _snapshot(taken_home.parent)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("DESKAPP_DB", None)
    listed = subprocess.run(
        [sys.executable, "-m", "deskapp", "--read-only", str(taken_home), "incident", "list"],
        capture_output=True, text=True, env=environment, timeout=120, check=False)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "INC-000001" in listed.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "deskapp", "--read-only", str(taken_home) + ".gone"],
        capture_output=True, text=True, env=environment, timeout=120, check=False)
    assert missing.returncode == 2
    assert missing.stderr == f"deskapp: error: there is no database file {taken_home}.gone\n"
    assert _snapshot(taken_home.parent) == before
