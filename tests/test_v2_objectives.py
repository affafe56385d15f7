"""Seat objectives and scores (issue 7, "Objectives and scores for every seat").

- ``summary()`` has ``score_<seat>`` for every seat, the DataCollector a column of the same name whose last
  value equals the summary's, and ``score_breakdown`` components sum to the score;
- components are the documented quantities: checked against the DataCollector's own record of the lead,
  adoption and incidents;
- the scenario's ``[objectives]`` weights scale the score: weight 0 removes a component, weight 2 doubles it,
  and the game itself (what seats do) does not change;
- a bad weight (negative, NaN, too large, unknown component or kind) is refused with a message naming the
  file and the field.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from agents.lab import Lab
from wargame.model import AIRaceModel
from wargame.scenario import ScenarioError, load_scenario, resolve_scenario_path
from wargame.scoring import COMPONENTS

SCENARIOS = ("baseline", "tight_controls", "loopholes")


@pytest.fixture(scope="module")
def played() -> dict[str, AIRaceModel]:
    """One finished game per shipped scenario (seed 3)."""
    return {name: AIRaceModel(name, seed=3).run_to_end() for name in SCENARIOS}


@pytest.mark.parametrize("name", SCENARIOS)
def test_summary_and_datacollector_score_every_seat(played, name):
    model = played[name]
    summary = model.summary()
    frame = model.datacollector.get_model_vars_dataframe()
    scores = model.seat_scores()
    seats = [actor.seat for actor in model.seats()]
    assert list(scores) == seats
    for seat in seats:
        key = f"score_{seat}"
        assert key in summary and key in frame.columns, key
        assert math.isfinite(summary[key])
        assert summary[key] == scores[seat]
        assert frame[key].iloc[-1] == summary[key]
        assert frame[key].iloc[0] == 0.0, "nothing is scored before the first season"
        breakdown = model.score_breakdown(seat)
        assert list(breakdown) == list(COMPONENTS[model.actor(seat).kind])
        assert math.fsum(breakdown.values()) == pytest.approx(scores[seat], rel=1e-12, abs=1e-12)
    # No stray score columns for seats that do not exist.
    assert sorted(c for c in frame.columns if c.startswith("score_")) == sorted(f"score_{s}" for s in seats)
    # Scores move: every seat's score changes over the game.
    still = [seat for seat in seats if frame[f"score_{seat}"].nunique() == 1]
    assert still == [], still


def test_score_is_recorded_every_season_as_the_running_total():
    model = AIRaceModel("baseline", seed=8)
    totals = []
    while model.running:
        model.step()
        totals.append(model.seat_scores())
    frame = model.datacollector.get_model_vars_dataframe()
    for seat in model.seat_scores():
        assert list(frame[f"score_{seat}"].iloc[1:]) == [t[seat] for t in totals]


def test_unknown_seat_has_no_score_breakdown():
    from wargame.decisions import DecisionError

    model = AIRaceModel("baseline", seed=0)
    with pytest.raises(DecisionError, match="unknown seat 'nobody'"):
        model.score_breakdown("nobody")


def test_components_are_the_documented_quantities():
    """Weights 1 and one severity point per incident: the components are sums the DataCollector also records."""
    unit = {f"objectives.incident_severity.{tier}": 1.0 for tier in ("minor", "major", "catastrophic")}
    scenario = load_scenario("loopholes").with_overrides(unit)
    model = AIRaceModel(scenario, seed=5).run_to_end()
    frame = model.datacollector.get_model_vars_dataframe().iloc[1:]
    w_us = scenario.objectives.us_government
    w_prc = scenario.objectives.prc_government
    us, prc = model.score_breakdown("us_gov"), model.score_breakdown("prc_gov")
    # The US scores years of lead; the PRC the opposite (parity).
    assert us["lead"] == pytest.approx(w_us.lead * frame["lead_months"].sum() / 12.0, rel=1e-9)
    assert prc["parity"] == pytest.approx(-w_prc.parity * frame["lead_months"].sum() / 12.0, rel=1e-9)
    assert us["adoption"] == pytest.approx(w_us.adoption * (2.0 * (frame["adoption_share_us"] - 0.5)).sum(), rel=1e-9)
    assert prc["adoption"] == pytest.approx(-w_prc.adoption * (2.0 * (frame["adoption_share_us"] - 0.5)).sum(),
                                            rel=1e-9)
    assert us["licence_revenue"] == pytest.approx(w_us.licence_revenue * frame["us_licence_revenue_musd"].sum()
                                                  / 1000.0, rel=1e-9)
    # Every incident costs each government its severity (one point each here); a lab only its own.
    incidents = frame["incidents"].sum()
    assert us["incidents"] == pytest.approx(-w_us.incidents * incidents)
    assert prc["incidents"] == pytest.approx(-w_prc.incidents * incidents)
    labs = model.datacollector.get_agenttype_vars_dataframe(Lab)
    w_lab = scenario.objectives.lab
    for lab in model.labs:
        own = labs[labs["seat"] == lab.seat]["incidents"].sum()
        assert model.score_breakdown(lab.seat)["incidents"] == pytest.approx(-w_lab.incidents * own)
        assert model.score_breakdown(lab.seat)["revenue"] == pytest.approx(
            w_lab.revenue * labs[labs["seat"] == lab.seat]["revenue_busd"].iloc[1:].sum(), rel=1e-9)
    assert incidents > 0, "pick a seed with incidents so the check means something"
    # Spending is a cost: fiscal components are never positive, and the US spends something every season.
    assert us["fiscal"] < 0 and prc["fiscal"] < 0


def with_weights(name: str, weights: dict[str, float], seed: int = 4) -> AIRaceModel:
    """A finished game of a scenario with some objective weights overridden."""
    scenario = load_scenario(name).with_overrides({f"objectives.{k}": v for k, v in weights.items()})
    return AIRaceModel(scenario, seed=seed).run_to_end()


@pytest.mark.parametrize("kind,seat,component", [
    ("us_government", "us_gov", "fiscal"),
    ("us_government", "us_gov", "lead"),
    ("prc_government", "prc_gov", "self_sufficiency"),
    ("lab", "us_lab_b", "capability"),
    ("lab", "prc_lab_b", "revenue"),
    ("ally_government", "nl_gov", "us_relations"),
    ("smuggler", "sea_network", "profit"),
])
def test_objective_weights_scale_their_component(kind, seat, component):
    default = with_weights("baseline", {})
    zero = with_weights("baseline", {f"{kind}.{component}": 0.0})
    weight = getattr(load_scenario("baseline").objectives.for_kind(kind), component)
    doubled = with_weights("baseline", {f"{kind}.{component}": 2.0 * weight})
    base_parts = default.score_breakdown(seat)
    assert base_parts[component] != 0.0, "the component must count in the default game"
    # Weights are what a seat plays for, not mechanics: the game is the same.
    assert zero.datacollector.get_model_vars_dataframe()["lead_months"].equals(
        default.datacollector.get_model_vars_dataframe()["lead_months"])
    zero_parts, doubled_parts = zero.score_breakdown(seat), doubled.score_breakdown(seat)
    assert zero_parts[component] == 0.0
    assert doubled_parts[component] == pytest.approx(2.0 * base_parts[component], rel=1e-12)
    for other, value in base_parts.items():
        if other != component:
            assert zero_parts[other] == pytest.approx(value, rel=1e-12, abs=1e-15)
    assert zero.summary()[f"score_{seat}"] == pytest.approx(default.summary()[f"score_{seat}"]
                                                            - base_parts[component], rel=1e-9, abs=1e-12)
    # Other kinds' scores do not move with this kind's weights.
    other_seat = "prc_gov" if kind != "prc_government" else "us_gov"
    assert zero.seat_scores()[other_seat] == default.seat_scores()[other_seat]


def test_incident_severity_weights_set_what_an_incident_costs():
    """Severity points per tier are objectives too: with every tier at 0 points, incidents cost nobody."""
    default = with_weights("loopholes", {}, seed=5)
    free = with_weights("loopholes", {"incident_severity.minor": 0.0, "incident_severity.major": 0.0,
                                      "incident_severity.catastrophic": 0.0}, seed=5)
    assert default.cumulative_incidents > 0
    assert default.score_breakdown("us_gov")["incidents"] < 0.0
    assert free.score_breakdown("us_gov")["incidents"] == 0.0
    assert free.cumulative_incidents == default.cumulative_incidents
    for lab in free.labs:
        assert free.score_breakdown(lab.seat)["incidents"] == 0.0
    assert any(default.score_breakdown(lab.seat)["incidents"] < 0.0 for lab in default.labs)


# ----------------------------------------------------------------------------- bad weights
BASELINE_TEXT = resolve_scenario_path("baseline").read_text(encoding="utf-8")


@pytest.mark.parametrize("section,line,field,expect", [
    ("objectives.us_government", "lead = -1.0", "objectives.us_government.lead", r"greater than or equal to 0"),
    ("objectives.lab", "revenue = nan", "objectives.lab.revenue", r"finite number"),
    ("objectives.prc_government", "parity = inf", "objectives.prc_government.parity", r"finite number"),
    ("objectives.smuggler", "profit = 1e9", "objectives.smuggler.profit", r"less than or equal to 100"),
    ("objectives.us_government", "leed = 1.0", "objectives.us_government.leed",
     r"unknown field 'leed'; allowed: lead, adoption, incidents"),
    ("objectives.martians", "lead = 1.0", "objectives.martians", r"unknown field 'martians'; allowed: us_government"),
    ("objectives.incident_severity", "major = -2.0", "objectives.incident_severity.major",
     r"greater than or equal to 0"),
    ("objectives.lab", 'capability = "1.0"', "objectives.lab.capability", r"valid number"),
])
def test_a_bad_weight_is_refused_naming_file_and_field(tmp_path: Path, section, line, field, expect):
    path = tmp_path / "bad_objectives.toml"
    path.write_text(f"{BASELINE_TEXT}\n[{section}]\n{line}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    message = str(exc.value)
    assert message.startswith(str(path)), message
    assert f"field '{field}'" in message, message
    assert re.search(expect, message), message


def test_a_good_weight_in_a_file_is_used(tmp_path: Path):
    path = tmp_path / "weights.toml"
    path.write_text(f"{BASELINE_TEXT}\n[objectives.us_government]\nfiscal = 0.0\nlead = 3.0\n", encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.objectives.us_government.fiscal == 0.0
    assert scenario.objectives.us_government.lead == 3.0
    # Weights not given keep their defaults.
    assert scenario.objectives.us_government.adoption == load_scenario("baseline").objectives.us_government.adoption
    model = AIRaceModel(scenario, seed=1).run_to_end()
    assert model.score_breakdown("us_gov")["fiscal"] == 0.0


@pytest.mark.parametrize("value", [-0.5, float("nan"), float("inf")])
def test_a_bad_weight_override_is_refused(value):
    with pytest.raises(ScenarioError, match=r"objectives\.lab\.incidents"):
        load_scenario("baseline").with_overrides({"objectives.lab.incidents": value})
