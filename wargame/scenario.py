"""Scenario files: loading, validation and overrides.

A scenario is a TOML file in ``scenarios/`` (or anywhere, given by path). It holds a briefing, the
seasons to play, the model parameters (each with a unit and source, see :mod:`wargame.parameters`), the
objective weights (:mod:`wargame.objectives`), the actors
(seats) with the policy that plays each, and the events deck. Loading validates every field; any problem
raises :class:`ScenarioError` whose message names the file, the field and what is allowed. TOML is data
only: a scenario file can never execute code.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from wargame.decisions import DecisionError, check_offered, make_decision
from wargame.objectives import Objectives
from wargame.parameters import Parameters, StrictModel, param
from wargame.policies import POLICIES
from wargame.seasons import parse_season

BLOCS = ("US", "PRC")
#: Years a scenario may span: the model's trends and sources describe the late 2020s, not the far future.
FIRST_YEAR, LAST_YEAR = 2024, 2035
#: Jurisdictions on the flow map, with fixed map positions (x, y) for the network view.
JURISDICTIONS: dict[str, tuple[float, float]] = {
    "US": (-1.0, 0.3),
    "NL": (-0.35, 0.8),
    "JP": (0.75, 0.55),
    "KR": (0.6, 0.85),
    "TW": (0.75, 0.0),
    "PRC": (0.35, 0.3),
    "SEA": (0.35, -0.55),
    "ME": (-0.3, -0.35),
}
EVENT_NAMES = ("taiwan_strait_crisis", "smuggling_bust", "algorithmic_breakthrough", "open_weights_shock")


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable, or invalid. The message names file, field and allowed values."""


class Outcome(StrictModel):
    """Thresholds of the outcome classes at the horizon (months of lead)."""

    s1_lead_months: float = param(12.0, "months", "'2028: Two scenarios' (2026): a 12-24 month lead",
                                  "Lead at or above which the run is S1 (democracies lead).", ge=0.0, le=120.0)
    s2_lead_months: float = param(3.0, "months", "illustrative; 'near-parity' in '2028: Two scenarios'",
                                  "Lead at or below which the run is S2 (authoritarian parity).",
                                  ge=-120.0, le=120.0)

    @model_validator(mode="after")
    def _ordered(self) -> Outcome:
        if self.s2_lead_months >= self.s1_lead_months:
            raise ValueError("s2_lead_months must be below s1_lead_months")
        return self


class ScheduledEvent(StrictModel):
    """An inject played at a fixed season."""

    season: str
    event: Literal["taiwan_strait_crisis", "smuggling_bust", "algorithmic_breakthrough", "open_weights_shock"]

    @field_validator("season")
    @classmethod
    def _season(cls, v: str) -> str:
        parse_season(v)
        return v


class EventDeck(StrictModel):
    """Random injects (probability per quarter) and scheduled injects."""

    taiwan_strait_crisis: float = param(0.02, "probability per quarter", "illustrative",
                                        "Chance of a Taiwan Strait crisis (foundry output halves).", ge=0.0, le=1.0)
    smuggling_bust: float = param(0.08, "probability per quarter", "illustrative",
                                  "Chance of a smuggling bust (70% of the uncaught volume is seized too).",
                                  ge=0.0, le=1.0)
    algorithmic_breakthrough: float = param(0.05, "probability per quarter", "illustrative",
                                            "Chance one bloc's algorithmic efficiency doubles.", ge=0.0, le=1.0)
    open_weights_shock: float = param(0.05, "probability per quarter", "illustrative",
                                      "Chance a strong PRC open model cuts US adoption by 5 points.", ge=0.0, le=1.0)
    scheduled: list[ScheduledEvent] = Field(default_factory=list)


