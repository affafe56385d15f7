"""Reports of a batch: outcome probabilities with Wilson intervals, lead bands and fan charts.

``wargame report DIR`` writes, into ``DIR/report/`` (or ``--out``):

* ``summary.csv``: per scenario x sample, the parameter values, run counts (``n_runs``, ``n_ok``,
  ``n_error``) and ``p_S1``, ``p_S2``, ``p_contested`` with Wilson 95% bounds (``*_lo``, ``*_hi``), plus
  the median final lead (months) and the mean incidents and safety share;
* ``scores.csv``: per scenario x sample x seat, the mean final score (points) over the successful runs
  with its standard error (``n``, ``mean``, ``se``);
* ``lead_bands.csv``: per scenario x sample x season, the median and 5/25/75/95% quantiles of the lead
  (months), with ``n`` the runs behind each season;
* ``fan_<scenario>.png`` (one per scenario; file names are made unique): fan charts of the lead (one
  panel per sample when there are at most six, else pooled over samples), and
  ``fan_compare.png`` overlaying scenarios when there are several.

The last two need the batch's time series, which are off by default (``wargame batch --timeseries``);
without them the report has the first two files and :func:`timeseries_note` says how to get the others.

Probabilities are over the runs that completed (``status == "ok"``); failed runs are counted apart.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from wargame.batch.design import parameter_columns
from wargame.batch.runner import SCORE_PREFIX
from wargame.batch.store import NO_TIMESERIES, ResultsStore

#: Outcome classes of a run, as in ``model.summary()["outcome"]``.
OUTCOMES = ("S1", "S2", "contested")
#: Two-sided 95% standard-normal quantile, Phi^-1(0.975).
Z95 = 1.959963984540054
#: Quantiles of the lead bands.
BAND_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Most samples drawn as separate fan-chart panels.
MAX_PANELS = 6


class BatchData(Protocol):
    """What the analyses read from a batch: the read side of :class:`wargame.batch.results.BatchResult`.

    :func:`write_report` and :func:`wargame.batch.sensitivity.analyze` take any object with these members,
    so this module and :mod:`wargame.batch.sensitivity` never import :mod:`wargame.batch.results` (which
    imports them): imports run one way.
    """

    store: ResultsStore

    @property
    def path(self) -> Path:
        """The results folder."""

    @property
    def manifest(self) -> dict[str, Any]:
        """The batch's manifest (``method``, ``problem``, ``seats``, ``thresholds``, ...)."""

    def design(self) -> pd.DataFrame:
        """The design: one row per planned run."""

    def runs(self) -> pd.DataFrame:
        """Completed runs: design columns, ``status``, ``outcome``, the metrics and the score columns."""

    def timeseries(self, variables: Iterable[str] | None = None) -> pd.DataFrame:
        """Long time series ``(run_id, season, variable, value)``, optionally only some variables."""

    def score_columns(self) -> list[str]:
        """The ``score_<seat id>`` columns of :meth:`runs`."""


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    ``centre = (p + z^2/2n) / (1 + z^2/n)``, ``half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)``
    with ``p = successes / n``. Unlike the Wald interval it stays inside [0, 1] and keeps close to its
    nominal coverage for small n and p near 0 or 1.

    Sources: E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22(158):209-212; R. G. Newcombe (1998), "Two-sided confidence intervals for the
    single proportion", Statistics in Medicine 17:857-872 (method 3); L. D. Brown, T. T. Cai and
    A. DasGupta (2001), "Interval estimation for a binomial proportion", Statistical Science 16(2).

    Args:
        successes: Number of successes k (0 <= k <= n).
        n: Number of trials.
        z: Standard-normal quantile (default: 95% two-sided).

    Returns:
        ``(low, high)`` as probabilities; ``(nan, nan)`` when ``n == 0``.

    """
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, n] (got {successes} of {n})")
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact bounds at the edges (no rounding)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def outcome_table(runs: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """Outcome probabilities per scenario x sample.

    Args:
        runs: Completed runs (design columns, ``status``, ``outcome`` and metrics), e.g.
            :meth:`wargame.batch.results.BatchResult.runs`.
        design: The design table (for the parameter values and the planned run counts).

    Returns:
        One row per scenario x sample with parameter values, ``n_planned``, ``n_runs``, ``n_ok``,
        ``n_error`` and ``p_<outcome>``, ``p_<outcome>_lo``, ``p_<outcome>_hi`` for S1, S2, contested,
        plus ``final_lead_median`` (months), ``incidents_mean`` and ``mean_safety_share_mean``.

    """
    params = parameter_columns(design)
    keys = ["scenario", "sample_id"]
    planned = design.groupby(keys, sort=True).size().rename("n_planned")
    samples = design.drop_duplicates(keys).set_index(keys)[params]
    rows = []
    grouped = {k: g for k, g in runs.groupby(keys, sort=True)} if not runs.empty else {}
    for key in planned.index:
        g = grouped.get(key)
        ok = g[g["status"] == "ok"] if g is not None else runs.iloc[0:0]
        n_ok = len(ok)
        row: dict[str, Any] = {"scenario": key[0], "sample_id": int(key[1]), **samples.loc[key].to_dict(),
                               "n_planned": int(planned.loc[key]),
                               "n_runs": 0 if g is None else len(g), "n_ok": n_ok,
                               "n_error": 0 if g is None else int((g["status"] != "ok").sum())}
        for o in OUTCOMES:
            k = int((ok["outcome"] == o).sum())
            lo, hi = wilson_interval(k, n_ok)
            row[f"p_{o}"] = k / n_ok if n_ok else math.nan
            row[f"p_{o}_lo"] = lo
            row[f"p_{o}_hi"] = hi
        row["final_lead_median"] = float(ok["final_lead_months"].median()) if n_ok else math.nan
        row["incidents_mean"] = float(ok["incidents"].mean()) if n_ok else math.nan
        row["mean_safety_share_mean"] = float(ok["mean_safety_share"].mean()) if n_ok else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def score_table(runs: pd.DataFrame, design: pd.DataFrame, scores: list[str],
                seats: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Mean final score per seat with its standard error, per scenario x sample.

    Args:
        runs: Completed runs with ``status`` and the ``score_<seat id>`` columns.
        design: The design table (for the scenario x sample groups, also those with no run yet).
        scores: The batch's score columns, in order.
        seats: Seat ids of each scenario (the manifest's ``seats``); without it every score column is
            listed for every scenario.

    Returns:
        Long table ``scenario, sample_id, seat, n, mean, se``: one row per seat of each scenario, in seat
        order. ``n`` counts the successful runs with a score; ``se`` is the sample standard deviation
        over ``sqrt(n)`` (NaN below two runs), ``mean`` is NaN without runs.

    """
    cols = ["scenario", "sample_id", "seat", "n", "mean", "se"]
    if not scores:
        return pd.DataFrame(columns=cols)
    keys = ["scenario", "sample_id"]
    ok = runs[runs["status"] == "ok"] if not runs.empty else runs
    grouped = {k: g for k, g in ok.groupby(keys, sort=True)} if not ok.empty else {}
    rows = []
    for key in design.groupby(keys, sort=True).size().index:
        scen = str(key[0])
        own = scores if seats is None or scen not in seats else [f"{SCORE_PREFIX}{s}" for s in seats[scen]]
        g = grouped.get(key)
        for col in own:
            values = (g[col].dropna().astype("float64") if g is not None and col in g.columns
                      else pd.Series([], dtype="float64"))
            n = len(values)
            rows.append({"scenario": scen, "sample_id": int(key[1]), "seat": col.removeprefix(SCORE_PREFIX),
                         "n": n, "mean": float(values.mean()) if n else math.nan,
                         "se": float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan})
    return pd.DataFrame(rows, columns=cols)


