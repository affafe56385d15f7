"""The grey market: smuggling networks and overseas clouds that rent controlled compute."""

from __future__ import annotations

import math

from agents.base import Actor
from wargame.mechanics import seizure_probability
from wargame.scenario import OverseasCloudSpec, SmugglerSpec


class Smuggler(Actor):
    """A smuggling network routing controlled chips to the PRC through a transshipment hub.

    Volume is drawn from a wide lognormal around the network's chosen volume (CNAS 2025 gives a plausible
    range from ~10k to several hundred thousand chips a year); enforcement seizes a share of it.

    Attributes:
        hub: Jurisdiction the chips pass through.
        base_volume_h100e: The network's volume in a neutral season, H100e per quarter.

    """

    spec: SmugglerSpec

    def __init__(self, model, spec: SmugglerSpec) -> None:
        super().__init__(model, spec)
        self.hub = spec.hub
        self.base_volume_h100e = spec.base_volume_h100e

    def move(self) -> None:
        """Grey-market phase: ship a lognormal volume; enforcement seizes part; the rest reaches PRC labs."""
        self.decide()
        model, p = self.model, self.model.params
        sd = p.smuggling_volume_sd
        shipped = self.decision.volume_h100e * math.exp(model.streams["grey_market"].normal(-0.5 * sd * sd, sd))
        us = model.government("us").decision
        seize = seizure_probability(us.enforcement_budget_musd, p.seizure_rate_per_musd)
        if model.event_active("smuggling_bust"):
            seize = 1.0 - (1.0 - seize) * 0.3
        seized = shipped * seize
        model.record_flow("US", self.hub, "legal", shipped)
        model.deliver("PRC", "smuggled", shipped, origin=self.hub, seized=seized)
        if seized > 0.2 * shipped:
            model.add_news("grey market", f"{self.name}: {seized:,.0f} H100e of smuggled chips seized "
                           f"({seize:.0%} of {shipped:,.0f}) by enforcement.")


class OverseasCloud(Actor):
    """A data-centre operator in a third country renting controlled compute to PRC labs.

    Rentals are remote access: compute used this season, not chips owned. A know-your-customer rule blocks
    a share of them, a ban blocks them, and ``remote_access_leakage`` still gets through.

    Attributes:
        jurisdiction: Where the data centres are.
        base_capacity_h100e: Capacity offered in a neutral season, H100e per quarter.

    """

    spec: OverseasCloudSpec

    def __init__(self, model, spec: OverseasCloudSpec) -> None:
        super().__init__(model, spec)
        self.jurisdiction = spec.jurisdiction
        self.base_capacity_h100e = spec.capacity_h100e

    def rent(self) -> None:
        """Grey-market phase: rent capacity to PRC labs, less what the remote-access rule blocks."""
        self.decide()
        model, p = self.model, self.model.params
        rule = model.government("us").decision.remote_access_rule
        compliance = self.decision.kyc_compliance
        blocked = {"open": 0.0, "kyc": p.kyc_block_share * compliance, "ban": compliance}[rule]
        rented = self.decision.capacity_offered_h100e * (1.0 - blocked * (1.0 - p.remote_access_leakage))
        if rule != "open" and rented > 0.5 * self.decision.capacity_offered_h100e:
            model.add_news("grey market", f"{self.name} still rents {rented:,.0f} H100e to PRC labs under the "
                           f"{rule} rule: it applies know-your-customer checks to only {compliance:.0%} of them.")
        model.deliver("PRC", "remote", rented, origin=self.jurisdiction)
