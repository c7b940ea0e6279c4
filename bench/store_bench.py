"""Benchmark the incident store on SQLite and PostgreSQL with a large demo database.

For each database: build it with ``demo`` (100,000 incidents, about a million events by
default), recompute every cached clock from the timelines, read the open queue sorted by
next due time, make one incident update round trip, and report the database's size. Each
figure is printed beside its goal, and beside the time a fixed pure-Python loop took just
before and after it (this machine's speed changes by up to 3.5x from minute to minute):

* full recomputation of every clock: at most 10 s (the best of three runs; all are printed)
* the open queue sorted by next due time: at most 50 ms
* one incident update round trip: at most 5 ms

Run: ``python bench/store_bench.py [--incidents N] [--only sqlite|postgresql]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from machine import machine_speed  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from deskapp.app.demo import fill  # noqa: E402
from deskapp.app.desk import Desk  # noqa: E402
from deskapp.app.queue import QueueFilter, View  # noqa: E402
from deskapp.office import Office  # noqa: E402
from deskapp.storage.models import IncidentEvent  # noqa: E402

END = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
OFFICE = Office("America/New_York", "US")
GOALS = {"recompute": 10.0, "queue": 0.050, "update": 0.005}


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and best seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), min(runs)


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Callable[[], int]]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"

        def size() -> int:
            return sum(p.stat().st_size for p in Path(folder).iterdir())
        yield str(path), size


@contextmanager
def postgresql_database() -> Iterator[tuple[str, Callable[[], int]]]:
    from tests.pg import Cluster, create_database

    cluster = Cluster.start()
    try:
        url = create_database(cluster.url("postgres"), "deskapp_bench")
        desk_url = url

        def size() -> int:
            desk = Desk.open(desk_url, office=OFFICE)
            try:
                with desk.database.engine.connect() as connection:
                    return int(connection.scalar(
                        text("select pg_database_size(current_database())")) or 0)
            finally:
                desk.shutdown()
        yield url, size
    finally:
        cluster.stop()


def bench(name: str, url: str, size: Callable[[], int], incidents: int) -> dict[str, float]:
    clock = [END]
    desk = Desk.open(url, office=OFFICE, clock=lambda: clock[0])
    try:
        print(f"\n== {name}: building {incidents:,} incidents with demo ...", flush=True)
        started = time.perf_counter()
        result = fill(desk, incidents, seed=7, end=END)
        build = time.perf_counter() - started
        with desk.database.engine.connect() as connection:
            events = connection.scalar(select(func.count(IncidentEvent.id))) or 0
        print(f"built {result.incidents:,} incidents ({result.open:,} open), {events:,} events "
              f"in {build:.1f} s")
        if desk.database.engine.dialect.name == "postgresql":
            # A database in use has long been vacuumed and analyzed by autovacuum; do it
            # now, so autovacuum does not run during the measurements below.
            started = time.perf_counter()
            with desk.database.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
            print(f"vacuumed and analyzed in {time.perf_counter() - started:.1f} s")
        # This machine's speed changes by up to 3.5x from one minute to the next: a fixed loop
        # is timed before and after each figure and printed beside it.
        speeds: dict[str, tuple[float, float]] = {}
        # Three runs, each a whole recomputation (the cache is up to date after the build,
        # so each reads and computes everything and writes nothing): the best is judged, as
        # timeit does, since the machine's slow stretches last from seconds to minutes.
        before = machine_speed()
        recompute_runs = []
        for _ in range(3):
            started = time.perf_counter()
            recomputed = desk.recompute_all()
            recompute_runs.append(time.perf_counter() - started)
        recompute = min(recompute_runs)
        speeds["recompute"] = (before, machine_speed())
        print(f"recomputed {recomputed:,} incidents' clocks three times: "
              + ", ".join(f"{seconds:.2f} s" for seconds in recompute_runs))

        # The open queue in next-due order, as the window asks for it: the ids, sorted by
        # the database, and the first screenful of rows.
        def open_queue() -> None:
            order = desk.queue_ids(QueueFilter(View.ALL_OPEN))
            desk.queue_rows(order[:60])
        before = machine_speed()
        queue_median, _ = timed(open_queue, 7)
        speeds["queue"] = (before, machine_speed())
        ids = desk.queue_ids(QueueFilter(View.ALL_OPEN))
        # A different open incident each time, so no timeline grows with the benchmark.
        keys = iter([row.key for row in desk.queue_rows(ids[:50]).values()])

        def update() -> None:
            clock[0] += timedelta(seconds=1)
            desk.comment(next(keys), "bench note", author="bench")
        before = machine_speed()
        update_median, _ = timed(update, 50)
        speeds["update"] = (before, machine_speed())
        bytes_used = size()
    finally:
        desk.shutdown()
    def loop(figure: str) -> str:
        return "/".join(f"{seconds * 1000:.0f}" for seconds in speeds[figure])

    print(f"{'figure':<44}{'measured':>14}{'goal':>12}  fixed loop before/after, ms")
    print("-" * 100)
    lines = [
        ("build with demo", f"{build:.1f} s", "-", ""),
        ("full recomputation of every clock, best of 3", f"{recompute:.2f} s", "<= 10 s",
         loop("recompute")),
        (f"open queue by next due ({len(ids):,} ids + 60 rows), median",
         f"{queue_median * 1000:.1f} ms", "<= 50 ms", loop("queue")),
        ("one incident update round trip, median", f"{update_median * 1000:.2f} ms", "<= 5 ms",
         loop("update")),
        ("database size", f"{bytes_used / 2**20:.0f} MiB", "-", ""),
    ]
    for label, value, goal, speed in lines:
        print(f"{label:<44}{value:>14}{goal:>12}  {speed}")
    verdicts = [("recompute", recompute), ("queue", queue_median), ("update", update_median)]
    for goal, value in verdicts:
        verdict = "PASS" if value <= GOALS[goal] else "FAIL"
        print(f"{verdict}  {name} {goal}")
    return dict(verdicts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    if args.only != "postgresql":
        with sqlite_database() as (url, size):
            bench("SQLite", url, size, args.incidents)
    if args.only != "sqlite":
        with postgresql_database() as (url, size):
            bench("PostgreSQL", url, size, args.incidents)
    return 0


if __name__ == "__main__":
    sys.exit(main())
