"""Scenario discovery with PRIM: which ranges of a batch's swept factors lead to an outcome class.

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in high-dimensional data",
Statistics and Computing 9), looks for a box, a range on each of a few input factors, inside which a
case of interest is much more frequent than overall. It starts from the box holding every run and *peels*:
each step cuts a small slice (``peel_alpha``, 5%) off one side of one factor, the slice whose removal raises
the share of cases of interest most per run removed, until the box holds too few runs (``mass_min``, 5%)
or no cut helps; it then *pastes* back slices that raise that share again. Each step is a candidate box,
and the sequence is the *peeling trajectory*. Bryant & Lempert (2010, "Thinking inside the box: a
participatory, computer-assisted approach to scenario discovery", Technological Forecasting and Social
Change 77(1)) use it for scenario discovery, with three measures of a box:

* **coverage**: the share of all cases of interest that fall inside the box (how much of the outcome
  the box explains);
* **density**: the share of the runs inside the box that are cases of interest (how reliably the box
  leads to the outcome);
* **mass**: the share of all runs that fall inside the box (how much of the swept space it spans).

Peeling trades coverage for density: the trajectory starts at coverage 1 and density equal to the base rate
and moves towards small, dense boxes. Bryant & Lempert leave the choice of a box to the analyst; here it is
deterministic (:func:`choose_step`): the box of highest coverage among those with density at least
``threshold`` (ties: fewer restricted factors, then the earlier step). If no box reaches the threshold, the
densest box is chosen and flagged (``meets_threshold`` False).

The PRIM itself is EMA Workbench's (Kwakkel 2017, "The Exploratory Modeling Workbench: an open source
toolkit for exploratory modeling, scenario discovery, and (multi-objective) robust decision making",
Environmental Modelling & Software 96), :class:`ema_workbench.analysis.prim.Prim` with its default lenient
objective (the gain in density divided by the runs removed), peel and paste alpha 0.05 and minimum mass
0.05. Its per-restriction quasi-p values (Bryant & Lempert 2010, a one-sided binomial test of whether the
restriction raises the density only by chance) are reported with the limits.

The cases: every successful run (``status == "ok"``) of the batch is one case, its replications included;
the case is of interest when the run's ``outcome`` is the chosen class (``S1``, ``S2`` or ``contested``).
The factors: the ``scenario`` column and every parameter column of the design
(:func:`wargame.batch.design.parameter_columns`). A factor with a single value over those runs (a fixed
override, or the scenario of a one-scenario batch) cannot be restricted and is left out, reported in
:attr:`Discovery.fixed`. Numeric factors (integers included) are real numbers to PRIM; on factors with few
levels (a grid) a peel falls midway between two levels. Text and boolean factors, and the scenario, are
categorical: PRIM keeps a subset of their levels.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wargame.batch.design import parameter_columns
from wargame.batch.report import OUTCOMES, BatchData

#: Default density threshold of the chosen box: illustrative, a box where at least 4 in 5 runs end in the
#: outcome.
DEFAULT_THRESHOLD = 0.8
#: Default number of boxes (PRIM's covering: each further box is sought among the runs outside the earlier
#: ones).
DEFAULT_MAX_BOXES = 1
#: Name of EMA Workbench's root logger (``ema_workbench.util.ema_logging.LOGGER_NAME``).
EMA_LOGGER = "EMA"


class DiscoveryError(ValueError):
    """The batch cannot be analysed as asked (unknown outcome, no swept factor, outcome never or always...)."""


@dataclass(frozen=True)
class Discovery:
    """Result of :func:`discover`: the peeling trajectory and the chosen boxes, as DataFrames.

    Attributes:
        outcome: The outcome class whose runs are the cases of interest.
        threshold: The density threshold of the chosen boxes (share, in (0, 1]).
        n_runs: Successful runs analysed (the cases).
        n_interest: Of them, the runs that ended in ``outcome``.
        n_failed: Runs left out because they failed.
        factors: The factors given to PRIM, in design order.
        fixed: The factors left out because they take one value over the runs, with that value.
        trajectory: One row per box and step: ``box`` (1, 2, ...), ``step`` (0 = every run still in),
            ``phase`` (``start``, ``peel`` or ``paste``), ``coverage``, ``density``, ``mass`` (shares in
            [0, 1]), ``n_runs`` and ``n_interest`` (runs in the box, and of them cases of interest),
            ``res_dim`` (restricted factors), ``restricted`` (their names, comma-separated) and ``chosen``.
        boxes: One row per chosen box: ``box, step, coverage, density, mass, n_runs, n_interest, res_dim,
            meets_threshold``.
        limits: One row per restricted factor of each chosen box: ``box, factor, kind`` (``numeric`` or
            ``categorical``); for a numeric factor ``box_low, box_high`` (the box's range, in the factor's
            unit) and ``full_low, full_high`` (the lowest and highest value over the runs); for a
            categorical one ``box_values`` and ``all_values`` (levels, comma-separated); ``qp_lower`` and
            ``qp_upper``, the quasi-p values of the lower and upper limit (NaN for a side left
            unrestricted; a categorical factor's is in ``qp_lower``).

    A later box is sought among the runs outside the earlier boxes: its ``n_runs``, ``n_interest`` and
    ``density`` count only those runs, while its ``coverage`` and ``mass`` are shares of all the cases of
    interest and of all the runs.

    """

    outcome: str
    threshold: float
    n_runs: int
    n_interest: int
    n_failed: int
    factors: list[str]
    fixed: dict[str, Any]
    trajectory: pd.DataFrame
    boxes: pd.DataFrame
    limits: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """The chosen boxes as one flat table (what ``wargame discover --out`` writes).

        Returns:
            One row per restricted factor of each box (a box that restricts nothing has one row with an
            empty ``factor``): the columns of :attr:`boxes` followed by those of :attr:`limits`.

        """
        return self.boxes.merge(self.limits, on="box", how="left")


def choose_step(trajectory: pd.DataFrame, threshold: float) -> tuple[int, bool]:
    """Pick one box on a peeling trajectory.

    The rule: among the steps with ``density >= threshold``, the one with the highest coverage; ties go to
    fewer restricted factors, then to the earlier step. If no step reaches the threshold, the densest step
    (ties: higher coverage, then the earlier step).

    Args:
        trajectory: The steps of one box, with columns ``coverage``, ``density`` and ``res_dim``; the
            position of a row is its step.
        threshold: Density threshold, a share in (0, 1].

    Returns:
        ``(step, meets_threshold)``: the position of the chosen row, and whether it reaches the threshold.

    """
    steps = trajectory.reset_index(drop=True).assign(step=np.arange(len(trajectory)))
    meets = steps[steps["density"] >= threshold]
    if not meets.empty:
        best = meets.sort_values(["coverage", "res_dim", "step"], ascending=[False, True, True])
        return int(best["step"].iloc[0]), True
    best = steps.sort_values(["density", "coverage", "step"], ascending=[False, False, True])
    return int(best["step"].iloc[0]), False


def _check_outcome(outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise DiscoveryError(f"unknown outcome {outcome!r}; allowed: {', '.join(OUTCOMES)}")


def _check_options(threshold: float, max_boxes: int) -> None:
    if not (isinstance(threshold, int | float) and math.isfinite(threshold) and 0 < threshold <= 1):
        raise DiscoveryError(f"threshold must be a share in (0, 1], got {threshold!r}")
    if not isinstance(max_boxes, int) or isinstance(max_boxes, bool) or max_boxes < 1:
        raise DiscoveryError(f"max_boxes must be a positive integer, got {max_boxes!r}")


def _level_text(value: Any) -> str:
    """A categorical level as text: booleans as ``true``/``false`` (as in TOML and ``--set``)."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return str(value)


def _factor_table(runs: pd.DataFrame, factors: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str], dict[str, Any]]:
    """The factors of the runs as PRIM's input.

    Returns:
        ``(x, kinds, fixed)``: ``x`` has one row per run and one column per varying factor (float64 for a
        numeric factor, categorical of text levels otherwise); ``kinds`` maps each to ``numeric`` or
        ``categorical``; ``fixed`` maps each single-valued factor to its value.

    """
    columns: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    fixed: dict[str, Any] = {}
    for name in factors:
        col = runs[name]
        if col.nunique(dropna=False) <= 1:
            value = col.iloc[0] if len(col) else None
            fixed[name] = value.item() if isinstance(value, np.generic) else value
        elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            columns[name] = col.astype("float64")
            kinds[name] = "numeric"
        else:
            columns[name] = col.map(_level_text).astype("category")
            kinds[name] = "categorical"
    return pd.DataFrame(columns).reset_index(drop=True), kinds, fixed


