"""One-at-a-time sensitivity (a tornado) of the headline outcomes to every illustrative parameter.

The headline conclusions of the model are "tight controls usually give S1" (P(S1) in ``tight_controls``)
and "loopholes usually give S2" (P(S2) in ``loopholes``). This tool moves each *illustrative* parameter
(a field of :class:`wargame.scenario.Parameters` whose ``source`` metadata starts with ``"illustrative"``;
the list is read from the metadata, never written here) to a low and a high value, one at a time, runs both
scenarios over the same seeds as at the defaults, and reports each probability with its Wilson 95% interval
and the paired difference from the defaults (same seeds, so common random numbers) with its standard error.

Low and high values (:func:`perturbation`): default x 0.5 and x 1.5; a parameter whose default is 0 moves by
-/+ 50% of its allowed range instead. Values are clipped to the field's bounds (an open bound, ``gt``/``lt``,
is replaced by the midpoint between the bound and the default), integers are rounded away from the default
(floor for low, ceiling for high) so that they move, and a side equal to the default is skipped.

The generated block in ``docs/model.md`` sits between ``<!-- BEGIN GENERATED TORNADO -->`` and
``<!-- END GENERATED TORNADO -->``; nothing else in the document is touched. The chart goes to
``img/tornado.png`` next to the document.

Usage::

    .venv/bin/python tools/tornado_chart.py --seeds 200 --jobs 2 --write docs/model.md   # ~72,000 runs: ~30 s
    .venv/bin/python tools/tornado_chart.py --seeds 20 --only enmity,visibility        # print the table only
"""

from __future__ import annotations

import argparse
import datetime
import math
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

# Analyse the code of this checkout, even when another copy of the package is installed.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import wargame  # noqa: E402
from wargame.ensemble.lanes import per_run  # noqa: E402
from wargame.model import AIRaceModel  # noqa: E402
from wargame.policies import PLANNER  # noqa: E402
from wargame.scenario import Parameters, Scenario, load_scenario  # noqa: E402

#: The conclusions tested: (scenario, outcome class whose probability is reported).
CONCLUSIONS: tuple[tuple[str, str], ...] = (("tight_controls", "S1"), ("loopholes", "S2"))
#: Multipliers of the default for the low and high sides (illustrative: a +/-50% one-at-a-time change).
LOW_FACTOR, HIGH_FACTOR = 0.5, 1.5
#: For a parameter whose default is 0: move by this share of the allowed range (illustrative).
RANGE_SHARE = 0.5
#: A conclusion "holds" while its probability is at least this (a majority of runs).
FLIP_THRESHOLD = 0.5
#: Normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Parameters shown per chart panel (largest swing first).
TOP_N = 20
SIDES = ("low", "high")
BEGIN, END = "<!-- BEGIN GENERATED TORNADO -->", "<!-- END GENERATED TORNADO -->"


# ------------------------------------------------------------------ parameters and their low/high values
def illustrative_parameters() -> list[str]:
    """Names of the fields of :class:`Parameters` whose ``source`` starts with ``"illustrative"``, in field order."""
    names = []
    for name, info in Parameters.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if str(extra.get("source", "")).strip().lower().startswith("illustrative"):
            names.append(name)
    return names


def field_bounds(name: str) -> tuple[float | None, bool, float | None, bool]:
    """Bounds of a :class:`Parameters` field from its pydantic metadata.

    Args:
        name: Field name.

    Returns:
        ``(low, low_open, high, high_open)``: the lower and upper bound (``None`` when unbounded) and whether
        each is open (``gt``/``lt``) rather than closed (``ge``/``le``).

    """
    low = high = None
    low_open = high_open = False
    for meta in Parameters.model_fields[name].metadata:
        if getattr(meta, "ge", None) is not None:
            low, low_open = meta.ge, False
        if getattr(meta, "gt", None) is not None:
            low, low_open = meta.gt, True
        if getattr(meta, "le", None) is not None:
            high, high_open = meta.le, False
        if getattr(meta, "lt", None) is not None:
            high, high_open = meta.lt, True
    return low, low_open, high, high_open


@dataclass(frozen=True)
class Perturbation:
    """The low and high values of one parameter (``None`` for a skipped side) and how they were chosen."""

    name: str
    default: float
    low: float | None
    high: float | None
    rule: str


