"""Printable role cards: one card per seat of a scenario, on one self-contained HTML page (and a PDF of it).

A card tells a team, in plain words, who its seat is and where it starts, what it plays for (the objectives
and their weights from the scenario's ``[objectives]``), its levers (unit, allowed values, plain meaning and
default, from :mod:`wargame.decisions`), and what the seat can and cannot see (what
:func:`wargame.observation.observe` gives it, docs/model.md §7.16). In print every card starts a new page.

Scenario text (title, briefing, seat names) comes from files users write: every text goes through
:mod:`wargame.report.html`, which escapes it. The PDF is printed by headless Chromium
(:func:`wargame.report.pdf.print_pdf`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wargame.decisions import decision_model_for, make_decision, offered_levers
from wargame.files import write_text_atomic
from wargame.policies import describe_policy
from wargame.report.html import Html, bullet_list, page, paragraph, section, table, tag
from wargame.scenario import Scenario, Seat, seat_kind
from wargame.scoring import COMPONENTS

#: Actor kinds in plain words.
KIND_LABELS: dict[str, str] = {
    "us_government": "US government", "prc_government": "PRC government", "ally_government": "Ally government",
    "lab": "AI lab", "chipmaker": "Chipmaker", "smuggler": "Smuggling network", "overseas_cloud": "Overseas cloud",
}

#: Places of the flow map (:data:`wargame.scenario.JURISDICTIONS`) in plain words.
PLACE_NAMES: dict[str, str] = {
    "US": "the United States", "NL": "the Netherlands", "JP": "Japan", "KR": "South Korea", "TW": "Taiwan",
    "PRC": "the PRC", "SEA": "Southeast Asia", "ME": "the Gulf (Middle East)",
}

#: Chokepoints an ally holds, and chipmaker roles, in plain words.
CHOKEPOINT_NAMES: dict[str, str] = {"tools": "chip-making tools", "foundry": "leading-edge chip foundries",
                                    "memory": "high-bandwidth memory (HBM)", "none": "no chokepoint"}
CHIPMAKER_ROLES: dict[str, str] = {
    "accelerator_designer": "US accelerator designer", "foundry": "leading-edge foundry",
    "tool_maker": "chip-making tool maker", "memory_maker": "high-bandwidth memory maker",
    "domestic_chain": "PRC domestic chip chain (accelerators and foundry)",
}

#: Starting figures of a seat (fields of its scenario entry) in plain words; other fields use their description.
FACT_LABELS: dict[str, str] = {
    "initial_compute_h100e": "compute you own",
    "chip_allocation_share": "your share of your bloc's chip inflows",
    "base_safety_share": "safety share of compute with no race pressure",
    "base_testing_quarters": "testing before release with no race pressure",
    "distils": "distillation campaigns against US models",
    "output_h100e_per_quarter": "output",
    "base_volume_h100e": "usual volume in a neutral season",
    "capacity_h100e": "capacity you can rent out",
}

#: Each score component in plain words: ``(label, what earns or costs points)``, per actor kind, in the order of
#: :data:`wargame.scoring.COMPONENTS` (docs/model.md §7.15 has the formulas).
OBJECTIVE_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "us_government": {
        "lead": ("Lead in released AI", "Each season, points per year that the best US released model is ahead "
                 "of the best PRC one; minus points if the PRC is ahead."),
        "adoption": ("Global South adoption", "Points while more than half of Global South adoption is of US "
                     "models; minus points below half."),
        "incidents": ("AI incidents", "Minus points per severity point of every AI incident, in either bloc."),
        "licence_revenue": ("Licence revenue", "Points per USD billion of revenue share collected on licensed "
                            "chip sales to the PRC."),
        "industry_revenue": ("US industry revenue", "Points per USD billion earned by US chipmakers and US-bloc "
                             "overseas clouds."),
        "allies": ("Friction with allies", "Minus points for pressure that allies resent (pressure they do not "
                   "follow), and a little for pressing at all."),
        "fiscal": ("Budget spent", "Minus points per USD billion spent on enforcement, intelligence, export "
                   "promotion, anti-distillation measures and dialogue."),
    },
    "prc_government": {
        "parity": ("Closing the gap", "Each season, minus points per year of US lead in released models; points "
                   "if the PRC is ahead."),
        "self_sufficiency": ("Self-sufficiency in chips", "Points for the share (0 to 1) of PRC labs' new "
                             "compute that is domestic or bought at home."),
        "adoption": ("Global South adoption", "Points while more than half of Global South adoption is of PRC "
                     "models; minus points below half."),
        "incidents": ("AI incidents", "Minus points per severity point of every AI incident, in either bloc."),
        "fiscal": ("Budget spent and revenue given up", "Minus points per USD billion of subsidies, open-weights "
                   "promotion, intelligence, dialogue, and mineral revenue given up by retaliation."),
    },
    "ally_government": {
        "revenue": ("Chip revenue", "Points per USD billion your chipmakers earn, much of it from PRC "
                    "customers."),
        "us_relations": ("Relations with Washington", "Minus points while Washington presses you and you do not "
                         "align."),
        "retaliation": ("Exposure to PRC retaliation", "Minus points when Beijing retaliates, the more the "
                        "further you align with US controls."),
    },
    "lab": {
        "capability": ("Capability against the other labs", "Each season, points per year that your released "
                       "model is ahead of the average lab of both blocs; minus points if behind."),
        "revenue": ("Serving revenue", "Points per USD billion earned serving your deployed models."),
        "incidents": ("Your own AI incidents", "Minus points per severity point of your own incidents "
                      "(liability, lost trust, regulation)."),
        "sanctions": ("Sanctions", "Minus points per USD billion of sanctions after a distillation campaign of "
                      "yours is detected."),
    },
    "chipmaker": {
        "revenue": ("Revenue", "Points per USD billion of revenue, net of costs."),
        "penalties": ("Fines", "Minus points per USD billion of expected fines for letting chips or tools reach "
                      "the wrong customers."),
    },
    "smuggler": {
        "profit": ("Profit after seizures", "Points per USD billion of margin on delivered chips, minus the "
                   "losses on seized ones."),
    },
    "overseas_cloud": {
        "revenue": ("Rental revenue", "Points per USD billion of rent, minus the cost of the capacity."),
        "penalties": ("Fines", "Minus points per USD billion of expected fines for renting in breach of the US "
                      "rule."),
    },
}

#: What a seat sees of its own state (``observe(seat)["own"]``), per actor kind: ``(keys, plain words)``.
OWN_VIEW: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "government": (
        (("role", "chokepoint"), "your role and chokepoint"),
        (("spend_busd",), "last season's spending (USD billion)"),
    ),
    "lab": (
        (("stock_h100e",), "compute (H100e)"),
        (("internal_capability", "deployed_capability"), "trained and released models"),
        (("race_pressure",), "race pressure (index)"),
        (("perceived_lead_months", "perceived_uncertainty_months"), "the lead you believe your bloc has, with its "
                                                                    "uncertainty (months)"),
        (("base_safety_share", "base_testing_quarters"), "safety and testing at no pressure"),
        (("distils",), "whether you distil"),
        (("revenue_busd",), "revenue (USD billion)"),
        (("pause_quarters",), "any release pause (quarters)"),
    ),
    "chipmaker": (
        (("role",), "your role"),
        (("output_h100e", "domestic_yield"), "output (H100e per quarter) and yield (share)"),
        (("revenue_busd", "penalty_busd"), "revenue and fines (USD billion)"),
        (("expected_prc_sales_busd",), "what a downgraded chip would earn in the PRC (USD billion)"),
    ),
    "smuggler": (
        (("market_h100e",), "the PRC demand you can serve (H100e)"),
        (("seizure_share",), "the share of shipments seized"),
        (("base_volume_h100e",), "your usual volume (H100e per quarter)"),
    ),
    "overseas_cloud": (
        (("base_capacity_h100e",), "capacity (H100e per quarter)"),
        (("rule_level",), "the US remote-access rule (open, KYC or ban)"),
        (("rented_h100e",), "what you rented to PRC labs (H100e)"),
    ),
}

#: What every seat sees besides its own state (the other keys of ``observe(seat)``), in plain words; the
#: intelligence estimate's line gets the seat's starting uncertainty appended.
SHARED_VIEW: tuple[tuple[tuple[str, ...], str], ...] = (
    (("own_bloc_labs",), "Your bloc's labs in full: models and compute (H100e)."),
    (("other_bloc_deployed", "deployed_lead_months"), "The other bloc's released models, so the public lead "
                                                      "(months)."),
    (("estimated_lead_months", "estimate_sd_months"), "Your bloc's estimate of the lead of trained models"),
    (("estimated_other_compute_h100e", "compute_estimate_sd_log"), "An estimate of the other bloc's compute "
                                                                   "(H100e)."),
    (("rules", "previous_rules"), "The governments' public moves, this season and last (all but intelligence "
                                  "budgets)."),
    (("enmity", "adoption_share_us", "chip_market_index", "major_incidents_last_season"),
     "Enmity (index), Global South adoption (US share), the chip market index, major incidents."),
    (("news", "score", "season", "seasons_left", "params"), "Public news and your bloc's private news; your "
                                                             "score (points); seasons left; the scenario's "
                                                             "parameters."),
)

#: What no seat can see while the game runs (the debrief reveals all of it).
CANNOT_SEE: tuple[str, ...] = (
    "The other bloc's unreleased models, so the true lead: only your bloc's estimate.",
    "The other bloc's true compute: only an estimate.",
    "Intelligence budgets (secret), except your own.",
    "Other seats' levers, but for the governments' public moves: only what they cause, in the news.",
    "The other bloc's private news; other seats' scores.",
    "What chance brings: events, smuggled volumes, detections and incidents are drawn each season.",
)
#: Card-specific print and screen styles (html.py's CSS already starts every section on a new page in print).
CARD_CSS = """
section[id^="card-"] { border-top: 3px solid #24292f; padding-top: 0.3rem; }
section[id^="card-"] h2 { border-bottom: none; margin: 0.2rem 0 0; font-size: 1.35rem; }
section[id^="card-"] h3 { margin: 0.6rem 0 0.15rem; font-size: 1rem; }
section[id^="card-"] p { margin: 0.25rem 0; }
section[id^="card-"] .note { font-size: 0.92em; }
section[id^="card-"] table { width: 100%; margin: 0.2rem 0 0.3rem; font-size: 0.9em; }
section[id^="card-"] th, section[id^="card-"] td { padding: 0.1rem 0.35rem; }
section[id^="card-"] th { white-space: nowrap; }
section[id^="card-"] ul.plain { margin: 0.15rem 0; padding-left: 1rem; }
.card-meta { color: #57606a; }
.card-see { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.2rem; }
table.levers code { font-size: 0.85em; color: #57606a; }
table.levers td:first-child { width: 20%; }
table.objectives td:first-child { width: 22%; }
table.objectives td:last-child, table.levers td:nth-child(n+3) { white-space: nowrap; }
@media (max-width: 40rem) { .card-see { grid-template-columns: 1fr; } }
@page { size: A4; margin: 10mm 11mm; }
#seat-index table { width: 100%; }
@media print {
  #seat-index { font-size: 9pt; }
  #seat-index table { font-size: 8.5pt; break-inside: auto; }
  section[id^="card-"] { font-size: 8pt; line-height: 1.22; }
  section[id^="card-"] table { break-inside: auto; }
  section[id^="card-"] h2 { font-size: 14pt; }
  section[id^="card-"] h3 { font-size: 9.6pt; }
  .card-see > div { break-inside: avoid; }
  .card-briefing { font-size: 0.95em; }
}
"""


@dataclass(frozen=True)
class LeverRow:
    """One lever of a card.

    Attributes:
        name: The lever's field name (what ``--set`` and the Python API take).
        label: Its name in plain words.
        meaning: What it does in the model (one line, from :mod:`wargame.decisions`).
        unit: Its unit, e.g. ``"USD million per quarter"``.
        allowed: The values it takes, e.g. ``"0 to 1,000"`` or ``"open, kyc or ban"``.
        default: The lever's default value, or the scenario's fixed value.
        fixed: Whether the scenario fixes it (the computer keeps it there; a team may move it).

    """

    name: str
    label: str
    meaning: str
    unit: str
    allowed: str
    default: str
    fixed: bool


@dataclass(frozen=True)
class ObjectiveRow:
    """One score component of a card: its label, what earns or costs points, and its weight with its unit."""

    component: str
    label: str
    meaning: str
    weight: str


@dataclass(frozen=True)
class RoleCard:
    """Everything one seat's card says (plain text; :func:`card_html` escapes it).

    Attributes:
        seat: Seat id.
        name: Seat name (from the scenario file).
        kind: Actor kind (a key of :data:`KIND_LABELS`).
        kind_label: The kind in plain words.
        bloc: ``"US"`` or ``"PRC"``.
        place: Where the seat is, in plain words.
        position: Who the seat is and what it decides, one paragraph.
        facts: ``(what, value with unit)`` rows: the seat's starting figures from the scenario.
        objectives: What it plays for.
        objective_notes: Notes under the objectives (severity points of incidents; what the score is).
        levers: Its levers, in the decision's order.
        lever_notes: Notes under the levers (a lab's shares must sum to 1; fixed levers).
        can_see: What it sees, in plain words.
        cannot_see: What it does not see.
        policy: The policy the computer plays it with when no team does.
        policy_text: That policy in one sentence.

    """

    seat: str
    name: str
    kind: str
    kind_label: str
    bloc: str
    place: str
    position: str
    facts: tuple[tuple[str, str], ...]
    objectives: tuple[ObjectiveRow, ...]
    objective_notes: tuple[str, ...]
    levers: tuple[LeverRow, ...]
    lever_notes: tuple[str, ...]
    can_see: tuple[str, ...]
    cannot_see: tuple[str, ...]
    policy: str
    policy_text: str


def number_text(value: Any) -> str:
    """A number for people: ``1,000,000``, ``0.15``, ``yes``/``no`` for booleans; text unchanged."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def lever_label(name: str) -> str:
    """A lever's name in plain words, without its unit suffix: ``enforcement_budget_musd`` -> ``Enforcement budget``."""
    for suffix in ("_h100e", "_musd", "_busd"):
        name = name.removesuffix(suffix)
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def allowed_text(info: dict[str, Any]) -> str:
    """The values a lever takes, from :meth:`wargame.decisions.Decision.lever_info`: ``0 to 1``, ``yes or no``..."""
    if info["type"] == "bool":
        return "yes or no"
    if info["type"] == "choice":
        choices = [str(c) for c in info["choices"] or []]
        return ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else "".join(choices)
    low, high = info["minimum"], info["maximum"]
    whole = " (whole number)" if info["type"] == "int" else ""
    if low is not None and high is not None:
        return f"{number_text(low)} to {number_text(high)}{whole}"
    if low is not None:
        return f"{number_text(low)} or more{whole}"
    if high is not None:
        return f"up to {number_text(high)}{whole}"
    return "any number" + whole


def _place(seat: Seat) -> str:
    """Where the seat is (its jurisdiction, or a smuggler's hub), in plain words."""
    code = getattr(seat, "jurisdiction", None) or getattr(seat, "hub", None) or ""
    return PLACE_NAMES.get(code, code)


def _position(seat: Seat, kind: str) -> str:
    """Who the seat is and what it decides, one paragraph in plain words."""
    if kind == "us_government":
        return ("You are the US government. You decide which AI chips may be sold to the PRC and on what terms, "
                "how hard smuggling is policed, whether PRC customers may rent controlled chips in data centres "
                "abroad (remote access), how hard you press allies to match your controls, how you fight "
                "distillation of US models, how you promote US AI abroad, what you spend on intelligence and "
                "whether you talk safety with Beijing. Your rules are public: the other side sees them and "
                "answers the season after.")
    if kind == "prc_government":
        return ("You are the PRC government. You fund the domestic chip chain, tell labs whether to buy domestic "
                "or licensed US chips, decide how far to look away from smuggled chips, whether to retaliate "
                "(for example with export controls on critical minerals), how hard to push PRC open-weights "
                "models abroad, what you spend on intelligence and whether you talk safety with Washington. Your "
                "moves are public: Washington sees them and answers the season after.")
    if kind == "ally_government":
        held = CHOKEPOINT_NAMES.get(getattr(seat, "chokepoint", "none"), "a chokepoint")
        return (f"You are the government of a US ally that holds a chokepoint of the chip supply chain: {held}. "
                "Each season you decide how far to match US tool and chip controls. Washington presses you to "
                "align, your chipmakers earn from PRC customers, and Beijing may retaliate against allies that "
                "align.")
    if kind == "lab":
        race = ("You can distil US models through fraudulent accounts, risking detection and sanctions."
                if seat.bloc == "PRC" else
                "You can defend against distillation by PRC labs, at the cost of turning away some real users.")
        return (f"You run a frontier AI lab of the {seat.bloc} bloc. Each season you split your compute between "
                "training, safety work and serving customers, and decide how long to test before release, whether "
                f"to release and whether openly (open weights). {race} A close race tempts every lab to cut safety "
                "and release faster; your own incidents cost you dearly.")
    if kind == "chipmaker":
        role = getattr(seat, "role", "")
        if role == "accelerator_designer":
            return ("You design the leading US AI accelerators. You decide whether to offer compliant, "
                    "downgraded chips for the PRC market and how carefully you check who your distributors' end "
                    "customers are: lax checks let chips leak to smugglers and risk fines.")
        if role == "domestic_chain":
            return ("You are the PRC domestic chip chain (accelerators and foundry). You decide how much to "
                    "invest in the yield ramp of new processes: better yields mean more domestic chips, at a "
                    "cost each quarter.")
        return (f"You are a {CHIPMAKER_ROLES.get(role, role)}, one of the chokepoints of the chip supply chain. "
                "You decide how carefully you check your customers: careful checks keep your products out of the "
                "PRC chain but cost sales; lax checks risk fines.")
    if kind == "smuggler":
        return (f"You run a network that routes controlled chips to PRC labs through a transshipment hub in "
                f"{_place(seat)}. Each season you choose how much to ship: the margin on every chip delivered "
                "against the chance that enforcement seizes it.")
    return (f"You run data centres in {_place(seat)} and can rent controlled compute to PRC labs (remote access). "
            "Each season you decide how much capacity to offer them and how faithfully you screen customers under "
            "the US remote-access rule; renting in breach of it risks fines.")


def _facts(seat: Seat, kind: str) -> tuple[tuple[str, str], ...]:
    """The seat's starting figures from the scenario, each with its unit."""
    rows: list[tuple[str, str]] = []
    if kind == "ally_government":
        rows.append(("chokepoint held", CHOKEPOINT_NAMES.get(getattr(seat, "chokepoint", "none"), "")))
    if kind == "chipmaker":
        rows.append(("role", CHIPMAKER_ROLES.get(getattr(seat, "role", ""), getattr(seat, "role", ""))))
    skip = {"id", "name", "bloc", "policy", "levers", "role", "jurisdiction", "hub", "chokepoint"}
    for field, info in type(seat).model_fields.items():
        if field in skip:
            continue
        value = getattr(seat, field)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        unit = str(extra.get("unit", ""))
        if field == "output_h100e_per_quarter" and not value:
            continue  # a chokepoint holder makes no accelerators of its own
        described = (info.description or field.replace("_", " ")).rstrip(".")
        label = FACT_LABELS.get(field) or described[:1].lower() + described[1:]
        text = number_text(value)
        if value == 1 and unit == "quarters":
            unit = "quarter"
        if unit.startswith(("share", "intensity")):
            text += f" ({unit})"
        elif unit:
            text += f" {unit}"
        rows.append((label, text))
    return tuple(rows)


def _objectives(scenario: Scenario, kind: str) -> tuple[tuple[ObjectiveRow, ...], tuple[str, ...]]:
    """The kind's score components with the scenario's weights (and units), and the note under them."""
    weights = scenario.objectives.for_kind(kind)
    fields = type(weights).model_fields
    rows = []
    for component in COMPONENTS[kind]:
        label, meaning = OBJECTIVE_TEXT[kind][component]
        extra = fields[component].json_schema_extra
        unit = str(extra.get("unit", "")) if isinstance(extra, dict) else ""
        value = float(getattr(weights, component))
        if value == 1.0 and unit.startswith("points "):
            unit = "point " + unit.removeprefix("points ")
        rows.append(ObjectiveRow(component, label, meaning, f"{number_text(value)} {unit}".strip()))
    note = ("Your score is the sum of these points over the seasons; the outcome of the race (S1, S2 or "
            "contested) scores nothing by itself.")
    if "incidents" in COMPONENTS[kind]:
        sev = scenario.objectives.incident_severity
        note = (f"Severity points of one incident: minor {number_text(sev.minor)}, major {number_text(sev.major)}, "
                f"catastrophic {number_text(sev.catastrophic)}. {note}")
    return tuple(rows), (note,)


def _levers(seat: Seat, kind: str) -> tuple[tuple[LeverRow, ...], tuple[str, ...]]:
    """The levers offered to the seat, in the decision's order, and the note under them."""
    offered = offered_levers(kind, getattr(seat, "role", None), seat.bloc)
    defaults = make_decision(kind, seat.levers).model_dump()
    rows = []
    for info in decision_model_for(kind).lever_info():
        name = info["name"]
        if name not in offered:
            continue
        rows.append(LeverRow(name=name, label=lever_label(name), meaning=info["description"], unit=info["unit"],
                             allowed=allowed_text(info), default=number_text(defaults[name]),
                             fixed=name in seat.levers))
    notes = []
    if kind == "lab":
        notes.append("Training, safety and serving shares must add up to 1.")
    if any(row.fixed for row in rows):
        notes.append("* Set by the scenario: the computer keeps this value every season; a team may change it.")
    notes.append("In the game, each lever also shows what the computer would play this season.")
    return tuple(rows), (" ".join(notes),)


#: Intelligence budgets (USD million per quarter) at which a card gives the uncertainty of its bloc's estimate.
ESTIMATE_BUDGETS_MUSD = (0.0, 20.0, 100.0)


def estimate_sd_months(scenario: Scenario, budget_musd: float) -> float:
    """The standard deviation of a bloc's estimate of the internal lead, months (docs/model.md §7.2).

    ``intel_noise_months * (1 - visibility) * exp(-intelligence_rate_per_musd * budget)``: what
    ``observe(seat)["estimate_sd_months"]`` is while the bloc's government spends ``budget_musd`` USD million
    per quarter on intelligence.
    """
    p = scenario.parameters
    return p.intel_noise_months * (1.0 - p.visibility) * math.exp(-p.intelligence_rate_per_musd * budget_musd)


def _estimate_note(scenario: Scenario) -> str:
    """How uncertain a bloc's estimate of the internal lead is, at a few intelligence budgets, in words."""
    none, *more = (estimate_sd_months(scenario, b) for b in ESTIMATE_BUDGETS_MUSD)
    budgets = " and ".join(f"{sd:.1f} at {number_text(b)}" for sd, b in zip(more, ESTIMATE_BUDGETS_MUSD[1:],
                                                                             strict=True))
    return (f": off by about {none:.1f} months (one standard deviation) with no intelligence spending, {budgets} "
            f"USD million per quarter (visibility {number_text(scenario.parameters.visibility)}).")


def _can_see(scenario: Scenario, seat: Seat, kind: str) -> tuple[str, ...]:
    """What the seat sees (:func:`wargame.observation.observe`), in plain words: its own state first."""
    own_kind = "government" if kind.endswith("_government") else kind
    own = "; ".join(words for _, words in OWN_VIEW[own_kind])
    items = [f"Your own state in full: {own}."]
    for keys, words in SHARED_VIEW:
        if "estimated_lead_months" in keys:
            words += _estimate_note(scenario)
        items.append(words)
    return tuple(items)


def role_card(scenario: Scenario, seat: Seat) -> RoleCard:
    """The card of one seat of a scenario.

    Args:
        scenario: A validated scenario (:func:`wargame.scenario.load_scenario`).
        seat: One of ``scenario.seats()``.

    Returns:
        The card's content, as plain text.

    """
    kind = seat_kind(seat)
    objectives, objective_notes = _objectives(scenario, kind)
    levers, lever_notes = _levers(seat, kind)
    return RoleCard(
        seat=seat.id, name=seat.name, kind=kind, kind_label=KIND_LABELS[kind], bloc=seat.bloc, place=_place(seat),
        position=_position(seat, kind), facts=_facts(seat, kind), objectives=objectives,
        objective_notes=objective_notes, levers=levers, lever_notes=lever_notes,
        can_see=_can_see(scenario, seat, kind), cannot_see=CANNOT_SEE, policy=seat.policy,
        policy_text=describe_policy(kind, seat.policy))


def role_cards(scenario: Scenario) -> list[RoleCard]:
    """One card per seat, in the scenario's seat order (governments, labs, chipmakers, smugglers, clouds)."""
    return [role_card(scenario, seat) for seat in scenario.seats()]


def _briefing(scenario: Scenario) -> list[Html]:
    """The scenario's briefing as paragraphs (a blank line in the file starts a new one)."""
    blocks = [" ".join(block.split()) for block in scenario.briefing.split("\n\n")]
    return [paragraph(block, class_="card-briefing") for block in blocks if block]


def _outcome_text(scenario: Scenario) -> str:
    """The seasons of the game and how it ends (S1, S2, contested), with the scenario's thresholds."""
    o = scenario.outcome
    return (f"One season (a quarter) per turn, {scenario.scenario.start} to {scenario.scenario.end}. The game ends "
            f"in S1 (democracies lead) if the US lead of released models is {number_text(o.s1_lead_months)} months "
            f"or more, S2 (authoritarian parity) if it is {number_text(o.s2_lead_months)} months or less (or the PRC "
            "leads), and contested in between.")


def card_html(scenario: Scenario, card: RoleCard) -> Html:
    """One card as a page section (``id="card-<seat>"``); every text escaped."""
    facts = (paragraph([tag("strong", "At the start: "), "; ".join(f"{what}: {value}" for what, value in card.facts),
                        "."], class_="card-facts") if card.facts else "")
    objectives = table(["Points for", "What earns or costs points", "Weight"],
                       [(tag("strong", r.label), r.meaning, r.weight) for r in card.objectives],
                       class_="objectives")
    levers = table(["Lever", "What it does", "Unit", "Allowed", "Default"],
                   [([tag("strong", r.label), tag("div", tag("code", r.name))], r.meaning, r.unit, r.allowed,
                     r.default + (" *" if r.fixed else "")) for r in card.levers],
                   class_="levers")
    see = tag("div", [tag("div", [tag("h3", "What you can see"), bullet_list(card.can_see)]),
                      tag("div", [tag("h3", "What you cannot see"), bullet_list(card.cannot_see)])],
              class_="card-see")
    return section(
        card.name,
        paragraph(f"{card.kind_label} · {card.bloc} bloc · {card.place} · seat {card.seat}", class_="card-meta"),
        paragraph(card.position),
        facts,
        tag("h3", f"The situation: {scenario.title}"),
        *_briefing(scenario),
        paragraph(_outcome_text(scenario)),
        tag("h3", "What you play for"),
        objectives,
        *[paragraph(note, class_="note") for note in card.objective_notes],
        tag("h3", "Your levers"),
        levers,
        *[paragraph(note, class_="note") for note in card.lever_notes],
        see,
        paragraph(f"If no team plays this seat, the computer plays it as '{card.policy}': {card.policy_text}",
                  class_="note"),
        section_id=f"card-{card.seat}",
    )


def cards_page(scenario: Scenario) -> str:
    """The whole HTML page: an index of the seats, then one card per seat (each a printed page).

    Returns:
        A self-contained HTML document (UTF-8 text, no external resources).

    """
    cards = role_cards(scenario)
    index = section(
        "About these cards",
        paragraph(f"One card per seat of scenario {scenario.name} ({len(cards)} seats). Give each team the cards "
                  "of the seats it plays; the computer plays every other seat with the policy named below. Each "
                  "card says who the seat is, what it plays for, its levers with their units and allowed values, "
                  "and what it can and cannot see. In print, every card starts on a new page. For four teams, a good "
                  "table is the US government, the PRC government, one US lab and one PRC lab."),
        paragraph(_outcome_text(scenario)),
        table(["Seat", "Seat id", "Kind", "Bloc", "Computer policy"],
              [(c.name, c.seat, c.kind_label, c.bloc, c.policy) for c in cards], class_="seat-index"),
        section_id="seat-index",
    )
    style = Html(f"<style>{CARD_CSS}</style>")
    return page(f"Role cards: {scenario.title}", [style, index, *(card_html(scenario, c) for c in cards)],
                subtitle=f"Scenario {scenario.name}, {scenario.scenario.start} to {scenario.scenario.end}")


def write_cards(scenario: Scenario, path: str | Path) -> Path:
    """Write the cards page (:func:`cards_page`) to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    write_text_atomic(path, cards_page(scenario))
    return path
