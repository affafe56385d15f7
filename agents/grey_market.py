"""The grey market: smuggling networks and overseas clouds that rent controlled compute."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.base import Actor
from wargame.ensemble.lanes import where
from wargame.mechanics import remote_rule_level, seizure_probability, smuggling_profit_usd
from wargame.scenario import OverseasCloudSpec, SmugglerSpec


class Smuggler(Actor):
    """A smuggling network routing controlled chips to the PRC through a transshipment hub.

    Volume is drawn from a wide lognormal around the network's chosen volume (CNAS 2025 gives a plausible
    range from ~10k to several hundred thousand chips a year); enforcement seizes a share of it. The market
    it can sell into follows the real gap in the PRC's legal supply, whoever caused it.

    Attributes:
        hub: Jurisdiction the chips pass through.
        base_volume_h100e: The network's market in a neutral season at the start, H100e per quarter.
        market_h100e: What PRC buyers absorb at a premium this season, H100e (see ``AIRaceModel.smuggling_market``).
        shipped_h100e, seized_h100e: This season's volumes, H100e.

    """

    spec: SmugglerSpec

    def __init__(self, model, spec: SmugglerSpec) -> None:
        super().__init__(model, spec)
        self.hub = spec.hub
        self.base_volume_h100e = spec.base_volume_h100e
        self.market_h100e = spec.base_volume_h100e
        self.shipped_h100e = self.seized_h100e = 0.0

    def move(self) -> None:
        """Grey-market phase: ship a lognormal volume; enforcement seizes part; the rest reaches PRC labs."""
        model, p = self.model, self.model.params
        self.market_h100e = model.smuggling_market(self)
        self.decide()
        sd = p.smuggling_volume_sd
        shock = model.draw("normal", "grey_market", model.smugglers.index(self))
        shipped = self.decision.volume_h100e * np.exp(-0.5 * sd * sd + sd * shock)
        limit = model.smuggling_supply_limit()
        if model.narrate and shipped > limit:
            model.add_news("grey market", f"{self.name} could source only {limit:,.0f} H100e of controlled chips "
                           f"(it wanted {shipped:,.0f}).")
        shipped = np.minimum(shipped, limit)
        seize = model.seizure_share()
        seized = shipped * seize
        self.shipped_h100e, self.seized_h100e = shipped, seized
        model.record_flow("US", self.hub, "legal", shipped)
        model.deliver("PRC", "smuggled", shipped, origin=self.hub, seized=seized)
        self.revenue_busd = smuggling_profit_usd(shipped, seized, self.market_h100e, p.smuggler_margin_usd_per_h100e,
                                                 p.smuggler_seizure_loss_usd_per_h100e) / 1e9
        model.charge_diversion(shipped)
        if model.narrate and seized > 0.2 * shipped:
            model.add_news("grey market", f"{self.name}: {seized:,.0f} H100e of smuggled chips seized "
                           f"({seize:.0%} of {shipped:,.0f}) by enforcement.")

    def observation(self) -> dict[str, Any]:
        """The network's market this season and the seizure share it faces."""
        return {"market_h100e": self.market_h100e, "seizure_share": self.model.seizure_share(include_events=False),
                "base_volume_h100e": self.base_volume_h100e}


class OverseasCloud(Actor):
    """A data-centre operator in a third country renting controlled compute to PRC labs.

    Rentals are remote access: compute used this season, not chips owned. A know-your-customer rule blocks
    a share of them, a ban blocks them, and ``remote_access_leakage`` still gets through. Under an open rule
    the cloud's own screening still turns away entity-listed customers. Rentals in breach of a rule risk
    fines as enforcement grows.

    Attributes:
        jurisdiction: Where the data centres are.
        base_capacity_h100e: Capacity offered in a neutral season, H100e per quarter.
        rented_h100e: Rented to PRC labs this season, H100e.

    """

    spec: OverseasCloudSpec

    def __init__(self, model, spec: OverseasCloudSpec) -> None:
        super().__init__(model, spec)
        self.jurisdiction = spec.jurisdiction
        self.base_capacity_h100e = spec.capacity_h100e
        self.rented_h100e = 0.0

    def rent(self) -> None:
        """Grey-market phase: rent capacity to PRC labs, less what the remote-access rule blocks."""
        self.decide()
        model, p = self.model, self.model.params
        us = model.government("us").decision
        rule = us.remote_access_rule
        compliance = self.decision.kyc_compliance
        offered = np.minimum(self.decision.capacity_offered_h100e,
                             p.cloud_max_capacity_multiple * self.base_capacity_h100e * model.chip_market_index)
        target = where(rule == "ban", 1.0, where(rule == "kyc", p.kyc_block_share, 0.0))
        voluntary = where(rule == "open", p.kyc_voluntary_block_share, 0.0)
        blocked = np.minimum(1.0, (target + voluntary) * compliance)
        rented = offered * (1.0 - blocked * (1.0 - p.remote_access_leakage))
        violating = offered * target * (1.0 - compliance)
        self.rented_h100e = rented
        if model.narrate and rule != "open" and rented > 0.5 * offered:
            model.add_news("grey market", f"{self.name} still rents {rented:,.0f} H100e to PRC labs under the "
                           f"{rule} rule: it applies know-your-customer checks to only {compliance:.0%} of them.")
        model.deliver("PRC", "remote", rented, origin=self.jurisdiction)
        self.revenue_busd = (rented * p.cloud_rental_price_usd_per_h100e
                             - offered * p.cloud_capacity_cost_usd_per_h100e) / 1e9
        detect = seizure_probability(us.enforcement_budget_musd, p.seizure_rate_per_musd)
        self.penalty_busd = violating * p.violation_fine_usd_per_h100e * detect / 1e9

    def observation(self) -> dict[str, Any]:
        """The cloud's capacity and the rule it faces."""
        return {"base_capacity_h100e": self.base_capacity_h100e, "rule_level": remote_rule_level(
            self.model.government("us").decision.remote_access_rule), "rented_h100e": self.rented_h100e}