def perturbation(name: str) -> Perturbation:
    """Low and high values of a parameter by the rule in the module docstring.

    Args:
        name: A numeric field of :class:`Parameters`.

    Returns:
        The :class:`Perturbation`; a side equal to the default is ``None``.

    Raises:
        ValueError: If the field is not numeric.

    """
    info = Parameters.model_fields[name]
    if info.annotation not in (int, float):
        raise ValueError(f"parameter {name!r} is not numeric ({info.annotation})")
    is_int = info.annotation is int
    default = float(info.default)
    lo, lo_open, hi, hi_open = field_bounds(name)
    if default != 0.0:
        raw = sorted((default * LOW_FACTOR, default * HIGH_FACTOR))
        rule = f"x{LOW_FACTOR:g} / x{HIGH_FACTOR:g}"
    else:
        if lo is None or hi is None:
            raise ValueError(f"parameter {name!r} has default 0 and an unbounded range")
        span = RANGE_SHARE * (hi - lo)
        raw = [default - span, default + span]
        rule = f"-/+ {RANGE_SHARE:.0%} of range"
    notes = []
    values: list[float | None] = []
    for side, value in zip(SIDES, raw, strict=True):
        if lo is not None and (value < lo or (lo_open and value <= lo)):
            value = (lo + default) / 2 if lo_open else lo
            notes.append(f"{side} clipped")
        if hi is not None and (value > hi or (hi_open and value >= hi)):
            value = (hi + default) / 2 if hi_open else hi
            notes.append(f"{side} clipped")
        if is_int:
            value = math.floor(value) if side == "low" else math.ceil(value)
        values.append(None if value == default else value)
        if value == default:
            notes.append(f"{side} skipped (= default)")
    return Perturbation(name, default, values[0], values[1], "; ".join([rule, *notes]))


def override_value(name: str, value: float) -> int | float:
    """The value as the field's type (the scenario model is strict: an int field needs an int)."""
    return int(value) if Parameters.model_fields[name].annotation is int else float(value)


# ------------------------------------------------------------------ statistics
def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Args:
        successes: Number of runs with the outcome.
        n: Number of runs (> 0).
        z: Normal quantile (1.96 for 95%).

    Returns:
        ``(lower, upper)``, both in [0, 1].

    """
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Exact ends at 0 and n (the formula gives them only up to rounding), so the interval contains p.
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return lower, upper


def paired(values: np.ndarray, base: np.ndarray) -> tuple[float, float]:
    """Mean paired difference ``values - base`` over seeds and its standard error, sd / sqrt(n), same unit."""
    diff = values.astype(float) - base.astype(float)
    n = len(diff)
    return float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")


@dataclass(frozen=True)
class SideStat:
    """P(outcome) at one setting, its Wilson 95% interval, and paired differences from the defaults.

    ``delta`` +/- ``se`` is the change of P (share of runs); ``lead_delta`` +/- ``lead_se`` the change of the
    mean final lead (months).
    """

    p: float
    ci: tuple[float, float]
    delta: float
    se: float
    lead_delta: float
    lead_se: float


def side_stat(runs: tuple[np.ndarray, np.ndarray], base: tuple[np.ndarray, np.ndarray]) -> SideStat:
    """Statistics of one setting from per-seed outcomes.

    Args:
        runs: ``(hits, lead)``: 1 where the run ended in the outcome class, and the final lead (months), per seed.
        base: The same at the defaults, same seeds in the same order.

    Returns:
        The :class:`SideStat`.

    """
    hits, lead = runs
    delta, se = paired(hits, base[0])
    lead_delta, lead_se = paired(lead, base[1])
    return SideStat(float(hits.mean()), wilson(int(hits.sum()), len(hits)), delta, se, lead_delta, lead_se)


# ------------------------------------------------------------------ running the model
@lru_cache(maxsize=8)
def _scenario(name: str) -> Scenario:
    return load_scenario(name)


def run_outcomes(scenario: str, overrides: tuple[tuple[str, Any], ...], seeds: Sequence[int],
                 outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Run a scenario over seeds; return where each run ends in an outcome class, and its final lead.

    The seeds are played as one ensemble, whose run r is exactly the single game of ``seeds[r]``; a scenario
    with a planner seat is played as single games, one per seed (an ensemble's planner seats play their
    fallback policy).

    Args:
        scenario: Shipped scenario name.
        overrides: ``(("parameters.<name>", value), ...)`` for :meth:`Scenario.with_overrides`.
        seeds: Seeds to run, in order.
        outcome: ``"S1"``, ``"S2"`` or ``"contested"``.

    Returns:
        ``(hits, lead)``: int8 array, 1 where the run ended in ``outcome``; float array of the final lead
        (months, US ahead > 0); one entry per seed.

    """
    spec = _scenario(scenario)
    if overrides:
        spec = spec.with_overrides(dict(overrides))
    seeds = list(seeds)
    planner = any(seat.policy == PLANNER for seat in spec.seats())
    hits, lead = [], []
    for block in [[seed] for seed in seeds] if planner else [seeds]:
        model = AIRaceModel(spec, seeds=block).run_to_end()
        hits.append(per_run(model.outcome(), model.n_runs) == outcome)
        lead.append(per_run(model.lead_months, model.n_runs))
    return np.concatenate(hits).astype(np.int8), np.concatenate(lead).astype(float)


