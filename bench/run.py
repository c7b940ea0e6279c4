"""Run every benchmark: the business calendar, the batch SLA command, the incident store
(SQLite and PostgreSQL), a compliance report over 100,000 incidents, the window, then
start-up (the command line and the window).

Each runs even if an earlier one fails; exits non-zero if any returned non-zero
(calendar answers that disagree with businesstimedelta, a batch command that is
missing or fails, a window that does not get ready). Missing a speed goal alone does
not fail the run. The store's and the window's benchmarks build demo databases of
100,000 incidents first (about 90 s each; the store's a second one on a throwaway
PostgreSQL server); the window runs on Qt's offscreen platform unless QT_QPA_PLATFORM
is set.

Run: ``python bench/run.py`` (or ``make bench``)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Each in a process of its own, as a person's command or window runs: what one leaves
# behind (Qt imported, which rules out forking a worker; memory it holds) does not weigh on
# the next one's figures.
BENCHMARKS = (("calendar", "calendar_bench"), ("batch", "batch_bench"),
              ("store", "store_bench"), ("compliance", "compliance_bench"),
              ("agreement change", "agreement_bench"), ("window", "ui_bench"),
              ("start-up", "startup_bench"), ("data safety", "safety_bench"),
              ("scorecard", "scorecard_bench"))


def main() -> int:
    failed: list[str] = []
    for name, module in BENCHMARKS:
        print(f"===== {name} benchmark =====", flush=True)
        code = subprocess.run([sys.executable, str(HERE / f"{module}.py")],
                              check=False).returncode
        if code != 0:
            failed.append(f"{name} (exit {code})")
        print(flush=True)
    if failed:
        print("Benchmarks that failed: " + ", ".join(failed))
        return 1
    print("All benchmarks ran; see the PASS/FAIL lines above for the goals.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
