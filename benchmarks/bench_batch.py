"""Benchmark of the batch runner (issue 3). Not a test: prints figures to report.

All measured in one invocation, on the same model, scenario and seeds, each in a fresh subprocess
(``mesa.batch_run`` switches the whole process to the spawn start method):

a) our runner vs ``mesa.batch_run`` with the same number of processes (2): throughput ratio (goal >= 1.5)
b) our runner with 2 workers vs 1: speedup (goal >= 1.6 on a 2-core machine)
c) peak RSS of the runner (parent) process for N vs 10 N runs (goal: ratio <= 1.3)

On a shared machine the load of other processes varies, so a), b) and d) are measured in interleaved
rounds and each configuration's best round is compared.
d) Dask LocalCluster (2 workers) throughput as a fraction of the local pool (2 workers)

Usage::

    python benchmarks/bench_batch.py            # N = 1000, 10 N = 10000 (several minutes)
    python benchmarks/bench_batch.py --quick    # N = 200, 10 N = 2000

Wall times include starting the pool or cluster, as a user would experience them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SCENARIO = "baseline"
MASTER_SEED = 2026


def _seeds(n: int) -> list[int]:
    from wargame.batch.api import plan_batch

    return plan_batch(SCENARIO, replications=n, seed=MASTER_SEED).design["seed"].tolist()


def child(kind: str, runs: int, workers: int) -> dict:
    """Run one measurement in this (fresh) process; return wall time and peak RSS."""
    if kind == "mesa":
        import mesa

        from wargame.model import AIRaceModel
        from wargame.scenario import load_scenario

        scenario = load_scenario(SCENARIO)
        seeds = _seeds(runs)
        t0 = time.perf_counter()
        results = mesa.batch_run(AIRaceModel, parameters={"scenario": [scenario]}, rng=seeds,
                                 number_processes=workers, data_collection_period=-1, display_progress=False)
        wall = time.perf_counter() - t0
        assert len({r["RunId"] for r in results}) == runs  # one row per agent if it has agent reporters
    else:
        from wargame.batch import run_batch

        engine = "dask" if kind == "dask" else "local"
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            # with time series, as the figures in docs/batch.md were measured (they are off by default now)
            res = run_batch(SCENARIO, replications=runs, seed=MASTER_SEED, workers=workers, engine=engine,
                            out=out, timeseries=True)
            wall = time.perf_counter() - t0
            n_ok = int((res.store.summary()["status"] == "ok").sum())
            assert n_ok == runs, n_ok
    kib = 1024 if sys.platform != "darwin" else 1
    return {"kind": kind, "runs": runs, "workers": workers, "wall_s": wall,
            "runs_per_s": runs / wall,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kib / 2**20,
            "parent_cpu_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_stime}


def measure(kind: str, runs: int, workers: int) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, "--runs", str(runs), "--workers",
           str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"measurement {kind} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {kind:<6} workers={workers} runs={runs:>6}: {result['wall_s']:7.1f} s, "
          f"{result['runs_per_s']:7.1f} runs/s, runner (parent) peak RSS {result['peak_rss_mib']:6.1f} MiB, "
          f"parent CPU {result['parent_cpu_s']:5.1f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="N = 200 instead of 1000")
    p.add_argument("--runs", type=int, help="N (runs of the throughput measurements)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, help="interleaved repetitions of a), b), d); best of each (default 3)")
    p.add_argument("--child", choices=("ours", "mesa", "dask"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs, args.workers)))
        return
    n = args.runs or (200 if args.quick else 1000)
    w = args.workers
    rounds = args.rounds or (1 if args.quick else 3)
    print(f"bench_batch: scenario {SCENARIO}, N = {n}, {os.cpu_count()} CPUs, {rounds} interleaved round(s), "
          f"best of each; load average {os.getloadavg()[0]:.2f}", flush=True)
    trials: dict[str, list[dict]] = {"ours2": [], "ours1": [], "mesa2": [], "dask2": []}
    for r in range(rounds):
        print(f" round {r + 1}", flush=True)
        trials["ours2"].append(measure("ours", n, w))
        trials["ours1"].append(measure("ours", n, 1))
        trials["mesa2"].append(measure("mesa", n, w))
        trials["dask2"].append(measure("dask", n, w))
    best = {k: max(v, key=lambda t: t["runs_per_s"]) for k, v in trials.items()}
    ours2, ours1, mesa2, dask2 = best["ours2"], best["ours1"], best["mesa2"], best["dask2"]
    print(" memory")
    big = measure("ours", 10 * n, w)
    print()
    print(f"a) throughput, ours / mesa.batch_run at {w} processes: "
          f"{ours2['runs_per_s'] / mesa2['runs_per_s']:.2f}x  (goal >= 1.5)")
    print(f"b) speedup, ours {w} workers / 1 worker:               "
          f"{ours2['runs_per_s'] / ours1['runs_per_s']:.2f}x  (goal >= 1.6)")
    print(f"c) runner peak RSS, {10 * n} runs / {n} runs:            "
          f"{big['peak_rss_mib'] / max(t['peak_rss_mib'] for t in trials['ours2']):.2f}  ({big['peak_rss_mib']:.0f} / "
          f"{max(t['peak_rss_mib'] for t in trials['ours2']):.0f} MiB; goal <= 1.3)")
    print(f"d) Dask LocalCluster / local pool throughput ({w} workers): "
          f"{dask2['runs_per_s'] / ours2['runs_per_s']:.2f}")
    print(f"   (load average at the end {os.getloadavg()[0]:.2f}; figures are noisy on a shared machine)")


if __name__ == "__main__":
    main()