@dataclass
class Row:
    """One parameter's results: per conclusion (scenario name), per side, a :class:`SideStat`."""

    pert: Perturbation
    stats: dict[str, dict[str, SideStat]] = field(default_factory=dict)

    def swing(self, scenario: str) -> float:
        """Largest absolute paired change of P from the defaults over the two sides (share of runs)."""
        return max((abs(s.delta) for s in self.stats[scenario].values()), default=0.0)

    def lead_swing(self, scenario: str) -> float:
        """Largest absolute paired change of the mean final lead over the two sides (months)."""
        return max((abs(s.lead_delta) for s in self.stats[scenario].values()), default=0.0)

    @property
    def max_swing(self) -> float:
        """Largest :meth:`swing` over the conclusions."""
        return max(self.swing(sc) for sc, _ in CONCLUSIONS)

    def sort_key(self, scenario: str | None = None) -> tuple[float, float, str]:
        """Order of rows: largest swing of P first, then largest lead change (months), then name.

        Args:
            scenario: Rank by this conclusion only, or by the largest over both when ``None``.

        Returns:
            A key for :func:`sorted`.

        """
        scenarios = [scenario] if scenario else [sc for sc, _ in CONCLUSIONS]
        return (-max(self.swing(sc) for sc in scenarios), -max(self.lead_swing(sc) for sc in scenarios),
                self.pert.name)


@dataclass
class Result:
    """A whole tornado run."""

    seeds: list[int]
    base: dict[str, SideStat]
    rows: list[Row]
    runs: int
    seconds: float
    jobs: int


def run_tornado(names: Sequence[str], seeds: Sequence[int], jobs: int = 2,
                progress: Callable[[str], None] | None = None) -> Result:
    """Run the defaults and every low/high setting of the named parameters in both scenarios.

    Args:
        names: Parameter names (fields of :class:`Parameters`).
        seeds: Seeds common to every setting.
        jobs: Worker processes (1 runs in this process).
        progress: Called with a progress line now and then (e.g. ``print`` to stderr), or ``None``.

    Returns:
        The :class:`Result`, rows sorted by the largest absolute swing first (ties: largest lead change).

    """
    seeds = list(seeds)
    perts = [perturbation(n) for n in names]
    tasks: list[tuple[str, str | None, str | None, tuple[tuple[str, Any], ...]]] = []
    for scenario, _ in CONCLUSIONS:
        tasks.append((scenario, None, None, ()))
        for p in perts:
            for side in SIDES:
                value = getattr(p, side)
                if value is not None:
                    tasks.append((scenario, p.name, side, ((f"parameters.{p.name}", override_value(p.name, value)),)))
    outcome_of = dict(CONCLUSIONS)
    results: dict[tuple[str, str | None, str | None], tuple[np.ndarray, np.ndarray]] = {}
    start = time.perf_counter()
    step = max(1, len(tasks) // 20)

    def done(key: tuple[str, str | None, str | None], runs: tuple[np.ndarray, np.ndarray]) -> None:
        results[key] = runs
        if progress and (len(results) % step == 0 or len(results) == len(tasks)):
            progress(f"  {len(results)}/{len(tasks)} settings ({len(results) * len(seeds):,} runs), "
                     f"{time.perf_counter() - start:.0f} s")

    if jobs <= 1:
        for scenario, name, side, ov in tasks:
            done((scenario, name, side), run_outcomes(scenario, ov, seeds, outcome_of[scenario]))
    else:
        # "spawn": fresh workers, no fork of a process whose executor thread is already running (Python 3.12
        # warns that this may deadlock). Each worker imports this script and the model once (~1 s).
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(run_outcomes, scenario, ov, seeds, outcome_of[scenario]): (scenario, name, side)
                       for scenario, name, side, ov in tasks}
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
    seconds = time.perf_counter() - start

    base = {sc: side_stat(results[(sc, None, None)], results[(sc, None, None)]) for sc, _ in CONCLUSIONS}
    rows = []
    for p in perts:
        row = Row(p)
        for scenario, _ in CONCLUSIONS:
            ref = results[(scenario, None, None)]
            row.stats[scenario] = {side: side_stat(results[(scenario, p.name, side)], ref)
                                   for side in SIDES if (scenario, p.name, side) in results}
        rows.append(row)
    rows.sort(key=lambda r: r.sort_key())
    return Result(seeds, base, rows, len(tasks) * len(seeds), seconds, jobs)