def lead_bands(lead_ts: pd.DataFrame, design: pd.DataFrame, by_sample: bool = True) -> pd.DataFrame:
    """Quantile bands of the lead per season.

    Args:
        lead_ts: Long time series rows with ``variable == "lead_months"`` (others are ignored).
        design: The design table.
        by_sample: Bands per scenario x sample (True) or pooled over samples per scenario (False,
            ``sample_id`` is then -1).

    Returns:
        Columns ``scenario, sample_id, season, n, q05, q25, median, q75, q95, mean`` (months).

    """
    cols = ["scenario", "sample_id", "season", "n", "q05", "q25", "median", "q75", "q95", "mean"]
    ts = lead_ts[lead_ts["variable"] == "lead_months"]
    if ts.empty:
        return pd.DataFrame(columns=cols)
    df = ts.merge(design[["run_id", "scenario", "sample_id"]], on="run_id", how="inner")
    if not by_sample:
        df = df.assign(sample_id=-1)
    g = df.groupby(["scenario", "sample_id", "season"], sort=True)["value"]
    q = g.quantile(list(BAND_QUANTILES)).unstack()
    q.columns = ["q05", "q25", "median", "q75", "q95"]
    out = pd.concat([g.size().rename("n"), q, g.mean().rename("mean")], axis=1).reset_index()
    return out[cols]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", name).strip("_") or "scenario"