@contextlib.contextmanager
def _quiet_ema() -> Iterator[None]:
    """Keep EMA Workbench's INFO/DEBUG logging and its internal warnings out of the output.

    EMA logs progress at INFO under the ``EMA`` logger; its warnings here are pandas deprecations raised
    inside it. Warnings and errors it logs still reach the handlers (stderr by default).
    """
    logger = logging.getLogger(EMA_LOGGER)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _import_prim() -> Any:
    """Import EMA Workbench's PRIM without its import-time side effects.

    Importing it warns about optional packages (ipyparallel, altair) and sets seaborn's palette as
    matplotlib's default colour cycle; the warnings are hidden and the matplotlib settings restored.
    """
    import matplotlib

    with _quiet_ema(), matplotlib.rc_context():
        from ema_workbench.analysis import prim
    return prim


def _restricted(lims: pd.DataFrame, init: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Internal names of the factors whose limits in ``lims`` differ from the full box ``init``."""
    return [n for n in names if lims.loc[0, n] != init.loc[0, n] or lims.loc[1, n] != init.loc[1, n]]


def _qp(value: float) -> float:
    """EMA writes -1 for the quasi-p value of an unrestricted side: NaN here."""
    return float("nan") if value is None or value < 0 else float(value)


def discover_runs(runs: pd.DataFrame, factors: Sequence[str], outcome: str = "S2",
                  threshold: float = DEFAULT_THRESHOLD, max_boxes: int = DEFAULT_MAX_BOXES) -> Discovery:
    """Run PRIM over a table of runs: the boxes of factor ranges where ``outcome`` is frequent.

    Args:
        runs: One row per run, as :meth:`wargame.batch.results.BatchResult.runs`, with at least ``status``,
            ``outcome`` and the ``factors`` columns; only the rows with ``status == "ok"`` are analysed, in
            the table's order.
        factors: The candidate factor columns (single-valued ones are left out, see :attr:`Discovery.fixed`).
        outcome: ``S1``, ``S2`` or ``contested``: runs ending in it are the cases of interest.
        threshold: Density threshold of a chosen box, a share in (0, 1] (see :func:`choose_step`).
        max_boxes: At most this many boxes; each further one is sought among the runs outside the earlier
            ones, and the search stops early when none of those runs is a case of interest or PRIM
            restricts no factor.

    Returns:
        A :class:`Discovery`.

    Raises:
        DiscoveryError: On an unknown outcome, a threshold outside (0, 1], no successful run, no factor
            that varies, or an outcome that no run or every run reached.

    """
    _check_outcome(outcome)
    _check_options(threshold, max_boxes)
    ok = runs[runs["status"] == "ok"]
    n_failed = len(runs) - len(ok)
    if ok.empty:
        raise DiscoveryError(f"no successful run to analyse ({n_failed} failed); see the 'error' column")
    x, kinds, fixed = _factor_table(ok, factors)
    if x.empty:
        held = ", ".join(f"{k} = {_level_text(v)}" for k, v in fixed.items()) or "none"
        raise DiscoveryError(f"no swept factor: every factor has one value over the {len(ok)} successful runs "
                             f"({held}); run a batch that varies some, with --set KEY=V1,V2 or --sweep FILE "
                             "--lhs N")
    y = (ok["outcome"] == outcome).to_numpy(dtype=np.int64)
    n_interest = int(y.sum())
    if n_interest == 0:
        raise DiscoveryError(f"no successful run ended in {outcome} (of {len(ok)}), so there is nothing to "
                             "find; choose another outcome")
    if n_interest == len(ok):
        raise DiscoveryError(f"every successful run ({len(ok)}) ended in {outcome}, so no range of the factors "
                             "separates it; choose another outcome")
    names = list(x.columns)
    internal = [f"f{i}" for i in range(len(names))]  # EMA drops a column called "scenario": neutral names
    label = dict(zip(internal, names, strict=True))
    prim = _import_prim()
    with _quiet_ema():
        alg = prim.Prim(x.set_axis(internal, axis=1), y)
        traj_rows: list[pd.DataFrame] = []
        box_rows: list[dict[str, Any]] = []
        limit_rows: list[dict[str, Any]] = []
        for number in range(1, max_boxes + 1):
            box = alg.find_box()
            if box is None:
                break
            pt = box.peeling_trajectory.reset_index(drop=True)
            if number > 1 and int(pt.loc[0, "k"]) == 0:
                break
            step, meets = choose_step(pt, threshold)
            init = box.box_lims[0]
            restricted = [_restricted(lims, init, internal) for lims in box.box_lims]
            if number > 1 and not restricted[step]:
                break
            box.select(step)  # the runs of the chosen box are the ones taken out before the next box
            n = pt["n"].astype(int)
            phase = np.where(n.diff() < 0, "peel", "paste")
            phase[0] = "start"
            traj_rows.append(pd.DataFrame({
                "box": number, "step": np.arange(len(pt)), "phase": phase,
                "coverage": pt["coverage"].astype(float), "density": pt["density"].astype(float),
                "mass": pt["mass"].astype(float), "n_runs": n, "n_interest": pt["k"].astype(int),
                "res_dim": [len(r) for r in restricted],
                "restricted": [", ".join(label[f] for f in r) for r in restricted],
                "chosen": np.arange(len(pt)) == step}))
            row = pt.loc[step]
            box_rows.append({"box": number, "step": step, "coverage": float(row["coverage"]),
                             "density": float(row["density"]), "mass": float(row["mass"]),
                             "n_runs": int(row["n"]), "n_interest": int(row["k"]),
                             "res_dim": len(restricted[step]), "meets_threshold": meets})
            lims, qps = box.box_lims[step], box.p_values[step]
            for f in restricted[step]:
                qp = qps.get(f, [-1, -1])
                entry: dict[str, Any] = {"box": number, "factor": label[f], "kind": kinds[label[f]],
                                         "box_low": np.nan, "box_high": np.nan, "full_low": np.nan,
                                         "full_high": np.nan, "box_values": None, "all_values": None,
                                         "qp_lower": _qp(qp[0]), "qp_upper": _qp(qp[1])}
                if kinds[label[f]] == "numeric":
                    entry.update(box_low=float(lims.loc[0, f]), box_high=float(lims.loc[1, f]),
                                 full_low=float(init.loc[0, f]), full_high=float(init.loc[1, f]))
                else:
                    entry.update(box_values=", ".join(sorted(lims.loc[0, f])),
                                 all_values=", ".join(sorted(init.loc[0, f])))
                limit_rows.append(entry)
    limit_columns = ["box", "factor", "kind", "box_low", "box_high", "full_low", "full_high", "box_values",
                     "all_values", "qp_lower", "qp_upper"]
    return Discovery(outcome=outcome, threshold=float(threshold), n_runs=len(ok), n_interest=n_interest,
                     n_failed=n_failed, factors=names, fixed=fixed,
                     trajectory=pd.concat(traj_rows, ignore_index=True), boxes=pd.DataFrame(box_rows),
                     limits=pd.DataFrame(limit_rows, columns=limit_columns))


def discover(result: BatchData, outcome: str = "S2", threshold: float = DEFAULT_THRESHOLD,
             max_boxes: int = DEFAULT_MAX_BOXES) -> Discovery:
    """Scenario discovery over a batch: PRIM boxes of the swept factors where ``outcome`` is frequent.

    Args:
        result: A batch, e.g. a :class:`wargame.batch.results.BatchResult` (any design: grid, LHS, Sobol,
            Morris; an unfinished batch is analysed on the runs it has).
        outcome: ``S1``, ``S2`` or ``contested``.
        threshold: Density threshold of a chosen box, a share in (0, 1] (see :func:`choose_step`).
        max_boxes: At most this many boxes (see :func:`discover_runs`).

    Returns:
        A :class:`Discovery`. Its factors are the batch's ``scenario`` column and its swept parameters.

    Raises:
        DiscoveryError: As :func:`discover_runs`; the message starts with the batch folder.

    """
    _check_outcome(outcome)
    _check_options(threshold, max_boxes)
    factors = ["scenario", *parameter_columns(result.design())]
    try:
        return discover_runs(result.runs(), factors, outcome=outcome, threshold=threshold, max_boxes=max_boxes)
    except DiscoveryError as exc:
        raise DiscoveryError(f"{result.path}: {exc}") from None


# --------------------------------------------------------------------------------------------------
# Output: the printed table and the trajectory chart
# --------------------------------------------------------------------------------------------------


def plain(text: Any) -> str:
    """Text from a batch folder (factor names, levels) made safe to print: control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))


