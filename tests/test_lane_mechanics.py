"""The formulas and the named policies serve R runs at once ("lanes", :mod:`wargame.ensemble.lanes`).

- every function of :mod:`wargame.mechanics` called on arrays of shape (R,) (or a mix of arrays and
  numbers) gives, in run ``i``, what it gives on the numbers of run ``i``, including at the edges of its
  branches (zero uncertainty, no demand, certain seizure, no teacher, zero base hazard, ...), and emits no
  RuntimeWarning from the branch a run does not take;
- called on numbers it returns a number (a str for :func:`~wargame.mechanics.classify_outcome`);
- every policy of :data:`wargame.policies.POLICIES`, fed the observations of several real games stacked run by
  run, proposes in run ``i`` what it proposes on game ``i``'s own observation, and its single-game proposal
  is a valid decision once turned into Python values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame import mechanics as m
from wargame.decisions import make_decision
from wargame.ensemble.lanes import plain
from wargame.model import AIRaceModel
from wargame.policies import POLICIES

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

EXAMPLES = settings(max_examples=60, deadline=None)


def floats(lo: float, hi: float, *edges: float) -> st.SearchStrategy[float]:
    """Finite floats in [lo, hi] (no subnormals), with the given edge values drawn often."""
    inner = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return st.one_of(st.sampled_from(edges), inner) if edges else inner


def assert_lane_equal(lane: Any, single: Any) -> None:
    """One run of an array result equals the result of the scalar call (1e-15 relative for numbers)."""
    if isinstance(single, str):
        assert type(single) is str
        assert lane == single
    else:
        assert not isinstance(single, np.ndarray)  # a number, never a 0-d array
        assert np.ndim(single) == 0
        assert lane == pytest.approx(single, rel=1e-15, abs=1e-300)


def check_lanes(func: Callable[..., Any], rows: list[tuple[Any, ...]], shared: list[bool]) -> None:
    """Call ``func`` once on R runs and once per run; run ``i`` of the first call equals the i-th call.

    Args:
        func: A formula of numbers.
        rows: R argument tuples, one per run.
        shared: One flag per argument: True passes the first run's value as a number, the same for every run
            (a parameter), False passes an (R,) array.

    """
    first = rows[0]
    args = [first[j] if shared[j] else np.array([row[j] for row in rows]) for j in range(len(first))]
    singles = [func(*(first[j] if shared[j] else row[j] for j in range(len(first)))) for row in rows]
    lanes = func(*args)
    if all(shared):
        assert_lane_equal(lanes, singles[0])
        return
    assert isinstance(lanes, np.ndarray)
    assert lanes.shape == (len(rows),)
    for lane, single in zip(lanes, singles, strict=True):
        assert_lane_equal(lane, single)


def runs_of(*columns: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[list[tuple[Any, ...]], list[bool]]]:
    """1 to 8 runs of argument tuples drawn from the column strategies, and which arguments are shared."""
    return st.tuples(st.lists(st.tuples(*columns), min_size=1, max_size=8),
                     st.lists(st.booleans(), min_size=len(columns), max_size=len(columns)))


LEADS = floats(-120.0, 120.0, 0.0, -1e-12, 1e-12, -30.0)
LOGS = floats(-40.0, 40.0, 0.0)
GROWTH = floats(1.01, 50.0)
SHARES = floats(0.0, 1.0, 0.0, 1.0)
NONNEG = floats(0.0, 1e6, 0.0)


# ----------------------------------------------------------------------------------------- the formulas
@EXAMPLES
@given(runs_of(LOGS, LOGS, GROWTH))
def test_lead_months_per_run(case):
    check_lanes(m.lead_months, *case)


@EXAMPLES
@given(runs_of(LEADS, GROWTH))
def test_months_to_log_ratio_per_run(case):
    check_lanes(m.months_to_log_ratio, *case)


@settings(max_examples=200, deadline=None)
@given(runs_of(LEADS, floats(0.0, 60.0, 0.0, 1e-9, 2e-9, 60.0), floats(0.01, 120.0, 0.01), floats(0.0, 5.0, 0.0),
               floats(1.0, 10.0, 1.0)))
def test_race_pressure_per_run(case):
    """Known and uncertain leads, ahead and behind, the normal CDF's body and its tail series, in one call."""
    check_lanes(m.race_pressure, *case)


