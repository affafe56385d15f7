"""Benchmark of the model core (issue 2).

Prints two figures:

(a) the median milliseconds of one full default-scenario run, ``AIRaceModel("baseline", seed).run_to_end()``
    including construction (and so reading and validating the scenario file), over several repeats with
    different seeds; also shown with the scenario loaded once beforehand, as batches do;
(b) the ratio of that to a bare Mesa model with the same number of agents, seasons and model reporters and
    no logic (six no-op ``AgentSet.do`` phases and a ``DataCollector.collect`` per step), measured in the
    same process, interleaved with the real runs so that both see the same machine load.

Goal: at most 10x the bare model.

Usage: ``python benchmarks/bench_model.py [--repeats N] [--scenario NAME]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

import mesa

from wargame.model import MODEL_REPORTERS, AIRaceModel
from wargame.scenario import load_scenario

GOAL = 10.0
PHASES = 6


class BareAgent(mesa.Agent):
    """An agent with no state and no logic."""

    def noop(self) -> None:
        """Do nothing (one phase's work)."""


class BareModel(mesa.Model):
    """A Mesa model with the wargame's shape and none of its logic.

    Args:
        n_agents: Number of agents to create.
        n_reporters: Number of trivial model reporters in the DataCollector.
        seasons: Number of steps until ``running`` turns false.
        seed: Seed of the model's random generators.

    """

    def __init__(self, n_agents: int, n_reporters: int, seasons: int, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.seasons = seasons
        self.played = 0
        for _ in range(n_agents):
            BareAgent(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={f"r{i}": (lambda m: 0.0) for i in range(n_reporters)})
        self.running = True
        self.datacollector.collect(self)

    def step(self) -> None:
        """Six no-op phases over all agents, then collect."""
        for _ in range(PHASES):
            self.agents.do("noop")
        self.played += 1
        if self.played >= self.seasons:
            self.running = False
        self.datacollector.collect(self)

    def run_to_end(self) -> BareModel:
        """Step until the game is over."""
        while self.running:
            self.step()
        return self


def time_ms(fn) -> float:
    """Wall-clock milliseconds of one call of ``fn`` (garbage collection run beforehand, not timed)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; returns 0 if the goal is met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41, help="timed runs of each model (default 41)")
    parser.add_argument("--scenario", default="baseline", help="scenario to time (default: baseline)")
    args = parser.parse_args(argv)

    scenario = load_scenario(args.scenario)
    probe = AIRaceModel(scenario, seed=0).run_to_end()
    n_agents = len(probe.agents)
    n_reporters = len(probe.datacollector.model_reporters)
    assert n_reporters == len(MODEL_REPORTERS)
    seasons = probe.seasons_played

    def real(seed: int) -> None:
        AIRaceModel(args.scenario, seed=seed).run_to_end()

    def preloaded(seed: int) -> None:
        AIRaceModel(scenario, seed=seed).run_to_end()

    def bare(seed: int) -> None:
        BareModel(n_agents, n_reporters, seasons, seed=seed).run_to_end()

    for seed in range(3):  # warm-up (imports, caches)
        real(seed)
        preloaded(seed)
        bare(seed)

    real_ms, bare_ms, pre_ms = [], [], []
    for i in range(args.repeats):
        seed = 1000 + i
        # Alternate which goes first, so neither always runs on a warmer cache.
        if i % 2:
            real_ms.append(time_ms(lambda seed=seed: real(seed)))
            pre_ms.append(time_ms(lambda seed=seed: preloaded(seed)))
            bare_ms.append(time_ms(lambda seed=seed: bare(seed)))
        else:
            bare_ms.append(time_ms(lambda seed=seed: bare(seed)))
            pre_ms.append(time_ms(lambda seed=seed: preloaded(seed)))
            real_ms.append(time_ms(lambda seed=seed: real(seed)))

    real_median = statistics.median(real_ms)
    bare_median = statistics.median(bare_ms)
    ratio = real_median / bare_median
    print(f"Scenario {args.scenario!r}: {n_agents} agents, {seasons} seasons, {n_reporters} model reporters; "
          f"{args.repeats} interleaved repeats, seeds 1000..{1000 + args.repeats - 1}; "
          f"Python {sys.version.split()[0]}, Mesa {mesa.__version__}")
    print(f"(a) full default-scenario run (construction + run_to_end): median {real_median:.1f} ms "
          f"(min {min(real_ms):.1f}, max {max(real_ms):.1f})")
    pre_median = statistics.median(pre_ms)
    print(f"    same run with the scenario loaded beforehand: median {pre_median:.1f} ms "
          f"(ratio {pre_median / bare_median:.1f}x)")
    print(f"    bare Mesa model, same agents/seasons/reporters, no logic: median {bare_median:.2f} ms "
          f"(min {min(bare_ms):.2f}, max {max(bare_ms):.2f})")
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"(b) ratio to the bare model: {ratio:.1f}x  (goal: <= {GOAL:g}x, {verdict})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
