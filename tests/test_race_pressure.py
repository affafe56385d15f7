"""Safety-race pressure as a mechanism (issue 2, DESIGN §3).

- ``race_pressure`` falls as the perceived lead grows (either sign), rises with enmity;
- ``safety_under_pressure`` falls as pressure rises;
- in the model, a lab's pressure is the between-bloc term of the lead it perceives (at the end of each
  season, with the enmity of then) plus the within-bloc term of its own bloc's rivals; a lab that perceives a
  smaller lead feels more pressure and keeps a smaller safety share;
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
from wargame.mechanics import race_pressure, safety_under_pressure, within_bloc_pressure
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


@settings(max_examples=300, deadline=None)
@given(leads, uncertainties, scales, enmities, st.floats(1.0, 10.0), st.floats(1.0, 10.0))
def test_a_laggard_feels_more_pressure_than_a_leader_at_the_same_gap(lead, uncertainty, scale, enmity, k1, k2):
    """Asymmetric pressure (Stafford, Trager & Dafoe 2022): behind by L weighs at least as much as ahead by L,
    more so for a wider laggard range ``k``; it stays in [0, 1 + enmity] and is symmetric at ``k = 1``."""
    gap = abs(lead)
    lo, hi = sorted((k1, k2))
    behind_lo = race_pressure(-gap, uncertainty, scale, enmity, lo)
    behind_hi = race_pressure(-gap, uncertainty, scale, enmity, hi)
    ahead = race_pressure(gap, uncertainty, scale, enmity, lo)
    assert 0.0 <= ahead <= behind_lo + 1e-12 <= behind_hi + 2e-12 <= 1.0 + enmity + 3e-12
    # A leader that knows it leads feels the same whatever the laggard's range.
    assert race_pressure(gap, 0.0, scale, enmity, hi) == race_pressure(gap, 0.0, scale, enmity, lo)
    assert race_pressure(-gap, uncertainty, scale, enmity, 1.0) == pytest.approx(
        race_pressure(gap, uncertainty, scale, enmity, 1.0), rel=1e-12, abs=1e-300)


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
    seed (same random draws) and leaves every gap between labs of one bloc unchanged, so the within-bloc
    term of the pressure is the same in both. Labs perceive at the end of each season (at the start, before
    the first), and the first season's decisions follow that perception. Pressure is asymmetric (a laggard
    feels the race over a wider range), so a perceived lead is "closer" when it is on the same side of zero
    and smaller in size. Such a lab feels more pressure, then keeps less safety in the first season (testing
    never longer). Intelligence noise is off so that closeness is exactly a function of the perceived lead.
    """
    base = load_scenario("baseline").with_overrides({"parameters.intel_noise_months": 0.0})
    closer = base.with_overrides({f"labs.{lab.id}.initial_compute_h100e": 2 * lab.initial_compute_h100e
                                  for lab in base.labs if lab.bloc == "PRC"})
    g = base.parameters.frontier_effective_compute_growth_per_year
    compared = 0
    for seed in range(30):
        far, near = AIRaceModel(base, seed=seed), AIRaceModel(closer, seed=seed)
        assert far.lead_months - near.lead_months == pytest.approx(12 * math.log(2) / math.log(g))
        perceived = {lab.seat: (lab.perceived_lead_months, lab.race_pressure) for lab in near.labs}
        perceived_far = {lab.seat: (lab.perceived_lead_months, lab.race_pressure) for lab in far.labs}
        far.step()
        near.step()
        for lab_far, lab_near in zip(far.labs, near.labs, strict=True):
            assert lab_far.seat == lab_near.seat
            lead_near, pressure_near = perceived[lab_near.seat]
            lead_far, pressure_far = perceived_far[lab_far.seat]
            if lead_near * lead_far > 0 and abs(lead_near) < abs(lead_far) - 1e-9:
                compared += 1
                assert pressure_near > pressure_far, (seed, lab_near.seat, lead_near, lead_far)
                assert lab_near.safety_share < lab_far.safety_share, (seed, lab_near.seat)
                assert lab_near.decision.testing_quarters <= lab_far.decision.testing_quarters
    assert compared >= 30 * 5, "most labs should perceive a closer race in the closer scenario"


def within_term(lab: Lab) -> float:
    """The within-bloc term of a lab's pressure, from its own-bloc rivals' internal models."""
    model, p = lab.model, lab.model.params
    to_months = 12.0 / math.log(p.frontier_effective_compute_growth_per_year)
    gaps = [(lab.internal_capability - rival.internal_capability) * to_months
            for rival in model.labs if rival.bloc == lab.bloc and rival is not lab]
    return within_bloc_pressure(gaps, p.within_bloc_pressure_weight, p.pressure_scale_months)


@pytest.mark.parametrize("name", ["baseline", "tight_controls", "loopholes"])
def test_pressure_is_the_between_bloc_term_of_the_perceived_lead_plus_the_within_bloc_term(name):
    """At the end of every season each lab's pressure is ``race_pressure`` of what it perceives (with the enmity
    of now) plus ``within_bloc_pressure`` of its gaps to its own bloc's rivals; labs of one bloc share the
    perceived lead and its uncertainty."""
    model = AIRaceModel(name, seed=2)
    p = model.params
    seasons = 0
    while model.running:
        model.step()
        seasons += 1
        for bloc in ("US", "PRC"):
            labs = [lab for lab in model.labs if lab.bloc == bloc]
            assert len({(lab.perceived_lead_months, lab.perceived_uncertainty_months) for lab in labs}) == 1
            for lab in labs:
                between = race_pressure(lab.perceived_lead_months, lab.perceived_uncertainty_months,
                                        p.pressure_scale_months, model.enmity, p.laggard_pressure_scale)
                assert lab.race_pressure == pytest.approx(between + within_term(lab), rel=1e-12, abs=1e-15)
                assert within_term(lab) > 0.0, "every bloc has rivals, so the within-bloc term is felt"
    assert seasons == model.total_seasons


def test_within_a_season_pressure_ranks_inversely_with_perceived_lead():
    """With both blocs equally informed and symmetric pressure, the between-bloc term is a function of |lead|.

    Both governments' intelligence budgets are fixed at the same value (same uncertainty) and the laggard
    scale is 1, so in every season the bloc whose labs perceive the smaller lead (in size) feels the larger
    between-bloc pressure; within a bloc, a lab closer to its rivals feels more within-bloc pressure.
    """
    scenario = load_scenario("loopholes").with_overrides({
        "governments.us_gov.levers.intelligence_budget_musd": 20.0,
        "governments.prc_gov.levers.intelligence_budget_musd": 20.0,
        "parameters.laggard_pressure_scale": 1.0,
    })
    checked = 0
    for seed in range(4):
        model = AIRaceModel(scenario, seed=seed)
        while model.running:
            model.step()
            rows = sorted((abs(lab.perceived_lead_months), lab.race_pressure - within_term(lab)) for lab in model.labs)
            for (l1, p1), (l2, p2) in zip(rows, rows[1:], strict=False):
                if l2 - l1 > 1e-9:
                    assert p1 > p2, (seed, model.last_season, rows)
                    checked += 1
                else:
                    assert p1 == pytest.approx(p2, rel=1e-12)
            for bloc in ("US", "PRC"):
                labs = sorted((within_term(lab), lab.race_pressure) for lab in model.labs if lab.bloc == bloc)
                assert all(a[1] <= b[1] + 1e-12 for a, b in zip(labs, labs[1:], strict=False))
    assert checked >= 30


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
