"""The season: its phases in order, played for every run of the model at once.

``step`` plays one season (a calendar quarter) of all R runs of an :class:`wargame.model.AIRaceModel` (R = 1 for
a game): the start of the season (flows cleared, allocation weights, the events deck), then each phase as an
``AgentSet.do`` call over one agent type (policy, supply, grey market, labs), adjudication
(:mod:`wargame.adjudication`), perception and collection. Each agent's numbers are scalars or arrays of shape
(R,), so one pass computes the season of every run (:mod:`wargame.ensemble.lanes`).
"""

from __future__ import annotations

from typing import Self

import numpy as np

from agents import Chipmaker, Government, Lab, OverseasCloud, Smuggler
from agents.base import Actor
from wargame.ensemble import draws
from wargame.ensemble.lanes import per_run, where
from wargame.reporters import MODEL_REPORTERS, SEASON_MEANS, score_reporter
from wargame.scenario import EVENT_NAMES

EVENT_DESCRIPTIONS = {
    "taiwan_strait_crisis": "Taiwan Strait crisis: foundry output halves this season.",
    "smuggling_bust": "Smuggling bust: enforcement seizes most smuggled chips this season.",
    "algorithmic_breakthrough": "Algorithmic breakthrough: one bloc's algorithmic efficiency doubles.",
    "open_weights_shock": "Open-weights shock: a strong PRC open model pulls Global South users.",
}


class SeasonMixin:
    """Playing seasons (a mixin of :class:`wargame.model.AIRaceModel`)."""

    def step(self) -> None:
        """Play one season: the phases in order. Does nothing once the game is over."""
        if not self.running:
            return
        self._start_season()
        self._phase(Government, "set_policy")  # 1. policy
        self.previous_rules = self.public_rules
        self.public_rules = self._snapshot_rules()
        self._phase(Chipmaker, "supply")  # 2. supply
        for bloc in ("US", "PRC"):  # purchases of a bloc with no producer seated arrive from its own market
            if bloc not in self._purchases_delivered:
                self.deliver_purchases(bloc, origin=bloc)
        self._phase(Smuggler, "move")  # 3. grey market
        self._phase(OverseasCloud, "rent")
        self._phase(Lab, "work")  # 4. labs
        self._adjudicate()  # 5. adjudication
        if self.narrate:
            self._explain_season()  # why the lead moved, in parts (wargame.explain)
        self.seasons_played += 1
        if self.start_index + self.seasons_played > self.end_index:
            self.running = False
            if self.narrate:
                self.add_news("adjudication", f"Game over: outcome {self.outcome()} with a lead of "
                              f"{self.lead_months:.1f} months.")
        self._perceive()  # 6. every seat perceives the new state
        for name, reporter in SEASON_MEANS.items():
            self.season_sums[name] = self.season_sums[name] + reporter(self)
        self._record_season()  # 7. collect

    def _record_season(self) -> None:
        """Collect the season: the data collector of a game, or an ensemble's :attr:`season_records`."""
        if self.datacollector is not None:
            self.datacollector.collect(self)
        elif self.season_records is not None:
            row = {name: per_run(reporter(self), self.n_runs) for name, reporter in MODEL_REPORTERS.items()
                   if name != "season"}
            for seat in self._by_seat:
                row[f"score_{seat}"] = per_run(score_reporter(seat)(self), self.n_runs)
            self.season_records.append({"season": self.last_season, **row})

    def _phase(self, agent_type: type[Actor], method: str) -> None:
        """Run one phase: call ``method`` on every agent of a type, in creation order (an AgentSet call)."""
        if agent_type in self.agents_by_type:
            self.agents_by_type[agent_type].do(method)

    def run_to_end(self) -> Self:
        """Play every remaining season; returns the model."""
        while self.running:
            self.step()
        return self

    def _start_season(self) -> None:
        self.flow_graph.remove_edges_from(list(self.flow_graph.edges))
        self._set_allocation_weights()
        for lab in self.labs:
            lab.start_season()
        self.smuggled_h100e = self.seized_h100e = self.remote_access_h100e = 0.0
        self.licensed_prc_h100e = 0.0
        self.licence_revenue_musd = 0.0
        self.foundry_output_factor = 1.0
        self.season_severity = 0.0
        self._purchases_delivered: set[str] = set()
        #: This season's distillation-detection draw of every lab (slot: the lab's index), used by PRC labs.
        self.detection_draws = self.draw("uniform", "distillation", np.arange(len(self.labs))[None, :])
        deck = self.scenario_spec.events
        # Each event of the deck occurs with its chance (one draw per event and season, used or not); the
        # scheduled events and the facilitator's injects of the season occur in every run.
        occur = self.draw("uniform", "events", draws.nested_slot(np.arange(len(EVENT_NAMES))[None, :], 0))
        self.events_on = {e: occur[..., i] < getattr(deck, e) for i, e in enumerate(EVENT_NAMES)}
        forced = [s.event for s in deck.scheduled if s.season == self.season] + self._queued_injects
        for name in self._queued_injects:
            self.inject_log.append({"season": self.season, "event": name})
        self._queued_injects = []
        for name in forced:
            self.events_on[name] = np.ones_like(self.events_on[name])
        if self.narrate:
            self.events_on = {e: bool(on) for e, on in self.events_on.items()}
            drawn = [e for e, u in zip(EVENT_NAMES, occur, strict=True) if u < getattr(deck, e)]
            self.active_events = list(dict.fromkeys(drawn + forced))
            for name in self.active_events:
                self.add_news("events", EVENT_DESCRIPTIONS[name])
        self.foundry_output_factor = where(self.event_active("taiwan_strait_crisis"), 0.5, 1.0)
        bloc_draw = self.draw("uniform", "events", draws.nested_slot(EVENT_NAMES.index("algorithmic_breakthrough"), 1))
        breakthrough = self.event_active("algorithmic_breakthrough")
        us_breakthrough = np.logical_and(breakthrough, bloc_draw < 0.6)
        self.log_efficiency["US"] = self.log_efficiency["US"] + where(us_breakthrough, np.log(2.0), 0.0)
        self.log_efficiency["PRC"] = self.log_efficiency["PRC"] + where(
            np.logical_and(breakthrough, ~us_breakthrough), np.log(2.0), 0.0)
        if self.narrate and breakthrough:
            bloc = "US" if us_breakthrough else "PRC"
            self.efficiency_parts[bloc]["breakthrough"] += np.log(2.0)
            self.add_news("events", f"The breakthrough happened in the {bloc} bloc.")
