"""The wargame model: a Mesa ``Model`` whose step is one season (a calendar quarter).

Each season runs six phases in a fixed order (DESIGN §3):

1. **policy** – governments set export rules and their other levers;
2. **supply** – chipmakers produce and ship within the rules;
3. **grey market** – smugglers and overseas clouds move compute around the rules, enforcement seizes some;
4. **labs** – labs feel race pressure, allocate compute, train, distil and release;
5. **adjudication** – algorithmic progress, lead, incidents, adoption, events and news;
6. **collect** – the DataCollector records the season.

All randomness is counter-based (:mod:`wargame.ensemble.draws`): every draw is a pure function of the run's
seed, its source of randomness (``RANDOM_STREAMS``), the season and a slot (which lab, which event), so the
same scenario, seed and decisions give the same trajectory, and runs that differ in decisions share the draws
of every mechanism they do not change.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import mesa
import networkx as nx
import numpy as np

from agents import Chipmaker, Government, Lab, OverseasCloud, Smuggler
from agents.base import Actor
from agents.chipmaker import REFERENCE_THRESHOLD_H100E, ROLE_ORDER
from wargame.decisions import Decision, DecisionError, check_offered, decision_model_for, make_decision
from wargame.ensemble import draws
from wargame.ensemble.lanes import LeverLanes, lane_any, lane_max, per_run, plain, stack_attributes, where
from wargame.ensemble.parameters import LaneParameters
from wargame.mechanics import (
    MAX_INCIDENT_HAZARD,
    adoption_target,
    classify_outcome,
    incident_hazard,
    incident_probability,
    lead_months,
    next_enmity,
    seizure_probability,
)
from wargame.observation import observe
from wargame.policies import PLANNER, PLANNER_FALLBACK, us_control_index
from wargame.scenario import EVENT_NAMES, JURISDICTIONS, Scenario, load_scenario
from wargame.scoring import COMPONENTS, season_components
from wargame.seasons import parse_season, season_label

FLOW_KINDS = ("legal", "smuggled", "remote")
#: Sources of randomness (:data:`wargame.ensemble.draws.STREAMS`); each is its own counter space.
RANDOM_STREAMS = draws.STREAMS
#: Most incidents one lab can have in a season (a cap on the Poisson draw; at the hazard cap of 10 a quarter,
#: P(more than 60) is below 1e-25).
MAX_INCIDENTS_PER_LAB = 60
#: Outer and inner indices of the four intelligence draws of a perception, lane-aligned (1, 4).
_BLOC_SLOTS = (np.array([[0, 0, 1, 1]]), np.array([[0, 1, 0, 1]]))
#: Largest seed the model takes (seeds are integers in [0, MAX_SEED]; the CLI and the browser use the same).
MAX_SEED = 2**63 - 1
#: Who may read a news item or a facilitator's note: everyone, or one bloc alone.
AUDIENCES = ("public", "US", "PRC")
#: Longest facilitator's note, characters (illustrative: a paragraph of an inject or a ruling).
MAX_NOTE_CHARS = 1000
#: Most facilitator's notes in one season (illustrative; bounds a game log: 50 x 1000 characters a season).
MAX_NOTES_PER_SEASON = 50
EVENT_DESCRIPTIONS = {
    "taiwan_strait_crisis": "Taiwan Strait crisis: foundry output halves this season.",
    "smuggling_bust": "Smuggling bust: enforcement seizes most smuggled chips this season.",
    "algorithmic_breakthrough": "Algorithmic breakthrough: one bloc's algorithmic efficiency doubles.",
    "open_weights_shock": "Open-weights shock: a strong PRC open model pulls Global South users.",
}


class AIRaceModel(mesa.Model):
    """Agent-based model of the US-PRC race for AI leadership, one step per season.

    One model plays R runs at once (an ensemble) when given ``seeds``: the mechanics are the same code, and
    every number of the state is then an array of shape (R,), one entry per run (:mod:`wargame.ensemble.lanes`).
    An ensemble keeps no news, flow map, logs or data collector (a single game does), and its planner seats
    play their fallback policy.

    Args:
        scenario: A validated :class:`~wargame.scenario.Scenario`, or a scenario name or path.
        seed: Seed of the model's random draws (any non-negative integer).
        seeds: For an ensemble, the seeds of its R runs (a sequence or integer array, shape (R,), R >= 1);
            ``seed`` is then ignored. Lane r plays exactly the game ``AIRaceModel(scenario, seeds[r])``.
        parameters: Parameters given per run (a sweep): name -> values of shape (R,), replacing the scenario's
            (:class:`~wargame.ensemble.parameters.LaneParameters`); lane r then plays the scenario with run r's
            values.
        record_seasons: For an ensemble, whether to record every model reporter (:data:`MODEL_REPORTERS`)
            after each season in :attr:`season_records` (a game always has its data collector).

    Attributes:
        scenario_spec: The scenario being played.
        params: Its mechanics parameters.
        season: Label of the next season to play, e.g. ``"2026Q3"``.
        seasons_played: Number of seasons played so far.
        lead_months: Lead of the best deployed US model over the best deployed PRC model, months.
        lead_internal_months: The same for internal (trained) models, months.
        log_efficiency: ln algorithmic-efficiency multiplier per bloc (0 for the US at the start).
        adoption_share_us: Global South share using US models, in [0, 1].
        enmity: Current enmity between the blocs: rises with hostile acts, falls with mutual dialogue and
            after major incidents.
        control_index: How tight US controls are, in [0, 1] (:func:`wargame.mechanics.control_index`).
        score_totals: Per seat, the running total of each weighted score component (points).
        flow_graph: Directed graph of jurisdictions; edge attributes ``legal``, ``smuggled``, ``remote`` hold
            this season's flows in H100e; nodes carry a fixed ``pos``.
        news: List of ``{"season", "phase", "text", "audience"}`` dicts, oldest first.
        decision_log: Human decisions applied, as ``{"season", "seat", "levers"}`` dicts.
        inject_log: Injects played by hand, as ``{"season", "event"}`` dicts.
        note_log: Facilitator's notes (:meth:`add_note`), as ``{"season", "text", "audience"}`` dicts, oldest first.
        decision_history: Every seat's decision, season by season, for the debrief: ``{"season", "seat",
            "levers", "by"}`` dicts in the order the seats decided; ``levers`` holds the seat's offered levers
            only (plain Python values) and ``by`` is ``"human"`` (a submitted decision) or ``"computer"`` (the
            seat's policy). Not saved in a game log: a replay rebuilds it.

    Raises:
        ScenarioError: If ``scenario`` is a name or path that does not load.
        ValueError: If ``seed`` is not an integer in [0, 2**63 - 1] or ``seeds`` not a sequence of such.
        LaneParameterError: If ``parameters`` names an unknown parameter or holds a value its field refuses.

    """

    def __init__(self, scenario: Scenario | str, seed: int = 0, *, seeds: Any = None,
                 parameters: Mapping[str, Any] | None = None, record_seasons: bool = False) -> None:
        if seeds is not None:
            seed_array = np.asarray(seeds)
            if seed_array.ndim != 1 or seed_array.size == 0 or seed_array.dtype.kind not in "iu" \
                    or seed_array.min() < 0 or seed_array.max() > MAX_SEED:
                raise ValueError("seeds must be a non-empty 1-D sequence of integers from 0 to 2**63 - 1")
            seed = int(seed_array[0])
        elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")
        super().__init__(rng=seed)
        self.seed = seed
        # Counter-based draws keyed on (seed, stream, season, slot): a decision that changes how often one
        # mechanism draws (no distillation, more incidents) shifts no other draw, so runs that differ only
        # in decisions or policies see common random numbers.
        self.draw_seeds = np.array([seed], dtype=np.int64) if seeds is None else seed_array.astype(np.int64)
        #: Number of runs played at once (1 for a single game).
        self.n_runs = int(self.draw_seeds.size)
        #: Whether the model keeps the news, the flow map, the logs and the data collector (a single game).
        self.narrate = self.n_runs == 1
        self.scenario_spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.params: Any = self.scenario_spec.parameters
        if parameters:
            lane_params = LaneParameters(self.params, parameters, self.n_runs)
            self.params = lane_params if self.n_runs > 1 else lane_params.run(0)
        self.objectives = self.scenario_spec.objectives
        self.start_index = parse_season(self.scenario_spec.scenario.start)
        self.end_index = parse_season(self.scenario_spec.scenario.end)
        self.seasons_played = 0
        self._market_season = -1
        self._market_index: Any = 1.0
        self.enmity = self.params.enmity
        self.log_efficiency = {"US": 0.0, "PRC": 0.0}
        self.adoption_share_us = self.params.initial_adoption_share_us
        self.foundry_output_factor = 1.0
        self.news: list[dict[str, Any]] = []
        self.decision_log: list[dict[str, Any]] = []
        self.inject_log: list[dict[str, Any]] = []
        self.note_log: list[dict[str, Any]] = []
        self.decision_history: list[dict[str, Any]] = []
        self.active_events: list[str] = []
        self._queued_injects: list[str] = []
        self._submitted: dict[str, dict[str, Any]] = {}
        self.incidents_by_tier = {"minor": 0, "major": 0, "catastrophic": 0}
        self.cumulative_incidents = 0
        self.cumulative_no_incident_log = 0.0
        self.incident_hazard_total = 0.0
        self.season_severity = 0.0
        self.major_incidents_last_season = 0
        self.detections = 0
        self.smuggled_h100e = self.seized_h100e = self.remote_access_h100e = 0.0
        self.licensed_prc_h100e = 0.0
        self.licence_revenue_musd = 0.0
        self.intel_error = {"US": 0.0, "PRC": 0.0}
        self.intel_compute_error = {"US": 0.0, "PRC": 0.0}

        self.flow_graph = nx.DiGraph()
        for node, pos in JURISDICTIONS.items():
            self.flow_graph.add_node(node, pos=pos)

        spec = self.scenario_spec
        # Agents are created in the order they act within their phase: governments (which all decide on last
        # season's public rules), US labs before PRC labs (PRC labs distil deployed US models), chokepoint
        # holders before chip producers.
        role_rank = {"us": 0, "prc": 1, "ally": 2}
        self.governments = [Government(self, s) for s in sorted(spec.governments, key=lambda s: role_rank[s.role])]
        self.labs: list[Lab] = []  # filled one by one: a lab draws its skill at slot len(self.labs)
        for lab_spec in sorted(spec.labs, key=lambda s: s.bloc != "US"):
            self.labs.append(Lab(self, lab_spec))
        self.chipmakers = [Chipmaker(self, s)
                           for s in sorted(spec.chipmakers, key=lambda s: ROLE_ORDER.index(s.role))]
        self.smugglers = [Smuggler(self, s) for s in spec.smugglers]
        self.clouds = [OverseasCloud(self, s) for s in spec.overseas_clouds]
        self._by_seat: dict[str, Actor] = {a.seat: a for a in self.agents}
        self._by_role = {g.role: g for g in self.governments if g.role != "ally"}
        self.reference_capability = self.best_deployed_capability("US")
        self.best_deployed_capability_all = lane_max(lab.deployed_capability for lab in self.labs)
        self.lead_months = 0.0
        self.lead_internal_months = 0.0
        self._update_leads()
        self.initial_lead_months = self.lead_months
        self.initial_compute_ratio = compute_ratio(self)
        self.score_totals: dict[str, dict[str, float]] = {
            a.seat: dict.fromkeys(COMPONENTS[a.kind], 0.0) for a in self.seats()}
        # The rules in force before the first season are what each government's policy proposes from the
        # scenario's lever defaults, so a scenario that starts tight does not count as tightening in season 1.
        self.public_rules = self.previous_rules = self._snapshot_rules()
        for government in self.governments:
            government.decision = government.proposed_decision()
        self.public_rules = self.previous_rules = self._snapshot_rules()
        self.control_index = us_control_index(self.public_rules["us_government"])
        self._perceive()

        #: Running sums over played seasons of the reporters :meth:`summary` averages (per run).
        self.season_sums = dict.fromkeys(SEASON_MEANS, 0.0)
        self.running = True
        self.datacollector: mesa.DataCollector | None = None
        #: An ensemble's season-by-season reporters when ``record_seasons``: one dict per collected season
        #: (the start first), reporter name -> array of shape (R,) (``season``: the label, a str); the same
        #: columns as a game's data collector (:data:`MODEL_REPORTERS`, then ``score_<seat>``).
        self.season_records: list[dict[str, Any]] | None = [] if record_seasons and not self.narrate else None
        if self.narrate:
            reporters = dict(MODEL_REPORTERS)
            for seat in self._by_seat:
                reporters[f"score_{seat}"] = _score_reporter(seat)
            self.datacollector = mesa.DataCollector(
                model_reporters=reporters,
                agenttype_reporters={Lab: LAB_REPORTERS},
            )
        self._record_season()

    # ----------------------------------------------------------------- lookups
    @property
    def season(self) -> str:
        """Label of the next season to play (or of the last one, once the game is over)."""
        return season_label(min(self.start_index + self.seasons_played, self.end_index))

    @property
    def last_season(self) -> str:
        """Label of the season last played (the season before the start, before any is played)."""
        return season_label(self.start_index + self.seasons_played - 1)

    @property
    def chip_market_index(self) -> Any:
        """Size of the accelerator market relative to the start: ``(1 + us_output_growth)^seasons_played``.

        Smuggling volumes, overseas cloud capacity and PRC demand for licensed chips scale with it.
        """
        if self._market_season != self.seasons_played:
            self._market_season = self.seasons_played
            self._market_index = np.power(1.0 + self.params.us_output_growth_per_quarter, self.seasons_played)
        return self._market_index

    @property
    def h100e_price_usd(self) -> float:
        """Price of one H100e this season, USD: ``h100e_price_usd * (1 - decline)^seasons_played``."""
        p = self.params
        return p.h100e_price_usd * np.power(1.0 - p.h100e_price_decline_per_quarter, self.seasons_played)

    @property
    def total_seasons(self) -> int:
        """Number of seasons in the game."""
        return self.end_index - self.start_index + 1

    def government(self, role: str) -> Government:
        """The government with role ``"us"`` or ``"prc"``."""
        return self._by_role[role]

    def government_of(self, jurisdiction: str) -> Government | None:
        """The government seated for a jurisdiction, if any."""
        for g in self.governments:
            if g.jurisdiction == jurisdiction:
                return g
        return None

    def chokepoint_node(self, chokepoint: str) -> str:
        """Jurisdiction of the first chipmaker holding a chokepoint role (``"foundry"`` -> ``"TW"``)."""
        role = {"foundry": "foundry", "tools": "tool_maker", "memory": "memory_maker"}[chokepoint]
        for c in self.chipmakers:
            if c.role == role:
                return c.jurisdiction
        return "TW" if chokepoint == "foundry" else "US"

    def chokepoint_strength(self, chokepoint: str) -> float:
        """How closed a chokepoint is to the PRC, in [0, 1]: mean control strength of its chipmakers."""
        role = {"foundry": "foundry", "tools": "tool_maker", "memory": "memory_maker"}[chokepoint]
        makers = [c for c in self.chipmakers if c.role == role]
        if not makers:
            return 0.0
        return sum(c.control_strength() for c in makers) / len(makers)

    def seats(self) -> list[Actor]:
        """All actors (seats), in scenario order within each kind."""
        return list(self._by_seat.values())

    def actor(self, seat: str) -> Actor:
        """The actor holding a seat.

        Raises:
            DecisionError: If there is no such seat.

        """
        try:
            return self._by_seat[seat]
        except KeyError:
            raise DecisionError(f"unknown seat {seat!r}; seats: {', '.join(self._by_seat)}") from None

    def best_deployed_capability(self, bloc: str) -> float:
        """Ln effective compute of the bloc's best deployed model."""
        return lane_max(lab.deployed_capability for lab in self.labs if lab.bloc == bloc)

    def best_internal_capability(self, bloc: str) -> float:
        """Ln effective compute of the bloc's best internal (trained) model."""
        return lane_max(lab.internal_capability for lab in self.labs if lab.bloc == bloc)

    def us_distillation_defence(self) -> float:
        """Strength of defences against distillation: mean US lab defence plus anti-distillation measures."""
        us_labs = [lab for lab in self.labs if lab.bloc == "US"]
        lab_defence = sum(lab.decision.distillation_defence for lab in us_labs) / len(us_labs)
        return lab_defence + self.government("us").decision.anti_distillation

    def event_active(self, name: str) -> Any:
        """Whether an inject is in play this season (a bool in a game, a bool array of shape (R,) in an ensemble)."""
        return self.events_on.get(name, False)

    # ---------------------------------------------------------------- randomness
    def reseed(self, seed: int) -> None:
        """Draw every random number from now on from ``seed``: fresh generators for every stream.

        The draws still to come are keyed on ``seed`` (:attr:`draw_seeds`); the model's Mesa ``rng`` and stdlib
        ``random``, which the mechanics never draw from, are reseeded too. The state of the game is untouched;
        only the draws still to come change. This is how a future of a
        game is played (:mod:`wargame.futures`): two copies of one model reseeded with the same seed draw the
        same numbers wherever their decisions do not change what is drawn (common random numbers).

        :attr:`seed` keeps the game's seed, so the game log of a reseeded model (:func:`wargame.gamelog.game_log`)
        does not replay what it played after the reseed: reseed a copy, never the game being played.

        Args:
            seed: An integer in [0, 2**63 - 1].

        Raises:
            ValueError: If ``seed`` is not such an integer.

        """
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")
        seed = int(seed)
        self.reset_rng(seed)
        self.random.seed(seed)
        self.draw_seeds = np.array([seed], dtype=np.int64)

    def draw(self, kind: str, stream: str, slot: Any = 0, season: int | None = None, lam: Any = None) -> np.ndarray:
        """Counter-based draws of this model's runs (:mod:`wargame.ensemble.draws`), one per run and slot.

        Args:
            kind: ``"uniform"`` (on (0, 1)), ``"normal"`` (standard) or ``"poisson"`` (mean ``lam``).
            stream: Source of randomness, one of :data:`RANDOM_STREAMS`.
            slot: Which draw within (stream, season): an integer, or an array aligned as in
                :func:`wargame.ensemble.draws.uniform`.
            season: Season index of the counter; by default the number of seasons played so far (0 while the
                first season is played).
            lam: Poisson means (``kind="poisson"`` only), at most
                :data:`~wargame.mechanics.MAX_INCIDENT_HAZARD` here.

        Returns:
            float64 (int64 for Poisson) array with the runs on its first axis; a single game (R = 1) drops
            that axis (a scalar for a scalar slot).

        """
        season = self.seasons_played if season is None else season
        if kind == "poisson":
            out = draws.poisson(lam, self.draw_seeds, stream, season, slot, max_count=MAX_INCIDENTS_PER_LAB)
        else:
            out = getattr(draws, kind)(self.draw_seeds, stream, season, slot)
        return out if self.n_runs > 1 else out[0]

    def spawn_runs(self, seeds: Any, record_seasons: bool = False) -> AIRaceModel:
        """A copy of this game that plays on as R runs at once, run r drawing from ``seeds[r]``.

        This is how the futures of a game are played (:mod:`wargame.futures`): lane r of the copy plays
        exactly what a copy of the game reseeded with ``seeds[r]`` (:meth:`reseed`) plays, the state so far
        being the same in every run. With R > 1 the copy is an ensemble: it keeps no news, logs, flow map or
        data collector, its planner seats play their fallback policy (as inside a planner's rollouts), and
        with ``record_seasons`` it records the current season, then every season played, in
        :attr:`season_records`. With one seed it is a reseeded copy of the game.

        Args:
            seeds: Seeds of the runs, a non-empty 1-D sequence of integers in [0, 2**63 - 1].
            record_seasons: Whether the ensemble records its seasons.

        Raises:
            ValueError: If ``seeds`` is not such a sequence.

        """
        seed_array = np.asarray(seeds)
        if seed_array.ndim != 1 or seed_array.size == 0 or seed_array.dtype.kind not in "iu" \
                or seed_array.min() < 0 or seed_array.max() > MAX_SEED:
            raise ValueError("seeds must be a non-empty 1-D sequence of integers from 0 to 2**63 - 1")
        if seed_array.size == 1:
            twin = copy.deepcopy(self)
            twin.reseed(int(seed_array[0]))
            return twin
        memo: dict[int, Any] = {id(self.datacollector): None}
        for shared in (self.scenario_spec, self.params, self.objectives, *(a.spec for a in self.seats())):
            memo[id(shared)] = shared
        for log in (self.news, self.decision_log, self.inject_log, self.note_log, self.decision_history):
            memo[id(log)] = []
        twin = copy.deepcopy(self, memo)
        twin.reseed(int(seed_array[0]))
        twin.draw_seeds = seed_array.astype(np.int64)
        twin.n_runs = int(seed_array.size)
        twin.narrate = False
        for actor in twin.seats():
            if actor.policy == PLANNER:
                actor.policy = PLANNER_FALLBACK[actor.kind]
        twin.season_records = [] if record_seasons else None
        if record_seasons:
            twin._record_season()
        return twin

    def stack_runs(self, worlds: list[AIRaceModel], index: Any, seeds: Any) -> AIRaceModel:
        """An ensemble whose lane j continues single game ``worlds[index[j]]`` with draws from ``seeds[j]``.

        The worlds are copies of this game that differ in some numbers (a planner's rollouts, each in a world
        drawn from a seat's beliefs, :mod:`wargame.planner`); lane j plays exactly what that copy reseeded
        with ``seeds[j]`` (:meth:`reseed`) plays. Numbers, dicts and lists of numbers of the model and of every
        seat are stacked per lane (:func:`wargame.ensemble.lanes.stack_attributes`); the rest is this game's.
        The ensemble keeps no news, logs, flow map or data collector and records no seasons.

        Args:
            worlds: Copies of this game between seasons, at least one.
            index: The world of each lane, integers in [0, len(worlds)), shape (R,), R >= 2.
            seeds: Seed of each lane, shape (R,).

        Raises:
            ValueError: If the shapes or seeds do not fit.

        """
        index = np.asarray(index)
        if index.ndim != 1 or index.size < 2 or index.dtype.kind not in "iu" or index.min() < 0 \
                or index.max() >= len(worlds):
            raise ValueError("index must hold at least two world numbers, each in [0, len(worlds))")
        twin = self.spawn_runs(seeds)
        if twin.n_runs != index.size:
            raise ValueError(f"one seed per lane: {index.size} lanes, {twin.n_runs} seeds")
        stack_attributes(twin, worlds, index)
        for position, actor in enumerate(twin.seats()):
            stack_attributes(actor, [world.seats()[position] for world in worlds], index)
        twin.n_runs, twin.narrate, twin.draw_seeds = index.size, False, np.asarray(seeds, dtype=np.int64)
        return twin

    def submit_per_run(self, seat: str, decisions: list[dict[str, Any]], index: Any) -> None:
        """Submit a different decision per run of an ensemble: run j plays ``decisions[index[j]]``.

        Each decision is validated as :meth:`submit_decision` validates one (all of a seat's offered levers
        given; a lab's three shares together).

        Args:
            seat: Seat id.
            decisions: Candidate decisions, each a dict of the seat's offered levers.
            index: The decision of each run, integers in [0, len(decisions)), shape (R,).

        Raises:
            DecisionError: On an unknown seat, a lever not offered, a bad value, a game over or a bad index.

        """
        actor = self.actor(seat)
        if not self.running:
            raise DecisionError("the game is over; no more decisions can be submitted")
        index = np.asarray(index)
        if index.shape != (self.n_runs,) or index.dtype.kind not in "iu" or index.min() < 0 \
                or index.max() >= len(decisions):
            raise DecisionError(f"index must give one decision number per run ({self.n_runs} runs)")
        names = list(decisions[0])
        for levers in decisions:
            if list(levers) != names:
                raise DecisionError("every decision must give the same levers")
            check_offered(actor.kind, getattr(actor, "role", None), actor.bloc, levers, seat)
            make_decision(actor.kind, levers)
        self._submitted[seat] = {name: np.asarray([levers[name] for levers in decisions])[index] for name in names}

    def repeat_decision(self, seat: str) -> None:
        """Have a seat play next season the offered levers it applies now, in every run (its own, per run).

        Raises:
            DecisionError: If there is no such seat or the game is over.

        """
        actor = self.actor(seat)
        if not self.running:
            raise DecisionError("the game is over; no more decisions can be submitted")
        self._submitted[seat] = {k: getattr(actor.decision, k) for k in actor.levers}

    # ------------------------------------------------------ decisions from outside
    def default_decision(self, seat: str) -> dict[str, Any]:
        """The values of the seat's offered levers that its policy would choose now (to prefill a form)."""
        actor = self.actor(seat)
        return {k: v for k, v in actor.proposed_decision().model_dump().items() if k in actor.levers}

    def submit_decision(self, seat: str, levers: dict[str, Any] | Decision) -> Decision | LeverLanes:
        """Supply a decision for a seat for the next season (the hook for human seats and replay).

        Levers not given are filled, when the seat acts, from its policy's proposal made then, after the seat
        has perceived this season (so a lab's missing levers follow this season's race pressure, not last
        season's). A lab gives its three compute shares together or not at all. Several submissions for a
        seat in one season merge; the later value of a lever wins.

        Args:
            seat: Seat id.
            levers: Lever values (a dict, possibly partial) or a decision object.

        Returns:
            The decision as it would apply now (the proposal may still move the levers not given).

        Raises:
            DecisionError: On an unknown seat, a lever not offered to the seat, a bad value, or a game over.

        """
        actor = self.actor(seat)
        if not self.running:
            raise DecisionError("the game is over; no more decisions can be submitted")
        if isinstance(levers, Decision):
            if not isinstance(levers, decision_model_for(actor.kind)):
                raise DecisionError(f"seat {seat!r} takes a {decision_model_for(actor.kind).__name__}, "
                                    f"not a {type(levers).__name__}")
            given = {k: v for k, v in levers.model_dump().items() if k in actor.levers}
        elif isinstance(levers, dict):
            given = dict(levers)
        else:
            raise DecisionError(f"levers for seat {seat!r} must be a dict of lever values, got "
                                f"{type(levers).__name__}")
        # A second submission in the same season adds to the first (a form may submit lever by lever).
        given = {**self._submitted.get(seat, {}), **given}
        check_offered(actor.kind, getattr(actor, "role", None), actor.bloc, given, seat)
        shares = [k for k in ("training_share", "safety_share", "serving_share") if k in given]
        if actor.kind == "lab" and 0 < len(shares) < 3:
            raise DecisionError(f"lab decision: give training_share, safety_share and serving_share together "
                                f"(they must sum to 1); got only {', '.join(shares)}")
        if self.n_runs > 1:  # validate the levers given; each run fills the others from its own proposal
            make_decision(actor.kind, given)
            self._submitted[seat] = given
            return actor.proposed_decision().updated(given)
        decision = make_decision(actor.kind, given, base=actor.proposed_decision())
        self._submitted[seat] = given
        return decision

    def take_submitted_decision(self, seat: str) -> Decision | LeverLanes | None:
        """The decision a human submitted for a seat, completed from its policy now; ``None`` if none.

        The applied decision (every lever) is logged, so a replay is exact whatever the policy does.
        """
        given = self._submitted.pop(seat, None)
        if given is None:
            return None
        actor = self._by_seat[seat]
        if self.n_runs > 1:
            return actor.proposed_decision().updated(given)
        decision = make_decision(actor.kind, given, base=actor.proposed_decision())
        levers = {k: v for k, v in decision.model_dump().items() if k in actor.levers}
        self.decision_log.append({"season": self.season, "seat": seat, "levers": levers})
        return decision

    def play_event(self, name: str) -> None:
        """Queue an inject from the events deck for the next season (the facilitator's hand).

        Raises:
            ValueError: If the event is not in the deck.

        """
        if name not in EVENT_NAMES:
            raise ValueError(f"unknown event {name!r}; allowed: {', '.join(EVENT_NAMES)}")
        if name not in self._queued_injects:
            self._queued_injects.append(name)

    @property
    def queued_injects(self) -> list[str]:
        """Injects played by hand that will take effect next season (a copy)."""
        return list(self._queued_injects)

    def add_note(self, text: str, audience: str = "public") -> None:
        """Add a facilitator's note (a free-text inject or ruling) to the news of the coming season.

        The note goes into :attr:`news` (phase ``"facilitator"``, the text kept as given after stripping
        surrounding whitespace; it is plain text, never markup) and into :attr:`note_log`, which a game log
        saves. A note changes no number of the model: policies do not read the news.

        Args:
            text: The note: 1 to :data:`MAX_NOTE_CHARS` printable characters once stripped; line breaks
                (line feeds) are allowed, other control characters (tabs, carriage returns) are not.
            audience: ``"public"``, or the bloc (``"US"`` / ``"PRC"``) that alone sees it.

        Raises:
            ValueError: If the text is not a string, is empty or too long once stripped, holds a character
                that cannot be shown, the audience is not one of :data:`AUDIENCES`, the season already has
                :data:`MAX_NOTES_PER_SEASON` notes, or the game is over.

        """
        if not isinstance(text, str):
            raise ValueError(f"a facilitator's note must be text, got {type(text).__name__}")
        if not isinstance(audience, str) or audience not in AUDIENCES:
            raise ValueError(f"note audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
        text = text.strip()
        if not text:
            raise ValueError("a facilitator's note cannot be empty")
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"a facilitator's note can hold at most {MAX_NOTE_CHARS} characters, "
                             f"got {len(text)}")
        for position, char in enumerate(text, start=1):
            if char != "\n" and not char.isprintable():
                raise ValueError(f"a facilitator's note can hold only printable characters and line breaks; "
                                 f"character {position} is {char!r}")
        if not self.running:
            raise ValueError("the game is over; no more notes can be added")
        season = self.season
        if sum(1 for note in self.note_log if note["season"] == season) >= MAX_NOTES_PER_SEASON:
            raise ValueError(f"season {season} already has {MAX_NOTES_PER_SEASON} notes, the most a season takes")
        self.note_log.append({"season": season, "text": text, "audience": audience})
        self.add_news("facilitator", text, audience=audience)

    def record_decision(self, actor: Actor, by: str) -> None:
        """Append the decision in force for a seat to :attr:`decision_history` (draws nothing, changes nothing).

        Args:
            actor: The seat that has just decided.
            by: ``"human"`` if the decision was submitted, ``"computer"`` if the seat's policy made it.

        """
        levers = {k: v for k, v in actor.decision.model_dump(mode="json").items() if k in actor.levers}
        self.decision_history.append({"season": self.season, "seat": actor.seat, "levers": levers, "by": by})

    def add_news(self, phase: str, text: str, audience: str = "public") -> None:
        """Append a line to the news log for the season being played.

        Args:
            phase: Phase of the season that produced it.
            text: The news line (plain text).
            audience: ``"public"``, or the bloc (``"US"`` / ``"PRC"``) that alone knows it (e.g. an undetected
                distillation gain); :meth:`observe` shows a seat only public news and its own bloc's.

        """
        self.news.append({"season": self.season, "phase": phase, "text": text, "audience": audience})

    # ------------------------------------------------------------- what seats see
    def effective_visibility(self, bloc: str) -> float:
        """How much a bloc sees of the other bloc's internal models, in [0, 1].

        ``1 - (1 - visibility) * exp(-rate * intelligence budget)``: the scenario's ``visibility``, raised by
        the bloc government's intelligence spending (diminishing returns).
        """
        p = self.params
        gov = self._by_role["us" if bloc == "US" else "prc"]
        return 1.0 - (1.0 - p.visibility) * np.exp(-p.intelligence_rate_per_musd
                                                    * gov.decision.intelligence_budget_musd)

    def _snapshot_rules(self) -> dict[str, Any]:
        """Public moves of the governments.

        The US and PRC decisions (less their covert intelligence budgets) and every ally's alignment.
        """
        secret = {"intelligence_budget_musd"}
        return {
            "us_government": {k: v for k, v in self._by_role["us"].decision.model_dump().items() if k not in secret},
            "prc_government": {k: v for k, v in self._by_role["prc"].decision.model_dump().items()
                               if k not in secret},
            "allies": {g.seat: g.decision.control_alignment for g in self.governments if g.role == "ally"},
        }

    def _perceive(self) -> None:
        """Each bloc's intelligence draws, then every lab's belief and race pressure (end of a season)."""
        # Slots nested_slot(b, 0) (the lead) and nested_slot(b, 1) (compute) of blocs b = 0 (US), 1 (PRC).
        errors = self.draw("normal", "intelligence", draws.nested_slot(_BLOC_SLOTS[0], _BLOC_SLOTS[1]))
        for b, bloc in enumerate(("US", "PRC")):
            self.intel_error[bloc] = errors[..., 2 * b]
            self.intel_compute_error[bloc] = errors[..., 2 * b + 1]
        for lab in self.labs:
            lab.perceive()

    def observe(self, seat: str) -> dict[str, Any]:
        """What a seat knows now; see :func:`wargame.observation.observe` for its fields.

        Raises:
            DecisionError: If there is no such seat.

        """
        return observe(self, seat)

    # --------------------------------------------------------------- flows
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

    # ----------------------------------------------------------- grey market
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

    def smuggling_market(self, smuggler: Smuggler) -> float:
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

    # --------------------------------------------------------------- the season
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
                row[f"score_{seat}"] = per_run(_score_reporter(seat)(self), self.n_runs)
            self.season_records.append({"season": self.last_season, **row})

    def _phase(self, agent_type: type[Actor], method: str) -> None:
        """Run one phase: call ``method`` on every agent of a type, in creation order (an AgentSet call)."""
        if agent_type in self.agents_by_type:
            self.agents_by_type[agent_type].do(method)

    def run_to_end(self) -> AIRaceModel:
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
            self.add_news("events", f"The breakthrough happened in the {bloc} bloc.")

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
        self.log_efficiency["US"] = self.log_efficiency["US"] + us_progress + diffusion * np.maximum(0.0, -gap)
        self.log_efficiency["PRC"] = self.log_efficiency["PRC"] + prc_progress + diffusion * np.maximum(0.0, gap)
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

    # --------------------------------------------------------------- outcomes
    def compute_h100e(self, bloc: str) -> float:
        """Compute available to a bloc's labs this season (owned plus rented), H100e."""
        return sum(lab.available_compute_h100e for lab in self.labs if lab.bloc == bloc)

    def inflow_h100e(self, bloc: str, source: str) -> float:
        """A bloc's gross inflow of compute from a source this season, H100e."""
        return sum(lab.inflow_h100e[source] for lab in self.labs if lab.bloc == bloc)

    def best_open_capability(self, bloc: str) -> Any:
        """Ln effective compute of the bloc's best deployed open-weights model, or ``None`` if it has none.

        In an ensemble, an array of shape (R,) holding ``-inf`` in the runs where the bloc has none (``None``
        if it has none in any run).
        """
        values = [where(lab.deployed_open, lab.deployed_capability, -np.inf) for lab in self.labs if lab.bloc == bloc]
        best = lane_max(values) if values else -np.inf
        return None if np.all(best == -np.inf) else best

    def largest_training_run_h100e(self, bloc: str) -> float:
        """H100e put into the bloc's largest training run this season (training share x available compute)."""
        return lane_max(lab.decision.training_share * lab.available_compute_h100e for lab in self.labs
                        if lab.bloc == bloc)

    def outcome(self) -> str:
        """Outcome class of the current lead: ``"S1"``, ``"S2"`` or ``"contested"``."""
        o = self.scenario_spec.outcome
        return classify_outcome(self.lead_months, o.s1_lead_months, o.s2_lead_months)

    def seat_scores(self) -> dict[str, float]:
        """Every seat's score so far (points), in seat order."""
        return {seat: sum(parts.values()) for seat, parts in self.score_totals.items()}

    def score_breakdown(self, seat: str) -> dict[str, float]:
        """A seat's score so far by objective component (weighted points).

        Raises:
            DecisionError: If there is no such seat.

        """
        self.actor(seat)
        return dict(self.score_totals[seat])

    def summary(self) -> dict[str, Any]:
        """Scalar results of the run so far (at the horizon once the game is over).

        Returns:
            ``outcome``, ``final_lead_months``, ``compute_ratio``, ``adoption_share_us``, ``incidents``,
            ``major_incidents``, ``cumulative_incident_probability``, ``mean_safety_share`` and
            ``mean_race_pressure`` (means over labs and played seasons, NaN before the first season),
            ``seasons_played``, ``final_enmity``, then ``score_<seat>`` for every seat (points). Plain Python
            values in a game; in an ensemble each value is an array of shape (R,), one entry per run.

        """
        def season_mean(name: str) -> Any:
            return self.season_sums[name] / self.seasons_played if self.seasons_played else float("nan")

        out = {
            "outcome": self.outcome(),
            "final_lead_months": self.lead_months,
            "compute_ratio": compute_ratio(self),
            "adoption_share_us": self.adoption_share_us,
            "incidents": self.cumulative_incidents,
            "major_incidents": self.incidents_by_tier["major"] + self.incidents_by_tier["catastrophic"],
            "cumulative_incident_probability": 1.0 - np.exp(-self.cumulative_no_incident_log),
            "mean_safety_share": season_mean("mean_safety_share"),
            "mean_race_pressure": season_mean("mean_race_pressure"),
            "seasons_played": self.seasons_played,
            "final_enmity": self.enmity,
        }
        for seat, score in self.seat_scores().items():
            out[f"score_{seat}"] = score
        if self.narrate:
            return {k: plain(v) for k, v in out.items()}
        return {k: per_run(v, self.n_runs) for k, v in out.items()}


def compute_ratio(model: AIRaceModel) -> Any:
    """US over PRC compute available to labs this season (owned plus rented)."""
    return model.compute_h100e("US") / np.maximum(model.compute_h100e("PRC"), 1e-9)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _score_reporter(seat: str) -> Any:
    def report(model: AIRaceModel) -> float:
        return sum(model.score_totals[seat].values())

    return report


def _designer_output(model: AIRaceModel, role: str) -> float:
    return sum(c.output_h100e for c in model.chipmakers if c.role == role)


MODEL_REPORTERS: dict[str, Any] = {
    "season": lambda m: m.last_season,
    "lead_months": lambda m: m.lead_months,
    "lead_internal_months": lambda m: m.lead_internal_months,
    "compute_ratio": compute_ratio,
    "us_compute_h100e": lambda m: m.compute_h100e("US"),
    "prc_compute_h100e": lambda m: m.compute_h100e("PRC"),
    "us_frontier_capability": lambda m: m.best_internal_capability("US"),
    "us_largest_run_h100e": lambda m: m.largest_training_run_h100e("US"),
    "prc_largest_run_h100e": lambda m: m.largest_training_run_h100e("PRC"),
    "us_designer_output_h100e": lambda m: _designer_output(m, "accelerator_designer"),
    "prc_domestic_output_h100e": lambda m: _designer_output(m, "domestic_chain"),
    "us_inflow_legal_h100e": lambda m: m.inflow_h100e("US", "legal"),
    "us_inflow_purchased_h100e": lambda m: m.inflow_h100e("US", "purchased"),
    "prc_inflow_legal_h100e": lambda m: m.inflow_h100e("PRC", "legal"),
    "prc_inflow_domestic_h100e": lambda m: m.inflow_h100e("PRC", "domestic"),
    "prc_inflow_smuggled_h100e": lambda m: m.inflow_h100e("PRC", "smuggled"),
    "prc_inflow_remote_h100e": lambda m: m.inflow_h100e("PRC", "remote"),
    "prc_inflow_purchased_h100e": lambda m: m.inflow_h100e("PRC", "purchased"),
    "smuggled_h100e": lambda m: m.smuggled_h100e,
    "seized_h100e": lambda m: m.seized_h100e,
    "remote_access_h100e": lambda m: m.remote_access_h100e,
    "us_licence_revenue_musd": lambda m: m.licence_revenue_musd,
    "us_lab_revenue_busd": lambda m: sum(lab.revenue_busd for lab in m.labs if lab.bloc == "US"),
    "prc_lab_revenue_busd": lambda m: sum(lab.revenue_busd for lab in m.labs if lab.bloc == "PRC"),
    "distillation_gain_months": lambda m: sum(lab.distillation_gain_log for lab in m.labs)
    * 12.0 / np.log(m.params.frontier_effective_compute_growth_per_year),
    "mean_race_pressure": lambda m: _mean([lab.race_pressure for lab in m.labs]),
    "mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs]),
    "us_mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs if lab.bloc == "US"]),
    "prc_mean_safety_share": lambda m: _mean([lab.safety_share for lab in m.labs if lab.bloc == "PRC"]),
    "incident_hazard": lambda m: m.incident_hazard_total,
    "incident_probability": lambda m: incident_probability([m.incident_hazard_total]),
    "incidents": lambda m: sum(lab.incidents for lab in m.labs),
    "adoption_share_us": lambda m: m.adoption_share_us,
    "enmity": lambda m: m.enmity,
    "control_index": lambda m: m.control_index,
    "us_log_efficiency": lambda m: m.log_efficiency["US"],
    "prc_log_efficiency": lambda m: m.log_efficiency["PRC"],
}

LAB_REPORTERS: dict[str, Any] = {
    "seat": "seat",
    "bloc": "bloc",
    "race_pressure": "race_pressure",
    "safety_share": "safety_share",
    "perceived_lead_months": "perceived_lead_months",
    "testing_quarters": lambda lab: lab.decision.testing_quarters,
    "stock_h100e": "stock_h100e",
    "internal_capability": "internal_capability",
    "deployed_capability": "deployed_capability",
    "revenue_busd": "revenue_busd",
    "hazard": "hazard",
    "incidents": "incidents",
}

#: Reporters :meth:`AIRaceModel.summary` averages over played seasons (kept as running sums, per run).
SEASON_MEANS: dict[str, Any] = {name: MODEL_REPORTERS[name] for name in ("mean_safety_share", "mean_race_pressure")}
