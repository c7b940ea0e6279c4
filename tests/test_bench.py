"""The benchmarks `make bench` runs still import against the code they measure."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_each_benchmark_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    module = importlib.import_module(name)
    assert callable(getattr(module, "main", None)) or name == "machine"
    sys.modules.pop(name, None)


def test_make_bench_runs_every_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    run = importlib.import_module("run")
    assert {module for _, module in run.BENCHMARKS} == {
        p.stem for p in BENCH.glob("*_bench.py")}
    sys.modules.pop("run", None)
