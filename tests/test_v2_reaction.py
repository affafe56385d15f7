"""Computer seats that react (issue 7, "Reaction").

In ``baseline`` with a ``reactive`` PRC government, a human US seat turns hawkish from the 3rd season on
(the levers of ``POLICIES["us_government"]["hawkish"]``). Compared with a twin game where the US keeps the
status quo (same seed):

- the PRC cannot see the US move of a season before it makes its own (moves within a season are
  simultaneous), so its decisions up to the 3rd season are the twin's;
- within two seasons it answers with more subsidies, more tolerance of smuggling and retaliation;
- enmity rises above the twin's (tighter controls and retaliation are hostile acts) and stays above it;
- the reactive allies follow the US pressure, and back off for a season when Beijing retaliates hard.
"""

from __future__ import annotations

import pytest

from wargame.model import AIRaceModel
from wargame.policies import POLICIES
from wargame.scenario import load_scenario

TURN = 3  # the season (1-based) from which the US seat plays hawkish


def play_pair(seed: int) -> tuple[list[dict], list[dict]]:
    """Play the hawkish-turn game and its status-quo twin; per season, the PRC decision, enmity and allies."""
    scenario = load_scenario("baseline").with_overrides({"governments.prc_gov.policy": "reactive",
                                                        "governments.us_gov.policy": "status_quo"})
    hawkish = POLICIES["us_government"]["hawkish"]({})
    status_quo = POLICIES["us_government"]["status_quo"]({})
    games = AIRaceModel(scenario, seed=seed), AIRaceModel(scenario, seed=seed)
    records: tuple[list[dict], list[dict]] = ([], [])
    for season in range(1, games[0].total_seasons + 1):
        for model, levers, record in zip(games, (hawkish, status_quo), records, strict=True):
            if season >= TURN:
                model.submit_decision("us_gov", levers)  # a human seat, in both games
            model.step()
            record.append({"prc": model.actor("prc_gov").decision.model_dump(), "enmity": model.enmity,
                           "alignment": [g.decision.control_alignment for g in model.governments
                                         if g.role == "ally"],
                           "us": model.actor("us_gov").decision.model_dump()})
    return records


@pytest.mark.parametrize("seed", range(5))
def test_a_reactive_prc_answers_a_hawkish_turn_within_two_seasons(seed):
    hawk, twin = play_pair(seed)
    assert hawk[TURN - 1]["us"]["remote_access_rule"] == "ban" and twin[TURN - 1]["us"]["remote_access_rule"] == "open"
    # Up to and including the turn, the PRC decides as in the twin: it has not seen the move yet.
    for season in range(TURN):
        assert hawk[season]["prc"] == twin[season]["prc"], season + 1
    # Within two seasons of the turn: subsidies, tolerance of smuggling and retaliation all rise.
    window = range(TURN, TURN + 2)
    for lever in ("domestic_subsidy_busd", "smuggling_tolerance", "retaliation"):
        assert any(hawk[s]["prc"][lever] > twin[s]["prc"][lever] + 1e-9 for s in window), (lever, seed)
    answer = hawk[TURN]["prc"]
    assert answer["retaliation"] >= 0.3, "the first answer is real retaliation, not a token one"
    assert answer["buy_domestic"] > twin[TURN]["prc"]["buy_domestic"], "cut off from licences, it buys at home"
    # The PRC keeps answering while the US stays hawkish (its subsidies stay above the twin's).
    for season in range(TURN, len(hawk)):
        assert hawk[season]["prc"]["domestic_subsidy_busd"] > twin[season]["prc"]["domestic_subsidy_busd"]
        assert hawk[season]["prc"]["smuggling_tolerance"] > twin[season]["prc"]["smuggling_tolerance"]


@pytest.mark.parametrize("seed", range(5))
def test_enmity_rises_above_the_twins_after_the_hawkish_turn(seed):
    hawk, twin = play_pair(seed)
    for season in range(TURN - 1):
        assert hawk[season]["enmity"] == twin[season]["enmity"]
    # The turn itself (tighter controls) raises enmity at once; retaliation keeps it above the twin's.
    assert hawk[TURN - 1]["enmity"] > twin[TURN - 1]["enmity"] + 0.1
    for season in range(TURN - 1, len(hawk)):
        assert hawk[season]["enmity"] > twin[season]["enmity"], season + 1
    assert hawk[-1]["enmity"] > hawk[TURN - 2]["enmity"] + 0.3, "enmity is a state: it stays raised"


def test_reactive_allies_follow_us_pressure_and_back_off_under_retaliation():
    """Allies see the US pressure of the turn a season later and align more; the PRC's sharp retaliation that
    same season makes them back off the next; with retaliation eased, they stay above the twin's alignment."""
    hawk, twin = play_pair(0)
    first, hit = TURN, TURN + 1  # 0-based indices of the 4th and 5th seasons
    assert all(a > b for a, b in zip(hawk[first]["alignment"], twin[first]["alignment"], strict=True))
    assert hawk[first]["prc"]["retaliation"] > hawk[hit]["prc"]["retaliation"]
    assert all(a < b for a, b in zip(hawk[hit]["alignment"], hawk[first]["alignment"], strict=True))
    assert all(a > b for a, b in zip(hawk[-1]["alignment"], twin[-1]["alignment"], strict=True))
