"""Decision objects: every lever an actor can pull in one season, as one validated object.

A human seat fills a decision in the UI; a computer seat fills it through a named policy
(:mod:`wargame.policies`). Each field carries its unit and a one-line explanation in its metadata
(``json_schema_extra={"unit": ...}``), which the UI and the docs read.

Lever defaults are illustrative unless a source is named in the field description.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wargame.ensemble.lanes import plain


class DecisionError(ValueError):
    """A decision supplied for a seat is invalid (unknown seat, unknown lever, bad value)."""


def lever(default: Any, unit: str, description: str, **bounds: Any) -> Any:
    """Declare a lever field with its unit and one-line explanation.

    Args:
        default: Default value (illustrative unless the description cites a source).
        unit: Unit of the lever, e.g. ``"H100e per chip"`` or ``"share [0, 1]"``.
        description: One line saying what the lever does in the model.
        **bounds: Pydantic bounds such as ``ge`` and ``le``.

    Returns:
        A pydantic ``FieldInfo``.

    """
    return Field(default, description=description, json_schema_extra={"unit": unit}, **bounds)


class Decision(BaseModel):
    """Base class of all decisions: strict types, finite values, no unknown levers.

    Strict means no ``"300"`` for a number and no ``True`` for a share.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=True, strict=True)

    @classmethod
    def lever_info(cls) -> list[dict[str, Any]]:
        """Describe every lever for forms and docs.

        Returns:
            One dict per lever: ``name``, ``unit``, ``description``, ``default``, ``minimum``,
            ``maximum`` (``None`` where unbounded), ``choices`` (for literal levers) and ``type``.

        """
        info = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra or {}
            entry: dict[str, Any] = {
                "name": name,
                "unit": extra.get("unit", ""),
                "description": field.description or "",
                "default": field.default,
                "minimum": None,
                "maximum": None,
                "choices": None,
                "type": field.annotation.__name__ if isinstance(field.annotation, type) else "choice",
            }
            for meta in field.metadata:
                if hasattr(meta, "ge"):
                    entry["minimum"] = meta.ge
                if hasattr(meta, "le"):
                    entry["maximum"] = meta.le
            args = getattr(field.annotation, "__args__", None)
            if args and entry["type"] == "choice":
                entry["choices"] = list(args)
            info.append(entry)
        return info


class USGovernmentDecision(Decision):
    """Levers of the US government in one season."""

    chip_threshold_h100e: float = lever(
        0.15,
        "H100e per chip",
        "Best chip performance that may be sold to the PRC; 0 bans sales. H20-class is about 0.15 "
        "(TPP figures via press, 2025).",
        ge=0.0,
        le=1.0,
    )
    licences_downgraded: bool = lever(
        True, "yes/no", "Grant licences for downgraded chips below the threshold."
    )
    revenue_share: float = lever(
        0.15,
        "share [0, 1]",
        "Share of licensed sales revenue paid to the US government (15% in 2025 press reports).",
        ge=0.0,
        le=1.0,
    )
    enforcement_budget_musd: float = lever(
        25.0, "USD million per quarter", "Spending on export-control enforcement against smuggling.", ge=0.0,
        le=1000.0,
    )
    remote_access_rule: Literal["open", "kyc", "ban"] = lever(
        "open",
        "rule",
        "Cloud know-your-customer rule for controlled compute rented abroad: open, kyc checks, or ban.",
    )
    ally_pressure: float = lever(
        0.4, "intensity [0, 1]", "Diplomatic pressure on allies to match US tool and chip controls.", ge=0.0,
        le=1.0,
    )
    anti_distillation: float = lever(
        0.3,
        "intensity [0, 1]",
        "Anti-distillation law and shared threat intelligence; raises the chance distillation is detected.",
        ge=0.0,
        le=1.0,
    )
    export_promotion: float = lever(
        0.3, "intensity [0, 1]", "Promotion of US AI exports to the Global South; costs up to "
        "the scenario's export-promotion budget (billion USD) a quarter at full intensity.",
        ge=0.0, le=1.0
    )
    intelligence_budget_musd: float = lever(
        20.0, "USD million per quarter", "Intelligence on PRC labs' internal models and compute; sharpens "
        "the US estimate (noise falls as exp(-rate x budget)).", ge=0.0, le=1000.0,
    )
    safety_dialogue: float = lever(
        0.1, "intensity [0, 1]", "Safety dialogue and information sharing with the PRC: lowers enmity and "
        "every lab's hazard when both engage, but leaks algorithmic insight to the laggard.", ge=0.0, le=1.0,
    )