# ------------------------------------------------------------------ reporting
def fmt_num(value: float | None) -> str:
    """Compact text for a parameter value: ``0.3``, ``12,000``, ``1.5e+06``; an em dash for ``None``."""
    if value is None:
        return "—"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.3g}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _label(scenario: str) -> str:
    return f"P({dict(CONCLUSIONS)[scenario]}) {scenario}"


def _p_cell(stat: SideStat | None, base: SideStat) -> str:
    if stat is None:
        return "—"
    text = f"{stat.p:.3f} [{stat.ci[0]:.2f}, {stat.ci[1]:.2f}]"
    crossed = (stat.p < FLIP_THRESHOLD) != (base.p < FLIP_THRESHOLD)
    return f"**{text}**" if crossed else text


def _d_cell(stat: SideStat | None) -> str:
    return "—" if stat is None else f"{stat.delta:+.3f} ± {stat.se:.3f}"


def _lead_cell(stat: SideStat | None) -> str:
    return "—" if stat is None else f"{stat.lead_delta:+.2f} ± {stat.lead_se:.2f}"


def markdown_table(result: Result) -> str:
    """The full results table (Markdown), one row per parameter, largest swing first.

    Args:
        result: A :class:`Result`.

    Returns:
        The table; a probability in bold has crossed 0.5 relative to the defaults. The lead columns give the
        paired change of the mean final lead (months) as context: it shows how far a setting moves the runs
        even when few of them cross a threshold.

    """
    header = ["parameter", "low / default / high", "rule"]
    for scenario, _ in CONCLUSIONS:
        lab = _label(scenario)
        header += [f"{lab} at low [95% CI]", f"{lab} at high [95% CI]", "Δ low ± SE", "Δ high ± SE",
                   f"Δ lead (months) in {scenario}, low / high"]
    header.append("swing")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in result.rows:
        p = row.pert
        cells = [f"`{p.name}`", f"{fmt_num(p.low)} / {fmt_num(p.default)} / {fmt_num(p.high)}", p.rule]
        for scenario, _ in CONCLUSIONS:
            stats, base = row.stats[scenario], result.base[scenario]
            cells += [_p_cell(stats.get("low"), base), _p_cell(stats.get("high"), base),
                      _d_cell(stats.get("low")), _d_cell(stats.get("high")),
                      " / ".join(_lead_cell(stats.get(side)) for side in SIDES)]
        cells.append(f"{row.max_swing:.3f}")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _setting(row: Row, side: str, stat: SideStat) -> str:
    value = getattr(row.pert, side)
    return f"`{row.pert.name}` = {fmt_num(value)} ({side}; P = {stat.p:.2f} [{stat.ci[0]:.2f}, {stat.ci[1]:.2f}])"