def _num(value: float) -> str:
    return f"{value:.4g}"


def _range_text(row: pd.Series, box: bool) -> str:
    if row["kind"] == "numeric":
        low, high = (row["box_low"], row["box_high"]) if box else (row["full_low"], row["full_high"])
        return f"{_num(low)} to {_num(high)}"
    return plain(row["box_values"] if box else row["all_values"])


def format_discovery(found: Discovery) -> str:
    """The chosen boxes in plain words: coverage, density and mass, then a table of the restricted factors.

    Args:
        found: Output of :func:`discover`.

    Returns:
        Lines of text (no trailing newline); each restricted factor is a row ``factor, box range, full range,
        quasi-p`` (the larger quasi-p value of its restricted sides).

    """
    share = found.n_interest / found.n_runs
    lines = [f"PRIM scenario discovery of {found.outcome}: {found.n_interest} of {found.n_runs} successful runs "
             f"({share:.1%}) ended in {found.outcome}"
             + (f"; {found.n_failed} failed run(s) left out" if found.n_failed else "") + ".",
             "factors: " + ", ".join(plain(f) for f in found.factors)]
    if found.fixed:
        lines.append("fixed (one value, left out): "
                     + ", ".join(f"{plain(k)} = {plain(_level_text(v))}" for k, v in found.fixed.items()))
    for b in found.boxes.itertuples(index=False):
        steps = int((found.trajectory["box"] == b.box).sum()) - 1
        status = (f"density threshold {found.threshold:g} met" if b.meets_threshold
                  else f"no box reaches density {found.threshold:g}; the densest is shown")
        lines += ["", f"box {b.box} (step {b.step} of {steps} on the peeling trajectory; {status})",
                  f"  coverage {b.coverage:.3f}: {b.n_interest} of the {found.n_interest} {found.outcome} runs "
                  "fall inside the box" + (" (runs outside the earlier boxes)" if b.box > 1 else ""),
                  f"  density  {b.density:.3f}: {b.n_interest} of the {b.n_runs} runs inside the box ended in "
                  f"{found.outcome}",
                  f"  mass     {b.mass:.3f}: the box holds {b.mass:.1%} of the {found.n_runs} runs"]
        rows = found.limits[found.limits["box"] == b.box]
        if rows.empty:
            lines.append("  it restricts no factor: the whole swept space reaches the threshold")
            continue
        table = [("factor", "box range", "full range", "quasi-p")]
        table += [(plain(r["factor"]), _range_text(r, True), _range_text(r, False),
                   f"{np.nanmax([r['qp_lower'], r['qp_upper']]):.1g}") for _, r in rows.iterrows()]
        widths = [max(len(cells[i]) for cells in table) for i in range(4)]
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
                  for cells in table]
    return "\n".join(lines)


