"""The grey market's rules: the PRC import gap, the smuggling market, seizures and diversion fines.

A mixin of :class:`wargame.model.AIRaceModel` used by the smugglers (:mod:`agents.grey_market`); amounts in
H100e, shares in [0, 1], scalars or (R,) arrays (:mod:`wargame.ensemble.lanes`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.chipmaker import REFERENCE_THRESHOLD_H100E
from wargame.ensemble.lanes import where
from wargame.mechanics import seizure_probability


class SmugglingMixin:
    """The grey market's rules (a mixin of :class:`wargame.model.AIRaceModel`)."""

    def seizure_share(self, include_events: bool = True) -> float:
        """Share of smuggled volume enforcement seizes this season.

        Args:
            include_events: Whether a smuggling bust this season counts (it seizes 70% of what enforcement
                misses). Smugglers plan without it: a bust is a surprise.

        """
        p = self.params
        seize = seizure_probability(self.government("us").decision.enforcement_budget_musd, p.seizure_rate_per_musd,
                                    p.max_seizure_share)
        if include_events:
            seize = where(self.event_active("smuggling_bust"), 1.0 - (1.0 - seize) * 0.3, seize)
        return seize

    def smuggling_supply_limit(self) -> float:
        """Most a smuggling network can ship this quarter, H100e.

        A share (``max_smuggling_share_of_output``) of the chip market: the US designer's starting output
        (600,000 H100e if no designer is seated) grown with the chip market index. It does not depend on the
        game's state, so runs that differ in decisions keep common smuggling draws.
        """
        start = sum(c.spec.output_h100e_per_quarter for c in self.chipmakers if c.role == "accelerator_designer")
        return self.params.max_smuggling_share_of_output * (start or 600_000.0) * self.chip_market_index

    def charge_diversion(self, shipped_h100e: float) -> None:
        """Fine the US designer for smuggled chips diverted through distributors it did not check.

        ``shipped * (1 - checks) * violation_fine * diversion_fine_share * P(enforcement finds it)``, USD.
        """
        p = self.params
        detect = seizure_probability(self.government("us").decision.enforcement_budget_musd, p.seizure_rate_per_musd)
        for maker in self.chipmakers:
            if maker.role == "accelerator_designer":
                maker.penalty_busd = maker.penalty_busd + (shipped_h100e * (1.0 - maker.decision.customer_checks)
                                       * p.violation_fine_usd_per_h100e * p.diversion_fine_share * detect / 1e9)

    def prc_import_gap(self) -> float:
        """The PRC's unmet demand for imported accelerators this season, relative to reference demand.

        ``(reference - legal) / reference``, in [-10, 1]: the reference is what the PRC would import at the
        H20-class threshold, and ``legal`` is what licensed sales actually delivered, whoever cut them: a US
        ban, a designer refusing to sell, or Beijing's own buy-domestic guidance (buyers turned away from
        licensed chips turn to smugglers and overseas clouds too).
        """
        p = self.params
        reference = p.prc_legal_chip_demand * REFERENCE_THRESHOLD_H100E * self.chip_market_index
        legal = self.licensed_prc_h100e  # the total shipped, not a sum over labs (exact across runs)
        gap = np.clip((reference - legal) / where(reference > 0, reference, 1.0), -10.0, 1.0)
        return where(reference > 0, gap, 0.0)

    def smuggling_market(self, smuggler: Any) -> Any:
        """What PRC buyers absorb from a smuggling network at a premium this season, H100e.

        ``max(base / 2, base + boost * (reference - legal)) * (0.5 + PRC tolerance)
        * (1 - diversion_check_effect * designer checks)``, with ``base`` the network's volume grown with the
        chip market and ``reference - legal`` the H100e of licensed supply the PRC wanted and did not get
        (:meth:`prc_import_gap`), so each lost licensed H100e adds at most ``boost`` H100e of demand, and
        licensed sales above the reference shrink the market down to half its base.
        """
        p = self.params
        checks = [c.decision.customer_checks for c in self.chipmakers if c.role == "accelerator_designer"]
        check = sum(checks) / len(checks) if checks else 0.0
        base = smuggler.base_volume_h100e * self.chip_market_index
        reference = p.prc_legal_chip_demand * REFERENCE_THRESHOLD_H100E * self.chip_market_index
        shortfall = self.prc_import_gap() * reference / max(1, len(self.smugglers))
        return (np.maximum(0.5 * base, base + p.smuggling_demand_boost * shortfall)
                * (0.5 + self.government("prc").decision.smuggling_tolerance)
                * (1.0 - p.diversion_check_effect * check))
