"""Governments: the US, the PRC, and allies that hold chokepoints (tools, foundry, memory)."""

from __future__ import annotations

from typing import Any

from agents.base import Actor
from wargame.scenario import GovernmentSpec


class Government(Actor):
    """A government seat.

    Attributes:
        role: ``"us"``, ``"prc"`` or ``"ally"``.
        jurisdiction: Node of the flow map it governs.
        chokepoint: For allies, what it controls: ``"tools"``, ``"foundry"``, ``"memory"`` or ``"none"``.
        spend_busd: Fiscal cost of this season's decision, USD billion (US and PRC).

    """

    spec: GovernmentSpec

    def __init__(self, model, spec: GovernmentSpec) -> None:
        super().__init__(model, spec)
        self.role = spec.role
        self.jurisdiction = spec.jurisdiction
        self.chokepoint = spec.chokepoint
        self.spend_busd = 0.0

    def set_policy(self) -> None:
        """Policy phase: fix this season's export rules and other levers, and book their fiscal cost."""
        self.decide()
        p, d = self.model.params, self.decision
        if self.role == "us":
            self.spend_busd = (d.enforcement_budget_musd / 1000.0 + d.intelligence_budget_musd / 1000.0
                               + d.export_promotion * p.export_promotion_cost_busd
                               + d.anti_distillation * p.anti_distillation_cost_busd
                               + d.safety_dialogue * p.dialogue_cost_busd)
        elif self.role == "prc":
            self.spend_busd = (d.domestic_subsidy_busd + d.retaliation * p.retaliation_cost_busd
                               + d.open_weights_push * p.export_promotion_cost_busd
                               + d.intelligence_budget_musd / 1000.0 + d.safety_dialogue * p.dialogue_cost_busd)

    def observation(self) -> dict[str, Any]:
        """The government's own state: its role, chokepoint and last fiscal cost."""
        return {"role": self.role, "chokepoint": self.chokepoint, "spend_busd": self.spend_busd}
