"""Benchmark of issue 9's "Must show" goals (the ensemble engine). Not a test: prints figures to report.

Measured side by side in one invocation on the default scenario (``baseline``), each figure next to its goal:

1. runs/s per core of the model: one process plays ensembles of R = 1, 100, 1,000 and 10,000 runs
   (``AIRaceModel(scenario, seeds=range(R))`` to the end, then its summary; R = 1 is a single game, timed over
   10 or 20 calls, seeds 0, 1, ...; ``--quick`` caps R at 500 runs), each with its ratio to R = 1, the
   per-run model. Goal >= 20,000 runs/s per core.
2. ``wargame batch`` (:func:`wargame.batch.api.run_batch`) at 2 workers against ``mesa.batch_run`` at 2
   processes: same model, same seeds, N runs each, each in a fresh process (``mesa.batch_run`` switches the
   whole process to the spawn start method). Goal >= 50x.
3. A 20-factor Sobol study (N = 1,024, 10 replications: 225,280 runs) end to end: plan, runs, Parquet store,
   Sobol indices read back from it. By default a scaled-down study runs and its time is extrapolated
   linearly to the full size (labelled); ``--full`` runs the full size. Goal <= 30 s.
4. 10,000 futures (:func:`wargame.futures.play_futures`, 2 workers) from a ``baseline`` game saved after 4
   seasons. By default fewer futures run and the time is extrapolated linearly (labelled). Goal <= 1 s.
5. A planner seat's time per season (``us_gov``, :func:`wargame.planner.plan` as
   ``benchmarks/bench_planner.py`` times it). Goal <= 200 ms (at the 95th percentile).
6. Peak RSS of the batch's parent process (children excluded; sampled every 0.05 s) at 10x the runs
   against 1x, each batch in a fresh process. Goal <= 1.3x.

It ends with a table: measure, figure, goal, met / NOT MET.

The script calls the engine only through public entry points: items 2, 3, 4 and 6 through
:func:`~wargame.batch.api.run_batch` and :func:`~wargame.futures.play_futures`, item 1 through
:class:`~wargame.model.AIRaceModel` with ``seeds``.

Every batch option is passed explicitly (``timeseries=False``, ``chunk_size`` from :func:`chunk_runs`, ...),
so the figures do not move when a default changes.

Usage::

    python benchmarks/bench_ensemble.py --quick   # smoke test, under a minute on 2 cores (sizes too small
                                                  # for the goals: fixed costs dominate the extrapolations)
    python benchmarks/bench_ensemble.py           # a few minutes on 2 cores
    python benchmarks/bench_ensemble.py --full    # the real sizes of 3. and 4.: about 4 minutes on 2 cores,
                                                  # most of it mesa.batch_run's 10,000 single games
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIO = "baseline"
MASTER_SEED = 2026
WORKERS = 2
#: Most runs in one task of a batch (illustrative: the batch runner's own local minimum chunk, issue 9).
CHUNK_MAX = 1000

GOAL_RUNS_PER_S = 20_000.0  # runs/s per core (issue 9)
GOAL_BATCH_VS_MESA = 50.0  # x, 2 workers vs 2 processes (issue 9)
GOAL_SOBOL_S = 30.0  # seconds for the 20-factor Sobol study (issue 9)
GOAL_FUTURES_S = 1.0  # seconds for 10,000 futures (issue 9)
GOAL_PLANNER_MS = 200.0  # milliseconds per season (issue 9)
GOAL_RSS_RATIO = 1.3  # peak RSS at 10x the runs / 1x (issue 9)

SOBOL_FULL_N = 1024
SOBOL_FULL_REPLICATIONS = 10
FUTURES_FULL = 10_000
FUTURES_SAVED_AFTER = 4  # seasons played before the game is saved
ENSEMBLE_SIZES = (1, 100, 1_000, 10_000)

#: The four range factors of ``scenarios/sweeps/example_sweep.toml``; the Sobol study adds these 16, each
#: swept over [0.5, 1.5] x its ``baseline`` value (illustrative ranges: the goal is a timing, not an analysis).
EXTRA_FACTORS = (
    "parameters.frontier_effective_compute_growth_per_year",
    "parameters.algorithmic_halving_months",
    "parameters.prc_algorithmic_progress_ratio",
    "parameters.smuggling_volume_sd",
    "parameters.kyc_block_share",
    "parameters.remote_access_leakage",
    "parameters.us_output_growth_per_quarter",
    "parameters.domestic_output_growth_per_quarter",
    "parameters.tool_control_effect",
    "parameters.memory_control_effect",
    "parameters.foundry_leakage",
    "parameters.visibility",
    "parameters.racing_safety_cut",
    "parameters.incident_base_hazard",
    "parameters.adoption_speed",
    "parameters.lab_reinvestment_share",
)
SOBOL_FACTORS = 20


@dataclass(frozen=True)
class Sizes:
    """How large each measurement is in one mode (``--quick``, default, ``--full``)."""

    name: str
    largest_ensemble: int  # runs of the R = 10,000 row (capped by --quick)
    single_runs: int  # calls of the R = 1 row
    batch_runs: int  # N of item 2
    sobol_n: int  # Sobol base sample size (a power of two)
    sobol_replications: int
    futures: int
    planner_seeds: int
    rss_runs: int  # 1x of item 6 (10x is ten times this)


MODES = {
    "quick": Sizes("quick", largest_ensemble=500, single_runs=10, batch_runs=200, sobol_n=8, sobol_replications=1,
                   futures=100, planner_seeds=1, rss_runs=100),
    "default": Sizes("default", largest_ensemble=10_000, single_runs=20, batch_runs=2_000, sobol_n=64,
                     sobol_replications=2, futures=500, planner_seeds=3, rss_runs=1_000),
    "full": Sizes("full", largest_ensemble=10_000, single_runs=20, batch_runs=10_000, sobol_n=SOBOL_FULL_N,
                  sobol_replications=SOBOL_FULL_REPLICATIONS, futures=FUTURES_FULL, planner_seeds=10,
                  rss_runs=1_000),
}


# ------------------------------------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class Result:
    """One row of the final table.

    Attributes:
        measure: What was measured.
        figure: The figure as printed (with its unit, and ``extrapolated`` when it is).
        goal: The goal as printed.
        met: Whether the figure meets the goal.

    """

    measure: str
    figure: str
    goal: str
    met: bool


def extrapolate(seconds: float, measured: float, target: float) -> float:
    """Linear extrapolation of a time: ``seconds * target / measured``.

    Args:
        seconds: Time measured (s), at least 0.
        measured: Size measured (runs, futures), above 0.
        target: Size to extrapolate to, at least 0.

    Returns:
        The extrapolated time in seconds.

    Raises:
        ValueError: If ``measured`` is not above 0, or ``seconds`` or ``target`` is negative.

    """
    if not measured > 0:
        raise ValueError(f"measured size must be above 0, got {measured!r}")
    if seconds < 0 or target < 0:
        raise ValueError(f"seconds and target must not be negative, got {seconds!r} and {target!r}")
    return seconds * target / measured


def chunk_runs(n_runs: int, workers: int) -> int:
    """Runs per task passed explicitly to the batch: the runs split evenly over the workers, at most CHUNK_MAX."""
    return max(1, min(CHUNK_MAX, math.ceil(n_runs / max(1, workers))))


def sobol_runs(n: int, factors: int, replications: int) -> int:
    """Runs of a Sobol study (first and total order, Saltelli's scheme): ``n * (factors + 2) * replications``."""
    return n * (factors + 2) * replications


def format_table(results: Sequence[Result]) -> str:
    """The final table, one line per result, columns padded to their widest cell.

    Returns:
        The table as text (header, rule, rows), without a trailing newline.

    """
    header = ("measure", "figure", "goal", "verdict")
    rows = [(r.measure, r.figure, r.goal, "met" if r.met else "NOT MET") for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def load() -> str:
    """The 1-minute load average, for the record (figures are noisy on a shared machine)."""
    return f"load average {os.getloadavg()[0]:.1f}"


class PeakRSS:
    """Samples this process's resident set size (children excluded) in a thread; ``peak`` in bytes."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


# --------------------------------------------------------------------------- child processes (items 2, 6)


def batch_seeds(runs: int) -> list[int]:
    """The seeds ``run_batch(SCENARIO, replications=runs, seed=MASTER_SEED)`` gives its runs, in run order."""
    from wargame.batch.api import plan_batch

    plan = plan_batch(SCENARIO, replications=runs, seed=MASTER_SEED, seed_scope="sample", timeseries=False,
                      max_runs=None)
    return [int(s) for s in plan.design["seed"]]


def child(kind: str, runs: int, workers: int, chunk: int) -> dict[str, Any]:
    """One measurement in this (fresh) process: ``"batch"``, ``"mesa"`` or ``"rss"`` (a batch, RSS sampled)."""
    if kind == "mesa":
        import mesa

        from wargame.model import AIRaceModel
        from wargame.scenario import load_scenario

        scenario = load_scenario(SCENARIO)
        seeds = batch_seeds(runs)
        t0 = time.perf_counter()
        out = mesa.batch_run(AIRaceModel, parameters={"scenario": [scenario]}, rng=seeds, number_processes=workers,
                             data_collection_period=-1, display_progress=False)
        wall = time.perf_counter() - t0
        n_ok = len({row["RunId"] for row in out})
        return {"wall_s": wall, "runs": runs, "n_ok": n_ok}
    from wargame.batch import run_batch

    with tempfile.TemporaryDirectory() as out, PeakRSS() as rss:
        t0 = time.perf_counter()
        res = run_batch(SCENARIO, replications=runs, seed=MASTER_SEED, seed_scope="sample", timeseries=False,
                        out=out, workers=workers, engine="local", chunk_size=chunk, progress=False, max_runs=None,
                        compact=True)
        wall = time.perf_counter() - t0
        n_ok = int((res.runs()["status"] == "ok").sum())
    return {"wall_s": wall, "runs": runs, "n_ok": n_ok, "peak_rss_mib": rss.peak / 2**20}


def in_fresh_process(kind: str, runs: int, workers: int, chunk: int) -> dict[str, Any]:
    """Run :func:`child` in a fresh Python process and return its figures."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--runs", str(runs), "--workers",
           str(workers), "--chunk", str(chunk)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"measurement {kind} ({runs} runs) failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["n_ok"] != runs:
        sys.exit(f"measurement {kind}: {result['n_ok']} of {runs} runs completed")
    return result


# ------------------------------------------------------------------------------------------ measurements


def measure_per_core(sizes: Sizes) -> Result:
    """Item 1: runs/s of one process at R = 1, 100, 1,000 and 10,000."""
    from wargame.model import AIRaceModel
    from wargame.scenario import load_scenario

    scenario = load_scenario(SCENARIO)

    def play(seeds: Sequence[int]) -> None:
        if len(seeds) == 1:
            AIRaceModel(scenario, seed=int(seeds[0])).run_to_end().summary()
        else:
            AIRaceModel(scenario, seeds=seeds).run_to_end().summary()

    play([0])  # warm up: imports and first-call costs stay out of the figures
    play([0, 1])
    print(f"1. runs/s per core ({SCENARIO}, one process, seeds 0..R-1; R = 1: one call per seed); "
          f"goal >= {GOAL_RUNS_PER_S:,.0f} runs/s")
    rate = best = single = 0.0
    runs = best_r = 0
    for r in ENSEMBLE_SIZES:
        calls, runs = (sizes.single_runs, 1) if r == 1 else (1, min(r, sizes.largest_ensemble))
        t0 = time.perf_counter()
        for call in range(calls):
            play(list(range(call, call + runs)))
        wall = time.perf_counter() - t0
        rate = calls * runs / wall
        single = single or rate
        if rate > best:
            best, best_r = rate, runs
        cap = f", capped at {runs:,} runs by --{sizes.name}" if runs < r else ""
        what = f"{calls} calls of 1 run" if r == 1 else f"{runs:,} runs"
        print(f"   R = {r:>6,}: {rate:9.1f} runs/s ({what} in {wall:6.1f} s{cap}); {rate / single:7.1f}x the "
              f"per-run model; {rate / GOAL_RUNS_PER_S:.3f} of the goal; {load()}", flush=True)
    return Result(f"1. runs/s per core, best R ({best_r:,})", f"{best:,.0f} runs/s ({best / single:.0f}x per-run)",
                  f">= {GOAL_RUNS_PER_S:,.0f}", best >= GOAL_RUNS_PER_S)


def measure_vs_mesa(sizes: Sizes) -> Result:
    """Item 2: run_batch at 2 workers against mesa.batch_run at 2 processes, same seeds."""
    n = sizes.batch_runs
    chunk = chunk_runs(n, WORKERS)
    print(f"2. run_batch ({WORKERS} workers, chunk_size {chunk}, timeseries=False) vs mesa.batch_run "
          f"({WORKERS} processes), {n:,} runs each, same seeds, fresh processes; goal >= {GOAL_BATCH_VS_MESA:.0f}x")
    ours = in_fresh_process("batch", n, WORKERS, chunk)
    print(f"   run_batch:      {ours['wall_s']:7.1f} s, {n / ours['wall_s']:8.1f} runs/s; {load()}", flush=True)
    theirs = in_fresh_process("mesa", n, WORKERS, chunk)
    print(f"   mesa.batch_run: {theirs['wall_s']:7.1f} s, {n / theirs['wall_s']:8.1f} runs/s; {load()}", flush=True)
    ratio = theirs["wall_s"] / ours["wall_s"]
    print(f"   ratio run_batch / mesa.batch_run: {ratio:.2f}x")
    return Result(f"2. run_batch / mesa.batch_run, {WORKERS} processes, {n:,} runs",
                  f"{ratio:.2f}x ({n / ours['wall_s']:.0f} vs {n / theirs['wall_s']:.0f} runs/s)",
                  f">= {GOAL_BATCH_VS_MESA:.0f}x", ratio >= GOAL_BATCH_VS_MESA)


def sobol_sweep() -> Any:
    """The 20-factor sweep: example_sweep.toml's range factors, then :data:`EXTRA_FACTORS` at [0.5, 1.5] x baseline."""
    from wargame.batch.design import Factor, SweepFile, load_sweep
    from wargame.scenario import load_scenario

    example = load_sweep(ROOT / "scenarios" / "sweeps" / "example_sweep.toml")
    factors = list(example.ranges)
    params = load_scenario(SCENARIO).model_dump()["parameters"]
    for name in EXTRA_FACTORS:
        value = float(params[name.split(".", 1)[1]])
        factors.append(Factor(name=name, low=0.5 * value, high=1.5 * value,
                              description="illustrative range: [0.5, 1.5] x the baseline value"))
    if len(factors) != SOBOL_FACTORS:  # pragma: no cover - guards the lists above
        raise ValueError(f"the Sobol sweep has {len(factors)} factors, not {SOBOL_FACTORS}")
    return SweepFile(description="bench_ensemble: 20-factor Sobol timing study", factor=factors)


def measure_sobol(sizes: Sizes) -> Result:
    """Item 3: the Sobol study end to end (plan, runs, Parquet, indices), scaled down unless --full."""
    from wargame.batch import run_batch

    sweep = sobol_sweep()
    full = sobol_runs(SOBOL_FULL_N, SOBOL_FACTORS, SOBOL_FULL_REPLICATIONS)
    runs = sobol_runs(sizes.sobol_n, SOBOL_FACTORS, sizes.sobol_replications)
    chunk = chunk_runs(runs, WORKERS)
    print(f"3. Sobol study, {SOBOL_FACTORS} factors (4 from example_sweep.toml + 16 at [0.5, 1.5] x baseline): "
          f"N = {sizes.sobol_n}, {sizes.sobol_replications} replication(s) = {runs:,} runs, {WORKERS} workers, "
          f"chunk_size {chunk}, timeseries=False; full size N = {SOBOL_FULL_N}, {SOBOL_FULL_REPLICATIONS} "
          f"replications = {full:,} runs; goal <= {GOAL_SOBOL_S:.0f} s")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        res = run_batch(SCENARIO, replications=sizes.sobol_replications, seed=MASTER_SEED, sweep=sweep,
                        method="sobol", n=sizes.sobol_n, seed_scope="sample", timeseries=False, out=out,
                        workers=WORKERS, engine="local", chunk_size=chunk, progress=False, max_runs=None,
                        compact=True)
        t_batch = time.perf_counter() - t0
        indices = res.sensitivity("final_lead_months")
        wall = time.perf_counter() - t0
    print(f"   measured: {wall:.1f} s for {runs:,} runs ({t_batch:.1f} s plan + runs + Parquet, "
          f"{wall - t_batch:.1f} s Sobol indices of {len(indices)} factors); {load()}")
    return time_result("3. Sobol study", wall, runs, full, "runs", GOAL_SOBOL_S)


def time_result(title: str, wall: float, done: int, full: int, noun: str, goal_s: float) -> Result:
    """The table row of a timed item: measured at full size, else extrapolated linearly (and said so).

    Args:
        title: The item, e.g. ``"3. Sobol study"``.
        wall: Seconds measured for ``done`` units.
        done: Units measured (runs, futures).
        full: Units of the goal's size.
        noun: What a unit is, for the labels.
        goal_s: The goal, seconds at full size.

    """
    if done == full:
        return Result(f"{title}, {full:,} {noun} (measured)", f"{wall:,.2f} s", f"<= {goal_s:g} s", wall <= goal_s)
    est = extrapolate(wall, done, full)
    print(f"   EXTRAPOLATED linearly to {full:,} {noun}: {est:,.1f} s ({est / 60:.1f} min); --full measures it")
    return Result(f"{title}, {full:,} {noun} (extrapolated from {done:,})", f"{est:,.1f} s (extrapolated)",
                  f"<= {goal_s:g} s", est <= goal_s)


def measure_futures(sizes: Sizes) -> Result:
    """Item 4: futures from a baseline game saved after 4 seasons, 2 workers."""
    from wargame.futures import play_futures
    from wargame.gamelog import game_log
    from wargame.model import AIRaceModel
    from wargame.scenario import load_scenario

    model = AIRaceModel(load_scenario(SCENARIO), seed=0)
    for _ in range(FUTURES_SAVED_AFTER):
        model.step()
    log = json.loads(json.dumps(game_log(model)))  # as saved to and read back from a file
    n = sizes.futures
    print(f"4. futures of a {SCENARIO} game (seed 0) saved after {FUTURES_SAVED_AFTER} seasons "
          f"({model.total_seasons - model.seasons_played} seasons left), {n:,} futures, {WORKERS} workers; "
          f"goal: {FUTURES_FULL:,} futures <= {GOAL_FUTURES_S:.0f} s")
    t0 = time.perf_counter()
    fut = play_futures(log, n, hold=False, seed=0, workers=WORKERS)
    wall = time.perf_counter() - t0
    if len(fut.runs) != n:  # pragma: no cover - play_futures returns one row per future
        sys.exit(f"futures: {len(fut.runs)} rows for {n} futures")
    print(f"   measured: {wall:.2f} s for {n:,} futures ({n / wall:.0f} futures/s); {load()}")
    return time_result("4. futures", wall, n, FUTURES_FULL, "futures", GOAL_FUTURES_S)


def measure_planner(sizes: Sizes) -> Result:
    """Item 5: milliseconds per season of a planner seat (us_gov), timed as bench_planner.py times it."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_planner import time_game

    from wargame.planner import DEFAULT_CANDIDATES, DEFAULT_ROLLOUTS
    from wargame.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    seat = "us_gov"
    times = [t for seed in range(sizes.planner_seeds)
             for t in time_game(scenario, seat, seed, DEFAULT_CANDIDATES, DEFAULT_ROLLOUTS)]
    p95 = float(np.percentile(times, 95))
    print(f"5. planner seat {seat} on {SCENARIO}, K = {DEFAULT_CANDIDATES}, M = {DEFAULT_ROLLOUTS}, "
          f"{sizes.planner_seeds} game(s), {len(times)} seasons: median {statistics.median(times):.0f} ms, "
          f"p95 {p95:.0f} ms, max {max(times):.0f} ms per season; goal <= {GOAL_PLANNER_MS:.0f} ms; {load()}")
    return Result(f"5. planner seat {seat}, ms per season (p95)", f"{p95:.0f} ms (median "
                  f"{statistics.median(times):.0f})", f"<= {GOAL_PLANNER_MS:.0f} ms", p95 <= GOAL_PLANNER_MS)


def measure_rss(sizes: Sizes) -> Result:
    """Item 6: the batch parent's peak RSS at 10x the runs against 1x, fresh processes, the same chunk size."""
    small, big = sizes.rss_runs, 10 * sizes.rss_runs
    chunk = chunk_runs(small, WORKERS)
    print(f"6. batch parent peak RSS (children excluded, sampled every 0.05 s), {small:,} vs {big:,} runs, "
          f"{WORKERS} workers, chunk_size {chunk} for both, fresh processes; goal <= {GOAL_RSS_RATIO}x")
    one = in_fresh_process("rss", small, WORKERS, chunk)
    print(f"   {small:>6,} runs: peak {one['peak_rss_mib']:6.1f} MiB ({one['wall_s']:.1f} s); {load()}", flush=True)
    ten = in_fresh_process("rss", big, WORKERS, chunk)
    print(f"   {big:>6,} runs: peak {ten['peak_rss_mib']:6.1f} MiB ({ten['wall_s']:.1f} s); {load()}", flush=True)
    ratio = ten["peak_rss_mib"] / one["peak_rss_mib"]
    return Result(f"6. batch parent peak RSS, {big:,} / {small:,} runs",
                  f"{ratio:.2f}x ({ten['peak_rss_mib']:.0f} / {one['peak_rss_mib']:.0f} MiB)",
                  f"<= {GOAL_RSS_RATIO}x", ratio <= GOAL_RSS_RATIO)


# -------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures and the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smallest honest sizes: a smoke test of 1-2 minutes")
    mode.add_argument("--full", action="store_true", help="the real sizes of the Sobol study and the futures")
    parser.add_argument("--child", choices=("batch", "mesa", "rss"), help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.runs, args.workers, args.chunk)))
        return 0
    sizes = MODES["quick" if args.quick else "full" if args.full else "default"]
    print(f"bench_ensemble ({sizes.name}): scenario {SCENARIO}, {os.cpu_count()} CPUs, {load()}", flush=True)
    start = time.perf_counter()
    results = []
    for step in (measure_per_core, measure_vs_mesa, measure_sobol, measure_futures, measure_planner, measure_rss):
        t0 = time.perf_counter()
        results.append(step(sizes))
        print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    print()
    print(format_table(results))
    print(f"\n{sum(r.met for r in results)} of {len(results)} goals met; benchmark took "
          f"{time.perf_counter() - start:.0f} s; {load()} (figures are noisy on a shared machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
