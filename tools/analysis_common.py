"""Shared machinery of the analysis tools (``lever_effects.py``, ``strategy_matrix.py``, ``planner_matrix.py``).

A *configuration* is a scenario (a name plus dotted overrides, see
:meth:`wargame.scenario.Scenario.with_overrides`) and a set of levers that seats hold fixed for the whole game
(submitted with :meth:`wargame.model.AIRaceModel.submit_decision` before every season). A *task* runs one
configuration over a tuple of seeds, as one ensemble (one model playing a run per seed, each run exactly the
single game of its seed); tasks are spread over a process pool. Every configuration of one
analysis runs on the same seeds, so differences between configurations are paired (common random numbers).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Analyse the code of this checkout, even when another copy of the package is installed.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wargame.ensemble.lanes import per_run  # noqa: E402
from wargame.model import AIRaceModel  # noqa: E402
from wargame.policies import PLANNER  # noqa: E402
from wargame.scenario import Scenario, load_scenario  # noqa: E402

#: Outcomes every run reports, with their table headers and units.
OUTCOMES: dict[str, str] = {
    "lead": "final lead, months",
    "s1": "S1 indicator (0/1)",
    "s2": "S2 indicator (0/1)",
    "safety": "mean safety share over labs and seasons",
    "incidents": "incidents per game (count)",
    "adoption": "final US share of Global South adoption",
}


@dataclass(frozen=True)
class Config:
    """One configuration of a game.

    Attributes:
        scenario: Scenario name or path.
        overrides: Dotted overrides applied to it, as sorted ``(path, value)`` pairs.
        fixed: Levers held by seats every season, as ``(seat, ((lever, value), ...))`` pairs.
        scored: Seats whose final score and score components are reported.

    """

    scenario: str = "baseline"
    overrides: tuple[tuple[str, Any], ...] = ()
    fixed: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    scored: tuple[str, ...] = ()


def make_config(scenario: str = "baseline", overrides: dict[str, Any] | None = None,
                fixed: dict[str, dict[str, Any]] | None = None, scored: Iterable[str] = ()) -> Config:
    """Build a hashable :class:`Config` from plain dicts.

    Args:
        scenario: Scenario name or path.
        overrides: Dotted scenario overrides, e.g. ``{"governments.prc_gov.policy": "hawkish"}``.
        fixed: ``{seat: {lever: value}}`` held every season.
        scored: Seats whose score is reported.

    Returns:
        The configuration.

    """
    return Config(scenario, tuple(sorted((overrides or {}).items())),
                  tuple(sorted((seat, tuple(sorted(levers.items()))) for seat, levers in (fixed or {}).items())),
                  tuple(scored))


@functools.lru_cache(maxsize=4096)
def _scenario(name: str, overrides: tuple[tuple[str, Any], ...]) -> Scenario:
    base = load_scenario(name)
    return base.with_overrides(dict(overrides)) if overrides else base


@dataclass
class RunResult:
    """Results of one game.

    Attributes:
        outcomes: ``{outcome: value}`` for every key of :data:`OUTCOMES`.
        scores: ``{seat: final score}`` (points) for the configuration's scored seats.
        components: ``{seat: {component: weighted points}}`` for the scored seats.

    """

    outcomes: dict[str, float]
    scores: dict[str, float] = field(default_factory=dict)
    components: dict[str, dict[str, float]] = field(default_factory=dict)


def has_planner(config: Config) -> bool:
    """Whether a seat of the configuration's scenario plays the planner (an ensemble would play its fallback)."""
    return any(seat.policy == PLANNER for seat in _scenario(config.scenario, config.overrides).seats())


def run_games(config: Config, seeds: Sequence[int]) -> list[RunResult]:
    """Play a configuration to the end on several seeds at once, as one ensemble (one run per seed).

    Run r of the ensemble plays exactly the game ``AIRaceModel(scenario, seed=seeds[r])`` with the same fixed
    levers (:mod:`wargame.ensemble`), so the results are those of single games. A configuration with a planner
    seat is played as single games, one seed at a time (an ensemble's planner seats play their fallback policy).

    Args:
        config: The configuration.
        seeds: Model seeds, shape (R,), R >= 1.

    Returns:
        The outcomes and the scored seats' scores of each run, in ``seeds`` order.

    """
    if has_planner(config) and len(seeds) > 1:
        return [run for seed in seeds for run in run_games(config, (seed,))]
    model = AIRaceModel(_scenario(config.scenario, config.overrides), seeds=list(seeds))
    fixed = [(seat, dict(levers)) for seat, levers in config.fixed]
    while model.running:
        for seat, levers in fixed:
            model.submit_decision(seat, levers)
        model.step()
    r = model.n_runs
    s = model.summary()
    outcome = per_run(s["outcome"], r)
    lanes = {
        "lead": per_run(s["final_lead_months"], r),
        "s1": outcome == "S1",
        "s2": outcome == "S2",
        "safety": per_run(s["mean_safety_share"], r),
        "incidents": per_run(s["incidents"], r),
        "adoption": per_run(s["adoption_share_us"], r),
    }
    scores = model.seat_scores()
    seat_scores = {seat: per_run(scores[seat], r) for seat in config.scored}
    components = {seat: {c: per_run(v, r) for c, v in model.score_breakdown(seat).items()} for seat in config.scored}
    return [RunResult({k: float(v[i]) for k, v in lanes.items()},
                      {seat: float(v[i]) for seat, v in seat_scores.items()},
                      {seat: {c: float(v[i]) for c, v in parts.items()} for seat, parts in components.items()})
            for i in range(r)]


