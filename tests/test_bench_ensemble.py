"""The pure helpers of benchmarks/bench_ensemble.py (the benchmark itself is too slow for a test)."""

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_ensemble.py"
_spec = importlib.util.spec_from_file_location("bench_ensemble", _PATH)
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_ensemble"] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)


def test_extrapolate_is_linear_in_size():
    assert bench.extrapolate(3.9, 176, 225_280) == pytest.approx(3.9 * 1280)
    assert bench.extrapolate(0.98, 100, 10_000) == pytest.approx(98.0)
    assert bench.extrapolate(2.0, 500, 500) == 2.0


@pytest.mark.parametrize("args", [(1.0, 0, 10), (1.0, -5, 10), (-1.0, 10, 10), (1.0, 10, -1)])
def test_extrapolate_refuses_bad_sizes(args):
    with pytest.raises(ValueError, match="must"):
        bench.extrapolate(*args)


def test_sobol_study_size_is_the_issue_s_225k_runs():
    assert bench.sobol_runs(bench.SOBOL_FULL_N, bench.SOBOL_FACTORS, bench.SOBOL_FULL_REPLICATIONS) == 225_280
    assert bench.sobol_runs(64, 20, 2) == 2_816


def test_chunk_runs_splits_over_workers_and_caps():
    assert bench.chunk_runs(200, 2) == 100
    assert bench.chunk_runs(201, 2) == 101
    assert bench.chunk_runs(100_000, 2) == bench.CHUNK_MAX
    assert bench.chunk_runs(1, 2) == 1


def test_format_table_aligns_columns_and_writes_verdicts():
    rows = [bench.Result("1. short", "34.2 runs/s", ">= 20,000", False),
            bench.Result("5. a longer measure", "134 ms", "<= 200 ms", True)]
    lines = bench.format_table(rows).splitlines()
    assert lines[0].split() == ["measure", "figure", "goal", "verdict"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].endswith("NOT MET") and lines[3].endswith("met") and not lines[3].endswith("NOT MET")
    starts = {line.index(cell) for line, cell in zip(lines[2:], ("34.2", "134 ms"), strict=True)}
    assert len(starts) == 1  # the figure column starts at the same place on every row
    assert lines[0].index("figure") in starts
