"""Global sensitivity analysis of a Sobol or Morris batch, with SALib.

A batch run with ``--sobol N`` or ``--morris N`` over a sweep file's ranges holds SALib's exact sample
matrix (one sample per row, ``sample_id`` in SALib's order). The outcome of each sample is the mean over
its replications of a per-run quantity, so replications average out the model's own randomness:

* any numeric summary column (:data:`NUMERIC_OUTCOMES`): ``final_lead_months``, ``compute_ratio``,
  ``adoption_share_us``, ``incidents``, ``major_incidents``, ``cumulative_incident_probability``,
  ``mean_safety_share``, ``mean_race_pressure``, ``seasons_played``;
* a seat's final score, ``score_<seat id>`` (the batch's score columns);
* an outcome class, ``S1``, ``S2`` or ``contested``: its probability per sample.

If the outcome is the same for every sample of a scenario (e.g. ``S1`` when no run reaches S1), its variance
is zero and the indices are undefined: that scenario's indices are NaN and a :class:`ConstantOutcomeWarning`
says so (``wargame sensitivity`` prints it and still exits 0).

The bootstrap confidence intervals are seeded from the batch's master seed, so analysing the same batch
twice gives the same intervals.

Sobol (Saltelli 2002; Saltelli et al. 2010, the estimators in SALib): first-order ``S1`` (the share of
output variance explained by the parameter alone) and total-order ``ST`` (including all its interactions),
with bootstrap 95% confidence half-widths. Morris (1991) elementary effects with Campolongo et al. (2007)
``mu_star`` (mean absolute effect, ranks importance) and ``sigma`` (spread: non-linearity or interactions).
Source: Herman & Usher (2017), "SALib: An open-source Python library for sensitivity analysis", JOSS 2(9).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from wargame.batch.report import OUTCOMES, BatchData
from wargame.batch.runner import SCORE_PREFIX, SUMMARY_METRICS

#: Every numeric per-run summary column can be an outcome.
NUMERIC_OUTCOMES = tuple(name for name, typ in SUMMARY_METRICS if not pa.types.is_string(typ))


class SensitivityError(ValueError):
    """The batch cannot be analysed as asked (wrong method, unknown outcome, missing runs...)."""


class ConstantOutcomeWarning(UserWarning):
    """The outcome does not vary across samples: the indices are undefined (reported as NaN)."""


def bootstrap_seed(master_seed: int) -> int:
    """Seed of SALib's bootstrap, derived from the batch's master seed (never 0: SALib ignores a 0 seed)."""
    state = np.random.SeedSequence(int(master_seed), spawn_key=(0x5A1B,)).generate_state(1, dtype=np.uint32)
    return int(state[0]) or 1


def sample_outcomes(runs: pd.DataFrame, outcome: str) -> pd.Series:
    """Mean of the outcome over the successful replications of each (scenario, sample).

    Args:
        runs: Completed runs of one scenario.
        outcome: A numeric summary column, a score column ``score_<seat id>`` of the runs, or an outcome
            class (its probability).

    Returns:
        Series indexed by ``sample_id``; a sample whose runs have no value (e.g. no score) is absent.

    """
    ok = runs[runs["status"] == "ok"]
    if outcome in OUTCOMES:
        values = (ok["outcome"] == outcome).astype(float)
    elif outcome in NUMERIC_OUTCOMES or (outcome.startswith(SCORE_PREFIX) and outcome in ok.columns):
        values = ok[outcome].astype("float64")
    else:
        scores = [c for c in runs.columns if c.startswith(SCORE_PREFIX)]
        raise SensitivityError(f"unknown outcome {outcome!r}; allowed: "
                               f"{', '.join((*NUMERIC_OUTCOMES, *OUTCOMES))}"
                               + (f", or a seat score: {', '.join(scores)}" if scores else ""))
    per_run = pd.DataFrame({"sample_id": ok["sample_id"], "value": values}).dropna(subset=["value"])
    return per_run.groupby("sample_id")["value"].mean()


def analyze(result: BatchData, outcome: str = "final_lead_months", parameters: Sequence[str] | None = None,
            scenario: str | None = None, seed: int | None = None) -> pd.DataFrame:
    """Sobol or Morris indices of every swept parameter against one outcome.

    Args:
        result: A finished batch created with ``--sobol`` or ``--morris``, e.g. a
            :class:`wargame.batch.results.BatchResult`.
        outcome: See :func:`sample_outcomes`.
        parameters: Report only these parameters (the indices are always computed over all of them).
        scenario: Only this scenario (default: every scenario of the batch).
        seed: Seed of SALib's bootstrap (confidence intervals); default: derived from the batch's
            master seed with :func:`bootstrap_seed`, so the same batch gives the same intervals.

    Returns:
        Sobol: ``scenario, method, outcome, parameter, S1, S1_conf, ST, ST_conf``. Morris:
        ``scenario, method, outcome, parameter, mu, mu_star, mu_star_conf, sigma``.

    Raises:
        SensitivityError: If the batch is not a Sobol/Morris batch, is incomplete, or a sample has no
            successful run.

    Warns:
        ConstantOutcomeWarning: For each scenario whose outcome is the same in every sample; its index
            columns are NaN.

    """
    manifest = result.manifest
    method = manifest.get("method")
    if method not in ("sobol", "morris"):
        raise SensitivityError(f"{result.path}: a {method!r} batch; sensitivity indices need a batch run with "
                               "--sobol N or --morris N and a sweep file")
    problem = manifest["problem"]
    names = list(problem["names"])
    if parameters:
        unknown = [p for p in parameters if p not in names]
        if unknown:
            raise SensitivityError(f"parameters not swept in this batch: {', '.join(unknown)}; swept: "
                                   f"{', '.join(names)}")
    if seed is None:
        seed = bootstrap_seed(int(manifest.get("master_seed", 0)))
    runs = result.runs()
    design = result.design()
    scenarios = [scenario] if scenario else list(dict.fromkeys(design["scenario"]))
    frames = []
    for scen in scenarios:
        d = design[design["scenario"] == scen]
        if d.empty:
            raise SensitivityError(f"scenario {scen!r} is not in this batch; it has "
                                   f"{', '.join(dict.fromkeys(design['scenario']))}")
        n_samples = int(d["sample_id"].max()) + 1
        y_by_sample = sample_outcomes(runs[runs["scenario"] == scen], outcome)
        if outcome.startswith(SCORE_PREFIX) and y_by_sample.empty:
            raise SensitivityError(f"scenario {scen!r}: no run recorded {outcome!r} (the scenario has no seat "
                                   f"{outcome.removeprefix(SCORE_PREFIX)!r}, or its runs failed); choose "
                                   "another outcome or --only-scenario")
        missing = sorted(set(range(n_samples)) - set(y_by_sample.index))
        if missing:
            raise SensitivityError(f"scenario {scen!r}: {len(missing)} of {n_samples} samples have no "
                                   f"successful run (e.g. sample {missing[0]}); finish the batch (re-run the "
                                   "same 'wargame batch' command) or inspect the 'error' column")
        y = y_by_sample.sort_index().to_numpy(dtype=float)
        if np.ptp(y) == 0:
            warnings.warn(f"scenario {scen!r}: the outcome {outcome!r} is {y[0]:g} in all {len(y)} samples, so "
                          "it has no variance to attribute and the sensitivity indices are undefined (written "
                          "as NaN); choose an outcome that varies across the sweep", ConstantOutcomeWarning,
                          stacklevel=2)
            cols = (["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol"
                    else ["mu", "mu_star", "mu_star_conf", "sigma"])
            df = pd.DataFrame({"parameter": names, **{c: np.nan for c in cols}})
        elif method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=bool(
                manifest["method_options"].get("calc_second_order", False)), seed=seed)
            df = pd.DataFrame({"parameter": names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                               "ST": res["ST"], "ST_conf": res["ST_conf"]})
        else:
            from SALib.analyze import morris

            x = d.drop_duplicates("sample_id").sort_values("sample_id")[names].to_numpy(dtype=float)
            res = morris.analyze(problem, x, y, num_levels=int(manifest["method_options"].get("num_levels", 4)),
                                 seed=seed)
            df = pd.DataFrame({"parameter": names, "mu": res["mu"], "mu_star": res["mu_star"],
                               "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
        df.insert(0, "outcome", outcome)
        df.insert(0, "method", method)
        df.insert(0, "scenario", scen)
        if parameters:
            df = df[df["parameter"].isin(parameters)]
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def bar_chart(indices: pd.DataFrame, path: str | Path) -> Path:
    """Bar chart of Sobol (S1 and ST) or Morris (mu* and sigma) indices, one panel per scenario.

    Args:
        indices: Output of :func:`analyze`.
        path: PNG file to write.

    Returns:
        The path.

    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    path = Path(path)
    scenarios = list(dict.fromkeys(indices["scenario"]))
    method = indices["method"].iloc[0]
    outcome = indices["outcome"].iloc[0]
    n_par = indices["parameter"].nunique()
    fig, axes = plt.subplots(len(scenarios), 1, figsize=(max(6.0, 1.1 * n_par + 3), 3.4 * len(scenarios)),
                             squeeze=False)
    for ax, scen in zip(axes[:, 0], scenarios, strict=True):
        df = indices[indices["scenario"] == scen]
        x = np.arange(len(df))
        w = 0.38
        if method == "sobol":
            ax.bar(x - w / 2, df["S1"], w, yerr=df["S1_conf"], capsize=3, label="first order S1")
            ax.bar(x + w / 2, df["ST"], w, yerr=df["ST_conf"], capsize=3, label="total order ST")
            ax.set_ylabel("Sobol index (share of variance)")
        else:
            ax.bar(x - w / 2, df["mu_star"], w, yerr=df["mu_star_conf"], capsize=3, label="mu* (importance)")
            ax.bar(x + w / 2, df["sigma"], w, label="sigma (interactions)")
            ax.set_ylabel(f"elementary effect on {outcome}")
        ax.set_xticks(x, [p.split(".")[-1] for p in df["parameter"]], rotation=20, ha="right")
        ax.axhline(0, color="k", lw=0.6)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(f"{method.title()} indices of {outcome}, scenario {scen}", fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
