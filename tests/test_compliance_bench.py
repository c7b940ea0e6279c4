"""The compliance benchmark's small mode: its report over a demo database counts every
clock once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_the_benchmark_counts_every_clock_once(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import compliance_bench

    from deskapp.storage.engine import sqlite_url

    try:
        seconds, agree = compliance_bench.bench("SQLite", sqlite_url(tmp_path / "b.sqlite3"),
                                                300, runs=1)
    finally:
        sys.modules.pop("compliance_bench", None)
    assert agree and seconds > 0