def robustness_paragraph(result: Result) -> str:
    """Which parameters can flip each conclusion, and which conclusions are robust (Markdown).

    A conclusion holds while its probability is at least :data:`FLIP_THRESHOLD`. A setting *flips* it when the
    point estimate crosses the threshold; "clearly" when the whole Wilson interval lies beyond it.

    Args:
        result: A :class:`Result`.

    Returns:
        One bullet per conclusion, then a line on parameters that change neither probability.

    """
    n_settings = sum(len(r.stats[CONCLUSIONS[0][0]]) for r in result.rows)
    lines = []
    robust = []
    for scenario, outcome in CONCLUSIONS:
        base = result.base[scenario]
        claim = f"P({outcome}) in `{scenario}` ≥ {FLIP_THRESHOLD:g}"
        holds = base.p >= FLIP_THRESHOLD
        flips = [(row, side, stat) for row in result.rows for side, stat in row.stats[scenario].items()
                 if (stat.p >= FLIP_THRESHOLD) != holds]
        every = [(row, side, stat) for row in result.rows for side, stat in row.stats[scenario].items()]
        extreme = min(every, key=lambda t: t[2].p) if holds else max(every, key=lambda t: t[2].p)
        head = f"- **{claim}** (defaults: {base.p:.3f} [{base.ci[0]:.2f}, {base.ci[1]:.2f}]): "
        if not holds:
            head += "does not hold at the defaults, so there is nothing to be robust; "
            if flips:
                head += f"{len(flips)} setting(s) lift it to ≥ {FLIP_THRESHOLD:g}: "
                head += "; ".join(_setting(*t) for t in flips) + "."
            else:
                head += f"no one-at-a-time change lifts it to {FLIP_THRESHOLD:g} (highest: {_setting(*extreme)})."
            lines.append(head)
            continue
        # Settings that keep the point estimate on the right side but whose interval reaches the threshold.
        close = [t for t in every if t not in flips and t[2].ci[0] <= FLIP_THRESHOLD]
        close_text = ""
        if close:
            close_text = (f" Close calls (P ≥ {FLIP_THRESHOLD:g} but {FLIP_THRESHOLD:g} inside the 95% interval): "
                          + "; ".join(_setting(*t) for t in close) + ".")
        if not flips:
            robust.append(claim)
            lines.append(head + f"**robust**: it holds at all {n_settings} one-at-a-time settings (lowest: "
                         f"{_setting(*extreme)})." + close_text)
            continue
        clear = [t for t in flips if t[2].ci[1] < FLIP_THRESHOLD]
        names = sorted({t[0].pert.name for t in flips})
        text = (f"**not robust**: {len(flips)} of {n_settings} settings ({len(names)} parameter(s)) push it below "
                f"{FLIP_THRESHOLD:g}, {len(clear)} of them clearly (whole 95% interval below): ")
        text += "; ".join(_setting(*t) + (" clearly" if t in clear else "") for t in flips) + "."
        lines.append(head + text + close_text)
    inert = [r.pert.name for r in result.rows
             if all(s.delta == 0 and s.se == 0 for st in r.stats.values() for s in st.values())]
    lines.append("")
    lines.append(f"Robust conclusions (hold at every one-at-a-time setting): {', '.join(robust)}." if robust else
                 "No conclusion holds at every one-at-a-time setting.")
    if inert:
        lines.append("")
        lines.append(f"{len(inert)} of {len(result.rows)} parameters move no run across an outcome threshold, at "
                     "either end and in either scenario: " + ", ".join(f"`{n}`" for n in sorted(inert)) + ".")
    return "\n".join(lines)


