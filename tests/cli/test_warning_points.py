"""`incident show --json` moves a target's warning point with its due time while paused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deskapp.cli import main


def resolution(capsys: pytest.CaptureFixture[str], db: str, now: str) -> dict[str, Any]:
    assert main(["--db", db, "incident", "show", "INC-000001", "--json", "--now", now]) == 0
    shown = json.loads(capsys.readouterr().out)
    found: dict[str, Any] = next(t for t in shown["targets"] if t["metric"] == "resolution")
    return found


def test_an_open_pause_moves_the_warning_point_with_the_due_time(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "desk.sqlite3")
    # MAQSU high: resolution 12 business hours, warning 3 business hours before.
    assert main(["--db", db, "incident", "add", "--vendor", "maqsu", "--severity", "high",
                 "--title", "Posting fails", "--at", "2026-11-16T09:00+08:00"]) == 0
    assert main(["--db", db, "incident", "pause", "INC-000001",
                 "--at", "2026-11-16T12:00+08:00"]) == 0
    capsys.readouterr()
    before = resolution(capsys, db, "2026-11-16T12:00+08:00")
    assert (before["due"], before["warning_at"]) == (
        "2026-11-17T12:00:00+08:00", "2026-11-17T09:00:00+08:00")
    # Paused a whole business day later (9 business hours), both moved by as much.
    later = resolution(capsys, db, "2026-11-17T12:00+08:00")
    assert (later["state"], later["due"], later["warning_at"], later["warning"]) == (
        "paused", "2026-11-18T12:00:00+08:00", "2026-11-18T09:00:00+08:00", False)
