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

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also when run as ``python -m`` or from elsewhere
    sys.path.insert(0, str(HERE))

import agreement_bench  # noqa: E402
import batch_bench  # noqa: E402
import calendar_bench  # noqa: E402
import compliance_bench  # noqa: E402
import safety_bench  # noqa: E402
import scorecard_bench  # noqa: E402
import startup_bench  # noqa: E402
import store_bench  # noqa: E402
import ui_bench  # noqa: E402


def main() -> int:
    failed: list[str] = []
    for name, bench in (("calendar", calendar_bench), ("batch", batch_bench),
                        ("store", store_bench), ("compliance", compliance_bench),
                        ("agreement change", agreement_bench), ("window", ui_bench),
                        ("start-up", startup_bench), ("data safety", safety_bench),
                        ("scorecard", scorecard_bench)):
        print(f"===== {name} benchmark =====", flush=True)
        code = (bench.main([]) if bench in (ui_bench, store_bench, safety_bench,
                                            compliance_bench, agreement_bench)
                else bench.main())
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
