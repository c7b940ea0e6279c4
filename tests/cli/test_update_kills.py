"""`deskapp incident update` with several options, killed at random moments, is never torn."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from deskapp.app.desk import Desk
from deskapp.core.lifecycle import EventKind
from deskapp.office import Office
from tests.app.support import draft

KILLS = int(os.environ.get("DESKAPP_UPDATE_KILLS", "24"))
UPDATE = """
import sys
from deskapp.cli import main
sys.exit(main(sys.argv[1:]))
"""
# The same, killed right after the first transaction that wrote anything commits.
UPDATE_KILLED_AFTER_FIRST_WRITE = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from deskapp.cli import main

wrote = []

@event.listens_for(Engine, "before_cursor_execute")
def note(connection, cursor, statement, *rest):
    if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        wrote.append(statement)

@event.listens_for(Session, "after_commit")
def kill(session):
    if wrote:
        os.kill(os.getpid(), signal.SIGKILL)

sys.exit(main(sys.argv[1:]))
"""


def test_an_update_killed_at_any_moment_is_written_whole_or_not_at_all(tmp_path: Path
                                                                       ) -> None:
    path = tmp_path / "desk.sqlite3"
    office = Office("America/New_York", "US")
    desk = Desk.open(str(path), office=office)
    try:
        key = desk.log(draft(), author="ana").incident.key
    finally:
        desk.shutdown()
    env = {**os.environ, "DESKAPP_OFFICE_TZ": "America/New_York",
           "DESKAPP_OFFICE_COUNTRY": "US"}
    def update(turn: int, script: str = UPDATE) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", script, "incident", "update", key, "--db", str(path),
             "--title", f"Title {turn}", "--comment", f"Comment {turn}",
             "--reporter", f"Reporter {turn}", "--as", "ana"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # Killed as soon as its first write is committed: the update is then all there.
    assert update(-2, UPDATE_KILLED_AFTER_FIRST_WRITE).wait(timeout=60) == -signal.SIGKILL
    started = time.monotonic()
    assert update(-1).wait(timeout=60) == 0
    whole = time.monotonic() - started
    rng = random.Random(7)
    killed = 0
    for turn in range(KILLS):
        process = update(turn)
        # Start-up is most of a run and the writes come last: kill around its end.
        time.sleep(whole * rng.uniform(0.8, 1.05))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
    desk = Desk.open(str(path), office=office)
    try:
        view = desk.show(key)
        edits = [dict(e.data) for e in view.events if e.kind is EventKind.FIELDS_CHANGED]
        comments = {e.data["text"] for e in view.events if e.kind is EventKind.COMMENT}
    finally:
        desk.shutdown()
    # Every update that landed brought its title, reporter and comment, in one write.
    for edit in edits:
        turn = edit["title"].removeprefix("Title ")
        assert edit["reporter"] == f"Reporter {turn}"
        assert f"Comment {turn}" in comments
    assert len(comments) == len(edits)
    assert killed > 0  # the kills did happen
    if edits:
        last = edits[-1]["title"].removeprefix("Title ")
        assert (view.title, view.reporter) == (f"Title {last}", f"Reporter {last}")


# ----- a writer killed at random moments, with and without backups being taken beside it ---

SAFETY_KILLS = int(os.environ.get("DESKAPP_SAFETY_KILLS", "24"))


def _kills() -> ModuleType:
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    import kills

    return kills


@pytest.mark.timeout(600)
@pytest.mark.parametrize("with_backups", [False, True], ids=["alone", "while backing up"])
def test_a_writer_killed_at_random_moments_loses_no_acknowledged_write(
        tmp_path: Path, with_backups: bool) -> None:
    outcome = _kills().kill_writers(tmp_path, SAFETY_KILLS // 2, seed=3 if with_backups
                                    else 2, with_backups=with_backups)
    assert outcome.kills == SAFETY_KILLS // 2
    assert outcome.acknowledged > SAFETY_KILLS  # the writers did write
    assert outcome.lost == []
    assert outcome.problems == []
    if with_backups:
        assert outcome.backups_checked > 0
