"""Edge cases of the model core found by a new user: horizons, strict decisions, long games, big volumes."""

import pytest

from wargame.decisions import DecisionError
from wargame.model import AIRaceModel
from wargame.scenario import ScenarioError, load_scenario, resolve_scenario_path


def _with_end(tmp_path, end):
    source = resolve_scenario_path("baseline").read_text()
    path = tmp_path / "horizon.toml"
    path.write_text(source.replace('end = "2028Q4"', f'end = "{end}"'))
    return path


@pytest.mark.parametrize("end", ["2036Q1", "2060Q4", "9999Q4"])
def test_a_horizon_beyond_the_sources_is_rejected_by_validation(tmp_path, end):
    path = _with_end(tmp_path, end)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert str(exc.value) == f"{path}: field 'scenario.end': season must lie in 2024Q1..2035Q4 (got '{end}')"


def test_the_longest_allowed_game_runs_with_big_grey_market_volumes(tmp_path):
    """Policies grow smuggling and cloud volumes with the chip market; they must stay valid decisions."""
    scenario = load_scenario(_with_end(tmp_path, "2035Q4")).with_overrides({
        "smugglers.sea_network.base_volume_h100e": 1e8,
        "overseas_clouds.sea_cloud.capacity_h100e": 1e8,
    })
    model = AIRaceModel(scenario, seed=3).run_to_end()
    assert model.seasons_played == 38
    assert model.last_season == "2035Q4"
    smuggler = model.actor("sea_network")
    assert smuggler.decision.volume_h100e <= 1e9


@pytest.mark.parametrize(("levers", "field"), [
    ({"enforcement_budget_musd": "300"}, "enforcement_budget_musd"),
    ({"ally_pressure": True}, "ally_pressure"),
    ({"licences_downgraded": 1}, "licences_downgraded"),
    ({"remote_access_rule": "maybe"}, "remote_access_rule"),
    ({"anti_distillation": float("nan")}, "anti_distillation"),
    ({"export_promotion": 2.0}, "export_promotion"),
    ({"no_such_lever": 1.0}, "no_such_lever"),
])
def test_submitted_decisions_are_strictly_typed(levers, field):
    model = AIRaceModel("baseline", seed=1)
    with pytest.raises(DecisionError) as exc:
        model.submit_decision("us_gov", levers)
    assert f"us_government decision: {field}:" in str(exc.value)
    model.step()
    assert model.decision_log == [], "a refused decision is never applied"


def test_integers_are_accepted_for_float_levers():
    model = AIRaceModel("baseline", seed=1)
    decision = model.submit_decision("us_gov", {"enforcement_budget_musd": 300})
    assert decision.enforcement_budget_musd == 300.0


def test_a_lab_that_puts_almost_everything_into_safety_still_plays():
    scenario = load_scenario("baseline").with_overrides({"labs.us_lab_a.base_safety_share": 0.95})
    model = AIRaceModel(scenario, seed=2).run_to_end()
    lab = model.actor("us_lab_a")
    assert lab.decision.training_share >= 0.0
    assert lab.decision.safety_share + lab.decision.serving_share + lab.decision.training_share == pytest.approx(1)


def test_decisions_that_change_one_mechanism_leave_the_others_draws_alone():
    """Common random numbers: one generator per source of randomness.

    Stopping the fast follower's distillation changes whether the distillation stream is *used*, not how
    much of it (or of any other stream) is drawn, so smuggling volumes and the events deck stay identical.
    """
    def play(distil: bool) -> AIRaceModel:
        model = AIRaceModel("loopholes", seed=11)
        while model.running:
            if not distil:
                model.submit_decision("prc_lab_b", {"distillation_effort": 0.0})
                model.submit_decision("prc_lab_a", {"distillation_effort": 0.0})
            model.step()
        return model

    with_distillation, without = play(True), play(False)
    frame_a = with_distillation.datacollector.get_model_vars_dataframe()
    frame_b = without.datacollector.get_model_vars_dataframe()
    assert frame_a["distillation_gain_months"].sum() > 0
    assert frame_b["distillation_gain_months"].sum() == 0
    assert list(frame_a["smuggled_h100e"]) == list(frame_b["smuggled_h100e"])
    events = [(n["season"], n["text"]) for n in with_distillation.news if n["phase"] == "events"]
    assert events == [(n["season"], n["text"]) for n in without.news if n["phase"] == "events"]
    assert list(frame_a["lead_months"]) != list(frame_b["lead_months"])