def unique_file_stems(names: list[str]) -> dict[str, str]:
    """File-name-safe stems for scenario labels, distinct even where the safe forms would collide.

    Labels of older results folders may be paths (``/a/x.toml``, ``/b/x.toml``): the stem keeps the
    path's meaningful part and a collision gets ``-2``, ``-3``... appended, so no file overwrites another.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = _safe(name[:-5] if name.endswith(".toml") else name)
        stem, i = base, 1
        while stem.lower() in used:
            i += 1
            stem = f"{base}-{i}"
        used.add(stem.lower())
        out[name] = stem
    return out


def _season_ticks(ax: Any, seasons: list[str], max_labels: int = 6) -> None:
    """Label at most ``max_labels`` seasons, evenly spaced and ending on the last one, slanted."""
    x = np.arange(len(seasons))
    step = max(1, math.ceil(len(seasons) / max_labels))
    idx = x[::-1][::step][::-1]  # keep the last season (the horizon) labelled
    ax.set_xticks(idx, [seasons[i] for i in idx], rotation=30, ha="right", fontsize=8)
    ax.set_xlim(-0.3, len(seasons) - 0.7)


def _wrap(text: str, width_in: float, fontsize: float = 10) -> str:
    """Wrap a title to the figure width (about 1.9 * 72 / fontsize characters per inch)."""
    return textwrap.fill(text, width=max(20, int(width_in * 72 / (0.55 * fontsize))))


def _fan(ax: Any, band: pd.DataFrame, color: str = "C0", label: str | None = None) -> None:
    x = np.arange(len(band))
    ax.fill_between(x, band["q05"], band["q95"], color=color, alpha=0.18, lw=0,
                    label=None if label else "5-95%")
    ax.fill_between(x, band["q25"], band["q75"], color=color, alpha=0.35, lw=0,
                    label=None if label else "25-75%")
    ax.plot(x, band["median"], color=color, lw=2, label=label or "median")
    _season_ticks(ax, band["season"].tolist())


def _thresholds(ax: Any, thresholds: dict[str, float] | None) -> None:
    if not thresholds:
        return
    ax.axhline(thresholds["s1"], color="tab:green", ls="--", lw=1, label=f"S1 ≥ {thresholds['s1']:g}")
    ax.axhline(thresholds["s2"], color="tab:red", ls="--", lw=1, label=f"S2 ≤ {thresholds['s2']:g}")


def fan_charts(lead_ts: pd.DataFrame, design: pd.DataFrame, out: Path,
               thresholds: dict[str, dict[str, float]] | None = None) -> list[Path]:
    """Draw fan charts of the lead (months) per scenario, and a comparison when there are several.

    Args:
        lead_ts: Long time-series rows of ``lead_months``.
        design: The design table.
        out: Folder for the PNG files.
        thresholds: Per scenario, ``{"s1": months, "s2": months}`` outcome thresholds to draw.

    Returns:
        Paths of the PNG files written.

    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    thresholds = thresholds or {}
    params = parameter_columns(design)
    per_sample = lead_bands(lead_ts, design, by_sample=True)
    pooled = lead_bands(lead_ts, design, by_sample=False)
    paths: list[Path] = []
    stems = unique_file_stems([str(x) for x in dict.fromkeys(per_sample["scenario"])])
    for scen, bands in per_sample.groupby("scenario", sort=False):
        sample_ids = sorted(bands["sample_id"].unique())
        if len(sample_ids) <= MAX_PANELS:
            panels = [(s, bands[bands["sample_id"] == s]) for s in sample_ids]
        else:
            panels = [(-1, pooled[pooled["scenario"] == scen])]
        ncols = min(3, len(panels))
        nrows = -(-len(panels) // ncols)
        width = 5.6 * ncols
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, 3.3 * nrows + 0.9), squeeze=False,
                                 sharey=True, layout="constrained")
        for ax, (sid, band) in zip(axes.flat, panels, strict=False):
            _fan(ax, band.sort_values("season"))
            _thresholds(ax, thresholds.get(str(scen)))
            if sid == -1:
                title = f"all {len(sample_ids)} samples pooled"
            else:
                row = design[(design["scenario"] == scen) & (design["sample_id"] == sid)].iloc[0]
                title = ", ".join(f"{p.split('.')[-1]}={row[p]:.3g}" if isinstance(row[p], float)
                                  else f"{p.split('.')[-1]}={row[p]}" for p in params) or "default parameters"
            ax.set_title(_wrap(title, 5.6, 9), fontsize=9)
            ax.set_ylabel("US lead (months)")
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(panels):]:
            ax.set_visible(False)
        axes.flat[0].legend(fontsize=8, loc="best")
        shown = pd.concat([band for _, band in panels])  # the pooled bands when the samples are pooled
        n_runs = int(shown.groupby("season")["n"].max().max())
        each = "" if panels[0][0] == -1 else " (per sample)"
        fig.suptitle(_wrap(f"US lead over the PRC, scenario {scen}: median, 25-75% and 5-95% of {n_runs:,} runs "
                           f"per season{each}", width, 10), fontsize=10)
        path = out / f"fan_{stems[str(scen)]}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    scenarios = pooled["scenario"].unique().tolist()
    if len(scenarios) > 1:
        fig, ax = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
        for i, scen in enumerate(scenarios):
            band = pooled[pooled["scenario"] == scen].sort_values("season")
            color = f"C{i % 10}"
            x = np.arange(len(band))
            ax.fill_between(x, band["q05"], band["q95"], color=color, alpha=0.15, lw=0)
            ax.plot(x, band["median"], color=color, lw=2, label=f"{scen} (median, 5-95%)")
            _season_ticks(ax, band["season"].tolist())
        ax.axhline(0, color="k", lw=0.6)
        ax.set_ylabel("US lead (months)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title("US lead over the PRC by scenario, pooled over samples", fontsize=10)
        path = out / "fan_compare.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def timeseries_note(result: BatchData) -> str | None:
    """Why a batch's report has no lead bands or fan charts and how to get them; None when it has series."""
    return None if result.manifest.get("timeseries", True) else NO_TIMESERIES


def write_report(result: BatchData, out: str | Path | None = None) -> dict[str, Path]:
    """Write ``summary.csv``, ``scores.csv``, ``lead_bands.csv`` and the fan charts of a batch.

    ``lead_bands.csv`` and the fan charts need the batch's time series: a batch without them (the default;
    see :func:`timeseries_note`) gets ``summary.csv`` and ``scores.csv`` only.

    Args:
        result: The batch, e.g. a :class:`wargame.batch.results.BatchResult` (see
            :func:`wargame.batch.results.load_results`).
        out: Output folder; default ``<results folder>/report``.

    Returns:
        ``{"summary": path, "scores": path, "lead_bands": path, "fan_<scenario>": path, ...}`` (no
        ``lead_bands`` and no fan charts for a batch without time series).

    Raises:
        wargame.batch.store.DamagedStoreError: If a file of the folder differs from its recorded SHA-256
            or is unreadable; nothing is written then.

    """
    result.store.check_integrity()  # a damaged folder is refused, never reported on
    out = Path(out) if out is not None else result.path / "report"
    out.mkdir(parents=True, exist_ok=True)
    design = result.design()
    runs = result.runs()
    summary = outcome_table(runs, design)
    paths = {"summary": out / "summary.csv", "scores": out / "scores.csv"}
    summary.to_csv(paths["summary"], index=False)
    score_table(runs, design, result.score_columns(), result.manifest.get("seats")).to_csv(paths["scores"],
                                                                                          index=False)
    if timeseries_note(result):
        return paths
    lead_ts = result.timeseries(["lead_months"])
    paths["lead_bands"] = out / "lead_bands.csv"
    lead_bands(lead_ts, design).to_csv(paths["lead_bands"], index=False)
    if not lead_ts.empty:
        thresholds = result.manifest.get("thresholds") or {}
        for p in fan_charts(lead_ts, design, out, thresholds):
            paths[p.stem] = p
    return paths


def format_outcomes(table: pd.DataFrame, max_rows: int = 20) -> str:
    """Plain-text table of outcome probabilities with Wilson 95% intervals, for the terminal."""
    if table.empty:
        return "(no runs)"
    params = [c for c in table.columns if c not in ("scenario", "sample_id", "n_planned", "n_runs", "n_ok",
                                                    "n_error", "final_lead_median", "incidents_mean",
                                                    "mean_safety_share_mean")
              and not c.startswith("p_")]
    lines = []
    w = max(8, *(len(str(x)) for x in table["scenario"]))  # never truncated: labels are unique in full
    header = f"{'scenario':<{w}} {'sample':>6} {'runs':>6} {'failed':>6}   " + "   ".join(
        f"{'P(' + o + ') [95% CI]':<24}" for o in OUTCOMES)
    lines.append(header)
    for _, r in table.head(max_rows).iterrows():
        cells = []
        for o in OUTCOMES:
            p, lo, hi = r[f"p_{o}"], r[f"p_{o}_lo"], r[f"p_{o}_hi"]
            cells.append(f"{p:6.1%} [{lo:5.1%}, {hi:5.1%}]".ljust(24) if r["n_ok"] else "n/a".ljust(24))
        setting = ", ".join(f"{c}={r[c]:.3g}" if isinstance(r[c], float) else f"{c}={r[c]}" for c in params)
        lines.append(f"{str(r['scenario']):<{w}} {int(r['sample_id']):>6} {int(r['n_ok']):>6} "
                     f"{int(r['n_error']):>6}   " + "   ".join(cells) + (f"   {setting}" if setting else ""))
    if len(table) > max_rows:
        lines.append(f"... {len(table) - max_rows} more rows; see 'wargame report' (summary.csv)")
    return "\n".join(lines)


def format_scores(table: pd.DataFrame, width: int = 120) -> str:
    """Plain-text table of the mean score per seat +/- its standard error, for the terminal.

    One row per seat, one column per scenario x sample (as many as fit in ``width`` characters; the rest
    are in ``scores.csv``).

    Args:
        table: Output of :func:`score_table`.
        width: Target line width.

    Returns:
        The table, ``""`` when the batch has no score columns, or a note when no run recorded a score.

    """
    if table.empty:
        return ""
    if not (table["n"] > 0).any():
        return "(no seat scores recorded)"
    groups = list(dict.fromkeys(zip(table["scenario"], table["sample_id"], strict=True)))
    several = table.groupby("scenario")["sample_id"].nunique().max() > 1
    seats = list(dict.fromkeys(table["seat"]))
    cells: dict[tuple[str, int], dict[str, str]] = {}
    for r in table.itertuples(index=False):
        if r.n == 0:
            text = "n/a"
        elif math.isnan(r.se):
            text = f"{r.mean:+.2f} +/- n/a"
        else:
            text = f"{r.mean:+.2f} +/- {r.se:.2f}"
        cells.setdefault((r.scenario, int(r.sample_id)), {})[r.seat] = text
    heads = {g: f"{g[0]} #{g[1]}" if several else str(g[0]) for g in groups}
    seat_w = max(4, *(len(s) for s in seats))
    col_w = {g: max(len(heads[g]), *(len(c) for c in cells[g].values())) for g in groups}
    shown: list[tuple[str, int]] = []
    used = seat_w
    for g in groups:
        if shown and used + 3 + col_w[g] > width:
            break
        shown.append(g)
        used += 3 + col_w[g]
    lines = ["Mean final score per seat (points) +/- standard error, over the successful runs",
             f"{'seat':<{seat_w}}" + "".join(f"   {heads[g]:>{col_w[g]}}" for g in shown)]
    for seat in seats:
        lines.append(f"{seat:<{seat_w}}" + "".join(f"   {cells[g].get(seat, '-'):>{col_w[g]}}" for g in shown))
    if len(shown) < len(groups):
        lines.append(f"... {len(groups) - len(shown)} more scenario x sample columns; see scores.csv "
                     "('wargame report')")
    return "\n".join(lines)
