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


def _resign(log: dict) -> dict:
    """Recompute a log's checksum after editing it (the checksum guards against accidents, not forgers)."""
    from wargame.gamelog import _checksum

    body = {k: v for k, v in log.items() if k != "checksum"}
    return {**body, "checksum": _checksum(body)}


def test_replay_refuses_a_log_claiming_more_seasons_than_its_scenario_has():
    from wargame.gamelog import GameLogError, game_log, replay

    log = game_log(AIRaceModel("loopholes", seed=7).run_to_end())
    for claimed in (11, 10**9):
        with pytest.raises(GameLogError, match=f"claims {claimed} seasons played, but its scenario has 10"):
            replay(_resign({**log, "seasons_played": claimed}))


def test_replay_refuses_an_entry_for_a_season_outside_the_game():
    from wargame.gamelog import GameLogError, game_log, replay

    model = AIRaceModel("baseline", seed=7)
    model.step()
    log = game_log(model)
    forged = _resign({**log, "injects": [{"season": "2031Q3", "event": "smuggling_bust"}]})
    with pytest.raises(GameLogError, match="entry for season '2031Q3', outside the 1 seasons it played"):
        replay(forged)


def test_deeply_nested_json_is_not_a_game_log():
    from wargame.gamelog import GameLogError, parse_game_log

    with pytest.raises(GameLogError, match="nested too deeply"):
        parse_game_log("[" * 100_000)


@pytest.mark.parametrize(("override", "message"), [
    ({"parameters.pressure_scale_months": 1e-10}, "parameters.pressure_scale_months"),
    ({"labs.us_lab_a.initial_compute_h100e": 1.0}, "labs[0].initial_compute_h100e"),
])
def test_degenerate_values_that_used_to_overflow_are_rejected(override, message):
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_scenario("baseline").with_overrides(override)


def test_the_same_inject_twice_in_one_season_is_rejected():
    twice = [{"season": "2027Q1", "event": "smuggling_bust"}] * 2
    with pytest.raises(ScenarioError, match=r"events.scheduled\[1\]'\: smuggling_bust is already scheduled"):
        load_scenario("baseline").with_overrides({"events.scheduled": twice})


def test_the_news_says_when_a_remote_access_ban_leaks_through_lax_clouds():
    model = AIRaceModel("loopholes", seed=1)
    model.submit_decision("us_gov", {"remote_access_rule": "ban"})
    model.step()
    lines = [n["text"] for n in model.news if n["phase"] == "grey market"]
    assert any("still rents" in line and "under the ban rule" in line for line in lines), lines
