"""The scorecard benchmark's small mode runs: every breached incident is in the PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "scorecard_bench.py"


@pytest.mark.timeout(300)
def test_the_scorecard_benchmark_in_small() -> None:
    # In a process of its own: the benchmark makes its own (offscreen) Qt application.
    done = subprocess.run([sys.executable, str(BENCH), "--breached", "8", "--history", "0",
                           "--runs", "1"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "scorecard PDF, 8 breached incidents" in done.stdout
    assert "PASS  scorecard pdf" in done.stdout
