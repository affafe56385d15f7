"""One model, R runs at once: lane r of an ensemble is the single game with seed r (issue 9, item 3).

The ensemble (``AIRaceModel(scenario, seeds=[...])``) runs the same mechanics as a single game with every
number held per run. These tests check, over random scenarios, seeds and chunkings, that every reported
variable of every lane equals the single run with that seed to 1e-12 relative, and that a lane does not
depend on R, on its position or on the other runs of its chunk.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.decisions import DecisionError
from wargame.model import MODEL_REPORTERS, AIRaceModel
from wargame.scenario import load_scenario

SCENARIOS = ("baseline", "loopholes", "tight_controls")
REL = 1e-12


def close(a: Any, b: Any) -> bool:
    """Equal strings, or numbers equal to 1e-12 relative (NaN equals NaN)."""
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-300)


def single_runs(scenario: Any, seeds: list[int], seasons: int | None = None) -> list[AIRaceModel]:
    runs = []
    for seed in seeds:
        model = AIRaceModel(scenario, seed=seed)
        for _ in range(seasons if seasons is not None else model.total_seasons):
            model.step()
        runs.append(model)
    return runs


def assert_lanes_match(ensemble: AIRaceModel, runs: list[AIRaceModel]) -> None:
    summary = ensemble.summary()
    for r, run in enumerate(runs):
        for name, value in run.summary().items():
            assert close(summary[name][r], value), (name, r, summary[name][r], value)
    records = ensemble.season_records
    assert records is not None and len(records) == ensemble.seasons_played + 1
    for r, run in enumerate(runs):
        frame = run.datacollector.get_model_vars_dataframe()
        for name in MODEL_REPORTERS:
            for t, row in enumerate(records):
                expected = frame[name].iloc[t]
                got = row[name] if name == "season" else row[name][r]
                assert close(got, expected), (name, t, r, got, expected)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SCENARIOS), seeds=st.lists(st.integers(0, 2**63 - 1), min_size=2, max_size=6),
       visibility=st.floats(0.0, 1.0), enmity=st.floats(0.0, 3.0), seasons=st.integers(0, 10))
def test_every_lane_equals_the_single_run_with_its_seed(name, seeds, visibility, enmity, seasons):
    scenario = load_scenario(name).with_overrides({"parameters.visibility": visibility, "parameters.enmity": enmity})
    ensemble = AIRaceModel(scenario, seeds=seeds, record_seasons=True)
    seasons = min(seasons, ensemble.total_seasons)
    for _ in range(seasons):
        ensemble.step()
    assert_lanes_match(ensemble, single_runs(scenario, seeds, seasons))


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(SCENARIOS), n=st.integers(4, 40), cut=st.data())
def test_a_lane_does_not_depend_on_its_chunk(name, n, cut):
    """Chunks of any size and order give bit-identical lanes: no draw or value depends on R or position.

    (A chunk of one run is a single game, which the other tests compare to 1e-12.)
    """
    seeds = list(range(1000, 1000 + n))
    whole = AIRaceModel(name, seeds=seeds).run_to_end().summary()
    k = cut.draw(st.integers(2, n - 2))
    parts = [AIRaceModel(name, seeds=seeds[:k]).run_to_end().summary(),
             AIRaceModel(name, seeds=seeds[k:][::-1]).run_to_end().summary()]
    for key, values in whole.items():
        joined = np.concatenate([parts[0][key], parts[1][key][::-1]])
        assert np.array_equal(values, joined), key


SWEPT = {"visibility": (0.0, 1.0), "enmity": (0.0, 3.0), "catastrophic_incident_share": (0.0, 0.5),
         "incident_base_hazard": (0.0, 1.0), "distillation_rate": (0.0, 1.0), "incident_pause_quarters": (0, 8),
         "frontier_effective_compute_growth_per_year": (2.0, 30.0)}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SCENARIOS), data=st.data(), n=st.integers(2, 5))
def test_a_lane_with_its_own_parameters_equals_the_single_run_with_them(name, data, n):
    """Sweeps: each lane plays its own parameter values, exactly as a game with those overrides."""
    values = {key: [data.draw(st.integers(*bounds) if isinstance(bounds[0], int) else st.floats(*bounds))
                    for _ in range(n)] for key, bounds in SWEPT.items()}
    seeds = list(range(50, 50 + n))
    ensemble = AIRaceModel(name, seeds=seeds, parameters={k: np.asarray(v) for k, v in values.items()},
                           record_seasons=True).run_to_end()
    runs = [AIRaceModel(load_scenario(name).with_overrides({f"parameters.{k}": v[r] for k, v in values.items()}),
                        seed=seed).run_to_end() for r, seed in enumerate(seeds)]
    assert_lanes_match(ensemble, runs)


def test_an_ensemble_of_one_is_the_game():
    game = AIRaceModel("baseline", seed=42).run_to_end()
    one = AIRaceModel("baseline", seeds=[42]).run_to_end()
    assert one.n_runs == 1 and one.narrate
    assert one.summary() == game.summary()
    assert one.news == game.news


def test_human_decisions_broadcast_to_every_lane():
    seeds = [3, 4, 5]
    levers = {"remote_access_rule": "ban", "enforcement_budget_musd": 300.0}
    ensemble = AIRaceModel("baseline", seeds=seeds)
    ensemble.submit_decision("us_gov", levers)
    ensemble.step()
    runs = []
    for seed in seeds:
        run = AIRaceModel("baseline", seed=seed)
        run.submit_decision("us_gov", levers)
        run.step()
        runs.append(run)
    rule = ensemble.government("us").decision.remote_access_rule
    assert np.broadcast_to(rule, (3,)).tolist() == ["ban"] * 3
    for r, run in enumerate(runs):
        assert close(ensemble.lead_months[r], run.lead_months)
        assert close(ensemble.seat_scores()["us_gov"][r], run.seat_scores()["us_gov"])


def test_an_ensemble_refuses_bad_seeds_and_bad_levers():
    for bad in ([], [[1, 2]], [-1], [2**63], [1.5]):
        with pytest.raises(ValueError, match="seeds must be"):
            AIRaceModel("baseline", seeds=bad)
    ensemble = AIRaceModel("baseline", seeds=[1, 2])
    with pytest.raises(DecisionError):
        ensemble.submit_decision("us_gov", {"enforcement_budget_musd": -5.0})


def test_an_ensemble_keeps_no_news_map_or_logs():
    ensemble = AIRaceModel("loopholes", seeds=list(range(5))).run_to_end()
    assert not ensemble.narrate and ensemble.datacollector is None and ensemble.season_records is None
    assert ensemble.news == [] and ensemble.decision_history == []
    assert ensemble.flow_graph.number_of_edges() == 0
    summary = ensemble.summary()
    assert all(np.shape(v) == (5,) for v in summary.values())
    assert set(summary["outcome"]) <= {"S1", "S2", "contested"}
