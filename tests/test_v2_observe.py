"""What a seat sees: ``model.observe(seat)`` (issue 7, "Seats see what they can see").

- a seat sees its own bloc's internal and deployed models, and only the other bloc's deployed models: no
  internal capability of the other bloc, nor the true internal lead or the other bloc's true compute, is
  anywhere in its observation;
- it gets a noisy intelligence estimate of the other bloc, whose stated sd shrinks with its government's
  ``intelligence_budget_musd`` and with the scenario's ``visibility``, and whose actual error shrinks too;
- the observation is plain data (no live model objects), and every policy decides from it alone: with the
  observation held fixed, changing hidden state changes no proposal.
"""

from __future__ import annotations

import copy
import math
import statistics
from typing import Any

import pytest
from pydantic import BaseModel

from wargame.model import AIRaceModel
from wargame.policies import POLICIES
from wargame.scenario import load_scenario


def leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every leaf of an observation with its path; pydantic objects (the public parameters) are walked too."""
    if isinstance(node, BaseModel):
        node = node.model_dump()
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in leaves(value, f"{path}.{key}")]
    if isinstance(node, list | tuple):
        return [leaf for i, value in enumerate(node) for leaf in leaves(value, f"{path}[{i}]")]
    return [(path, node)]


def played(name: str = "baseline", seed: int = 0, seasons: int = 4, **overrides: Any) -> AIRaceModel:
    """A model after a few seasons (so that internal and deployed models differ)."""
    scenario = load_scenario(name).with_overrides(overrides) if overrides else load_scenario(name)
    model = AIRaceModel(scenario, seed=seed)
    for _ in range(seasons):
        model.step()
    return model


@pytest.mark.parametrize("name,seed", [("baseline", 0), ("loopholes", 2), ("tight_controls", 5)])
def test_a_seat_sees_its_own_bloc_fully_and_only_the_other_blocs_deployed_models(name, seed):
    model = played(name, seed)
    checked_hidden = 0
    internal_lead_hidden = set()
    for actor in model.seats():
        obs = model.observe(actor.seat)
        bloc, other = actor.bloc, ("PRC" if actor.bloc == "US" else "US")
        assert obs["seat"] == actor.seat and obs["bloc"] == bloc and obs["kind"] == actor.kind
        own = {lab.seat: lab for lab in model.labs if lab.bloc == bloc}
        theirs = {lab.seat: lab for lab in model.labs if lab.bloc == other}
        assert set(obs["own_bloc_labs"]) == set(own)
        for seat, view in obs["own_bloc_labs"].items():
            assert view["internal_capability"] == own[seat].internal_capability
            assert view["deployed_capability"] == own[seat].deployed_capability
            assert view["stock_h100e"] == own[seat].stock_h100e
        assert obs["other_bloc_deployed"] == {seat: lab.deployed_capability for seat, lab in theirs.items()}
        # Nothing hidden anywhere: the other bloc's internal models (where they differ from what it deployed),
        # the true internal lead, the other bloc's true compute and stocks, and the intelligence draws.
        hidden = {f"internal_capability of {seat}": lab.internal_capability for seat, lab in theirs.items()
                  if abs(lab.internal_capability - lab.deployed_capability) > 1e-9}
        hidden |= {f"stock_h100e of {seat}": lab.stock_h100e for seat, lab in theirs.items()}
        hidden |= {f"compute of {other}": model.compute_h100e(other),
                   "intel_error": model.intel_error[bloc], "intel_compute_error": model.intel_compute_error[bloc]}
        if model.best_internal_capability(other) != model.best_deployed_capability(other):
            internal_lead_hidden.add(bloc)
            hidden |= {"lead_internal_months": model.lead_internal_months,
                       "-lead_internal_months": -model.lead_internal_months,
                       f"best internal of {other}": model.best_internal_capability(other)}
        checked_hidden += len(hidden)
        for path, value in leaves(obs):
            if isinstance(value, float):
                for what, secret in hidden.items():
                    assert not math.isclose(value, secret, rel_tol=1e-12, abs_tol=0.0), (actor.seat, path, what)
    assert checked_hidden > 100
    assert "PRC" in internal_lead_hidden, "the US tests before it releases: PRC seats must not see its internal lead"


def test_the_observation_is_plain_data():
    """No live model object leaks into an observation (a policy could otherwise reach the hidden state)."""
    model = played("baseline", 2)
    for actor in model.seats():
        for path, value in leaves(model.observe(actor.seat)):
            assert value is None or isinstance(value, bool | int | float | str), (actor.seat, path, type(value))


def test_news_shows_only_public_lines_and_the_own_blocs_private_ones():
    model = played("loopholes", 1, seasons=6)
    private = [n for n in model.news if n.get("audience") not in (None, "public")]
    assert private, "loopholes has undetected distillation, which only the PRC knows"
    for actor in model.seats():
        for line in model.observe(actor.seat)["news"]:
            assert line["audience"] in ("public", actor.bloc), (actor.seat, line)


def sd_at(budget: float, visibility: float, seat: str = "us_lab_a") -> tuple[float, float]:
    """The stated sd of the lead estimate (months) and of the compute estimate (log) a seat sees at the start."""
    model = AIRaceModel(load_scenario("baseline").with_overrides({
        "parameters.visibility": visibility,
        "governments.us_gov.levers.intelligence_budget_musd": budget}), seed=0)
    obs = model.observe(seat)
    return obs["estimate_sd_months"], obs["compute_estimate_sd_log"]


def test_the_estimate_sd_shrinks_with_the_intelligence_budget_and_with_visibility():
    budgets = (0.0, 20.0, 100.0, 400.0, 1000.0)
    for seat in ("us_gov", "us_lab_a", "sea_cloud"):  # every US seat gets its government's intelligence
        by_budget = [sd_at(b, 0.3, seat) for b in budgets]
        for (lead_a, comp_a), (lead_b, comp_b) in zip(by_budget, by_budget[1:], strict=False):
            assert lead_b < lead_a and comp_b < comp_a, (seat, by_budget)
        assert by_budget[0][0] == pytest.approx(load_scenario("baseline").parameters.intel_noise_months * 0.7)
    visibilities = (0.0, 0.3, 0.6, 0.9, 1.0)
    by_visibility = [sd_at(20.0, v) for v in visibilities]
    for (lead_a, comp_a), (lead_b, comp_b) in zip(by_visibility, by_visibility[1:], strict=False):
        assert lead_b < lead_a and comp_b < comp_a, by_visibility
    assert by_visibility[-1] == (0.0, 0.0), "full visibility: the estimate is exact"
    # The US budget sharpens only the US estimate: the PRC's estimate of the US does not change.
    assert sd_at(0.0, 0.3, "prc_gov") == sd_at(1000.0, 0.3, "prc_gov")


def estimate_errors(budget: float, seeds: range) -> tuple[list[float], list[float]]:
    """Per seed, the US estimate's error about the true internal lead (months) and about PRC compute (log)."""
    lead_errors, compute_errors = [], []
    scenario = load_scenario("baseline").with_overrides({"governments.us_gov.levers.intelligence_budget_musd": budget})
    for seed in seeds:
        model = AIRaceModel(scenario, seed=seed)
        for _ in range(4):
            model.step()
        obs = model.observe("us_gov")
        lead_errors.append(obs["estimated_lead_months"] - model.lead_internal_months)
        compute_errors.append(math.log(obs["estimated_other_compute_h100e"] / model.compute_h100e("PRC")))
    return lead_errors, compute_errors


