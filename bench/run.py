"""Run every benchmark: the business calendar, then the batch SLA command.

Both run even if the first fails; exits non-zero if either returned non-zero
(calendar answers that disagree with businesstimedelta, or a batch command that is
missing or fails). Missing a speed goal alone does not fail the run.

Run: ``python bench/run.py`` (or ``make bench``)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also when run as ``python -m`` or from elsewhere
    sys.path.insert(0, str(HERE))

import batch_bench  # noqa: E402
import calendar_bench  # noqa: E402


def main() -> int:
    failed: list[str] = []
    for name, bench in (("calendar", calendar_bench), ("batch", batch_bench)):
        print(f"===== {name} benchmark =====", flush=True)
        code = bench.main()
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
