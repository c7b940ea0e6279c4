"""Benchmark the vendor scorecard PDF of a month with 500 breached incidents.

The month comes after a year of demo history (5,000 incidents by default).

The figure is what ``deskapp report --format pdf`` does after opening the desk: the month's
compliance and late time, the goals' trend, every breached incident's timeline and
explanations, and the PDF drawn (offscreen) into memory. Goal: at most 5 s. Printed beside
the time a fixed pure-Python loop took just before and after (see bench/machine.py).

Run: ``python bench/scorecard_bench.py [--breached N] [--history N] [--runs N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from machine import machine_speed  # noqa: E402

from deskapp.app.demo import fill  # noqa: E402
from deskapp.app.desk import Desk  # noqa: E402
from deskapp.app.views import IncidentDraft  # noqa: E402
from deskapp.core.compliance import Period  # noqa: E402
from deskapp.core.workflow import Respond  # noqa: E402
from deskapp.office import Office  # noqa: E402
from deskapp.storage.engine import sqlite_url  # noqa: E402

NOW = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
MONTH = Period.month(2026, 11)
HISTORY_END = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)  # the demo's year ends before it
OFFICE = Office("America/New_York", "US")
GOAL = 5.0
# Vendors and severities whose first answer is due within hours: unanswered, each is late.
KINDS = (("magaya", "1"), ("maqsu", "high"), ("acelynk", "critical"), ("magaya", "2"))


def build(desk: Desk, breached: int, history: int) -> None:
    """A year of demo history, then ``breached`` November incidents answered late or never."""
    if history:
        fill(desk, history, 5, end=HISTORY_END)
    agreements = desk.agreements()
    start = datetime.combine(MONTH.first, datetime.min.time(), UTC) + timedelta(hours=14)
    for number in range(breached):
        vendor, severity = KINDS[number % len(KINDS)]
        agreement = agreements[vendor]
        reported = start + timedelta(minutes=number * 29 * 24 * 60 // max(breached, 1))
        draft = IncidentDraft(vendor=vendor, product=agreement.products[0],
                              title=f"Orders will not post ({number})", severity=severity,
                              channel=(agreement.severity(severity).channels or ("email",))[0])
        key = desk.log(draft, author="tess", at=reported).incident.key
        if number % 2:
            desk.apply(key, [Respond("Looking into it")], author="tess",
                       at=reported + timedelta(days=3))


def scorecard(desk: Desk) -> tuple[bytes, int]:
    """The PDF as the command writes it, and the number of breached incidents in it."""
    from deskapp.ui.scorecard import gather, pdf_bytes

    report = desk.compliance(MONTH, now=NOW)
    late = desk.late_time(MONTH, now=NOW)
    card = gather(desk, report, late)
    return pdf_bytes(card), len(card.evidence)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--breached", type=int, default=500)
    parser.add_argument("--history", type=int, default=5000,
                        help="demo incidents in the year before the month")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from deskapp.ui.scorecard import gui_application

    gui_application()
    with tempfile.TemporaryDirectory(prefix="deskapp-scorecard-") as folder:
        desk = Desk.open(sqlite_url(Path(folder) / "bench.sqlite3"), office=OFFICE,
                         clock=lambda: NOW)
        try:
            started = time.perf_counter()
            build(desk, args.breached, args.history)
            print(f"database: {args.history:,} demo incidents and {args.breached} November "
                  f"ones built in {time.perf_counter() - started:.0f} s", flush=True)
            before = machine_speed()
            runs = []
            for _ in range(max(args.runs, 1)):
                started = time.perf_counter()
                data, breached = scorecard(desk)
                runs.append(time.perf_counter() - started)
            after = machine_speed()
        finally:
            desk.shutdown()
    median = statistics.median(runs)
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    print(f"{'figure':<58}{'measured':>12}{'goal':>10}")
    print(f"{f'scorecard PDF, {breached} breached incidents ({pages} pages), median':<58}"
          f"{median:>10.2f} s{f'<= {GOAL:.0f} s':>10}  "
          f"(loop {before * 1000:.0f}/{after * 1000:.0f} ms)")
    print(f"{'  runs':<58}{', '.join(f'{run:.2f}' for run in runs):>12}")
    print(f"{'  PDF size':<58}{len(data) / 1e6:>9.1f} MB")
    print(f"{'PASS' if median <= GOAL else 'FAIL'}  scorecard pdf")
    return 0 if data.startswith(b"%PDF") and breached == args.breached else 1


if __name__ == "__main__":
    sys.exit(main())
