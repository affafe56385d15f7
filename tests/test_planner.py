"""Computer seats that plan (issue 9, item 6): ``wargame.planner`` and the ``planner`` policy.

Games are ``baseline`` cut to six seasons (2026Q3..2027Q4), as in tests/test_futures.py, so a planner seat's
game takes well under a second and the file stays fast.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

from wargame import planner as pl
from wargame.decisions import DecisionError
from wargame.gamelog import game_log, replay
from wargame.model import AIRaceModel
from wargame.planner import PlannerError, plan, plan_report, sample_world, score_candidates
from wargame.policies import PLANNER, PLANNER_FALLBACK, POLICIES, describe_policy, policy_names
from wargame.scenario import ScenarioError, load_scenario, validate_scenario

END = "2027Q4"  # six seasons from 2026Q3


def short(**overrides):
    """``baseline`` cut to six seasons, with dotted overrides (e.g. a seat's policy)."""
    data = load_scenario("baseline").model_dump(mode="json")
    data["scenario"]["end"] = END
    scenario = validate_scenario(data, source="short baseline")
    return scenario.with_overrides(overrides) if overrides else scenario


def planner_game(seat: str = "us_gov", seed: int = 5, kind: str = "governments", **extra) -> AIRaceModel:
    return AIRaceModel(short(**{f"{kind}.{seat}.policy": PLANNER}, **extra), seed=seed)


def trajectory(model: AIRaceModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def stream_states(model: AIRaceModel) -> dict:
    states = {"draw_seeds": model.draw_seeds.tolist(), "rng": model.rng.bit_generator.state}
    return states


# ----------------------------------------------------------------------------------------------- registration


@pytest.mark.parametrize("kind", ["us_government", "prc_government", "ally_government", "lab"])
def test_planner_is_a_named_policy_of_governments_and_labs(kind):
    assert PLANNER in policy_names(kind)
    assert describe_policy(kind, PLANNER).startswith("Looks ahead")
    # Without a model to copy it plays its fallback policy.
    assert POLICIES[kind][PLANNER] is POLICIES[kind][PLANNER_FALLBACK[kind]]


def test_planner_is_not_offered_to_other_kinds_and_a_scenario_says_so():
    assert PLANNER not in policy_names("chipmaker")
    with pytest.raises(ScenarioError, match=r"unknown policy 'planner' for a chipmaker; allowed: compliant"):
        short(**{"chipmakers.us_designer.policy": PLANNER})


def test_a_planner_seat_starts_from_its_fallback_rules():
    """Before the first season (the rules in force at the start) a planner plays its fallback, ``reactive``."""
    planned = planner_game()
    reactive = AIRaceModel(short(**{"governments.us_gov.policy": "reactive"}), seed=5)
    assert planned.public_rules == reactive.public_rules
    assert planned.actor("us_gov").policy == PLANNER


# ----------------------------------------------------------------------------------------------- determinism


def test_a_plan_is_deterministic_and_the_choice_is_the_argmax():
    a, b = AIRaceModel(short(), seed=3), AIRaceModel(short(), seed=3)
    a.step()
    b.step()
    ra, rb = plan_report(a, "us_gov"), plan_report(b, "us_gov")
    np.testing.assert_array_equal(ra.scores, rb.scores)
    assert ra.labels == rb.labels and ra.decisions == rb.decisions and ra.chosen == rb.chosen
    assert ra.scores.shape == (len(ra.labels), pl.DEFAULT_ROLLOUTS) and len(ra.labels) <= pl.DEFAULT_CANDIDATES
    np.testing.assert_allclose(ra.means, ra.scores.mean(axis=1))
    np.testing.assert_allclose(ra.ses, ra.scores.std(axis=1, ddof=1) / math.sqrt(ra.scores.shape[1]))
    assert ra.chosen == int(np.argmax(ra.means))
    assert ra.means[ra.chosen] == ra.means.max()
    offered = a.actor("us_gov").levers
    assert plan(a, "us_gov") == {k: v for k, v in ra.levers.items() if k in offered}
    # Another seed gives other rollouts.
    other = plan_report(a, "us_gov", seed=4)
    assert not np.array_equal(other.play_seeds, ra.play_seeds)


def test_candidates_start_with_the_fallback_and_are_capped():
    model = AIRaceModel(short(), seed=3)
    report = plan_report(model, "us_gov", candidates=5, rollouts=1)
    assert report.labels[0].split("+")[0] == "reactive"
    names = [n for label in report.labels for n in label.split("+")]
    assert sorted(names) == sorted(["reactive", "status_quo", "hawkish", "dovish", pl.KEEP])
    assert len({repr(sorted(d.items())) for d in report.decisions}) == len(report.decisions), "merged duplicates"
    # K = 1: only the fallback's proposal, so the planner plays exactly what `reactive` would.
    reactive = AIRaceModel(short(**{"governments.us_gov.policy": "reactive"}), seed=3)
    assert plan(reactive, "us_gov", candidates=1, rollouts=1) == reactive.default_decision("us_gov")


def test_two_games_with_a_planner_seat_on_the_same_seed_are_identical():
    a, b = planner_game(seed=8).run_to_end(), planner_game(seed=8).run_to_end()
    pd.testing.assert_frame_equal(trajectory(a), trajectory(b))
    assert a.seat_scores() == b.seat_scores()
    assert a.decision_history == b.decision_history
    assert all(e["by"] == "computer" for e in a.decision_history)
    # The planner does play: it does not always do what its fallback would.
    fallback = AIRaceModel(short(**{"governments.us_gov.policy": "reactive"}), seed=8).run_to_end()
    mine = [e["levers"] for e in a.decision_history if e["seat"] == "us_gov"]
    assert mine != [e["levers"] for e in fallback.decision_history if e["seat"] == "us_gov"]


def test_a_saved_planner_game_replays_exactly():
    model = planner_game(seat="us_lab_a", kind="labs", seed=2)
    for _ in range(3):
        model.step()
    again = replay(game_log(model))
    pd.testing.assert_frame_equal(trajectory(again), trajectory(model))
    assert again.seat_scores() == model.seat_scores()


# ----------------------------------------------------------------------------------------------- common numbers


def test_candidates_share_the_rollouts_worlds_and_seeds():
    """Identical candidates score identically rollout by rollout (paired), while rollouts differ."""
    model = AIRaceModel(short(), seed=6)
    model.step()
    decision = model.actor("us_gov").decision.model_dump()
    play_seeds, world_seeds = pl.planner_seeds(6, 1, "us_gov", 3)
    scores, worlds = score_candidates(model, "us_gov", (decision, dict(decision)), play_seeds, world_seeds)
    np.testing.assert_array_equal(scores[0], scores[1])
    assert len(set(scores[0])) == 3, "each rollout has its own world and draws"
    assert len({w["lead_draw_months"] for w in worlds}) == 3
    # Rollout r is the same whatever M: the first two of three are the two of two.
    two = score_candidates(model, "us_gov", (decision,), *pl.planner_seeds(6, 1, "us_gov", 2))[0]
    np.testing.assert_array_equal(two[0], scores[0, :2])


def test_every_rollout_of_the_ensemble_is_that_rollout_played_alone():
    """Lane k * M + r of the planner's ensemble equals world r, reseeded, playing candidate k as a single game."""
    model = AIRaceModel(short(), seed=8)
    model.step()
    model.step()
    labels, decisions = pl.candidate_decisions(model, "prc_gov", 3)
    play_seeds, world_seeds = pl.planner_seeds(8, model.seasons_played, "prc_gov", 2)
    scores, _ = score_candidates(model, "prc_gov", decisions, play_seeds, world_seeds)
    assert scores.shape == (len(decisions), 2) and len(labels) == len(decisions) >= 2
    offered = model.actor("prc_gov").levers
    for k, decision in enumerate(decisions):
        for r, (play_seed, world_seed) in enumerate(zip(play_seeds, world_seeds, strict=True)):
            alone = pl._rollout_copy(model)
            for actor in alone.seats():
                if actor.policy == PLANNER or actor.seat == "prc_gov":
                    actor.policy = PLANNER_FALLBACK[actor.kind]
            sample_world(alone, "prc_gov", np.random.default_rng(world_seed))
            alone.reseed(int(play_seed))
            alone.submit_decision("prc_gov", {name: decision[name] for name in offered})
            alone.run_to_end()
            assert scores[k, r] == pytest.approx(alone.seat_scores()["prc_gov"], rel=1e-12, abs=1e-12), (k, r)


# ----------------------------------------------------------------------------------------------- the game is untouched


def test_planning_draws_nothing_from_the_game_and_changes_nothing():
    model = AIRaceModel(short(), seed=9)
    model.step()
    before_states, before_scores = stream_states(model), model.seat_scores()
    before_obs = model.observe("prc_gov")
    plan_report(model, "prc_gov")
    plan_report(model, "us_lab_a")
    assert stream_states(model) == before_states
    assert model.seat_scores() == before_scores
    after_obs = model.observe("prc_gov")
    assert {k: v for k, v in after_obs.items() if k != "params"} == {
        k: v for k, v in before_obs.items() if k != "params"}


@pytest.mark.parametrize("seat, group", [("us_gov", "governments"), ("prc_lab_a", "labs")])
def test_a_planner_seat_plays_the_game_its_plans_submitted_by_hand_play(seat, group):
    """The planner seat == its fallback seat given plan()'s levers each season: same trajectory, same draws."""
    seated = planner_game(seat=seat, kind=group, seed=12).run_to_end()
    by_hand = AIRaceModel(short(**{f"{group}.{seat}.policy": "reactive"}), seed=12)
    while by_hand.running:
        by_hand.submit_decision(seat, plan(by_hand, seat))
        by_hand.step()
    pd.testing.assert_frame_equal(trajectory(seated), trajectory(by_hand))
    assert seated.seat_scores() == by_hand.seat_scores()
    assert stream_states(seated) == stream_states(by_hand)
    assert [e["levers"] for e in seated.decision_history] == [e["levers"] for e in by_hand.decision_history]


# ----------------------------------------------------------------------------------------------- beliefs


def _worlds(visibility: float, n: int = 60) -> tuple[list[dict], dict, float]:
    model = AIRaceModel(short(**{"parameters.visibility": visibility}), seed=4)
    model.step()
    model.step()
    seen = model.observe("us_gov")
    draws = [sample_world(copy.deepcopy(model), "us_gov", np.random.default_rng(i)) for i in range(n)]
    return draws, seen, model.lead_internal_months


def test_the_hidden_lead_is_drawn_from_the_seats_belief_and_sharpens_with_visibility():
    spreads = {}
    for visibility in (0.2, 0.7):
        draws, seen, truth = _worlds(visibility)
        leads = np.array([d["lead_draw_months"] for d in draws])
        assert seen["estimate_sd_months"] > 0
        sd = seen["estimate_sd_months"]
        assert abs(leads.mean() - seen["estimated_lead_months"]) < 4 * sd / math.sqrt(len(leads))
        assert 0.7 < leads.std(ddof=1) / seen["estimate_sd_months"] < 1.3
        assert all(d["true_lead_months"] == truth for d in draws)
        assert not np.any(leads == truth), "the worlds are drawn, not the truth"
        spreads[visibility] = leads.std(ddof=1)
    assert spreads[0.7] < spreads[0.2]


def test_at_full_visibility_the_world_is_the_truth():
    draws, seen, truth = _worlds(1.0, n=5)
    assert seen["estimate_sd_months"] == 0.0 and seen["compute_estimate_sd_log"] == 0.0
    for d in draws:
        assert d["lead_months"] == pytest.approx(truth, abs=1e-9)
        assert d["other_compute_h100e"] == pytest.approx(d["true_other_compute_h100e"], rel=1e-12)


def test_a_sampled_world_keeps_what_the_seat_sees():
    model = AIRaceModel(short(), seed=4)
    model.step()
    model.step()
    seen = model.observe("us_gov")
    changed = 0
    for i in range(20):
        world = copy.deepcopy(model)
        drawn = sample_world(world, "us_gov", np.random.default_rng(i))
        again = world.observe("us_gov")
        for key in ("estimated_lead_months", "estimate_sd_months", "estimated_other_compute_h100e"):
            assert again[key] == pytest.approx(seen[key], rel=1e-9, abs=1e-9), key
        for key in ("deployed_lead_months", "own_bloc_labs", "other_bloc_deployed", "rules", "enmity", "own"):
            assert again[key] == seen[key], key
        changed += world.lead_internal_months != model.lead_internal_months
        assert drawn["other_compute_h100e"] == pytest.approx(world.compute_h100e("PRC"))
        # The lead reaches the draw unless the other bloc would fall below its deployed models.
        assert drawn["lead_months"] <= drawn["lead_draw_months"] + 1e-9 or drawn["lead_months"] == pytest.approx(
            drawn["lead_draw_months"])
        if drawn["lead_draw_months"] <= drawn["true_lead_months"]:  # the other side is stronger: no floor
            assert drawn["lead_months"] == pytest.approx(drawn["lead_draw_months"])
    assert changed > 5


# ----------------------------------------------------------------------------------------------- recursion, input


def test_two_planner_seats_finish_and_never_plan_inside_a_rollout(monkeypatch):
    calls = []
    real = pl.plan_report

    def counting(model, seat, **kwargs):
        calls.append((model.seasons_played, seat))
        return real(model, seat, **kwargs)

    monkeypatch.setattr(pl, "plan_report", counting)
    model = AIRaceModel(short(**{"governments.us_gov.policy": PLANNER, "governments.prc_gov.policy": PLANNER}),
                        seed=1).run_to_end()
    assert not model.running and model.seasons_played == 6
    assert calls == [(k, seat) for k in range(6) for seat in ("us_gov", "prc_gov")]


def test_bad_requests_are_refused_by_name():
    model = AIRaceModel(short(), seed=0)
    with pytest.raises(DecisionError, match=r"unknown seat 'nobody'; seats: us_gov"):
        plan(model, "nobody")
    with pytest.raises(PlannerError, match=r"a chipmaker seat cannot plan"):
        plan(model, "us_designer")
    for bad in (0, -1, True, 2.0, "3"):
        with pytest.raises(PlannerError, match=r"candidates \(K\) must be an integer from 1 to 1000"):
            plan(model, "us_gov", candidates=bad)
        with pytest.raises(PlannerError, match=r"rollouts \(M\) must be an integer from 1 to 1000"):
            plan(model, "us_gov", rollouts=bad)
    with pytest.raises(PlannerError, match=r"seed must be a non-negative integer"):
        plan(model, "us_gov", seed=-1)
    model.run_to_end()
    with pytest.raises(PlannerError, match=r"the game is over \(6 seasons played\)"):
        plan(model, "us_gov")
