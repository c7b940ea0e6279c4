"""Benchmark a compliance report over 100,000 incidents on SQLite and PostgreSQL.

For each database: build it with ``demo`` (100,000 incidents reported over a year), then
time ``desk.compliance`` two ways, each against the goal of at most 1 s (median of 5 runs):

* a month of the 100,000-incident database (the last whole month: about 8,500 incidents);
* a period that holds every one of the 100,000 incidents: the work of a month in which
  100,000 were logged (the demo spreads its incidents over a year; what a report costs
  grows with the incidents and clocks it reads, not with the days it covers).

Each figure is printed beside a fixed pure-Python loop timed just before and after it (this
machine's speed changes by up to 3.5x from minute to minute).

The counts are checked against the cached clocks read directly: every clock of the period is
counted once, in exactly one of met, breached, running or pending.

Run: ``python bench/compliance_bench.py [--incidents N] [--only sqlite|postgresql]``
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from machine import machine_speed  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from store_bench import END, OFFICE, postgresql_database, sqlite_database, timed  # noqa: E402

from deskapp.app.demo import fill  # noqa: E402
from deskapp.app.desk import Desk  # noqa: E402
from deskapp.core.compliance import Period  # noqa: E402
from deskapp.storage.models import TargetClock  # noqa: E402

GOAL = 1.0  # seconds for a period of 100,000 incidents


def bench(name: str, url: str, incidents: int, runs: int = 5) -> tuple[float, bool]:
    """The median seconds of a report over every incident, and whether the counts agree."""
    desk = Desk.open(url, office=OFFICE, clock=lambda: END)
    try:
        print(f"\n== {name}: building {incidents:,} incidents with demo ...", flush=True)
        started = time.perf_counter()
        result = fill(desk, incidents, seed=7, end=END)
        print(f"built {result.incidents:,} incidents in {time.perf_counter() - started:.1f} s",
              flush=True)
        if desk.database.engine.dialect.name == "postgresql":
            with desk.database.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        # Every incident: a day either side of the reports, in any vendor's zone.
        whole = Period.days(result.first.date() - timedelta(days=1),
                            END.date() + timedelta(days=1))
        month = Period.month(END.year, END.month - 1 if END.month > 1 else 12)
        report = desk.compliance(whole, now=END)
        with desk.database.engine.connect() as connection:
            clocks = connection.scalar(select(func.count()).select_from(TargetClock)) or 0
        counted = sum(row.logged for row in report.rows)
        agree = counted == clocks and report.logged == result.incidents
        before = machine_speed()
        median, best = timed(lambda: desk.compliance(whole, now=END), runs)
        after = machine_speed()
        month_report = desk.compliance(month, now=END)
        month_before = machine_speed()
        month_median, month_best = timed(lambda: desk.compliance(month, now=END), runs)
        month_after = machine_speed()
    finally:
        desk.shutdown()
    print(f"{'figure':<58}{'measured':>12}{'goal':>10}  fixed loop before/after, ms")
    print("-" * 110)
    for label, seconds, fastest, speeds in (
            (f"a month ({month.label}, {month_report.logged:,} incidents), median",
             month_median, month_best, (month_before, month_after)),
            (f"all {report.logged:,} incidents ({counted:,} clocks), median", median, best,
             (before, after))):
        print(f"{label:<58}{seconds:>10.3f} s{f'<= {GOAL:g} s':>10}  "
              f"{speeds[0] * 1000:.0f}/{speeds[1] * 1000:.0f}  (best {fastest:.3f} s)")
    print(f"{'counts':<58}{'agree' if agree else 'DISAGREE':>12}")
    print(f"{'PASS' if month_median <= GOAL else 'FAIL'}  {name} compliance of a month "
          f"({month_report.logged:,} of {result.incidents:,} incidents)")
    print(f"{'PASS' if median <= GOAL else 'FAIL'}  {name} compliance of {report.logged:,} "
          "incidents in one period")
    return median, agree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    agree = True
    if args.only != "postgresql":
        with sqlite_database() as (url, _size):
            agree &= bench("SQLite", url, args.incidents)[1]
    if args.only != "sqlite":
        with postgresql_database() as (url, _size):
            agree &= bench("PostgreSQL", url, args.incidents)[1]
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
