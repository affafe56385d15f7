"""Safety-race pressure as a mechanism (issue 2, DESIGN §3).

- ``race_pressure`` falls as the perceived lead grows (either sign), rises with enmity;
- ``safety_under_pressure`` falls as pressure rises;
- in the model, a lab that perceives a smaller lead feels more pressure and keeps a smaller safety share;
- over many seeds the loopholes scenario is a closer race than tight controls, with more pressure and less
  safety;
- visibility can push pressure either way, depending on how close the race is.
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agents.lab import Lab
from wargame.mechanics import race_pressure, safety_under_pressure
from wargame.model import AIRaceModel
from wargame.scenario import load_scenario

leads = st.floats(-120.0, 120.0, allow_nan=False)
uncertainties = st.one_of(st.just(0.0), st.floats(0.0, 60.0, allow_nan=False))
scales = st.floats(0.01, 120.0, allow_nan=False)
enmities = st.floats(0.0, 5.0, allow_nan=False)


# ----------------------------------------------------------------------------- the formulas
@settings(max_examples=400, deadline=None)
@given(leads, leads, uncertainties, scales, enmities)
def test_race_pressure_decreases_with_the_size_of_the_lead(a, b, uncertainty, scale, enmity):
    near, far = sorted((a, b), key=abs)
    p_near = race_pressure(near, uncertainty, scale, enmity)
    p_far = race_pressure(far, uncertainty, scale, enmity)
    assert 0.0 <= p_far <= p_near + 1e-12 <= 1.0 + enmity + 2e-12
    # Only the size of the lead matters, not who leads.
    assert race_pressure(-a, uncertainty, scale, enmity) == pytest.approx(
        race_pressure(a, uncertainty, scale, enmity), rel=1e-12, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(leads, leads, scales, enmities)
def test_race_pressure_is_strictly_decreasing_when_the_lead_is_known(a, b, scale, enmity):
    near, far = sorted((a, b), key=abs)
    assume(abs(far) - abs(near) > 1e-6 * scale and abs(far) / scale < 600)
    assert race_pressure(near, 0.0, scale, enmity) > race_pressure(far, 0.0, scale, enmity)
    assert race_pressure(far, 0.0, scale, enmity) == pytest.approx(
        (1 + enmity) * math.exp(-abs(far) / scale), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(leads, uncertainties, scales, enmities, enmities)
def test_race_pressure_grows_with_enmity(lead, uncertainty, scale, e1, e2):
    lo, hi = sorted((e1, e2))
    assert race_pressure(lead, uncertainty, scale, lo) <= race_pressure(lead, uncertainty, scale, hi)


def test_race_pressure_at_parity_and_far_apart():
    assert race_pressure(0.0, 0.0, 6.0, 0.6) == pytest.approx(1.6)
    assert race_pressure(6.0, 0.0, 6.0, 0.0) == pytest.approx(math.exp(-1))
    assert race_pressure(600.0, 4.0, 6.0, 0.6) < 1e-40


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.0, 10.0))
def test_safety_under_pressure_decreases_with_pressure(base, p1, p2, sensitivity):
    lo, hi = sorted((p1, p2))
    s_lo = safety_under_pressure(base, lo, sensitivity)
    s_hi = safety_under_pressure(base, hi, sensitivity)
    assert 0.0 <= s_hi <= s_lo <= base
    assert safety_under_pressure(base, 0.0, sensitivity) == base
    if base > 1e-200 and sensitivity * (hi - lo) > 1e-9 and sensitivity * hi < 600:
        assert s_hi < s_lo


# ----------------------------------------------------------------------------- in the model
def quiet_model(name: str = "baseline", seed: int = 0, **params: float) -> AIRaceModel:
    """A model whose labs see the lead exactly (no intelligence noise), so perception is deterministic."""
    overrides = {"parameters.intel_noise_months": 0.0, **{f"parameters.{k}": v for k, v in params.items()}}
    return AIRaceModel(load_scenario(name).with_overrides(overrides), seed=seed)


def perceive_at(lab: Lab, us_lead: float) -> tuple[float, float, float, int]:
    """Set the model's (deployed and internal) lead, let the lab perceive it and propose a decision.

    Args:
        lab: A lab of a model.
        us_lead: The lead of the US bloc in months (negative: the PRC leads).

    Returns:
        ``(perceived lead, race pressure, proposed safety share, proposed testing quarters)``.

    """
    lab.model.lead_months = lab.model.lead_internal_months = us_lead
    lab.perceive()
    decision = lab.proposed_decision()
    return lab.perceived_lead_months, lab.race_pressure, decision.safety_share, decision.testing_quarters


@pytest.mark.parametrize("name", ["baseline", "loopholes"])
def test_smaller_perceived_lead_means_more_pressure_and_less_safety(name):
    model = quiet_model(name)
    grid = [0.0, 1.0, 3.0, 6.0, 12.0, 24.0]
    for lab in model.labs:
        sign = 1.0 if lab.bloc == "US" else -1.0
        # From the lab's own side, each bloc's lead grows along the grid; try both "ahead" and "behind".
        for side in (1.0, -1.0):
            rows = [perceive_at(lab, sign * side * g) for g in grid]
            perceived = [r[0] for r in rows]
            assert perceived == pytest.approx([side * g for g in grid])
            pressure = [r[1] for r in rows]
            safety = [r[2] for r in rows]
            testing = [r[3] for r in rows]
            assert all(x > y for x, y in zip(pressure, pressure[1:], strict=False)), (lab.seat, pressure)
            assert all(x < y for x, y in zip(safety, safety[1:], strict=False)), (lab.seat, safety)
            assert all(x <= y for x, y in zip(testing, testing[1:], strict=False)), (lab.seat, testing)
            assert safety[-1] <= lab.base_safety_share
    # Racing labs cut deeper than cautious ones at the same pressure.
    a, b = model.actor("us_lab_a"), model.actor("us_lab_b")  # cautious 0.20, racing 0.15
    _, _, safety_a, _ = perceive_at(a, 0.0)
    _, _, safety_b, _ = perceive_at(b, 0.0)
    assert safety_a / a.base_safety_share > safety_b / b.base_safety_share


def test_a_closer_race_raises_pressure_across_models():
    """Two scenarios that differ only in PRC compute: the closer race has more pressure and less safety.

    Doubling every PRC lab's starting compute narrows the lead by ``12 ln 2 / ln g`` months at the same
    seed (same random draws). In the first season every lab with the smaller perceived lead feels more
    pressure and keeps less safety (testing never longer).
    """
    base = load_scenario("baseline")
    closer = base.with_overrides({f"labs.{lab.id}.initial_compute_h100e": 2 * lab.initial_compute_h100e
                                  for lab in base.labs if lab.bloc == "PRC"})
    compared = 0
    for seed in range(30):
        far, near = AIRaceModel(base, seed=seed), AIRaceModel(closer, seed=seed)
        g = base.parameters.frontier_effective_compute_growth_per_year
        assert far.lead_months - near.lead_months == pytest.approx(12 * math.log(2) / math.log(g))
        far.step()
        near.step()
        for lab_far, lab_near in zip(far.labs, near.labs, strict=True):
            assert lab_far.seat == lab_near.seat
            if abs(lab_near.perceived_lead_months) < abs(lab_far.perceived_lead_months) - 1e-9:
                compared += 1
                assert lab_near.race_pressure > lab_far.race_pressure
                assert lab_near.safety_share < lab_far.safety_share
                assert lab_near.decision.testing_quarters <= lab_far.decision.testing_quarters
    assert compared >= 30 * 5, "most labs should perceive a closer race in the closer scenario"


def test_within_a_season_pressure_ranks_inversely_with_perceived_lead():
    """All labs share enmity and uncertainty in a season, so pressure is a function of |perceived lead|."""
    model = AIRaceModel("loopholes", seed=2).run_to_end()
    frame = model.datacollector.get_agenttype_vars_dataframe(Lab).iloc[len(model.labs):]
    checked = 0
    for _, season in frame.groupby(level="Step"):
        rows = sorted(zip(season["perceived_lead_months"].abs(), season["race_pressure"], strict=True))
        for (l1, p1), (l2, p2) in zip(rows, rows[1:], strict=False):
            if l2 - l1 > 1e-9:
                assert p1 > p2
                checked += 1
    assert checked > 30


SEEDS = range(60)


@pytest.fixture(scope="module")
def summaries() -> dict[str, list[dict]]:
    """Summaries of 60 seeds of tight_controls and loopholes."""
    return {name: [AIRaceModel(name, seed=s).run_to_end().summary() for s in SEEDS]
            for name in ("tight_controls", "loopholes")}


def mean_and_se(values: list[float]) -> tuple[float, float]:
    """Mean and standard error of the mean."""
    return statistics.fmean(values), statistics.stdev(values) / math.sqrt(len(values))


@pytest.mark.parametrize("key,sign", [("mean_race_pressure", 1), ("mean_safety_share", -1)])
def test_loopholes_race_harder_than_tight_controls(summaries, key, sign):
    loose, loose_se = mean_and_se([s[key] for s in summaries["loopholes"]])
    tight, tight_se = mean_and_se([s[key] for s in summaries["tight_controls"]])
    # Loopholes: more pressure (sign +1), less safety (sign -1), by more than 4 standard errors.
    assert sign * (loose - tight) > 4 * math.hypot(loose_se, tight_se), (key, loose, tight)


def test_loopholes_is_the_closer_race(summaries):
    loose = statistics.median(s["final_lead_months"] for s in summaries["loopholes"])
    tight = statistics.median(s["final_lead_months"] for s in summaries["tight_controls"])
    assert loose < tight


# ----------------------------------------------------------------------------- visibility both ways
def pressure_at_visibility(lead: float, visibility: float, noise: float = 4.0, scale: float = 6.0) -> float:
    """Race pressure at a perceived lead for a visibility, as a lab computes it (``sd = noise * (1 - v)``)."""
    return race_pressure(lead, noise * (1.0 - visibility), scale, 0.6)


@pytest.mark.parametrize("noise,scale", [(4.0, 6.0), (10.0, 6.0), (4.0, 2.0), (30.0, 12.0)])
def test_visibility_can_raise_or_lower_pressure(noise, scale):
    """More visibility (less uncertainty) raises pressure in a close race and lowers it in a wide one."""
    low_v, high_v = 0.1, 0.9
    close_race = pressure_at_visibility(0.0, high_v, noise, scale) - pressure_at_visibility(0.0, low_v, noise, scale)
    wide_race = (pressure_at_visibility(3 * scale + 2 * noise, high_v, noise, scale)
                 - pressure_at_visibility(3 * scale + 2 * noise, low_v, noise, scale))
    assert close_race > 0, "in a close race, seeing clearly that it is close should raise pressure"
    assert wide_race < 0, "in a wide race, seeing clearly that it is wide should lower pressure"


def test_visibility_sweep_crosses_over_at_some_lead():
    """Along the lead, the effect of visibility changes sign exactly once (from raising to lowering)."""
    effect = [pressure_at_visibility(lead / 4, 1.0) - pressure_at_visibility(lead / 4, 0.0) for lead in range(0, 121)]
    signs = [e > 0 for e in effect if abs(e) > 1e-12]
    assert signs[0] and not signs[-1]
    assert sum(a != b for a, b in zip(signs, signs[1:], strict=False)) == 1


def test_visibility_shows_both_ways_in_the_model():
    """The same lab, same lead: visibility 1 vs 0 (uncertainty 0 vs the full noise) flips with the lead.

    With visibility 1 the lab sees the lead exactly; with visibility 0 it sees the deployed lead with
    uncertainty ``intel_noise_months``, and draws no intelligence signal, so both are deterministic.
    """
    clear, blind = (AIRaceModel(load_scenario("baseline").with_overrides({"parameters.visibility": v}), seed=0)
                    for v in (1.0, 0.0))
    results = {}
    for lead in (0.5, 20.0):
        pressures = []
        for model in (clear, blind):
            lab = model.actor("us_lab_b")
            pressures.append(perceive_at(lab, lead)[1])
        results[lead] = pressures
    assert results[0.5][0] > results[0.5][1]  # close race: clear sight raises pressure
    assert results[20.0][0] < results[20.0][1]  # wide race: clear sight lowers pressure
