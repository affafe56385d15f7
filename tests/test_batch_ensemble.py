"""A batch's chunks are played as ensembles (issue 9, item 4): the same table as one run at a time.

The default run function plays a chunk's runs that share every override but ``parameters.*`` as one
ensemble. These tests compare that path with the one-run-at-a-time path (a run function that is not the
default), check that a run with a refused parameter value fails alone with a message, and that a run that
makes its ensemble raise is found and recorded while its siblings finish.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wargame.batch import runner
from wargame.batch.ensemble import group_runs
from wargame.batch.runner import ChunkTask, execute_chunk, run_model, score_columns
from wargame.model import AIRaceModel
from wargame.scenario import load_scenario


def one_at_a_time(scenario, seed):
    """The default run function, called so that the runner plays each run alone."""
    return run_model(scenario, seed)


def task(overrides, seeds=None, run_fn=run_model, timeseries=False, name="baseline"):
    scenario = load_scenario(name)
    n = len(overrides)
    seeds = seeds if seeds is not None else [7 * i + 1 for i in range(n)]
    return ChunkTask(scenario=scenario, scenario_name=name, run_ids=tuple(range(n)), sample_ids=tuple(range(n)),
                     replications=(0,) * n, seeds=tuple(seeds), overrides=tuple(overrides), run_fn=run_fn,
                     timeseries=timeseries, scores=tuple(score_columns([scenario])))


def frames(result):
    summary = result.summary.to_pandas()
    ts = result.timeseries.to_pandas() if result.timeseries is not None else None
    if ts is not None:
        ts["season"] = ts["season"].astype(str)
        ts["variable"] = ts["variable"].astype(str)
    return summary, ts


SWEEP = [{"parameters.visibility": v, "parameters.enmity": e, "events.taiwan_strait_crisis": t}
         for v, e, t in [(0.1, 0.5, 0.02), (0.9, 1.5, 0.02), (0.5, 0.0, 0.3), (0.3, 2.0, 0.02), (0.7, 1.0, 0.3)]]


@pytest.mark.parametrize("timeseries", [False, True])
def test_an_ensemble_chunk_equals_one_run_at_a_time(timeseries):
    fast, fast_ts = frames(execute_chunk(task(SWEEP, timeseries=timeseries)))
    slow, slow_ts = frames(execute_chunk(task(SWEEP, run_fn=one_at_a_time, timeseries=timeseries)))
    assert (fast["status"] == "ok").all()
    pd.testing.assert_frame_equal(fast, slow, rtol=1e-12, atol=0)
    if timeseries:
        assert len(fast_ts) == len(slow_ts) > 0
        pd.testing.assert_frame_equal(fast_ts, slow_ts, rtol=1e-12, atol=0)
    else:
        assert fast_ts is None and slow_ts is None


def test_runs_are_grouped_by_their_overrides_other_than_parameters():
    groups = group_runs(SWEEP)
    assert [g.positions for g in groups] == [[0, 1, 3], [2, 4]]
    assert groups[1].overrides == {"events.taiwan_strait_crisis": 0.3}


@pytest.mark.parametrize(("value", "message"), [
    (1.5, r"override 'parameters.visibility': 1.5 is not allowed; allowed: a finite number >= 0.0 <= 1.0"),
    (True, r"override 'parameters.visibility': True is not allowed"),
    ("high", r"override 'parameters.visibility': 'high' is not allowed"),
    (float("nan"), r"override 'parameters.visibility': nan is not allowed"),
])
def test_a_refused_parameter_value_fails_its_run_alone(value, message):
    overrides = [{"parameters.visibility": v} for v in (0.2, value, 0.4, 0.6)]
    summary, _ = frames(execute_chunk(task(overrides)))
    assert summary["status"].tolist() == ["ok", "error", "ok", "ok"]
    assert pd.Series([summary.loc[1, "error"]]).str.contains(message).all(), summary.loc[1, "error"]
    single = AIRaceModel(load_scenario("baseline").with_overrides({"parameters.visibility": 0.4}), seed=15)
    assert summary.loc[2, "final_lead_months"] == pytest.approx(single.run_to_end().lead_months, rel=1e-12)


def test_a_run_that_breaks_its_ensemble_is_found_and_its_siblings_finish(monkeypatch):
    original = AIRaceModel._adjudicate

    def breaks_on_seed_8(model):
        if 8 in np.atleast_1d(model.draw_seeds).tolist():
            raise FloatingPointError("injected failure for seed 8")
        original(model)

    monkeypatch.setattr(AIRaceModel, "_adjudicate", breaks_on_seed_8)
    summary, _ = frames(execute_chunk(task([{}] * 4, seeds=[1, 8, 15, 22])))
    assert summary["status"].tolist() == ["ok", "error", "ok", "ok"]
    assert "injected failure for seed 8" in summary.loc[1, "error"]
    assert summary.loc[[0, 2, 3], "final_lead_months"].notna().all()


def test_the_default_run_function_plays_ensembles(monkeypatch):
    sizes = []
    original = runner.play_group

    def spy(scenario, seeds, parameters, timeseries):
        sizes.append(len(seeds))
        return original(scenario, seeds, parameters, timeseries)

    monkeypatch.setattr(runner, "play_group", spy)
    execute_chunk(task(SWEEP))
    assert sizes == [3, 2]