def test_more_intelligence_gives_a_more_accurate_estimate_over_seeds():
    seeds = range(60)
    lead_low, compute_low = estimate_errors(0.0, seeds)
    lead_high, compute_high = estimate_errors(400.0, seeds)
    rms = lambda xs: math.sqrt(statistics.fmean(x * x for x in xs))  # noqa: E731
    assert rms(lead_high) < 0.5 * rms(lead_low), (rms(lead_high), rms(lead_low))
    assert rms(compute_high) < 0.5 * rms(compute_low), (rms(compute_high), rms(compute_low))
    # The noise is real: with no budget the estimate is off by a spread near the stated sd.
    stated = sd_at(0.0, 0.3)[1]
    assert 0.7 * stated < statistics.stdev(compute_low) < 1.3 * stated


def test_policies_decide_from_the_observation_alone(monkeypatch):
    """Hold each seat's observation fixed, change hidden state: no seat's proposal changes.

    The US government plays ``reactive`` here, so that hidden changes do move what it would see (its estimate
    of the lead), which shows the fixed observation is what holds its proposal still.
    """
    model = played("baseline", 7, seasons=3, **{"governments.us_gov.policy": "reactive"})
    fixed = {actor.seat: copy.deepcopy(model.observe(actor.seat)) for actor in model.seats()}
    before = {actor.seat: actor.proposed_decision() for actor in model.seats()}
    policy_outputs = {(actor.seat, name): policy(copy.deepcopy(fixed[actor.seat]))
                      for actor in model.seats() for name, policy in POLICIES[actor.kind].items()}
    # Hidden state: every internal model, the true internal lead, the intelligence draws and the stocks.
    for lab in model.labs:
        lab.internal_capability += 2.0
        lab.stock_h100e *= 3.0
    model.lead_internal_months -= 15.0
    model.intel_error = {"US": 3.0, "PRC": -3.0}
    model.intel_compute_error = {"US": 2.0, "PRC": -2.0}
    assert model.observe("us_gov")["estimated_lead_months"] != fixed["us_gov"]["estimated_lead_months"]
    assert model.actor("us_gov").proposed_decision() != before["us_gov"], "the change is visible when re-observed"
    monkeypatch.setattr(model, "observe", lambda seat: copy.deepcopy(fixed[seat]))
    for actor in model.seats():
        assert actor.proposed_decision() == before[actor.seat], actor.seat
        for name, policy in POLICIES[actor.kind].items():
            assert policy(copy.deepcopy(fixed[actor.seat])) == policy_outputs[(actor.seat, name)], (actor.seat, name)
