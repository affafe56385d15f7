"""Adjudication, the fifth phase of a season: progress, leads, incidents, adoption, enmity and scores.

Computed for every run of an :class:`wargame.model.AIRaceModel` at once (numbers are scalars or (R,) arrays,
:mod:`wargame.ensemble.lanes`); the formulas are in :mod:`wargame.mechanics`, the docs in ``docs/model.md`` §7.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.ensemble import draws
from wargame.ensemble.lanes import lane_any, lane_max, per_run, where
from wargame.mechanics import (
    MAX_INCIDENT_HAZARD,
    adoption_target,
    incident_hazard,
    lead_months,
    next_enmity,
)
from wargame.policies import us_control_index
from wargame.reporters import compute_ratio
from wargame.scoring import season_components


class AdjudicationMixin:
    """The adjudication phase (a mixin of :class:`wargame.model.AIRaceModel`)."""

    def mutual_dialogue(self) -> float:
        """Safety dialogue both sides engage in: ``sqrt(us * prc)`` (none if either stays away), in [0, 1]."""
        return np.sqrt(self._by_role["us"].decision.safety_dialogue * self._by_role["prc"].decision.safety_dialogue)

    def _adjudicate(self) -> None:
        p = self.params
        # Own progress: the US frontier advances at the halving time of Ho et al. (2024), which measures
        # frontier progress; the PRC at ``prc_algorithmic_progress_ratio`` of it, scaled by its compute for
        # experiments relative to the start (elasticity ``algorithmic_compute_elasticity``: falling further
        # behind in compute slows it). Then a ``diffusion_share_per_quarter`` of the log-gap reaches the
        # laggard, more with mutual dialogue.
        base = np.log(2.0) * 3.0 / p.algorithmic_halving_months
        relative = compute_ratio(self) / self.initial_compute_ratio
        us_progress = base
        prc_progress = base * p.prc_algorithmic_progress_ratio * np.power(relative, -p.algorithmic_compute_elasticity)
        dialogue = self.mutual_dialogue()
        diffusion = np.minimum(1.0, p.diffusion_share_per_quarter + p.dialogue_diffusion * dialogue)
        gap = self.log_efficiency["US"] - self.log_efficiency["PRC"]
        us_diffusion, prc_diffusion = diffusion * np.maximum(0.0, -gap), diffusion * np.maximum(0.0, gap)
        self.log_efficiency["US"] = self.log_efficiency["US"] + us_progress + us_diffusion
        self.log_efficiency["PRC"] = self.log_efficiency["PRC"] + prc_progress + prc_diffusion
        if self.narrate:  # the efficiency by cause, for the season's explanation (wargame.explain)
            for bloc, progress, diffused in (("US", us_progress, us_diffusion), ("PRC", prc_progress, prc_diffusion)):
                parts = self.efficiency_parts[bloc]
                parts["progress"], parts["diffusion"] = parts["progress"] + progress, parts["diffusion"] + diffused
        self._update_leads()
        majors = self._incidents(dialogue)
        self._adoption(majors)
        # Enmity: hostile acts raise it, mutual dialogue and major incidents lower it.
        prc = self._by_role["prc"].decision
        index = us_control_index(self.public_rules["us_government"])
        detections = sum(lab.distillation_detected for lab in self.labs)
        self.enmity = next_enmity(self.enmity, index - self.control_index, prc.retaliation, detections, dialogue,
                                  sum(majors.values()), p.enmity_control_hostility, p.enmity_retaliation_hostility,
                                  p.enmity_distillation_hostility, p.dialogue_enmity_relief, p.incident_enmity_relief,
                                  prc.smuggling_tolerance, p.enmity_smuggling_hostility)
        if self.narrate and index > self.control_index + 0.05:
            self.add_news("policy", f"Washington tightens export controls (control index {index:.2f}); "
                          f"enmity rises to {self.enmity:.2f}.")
        if self.narrate and prc.retaliation >= 0.3:
            self.add_news("policy", f"Beijing restricts critical-mineral exports (retaliation {prc.retaliation:.0%}).")
        self.control_index = index
        self.detections = detections
        self.best_deployed_capability_all = lane_max(lab.deployed_capability for lab in self.labs)
        self._score()

    def _score(self) -> None:
        """Add this season's weighted score components to every seat's running totals."""
        for actor in self.seats():
            weights = self.objectives.for_kind(actor.kind)
            totals = self.score_totals[actor.seat]
            for name, value in season_components(self, actor).items():
                totals[name] = totals[name] + getattr(weights, name) * value

    def _update_leads(self) -> None:
        g = self.params.frontier_effective_compute_growth_per_year
        self.lead_months = lead_months(self.best_deployed_capability("US"),
                                       self.best_deployed_capability("PRC"), g)
        self.lead_internal_months = lead_months(self.best_internal_capability("US"),
                                                self.best_internal_capability("PRC"), g)

    def _incidents(self, dialogue: Any) -> dict[str, Any]:
        """Draw this season's incidents; major ones pause the lab's releases. Returns major counts by bloc.

        Lab i's count is a Poisson draw at slot i with its hazard as mean; the tier of its j-th incident is a
        uniform draw at slot ``nested_slot(i, j)`` (:mod:`wargame.ensemble.draws`), so one lab's incidents
        never shift another's draws.
        """
        p = self.params
        severity = self.objectives.incident_severity
        relief = 1.0 - p.dialogue_hazard_reduction * dialogue
        for lab in self.labs:
            hazard = incident_hazard(
                p.incident_base_hazard, lab.deployed_capability - self.reference_capability,
                p.incident_capability_elasticity, lab.safety_share, p.incident_safety_effect,
                lab.decision.testing_quarters, p.incident_testing_effect)
            opened = np.minimum(MAX_INCIDENT_HAZARD, hazard * p.open_weights_hazard_multiplier)
            hazard = where(lab.deployed_open, opened, hazard)
            lab.hazard = hazard * relief
        n_labs = len(self.labs)
        hazards = np.stack(np.broadcast_arrays(*(lab.hazard for lab in self.labs)), axis=-1)  # (..., labs)
        counts = self.draw("poisson", "incidents", np.arange(n_labs)[None, :], lam=hazards.reshape(self.n_runs, -1))
        # One tier draw per incident that happened: run r, lab i, its j-th incident of the season.
        by_run = counts.reshape(self.n_runs, n_labs)
        run, lab_index = np.nonzero(by_run)
        n = by_run[run, lab_index]
        run, lab_index = np.repeat(run, n), np.repeat(lab_index, n)
        nth = np.arange(run.size) - np.repeat(np.cumsum(n) - n, n)
        tiers = draws.uniform(self.draw_seeds[run], "incidents", self.seasons_played,
                              draws.nested_slot(lab_index, nth))
        cat_share = per_run(p.catastrophic_incident_share, self.n_runs)[run]  # each incident's run's shares
        major_share = per_run(p.major_incident_share, self.n_runs)[run]
        catastrophic = tiers < cat_share
        major = ~catastrophic & (tiers < cat_share + major_share)
        cell = run * n_labs + lab_index  # (run, lab) of each incident

        def tally(mask: np.ndarray) -> np.ndarray:
            """Incidents per run and lab where ``mask`` holds, shaped like ``counts``."""
            return np.bincount(cell[mask], minlength=self.n_runs * n_labs).reshape(counts.shape)

        catastrophic, major, minor = tally(catastrophic), tally(major), tally(~catastrophic & ~major)
        majors: dict[str, Any] = {"US": 0, "PRC": 0}
        for i, lab in enumerate(self.labs):
            n_cat, n_major, n_minor = catastrophic[..., i], major[..., i], minor[..., i]
            lab.incidents = counts[..., i]
            lab.severity = lab.severity + (severity.minor * n_minor + severity.major * n_major
                                           + severity.catastrophic * n_cat)
            lab.pause_quarters = where(n_cat + n_major > 0, np.maximum(lab.pause_quarters, p.incident_pause_quarters),
                                       lab.pause_quarters)
            majors[lab.bloc] = majors[lab.bloc] + n_cat + n_major
            for tier, n in (("minor", n_minor), ("major", n_major), ("catastrophic", n_cat)):
                self.incidents_by_tier[tier] = self.incidents_by_tier[tier] + n
        if self.narrate:
            self._narrate_incidents(lab_index, tiers)
        self.season_severity = sum(lab.severity for lab in self.labs)
        self.major_incidents_last_season = majors["US"] + majors["PRC"]
        self.incident_hazard_total = sum(lab.hazard for lab in self.labs)
        self.cumulative_incidents = self.cumulative_incidents + counts.sum(axis=-1)
        self.cumulative_no_incident_log = self.cumulative_no_incident_log + self.incident_hazard_total
        if self.narrate:
            majors = {bloc: int(n) for bloc, n in majors.items()}
            self.major_incidents_last_season = int(self.major_incidents_last_season)
            self.cumulative_incidents = int(self.cumulative_incidents)
            self.incidents_by_tier = {tier: int(n) for tier, n in self.incidents_by_tier.items()}
            for lab in self.labs:
                lab.incidents, lab.pause_quarters = int(lab.incidents), int(lab.pause_quarters)
        return majors

    def _narrate_incidents(self, lab_index: np.ndarray, tiers: np.ndarray) -> None:
        """The news of a game's incidents in order (lab by lab): each incident's lab index and tier draw."""
        p = self.params
        for i, u in zip(lab_index.tolist(), tiers.tolist(), strict=True):
            lab = self.labs[i]
            if u < p.catastrophic_incident_share:
                tier = "catastrophic"
            elif u < p.catastrophic_incident_share + p.major_incident_share:
                tier = "major"
            else:
                tier = "minor"
            self.add_news("adjudication", f"A {tier} AI incident involving {lab.name}'s models.")
            if tier != "minor":
                self.add_news("adjudication", f"{lab.name} pauses its releases for "
                              f"{p.incident_pause_quarters} quarter(s); the incident raises the appetite "
                              "for safety rules and talks.")

    def _adoption(self, majors: dict[str, Any]) -> None:
        p = self.params
        us_open = lane_any(lab.deployed_open for lab in self.labs if lab.bloc == "US")
        prc_open = lane_any(lab.deployed_open for lab in self.labs if lab.bloc == "PRC")
        promotion = self.government("us").decision.export_promotion - self.government("prc").decision.open_weights_push
        target = adoption_target(self.lead_months, us_open * 1.0, prc_open * 1.0, promotion,
                                 p.adoption_lead_weight, p.adoption_openness_weight, p.adoption_promotion_weight,
                                 p.adoption_price_advantage_prc)
        share = self.adoption_share_us + p.adoption_speed * (target - self.adoption_share_us)
        share = share - where(self.event_active("open_weights_shock"), 0.05, 0.0)
        share = share + p.incident_adoption_loss * (majors["PRC"] - majors["US"])
        self.adoption_share_us = np.clip(share, 0.0, 1.0)