@EXAMPLES
@given(runs_of(SHARES, floats(0.0, 6.0, 0.0), floats(0.0, 5.0, 0.0)))
def test_safety_under_pressure_per_run(case):
    check_lanes(m.safety_under_pressure, *case)


@EXAMPLES
@given(runs_of(floats(-100.0, 1e4, 0.0, -1.0), floats(0.0, 0.1, 0.0), SHARES))
def test_seizure_probability_per_run(case):
    check_lanes(m.seizure_probability, *case)


@EXAMPLES
@given(runs_of(floats(-10.0, 100.0, 0.0, -1.0), floats(0.0, 2.0, 0.0), floats(0.1, 50.0)))
def test_saturating_boost_per_run(case):
    check_lanes(m.saturating_boost, *case)


@EXAMPLES
@given(runs_of(floats(1e-3, 1e7, 0.0, -1.0), floats(1e-3, 1e7, 0.0, -1.0), floats(0.0, 1e4, 0.0)))
def test_serving_revenue_per_run(case):
    """No demand or no serving earns 0 in its run, whatever the other runs do."""
    check_lanes(m.serving_revenue_usd, *case)


@EXAMPLES
@given(runs_of(floats(-0.1, 1.0, 0.0, 0.5, -0.1), st.booleans(), floats(-100.0, 2000.0, 0.0, 500.0),
               st.sampled_from(tuple(m.REMOTE_RULE_LEVEL)), SHARES, SHARES))
def test_control_index_per_run(case):
    """Licences on or off, thresholds at and past the edges, every remote-access rule, as bool and str arrays."""
    check_lanes(m.control_index, *case)


@pytest.mark.parametrize("rule", ["closed", np.array(["open", "closed"])])
def test_control_index_rejects_an_unknown_rule(rule):
    with pytest.raises(ValueError, match="remote-access rule"):
        m.control_index(0.1, True, 25.0, rule, 0.4, 0.3)


@EXAMPLES
@given(runs_of(floats(0.0, 5.0, 0.0, 5.0), floats(-1.0, 1.0, 0.0), SHARES, st.integers(0, 4), SHARES,
               st.integers(0, 3), floats(0.0, 3.0), floats(0.0, 3.0), floats(0.0, 1.0), floats(0.0, 1.0),
               floats(0.0, 3.0), SHARES, floats(0.0, 1.0)))
def test_next_enmity_per_run(case):
    """Integer counts of detections and major incidents, and both clips of [0, 5]."""
    check_lanes(m.next_enmity, *case)


@EXAMPLES
@given(runs_of(floats(-1e3, 1e7, 0.0, -1.0), floats(0.0, 1.0, 0.0, 1.0, 0.999999),
               floats(0.01, 1e4, 0.0, -10.0), floats(0.0, 1e5, 0.0)))
def test_optimal_smuggling_volume_per_run(case):
    """No market, no margin and certain seizure (``s = 1``) give 0 in their run only.

    A positive margin is at least 0.01 USD: ``(1 - s) * m`` must not underflow to 0 (the formula's own limit).
    """
    check_lanes(m.optimal_smuggling_volume, *case)


@EXAMPLES
@given(runs_of(floats(0.0, 1e7, 0.0), floats(0.0, 1e6, 0.0), floats(1e-3, 1e7, 0.0, -1.0), floats(0.0, 1e4, 0.0),
               floats(0.0, 1e5, 0.0)))
