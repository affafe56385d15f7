"""AI labs: compute stocks, training runs, releases, distillation, and safety under race pressure."""

from __future__ import annotations

import math

from agents.base import Actor
from wargame.mechanics import (
    detection_probability,
    distillation_gain,
    months_to_log_ratio,
    race_pressure,
)
from wargame.scenario import LabSpec

SOURCES = ("legal", "domestic", "smuggled", "remote")


class Lab(Actor):
    """A frontier AI lab.

    Capability is tracked as ln of effective training compute (H100e-quarters of the season's training run
    times the bloc's algorithmic-efficiency multiplier). The internal model is the best trained so far;
    the deployed model is the best released one.

    Attributes:
        stock_h100e: Owned compute, H100e.
        inflow_h100e: This season's inflows by source (``legal``, ``domestic``, ``smuggled``, ``remote``),
            H100e. ``remote`` is rented compute used this season, not added to the stock.
        seized_h100e: Smuggled chips bound for this lab seized this season, H100e.
        depreciation_h100e: Compute retired this season, H100e.
        internal_capability: ln effective compute of the best trained model.
        deployed_capability: ln effective compute of the best released model.
        race_pressure: Safety-race pressure felt this season (>= 0).
        perceived_lead_months: Mean of the lab's belief about its bloc's lead, months (own-bloc sign).
        distillation_gain_log: Log-capability gained by distillation this season.
        hazard: Incident hazard this season, incidents per quarter.
        incidents: Incidents this season.

    """

    spec: LabSpec

    def __init__(self, model, spec: LabSpec) -> None:
        super().__init__(model, spec)
        self.jurisdiction = spec.jurisdiction
        self.chip_allocation_share = spec.chip_allocation_share
        self.base_safety_share = spec.base_safety_share
        self.base_testing_quarters = spec.base_testing_quarters
        self.distils = spec.distils
        self.stock_h100e = spec.initial_compute_h100e
        self.inflow_h100e = dict.fromkeys(SOURCES, 0.0)
        self.seized_h100e = 0.0
        self.depreciation_h100e = 0.0
        noise = model.streams["initial"].normal(0.0, model.params.initial_capability_noise_sd)
        start = math.log(self.decision.training_share * self.stock_h100e) + noise
        self.internal_capability = start
        self.deployed_capability = start
        self.trained_history = [start] * 5
        self.deployed_open = False
        self.race_pressure = 0.0
        self.perceived_lead_months = 0.0
        self.distillation_gain_log = 0.0
        self.hazard = 0.0
        self.incidents = 0

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

    def receive(self, source: str, h100e: float, seized: float = 0.0) -> None:
        """Book an inflow of compute (gross, before seizure) from a source, H100e."""
        self.inflow_h100e[source] += h100e
        self.seized_h100e += seized

    def perceive(self) -> None:
        """Form the lab's belief about the lead and the race pressure it feels.

        The lab sees deployed models; with ``visibility`` v it also gets a noisy intelligence signal of the
        internal lead (noise sd ``intel_noise_months * (1 - v)``). Its belief is
        ``Normal((1-v) * deployed_lead + v * signal, (intel_noise_months * (1-v))^2)``.
        """
        model, p = self.model, self.model.params
        sign = 1.0 if self.bloc == "US" else -1.0
        v = p.visibility
        sd = p.intel_noise_months * (1.0 - v)
        error = model.streams["intelligence"].normal(0.0, 1.0)  # drawn every season, whatever the visibility
        signal = model.lead_internal_months + sd * error
        self.perceived_lead_months = sign * ((1.0 - v) * model.lead_months + v * signal)
        self.race_pressure = race_pressure(self.perceived_lead_months, sd, p.pressure_scale_months,
                                           model.enmity)

    def work(self) -> None:
        """Labs phase: perceive, decide, book the stock, train, distil, release."""
        self.perceive()
        self.decide()
        self._update_stock()
        self._train()
        if self.bloc == "PRC":
            # One draw per PRC lab and season, used or not, so choosing not to distil shifts no other draw.
            detection_draw = self.model.streams["distillation"].random()
            if self.decision.distillation_effort > 0:
                self._distil(detection_draw)
        self._release()

    def _update_stock(self) -> None:
        dep = self.model.params.depreciation_per_quarter
        self.depreciation_h100e = self.stock_h100e * dep
        owned_in = self.inflow_h100e["legal"] + self.inflow_h100e["domestic"] + self.inflow_h100e["smuggled"]
        self.stock_h100e = self.stock_h100e + owned_in - self.seized_h100e - self.depreciation_h100e

    def _train(self) -> None:
        training = max(self.decision.training_share * self.available_compute_h100e, 1e-9)
        run = math.log(training) + self.model.log_efficiency[self.bloc]
        self.internal_capability = max(self.internal_capability, run)
        self.trained_history.append(self.internal_capability)

    def _distil(self, detection_draw: float) -> None:
        model, p = self.model, self.model.params
        teacher = model.best_deployed_capability("US")
        defence = model.us_distillation_defence()
        detected = detection_draw < detection_probability(defence, p.detection_strength)
        if detected:
            model.add_news("labs", f"{self.name}: distillation campaign detected and its accounts closed.")
            return
        gain = distillation_gain(self.internal_capability, teacher, p.distillation_rate,
                                 self.decision.distillation_effort)
        if gain > 0:
            self.internal_capability += gain
            self.trained_history[-1] = self.internal_capability
            self.distillation_gain_log = gain
            months = gain / months_to_log_ratio(1.0, p.frontier_effective_compute_growth_per_year)
            model.add_news("labs", f"{self.name}: undetected distillation of US models gained {months:.1f} "
                           "months of capability.")

    def _release(self) -> None:
        self.deployed_open = self.decision.open_weights
        if not self.decision.release:
            return
        tested = self.trained_history[-1 - self.decision.testing_quarters]
        if tested > self.deployed_capability + 1e-12:
            months = (tested - self.deployed_capability) / months_to_log_ratio(
                1.0, self.model.params.frontier_effective_compute_growth_per_year)
            kind = "open-weights" if self.deployed_open else "API"
            self.model.add_news("labs", f"{self.name} released a new {kind} model (+{months:.1f} months, "
                                f"after {self.decision.testing_quarters} quarter(s) of testing).")
            self.deployed_capability = tested
