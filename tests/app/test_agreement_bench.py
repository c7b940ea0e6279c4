"""The agreement-change benchmark's small mode: its data build, preview and apply run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deskapp.storage.engine import sqlite_url

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_benchmark_previews_and_applies_on_a_small_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import agreement_bench

    try:
        figures = agreement_bench.bench("SQLite", sqlite_url(tmp_path / "b.sqlite3"), 100)
    finally:
        sys.modules.pop("agreement_bench", None)
    assert set(figures) == {"preview", "apply"}
