"""The data-safety benchmark's small mode runs and passes: backup while writing, export and
import, kills."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.timeout(600)
def test_the_safety_benchmark_in_small(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import safety_bench

    try:
        assert safety_bench.main(["--incidents", "300", "--kills", "2"]) == 0
    finally:
        sys.modules.pop("safety_bench", None)
    out = capsys.readouterr().out
    assert "PASS  safety import" in out and "PASS  safety kills" in out
    assert "0 lost" in out
