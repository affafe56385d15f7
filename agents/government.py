"""Governments: the US, the PRC, and allies that hold chokepoints (tools, foundry, memory)."""

from __future__ import annotations

from agents.base import Actor
from wargame.scenario import GovernmentSpec


class Government(Actor):
    """A government seat.

    Attributes:
        role: ``"us"``, ``"prc"`` or ``"ally"``.
        jurisdiction: Node of the flow map it governs.
        chokepoint: For allies, what it controls: ``"tools"``, ``"foundry"``, ``"memory"`` or ``"none"``.

    """

    spec: GovernmentSpec

    def __init__(self, model, spec: GovernmentSpec) -> None:
        super().__init__(model, spec)
        self.role = spec.role
        self.jurisdiction = spec.jurisdiction
        self.chokepoint = spec.chokepoint

    def set_policy(self) -> None:
        """Policy phase: fix this season's export rules and other levers."""
        self.decide()