def _run_task(task: tuple[Config, tuple[int, ...]]) -> list[RunResult]:
    config, seeds = task
    return run_games(config, seeds)


def seed_blocks(configs: Sequence[Config], seeds: Sequence[int], jobs: int) -> list[list[tuple[int, ...]]]:
    """How each configuration's seeds are cut into tasks.

    A configuration played as ensembles takes one block of every seed (one ensemble), or a few blocks when
    there are fewer such configurations than processes, so every process has work. A configuration with a
    planner seat plays single games of about a second each: one task per seed, so they spread over the
    processes.

    Args:
        configs: Configurations.
        seeds: Common seeds.
        jobs: Number of processes.

    Returns:
        Per configuration, its blocks of seeds (consecutive, in ``seeds`` order, together every seed once).

    """
    seeds = tuple(seeds)
    planner = [has_planner(config) for config in configs]
    ensembles = max(1, planner.count(False))
    blocks = min(len(seeds), max(1, math.ceil(jobs / ensembles)))
    bounds = [len(seeds) * k // blocks for k in range(blocks + 1)]  # near-equal, none empty
    return [[(seed,) for seed in seeds] if slow else [seeds[a:b] for a, b in itertools.pairwise(bounds)]
            for slow in planner]


def run_configs(configs: Sequence[Config], seeds: Sequence[int], jobs: int) -> tuple[list[list[RunResult]], float]:
    """Run every configuration on the same seeds, in parallel over processes.

    Work is cut into tasks of one configuration and a block of seeds (:func:`seed_blocks`); each task plays
    its block as one ensemble (:func:`run_games`). Tasks of single planner games are handed out first, so the
    long ones do not end up last on one process.

    Args:
        configs: Configurations.
        seeds: Common seeds (the same for every configuration).
        jobs: Number of processes (1 runs in this process).

    Returns:
        ``(results, seconds)``: per configuration, the :class:`RunResult` of each seed in ``seeds`` order; and
        the wall-clock time taken, seconds.

    """
    start = time.perf_counter()
    # Load and validate every scenario here, before the workers fork: they inherit the cache, so every run
    # sees the same scenario files even if they are edited while the analysis runs.
    for config in dict.fromkeys(configs):
        _scenario(config.scenario, config.overrides)
    blocks = seed_blocks(configs, seeds, jobs)
    slow = [has_planner(config) for config in configs]
    keys = sorted(((i, j) for i, config_blocks in enumerate(blocks) for j in range(len(config_blocks))),
                  key=lambda key: not slow[key[0]])  # stable: planner configurations' tasks first, else in order
    tasks = [(configs[i], blocks[i][j]) for i, j in keys]
    if jobs <= 1:
        parts = [_run_task(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_run_task, tasks))
    by_key = dict(zip(keys, parts, strict=True))
    results = [[run for j in range(len(config_blocks)) for run in by_key[(i, j)]]
               for i, config_blocks in enumerate(blocks)]
    return results, time.perf_counter() - start


def mean_se(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Mean and standard error of the mean (sample sd / sqrt(n); 0 for a single value).

    Args:
        values: Per-seed values (or paired per-seed differences).

    Returns:
        ``(mean, standard error)`` in the values' unit.

    """
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return float("nan"), float("nan")
    se = float(a.std(ddof=1) / math.sqrt(a.size)) if a.size > 1 else 0.0
    return float(a.mean()), se


def moved(diffs: Sequence[float] | np.ndarray, z: float = 3.0) -> bool:
    """Whether paired differences move an outcome: ``|mean| > z * SE``.

    Differences that are all exactly zero do not move it (mean 0 is not > 0); a nonzero mean with SE 0 does.

    Args:
        diffs: Paired per-seed differences.
        z: Threshold in standard errors.

    Returns:
        ``True`` if moved.

    """
    mean, se = mean_se(diffs)
    return bool(abs(mean) > z * se)


def fmt_pm(mean: float, se: float, digits: int = 2) -> str:
    """Format ``mean ± se`` with a fixed number of decimals, e.g. ``+1.23 ± 0.05``."""
    return f"{mean:+.{digits}f} ± {se:.{digits}f}"


def replace_block(path: Path, name: str, content: str) -> None:
    """Replace the text between ``<!-- BEGIN GENERATED {name} -->`` and ``<!-- END GENERATED {name} -->``.

    The file is read once, changed in memory and written once; nothing outside the markers changes.

    Args:
        path: Markdown file.
        name: Block name, e.g. ``"LEVER EFFECTS"``.
        content: New text between the markers (without them).

    Raises:
        ValueError: If the markers are missing, repeated or out of order.

    """
    text = path.read_text(encoding="utf-8")
    begin, end = f"<!-- BEGIN GENERATED {name} -->", f"<!-- END GENERATED {name} -->"
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"{path}: expected one {begin!r} followed by one {end!r}")
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    new = pattern.sub(lambda _: f"{begin}\n{content.strip()}\n{end}", text, count=1)
    path.write_text(new, encoding="utf-8")
