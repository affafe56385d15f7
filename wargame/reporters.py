"""What is recorded of a model after every season: the reporters of its data collector and season records.

Each reporter reads an :class:`wargame.model.AIRaceModel` (a game or an ensemble; values are scalars or (R,)
arrays, :mod:`wargame.ensemble.lanes`) and changes nothing. :data:`MODEL_REPORTERS` are the model's columns,
:data:`LAB_REPORTERS` each lab's; ``score_<seat>`` columns come from :func:`score_reporter`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.mechanics import incident_probability


def compute_ratio(model: Any) -> Any:
    """US over PRC compute available to labs this season (owned plus rented)."""
    return model.compute_h100e("US") / np.maximum(model.compute_h100e("PRC"), 1e-9)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def score_reporter(seat: str) -> Any:
    """A reporter of one seat's score so far (points)."""
    def report(model: Any) -> Any:
        return sum(model.score_totals[seat].values())

    return report


def _designer_output(model: Any, role: str) -> Any:
    return sum(c.output_h100e for c in model.chipmakers if c.role == role)


MODEL_REPORTERS: dict[str, Any] = {
    "season": lambda m: m.last_season,
    "lead_months": lambda m: m.lead_months,
    "lead_internal_months": lambda m: m.lead_internal_months,
    "compute_ratio": compute_ratio,
    "us_compute_h100e": lambda m: m.compute_h100e("US"),
    "prc_compute_h100e": lambda m: m.compute_h100e("PRC"),
    "us_frontier_capability": lambda m: m.best_internal_capability("US"),
    "us_largest_run_h100e": lambda m: m.largest_training_run_h100e("US"),
    "prc_largest_run_h100e": lambda m: m.largest_training_run_h100e("PRC"),
    "us_designer_output_h100e": lambda m: _designer_output(m, "accelerator_designer"),
    "prc_domestic_output_h100e": lambda m: _designer_output(m, "domestic_chain"),
    "us_inflow_legal_h100e": lambda m: m.inflow_h100e("US", "legal"),
    "us_inflow_purchased_h100e": lambda m: m.inflow_h100e("US", "purchased"),
    "prc_inflow_legal_h100e": lambda m: m.inflow_h100e("PRC", "legal"),
    "prc_inflow_domestic_h100e": lambda m: m.inflow_h100e("PRC", "domestic"),
    "prc_inflow_smuggled_h100e": lambda m: m.inflow_h100e("PRC", "smuggled"),
    "prc_inflow_remote_h100e": lambda m: m.inflow_h100e("PRC", "remote"),
    "prc_inflow_purchased_h100e": lambda m: m.inflow_h100e("PRC", "purchased"),
    "smuggled_h100e": lambda m: m.smuggled_h100e,
    "seized_h100e": lambda m: m.seized_h100e,
    "remote_access_h100e": lambda m: m.remote_access_h100e,
    "us_licence_revenue_musd": lambda m: m.licence_revenue_musd,
    "us_lab_revenue_busd": lambda m: sum(lab.revenue_busd for lab in m.labs if lab.bloc == "US"),
    "prc_lab_revenue_busd": lambda m: sum(lab.revenue_busd for lab in m.labs if lab.bloc == "PRC"),
    "distillation_gain_months": lambda m: sum(lab.distillation_gain_log for lab in m.labs)
    * 12.0 / np.log(m.params.frontier_effective_compute_growth_per_year),
    "mean_race_pressure": lambda m: _mean([lab.race_pressure for lab in m.labs]),
    "mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs]),
    "us_mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs if lab.bloc == "US"]),
    "prc_mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs if lab.bloc == "PRC"]),
    "incident_hazard": lambda m: m.incident_hazard_total,
    "incident_probability": lambda m: incident_probability([m.incident_hazard_total]),
    "incidents": lambda m: sum(lab.incidents for lab in m.labs),
    "adoption_share_us": lambda m: m.adoption_share_us,
    "enmity": lambda m: m.enmity,
    "control_index": lambda m: m.control_index,
    "us_log_efficiency": lambda m: m.log_efficiency["US"],
    "prc_log_efficiency": lambda m: m.log_efficiency["PRC"],
}

LAB_REPORTERS: dict[str, Any] = {
    "seat": "seat",
    "bloc": "bloc",
    "race_pressure": "race_pressure",
    "safety_share": "safety_share",
    "perceived_lead_months": "perceived_lead_months",
    "testing_quarters": lambda lab: lab.decision.testing_quarters,
    "stock_h100e": "stock_h100e",
    "internal_capability": "internal_capability",
    "deployed_capability": "deployed_capability",
    "revenue_busd": "revenue_busd",
    "hazard": "hazard",
    "incidents": "incidents",
}

#: Reporters :meth:`wargame.model.AIRaceModel.summary` averages over played seasons (kept as running sums, per run).
SEASON_MEANS: dict[str, Any] = {name: MODEL_REPORTERS[name] for name in ("mean_safety_share", "mean_race_pressure")}
