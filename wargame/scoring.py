"""Seat objectives: each season's score components of every seat (docs/model.md §7.15).

A seat's score for a season is ``sum_k weight_k * component_k``, with the weights of its actor kind from the
scenario's ``[objectives]`` section; the model keeps the running total per component. Components are in
natural units (years of lead, shares, USD billion, severity points) so a weight reads as "points per unit".
Every formula is illustrative: it states what the seat plays for, not a measured utility.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.ensemble.lanes import where

#: Points of US ally relations lost per unit of ally pressure applied, whatever the allies do (illustrative:
#: pressing allies strains relations even when they comply).
ALLY_PRESSURE_STRAIN = 0.2
#: Score components of each actor kind, in report order.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "us_government": ("lead", "adoption", "incidents", "licence_revenue", "industry_revenue", "allies", "fiscal"),
    "prc_government": ("parity", "self_sufficiency", "adoption", "incidents", "fiscal"),
    "ally_government": ("revenue", "us_relations", "retaliation"),
    "lab": ("capability", "revenue", "incidents", "sanctions"),
    "chipmaker": ("revenue", "penalties"),
    "smuggler": ("profit",),
    "overseas_cloud": ("revenue", "penalties"),
}


def season_components(model: Any, actor: Any) -> dict[str, Any]:
    """The unweighted score components of one seat for the season just played.

    Args:
        model: The model, after adjudication.
        actor: One of its actors.

    Returns:
        ``{component: value}`` in the order of :data:`COMPONENTS` for the actor's kind.

    """
    kind = actor.kind
    if kind == "us_government":
        d = actor.decision
        allies = [g for g in model.governments if g.role == "ally"]
        friction = (sum(d.ally_pressure * (1.0 - g.decision.control_alignment) for g in allies) / len(allies)
                    if allies else 0.0)
        return {
            "lead": model.lead_months / 12.0,
            "adoption": 2.0 * (model.adoption_share_us - 0.5),
            "incidents": -model.season_severity,
            "licence_revenue": model.licence_revenue_musd / 1000.0,
            "industry_revenue": (sum(c.revenue_busd for c in model.chipmakers if c.jurisdiction == "US")
                                 + sum(c.revenue_busd for c in model.clouds if c.bloc == "US")),
            "allies": -(friction + ALLY_PRESSURE_STRAIN * d.ally_pressure),
            "fiscal": -actor.spend_busd,
        }
    if kind == "prc_government":
        total = sum(model.inflow_h100e("PRC", s) for s in ("legal", "domestic", "smuggled", "remote", "purchased"))
        home = model.inflow_h100e("PRC", "domestic") + model.inflow_h100e("PRC", "purchased")
        return {
            "parity": -model.lead_months / 12.0,
            "self_sufficiency": where(total > 0, home / where(total > 0, total, 1.0), 0.0),
            "adoption": 2.0 * (0.5 - model.adoption_share_us),
            "incidents": -model.season_severity,
            "fiscal": -actor.spend_busd,
        }
    if kind == "ally_government":
        alignment = actor.decision.control_alignment
        return {
            "revenue": sum(c.revenue_busd for c in model.chipmakers if c.jurisdiction == actor.jurisdiction),
            "us_relations": -model.government("us").decision.ally_pressure * (1.0 - alignment),
            "retaliation": -model.government("prc").decision.retaliation * alignment,
        }
    if kind == "lab":
        mean = sum(lab.deployed_capability for lab in model.labs) / len(model.labs)
        years = 1.0 / np.log(model.params.frontier_effective_compute_growth_per_year)
        return {
            "capability": (actor.deployed_capability - mean) * years,
            "revenue": actor.revenue_busd,
            "incidents": -actor.severity,
            "sanctions": -actor.penalty_busd,
        }
    if kind == "smuggler":
        return {"profit": actor.revenue_busd}
    return {"revenue": actor.revenue_busd, "penalties": -actor.penalty_busd}