def test_smuggling_profit_per_run(case):
    check_lanes(m.smuggling_profit_usd, *case)


@EXAMPLES
@given(runs_of(floats(-1.0, 1.0, 0.0, -0.5), floats(0.0, 10.0, 0.0)))
def test_detection_probability_per_run(case):
    check_lanes(m.detection_probability, *case)


@EXAMPLES
@given(runs_of(LOGS, st.one_of(floats(-20.0, 20.0, 0.0), st.just(-np.inf)), SHARES, SHARES))
def test_distillation_gain_per_run(case):
    """A student ahead of (or level with) its teacher, or with no teacher (``-inf``), gains 0 in its run."""
    rows, shared = case
    rows = [(student, student + teacher_gap, *rest) for student, teacher_gap, *rest in rows]
    check_lanes(m.distillation_gain, rows, shared)


@settings(max_examples=100, deadline=None)
@given(runs_of(floats(-0.1, 0.5, 0.0, -0.01), floats(-20.0, 30.0, 0.0), floats(0.0, 50.0, 0.0), SHARES,
               floats(0.0, 20.0), st.integers(0, 4), floats(0.0, 2.0)))
def test_incident_hazard_per_run(case):
    """A zero or negative base gives 0 in its run; huge log hazards hit the 700 clip and the cap."""
    check_lanes(m.incident_hazard, *case)


@EXAMPLES
@given(runs_of(floats(-1e3, 1e3, 0.0, 12.0, -12.0), SHARES, SHARES, SHARES, floats(0.0, 3.0), floats(0.0, 3.0),
               floats(0.0, 3.0), floats(-2.0, 2.0, 0.0)))
def test_adoption_target_per_run(case):
    """Leads far enough to hit the logit clip of +-50."""
    check_lanes(m.adoption_target, *case)


@EXAMPLES
@given(runs_of(floats(-30.0, 30.0, 0.0, 3.0, 12.0, -1e-9), floats(6.0, 18.0, 12.0), floats(-3.0, 6.0, 3.0, 0.0)))
def test_classify_outcome_per_run(case):
    """S1, S2 (at or below s2, or the PRC ahead) and contested, as a str per run or a str when all numbers."""
    check_lanes(m.classify_outcome, *case)


def sum_rows(draw: st.DrawFn, values: st.SearchStrategy[float]) -> list[list[float]]:
    """1 to 8 runs of the same number (0 to 4) of terms."""
    n_terms = draw(st.integers(0, 4))
    return draw(st.lists(st.lists(values, min_size=n_terms, max_size=n_terms), min_size=1, max_size=8))


@EXAMPLES
@given(st.data(), floats(0.0, 2.0, 0.0), floats(0.1, 24.0))
def test_within_bloc_pressure_per_run(data, weight, scale):
    """Gaps of either sign (or none), a list of (R,) arrays, one per rival."""
    rows = sum_rows(data.draw, floats(-60.0, 60.0, 0.0))
    lanes = m.within_bloc_pressure([np.array(col) for col in zip(*rows, strict=True)], weight, scale)
    for i, row in enumerate(rows):
        assert_lane_equal(np.broadcast_to(lanes, (len(rows),))[i], m.within_bloc_pressure(row, weight, scale))


@EXAMPLES
@given(st.data())
def test_incident_probability_per_run(data):
    rows = sum_rows(data.draw, floats(0.0, m.MAX_INCIDENT_HAZARD, 0.0))
    lanes = m.incident_probability(tuple(np.array(col) for col in zip(*rows, strict=True)))
    for i, row in enumerate(rows):
        assert_lane_equal(np.broadcast_to(lanes, (len(rows),))[i], m.incident_probability(row))


