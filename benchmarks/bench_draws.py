"""Benchmark of the ensemble engine's counter-based draws (issue 9).

For R = 1, 100, 1,000 and 10,000 runs, prints the draws per second of
``wargame.ensemble.draws.uniform(seeds, stream, season, slot)`` and ``normal(...)`` (one draw per run), and
the same for numpy's ``Generator.random(R)`` and ``Generator.standard_normal(R)`` measured in the same
process, interleaved, so that both see the same machine load; the ratio is numpy's rate over ours (how many
times slower the counter-based draws are). Each figure is the best of several repeats of a batch of calls
lasting about ``--budget`` seconds. No goal: the figures inform the engine's design (issue 9).

Usage: ``python benchmarks/bench_draws.py [--repeats N] [--budget SECONDS]``
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np

from wargame.ensemble.draws import normal, uniform

SIZES = (1, 100, 1_000, 10_000)


def best_rate(func, n_draws: int, repeats: int, budget: float) -> float:
    """Draws per second of ``func()`` (which makes ``n_draws`` draws): best of ``repeats`` timed batches."""
    func()
    start = time.perf_counter()
    func()
    once = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(budget / once))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        best = min(best, (time.perf_counter() - start) / calls)
    return n_draws / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=0.1, help="seconds per timed batch")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'R':>7} {'kind':>8} {'counter draws/s':>16} {'numpy draws/s':>14} {'ratio':>7}")
    for size in SIZES:
        seeds = np.arange(size, dtype=np.int64)
        cases = {
            "uniform": (partial(uniform, seeds, "events", 3, 0), partial(rng.random, size)),
            "normal": (partial(normal, seeds, "intelligence", 3, 0), partial(rng.standard_normal, size)),
        }
        for kind, (ours, theirs) in cases.items():
            rate_ours = rate_theirs = 0.0
            for _ in range(args.repeats):  # interleave the two so both see the same load
                rate_ours = max(rate_ours, best_rate(ours, size, 1, args.budget))
                rate_theirs = max(rate_theirs, best_rate(theirs, size, 1, args.budget))
            print(f"{size:>7} {kind:>8} {rate_ours:>16,.0f} {rate_theirs:>14,.0f} {rate_theirs / rate_ours:>6.1f}x")


if __name__ == "__main__":
    main()
