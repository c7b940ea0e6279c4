"""Benchmark a new agreement version reaching a vendor's open incidents, on SQLite and
PostgreSQL: the preview of a changed calendar over 10,000 open MAQSU incidents (goal: at
most 1 s) and applying it (goal: at most 2 s), each figure beside this machine's speed.

The incidents: 50 logged through the desk (every MAQSU severity, logged over two weeks, some
answered, some waiting on the customer), each copied 200 times by SQL with its timeline and
cached clocks (only the number differs). The change: Saturday closed, so every due time
counted over a Saturday morning moves.

Run: ``python bench/agreement_bench.py [--incidents N] [--only sqlite|postgresql]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from machine import machine_speed  # noqa: E402
from sqlalchemy import text  # noqa: E402

from deskapp.app.desk import Desk  # noqa: E402
from deskapp.app.views import IncidentDraft  # noqa: E402
from deskapp.office import Office  # noqa: E402
from deskapp.storage.engine import sqlite_url  # noqa: E402
from deskapp.storage.models import Incident, IncidentEvent, TargetClock  # noqa: E402

NOW = datetime(2026, 12, 21, 4, 0, tzinfo=UTC)  # a Monday, noon in Singapore
OFFICE = Office("Asia/Singapore", "SG")
GOALS = {"preview": 1.0, "apply": 2.0}
LOGGED = 50  # incidents logged through the desk, then copied
SEVERITIES = ("critical", "high", "medium", "low")


def changed_calendar(desk: Desk) -> str:
    """MAQSU's agreement with Saturday closed."""
    _, source = desk.agreement_text("maqsu")
    assert source.count('sat = ["08:30-13:00"]\n') == 1
    return source.replace('sat = ["08:30-13:00"]\n', "").replace(
        'version = "2026-11"', 'version = "2027-01"')


def build(desk: Desk, clock: list[datetime], incidents: int) -> None:
    """``incidents`` open MAQSU incidents: ``LOGGED`` through the desk, the rest copies."""
    first = NOW - timedelta(days=14)
    for n in range(LOGGED):
        clock[0] = first + timedelta(hours=6 * n + 1)
        at = first + timedelta(hours=6 * n)
        key = desk.log(IncidentDraft(vendor="maqsu", title=f"Bench {n}",
                                     severity=SEVERITIES[n % 4], product="MAQSU Services",
                                     channel="email"), author="bench", at=at).incident.key
        if n % 3 == 1:
            desk.respond(key, "looking", author="bench", at=at + timedelta(minutes=30))
        if n % 5 == 2:
            desk.pause(key, "asked for logs", author="bench", at=at + timedelta(minutes=40))
    copies = max(0, incidents // LOGGED - 1)
    incident_columns = [c.name for c in Incident.__table__.columns if c.name != "id"]
    event_columns = [c.name for c in IncidentEvent.__table__.columns
                     if c.name not in ("id", "incident_id")]
    clock_columns = [c.name for c in TargetClock.__table__.columns if c.name != "incident_id"]
    with desk.writing() as session:
        for copy in range(1, copies + 1):
            offset = copy * 1000
            values = ", ".join(f"number + {offset}" if c == "number" else c
                               for c in incident_columns)
            session.execute(text(
                f"INSERT INTO incidents ({', '.join(incident_columns)}) "
                f"SELECT {values} FROM incidents WHERE number <= {LOGGED}"))
            for table, columns in (("incident_events", event_columns),
                                   ("target_clocks", clock_columns)):
                session.execute(text(
                    f"INSERT INTO {table} (incident_id, {', '.join(columns)}) "
                    f"SELECT copy.id, {', '.join('row.' + c for c in columns)} "
                    f"FROM {table} AS row JOIN incidents AS source ON source.id = row.incident_id "
                    f"JOIN incidents AS copy ON copy.number = source.number + {offset} "
                    f"WHERE source.number <= {LOGGED}"))


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield sqlite_url(Path(folder) / "bench.sqlite3")


@contextmanager
def postgresql_database() -> Iterator[str]:
    from tests.pg import Cluster, create_database

    cluster = Cluster.start()
    try:
        yield create_database(cluster.url("postgres"), "deskapp_agreement_bench")
    finally:
        cluster.stop()


def bench(name: str, url: str, incidents: int) -> dict[str, float]:
    clock = [NOW]
    desk = Desk.open(url, office=OFFICE, clock=lambda: clock[0])
    try:
        started = time.perf_counter()
        build(desk, clock, incidents)
        clock[0] = NOW
        print(f"\n== {name}: built {incidents:,} open MAQSU incidents in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        new = changed_calendar(desk)
        before = machine_speed()
        started = time.perf_counter()
        preview = desk.preview_agreement_change("maqsu", new)
        previewed = time.perf_counter() - started
        speeds = {"preview": (before, machine_speed())}
        print(f"preview: {preview.open_incidents:,} open incidents, "
              f"{len(preview.changes):,} due times of {preview.changed_incidents:,} incidents "
              f"move, {len(preview.newly_breached):,} become breached")
        number = desk.import_agreement(new, "maqsu.toml", author="bench").version.number
        before = machine_speed()
        started = time.perf_counter()
        pinned = desk.apply_agreement_change("maqsu", number, preview, author="bench")
        applied = time.perf_counter() - started
        speeds["apply"] = (before, machine_speed())
        print(f"applied: {pinned:,} incidents pinned to version {number}")
    finally:
        desk.shutdown()
    figures = {"preview": previewed, "apply": applied}
    print(f"{'figure':<44}{'measured':>12}{'goal':>10}  fixed loop before/after, ms")
    for figure, seconds in figures.items():
        loop = "/".join(f"{s * 1000:.0f}" for s in speeds[figure])
        print(f"{figure + ' of a changed calendar':<44}{seconds:>11.3f}s"
              f"{'<= ' + format(GOALS[figure], 'g') + ' s':>10}  {loop}")
    for figure, seconds in figures.items():
        print(f"{'PASS' if seconds <= GOALS[figure] else 'FAIL'}  {name} {figure}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    if args.only != "postgresql":
        with sqlite_database() as url:
            bench("SQLite", url, args.incidents)
    if args.only != "sqlite":
        with postgresql_database() as url:
            bench("PostgreSQL", url, args.incidents)
    return 0


if __name__ == "__main__":
    sys.exit(main())
