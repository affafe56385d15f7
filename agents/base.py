"""The common base of every actor: a Mesa agent that holds a seat and decides through a policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from wargame.decisions import Decision, make_decision
from wargame.policies import POLICIES
from wargame.scenario import Seat, seat_kind

if TYPE_CHECKING:  # pragma: no cover
    from wargame.model import AIRaceModel


class Actor(mesa.Agent):
    """A seat at the table: an agent with a bloc, a policy and one decision per season.

    Attributes:
        seat: Seat id from the scenario (e.g. ``"us_gov"``).
        name: Display name.
        kind: Actor kind, the key of its decision model (e.g. ``"lab"``).
        bloc: ``"US"`` or ``"PRC"``.
        policy: Name of the policy that plays the seat when no human decision is supplied.
        decision: The decision in force this season.

    """

    model: AIRaceModel

    def __init__(self, model: AIRaceModel, spec: Seat) -> None:
        super().__init__(model)
        self.spec = spec
        self.seat = spec.id
        self.name = spec.name
        self.kind = seat_kind(spec)
        self.bloc = spec.bloc
        self.policy = spec.policy
        self.decision: Decision = make_decision(self.kind, spec.levers)

    def proposed_decision(self) -> Decision:
        """The decision the seat's policy proposes now, with the scenario's fixed levers applied."""
        values = POLICIES[self.kind][self.policy](self, self.model)
        values.update(self.spec.levers)
        return make_decision(self.kind, values)

    def decide(self) -> None:
        """Set this season's decision: a human decision if one was submitted, else the policy's."""
        submitted = self.model.take_submitted_decision(self.seat)
        self.decision = submitted if submitted is not None else self.proposed_decision()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.seat!r})"
