"""Levers offered per seat and partial decisions (issue 7, "A lever that cannot apply to a seat is not offered").

- a US lab is not offered ``distillation_effort``, a PRC lab not ``distillation_defence``, the PRC domestic
  chain only ``yield_ramp`` (chipmakers' levers follow their role);
- submitting a lever not offered raises ``DecisionError`` naming the seat and the lever; a scenario that fixes
  one fails validation, naming the file and the field;
- a lab gives its three compute shares together or gets a clear error;
- a partial decision is completed when the seat acts, from its policy's proposal made then (after the seat
  perceived the season and saw the governments' moves of this season), exactly as a seat with no submission.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.lab import Lab
from wargame.decisions import DECISION_MODELS, DecisionError, offered_levers
from wargame.gamelog import game_log, replay
from wargame.model import AIRaceModel
from wargame.policies import POLICIES
from wargame.scenario import ScenarioError, load_scenario, resolve_scenario_path

LAB_SHARES = ("training_share", "safety_share", "serving_share")


@pytest.fixture
def model() -> AIRaceModel:
    return AIRaceModel("baseline", seed=1)


def test_labs_are_offered_only_the_distillation_lever_of_their_bloc(model):
    for lab in model.labs:
        if lab.bloc == "US":
            assert "distillation_effort" not in lab.levers and "distillation_defence" in lab.levers, lab.seat
        else:
            assert "distillation_defence" not in lab.levers and "distillation_effort" in lab.levers, lab.seat
        assert set(LAB_SHARES) <= set(lab.levers)
    assert offered_levers("lab", None, "US") == tuple(n for n in DECISION_MODELS["lab"].model_fields
                                                      if n != "distillation_effort")


def test_chipmakers_are_offered_the_levers_of_their_role(model):
    by_role = {c.role: set(c.levers) for c in model.chipmakers}
    assert by_role["domestic_chain"] == {"yield_ramp"}
    assert by_role["accelerator_designer"] == {"compliant_downgraded", "customer_checks"}
    for role in ("foundry", "tool_maker", "memory_maker"):
        assert by_role[role] == {"customer_checks"}, role


def test_governments_smugglers_and_clouds_are_offered_every_lever_of_their_kind(model):
    for actor in model.seats():
        if actor.kind not in ("lab", "chipmaker"):
            assert actor.levers == tuple(DECISION_MODELS[actor.kind].model_fields), actor.seat
    assert {"intelligence_budget_musd", "safety_dialogue"} <= set(model.actor("us_gov").levers)
    assert {"intelligence_budget_musd", "safety_dialogue"} <= set(model.actor("prc_gov").levers)


@pytest.mark.parametrize("seat,lever,value", [
    ("us_lab_a", "distillation_effort", 0.5),
    ("us_lab_c", "distillation_effort", 0.0),
    ("prc_lab_b", "distillation_defence", 0.9),
    ("prc_chain", "customer_checks", 0.5),
    ("prc_chain", "compliant_downgraded", False),
    ("tw_foundry", "yield_ramp", 0.2),
    ("nl_toolmaker", "compliant_downgraded", True),
])
def test_submitting_a_lever_not_offered_is_refused(model, seat, lever, value):
    with pytest.raises(DecisionError) as exc:
        model.submit_decision(seat, {lever: value})
    message = str(exc.value)
    assert f"lever {lever!r}" in message and f"seat {seat!r}" in message, message
    assert "its levers: " + ", ".join(model.actor(seat).levers) in message
    model.step()
    assert model.decision_log == [], "a refused decision is never applied"


def test_a_whole_decision_object_is_cut_to_the_offered_levers(model):
    """A full ``LabDecision`` (which has both distillation fields) may be submitted: only offered levers count."""
    lab = model.actor("us_lab_b")
    full = DECISION_MODELS["lab"](training_share=0.5, safety_share=0.2, serving_share=0.3, distillation_effort=0.9)
    model.submit_decision(lab.seat, full)
    model.step()
    entry = model.decision_log[-1]
    assert entry["seat"] == lab.seat
    assert set(entry["levers"]) == set(lab.levers)
    assert lab.decision.safety_share == 0.2


@pytest.mark.parametrize("override", [
    {"labs.us_lab_a.levers.distillation_effort": 0.5},
    {"labs.prc_lab_b.levers.distillation_defence": 1.0},
    {"chipmakers.prc_chain.levers.customer_checks": 0.9},
    {"chipmakers.kr_memory.levers.compliant_downgraded": False},
])
def test_a_scenario_fixing_a_lever_not_offered_fails_validation(override):
    (path, value), = override.items()
    group, seat, _, lever = path.split(".")
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline").with_overrides(override)
    message = str(exc.value)
    assert f"levers' (seat {seat})" in message, message
    assert f"lever {lever!r} does not apply to seat {seat!r}" in message, message
    assert message.startswith(f"baseline with overrides: field '{group}[")


def test_a_scenario_file_fixing_a_lever_not_offered_names_file_and_field(tmp_path: Path):
    text = resolve_scenario_path("baseline").read_text(encoding="utf-8")
    anchor = 'id = "us_lab_a"\nname = "US frontier lab A"\nbloc = "US"\n'
    assert anchor in text
    path = tmp_path / "us_lab_distils.toml"
    path.write_text(text.replace(anchor, anchor + "levers = { distillation_effort = 0.7 }\n"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    message = str(exc.value)
    assert message.startswith(str(path)), message
    assert "field 'labs[0].levers' (seat us_lab_a)" in message
    assert "lever 'distillation_effort' does not apply to seat 'us_lab_a'" in message


@pytest.mark.parametrize("given", [
    {"safety_share": 0.5},
    {"training_share": 0.9},
    {"serving_share": 0.1, "testing_quarters": 2},
    {"training_share": 0.6, "safety_share": 0.4},
])
def test_a_lab_giving_only_some_of_its_shares_gets_a_clear_error(model, given):
    with pytest.raises(DecisionError) as exc:
        model.submit_decision("us_lab_a", given)
    message = str(exc.value)
    assert "give training_share, safety_share and serving_share together" in message
    given_shares = ", ".join(s for s in LAB_SHARES if s in given)
    assert f"got only {given_shares}" in message
    model.step()
    assert model.decision_log == []


def test_three_shares_that_do_not_sum_to_one_are_refused(model):
    with pytest.raises(DecisionError, match="must sum to 1"):
        model.submit_decision("prc_lab_a", {"training_share": 0.5, "safety_share": 0.3, "serving_share": 0.3})


def twins(seed: int, seasons: int) -> tuple[AIRaceModel, AIRaceModel]:
    """Two identical baseline games after ``seasons`` seasons."""
    a, b = AIRaceModel("baseline", seed=seed), AIRaceModel("baseline", seed=seed)
    for _ in range(seasons):
        a.step()
        b.step()
    return a, b


@pytest.mark.parametrize("seed", [0, 6, 13])
def test_a_partial_lab_decision_is_completed_from_the_proposal_made_when_the_lab_acts(seed):
    """Only testing is given; the rest comes from the policy when the lab acts, as for a lab nobody plays.

    In the same season the US government turns hawkish (in both twins). The lab acts after the governments,
    so its proposal sees the new anti-distillation rules (its distillation defence follows them), unlike the
    proposal ``submit_decision`` could make before the season was played.
    """
    with_human, twin = twins(seed, 2)
    hawkish = POLICIES["us_government"]["hawkish"]({})
    for model in (with_human, twin):
        model.submit_decision("us_gov", hawkish)
    as_submitted = with_human.submit_decision("us_lab_b", {"testing_quarters": 3})
    with_human.step()
    twin.step()
    applied, free = with_human.actor("us_lab_b").decision, twin.actor("us_lab_b").decision
    assert applied.testing_quarters == 3 != free.testing_quarters
    for lever in with_human.actor("us_lab_b").levers:
        if lever != "testing_quarters":
            assert getattr(applied, lever) == getattr(free, lever), lever
    # The safety share is the policy's proposal from the pressure the lab perceived at the end of last season.
    assert applied.safety_share == twin.actor("us_lab_b").decision.safety_share < with_human.actor(
        "us_lab_b").base_safety_share
    # The defence follows the rules in force this season (hawkish anti-distillation 0.9), not last season's.
    assert applied.distillation_defence == pytest.approx(min(1.0, 0.2 + 0.5 * hawkish["anti_distillation"]))
    assert as_submitted.distillation_defence != applied.distillation_defence
    # The log holds the applied decision, so a replay is exact.
    entry = [e for e in with_human.decision_log if e["seat"] == "us_lab_b"][-1]
    assert entry["levers"]["safety_share"] == applied.safety_share
    assert entry["levers"]["testing_quarters"] == 3
    replayed = replay(game_log(with_human))
    assert replayed.datacollector.get_agenttype_vars_dataframe(Lab).equals(
        with_human.datacollector.get_agenttype_vars_dataframe(Lab))


def test_a_partial_government_decision_keeps_the_reactive_policy_for_the_rest():
    """A human PRC seat that sets only its subsidy still retaliates as the reactive policy proposes then."""
    a, b = twins(4, 3)
    for model in (a, b):
        model.submit_decision("us_gov", POLICIES["us_government"]["hawkish"]({}))
        model.step()
    a.submit_decision("prc_gov", {"domestic_subsidy_busd": 40.0})
    a.step()
    b.step()
    applied, free = a.actor("prc_gov").decision, b.actor("prc_gov").decision
    assert applied.domestic_subsidy_busd == 40.0 != free.domestic_subsidy_busd
    for lever in ("retaliation", "smuggling_tolerance", "buy_domestic", "safety_dialogue", "open_weights_push"):
        assert getattr(applied, lever) == getattr(free, lever), lever
    assert free.retaliation > 0.0, "the reactive PRC answers the hawkish turn"
