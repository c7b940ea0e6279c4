"""Benchmark ``deskapp sla due --batch FILE`` on 100,000 tickets, against a 2 s goal.

Writes a CSV (fixed seed) with a header line and 100,000 rows of
``vendor,severity,metric,start,site_tz,site_country`` to a temporary file. Rows mix the
four vendors, each only with severities and metrics it defines:

* maqsu: critical/high/medium/low, metrics response/resolution
* magaya: 1/2/3 with response/resolution, and 4 with response only
* acelynk: critical/major/minor, metric response
* catapult: 1/2/3, metrics response/workaround/resolution

``start`` is an ISO 8601 instant with an explicit UTC offset, spread over 2027 and
written in several zones' offsets. ``site_tz``/``site_country`` are empty except for
about half of the catapult rows (e.g. ``Asia/Manila,PH``).

Then it makes a database (its agreements are the shipped ones) and runs the whole process
``deskapp --db DB sla due --batch FILE`` three times (the
``deskapp`` executable next to ``sys.executable``), timing each run's wall clock, and
prints the best and median time (the median is held to the goal) and the number of rows the command
printed. Beside each run, this machine's speed just before and after it (see ``machine``).

Exit code: 0 when all three runs succeeded (even if slower than the goal: the numbers
are what matter); 1 when the command is missing, fails or times out, after printing
why (its stderr).

Run: ``python bench/batch_bench.py``
"""

from __future__ import annotations

import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from machine import machine_speed

SEED = 20270102
ROWS = 100_000
RUNS = 3
YEAR = 2027
GOAL_SECONDS = 2.0
TIMEOUT_SECONDS = 600
HEADER = ["vendor", "severity", "metric", "start", "site_tz", "site_country"]

# (vendor, severity, metrics) for every valid combination.
VALID: list[tuple[str, str, tuple[str, ...]]] = [
    *(("maqsu", s, ("response", "resolution")) for s in ("critical", "high", "medium", "low")),
    *(("magaya", s, ("response", "resolution")) for s in ("1", "2", "3")),
    ("magaya", "4", ("response",)),
    *(("acelynk", s, ("response",)) for s in ("critical", "major", "minor")),
    *(("catapult", s, ("response", "workaround", "resolution")) for s in ("1", "2", "3")),
]
# Zones whose offsets the start instants are written in.
START_ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "Europe/London",
        "Asia/Manila",
        "Asia/Singapore",
        "Asia/Kolkata",
    )
]
CATAPULT_SITES = [
    ("Asia/Manila", "PH"),
    ("Asia/Singapore", "SG"),
    ("Europe/London", "GB"),
    ("America/Chicago", "US"),
    ("Australia/Sydney", "AU"),
]


def make_rows(seed: int, count: int) -> list[list[str]]:
    rng = random.Random(seed)
    lo = int(datetime(YEAR, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp())
    hi = int(datetime(YEAR + 1, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp())
    rows = []
    for _ in range(count):
        vendor, severity, metrics = rng.choice(VALID)
        metric = rng.choice(metrics)
        start = datetime.fromtimestamp(rng.randrange(lo, hi), rng.choice(START_ZONES))
        site_tz = site_country = ""
        if vendor == "catapult" and rng.random() < 0.5:
            site_tz, site_country = rng.choice(CATAPULT_SITES)
        rows.append(
            [vendor, severity, metric, start.isoformat(timespec="seconds"), site_tz, site_country]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def find_deskapp() -> str | None:
    """The ``deskapp`` console script installed beside this interpreter, if any."""
    return shutil.which("deskapp", path=str(Path(sys.executable).parent))


def count_output_rows(stdout: str) -> tuple[int, bool]:
    """Non-empty output lines, less a first line without digits (taken as a header)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    has_header = bool(lines) and not any(ch.isdigit() for ch in lines[0])
    return len(lines) - (1 if has_header else 0), has_header


def report_failure(what: str, result: subprocess.CompletedProcess[str] | None) -> None:
    print(f"FAIL  {what}")
    if result is not None:
        stderr = result.stderr.strip()
        print("stderr:" if stderr else "stderr: (empty)")
        for line in stderr.splitlines()[-40:]:
            print("  " + line)
        if not stderr and result.stdout.strip():
            print("stdout (first lines):")
            for line in result.stdout.splitlines()[:10]:
                print("  " + line)


def main() -> int:
    print(f"Batch benchmark: deskapp sla due --batch on {ROWS:,} rows (goal {GOAL_SECONDS:g} s)")
    exe = find_deskapp()
    if exe is None:
        report_failure(
            f"no deskapp executable next to {sys.executable}; install the project "
            "(pip install -e .) so the console script exists",
            None,
        )
        return 1

    with tempfile.TemporaryDirectory(prefix="deskapp-batch-") as folder:
        path = Path(folder) / "tickets.csv"
        write_csv(path, make_rows(SEED, ROWS))
        print(f"input: {path} ({ROWS:,} rows + header, {path.stat().st_size / 1e6:.1f} MB)")
        # The agreements come from a database: made (and seeded) once, before the runs.
        database = Path(folder) / "desk.sqlite3"
        prepared = subprocess.run([exe, "--db", str(database), "policy", "list"],
                                  capture_output=True, text=True, check=False)
        if prepared.returncode != 0:
            report_failure("could not prepare the database", prepared)
            return 1
        command = [exe, "--db", str(database), "sla", "due", "--batch", str(path)]
        print("command: " + " ".join(command))

        times: list[float] = []
        rows_out: list[tuple[int, bool]] = []
        for run in range(1, RUNS + 1):
            before = machine_speed()
            t0 = time.perf_counter()
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    timeout=TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                report_failure(f"run {run} did not finish within {TIMEOUT_SECONDS} s", None)
                return 1
            except OSError as error:
                report_failure(f"could not start {exe}: {error}", None)
                return 1
            took = time.perf_counter() - t0
            if result.returncode != 0:
                report_failure(
                    f"run {run} exited with code {result.returncode} after {took:.2f} s", result
                )
                return 1
            times.append(took)
            rows_out.append(count_output_rows(result.stdout))
            print(f"run {run}: {took:.3f} s, {rows_out[-1][0]:,} rows out; fixed loop "
                  f"before/after {before * 1000:.0f}/{machine_speed() * 1000:.0f} ms")

    best, median = min(times), statistics.median(times)
    out_rows, has_header = rows_out[-1]
    print()
    print(f"{'':<12}{'wall time':>12}{'goal':>10}")
    print(f"{'best':<12}{best:>11.3f}s")
    print(f"{'median':<12}{median:>11.3f}s{'<= ' + format(GOAL_SECONDS, 'g') + ' s':>10}")
    header_note = " after a header line" if has_header else " (no header line seen)"
    print(f"output rows: {out_rows:,}{header_note}; input rows: {ROWS:,}")
    print()
    print(
        f"{'PASS' if median <= GOAL_SECONDS else 'FAIL'}  batch of {ROWS:,} in at most "
        f"{GOAL_SECONDS:g} s: best {best:.3f} s, median {median:.3f} s"
    )
    print(
        f"{'PASS' if out_rows == ROWS else 'FAIL'}  one output row per input row: "
        f"{out_rows:,} of {ROWS:,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
