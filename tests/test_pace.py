"""Pace of the race in ``baseline`` over 200 seeds (issue 7, "Pace and calibration").

| quantity | target | source |
|---|---|---|
| largest US training run | grows 4-5x a year | Epoch AI (2024), frontier training compute |
| largest PRC training run | grows ~3x a year | Epoch AI, compute of leading PRC models |
| PRC domestic chain output / US designer output | ~4% in 2026, ~2% in 2027 | '2028: Two scenarios' (2026), secondary |
| simulated frontier (best US internal model) | grows within 10% of the g used for months of lead | consistency |

Seeds 0..199 are deterministic; the bands are the targets themselves (with "~" read as +-25%).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from wargame.model import AIRaceModel
from wargame.scenario import load_scenario

SEEDS = range(200)


@pytest.fixture(scope="module")
def pace() -> dict[str, np.ndarray]:
    scenario = load_scenario("baseline")
    g = scenario.parameters.frontier_effective_compute_growth_per_year
    rows = []
    for seed in SEEDS:
        model = AIRaceModel(scenario, seed=seed).run_to_end()
        mv = model.datacollector.model_vars
        years = (len(mv["season"]) - 2) / 4.0  # from the first season played to the last
        us_run, prc_run = mv["us_largest_run_h100e"], mv["prc_largest_run_h100e"]
        ratio = [d / u for d, u in zip(mv["prc_domestic_output_h100e"], mv["us_designer_output_h100e"], strict=True)]
        seasons = mv["season"]
        frontier = mv["us_frontier_capability"]
        rows.append((
            (us_run[-1] / us_run[1]) ** (1 / years),
            (prc_run[-1] / prc_run[1]) ** (1 / years),
            np.mean([r for r, s in zip(ratio, seasons, strict=True) if s.startswith("2026") and r > 0]),
            np.mean([r for r, s in zip(ratio, seasons, strict=True) if s.startswith("2027")]),
            math.exp((frontier[-1] - frontier[1]) / years) / g,
        ))
    cols = np.array(rows)
    return {"us_run": cols[:, 0], "prc_run": cols[:, 1], "domestic_2026": cols[:, 2], "domestic_2027": cols[:, 3],
            "pace_over_g": cols[:, 4]}


def test_largest_us_training_run_grows_4_to_5x_a_year(pace):
    assert 4.0 <= float(np.median(pace["us_run"])) <= 5.0, np.median(pace["us_run"])


def test_leading_prc_compute_grows_about_3x_a_year(pace):
    assert 2.25 <= float(np.median(pace["prc_run"])) <= 3.75, np.median(pace["prc_run"])


def test_domestic_chain_is_about_4_percent_in_2026_and_2_percent_in_2027(pace):
    assert 0.03 <= float(np.median(pace["domestic_2026"])) <= 0.05, np.median(pace["domestic_2026"])
    assert 0.015 <= float(np.median(pace["domestic_2027"])) <= 0.025, np.median(pace["domestic_2027"])


def test_months_of_lead_use_the_pace_of_the_simulated_frontier(pace):
    """g in lead = 12 ln(E_us/E_prc)/ln g is within 10% of how fast the simulated frontier grows."""
    assert 0.9 <= float(np.median(pace["pace_over_g"])) <= 1.1, np.median(pace["pace_over_g"])