# ----------------------------------------------------------------------------------------- the policies
SCENARIOS = ("baseline", "loopholes", "tight_controls")
#: Seasons played by each game of a scenario before it is observed (their seeds are 0, 1, 2, 3).
SEASONS_PLAYED = (0, 1, 3, 4)
#: What a seat is, the same in every run: taken from the first game (and checked to agree).
PER_SEAT = frozenset({"bloc", "distils", "base_safety_share", "base_testing_quarters", "base_capacity_h100e",
                      "base_volume_h100e"})
#: Leaves a policy never reads as per-run values: taken from the first game.
FROM_FIRST = frozenset({"seat", "kind", "season", "seasons_left", "params", "news", "role", "chokepoint"})


@pytest.fixture(scope="module")
def games() -> dict[str, list[AIRaceModel]]:
    """Four games of each scenario, at different seeds and seasons."""
    out = {}
    for scenario in SCENARIOS:
        out[scenario] = []
        for seed, seasons in enumerate(SEASONS_PLAYED):
            model = AIRaceModel(scenario, seed=seed)
            for _ in range(seasons):
                model.step()
            out[scenario].append(model)
    return out


def stack(observations: list[Any], key: str | None = None) -> Any:
    """One observation of R runs from R observations, leaf by leaf.

    Numbers become float arrays, flags bool arrays and strs (the US remote-access rule) str arrays; what a seat
    is and the leaves no policy reads per run come from the first observation.
    """
    first = observations[0]
    if key in PER_SEAT:
        assert all(obs == first for obs in observations)
        return first
    if key in FROM_FIRST:
        return first
    if isinstance(first, dict):
        return {k: stack([obs[k] for obs in observations], k) for k in first}
    if isinstance(first, (bool, np.bool_)):
        return np.array(observations, dtype=bool)
    if isinstance(first, str):
        return np.array(observations, dtype=str)
    return np.array(observations, dtype=float)


POLICY_CASES = [(kind, name) for kind, named in POLICIES.items() for name in named]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("kind", "name"), POLICY_CASES, ids=[f"{k}-{n}" for k, n in POLICY_CASES])
def test_policy_per_run_matches_each_game(games, scenario, kind, name):
    """Every seat of the policy's kind: run ``i`` of the stacked observation plays as game ``i`` alone."""
    policy = POLICIES[kind][name]
    models = games[scenario]
    seats = [actor.seat for actor in models[0].seats() if actor.kind == kind]
    assert seats
    for seat in seats:
        observations = [model.observe(seat) for model in models]
        lanes = policy(stack(observations))
        for i, obs in enumerate(observations):
            single = policy(obs)
            assert lanes.keys() == single.keys()
            make_decision(kind, {lever: plain(value) for lever, value in single.items()})
            for lever, value in single.items():
                assert np.ndim(lanes[lever]) == 0 or np.shape(lanes[lever]) == (len(models),), lever
                lane = np.broadcast_to(lanes[lever], (len(models),))[i]
                if np.asarray(value).dtype.kind in "bU":
                    assert lane == value, (seat, lever)
                else:
                    assert lane == pytest.approx(value, rel=1e-15, abs=1e-300), (seat, lever)


def test_stacked_games_differ_where_policies_branch(games):
    """The stacked games are not all alike: the reactive policies' per-run branches go both ways in them."""
    rules, cut_off, behind = set(), set(), set()
    for models in games.values():
        us = POLICIES["us_government"]["reactive"](stack([model.observe("us_gov") for model in models]))
        rules.update(np.broadcast_to(us["remote_access_rule"], (len(models),)).tolist())
        prc = POLICIES["prc_government"]["reactive"](stack([model.observe("prc_gov") for model in models]))
        cut_off.update(np.broadcast_to(prc["buy_domestic"] == 0.8, (len(models),)).tolist())
        for seat in ("us_lab_a", "prc_lab_a"):
            own = stack([model.observe(seat) for model in models])["own"]
            behind.update((own["perceived_lead_months"] < 0).tolist())
    assert len(rules) >= 2
    assert cut_off == {True, False}
    assert behind == {True, False}
