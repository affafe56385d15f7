"""Benchmark of the planner (issue 9, item 6): milliseconds a planner seat takes to choose, per season.

For each seat (default: the US government ``us_gov`` and the lab ``us_lab_a`` of ``baseline``) and each seed,
one game is played in which that seat follows the planner: before every season
:func:`wargame.planner.plan` is timed and its levers submitted for the seat (the same game as a ``planner``
seat plays, without planning twice). Every other seat plays its scenario policy. Prints, per seat, the K and
M used and the median, 95th percentile and mean of the milliseconds per season over every season of every
seed, then the figures of each season of the game (the first seasons are the dearest: their rollouts are
the longest).

Goal (issue 9, item 6): at most 200 ms a season; the defaults aim at about 120 ms (median) because the
machine is shared and noisy.

Usage: ``python benchmarks/bench_planner.py [--seeds N] [--seats us_gov us_lab_a] [--candidates K]
[--rollouts M] [--scenario NAME]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wargame.model import AIRaceModel  # noqa: E402
from wargame.planner import DEFAULT_CANDIDATES, DEFAULT_ROLLOUTS, plan  # noqa: E402
from wargame.scenario import load_scenario  # noqa: E402

GOAL_MS = 200.0


def time_game(scenario, seat: str, seed: int, candidates: int, rollouts: int) -> list[float]:
    """Milliseconds of each season's plan in one game where ``seat`` plays the planner's choices."""
    model = AIRaceModel(scenario, seed=seed)
    times = []
    while model.running:
        gc.collect()
        start = time.perf_counter()
        levers = plan(model, seat, candidates=candidates, rollouts=rollouts)
        times.append((time.perf_counter() - start) * 1e3)
        model.submit_decision(seat, levers)
        model.step()
    return times


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="games per seat (seeds 0..N-1)")
    parser.add_argument("--seats", nargs="+", default=["us_gov", "us_lab_a"])
    parser.add_argument("--candidates", type=int, default=DEFAULT_CANDIDATES, help="K")
    parser.add_argument("--rollouts", type=int, default=DEFAULT_ROLLOUTS, help="M")
    parser.add_argument("--scenario", default="baseline")
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    wall = time.perf_counter()
    for seat in args.seats:
        per_season: list[list[float]] = []
        for seed in range(args.seeds):
            per_season.append(time_game(scenario, seat, seed, args.candidates, args.rollouts))
        flat = [t for game in per_season for t in game]
        p95 = float(np.percentile(flat, 95))
        verdict = "within" if p95 <= GOAL_MS else "OVER"
        print(f"{seat}: K={args.candidates} M={args.rollouts}, {len(flat)} seasons ({args.seeds} seeds): "
              f"median {statistics.median(flat):.0f} ms, p95 {p95:.0f} ms, mean {statistics.fmean(flat):.0f} ms "
              f"per season ({verdict} the {GOAL_MS:.0f} ms goal at p95)")
        by_season = np.median(np.array(per_season), axis=0)
        print("   median by season (first to last): " + ", ".join(f"{t:.0f}" for t in by_season))
    print(f"benchmark took {time.perf_counter() - wall:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
