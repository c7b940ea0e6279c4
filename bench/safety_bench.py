"""Benchmark data safety on a large demo database (100,000 incidents by default):

* a backup taken while the desk keeps writing: how long it takes, and the longest a write
  waited meanwhile (beside the longest before it; goal: a write waits at most 0.5 s);
* an export to JSON, and the import of it into an empty database: at most 30 s;
* a writer SIGKILLed at random moments 200 times, half of them while backups are taken
  (and killed): no acknowledged write lost, the file whole, the clocks as computed fresh.

Run: ``python bench/safety_bench.py [--incidents N] [--kills N]``
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import kills  # noqa: E402
from machine import machine_speed  # noqa: E402

from deskapp.app import backups, transfer  # noqa: E402
from deskapp.app.demo import fill  # noqa: E402
from deskapp.app.desk import Desk  # noqa: E402
from deskapp.storage.engine import sqlite_url  # noqa: E402

END = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
GOALS = {"write wait": 0.5, "import": 30.0}


def _writes(journal: Path) -> list[tuple[float, float]]:
    """(started, ended) of each acknowledged write."""
    found = []
    for line in journal.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            found.append((float(parts[1]), float(parts[2])))
    return found


def backup_while_writing(url: str, folder: Path) -> tuple[float, float, float, int]:
    """Seconds the backup took, the longest write overlapping it, the longest before it,
    and how many writes overlapped it."""
    journal = folder / "writes.txt"
    writer = subprocess.Popen([sys.executable, str(HERE / "kills.py"), url, str(journal), "7"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert writer.stdout is not None
    with writer.stdout:
        writer.stdout.readline()
        time.sleep(2.0)  # the writer at its pace
        started = time.monotonic()
        backups.create(url, now=datetime.now(UTC), folder=str(folder / "backups"))
        ended = time.monotonic()
        time.sleep(1.0)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
    writes = _writes(journal)
    during = [end - begin for begin, end in writes if end >= started and begin <= ended]
    before = [end - begin for begin, end in writes if end < started]
    return ended - started, max(during, default=0.0), max(before, default=0.0), len(during)


def export_and_import(desk: Desk, folder: Path) -> tuple[float, float, float, int, float]:
    """Seconds to export to a file, seconds to import it into an empty database, the
    processor seconds the import took (in this process and its second one), how many
    incidents, and the file's size in MB."""
    path = folder / "desk.json"
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        count = transfer.export_json(desk, out)
    exported = time.perf_counter() - started
    target = Desk.open(sqlite_url(folder / "imported.sqlite3"), office=kills.OFFICE)
    try:
        data = path.read_bytes()
        before = _processor_seconds()
        started = time.perf_counter()
        done = transfer.import_json(target, data)
        imported = time.perf_counter() - started
        processor = _processor_seconds() - before
    finally:
        target.shutdown()
    assert done.incidents == count
    return exported, imported, processor, count, path.stat().st_size / 1e6


def _processor_seconds() -> float:
    """This process's processor time and that of its ended children: on a shared machine,
    what the import itself used beside how long it took."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = sqlite_url(folder / "bench.sqlite3")
        desk = Desk.open(url, office=kills.OFFICE, clock=lambda: END)
        try:
            started = time.perf_counter()
            fill(desk, args.incidents, 1, end=END)
            print(f"demo database of {args.incidents:,} incidents built in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            took, waited, usual, overlapping = backup_while_writing(url, folder)
            before = machine_speed()
            exported, imported, processor, count, size = export_and_import(desk, folder)
            speed = f"{before * 1000:.0f}/{machine_speed() * 1000:.0f}"
        finally:
            desk.shutdown()
        size_db = (folder / "bench.sqlite3").stat().st_size / 1e6
        outcome = kills.kill_writers(folder / "a", args.kills // 2, seed=11)
        with_backups = kills.kill_writers(folder / "b", args.kills - args.kills // 2,
                                          seed=12, with_backups=True)
    print(f"{'figure':<58}{'measured':>12}{'goal':>10}")
    lines = [
        (f"backup of {size_db:.0f} MB while the desk writes", f"{took:.2f} s", "-"),
        (f"longest write wait during it ({overlapping} writes)", f"{waited * 1000:.0f} ms",
         f"<= {GOALS['write wait'] * 1000:.0f} ms"),
        ("longest write wait in the 2 s before it", f"{usual * 1000:.0f} ms", "-"),
        (f"export of {count:,} incidents to JSON ({size:.0f} MB)", f"{exported:.1f} s", "-"),
        (f"import of {count:,} incidents from JSON", f"{imported:.1f} s",
         f"<= {GOALS['import']:.0f} s"),
        ("  (processor time of the import, both its processes)", f"{processor:.1f} s", "-"),
        ("  (a fixed loop before/after the two: usually ~100 ms)", f"{speed} ms", "-"),
        (f"writer kills: {outcome.kills} alone, {with_backups.kills} while backing up",
         f"{len(outcome.lost) + len(with_backups.lost)} lost",
         "0 lost"),
        ("acknowledged writes checked", f"{outcome.acknowledged + with_backups.acknowledged:,}",
         "-"),
    ]
    for label, value, goal in lines:
        print(f"{label:<58}{value:>12}{goal:>10}")
    for problem in (outcome.problems + with_backups.problems)[:10]:
        print(f"problem: {problem}")
    safe = outcome.ok and with_backups.ok
    for goal, passed in (("write wait", waited <= GOALS["write wait"]),
                         ("import", imported <= GOALS["import"]), ("kills", safe)):
        print(f"{'PASS' if passed else 'FAIL'}  safety {goal}")
    return 0 if safe else 1


if __name__ == "__main__":
    sys.exit(main())