class PRCGovernmentDecision(Decision):
    """Levers of the PRC government in one season."""

    domestic_subsidy_busd: float = lever(
        5.0, "USD billion per quarter", "Subsidies for the domestic chip chain (accelerators, foundry).",
        ge=0.0, le=100.0,
    )
    buy_domestic: float = lever(
        0.3, "share [0, 1]", "Guidance to buy domestic chips instead of licensed US chips: "
        "fewer imports now, domestic yield learning later.", ge=0.0, le=1.0
    )
    smuggling_tolerance: float = lever(
        0.7, "share [0, 1]", "How far authorities look away from smuggled chips.", ge=0.0, le=1.0
    )
    retaliation: float = lever(
        0.1,
        "intensity [0, 1]",
        "Retaliation such as export controls on critical minerals: cuts US and allied chip output, gives up "
        "mineral export revenue, raises enmity.",
        ge=0.0,
        le=1.0,
    )
    open_weights_push: float = lever(
        0.5, "intensity [0, 1]", "State promotion of PRC open-weights models abroad: pulls Global South "
        "adoption; costs up to the scenario's export-promotion budget (billion USD) a quarter at full "
        "intensity.", ge=0.0, le=1.0
    )
    intelligence_budget_musd: float = lever(
        20.0, "USD million per quarter", "Intelligence on US labs' internal models and compute; sharpens "
        "the PRC estimate.", ge=0.0, le=1000.0,
    )
    safety_dialogue: float = lever(
        0.1, "intensity [0, 1]", "Safety dialogue and information sharing with the US: lowers enmity and "
        "every lab's hazard when both engage, and draws algorithmic insight from the leader.", ge=0.0, le=1.0,
    )


class AllyGovernmentDecision(Decision):
    """Levers of an ally that holds a chokepoint (tools, foundry, memory)."""

    control_alignment: float = lever(
        0.5,
        "share [0, 1]",
        "How far this ally matches US tool and chip controls (0 none, 1 full), weighing revenue.",
        ge=0.0,
        le=1.0,
    )


class LabDecision(Decision):
    """Levers of an AI lab in one season. The three compute shares must sum to 1."""

    training_share: float = lever(0.55, "share of compute [0, 1]", "Compute put into training runs.",
                                  ge=0.0, le=1.0)
    safety_share: float = lever(0.10, "share of compute [0, 1]", "Compute put into safety work and evals.",
                                ge=0.0, le=1.0)
    serving_share: float = lever(0.35, "share of compute [0, 1]",
                                 "Compute serving deployed models: earns revenue, which buys compute.", ge=0.0, le=1.0)
    testing_quarters: int = lever(
        1, "quarters", "Pre-release testing before a trained model may be released.", ge=0, le=4
    )
    release: bool = lever(True, "yes/no", "Release the newest model that has finished testing.")
    open_weights: bool = lever(False, "yes/no", "Release weights openly instead of through an API.")
    distillation_effort: float = lever(
        0.0, "intensity [0, 1]", "Effort to distil US models through fraudulent accounts (PRC labs).",
        ge=0.0, le=1.0,
    )
    distillation_defence: float = lever(
        0.3, "intensity [0, 1]", "Defences that detect distillation accounts (US labs); "
        "turn away some real users.", ge=0.0, le=1.0
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> LabDecision:
        total = self.training_share + self.safety_share + self.serving_share
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"training_share + safety_share + serving_share must sum to 1 (got {total:.4f})"
            )
        return self


class ChipmakerDecision(Decision):
    """Levers of a chipmaker (designer, foundry, tool maker, memory maker or PRC domestic chain)."""

    compliant_downgraded: bool = lever(
        True, "yes/no", "Offer compliant downgraded products for the PRC market (designers)."
    )
    customer_checks: float = lever(
        0.5, "intensity [0, 1]", "Checks of who the end customer is: cut diversion to smugglers (designer) "
        "or to the PRC chain (chokepoints); cost sales; lax checks risk fines.", ge=0.0, le=1.0
    )
    yield_ramp: float = lever(
        0.5, "intensity [0, 1]", "Investment in yield ramp of new processes (domestic chain); "
        "costs up to yield_ramp_cost_busd a quarter.", ge=0.0, le=1.0
    )


class SmugglerDecision(Decision):
    """Levers of a smuggling network."""

    volume_h100e: float = lever(
        30000.0, "H100e per quarter", "Controlled compute to route through the hub this season; what "
        "ships varies around it (lognormal) and is capped by the chips that exist to divert.", ge=0.0,
        le=1e9,
    )