def plot(result: Result, path: Path, top: int = TOP_N) -> Path:
    """Draw the two-panel tornado chart (PNG) and return its path.

    Each panel shows up to ``top`` parameters with the largest swing of that probability (parameters that move
    no run are left out and counted in the panel): a bar from the default's value to the value at the low
    setting (blue) and at the high setting (orange), with whiskers of +/- 1.96 paired standard errors, the
    default (solid line) with its Wilson 95% band, and the 0.5 threshold (dashed).

    Args:
        result: A :class:`Result`.
        path: Where to write the PNG; parent folders are created.
        top: Parameters per panel.

    Returns:
        ``path``.

    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    moving = {sc: [r for r in result.rows if r.swing(sc) > 0] for sc, _ in CONCLUSIONS}
    n_rows = max(1, min(top, max(len(m) for m in moving.values())))
    fig, axes = plt.subplots(1, len(CONCLUSIONS), figsize=(16, 1.2 + 0.42 * max(n_rows, 4)), dpi=110)
    colours = {"low": "#3b6fb6", "high": "#e07b39"}
    for ax, (scenario, outcome) in zip(np.atleast_1d(axes), CONCLUSIONS, strict=True):
        base = result.base[scenario]
        rows = sorted(moving[scenario], key=lambda r, sc=scenario: r.sort_key(sc))[:n_rows]
        xs = [base.p, FLIP_THRESHOLD]
        labels = []
        for i, row in enumerate(rows):
            y = n_rows - 1 - i
            for side, offset in (("low", 0.2), ("high", -0.2)):
                stat = row.stats[scenario].get(side)
                if stat is None:
                    continue
                ax.barh(y + offset, stat.p - base.p, left=base.p, height=0.38, color=colours[side])
                ax.plot([stat.p], [y + offset], marker="|", ms=9, mew=2, color=colours[side])  # shows a zero bar
                ax.errorbar(stat.p, y + offset, xerr=Z95 * stat.se, color="#333333", lw=0.8, capsize=2)
                xs += [stat.p - Z95 * stat.se, stat.p + Z95 * stat.se]
            p = row.pert
            labels.append((y, f"{p.name}  ({fmt_num(p.low)} | {fmt_num(p.high)})"))
        ax.axvspan(*base.ci, color="#e4e4e4", lw=0, zorder=0)
        still = len(result.rows) - len(moving[scenario])
        ax.axvline(base.p, color="black", lw=1.2)
        ax.axvline(FLIP_THRESHOLD, color="#c0392b", lw=1.0, ls="--")
        ax.set_yticks([y for y, _ in labels], [t for _, t in labels], fontsize=9)
        ax.set_ylim(-0.7, n_rows - 0.3)
        pad = 0.03
        ax.set_xlim(max(0.0, min(xs) - pad), min(1.0, max(xs) + pad))
        ax.set_xlabel(f"P({outcome}) in {scenario} (share of {len(result.seeds)} runs)"
                      + f"\nshown: the {len(rows)} largest of {len(moving[scenario])} parameters that move a run"
                      + (f"; {still} move none" if still else ""))
        ax.set_title(f"P({outcome}) in {scenario}: default {base.p:.3f}", fontsize=11)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
    handles = [Patch(color=colours["low"], label=f"low (default x {LOW_FACTOR:g})"),
               Patch(color=colours["high"], label=f"high (default x {HIGH_FACTOR:g})"),
               Patch(color="#e4e4e4", label="default, Wilson 95%"),
               plt.Line2D([], [], color="#c0392b", ls="--", label=f"threshold {FLIP_THRESHOLD:g}")]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=9)
    fig.suptitle(f"One-at-a-time sensitivity to illustrative parameters ({len(result.seeds)} common seeds; "
                 f"largest swings first; whiskers ±1.96 paired SE)", fontsize=12)
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def block_markdown(result: Result, command: str, image_link: str | None, n_illustrative: int) -> str:
    """The generated block of ``docs/model.md``: command, seeds, date, rule, chart, robustness paragraph, table.

    Args:
        result: A :class:`Result`.
        command: The one-line command that regenerates the block.
        image_link: Path of the chart relative to the document, or ``None`` for no image.
        n_illustrative: Number of illustrative parameters in :class:`Parameters` (to say if a subset ran).

    Returns:
        Markdown, without the markers.

    """
    seeds = result.seeds
    subset = (f"All {n_illustrative} illustrative parameters" if len(result.rows) == n_illustrative else
              f"A subset of {len(result.rows)} of the {n_illustrative} illustrative parameters")
    parts = [
        f"Generated by `{command}` on {datetime.date.today().isoformat()} (wargame {wargame.__version__}): "
        f"seeds {seeds[0]}–{seeds[-1]} ({len(seeds)} runs per setting, the same seeds for every setting), "
        f"{result.runs:,} runs in {result.seconds:.0f} s on {result.jobs} process(es). Do not edit by hand.",
        f"{subset} (fields of `Parameters` whose source starts with \"illustrative\", §8.1) are set, one "
        "at a time, to a low and a high value in both `tight_controls` and "
        f"`loopholes`; all else stays at the scenario's values. Rule: low = default × {LOW_FACTOR:g}, high = "
        f"default × {HIGH_FACTOR:g} (a default of 0 moves by −/+ {RANGE_SHARE:.0%} of the allowed range); values "
        "are clipped to the allowed range (an open bound is replaced by the midpoint between it and the "
        "default); integers are rounded away from the default; a side equal to the default is skipped (—). "
        "P is the share of runs ending in the class, with its Wilson 95% interval; Δ is the paired difference "
        "from the defaults over the same seeds (share of runs) ± its standard error, and Δ lead the same for the "
        "final lead in months; the swing is the largest |Δ| of P in a row. A probability in bold has crossed "
        f"{FLIP_THRESHOLD:g} relative to the defaults.",
    ]
    if image_link:
        parts.append(f"![One-at-a-time sensitivity of P(S1) in tight_controls and P(S2) in loopholes]"
                     f"({image_link})")
    parts += [robustness_paragraph(result), markdown_table(result)]
    return "\n\n".join(parts)


def splice(text: str, body: str) -> str:
    """Replace what lies between the TORNADO markers of a document, and nothing else.

    Args:
        text: The document.
        body: The new block content (without markers).

    Returns:
        The updated document.

    Raises:
        ValueError: If the markers are missing, repeated or out of order.

    """
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"the document needs exactly one '{BEGIN}' followed by one '{END}'")
    pattern = re.compile(re.escape(BEGIN) + r"\n?(.*?)" + re.escape(END), re.S)
    return pattern.sub(lambda _m: f"{BEGIN}\n\n{body}\n\n{END}", text, count=1)


def _command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python tools/tornado_chart.py", f"--seeds {args.seeds}", f"--jobs {args.jobs}"]
    if args.only:
        parts.append(f"--only {args.only}")
    if args.write:
        doc = Path(args.write)
        try:
            doc = doc.resolve().relative_to(ROOT)
        except ValueError:
            pass
        parts.append(f"--write {doc.as_posix()}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="number of common seeds, 0..N-1 (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2; 1 = no pool)")
    parser.add_argument("--only", default="", help="comma-separated illustrative parameters to run (default: all)")
    parser.add_argument("--write", metavar="DOC", help="write the chart to DOC's folder/img/tornado.png and the "
                                                      "table into DOC between the TORNADO markers")
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be at least 2 (a standard error needs two runs)")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    every = illustrative_parameters()
    names = every
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in every]
        if unknown:
            parser.error(f"not illustrative parameters: {', '.join(unknown)}; choose from {', '.join(every)}")
    doc = Path(args.write) if args.write else None
    text = None
    if doc is not None:
        try:
            text = doc.read_text(encoding="utf-8")
            splice(text, "")
        except (OSError, ValueError) as exc:
            print(f"{doc}: {exc}", file=sys.stderr)
            return 2
    scenario_diffs = [f"{sc}.{n}" for sc, _ in CONCLUSIONS for n in names
                      if getattr(_scenario(sc).parameters, n) != Parameters.model_fields[n].default]
    if scenario_diffs:
        print(f"note: these scenarios set a value other than the field default (the rows still use the default's "
              f"x{LOW_FACTOR:g}/x{HIGH_FACTOR:g}): {', '.join(scenario_diffs)}", file=sys.stderr)
    n_settings = sum((perturbation(n).low is not None) + (perturbation(n).high is not None) for n in names)
    print(f"{len(names)} illustrative parameter(s), {n_settings} settings + defaults, x {len(CONCLUSIONS)} "
          f"scenarios x {args.seeds} seeds = {(n_settings + 1) * len(CONCLUSIONS) * args.seeds:,} runs on "
          f"{args.jobs} process(es)", file=sys.stderr)
    result = run_tornado(names, range(args.seeds), args.jobs,
                         progress=lambda line: print(line, file=sys.stderr, flush=True))
    for scenario, outcome in CONCLUSIONS:
        b = result.base[scenario]
        print(f"defaults: P({outcome}) in {scenario} = {b.p:.3f} [{b.ci[0]:.3f}, {b.ci[1]:.3f}]")
    print()
    print(markdown_table(result))
    print()
    print(robustness_paragraph(result))
    print(f"\n{result.runs:,} runs in {result.seconds:.1f} s on {result.jobs} process(es) "
          f"({1000 * result.seconds * result.jobs / result.runs:.1f} ms per run per process)")
    if doc is not None and text is not None:
        image = doc.parent / "img" / "tornado.png"
        plot(result, image)
        link = os.path.relpath(image, doc.parent).replace(os.sep, "/")
        body = block_markdown(result, _command(args), link, len(every))
        current = doc.read_text(encoding="utf-8")  # re-read: others may have edited other blocks meanwhile
        doc.write_text(splice(current, body), encoding="utf-8")
        print(f"{doc}: tornado block updated; chart in {image}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
