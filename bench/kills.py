"""Writers killed at random moments: after each SIGKILL the database is whole, every write
whose call returned is there, and the cached clocks are what a fresh computation gives;
also while backups are being taken (and killed) beside it.

The writer is this file run as a script (``python bench/kills.py URL JOURNAL SEED``): it
logs, comments, pauses, resumes and changes severities for ever, and appends one line per
write *after* the call returned, naming the token the write carries. The parent kills it.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deskapp.app import backups  # noqa: E402
from deskapp.app.desk import Desk  # noqa: E402
from deskapp.app.views import IncidentDraft  # noqa: E402
from deskapp.core.errors import InputError  # noqa: E402
from deskapp.office import Office  # noqa: E402
from deskapp.storage import backup  # noqa: E402
from deskapp.storage.engine import sqlite_url  # noqa: E402

OFFICE = Office("America/New_York", "US")
TOKEN = re.compile(r"k\d+-\d+")
BACKUP_LOOP = """
import sys
from datetime import UTC, datetime
from deskapp.app import backups
while True:
    backups.create(sys.argv[1], now=datetime.now(UTC), folder=sys.argv[2])
"""


def write_for_ever(url: str, journal: str, seed: int) -> None:
    """The writer: one write after another; each acknowledged in the journal once done."""
    desk = Desk.open(url, office=OFFICE)
    rng = random.Random(seed)
    out = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    with desk.reading() as session:
        keys = [f"INC-{n:06d}" for (n,) in session.connection().exec_driver_sql(
            "SELECT number FROM incidents")]
    print("ready", flush=True)
    count = 0
    while True:
        count += 1
        token = f"k{seed}-{count}"
        started = time.monotonic()
        try:
            if not keys or rng.random() < 0.2:
                keys.append(desk.log(IncidentDraft(
                    vendor="maqsu", product="MAQSU Services", title=f"Title {token}",
                    severity=rng.choice(("critical", "high", "medium")), channel="phone"),
                    author="ana").incident.key)
            else:
                key, choice = rng.choice(keys), rng.random()
                if choice < 0.5:
                    desk.comment(key, f"Comment {token}", author="bo")
                elif choice < 0.7:
                    desk.pause(key, f"Paused {token}", author="bo")
                elif choice < 0.85:
                    desk.resume(key, f"Resumed {token}", author="bo")
                else:
                    desk.change_severity(key, rng.choice(("critical", "high", "low")),
                                         f"Reason {token}", author="bo")
        except InputError:
            continue  # not allowed now (already paused, same severity): nothing written
        os.write(out, f"{token} {started:.6f} {time.monotonic():.6f}\n".encode())


@dataclass
class Outcome:
    """What the kills found."""

    kills: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backups_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.lost and not self.problems


def acknowledged(journal: Path) -> set[str]:
    """The tokens of the writes whose calls returned (a line cut short by the kill: none)."""
    if not journal.exists():
        return set()
    text = journal.read_text(encoding="utf-8")
    return {line.split()[0] for line in text.splitlines(keepends=True) if line.endswith("\n")}


def present(path: Path) -> set[str]:
    """Every token written in the database: titles and the texts of timeline entries."""
    with closing(sqlite3.connect(path)) as connection:
        texts = [row[0] for row in connection.execute("SELECT title FROM incidents")]
        texts += [row[0] for row in connection.execute("SELECT data FROM incident_events")]
    return {token for text in texts for token in TOKEN.findall(text)}


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


def clocks_differ(url: str) -> list[str]:
    """The incidents whose cached clocks are not what their timeline gives."""
    desk = Desk.open(url, office=OFFICE)
    try:
        with desk.reading() as session:
            keys = [f"INC-{n:06d}" for (n,) in session.connection().exec_driver_sql(
                "SELECT number FROM incidents")]
        return [key for key in keys if desk.cached_clocks(key) != desk.fresh_clocks(key)]
    finally:
        desk.shutdown()


def _start(args: list[str], *, says_ready: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT,
                            stdout=subprocess.PIPE if says_ready else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def kill_writers(folder: Path, kills: int, *, seed: int = 1, with_backups: bool = False,
                 longest_wait: float = 0.6) -> Outcome:
    """Start a writer ``kills`` times and SIGKILL it at a random moment of its work,
    checking the database after each kill; ``with_backups``: a process takes backups
    meanwhile and is killed at random moments too."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "killed.sqlite3"
    url = sqlite_url(path)
    Desk.open(url, office=OFFICE).shutdown()
    journal = folder / "journal.txt"
    shelf = folder / "backups"
    rng = random.Random(seed)
    outcome = Outcome()
    copier: subprocess.Popen[bytes] | None = None
    for turn in range(kills):
        if with_backups and (copier is None or copier.poll() is not None):
            copier = _start(["-c", BACKUP_LOOP, url, str(shelf)])
        writer = _start([__file__, url, str(journal), str(seed * 100_000 + turn)],
                        says_ready=True)
        assert writer.stdout is not None
        with writer.stdout:
            writer.stdout.readline()  # ready: the desk is open
            time.sleep(rng.uniform(0.0, longest_wait))
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=60)
        if copier is not None and rng.random() < 0.5:
            copier.send_signal(signal.SIGKILL)
            copier.wait(timeout=60)
        outcome.kills += 1
        outcome.problems += [f"kill {turn + 1}: {problem}" for problem in integrity(path)]
        wanted = acknowledged(journal)
        outcome.acknowledged = len(wanted)
        outcome.lost += sorted(wanted - present(path))
        outcome.problems += [f"kill {turn + 1}: clocks of {key} are stale"
                             for key in clocks_differ(url)]
        if copier is not None and copier.poll() is not None:
            outcome.problems += _check_backups(url, shelf, turn, outcome)
    if copier is not None and copier.poll() is None:
        copier.send_signal(signal.SIGKILL)
        copier.wait(timeout=60)
        outcome.problems += _check_backups(url, shelf, kills, outcome)
    return outcome


def _check_backups(url: str, shelf: Path, turn: int, outcome: Outcome) -> list[str]:
    """Every file under a backup's name is whole and as recorded (a killed copy leaves
    only an unfinished file, removed by the next backup)."""
    found = []
    for taken in backups.backups(url, folder=str(shelf)):
        outcome.backups_checked += 1
        wrong = backup.problems(taken.path)
        if wrong:
            found.append(f"after kill {turn + 1}: backup {taken.name}: {wrong[0]}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Run as the writer (URL JOURNAL SEED)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(json.dumps({"usage": "kills.py URL JOURNAL SEED (the writer)"}))
        return 2
    write_for_ever(args[0], args[1], int(args[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
