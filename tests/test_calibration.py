"""Calibration targets of ``PARAMETERS.md`` over 200 seeds per scenario (issue 2).

| scenario         | target                                                                     |
|------------------|----------------------------------------------------------------------------|
| baseline         | at the start, lead ~4-14 months, median near 7                              |
| tight_controls   | lead by 2028Q4 is 12-24 months in the median run; P(S1) clearly above baseline |
| loopholes        | lead by 2028Q4 <= ~3 months in the median run, or the PRC leads             |
| all              | mean safety share lower and mean race pressure higher in loopholes than tight |

Seeds 0..199 are deterministic, so these are exact regression checks of the shipped calibration, not
flaky statistics. The thresholds are the targets themselves; they must not be loosened to make a change
pass.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from wargame.model import AIRaceModel
from wargame.scenario import load_scenario

SEEDS = range(200)
SCENARIOS = ("baseline", "tight_controls", "loopholes")


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, np.ndarray]]:
    """Per scenario, arrays over seeds of the start lead, final lead, outcome and mean safety/pressure."""
    out = {}
    for name in SCENARIOS:
        scenario = load_scenario(name)
        rows = []
        for seed in SEEDS:
            model = AIRaceModel(scenario, seed=seed).run_to_end()
            frame = model.datacollector.get_model_vars_dataframe()
            summary = model.summary()
            assert model.last_season == "2028Q4" == frame["season"].iloc[-1]
            assert frame["lead_months"].iloc[0] == model.initial_lead_months
            assert frame["lead_months"].iloc[-1] == summary["final_lead_months"]
            rows.append((model.initial_lead_months, summary["final_lead_months"], summary["outcome"] == "S1",
                         summary["outcome"] == "S2", summary["mean_safety_share"],
                         summary["mean_race_pressure"]))
        cols = list(zip(*rows, strict=True))
        out[name] = {key: np.array(col) for key, col in zip(
            ("start", "final", "s1", "s2", "safety", "pressure"), cols, strict=True)}
    return out


def test_baseline_start_lead_median_near_seven_months(runs):
    median = float(np.median(runs["baseline"]["start"]))
    assert 6.0 <= median <= 8.5, median


def test_baseline_start_lead_mostly_within_4_to_14_months(runs):
    low, high = np.percentile(runs["baseline"]["start"], [5, 95])
    assert low >= 3.0 and high <= 14.0, (low, high)
    # Most seeds fall inside the documented 4-14 month range itself.
    start = runs["baseline"]["start"]
    assert np.mean((start >= 4.0) & (start <= 14.0)) >= 0.9


def test_tight_controls_median_final_lead_is_12_to_24_months(runs):
    median = float(np.median(runs["tight_controls"]["final"]))
    assert 12.0 <= median <= 24.0, median


def test_tight_controls_make_s1_clearly_more_likely_than_baseline(runs):
    p_tight = runs["tight_controls"]["s1"].mean()
    p_base = runs["baseline"]["s1"].mean()
    assert p_tight >= p_base + 0.3, (p_tight, p_base)
    assert p_tight > 0.5


def test_loopholes_median_final_lead_at_most_three_months(runs):
    final = runs["loopholes"]["final"]
    median = float(np.median(final))
    assert median <= 3.0, median
    # ... which the outcome classification calls S2 (near-parity or the PRC ahead) in most runs.
    assert runs["loopholes"]["s2"].mean() >= 0.5


def test_scenarios_order_the_final_lead(runs):
    medians = {name: statistics.median(runs[name]["final"]) for name in SCENARIOS}
    assert medians["loopholes"] < medians["baseline"] < medians["tight_controls"], medians


def test_loopholes_have_less_safety_and_more_pressure_than_tight_controls(runs):
    loose, tight = runs["loopholes"], runs["tight_controls"]
    assert loose["safety"].mean() < tight["safety"].mean()
    assert loose["pressure"].mean() > tight["pressure"].mean()
    # Not only on average: in most seeds.
    assert np.mean(loose["pressure"] > tight["pressure"]) >= 0.8
    assert np.mean(loose["safety"] < tight["safety"]) >= 0.8
