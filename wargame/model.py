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

from collections.abc import Mapping
from typing import Any

import mesa
import networkx as nx
import numpy as np

from agents import Chipmaker, Government, Lab, OverseasCloud, Smuggler
from agents.base import Actor
from agents.chipmaker import ROLE_ORDER
from wargame.adjudication import AdjudicationMixin
from wargame.decisions import Decision, DecisionError, check_offered, decision_model_for, make_decision
from wargame.ensemble import draws
from wargame.ensemble.lanes import LeverLanes, lane_max, per_run, plain, where
from wargame.ensemble.parameters import LaneParameters
from wargame.explain import EFFICIENCY_PARTS, ExplanationMixin
from wargame.flows import FLOW_KINDS as FLOW_KINDS
from wargame.flows import FlowsMixin
from wargame.mechanics import (
    classify_outcome,
)
from wargame.observation import observe
from wargame.policies import us_control_index
from wargame.reporters import LAB_REPORTERS, MODEL_REPORTERS, SEASON_MEANS, compute_ratio, score_reporter
from wargame.runs import MAX_INCIDENTS_PER_LAB as MAX_INCIDENTS_PER_LAB
from wargame.runs import MAX_SEED, RunsMixin, check_seeds
from wargame.scenario import EVENT_NAMES, JURISDICTIONS, Scenario, load_scenario
from wargame.scoring import COMPONENTS
from wargame.season import EVENT_DESCRIPTIONS as EVENT_DESCRIPTIONS
from wargame.season import SeasonMixin
from wargame.seasons import parse_season, season_label
from wargame.smuggling import SmugglingMixin

#: Sources of randomness (:data:`wargame.ensemble.draws.STREAMS`); each is its own counter space.
RANDOM_STREAMS = draws.STREAMS
#: Outer and inner indices of the four intelligence draws of a perception, lane-aligned (1, 4).
_BLOC_SLOTS = (np.array([[0, 0, 1, 1]]), np.array([[0, 1, 0, 1]]))
#: Who may read a news item or a facilitator's note: everyone, or one bloc alone.
AUDIENCES = ("public", "US", "PRC")
#: Longest facilitator's note, characters (illustrative: a paragraph of an inject or a ruling).
MAX_NOTE_CHARS = 1000
#: Most facilitator's notes in one season (illustrative; bounds a game log: 50 x 1000 characters a season).
MAX_NOTES_PER_SEASON = 50


class AIRaceModel(RunsMixin, SeasonMixin, AdjudicationMixin, FlowsMixin, SmugglingMixin, ExplanationMixin, mesa.Model):
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
        explanations: A single game's explained seasons (:mod:`wargame.explain`): one dict per season played
            with ``season``, ``lead_before``, ``lead_after`` (months), ``parts`` (part -> months, adding up to
            the change), ``sentence`` and ``scores`` (seat -> component -> points this season).
        efficiency_parts: A single game's ln algorithmic efficiency per bloc by cause (adds up to
            ``log_efficiency``).
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
            seed_array = check_seeds(seeds)
            seed = int(seed_array[0])
        elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")
        super().__init__(rng=seed)
        self.seed = seed
        # Counter-based draws keyed on (seed, stream, season, slot): a decision that changes how often one
        # mechanism draws (no distillation, more incidents) shifts no other draw, so runs that differ only
        # in decisions or policies see common random numbers.
        self.draw_seeds = np.array([seed], dtype=np.int64) if seeds is None else seed_array
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
        #: A game's ln algorithmic efficiency per bloc by cause (:data:`wargame.explain.EFFICIENCY_PARTS`),
        #: adding up to :attr:`log_efficiency`; kept up to date in a single game only.
        self.efficiency_parts = {bloc: dict.fromkeys(EFFICIENCY_PARTS, 0.0) for bloc in ("US", "PRC")}
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
        if self.narrate:
            self._start_explanations()

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
                reporters[f"score_{seat}"] = score_reporter(seat)
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
            audience: ``"public"``, the bloc (``"US"`` / ``"PRC"``) that alone knows it (e.g. an undetected
                distillation gain), or ``"facilitator"`` (the umpire's explanation of the season,
                :mod:`wargame.explain`); :meth:`observe` shows a seat only public news and its own bloc's.

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
