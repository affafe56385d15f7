"""AI labs: compute stocks, training runs, releases, distillation, revenue, and safety under race pressure."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.base import Actor
from wargame import explain
from wargame.ensemble.lanes import pick_back, where
from wargame.mechanics import (
    detection_probability,
    distillation_gain,
    months_to_log_ratio,
    race_pressure,
    serving_revenue_usd,
    within_bloc_pressure,
)
from wargame.scenario import LabSpec

#: Sources of compute inflows. ``purchased`` is bought with the lab's own revenue in its bloc's market;
#: ``remote`` is rented compute used this season, not added to the stock.
SOURCES = ("legal", "domestic", "smuggled", "remote", "purchased")


class Lab(Actor):
    """A frontier AI lab.

    Capability is tracked as ln of effective training compute (H100e-quarters of the season's training run
    times the bloc's algorithmic-efficiency multiplier, times the lab's own know-how). The internal model is
    the best trained so far; the deployed model is the best released one.

    Attributes:
        stock_h100e: Owned compute, H100e.
        inflow_h100e: This season's inflows by source (:data:`SOURCES`), H100e.
        seized_h100e: Smuggled chips bound for this lab seized this season, H100e.
        depreciation_h100e: Compute retired this season, H100e.
        skill: The lab's persistent know-how, ln effective-compute multiplier (drawn at the start).
        internal_capability: ln effective compute of the best trained model.
        deployed_capability: ln effective compute of the best released model.
        race_pressure: Safety-race pressure felt this season (>= 0): between blocs and within its own bloc.
        perceived_lead_months: Mean of the lab's belief about its bloc's lead, months (own-bloc sign).
        perceived_uncertainty_months: Standard deviation of that belief, months.
        distillation_gain_log: Log-capability gained by distillation this season.
        open_weights_gain_log: Log-capability gained from the other bloc's open weights this season.
        revenue_busd: Serving revenue this season, USD billion.
        penalty_busd: Sanctions this season (detected distillation), USD billion.
        pause_quarters: Quarters left in a deployment pause after a major incident.
        hazard: Incident hazard this season, incidents per quarter.
        incidents: Incidents this season.
        severity: Severity points of this season's incidents.

    """

    spec: LabSpec

    def __init__(self, model, spec: LabSpec) -> None:
        super().__init__(model, spec)
        self.jurisdiction = spec.jurisdiction
        self.chip_allocation_share = spec.chip_allocation_share
        self.allocation_weight = spec.chip_allocation_share
        self.base_safety_share = spec.base_safety_share
        self.base_testing_quarters = spec.base_testing_quarters
        self.distils = spec.distils
        self.stock_h100e = spec.initial_compute_h100e
        self.inflow_h100e = dict.fromkeys(SOURCES, 0.0)
        self.seized_h100e = 0.0
        self.depreciation_h100e = 0.0
        self.skill = model.params.initial_capability_noise_sd * model.draw("normal", "initial", len(model.labs),
                                                                          season=0)
        start = np.log(self.decision.training_share * self.stock_h100e) + self.skill
        self.internal_capability = start
        self.deployed_capability = start
        self.trained_history = [start] * 5
        if model.narrate:  # a game explains its seasons (wargame.explain): each model's ledger of causes
            self.stock_by_source = dict.fromkeys(explain.COMPUTE_SOURCES[:-1], 0.0)
            self.stock_by_source["initial"] = float(self.stock_h100e)
            self.seized_by_source = dict.fromkeys(SOURCES, 0.0)
            self.ledger = explain.start_ledger(self.stock_h100e, self.decision.training_share, self.skill)
            self.deployed_ledger = self.ledger
            self.ledger_history = [self.ledger] * 5
        self.deployed_open: Any = False
        self.race_pressure = 0.0
        self.perceived_lead_months = 0.0
        self.perceived_uncertainty_months = 0.0
        self.distillation_gain_log = 0.0
        self.open_weights_gain_log = 0.0
        self.distillation_detected = False
        self.purchase_h100e = 0.0
        self.pause_quarters = 0
        self.hazard = 0.0
        self.incidents = 0
        self.severity = 0.0

    @property
    def safety_share(self) -> float:
        """Share of compute spent on safety this season, in [0, 1]."""
        return self.decision.safety_share

    @property
    def available_compute_h100e(self) -> float:
        """Compute the lab can use this season: owned stock plus rented remote access, H100e."""
        return self.stock_h100e + self.inflow_h100e["remote"]

    def start_season(self) -> None:
        """Clear this season's flows."""
        self.inflow_h100e = dict.fromkeys(SOURCES, 0.0)
        self.seized_h100e = 0.0
        self.depreciation_h100e = 0.0
        self.distillation_gain_log = 0.0
        self.open_weights_gain_log = 0.0
        self.distillation_detected = False
        self.penalty_busd = 0.0
        self.incidents = 0
        self.severity = 0.0
        if self.model.narrate:
            self.seized_by_source = dict.fromkeys(SOURCES, 0.0)

    def receive(self, source: str, h100e: float, seized: float = 0.0) -> None:
        """Book an inflow of compute (gross, before seizure) from a source, H100e."""
        self.inflow_h100e[source] += h100e
        self.seized_h100e += seized
        if self.model.narrate:
            self.seized_by_source[source] += seized

    def perceive(self) -> None:
        """Form the lab's belief about the lead and the race pressure it feels.

        The lab sees deployed models; its bloc's intelligence adds a noisy signal of the internal lead with
        effective visibility ``v`` (the scenario's ``visibility``, raised by its government's intelligence
        budget; noise sd ``intel_noise_months * (1 - v)``). Its belief is
        ``Normal((1-v) * deployed_lead + v * signal, (intel_noise_months * (1-v))^2)``. It also sees its own
        bloc's models fully and races its own bloc's rivals (``within_bloc_pressure``).
        """
        model, p = self.model, self.model.params
        sign = 1.0 if self.bloc == "US" else -1.0
        v = model.effective_visibility(self.bloc)
        sd = p.intel_noise_months * (1.0 - v)
        signal = model.lead_internal_months + sd * model.intel_error[self.bloc]
        self.perceived_lead_months = sign * ((1.0 - v) * model.lead_months + v * signal)
        self.perceived_uncertainty_months = sd
        between = race_pressure(self.perceived_lead_months, sd, p.pressure_scale_months, model.enmity,
                                p.laggard_pressure_scale)
        to_months = 12.0 / np.log(p.frontier_effective_compute_growth_per_year)
        gaps = [(self.internal_capability - lab.internal_capability) * to_months
                for lab in model.labs if lab.bloc == self.bloc and lab is not self]
        self.race_pressure = between + within_bloc_pressure(gaps, p.within_bloc_pressure_weight,
                                                            p.pressure_scale_months)

    def work(self) -> None:
        """Labs phase: decide, book the stock, train, learn from open weights, distil, release, serve."""
        self.decide()
        self._update_stock()
        self._train()
        self._learn_from_open_weights()
        if self.bloc == "PRC":
            # One draw per PRC lab and season, used or not, so choosing not to distil shifts no other draw.
            self._distil(self.model.detection_draws[..., self.model.labs.index(self)])
        paused = self.pause_quarters > 0
        self._release(paused)
        self.pause_quarters = where(paused, self.pause_quarters - 1, self.pause_quarters)
        if self.model.n_runs == 1:
            self.pause_quarters = int(self.pause_quarters)
        self._serve(paused)

    def _update_stock(self) -> None:
        dep = self.model.params.depreciation_per_quarter
        self.depreciation_h100e = self.stock_h100e * dep
        owned_in = sum(self.inflow_h100e[s] for s in SOURCES if s != "remote")
        self.stock_h100e = self.stock_h100e + owned_in - self.seized_h100e - self.depreciation_h100e
        if self.model.narrate:
            self.stock_by_source = {
                s: held * (1.0 - dep) + (self.inflow_h100e[s] - self.seized_by_source[s] if s in SOURCES else 0.0)
                for s, held in self.stock_by_source.items()}

    def _train(self) -> None:
        training = np.maximum(self.decision.training_share * self.available_compute_h100e, 1e-9)
        run = np.log(training) + self.model.log_efficiency[self.bloc] + self.skill
        if self.model.narrate:
            if run > self.internal_capability:
                self.ledger = explain.run_ledger({**self.stock_by_source, "remote": self.inflow_h100e["remote"]},
                                                 self.decision.training_share,
                                                 self.model.efficiency_parts[self.bloc], self.skill)
            self.ledger_history.append(self.ledger)
        self.internal_capability = np.maximum(self.internal_capability, run)
        self.trained_history.append(self.internal_capability)

    def _learn_from_open_weights(self) -> None:
        """Close part of the gap to the other bloc's best open-weights model (never passing it)."""
        model, p = self.model, self.model.params
        teacher = model.best_open_capability("PRC" if self.bloc == "US" else "US")
        if teacher is None:
            return
        # -inf where the other bloc has no open model this run: no gain there.
        gain = distillation_gain(self.internal_capability, teacher, p.open_weights_diffusion, 1.0)
        self.internal_capability = self.internal_capability + gain
        self.trained_history[-1] = self.internal_capability
        self.open_weights_gain_log = gain
        if model.narrate:
            self.ledger = self.ledger_history[-1] = explain.with_gain(self.ledger, "open_weights", gain)

    def _distil(self, detection_draw: Any) -> None:
        """Distil US models where the lab makes an effort this season: detected, it is sanctioned; else it gains."""
        model, p = self.model, self.model.params
        effort = self.decision.distillation_effort
        tries = effort > 0
        teacher = model.best_deployed_capability("US")
        defence = model.us_distillation_defence()
        detected = tries & (detection_draw < detection_probability(defence, p.detection_strength))
        self.distillation_detected = detected
        self.penalty_busd = where(detected, p.distillation_sanction_busd * effort, self.penalty_busd)
        gain = where(tries & ~detected, distillation_gain(self.internal_capability, teacher, p.distillation_rate,
                                                             effort), 0.0)
        self.internal_capability = self.internal_capability + gain
        self.trained_history[-1] = self.internal_capability
        self.distillation_gain_log = gain
        if model.narrate:
            self.ledger = self.ledger_history[-1] = explain.with_gain(self.ledger, "distillation", gain)
            self.distillation_detected = bool(detected)
            if detected:
                model.add_news("labs", f"{self.name}: distillation campaign detected, its accounts closed and the "
                               "lab sanctioned.")
            elif gain > 0:
                months = gain / months_to_log_ratio(1.0, p.frontier_effective_compute_growth_per_year)
                model.add_news("labs", f"{self.name}: undetected distillation of US models gained {months:.1f} "
                               "months of capability.", audience="PRC")

    def _release(self, paused: Any) -> None:
        """Release the newest model that has finished testing, where not paused.

        A pause keeps the deployed model (its weights open only if the lab still chooses open weights).
        """
        d = self.decision
        self.deployed_open = where(paused, np.logical_and(self.deployed_open, d.open_weights), d.open_weights)
        tested = pick_back(self.trained_history, d.testing_quarters)
        released = ~np.asarray(paused) & np.asarray(d.release) & (tested > self.deployed_capability + 1e-12)
        if self.model.narrate:
            self.deployed_open = bool(self.deployed_open)
            if released:
                months = (tested - self.deployed_capability) / months_to_log_ratio(
                    1.0, self.model.params.frontier_effective_compute_growth_per_year)
                kind = "open-weights" if self.deployed_open else "API"
                self.model.add_news("labs", f"{self.name} released a new {kind} model (+{months:.1f} months, "
                                    f"after {d.testing_quarters} quarter(s) of testing).")
        self.deployed_capability = where(released, tested, self.deployed_capability)
        if self.model.narrate and released:
            self.deployed_ledger = pick_back(self.ledger_history, d.testing_quarters)

    def serving_demand_h100e(self) -> float:
        """Inference demand the lab's deployed model meets this season, H100e-quarters.

        ``demand * market index * (0.5 + bloc adoption share) * exp(-q * gap to the best deployed model)``.
        """
        model, p = self.model, self.model.params
        share = model.adoption_share_us if self.bloc == "US" else 1.0 - model.adoption_share_us
        gap = np.maximum(0.0, model.best_deployed_capability_all - self.deployed_capability)
        return (p.serving_demand_h100e * model.chip_market_index * (0.5 + share)
                * np.exp(-p.serving_quality_elasticity * gap))

    def _serve(self, paused: bool) -> None:
        """Serving revenue this season; half of it buys compute next season (``lab_reinvestment_share``)."""
        p = self.model.params
        serving = self.decision.serving_share * self.available_compute_h100e
        revenue = serving_revenue_usd(serving, self.serving_demand_h100e(), p.serving_price_usd_per_h100e)
        revenue = where(self.deployed_open, revenue * (1.0 - p.open_weights_revenue_loss), revenue)
        revenue = where(paused, revenue * (1.0 - p.incident_pause_revenue_loss), revenue)
        if self.bloc == "US":
            revenue = revenue * (1.0 - p.distillation_defence_revenue_cost * self.decision.distillation_defence)
        self.revenue_busd = revenue / 1e9
        price = self.model.h100e_price_usd * (p.prc_compute_price_premium if self.bloc == "PRC" else 1.0)
        self.purchase_h100e = p.lab_reinvestment_share * revenue / price

    def observation(self) -> dict[str, Any]:
        """The lab's own state: what it knows about itself fully."""
        return {
            "stock_h100e": self.stock_h100e, "internal_capability": self.internal_capability,
            "deployed_capability": self.deployed_capability, "race_pressure": self.race_pressure,
            "perceived_lead_months": self.perceived_lead_months,
            "perceived_uncertainty_months": self.perceived_uncertainty_months,
            "base_safety_share": self.base_safety_share, "base_testing_quarters": self.base_testing_quarters,
            "distils": self.distils, "revenue_busd": self.revenue_busd, "pause_quarters": self.pause_quarters,
        }
