"""Seat objectives: the weights of each actor kind's score components (scenario section ``[objectives]``).

The components themselves are computed in :mod:`wargame.scoring`; docs/model.md §7.15 lists both.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from wargame.parameters import StrictModel, param


def weight(default: float, unit: str, description: str) -> Any:
    """Declare an objective weight (points per unit of the component; illustrative, set by the scenario)."""
    return param(default, unit, "illustrative: a scenario's statement of what the seat plays for", description,
                 ge=0.0, le=100.0)


class USGovernmentObjectives(StrictModel):
    """What the US government plays for; each season's points are the weighted components (docs/model.md §7.15)."""

    lead: float = weight(4.0, "points per year of lead", "Months of deployed lead / 12.")
    adoption: float = weight(1.0, "points per unit", "2 x (US share of Global South adoption - 0.5).")
    incidents: float = weight(4.0, "points per severity point", "Minus the severity of every AI incident.")
    licence_revenue: float = weight(0.05, "points per USD billion", "Licence revenue share collected.")
    industry_revenue: float = weight(0.002, "points per USD billion", "Revenue of US chipmakers (sales to US "
                                     "labs and licensed PRC sales) and of US-bloc overseas clouds.")
    allies: float = weight(1.0, "points per unit of friction", "Minus the pressure allies resent plus pressure "
                           "applied.")
    fiscal: float = weight(1.0, "points per USD billion", "Minus spending on enforcement, intelligence, "
                           "promotion, anti-distillation and dialogue.")


class PRCGovernmentObjectives(StrictModel):
    """What the PRC government plays for."""

    parity: float = weight(2.0, "points per year of lead", "Minus the US deployed lead in months / 12.")
    self_sufficiency: float = weight(3.0, "points per unit", "Domestic share of PRC labs' compute inflows "
                                     "(domestic chips and compute bought at home).")
    adoption: float = weight(1.0, "points per unit", "2 x (PRC share of Global South adoption - 0.5).")
    incidents: float = weight(2.0, "points per severity point", "Minus the severity of every AI incident.")
    fiscal: float = weight(0.05, "points per USD billion", "Minus subsidies, mineral revenue given up by "
                           "retaliation, open-weights push, intelligence and dialogue.")


class AllyGovernmentObjectives(StrictModel):
    """What an ally holding a chokepoint plays for."""

    revenue: float = weight(1.0, "points per USD billion", "Its chipmakers' PRC revenue.")
    us_relations: float = weight(2.0, "points per unit of friction", "Minus US pressure x (1 - alignment).")
    retaliation: float = weight(1.0, "points per unit", "Minus PRC retaliation x alignment (exposure).")


class LabObjectives(StrictModel):
    """What an AI lab plays for."""

    capability: float = weight(1.0, "points per year ahead", "Months its deployed model is ahead of the "
                               "mean lab's / 12.")
    revenue: float = weight(0.05, "points per USD billion", "Serving revenue.")
    incidents: float = weight(10.0, "points per severity point", "Minus the severity of its own incidents "
                              "(liability, lost trust, regulation).")
    sanctions: float = weight(1.0, "points per USD billion", "Minus sanctions after detected distillation.")


class FirmObjectives(StrictModel):
    """What a chipmaker or an overseas cloud plays for: revenue net of penalties."""

    revenue: float = weight(1.0, "points per USD billion", "Revenue net of costs.")
    penalties: float = weight(1.0, "points per USD billion", "Minus expected fines for breaches.")


class SmugglerObjectives(StrictModel):
    """What a smuggling network plays for."""

    profit: float = weight(1.0, "points per USD billion", "Margin on delivered chips minus seized losses.")


class IncidentSeverity(StrictModel):
    """Severity points of one incident by tier, used by every seat's ``incidents`` component."""

    minor: float = weight(0.1, "severity points", "A minor incident.")
    major: float = weight(1.0, "severity points", "A major incident.")
    catastrophic: float = weight(10.0, "severity points", "A catastrophic incident.")


class Objectives(StrictModel):
    """Objectives of every actor kind (scenario section ``[objectives]``)."""

    us_government: USGovernmentObjectives = Field(default_factory=USGovernmentObjectives)
    prc_government: PRCGovernmentObjectives = Field(default_factory=PRCGovernmentObjectives)
    ally_government: AllyGovernmentObjectives = Field(default_factory=AllyGovernmentObjectives)
    lab: LabObjectives = Field(default_factory=LabObjectives)
    chipmaker: FirmObjectives = Field(default_factory=FirmObjectives)
    smuggler: SmugglerObjectives = Field(default_factory=SmugglerObjectives)
    overseas_cloud: FirmObjectives = Field(default_factory=FirmObjectives)
    incident_severity: IncidentSeverity = Field(default_factory=IncidentSeverity)

    def for_kind(self, kind: str) -> BaseModel:
        """The weights of an actor kind."""
        return getattr(self, kind)