def trajectory_chart(found: Discovery, path: str | Path) -> Path:
    """Chart of the peeling trajectory: density against coverage per step, the chosen boxes marked.

    Args:
        found: Output of :func:`discover`.
        path: PNG file to write.

    Returns:
        The path.

    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    path = Path(path)
    traj = found.trajectory
    fig, ax = plt.subplots(figsize=(6.8, 5.6))
    cmap = plt.get_cmap("viridis", int(traj["res_dim"].max()) + 1)
    points = None
    for number, steps in traj.groupby("box", sort=True):
        ax.plot(steps["coverage"], steps["density"], color="0.6", lw=0.8, zorder=1)
        points = ax.scatter(steps["coverage"], steps["density"], c=steps["res_dim"], cmap=cmap,
                            vmin=-0.5, vmax=cmap.N - 0.5, s=22, zorder=2)
        chosen = steps[steps["chosen"]].iloc[0]
        ax.scatter([chosen["coverage"]], [chosen["density"]], s=170, facecolors="none", edgecolors="tab:red",
                   linewidths=2, zorder=3, label="chosen box" if number == 1 else None)
        right = chosen["coverage"] < 0.5  # label on the side with room inside the axes
        ax.annotate(f"box {number}: coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}",
                    (chosen["coverage"], chosen["density"]), xytext=(10 if right else -10, -18),
                    textcoords="offset points", ha="left" if right else "right", fontsize=8, color="tab:red",
                    parse_math=False)
    ax.axhline(found.threshold, color="tab:red", ls="--", lw=0.9, label=f"density threshold {found.threshold:g}")
    cbar = fig.colorbar(points, ax=ax, ticks=range(cmap.N))
    cbar.set_label("restricted factors")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"coverage (share of the {found.outcome} runs inside the box)")
    ax.set_ylabel(f"density (share of the runs in the box that ended in {found.outcome})")
    ax.set_title(f"PRIM peeling trajectory, outcome {found.outcome} ({found.n_interest} of {found.n_runs} runs)",
                 fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------------


def _error(message: Any) -> int:
    print(f"wargame discover: error: {message}", file=sys.stderr)
    return 2


def cmd_discover(args: argparse.Namespace) -> int:
    """Handler of ``wargame discover``: exit 0 done, 2 bad input (one line on stderr), 130 interrupted."""
    try:
        return _discover_command(args)
    except KeyboardInterrupt:
        print("\ninterrupted; the batch folder is unchanged (discover only reads it).", file=sys.stderr)
        return 130


def _discover_command(args: argparse.Namespace) -> int:
    from wargame.batch.results import load_results
    from wargame.batch.store import StoreError
    from wargame.cli_args import check_output_path

    if args.outcome not in OUTCOMES:
        return _error(f"--outcome {args.outcome!r}: allowed {', '.join(OUTCOMES)}")
    try:
        threshold = float(args.threshold)
    except ValueError:
        threshold = float("nan")
    if not (math.isfinite(threshold) and 0 < threshold <= 1):
        return _error(f"--threshold {args.threshold!r}: allowed a share greater than 0 and at most 1, e.g. 0.8")
    try:
        boxes = int(args.boxes)
    except ValueError:
        boxes = 0
    if boxes < 1:
        return _error(f"--boxes {args.boxes!r}: allowed a positive integer")
    try:
        chart = check_output_path(args.chart, (".png",), "--chart") if args.chart else None
        out = check_output_path(args.out, (".csv",), "--out") if args.out else None
        result = load_results(args.dir)
        found = discover(result, outcome=args.outcome, threshold=threshold, max_boxes=boxes)
    except (StoreError, DiscoveryError, ValueError) as exc:
        return _error(exc)
    n_planned = int(result.manifest.get("n_runs", 0))
    n_done = found.n_runs + found.n_failed
    if n_done < n_planned:
        print(f"note: batch incomplete ({n_done} of {n_planned} runs); re-run its 'wargame batch' command to "
              "finish it", file=sys.stderr)
    print(format_discovery(found))
    if out is not None:
        found.table().to_csv(out, index=False)
        print(f"boxes: {out}")
    if chart is not None:
        trajectory_chart(found, chart)
        print(f"chart: {chart}")
    return 0
