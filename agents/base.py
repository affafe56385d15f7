"""The common base of every actor: a Mesa agent that holds a seat and decides through a policy."""

from __future__ import annotations

from typing import Any

import mesa

from wargame.decisions import Decision, decision_model_for, make_decision, offered_levers
from wargame.ensemble.lanes import LeverLanes
from wargame.policies import PLANNER, PLANNER_FALLBACK, POLICIES
from wargame.scenario import Seat, seat_kind


class Actor(mesa.Agent):
    """A seat at the table: an agent with a bloc, a policy, objectives and one decision per season.

    Attributes:
        seat: Seat id from the scenario (e.g. ``"us_gov"``).
        name: Display name.
        kind: Actor kind, the key of its decision model and objectives (e.g. ``"lab"``).
        bloc: ``"US"`` or ``"PRC"``.
        policy: Name of the policy that plays the seat when no human decision is supplied.
        plan_cache: For a ``planner`` seat, the plan of the coming season once made: ``(seasons played,
            lever values)`` (:func:`wargame.planner.planned_levers`); ``None`` before the first plan.
        levers: Names of the levers offered to this seat (a lever that cannot apply is not offered).
        decision: The decision in force this season: a validated :class:`~wargame.decisions.Decision` in a
            single game; in an ensemble of R runs a :class:`~wargame.ensemble.lanes.LeverLanes`, whose levers
            are numbers or arrays of shape (R,).
        revenue_busd: Revenue net of costs this season, USD billion (firms, labs, allies' industry).
        penalty_busd: Fines and sanctions this season, USD billion.

    """

    model: Any  # a wargame.model.AIRaceModel (not imported: the model imports the agents)

    def __init__(self, model: Any, spec: Seat) -> None:
        super().__init__(model)
        self.spec = spec
        self.seat = spec.id
        self.name = spec.name
        self.kind = seat_kind(spec)
        self.bloc = spec.bloc
        self.policy = spec.policy
        self.levers = offered_levers(self.kind, getattr(spec, "role", None), self.bloc)
        self.decision: Decision | LeverLanes = make_decision(self.kind, spec.levers)
        self.revenue_busd = 0.0
        self.penalty_busd = 0.0
        self.plan_cache: tuple[int, dict[str, Any]] | None = None
        if self.policy == PLANNER and model.n_runs > 1:  # an ensemble's planner seats play their fallback
            self.policy = PLANNER_FALLBACK[self.kind]
        if self.policy == PLANNER:  # the planner copies the model, so it is imported only where it plays
            from wargame.planner import schedule_planning

            schedule_planning(self)

    def proposed_decision(self) -> Decision | LeverLanes:
        """The decision the seat's policy proposes from what the seat observes, with fixed levers applied.

        A ``planner`` seat proposes what its look-ahead chose for the coming season
        (:func:`wargame.planner.planned_levers`). In a single game the proposal is validated
        (:func:`~wargame.decisions.make_decision`); in an ensemble the policy's per-run values are kept as
        they are (:class:`~wargame.ensemble.lanes.LeverLanes`; the tests validate every policy in single games).
        """
        if self.policy == PLANNER:
            from wargame.planner import planned_levers

            values = planned_levers(self)
        else:
            values = POLICIES[self.kind][self.policy](self.model.observe(self.seat))
        values.update(self.spec.levers)
        if self.model.n_runs > 1:
            return LeverLanes(decision_model_for(self.kind), values)
        return make_decision(self.kind, values)

    def decide(self) -> None:
        """Set this season's decision: the policy's proposal, with any levers a human submitted on top.

        The decision is then recorded in the model's ``decision_history`` (``by`` ``"human"`` if submitted,
        ``"computer"`` otherwise), which draws no random number and changes nothing else.
        """
        submitted = self.model.take_submitted_decision(self.seat)
        self.decision = self.proposed_decision() if submitted is None else submitted
        if self.model.narrate:
            self.model.record_decision(self, "computer" if submitted is None else "human")

    def observation(self) -> dict[str, Any]:
        """Kind-specific part of :meth:`AIRaceModel.observe` (the seat's own state); overridden by kinds."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.seat!r})"