class Seat(StrictModel):
    """Fields shared by every actor: id, display name, bloc, policy and lever overrides."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: str = Field(min_length=1, max_length=80)
    bloc: Literal["US", "PRC"]
    policy: str
    levers: dict[str, Any] = Field(default_factory=dict)


class GovernmentSpec(Seat):
    """A government: the US, the PRC, or an ally holding a chokepoint."""

    role: Literal["us", "prc", "ally"]
    jurisdiction: str
    chokepoint: Literal["tools", "foundry", "memory", "none"] = "none"


class LabSpec(Seat):
    """An AI lab."""

    jurisdiction: str
    initial_compute_h100e: float = Field(ge=1000.0, le=1e8, description="Compute owned at the start (a frontier "
                                         "lab holds at least 1,000 H100e).",
                                         json_schema_extra={"unit": "H100e"})
    chip_allocation_share: float = Field(gt=0.0, le=1.0, description="Share of its bloc's chip inflows.",
                                         json_schema_extra={"unit": "share [0, 1]"})
    base_safety_share: float = Field(ge=0.0, le=1.0, description="Safety share of compute with no race pressure.",
                                     json_schema_extra={"unit": "share [0, 1]"})
    base_testing_quarters: int = Field(ge=0, le=4, description="Pre-release testing with no race pressure.",
                                       json_schema_extra={"unit": "quarters"})
    distils: bool = False


class ChipmakerSpec(Seat):
    """A chipmaker or a link of a chip supply chain."""

    role: Literal["accelerator_designer", "foundry", "tool_maker", "memory_maker", "domestic_chain"]
    jurisdiction: str
    output_h100e_per_quarter: float = Field(0.0, ge=0.0, le=1e9, description="Output at the start (producers).",
                                            json_schema_extra={"unit": "H100e per quarter"})


class SmugglerSpec(Seat):
    """A smuggling network routing controlled chips through a hub."""

    hub: str
    base_volume_h100e: float = Field(ge=0.0, le=1e8, description="Volume in a neutral season at the start.",
                                     json_schema_extra={"unit": "H100e per quarter"})


class OverseasCloudSpec(Seat):
    """A data-centre operator in a third country renting compute."""

    jurisdiction: str
    capacity_h100e: float = Field(ge=0.0, le=1e8, description="Capacity it can rent out at the start.",
                                  json_schema_extra={"unit": "H100e per quarter"})


class ScenarioInfo(StrictModel):
    """Header of a scenario: name, title, briefing and seasons."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    briefing: str = Field(min_length=1)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _season(cls, v: str) -> str:
        year = parse_season(v) // 4
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"season must lie in {FIRST_YEAR}Q1..{LAST_YEAR}Q4 (got {v!r})")
        return v




def _seat_field(group: str, index: int, seat: Seat, name: str) -> str:
    """Name a seat's field in a message, e.g. ``field 'labs[1].policy' (seat us_lab_b)``."""
    return f"field '{group}[{index}].{name}' (seat {seat.id})"


def seat_kind(seat: Seat) -> str:
    """Return the actor kind of a seat spec, the key of its decision model and policies."""
    if isinstance(seat, GovernmentSpec):
        return {"us": "us_government", "prc": "prc_government", "ally": "ally_government"}[seat.role]
    if isinstance(seat, LabSpec):
        return "lab"
    if isinstance(seat, ChipmakerSpec):
        return "chipmaker"
    if isinstance(seat, SmugglerSpec):
        return "smuggler"
    return "overseas_cloud"


