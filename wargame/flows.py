"""Flows of compute: deliveries to a bloc's labs, purchases, allocation weights and the flow map.

A mixin of :class:`wargame.model.AIRaceModel`; every amount is in H100e, a scalar or an (R,) array
(:mod:`wargame.ensemble.lanes`). The flow map (``flow_graph``) is kept by a single game only.
"""

from __future__ import annotations

import numpy as np

from wargame.ensemble.lanes import where

FLOW_KINDS = ("legal", "smuggled", "remote")


class FlowsMixin:
    """Deliveries of compute (a mixin of :class:`wargame.model.AIRaceModel`)."""

    def record_flow(self, origin: str, dest: str, kind: str, h100e: float) -> None:
        """Add a flow of compute (H100e) of a kind to the edge ``origin -> dest`` for this season (a game only)."""
        if not self.narrate or h100e <= 0 or origin == dest:
            return
        if not self.flow_graph.has_edge(origin, dest):
            self.flow_graph.add_edge(origin, dest, **dict.fromkeys(FLOW_KINDS, 0.0))
        self.flow_graph[origin][dest][kind] += h100e

    def deliver(self, bloc: str, source: str, h100e: float, origin: str, seized: float = 0.0) -> None:
        """Split an inflow among a bloc's labs by their allocation weights and map the flow.

        A lab's weight is its ``chip_allocation_share`` times its share of the bloc's serving revenue last
        season to the power ``revenue_allocation_elasticity`` (investors fund labs that earn), normalised.

        Args:
            bloc: Receiving bloc.
            source: ``"legal"``, ``"domestic"``, ``"smuggled"`` or ``"remote"``.
            h100e: Gross inflow in H100e (before seizure).
            origin: Jurisdiction the flow comes from.
            seized: Part of ``h100e`` seized on the way, H100e.

        """
        for lab in self.labs:
            if lab.bloc == bloc:
                share = lab.allocation_weight
                lab.receive(source, h100e * share, seized * share)
        kind = {"legal": "legal", "domestic": "legal", "smuggled": "smuggled", "remote": "remote"}[source]
        self.record_flow(origin, bloc, kind, h100e - seized)
        if source == "legal" and bloc == "PRC":
            self.licensed_prc_h100e = self.licensed_prc_h100e + h100e
        if source == "smuggled":
            self.smuggled_h100e = self.smuggled_h100e + h100e
            self.seized_h100e = self.seized_h100e + seized
        elif source == "remote":
            self.remote_access_h100e = self.remote_access_h100e + h100e

    def deliver_purchases(self, bloc: str, origin: str) -> float:
        """Deliver the compute a bloc's labs bought with last season's revenue, once a season; returns the H100e."""
        if bloc in self._purchases_delivered:  # a second producer of the bloc delivers nothing more
            return 0.0
        self._purchases_delivered.add(bloc)
        total = 0.0
        for lab in self.labs:
            if lab.bloc == bloc:
                lab.receive("purchased", lab.purchase_h100e)
                total = total + lab.purchase_h100e
        self.record_flow(origin, bloc, "legal", total)
        return total

    def _set_allocation_weights(self) -> None:
        elasticity = self.params.revenue_allocation_elasticity
        for bloc in ("US", "PRC"):
            labs = [lab for lab in self.labs if lab.bloc == bloc]
            mean = sum(lab.revenue_busd for lab in labs) / len(labs)
            earns = mean > 0
            safe_mean = where(earns, mean, 1.0)
            raw = [where(earns, lab.chip_allocation_share
                         * np.power(np.maximum(lab.revenue_busd, 1e-12) / safe_mean, elasticity),
                         lab.chip_allocation_share) for lab in labs]
            total = sum(raw)
            for lab, w in zip(labs, raw, strict=True):
                lab.allocation_weight = w / total
