"""`deskapp report --format pdf`: the vendor scorecard written headless, to a file only."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskapp.app.desk import Desk
from deskapp.app.views import IncidentDraft
from deskapp.office import Office
from deskapp.storage.engine import sqlite_url
from tests.cli.support import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Two Magaya incidents reported in November 2026, never answered."""
    path = tmp_path / "desk.sqlite3"
    desk = Desk.open(sqlite_url(path), office=Office("America/New_York", "US"),
                     clock=lambda: datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    try:
        agreement = desk.agreements()["magaya"]
        for day in (3, 4):
            desk.log(IncidentDraft(vendor="magaya", product=agreement.products[0],
                                   title=f"Cannot post {day}", severity="1",
                                   channel=(agreement.severity("1").channels or ("email",))[0]),
                     author="tess", at=datetime(2026, 11, day, 15, 0, tzinfo=UTC))
    finally:
        desk.shutdown()
    return path


def _deskapp(*argv: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, with no display (as on a server)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    env["DESKAPP_OFFICE_TZ"] = "America/New_York"
    return subprocess.run([sys.executable, "-m", "deskapp", *argv], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("how", ["--db", "--read-only"])
def test_the_scorecard_is_written_headless(database: Path, tmp_path: Path, how: str) -> None:
    out = tmp_path / "scorecard.pdf"
    done = _deskapp(how, str(database), "report", "--period", "2026-11", "--vendor", "magaya",
                    "--format", "pdf", "--out", str(out), "--now", "2026-12-08T15:00:00Z")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 3


def test_pdf_without_out_is_one_line_and_exit_2(database: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    code, out, err = run(capsys, "--db", str(database), "report", "--period", "2026-11",
                         "--format", "pdf")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--out" in err
