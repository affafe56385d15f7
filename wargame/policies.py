"""Named policies: how computer-played seats fill their decision each season.

A policy is a function ``(observation) -> dict`` of lever values, where the observation is
:meth:`wargame.model.AIRaceModel.observe` for the seat: what the seat can know, never the hidden state.
The scenario picks one per seat (``policy = "hawkish"``) and may fix some levers (``levers = {...}``), which
override the policy's values.

Two families:

* **static** archetypes (``status_quo``, ``hawkish``, ``dovish``, ``racing``, ``cautious``, ...): fixed
  lever settings, kept for comparison;
* **reactive** policies that answer what the seat observes and the other side's last public moves;
* the **planner** (:data:`PLANNER`, governments and labs) looks ahead: each season it plays candidate decisions
  out to the horizon in copies of the game (:mod:`wargame.planner`). It needs the model, not only an
  observation, so :meth:`agents.base.Actor.proposed_decision` calls the planner for it; its entry in
  :data:`POLICIES` is what it plays when it does not look ahead, its fallback (:data:`PLANNER_FALLBACK`).

Lever values and reaction coefficients are illustrative settings of the archetypes, not forecasts.
:data:`POLICY_DESCRIPTIONS` says what each does in one plain sentence, for the UI and the docs.

Policies serve one game or R runs at once (:mod:`wargame.ensemble.lanes`): an observation's numbers (and the
numeric attributes of ``params``) are numbers or numpy arrays of shape ``(R,)``, its flags bools or bool
arrays, the US remote-access rule a str or a str array; each lever comes back as a number, the same in every
run, or an ``(R,)`` array (numpy scalars in a single game, which the model turns into Python values). What a
seat is (its bloc, whether a lab distils, its base safety share and testing, a firm's base capacity) is the
same in every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from wargame.ensemble.lanes import where
from wargame.mechanics import control_index, optimal_smuggling_volume, safety_under_pressure, seizure_probability

Observation = dict[str, Any]
Policy = Callable[[Observation], dict[str, Any]]

#: Upper bound of the smuggling and cloud levers (H100e per quarter); policies that grow volumes with the
#: chip market stop there, so long games never propose an invalid decision.
MAX_FLOW_H100E = 1e9


def _clip(x: Any, lo: float = 0.0, hi: float = 1.0) -> Any:
    """``x`` (a number or an (R,) array) clipped to [lo, hi]."""
    return np.clip(x, lo, hi)


def us_control_index(rules: dict[str, Any]) -> Any:
    """The control index (:func:`wargame.mechanics.control_index`) of public US rules (a decision dict).

    Each rule is a number (bool, str) or an (R,) array; the index has their broadcast shape.
    """
    return control_index(rules["chip_threshold_h100e"], rules["licences_downgraded"],
                         rules["enforcement_budget_musd"], rules["remote_access_rule"], rules["ally_pressure"],
                         rules["anti_distillation"])


# ------------------------------------------------------------------------------------------ US government
def _us_status_quo(obs: Observation) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.15, "licences_downgraded": True, "revenue_share": 0.15,
            "enforcement_budget_musd": 25.0, "remote_access_rule": "open", "ally_pressure": 0.4,
            "anti_distillation": 0.3, "export_promotion": 0.3, "intelligence_budget_musd": 20.0,
            "safety_dialogue": 0.1}


def _us_hawkish(obs: Observation) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.0, "licences_downgraded": False, "revenue_share": 0.0,
            "enforcement_budget_musd": 150.0, "remote_access_rule": "ban", "ally_pressure": 0.9,
            "anti_distillation": 0.9, "export_promotion": 0.8, "intelligence_budget_musd": 60.0,
            "safety_dialogue": 0.0}


def _us_dovish(obs: Observation) -> dict[str, Any]:
    return {"chip_threshold_h100e": 0.5, "licences_downgraded": True, "revenue_share": 0.15,
            "enforcement_budget_musd": 10.0, "remote_access_rule": "open", "ally_pressure": 0.1,
            "anti_distillation": 0.1, "export_promotion": 0.2, "intelligence_budget_musd": 10.0,
            "safety_dialogue": 0.4}


def _us_reactive(obs: Observation) -> dict[str, Any]:
    """Tighten as the estimated lead shrinks below ~15 months, loosen when comfortable; talk after incidents."""
    lead = obs["estimated_lead_months"]
    tight = _clip((15.0 - lead) / 10.0)
    prc = obs["rules"]["prc_government"]
    rule = where(tight > 0.66, "ban", where(tight > 0.33, "kyc", "open"))
    shaken = obs["major_incidents_last_season"] > 0
    return {
        "chip_threshold_h100e": where(tight < 0.8, np.round(0.3 * (1.0 - tight), 3), 0.0),
        "licences_downgraded": tight < 0.8,
        "revenue_share": 0.15,
        "enforcement_budget_musd": 25.0 + 175.0 * tight,
        "remote_access_rule": rule,
        "ally_pressure": _clip(0.3 + 0.6 * tight + 0.2 * prc["retaliation"]),
        "anti_distillation": 0.2 + 0.7 * tight,
        "export_promotion": where(obs["adoption_share_us"] < 0.5, 0.6, 0.3),
        "intelligence_budget_musd": 20.0 + 60.0 * tight,
        "safety_dialogue": where(shaken, 0.6, _clip(0.1 + 0.1 * obs["enmity"] - 0.1 * tight)),
    }


# ------------------------------------------------------------------------------------------ PRC government
def _prc_status_quo(obs: Observation) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 5.0, "buy_domestic": 0.3, "smuggling_tolerance": 0.7,
            "retaliation": 0.1, "open_weights_push": 0.5, "intelligence_budget_musd": 20.0, "safety_dialogue": 0.1}


def _prc_hawkish(obs: Observation) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 15.0, "buy_domestic": 0.7, "smuggling_tolerance": 1.0,
            "retaliation": 0.5, "open_weights_push": 0.8, "intelligence_budget_musd": 60.0, "safety_dialogue": 0.0}


def _prc_dovish(obs: Observation) -> dict[str, Any]:
    return {"domestic_subsidy_busd": 3.0, "buy_domestic": 0.1, "smuggling_tolerance": 0.3,
            "retaliation": 0.0, "open_weights_push": 0.3, "intelligence_budget_musd": 10.0, "safety_dialogue": 0.4}


def _prc_reactive(obs: Observation) -> dict[str, Any]:
    """Answer US tightening with subsidies, tolerance of smuggling and retaliation; push harder when behind."""
    us_now = us_control_index(obs["rules"]["us_government"])
    us_before = us_control_index(obs["previous_rules"]["us_government"])
    tightened = np.maximum(0.0, us_now - us_before)
    behind = _clip(-obs["estimated_lead_months"] / 12.0)  # own sign: negative when the US leads
    us = obs["rules"]["us_government"]
    cut_off = np.logical_or(np.logical_not(us["licences_downgraded"]), us["chip_threshold_h100e"] <= 0)
    shaken = obs["major_incidents_last_season"] > 0
    hostile = np.maximum(0.0, obs["enmity"] - 0.6)  # a hostile climate mobilises Beijing beyond the rules themselves
    return {
        "domestic_subsidy_busd": 3.0 + 12.0 * us_now + 8.0 * behind + 6.0 * hostile,
        "buy_domestic": where(cut_off, 0.8, 0.2 + 0.3 * us_now),
        "smuggling_tolerance": _clip(0.4 + 0.6 * us_now + 0.2 * hostile),
        "retaliation": _clip(2.0 * tightened + 0.8 * us_now - 0.2),
        "open_weights_push": where(obs["adoption_share_us"] > 0.5, 0.8, 0.5),
        "intelligence_budget_musd": 20.0 + 60.0 * us_now,
        "safety_dialogue": where(shaken, 0.6, _clip(0.3 - 0.3 * us_now)),
    }


# ------------------------------------------------------------------------------------------ allies
def _ally(base: float, pressure_weight: float) -> Policy:
    def policy(obs: Observation) -> dict[str, Any]:
        us_pressure = obs["rules"]["us_government"]["ally_pressure"]
        return {"control_alignment": _clip(base + pressure_weight * us_pressure)}

    return policy


def _ally_reactive(obs: Observation) -> dict[str, Any]:
    """Weigh US pressure against PRC revenue and the threat of PRC retaliation."""
    us_pressure = obs["rules"]["us_government"]["ally_pressure"]
    retaliation = obs["rules"]["prc_government"]["retaliation"]
    return {"control_alignment": _clip(0.25 + 0.6 * us_pressure - 0.4 * retaliation)}


# ------------------------------------------------------------------------------------------ labs
def _lab(sensitivity_param: str, distillation_effort: float, behind_boost: float = 0.0) -> Policy:
    def policy(obs: Observation) -> dict[str, Any]:
        params, own = obs["params"], obs["own"]
        behind = own["perceived_lead_months"] < 0.0
        sensitivity = getattr(params, sensitivity_param)
        sensitivity = where(behind, sensitivity * (1.0 + behind_boost), sensitivity)
        pressure = own["race_pressure"]
        base_safety = own["base_safety_share"]
        safety = safety_under_pressure(base_safety, pressure, sensitivity)
        testing = np.rint(safety_under_pressure(own["base_testing_quarters"], pressure, sensitivity))
        # The training run is planned at its usual size (1 - base safety - 0.3 serving, more when behind for a
        # reactive lab); safety work cut under pressure goes to serving: the lab races to deploy and sell,
        # it does not grow this season's run (DESIGN: a close race makes labs cut safety and release faster).
        training = np.maximum(0.0, 1.0 - base_safety - 0.3) + (where(behind, 0.1, 0.0) if behind_boost else 0.0)
        training = np.minimum(training, 1.0 - safety)
        serving = 1.0 - safety - training
        rules = obs["rules"]
        bloc = obs["bloc"]
        us, prc = rules["us_government"], rules["prc_government"]
        return {
            "safety_share": safety,
            "serving_share": serving,
            "training_share": training,
            "testing_quarters": testing.astype(np.int64),
            "release": True,
            "open_weights": np.logical_and(bloc == "PRC", prc["open_weights_push"] >= 0.5),
            # A distilling laggard races by copying: its effort grows with the pressure it feels.
            "distillation_effort": (np.minimum(1.0, distillation_effort * (0.6 + 0.4 * pressure))
                                    if (bloc == "PRC" and own["distils"]) else 0.0),
            "distillation_defence": np.minimum(1.0, 0.2 + 0.5 * us["anti_distillation"]) if bloc == "US" else 0.0,
        }

    return policy


# ------------------------------------------------------------------------------------------ firms
def _chipmaker(customer_checks: float, yield_ramp: float) -> Policy:
    def policy(obs: Observation) -> dict[str, Any]:
        # A designer keeps its downgraded line only while it earns more than the line costs.
        offer = obs["own"]["expected_prc_sales_busd"] > obs["params"].downgraded_product_cost_busd
        return {"compliant_downgraded": offer, "customer_checks": customer_checks, "yield_ramp": yield_ramp}

    return policy


def _smuggler_profit_seeking(obs: Observation) -> dict[str, Any]:
    """Ship the volume that maximises expected profit against the seizure risk it faces."""
    params, own = obs["params"], obs["own"]
    volume = optimal_smuggling_volume(own["market_h100e"], own["seizure_share"], params.smuggler_margin_usd_per_h100e,
                                      params.smuggler_seizure_loss_usd_per_h100e)
    return {"volume_h100e": np.minimum(volume, MAX_FLOW_H100E)}


def _cloud(kyc_compliance: float) -> Policy:
    def policy(obs: Observation) -> dict[str, Any]:
        capacity = obs["own"]["base_capacity_h100e"] * obs["chip_market_index"]
        return {"capacity_offered_h100e": np.minimum(capacity, MAX_FLOW_H100E), "kyc_compliance": kyc_compliance}

    return policy


def _cloud_reactive(obs: Observation) -> dict[str, Any]:
    """Comply as the expected fine under the rule outweighs the rent; offer less capacity under a ban."""
    params, own = obs["params"], obs["own"]
    us = obs["rules"]["us_government"]
    detect = seizure_probability(us["enforcement_budget_musd"], params.seizure_rate_per_musd)
    expected_fine = detect * params.violation_fine_usd_per_h100e
    comply = where(expected_fine > params.cloud_rental_price_usd_per_h100e, 0.9, 0.4)
    scale = 1.0 - 0.6 * own["rule_level"] * comply
    capacity = own["base_capacity_h100e"] * obs["chip_market_index"] * scale
    return {"capacity_offered_h100e": np.minimum(capacity, MAX_FLOW_H100E), "kyc_compliance": comply}


#: Name of the look-ahead policy (:mod:`wargame.planner`), offered to the kinds of :data:`PLANNER_FALLBACK`.
PLANNER = "planner"
#: The named policy a planner seat plays when it does not look ahead: before the first season, once the game is
#: over, and inside its own rollouts (a rollout never plans again); its :data:`POLICIES` entry is that policy.
PLANNER_FALLBACK: dict[str, str] = {"us_government": "reactive", "prc_government": "reactive",
                                    "ally_government": "reactive", "lab": "reactive"}
_LAB_REACTIVE = _lab("racing_safety_cut", 0.8, behind_boost=1.0)

POLICIES: dict[str, dict[str, Policy]] = {
    "us_government": {"status_quo": _us_status_quo, "hawkish": _us_hawkish, "dovish": _us_dovish,
                      "reactive": _us_reactive, PLANNER: _us_reactive},
    "prc_government": {"status_quo": _prc_status_quo, "hawkish": _prc_hawkish, "dovish": _prc_dovish,
                       "reactive": _prc_reactive, PLANNER: _prc_reactive},
    "ally_government": {"status_quo": _ally(0.3, 0.5), "hawkish": _ally(0.95, 0.05), "dovish": _ally(0.1, 0.2),
                        "reactive": _ally_reactive, PLANNER: _ally_reactive},
    "lab": {"racing": _lab("racing_safety_cut", 0.8), "cautious": _lab("cautious_safety_cut", 0.3),
            "reactive": _LAB_REACTIVE, PLANNER: _LAB_REACTIVE},
    "chipmaker": {"compliant": _chipmaker(0.7, 0.5), "revenue_first": _chipmaker(0.3, 0.8)},
    "smuggler": {"profit_seeking": _smuggler_profit_seeking},
    "overseas_cloud": {"compliant": _cloud(0.9), "lax": _cloud(0.3), "reactive": _cloud_reactive},
}

_PLANNER_TEXT = ("Looks ahead: each season it plays its options (what the other policies would do, or keeping "
                 "last season's choice) to the end of the game a few times, in worlds drawn from what it believes "
                 "about the other side, and picks the one that scores best for it.")

#: One plain sentence per policy, for the UI, the role cards and the docs.
POLICY_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "us_government": {
        "status_quo": "Keeps 2026 policy: H20-class licences with a 15% revenue share, thin enforcement, "
                      "remote access open.",
        "hawkish": "Closes every loophole: no licensed sales, heavy enforcement, a remote-access ban, strong "
                   "pressure on allies and anti-distillation measures.",
        "dovish": "Sells more capable chips, spends little on enforcement and leans on talks with Beijing.",
        "reactive": "Tightens controls as its estimate of the US lead falls below about 15 months, loosens "
                    "when comfortable, and opens talks after a major incident.",
        PLANNER: _PLANNER_TEXT,
    },
    "prc_government": {
        "status_quo": "Moderate subsidies, some buy-domestic guidance, tolerates smuggling, light retaliation.",
        "hawkish": "Large subsidies, strong buy-domestic guidance, full tolerance of smuggling and real "
                   "retaliation on critical minerals.",
        "dovish": "Small subsidies, buys licensed US chips, clamps down on smuggling and seeks talks.",
        "reactive": "Answers US tightening with subsidies, smuggling tolerance and mineral retaliation, and "
                    "spends more the further behind it believes it is and the more hostile relations become.",
        PLANNER: _PLANNER_TEXT,
    },
    "ally_government": {
        "status_quo": "Matches US controls partly, more as Washington presses.",
        "hawkish": "Matches US tool and chip controls almost fully.",
        "dovish": "Puts its chipmakers' China revenue first and barely follows US controls.",
        "reactive": "Follows US pressure but backs off when Beijing retaliates.",
        PLANNER: _PLANNER_TEXT,
    },
    "lab": {
        "racing": "Cuts safety work and testing sharply as the race tightens, serving more with what it saves; a "
                  "fast follower distils hard, harder under pressure.",
        "cautious": "Keeps most of its safety work and testing under pressure; distils little.",
        "reactive": "Races like a racing lab, and harder still (more training, less safety) when it believes "
                    "its bloc is behind.",
        PLANNER: _PLANNER_TEXT,
    },
    "chipmaker": {
        "compliant": "Checks its customers carefully, invests moderately in yield, and sells a downgraded chip "
                     "to the PRC while that earns more than it costs.",
        "revenue_first": "Checks customers lightly to keep sales, invests heavily in yield, and sells a "
                         "downgraded chip to the PRC while that earns more than it costs.",
    },
    "smuggler": {
        "profit_seeking": "Ships the volume that maximises expected profit given the PRC's unmet demand and "
                          "the seizure risk.",
    },
    "overseas_cloud": {
        "compliant": "Offers its capacity but applies know-your-customer checks faithfully.",
        "lax": "Offers its capacity and checks few customers.",
        "reactive": "Complies when expected fines outweigh the rent and offers less capacity under a ban.",
    },
}


def policy_names(kind: str) -> list[str]:
    """Names of the policies available to an actor kind."""
    return list(POLICIES[kind])


def describe_policy(kind: str, name: str) -> str:
    """The plain one-sentence description of a policy."""
    return POLICY_DESCRIPTIONS[kind][name]
