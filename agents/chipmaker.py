"""Chipmakers: the US accelerator designer, the foundry, tool and memory makers, and the PRC domestic chain."""

from __future__ import annotations

from agents.base import Actor
from wargame.scenario import ChipmakerSpec

#: Order in which chipmakers act in the supply phase: chokepoints first, then producers.
ROLE_ORDER = ("foundry", "tool_maker", "memory_maker", "accelerator_designer", "domestic_chain")


class Chipmaker(Actor):
    """A chipmaker seat.

    Attributes:
        role: One of :data:`ROLE_ORDER`.
        jurisdiction: Where it sits on the flow map.
        capacity_h100e: Output capacity this quarter, in H100e per quarter (producers only).

    """

    spec: ChipmakerSpec

    def __init__(self, model, spec: ChipmakerSpec) -> None:
        super().__init__(model, spec)
        self.role = spec.role
        self.jurisdiction = spec.jurisdiction
        self.capacity_h100e = spec.output_h100e_per_quarter

    def control_strength(self) -> float:
        """How tightly this chokepoint is closed to the PRC, in [0, 1].

        The alignment of its government times the strength of its own customer checks.
        """
        ally = self.model.government_of(self.jurisdiction)
        alignment = ally.decision.control_alignment if ally is not None and ally.role == "ally" else 1.0
        return alignment * (0.5 + 0.5 * self.decision.customer_checks)

    def supply(self) -> None:
        """Supply phase: decide, then produce and ship within this season's rules."""
        self.decide()
        if self.role == "accelerator_designer":
            self._ship_us_chips()
        elif self.role == "domestic_chain":
            self._produce_domestic()

    def _ship_us_chips(self) -> None:
        model, p = self.model, self.model.params
        us = model.government("us").decision
        prc = model.government("prc").decision
        self.capacity_h100e *= 1.0 + p.us_output_growth_per_quarter
        output = (self.capacity_h100e * model.foundry_output_factor
                  * (1.0 - p.retaliation_output_cut * prc.retaliation))
        foundry = model.chokepoint_node("foundry")
        model.deliver("US", "legal", output, origin=self.jurisdiction)
        if foundry != self.jurisdiction:
            model.record_flow(foundry, self.jurisdiction, "legal", output)
        if us.licences_downgraded and us.chip_threshold_h100e > 0 and self.decision.compliant_downgraded:
            chips = (p.prc_legal_chip_demand * model.chip_market_index * (1.0 - prc.buy_domestic)
                     * model.foundry_output_factor)
            model.deliver("PRC", "legal", chips * us.chip_threshold_h100e, origin=self.jurisdiction)
            model.licence_revenue_musd += chips * p.licensed_chip_price_usd * us.revenue_share / 1e6

    def _produce_domestic(self) -> None:
        model, p = self.model, self.model.params
        prc = model.government("prc").decision
        tools = model.chokepoint_strength("tools")
        memory = model.chokepoint_strength("memory")
        foundry = model.chokepoint_strength("foundry")
        growth = (p.domestic_output_growth_per_quarter * (1.0 - p.tool_control_effect * tools)
                  * (0.5 + self.decision.yield_ramp) + p.subsidy_effect_per_busd * prc.domestic_subsidy_busd)
        self.capacity_h100e *= 1.0 + growth
        output = (self.capacity_h100e * (1.0 - p.memory_control_effect * memory)
                  * (1.0 + p.foundry_leakage * (1.0 - foundry)))
        model.deliver("PRC", "domestic", output, origin=self.jurisdiction)
