"""Named policies: how computer-played seats fill their decision each season.

A policy is a function ``(agent, model) -> dict`` of lever values. The scenario picks one per seat
(``policy = "hawkish"``) and may fix some levers (``levers = {...}``), which override the policy's values.
Lever values here are illustrative settings of the archetypes, not forecasts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wargame.mechanics import safety_under_pressure, seizure_probability

if TYPE_CHECKING:  # pragma: no cover
    from wargame.model import AIRaceModel

Policy = Callable[[Any, "AIRaceModel"], dict[str, Any]]

#: Upper bound of the smuggling and cloud levers (H100e per quarter); policies that grow volumes with the
#: chip market stop there, so long games never propose an invalid decision.
MAX_FLOW_H100E = 1e9


def _us_status_quo(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.15, "licences_downgraded": True, "revenue_share": 0.15,
            "enforcement_budget_musd": 25.0, "remote_access_rule": "open", "ally_pressure": 0.4,
            "anti_distillation": 0.3, "export_promotion": 0.3}


def _us_hawkish(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.0, "licences_downgraded": False, "revenue_share": 0.0,
            "enforcement_budget_musd": 150.0, "remote_access_rule": "ban", "ally_pressure": 0.9,
            "anti_distillation": 0.9, "export_promotion": 0.8}


def _us_dovish(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.5, "licences_downgraded": True, "revenue_share": 0.15,
            "enforcement_budget_musd": 10.0, "remote_access_rule": "open", "ally_pressure": 0.1,
            "anti_distillation": 0.1, "export_promotion": 0.2}


def _prc_status_quo(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 5.0, "buy_domestic": 0.3, "smuggling_tolerance": 0.7,
            "retaliation": 0.1, "open_weights_push": 0.5}


def _prc_hawkish(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 15.0, "buy_domestic": 0.7, "smuggling_tolerance": 1.0,
            "retaliation": 0.5, "open_weights_push": 0.8}


def _prc_dovish(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 3.0, "buy_domestic": 0.1, "smuggling_tolerance": 0.3,
            "retaliation": 0.0, "open_weights_push": 0.3}


def _ally(base: float, pressure_weight: float) -> Policy:
    def policy(agent: Any, model: AIRaceModel) -> dict[str, Any]:
        us_pressure = model.government("us").decision.ally_pressure
        return {"control_alignment": min(1.0, max(0.0, base + pressure_weight * us_pressure))}

    return policy


def _lab(sensitivity_param: str, distillation_effort: float) -> Policy:
    def policy(agent: Any, model: AIRaceModel) -> dict[str, Any]:
        params = model.params
        sensitivity = getattr(params, sensitivity_param)
        safety = safety_under_pressure(agent.base_safety_share, agent.race_pressure, sensitivity)
        testing = round(safety_under_pressure(agent.base_testing_quarters, agent.race_pressure, sensitivity))
        serving = min(0.3, 1.0 - safety)  # illustrative serving share, never more than what safety leaves
        us = model.government("us").decision
        prc = model.government("prc").decision
        return {
            "safety_share": safety,
            "serving_share": serving,
            "training_share": 1.0 - safety - serving,
            "testing_quarters": int(testing),
            "release": True,
            "open_weights": agent.bloc == "PRC" and prc.open_weights_push >= 0.5,
            "distillation_effort": distillation_effort if agent.distils else 0.0,
            "distillation_defence": min(1.0, 0.2 + 0.5 * us.anti_distillation) if agent.bloc == "US" else 0.0,
        }

    return policy


def _chipmaker(customer_checks: float, yield_ramp: float) -> Policy:
    def policy(agent: Any, model: AIRaceModel) -> dict[str, Any]:
        return {"compliant_downgraded": True, "customer_checks": customer_checks, "yield_ramp": yield_ramp}

    return policy


def _smuggler_profit_seeking(agent: Any, model: AIRaceModel) -> dict[str, Any]:
    """Volume by expected profit against detection risk.

    Base volume (the seat's ``base_volume_h100e``, grown with the chip market) scaled up when legal sales
    are cut off, down with the expected seizure share, and by the PRC's tolerance.
    """
    params = model.params
    us = model.government("us").decision
    prc = model.government("prc").decision
    legal_open = 1.0 if (us.licences_downgraded and us.chip_threshold_h100e > 0) else 0.0
    demand = 1.0 + params.smuggling_demand_boost * (1.0 - legal_open)
    risk = seizure_probability(us.enforcement_budget_musd, params.seizure_rate_per_musd)
    deterrence = (1.0 - risk) ** params.smuggling_deterrence
    tolerance = 0.5 + prc.smuggling_tolerance
    volume = agent.base_volume_h100e * model.chip_market_index * demand * deterrence * tolerance
    return {"volume_h100e": min(volume, MAX_FLOW_H100E)}


def _cloud(kyc_compliance: float) -> Policy:
    def policy(agent: Any, model: AIRaceModel) -> dict[str, Any]:
        return {"capacity_offered_h100e": min(agent.base_capacity_h100e * model.chip_market_index, MAX_FLOW_H100E),
                "kyc_compliance": kyc_compliance}

    return policy


POLICIES: dict[str, dict[str, Policy]] = {
    "us_government": {"status_quo": _us_status_quo, "hawkish": _us_hawkish, "dovish": _us_dovish},
    "prc_government": {"status_quo": _prc_status_quo, "hawkish": _prc_hawkish, "dovish": _prc_dovish},
    "ally_government": {"status_quo": _ally(0.3, 0.5), "hawkish": _ally(0.95, 0.05), "dovish": _ally(0.1, 0.2)},
    "lab": {"racing": _lab("racing_safety_cut", 0.8), "cautious": _lab("cautious_safety_cut", 0.3)},
    "chipmaker": {"compliant": _chipmaker(0.7, 0.5), "revenue_first": _chipmaker(0.3, 0.8)},
    "smuggler": {"profit_seeking": _smuggler_profit_seeking},
    "overseas_cloud": {"compliant": _cloud(0.9), "lax": _cloud(0.3)},
}


def policy_names(kind: str) -> list[str]:
    """Names of the policies available to an actor kind."""
    return list(POLICIES[kind])