class Scenario(StrictModel):
    """A validated scenario. Build it with :func:`load_scenario`."""

    scenario: ScenarioInfo
    parameters: Parameters = Field(default_factory=Parameters)
    outcome: Outcome = Field(default_factory=Outcome)
    objectives: Objectives = Field(default_factory=Objectives)
    events: EventDeck = Field(default_factory=EventDeck)
    governments: list[GovernmentSpec] = Field(min_length=2)
    labs: list[LabSpec] = Field(min_length=2)
    chipmakers: list[ChipmakerSpec] = Field(default_factory=list)
    smugglers: list[SmugglerSpec] = Field(default_factory=list)
    overseas_clouds: list[OverseasCloudSpec] = Field(default_factory=list)

    @property
    def name(self) -> str:
        """Short name of the scenario (file stem)."""
        return self.scenario.name

    @property
    def title(self) -> str:
        """Human title."""
        return self.scenario.title

    @property
    def briefing(self) -> str:
        """Briefing paragraph for players."""
        return self.scenario.briefing.strip()

    def seats(self) -> list[Seat]:
        """All actor specs in a fixed order: governments, labs, chipmakers, smugglers, clouds."""
        return [*self.governments, *self.labs, *self.chipmakers, *self.smugglers, *self.overseas_clouds]

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems: list[str] = []
        if parse_season(self.scenario.end) < parse_season(self.scenario.start):
            problems.append("field 'scenario.end': must not be before scenario.start")
        roles = [g.role for g in self.governments]
        for role in ("us", "prc"):
            if roles.count(role) != 1:
                problems.append(f"field 'governments': need exactly one government with role = {role!r} "
                                f"(found {roles.count(role)})")
        gov_blocs = {g.bloc for g in self.governments if g.role in ("us", "prc")}
        seen: set[str] = set()
        for group in ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds"):
            for i, seat in enumerate(getattr(self, group)):
                if seat.id in seen:
                    problems.append(f"{_seat_field(group, i, seat, 'id')}: duplicate seat id {seat.id!r}")
                seen.add(seat.id)
                if seat.bloc not in gov_blocs:
                    problems.append(f"{_seat_field(group, i, seat, 'bloc')}: no government leads bloc {seat.bloc!r}; "
                                    f"blocs with a government: {', '.join(sorted(gov_blocs))}")
                place = getattr(seat, "jurisdiction", None) or getattr(seat, "hub", None)
                if place not in JURISDICTIONS:
                    field = "hub" if isinstance(seat, SmugglerSpec) else "jurisdiction"
                    problems.append(f"{_seat_field(group, i, seat, field)}: unknown jurisdiction {place!r}; allowed: "
                                    f"{', '.join(JURISDICTIONS)}")
                kind = seat_kind(seat)
                if seat.policy not in POLICIES[kind]:
                    problems.append(f"{_seat_field(group, i, seat, 'policy')}: unknown policy {seat.policy!r} "
                                    f"for a {kind}; allowed: {', '.join(POLICIES[kind])}")
                try:
                    make_decision(kind, seat.levers)
                    check_offered(kind, getattr(seat, "role", None), seat.bloc, seat.levers, seat.id)
                except DecisionError as exc:
                    problems.append(f"{_seat_field(group, i, seat, 'levers')}: {exc}")
        for bloc in BLOCS:
            shares = sum(lab.chip_allocation_share for lab in self.labs if lab.bloc == bloc)
            if not any(lab.bloc == bloc for lab in self.labs):
                problems.append(f"field 'labs': need at least one lab in bloc {bloc!r}")
            elif abs(shares - 1.0) > 1e-6:
                problems.append(f"field 'labs[].chip_allocation_share': shares of bloc {bloc} must sum to 1 "
                                f"(got {shares:.4f})")
        start, end = parse_season(self.scenario.start), parse_season(self.scenario.end)
        seen_injects: set[tuple[str, str]] = set()
        for i, ev in enumerate(self.events.scheduled):
            if (ev.season, ev.event) in seen_injects:
                problems.append(f"field 'events.scheduled[{i}]': {ev.event} is already scheduled for {ev.season}")
            seen_injects.add((ev.season, ev.event))
            if not start <= parse_season(ev.season) <= end:
                problems.append(f"field 'events.scheduled[{i}].season': {ev.season} is outside "
                                f"{self.scenario.start}..{self.scenario.end}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def content_hash(self) -> str:
        """SHA-256 of the scenario's canonical JSON form (hex); equal scenarios hash equal."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """Return a copy with some fields replaced, re-validated.

        Args:
            overrides: Dotted paths to values, e.g. ``{"parameters.enmity": 1.0}`` or
                ``{"labs.us_lab_a.initial_compute_h100e": 5e5}`` (list items are addressed by seat id).

        Returns:
            A new validated scenario.

        Raises:
            ScenarioError: On an unknown path or an invalid value.

        """
        data = self.model_dump(mode="python")
        for path, value in overrides.items():
            node: Any = data
            parts = path.split(".")
            for part in parts[:-1]:
                if isinstance(node, list):
                    match = [item for item in node if item.get("id") == part]
                    if not match:
                        raise ScenarioError(f"override {path!r}: no seat with id {part!r}")
                    node = match[0]
                elif isinstance(node, dict) and part in node:
                    node = node[part]
                else:
                    raise ScenarioError(f"override {path!r}: unknown field {part!r}")
            if not isinstance(node, dict) or (parts[-1] not in node and parts[-2:-1] != ["levers"]):
                raise ScenarioError(f"override {path!r}: unknown field {parts[-1]!r}")
            current = node.get(parts[-1])
            if not isinstance(value, bool) and not isinstance(current, bool):  # a bool is never a number
                if isinstance(value, float) and isinstance(current, int) and value.is_integer():
                    value = int(value)
                elif isinstance(value, int) and isinstance(current, float):
                    value = float(value)
            node[parts[-1]] = value
        return validate_scenario(data, source=f"{self.name} with overrides")


def _field_allowed(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """Names of the fields allowed at ``loc``'s parent, for an 'unknown field' message."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        current = args[0] if args and isinstance(args[0], type) else ann
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _format_errors(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        loc = err["loc"]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _field_allowed(Scenario, loc)
            msg = f"unknown field {loc[-1]!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif kind == "missing":
            msg = "required field is missing"
        elif kind == "value_error" and not path:
            for problem in str(err["ctx"]["error"]).split("\n"):
                lines.append(f"{source}: {problem}")
            continue
        else:
            msg = err["msg"]
            if kind in ("finite_number",):
                msg = "must be a finite number (NaN and infinity are not allowed)"
            if kind == "value_error":
                msg = msg.removeprefix("Value error, ")
            if "input" in err and not isinstance(err["input"], dict | list) and "got " not in msg:
                msg += f" (got {err['input']!r})"
        lines.append(f"{source}: field '{path or '(top level)'}': {msg}")
    return "\n".join(lines)


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dict (parsed TOML or a saved game's copy).

    Args:
        data: The scenario's fields.
        source: File name or description used in error messages.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With one line per problem, each naming the source and the field.

    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(exc, source)) from None


def scenario_dir() -> Path:
    """Folder of the scenario files shipped with the package."""
    return Path(str(resources.files("scenarios")))


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios (file stems in ``scenarios/``), sorted."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """Find a scenario file by shipped name or by path.

    Raises:
        ScenarioError: If no such file exists; the message lists the shipped names.

    """
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or "/" in str(name_or_path):
        if path.is_dir():
            raise ScenarioError(f"{path}: is a directory, not a scenario file")
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        return path
    shipped = scenario_dir() / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise ScenarioError(f"unknown scenario {str(name_or_path)!r}; shipped scenarios: "
                        f"{', '.join(list_scenarios())} (or give a path to a .toml file)")


def _reject_non_finite(node: Any, path: str, source: str) -> None:
    if isinstance(node, float) and not math.isfinite(node):
        raise ScenarioError(f"{source}: field '{path}': must be a finite number "
                            f"(NaN and infinity are not allowed) (got {node!r})")
    if isinstance(node, dict):
        for key, value in node.items():
            _reject_non_finite(value, f"{path}.{key}" if path else key, source)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _reject_non_finite(value, f"{path}[{i}]", source)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario.

    Args:
        name_or_path: A shipped scenario name (``"baseline"``) or a path to a TOML file.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: If the file is missing, is not valid TOML, or any field is invalid. The message
            names the file, the field and what is allowed.

    """
    path = resolve_scenario_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: invalid TOML: {exc}") from None
    _reject_non_finite(data, "", str(path))
    return validate_scenario(data, source=str(path))
