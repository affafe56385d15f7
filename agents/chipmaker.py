"""Chipmakers: the US accelerator designer, the foundry, tool and memory makers, and the PRC domestic chain."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.base import Actor
from wargame.ensemble.lanes import lane_all, where
from wargame.mechanics import saturating_boost, seizure_probability
from wargame.scenario import ChipmakerSpec

#: Order in which chipmakers act in the supply phase: chokepoints first, then producers.
ROLE_ORDER = ("foundry", "tool_maker", "memory_maker", "accelerator_designer", "domestic_chain")
#: Chip performance (H100e per chip) of the reference licensed product, H20-class (TPP figures via press, 2025).
REFERENCE_THRESHOLD_H100E = 0.15


class Chipmaker(Actor):
    """A chipmaker seat.

    Attributes:
        role: One of :data:`ROLE_ORDER`.
        jurisdiction: Where it sits on the flow map.
        capacity_h100e: Output this quarter before shocks, in H100e per quarter (designer); for the domestic
            chain, capacity at full yield.
        output_h100e: Output delivered this quarter, H100e (producers).
        domestic_yield: Share of good dies (domestic chain), in (0, 1].
        rd_factor: R&D multiplier of the designer's output growth, from last quarter's revenue mix.
        prc_sales_busd: Net revenue from licensed PRC sales this quarter, USD billion (designer).

    """

    spec: ChipmakerSpec

    def __init__(self, model, spec: ChipmakerSpec) -> None:
        super().__init__(model, spec)
        self.role = spec.role
        self.jurisdiction = spec.jurisdiction
        self.output_h100e = spec.output_h100e_per_quarter
        self.domestic_yield = model.params.initial_domestic_yield
        self.capacity_h100e = spec.output_h100e_per_quarter
        if self.role == "domestic_chain":
            self.capacity_h100e = spec.output_h100e_per_quarter / self.domestic_yield
        self.rd_factor = 1.0
        self.prc_sales_busd = 0.0

    def expected_prc_sales_busd(self, rules: dict, market_index: float, buy_domestic: float) -> float:
        """Net revenue a compliant downgraded product would earn this quarter under public rules, USD billion.

        Args:
            rules: The US government's public decision (a dict).
            market_index: The chip market index.
            buy_domestic: The PRC's public buy-domestic guidance.

        """
        share = rules["revenue_share"]
        chips, price = self.licensed_sale(market_index, buy_domestic, 1.0, share, rules["chip_threshold_h100e"])
        sells = np.logical_and(rules["licences_downgraded"], rules["chip_threshold_h100e"] > 0)
        return where(sells, chips * price * (1.0 - share) / 1e9, 0.0)

    def licensed_sale(self, market_index: float, buy_domestic: float, output_factor: float, share: float,
                      threshold: float) -> tuple[float, float]:
        """Chips the PRC buys under licence this quarter and their price per chip (USD).

        Demand ``prc_legal_chip_demand * market index * (1 - buy_domestic) * output_factor * (1 + share)^-e``;
        price ``licensed_chip_price_usd`` falling with the H100e price, scaled by the threshold's performance
        and raised by the revenue share passed through.
        """
        p, model = self.model.params, self.model
        chips = (p.prc_legal_chip_demand * market_index * (1.0 - buy_domestic)
                 * output_factor * np.power(1.0 + share, -p.licensed_price_elasticity))
        price = (p.licensed_chip_price_usd * model.h100e_price_usd / p.h100e_price_usd
                 * threshold / REFERENCE_THRESHOLD_H100E * (1.0 + share))
        return chips, price

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
        self.revenue_busd = self.penalty_busd = 0.0
        if self.role == "accelerator_designer":
            self._ship_us_chips()
        elif self.role == "domestic_chain":
            self._produce_domestic()
        else:
            self._serve_prc_customers()

    def _serve_prc_customers(self) -> None:
        """A chokepoint holder (tools, foundry, memory): PRC revenue less checks, fines if lax when aligned."""
        model, p = self.model, self.model.params
        prc = model.government("prc").decision
        us = model.government("us").decision
        ally = model.government_of(self.jurisdiction)
        alignment = ally.decision.control_alignment if ally is not None and ally.role == "ally" else 1.0
        checks = self.decision.customer_checks
        hit = 1.0 - p.retaliation_output_cut * prc.retaliation
        self.revenue_busd = (p.chokepoint_prc_revenue_busd * (1.0 - self.control_strength())
                             * (1.0 - p.checks_revenue_cost * checks) * hit)
        detect = seizure_probability(us.enforcement_budget_musd, p.seizure_rate_per_musd)
        self.penalty_busd = (p.chokepoint_fine_share * p.chokepoint_prc_revenue_busd * alignment * (1.0 - checks)
                             * detect)

    def _ship_us_chips(self) -> None:
        model, p = self.model, self.model.params
        us = model.government("us").decision
        prc = model.government("prc").decision
        self.capacity_h100e = self.capacity_h100e * (1.0 + p.us_output_growth_per_quarter * self.rd_factor)
        output = (self.capacity_h100e * model.foundry_output_factor
                  * (1.0 - p.retaliation_output_cut * prc.retaliation))
        self.output_h100e = output
        foundry = model.chokepoint_node("foundry")
        model.deliver("US", "legal", output, origin=self.jurisdiction)
        purchased = model.deliver_purchases("US", origin=self.jurisdiction)
        if foundry != self.jurisdiction:
            model.record_flow(foundry, self.jurisdiction, "legal", output + purchased)
        us_sales = (output + purchased) * model.h100e_price_usd / 1e9
        offers = self.decision.compliant_downgraded
        sells = lane_all([us.licences_downgraded, us.chip_threshold_h100e > 0, offers])
        share = us.revenue_share
        chips, price = self.licensed_sale(model.chip_market_index, prc.buy_domestic, model.foundry_output_factor,
                                          share, us.chip_threshold_h100e)
        chips = where(sells, chips, 0.0)
        if np.any(sells):
            model.deliver("PRC", "legal", chips * us.chip_threshold_h100e, origin=self.jurisdiction)
        model.licence_revenue_musd = model.licence_revenue_musd + chips * price * share / 1e6
        self.prc_sales_busd = chips * price * (1.0 - share) / 1e9
        checks_cost = p.checks_revenue_cost * p.designer_checked_sales_share * self.decision.customer_checks
        self.revenue_busd = ((us_sales + self.prc_sales_busd) * (1.0 - checks_cost)
                             - where(offers, p.downgraded_product_cost_busd, 0.0))
        # Revenue funds R&D: next quarter's growth scales with PRC revenue relative to US sales.
        self.rd_factor = np.power(1.0 + self.prc_sales_busd / np.maximum(us_sales, 1e-9), p.designer_rd_elasticity)

    def _produce_domestic(self) -> None:
        model, p = self.model, self.model.params
        prc = model.government("prc").decision
        tools = model.chokepoint_strength("tools")
        memory = model.chokepoint_strength("memory")
        foundry = model.chokepoint_strength("foundry")
        absorb = 1.0 - p.tool_control_effect * tools
        growth = (p.domestic_output_growth_per_quarter
                  + saturating_boost(prc.domestic_subsidy_busd, p.prc_subsidy_max_boost, p.prc_subsidy_scale_busd))
        self.capacity_h100e = self.capacity_h100e * (1.0 + growth * absorb)
        learning = p.buy_domestic_learning * prc.buy_domestic + p.yield_ramp_learning * self.decision.yield_ramp
        self.domestic_yield = self.domestic_yield + np.minimum(1.0, learning) * (1.0 - self.domestic_yield)
        output = (self.capacity_h100e * self.domestic_yield * (1.0 - p.memory_control_effect * memory)
                  * (1.0 + p.foundry_leakage * (1.0 - foundry)))
        self.output_h100e = output
        model.deliver("PRC", "domestic", output, origin=self.jurisdiction)
        purchased = model.deliver_purchases("PRC", origin=self.jurisdiction)
        price = model.h100e_price_usd * p.prc_compute_price_premium
        self.revenue_busd = ((output + purchased) * price / 1e9 + prc.domestic_subsidy_busd
                             - self.decision.yield_ramp * p.yield_ramp_cost_busd)

    def observation(self) -> dict[str, Any]:
        """The chipmaker's own state, and what a downgraded product would earn under the public rules."""
        rules = self.model.public_rules
        expected = self.expected_prc_sales_busd(rules["us_government"], self.model.chip_market_index,
                                                rules["prc_government"]["buy_domestic"])
        return {"role": self.role, "output_h100e": self.output_h100e, "domestic_yield": self.domestic_yield,
                "revenue_busd": self.revenue_busd, "penalty_busd": self.penalty_busd,
                "expected_prc_sales_busd": expected}