class OverseasCloudDecision(Decision):
    """Levers of an overseas cloud that can rent controlled compute to PRC labs."""

    capacity_offered_h100e: float = lever(
        40000.0, "H100e per quarter", "Capacity offered for rent to PRC labs this season (capped at "
        "cloud_max_capacity_multiple x its base capacity grown with the market).", ge=0.0, le=1e9
    )
    kyc_compliance: float = lever(
        0.7, "share [0, 1]", "How faithfully the cloud screens customers: applies the US rule, "
        "and under an open rule still turns away entity-listed customers.", ge=0.0, le=1.0
    )


DECISION_MODELS: dict[str, type[Decision]] = {
    "us_government": USGovernmentDecision,
    "prc_government": PRCGovernmentDecision,
    "ally_government": AllyGovernmentDecision,
    "lab": LabDecision,
    "chipmaker": ChipmakerDecision,
    "smuggler": SmugglerDecision,
    "overseas_cloud": OverseasCloudDecision,
}


def offered_levers(kind: str, role: str | None, bloc: str) -> tuple[str, ...]:
    """The levers offered to a seat: a lever that cannot apply to it is not offered.

    Distillation effort is a PRC lab's lever and distillation defence a US lab's; a chipmaker's levers
    follow its role (the designer offers downgraded products and checks distributors, chokepoint holders
    check customers, the PRC domestic chain ramps yield).

    Args:
        kind: Actor kind (a key of :data:`DECISION_MODELS`).
        role: The seat's role (chipmakers and governments), or ``None``.
        bloc: ``"US"`` or ``"PRC"``.

    Returns:
        Lever names in the decision model's order.

    """
    names = tuple(decision_model_for(kind).model_fields)
    if kind == "lab":
        drop = {"distillation_defence"} if bloc == "PRC" else {"distillation_effort"}
    elif kind == "chipmaker":
        keep = {"accelerator_designer": {"compliant_downgraded", "customer_checks"},
                "domestic_chain": {"yield_ramp"}}.get(role or "", {"customer_checks"})
        drop = set(names) - keep
    else:
        drop = set()
    return tuple(n for n in names if n not in drop)


def check_offered(kind: str, role: str | None, bloc: str, levers: dict[str, Any], seat: str) -> None:
    """Refuse levers that are not offered to a seat.

    Raises:
        DecisionError: Naming the seat, the lever and the levers it has.

    """
    offered = offered_levers(kind, role, bloc)
    extra = [name for name in levers if name in decision_model_for(kind).model_fields and name not in offered]
    if extra:
        raise DecisionError(f"lever {extra[0]!r} does not apply to seat {seat!r}; its levers: "
                            f"{', '.join(offered)}")


def decision_model_for(kind: str) -> type[Decision]:
    """Return the decision class for an actor kind.

    Args:
        kind: One of the keys of :data:`DECISION_MODELS`.

    Returns:
        The pydantic class.

    Raises:
        DecisionError: If the kind is unknown.

    """
    try:
        return DECISION_MODELS[kind]
    except KeyError:
        raise DecisionError(f"unknown actor kind {kind!r}; allowed: {', '.join(DECISION_MODELS)}") from None


def format_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """Turn a pydantic ``ValidationError`` into one readable line per problem.

    Args:
        exc: The error.
        prefix: Text put before each field path (e.g. a file name).

    Returns:
        A multi-line message, one ``field: problem`` line per error.

    """
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        if "input" in err and err["type"] not in ("missing",):
            msg += f" (got {err['input']!r})"
        lines.append(f"{prefix}{loc}: {msg}")
    return "\n".join(lines)


def make_decision(kind: str, levers: dict[str, Any] | Decision, base: Decision | None = None) -> Decision:
    """Build a validated decision for an actor kind, filling unspecified levers from ``base``.

    Args:
        kind: Actor kind (see :data:`DECISION_MODELS`).
        levers: Lever values (numpy scalars, as a policy may return, count as the Python values they hold),
            or a ready decision.
        base: Decision whose values fill levers not given (e.g. the seat policy's proposal).

    Returns:
        The validated decision.

    Raises:
        DecisionError: On an unknown lever or a bad value, with one line per problem.

    """
    cls = decision_model_for(kind)
    if isinstance(levers, Decision):
        levers = levers.model_dump()
    values = base.model_dump() if base is not None else {}
    values.update({k: plain(v) for k, v in levers.items()})  # a policy's numpy scalars as Python values
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        raise DecisionError(format_validation_error(exc, prefix=f"{kind} decision: ")) from None
