"""Fixes from a new user's trial of model v2: observations are copies, caps on impossible volumes,
decisions of the wrong kind, merged submissions, quiet broken pipes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from wargame.decisions import DecisionError, LabDecision
from wargame.model import AIRaceModel


def test_changing_an_observation_never_changes_the_game():
    plain, poked = AIRaceModel("baseline", seed=4), AIRaceModel("baseline", seed=4)
    while plain.running:
        view = poked.observe("us_gov")
        view["rules"]["us_government"]["enforcement_budget_musd"] = 999.0
        view["previous_rules"]["prc_government"]["retaliation"] = 1.0
        for item in view["news"]:
            item["text"] = "poked"
        with pytest.raises(ValidationError):
            view["params"].enmity = 5.0
        plain.step()
        poked.step()
    assert poked.lead_months == plain.lead_months
    assert poked.seat_scores() == plain.seat_scores()
    assert all(n["text"] != "poked" for n in poked.news)


def test_a_smuggler_cannot_ship_more_chips_than_exist():
    model = AIRaceModel("baseline", seed=2)
    while model.running:
        model.submit_decision("sea_network", {"volume_h100e": 1e9})
        model.submit_decision("sea_cloud", {"capacity_offered_h100e": 1e9, "kyc_compliance": 0.0})
        model.step()
        assert model.smugglers[0].shipped_h100e <= model.smuggling_supply_limit() + 1e-6
        cap = model.params.cloud_max_capacity_multiple * model.clouds[0].base_capacity_h100e * model.chip_market_index
        assert model.clouds[0].rented_h100e <= cap + 1e-6
    assert any("could source only" in n["text"] for n in model.news)


def test_a_decision_object_of_another_kind_is_refused():
    model = AIRaceModel("baseline", seed=0)
    with pytest.raises(DecisionError, match="USGovernmentDecision"):
        model.submit_decision("us_gov", LabDecision())
    with pytest.raises(DecisionError, match="dict"):
        model.submit_decision("us_gov", None)  # type: ignore[arg-type]


def test_two_submissions_in_one_season_merge():
    model = AIRaceModel("baseline", seed=0)
    model.submit_decision("us_gov", {"enforcement_budget_musd": 500.0})
    model.submit_decision("us_gov", {"revenue_share": 0.2})
    model.step()
    applied = model.actor("us_gov").decision
    assert applied.enforcement_budget_musd == 500.0 and applied.revenue_share == 0.2
    assert model.decision_log[-1]["levers"]["enforcement_budget_musd"] == 500.0


def test_a_reader_that_goes_away_is_not_an_error():
    """`wargame scenarios | head -1`: the write fails with a broken pipe; the command exits 0, silently."""
    code = ("import sys, wargame.cli as cli\n"
            "def gone(args):\n    raise BrokenPipeError(32, 'Broken pipe')\n"
            "cli.cmd_scenarios = gone\nsys.exit(cli.main(['scenarios']))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Broken pipe" not in result.stderr and "error" not in result.stderr
