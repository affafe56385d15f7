"""Generate the parameter, lever and scenario tables of ``docs/model.md`` from the code's metadata.

The tables are never written by hand: units, defaults, bounds and sources come from the pydantic fields
of :mod:`wargame.scenario` (``Parameters``, ``Outcome``, ``EventDeck``, ``Objectives`` and the seat specs),
from :data:`wargame.decisions.DECISION_MODELS` (``lever_info()``) and
:func:`wargame.decisions.offered_levers` (which seats each lever is offered to), and from
:data:`wargame.policies.POLICY_DESCRIPTIONS`; the scenario table comes from the shipped scenario files. The
generated blocks sit between markers in the document::

    <!-- BEGIN GENERATED PARAMETERS --> ... <!-- END GENERATED PARAMETERS -->
    <!-- BEGIN GENERATED LEVERS --> ... <!-- END GENERATED LEVERS -->
    <!-- BEGIN GENERATED SCENARIOS --> ... <!-- END GENERATED SCENARIOS -->

Usage::

    python tools/parameter_table.py                        # print all blocks as Markdown
    python tools/parameter_table.py --check docs/model.md  # exit 1 if the document has drifted
    python tools/parameter_table.py --write docs/model.md  # update the blocks in place
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
import sys
from pathlib import Path
from typing import Any

# Document the code of this checkout, even when another copy of the package is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from wargame.decisions import DECISION_MODELS, offered_levers  # noqa: E402
from wargame.model import EVENT_DESCRIPTIONS  # noqa: E402
from wargame.policies import POLICIES, POLICY_DESCRIPTIONS  # noqa: E402
from wargame.scenario import (  # noqa: E402
    ChipmakerSpec,
    EventDeck,
    GovernmentSpec,
    LabSpec,
    Objectives,
    Outcome,
    OverseasCloudSpec,
    Parameters,
    SmugglerSpec,
    list_scenarios,
    load_scenario,
    seat_kind,
)

BLOCKS = ("PARAMETERS", "LEVERS", "SCENARIOS")

#: Units and sources of fields whose pydantic metadata carries none (event deck, seat specs). A unit or
#: source declared in the field's ``json_schema_extra`` always wins over these.
FALLBACK_META: dict[str, dict[str, str]] = {
    **{f"EventDeck.{name}": {"unit": "probability per quarter", "source": "illustrative",
                             "description": f"Chance the inject is drawn in a season. {text}"}
       for name, text in EVENT_DESCRIPTIONS.items()},
    "EventDeck.scheduled": {"unit": "list of {season, event}", "source": "scenario author",
                            "description": "Injects played at fixed seasons, in addition to the random draws."},
    "GovernmentSpec.role": {"unit": "choice", "source": "scenario",
                            "description": "US, PRC (exactly one each) or an ally holding a chokepoint."},
    "GovernmentSpec.jurisdiction": {"unit": "node of the flow graph", "source": "scenario",
                                    "description": "Jurisdiction it governs."},
    "GovernmentSpec.chokepoint": {"unit": "choice", "source": "scenario",
                                  "description": "For an ally: the chokepoint it controls."},
    "LabSpec.jurisdiction": {"unit": "node of the flow graph", "source": "scenario",
                             "description": "Where the lab sits."},
    "LabSpec.initial_compute_h100e": {"unit": "H100e",
                                      "source": "illustrative; scaled to ~75% US / ~15% China GPU-cluster "
                                                "share, mid-2025 (Epoch AI)"},
    "LabSpec.chip_allocation_share": {"unit": "share [0, 1]; sums to 1 per bloc", "source": "illustrative"},
    "LabSpec.base_safety_share": {"unit": "share of compute [0, 1]",
                                  "source": "illustrative; US ~0.10-0.20, PRC ~0.03-0.05 (PARAMETERS.md)"},
    "LabSpec.base_testing_quarters": {"unit": "quarters", "source": "illustrative"},
    "LabSpec.distils": {"unit": "yes/no", "source": "illustrative; fast followers (Anthropic, Feb 2026, "
                                                    "secondary)",
                        "description": "Whether the lab runs distillation campaigns (PRC labs only)."},
    "ChipmakerSpec.role": {"unit": "choice", "source": "scenario",
                           "description": "Link of the supply chain; producers are the designer and the "
                                          "domestic chain, the others are chokepoints."},
    "ChipmakerSpec.jurisdiction": {"unit": "node of the flow graph", "source": "scenario",
                                   "description": "Where it sits; an ally seated there governs it."},
    "ChipmakerSpec.output_h100e_per_quarter": {"unit": "H100e per quarter",
                                               "source": "illustrative; PRC chain: Huawei ~4% of Nvidia in "
                                                         "2026 ('2028: Two scenarios', secondary)"},
    "SmugglerSpec.hub": {"unit": "node of the flow graph", "source": "scenario",
                         "description": "Transshipment hub the chips pass through."},
    "SmugglerSpec.base_volume_h100e": {"unit": "H100e per quarter",
                                       "source": "CNAS (2025): median ~140k chips smuggled in 2024"},
    "OverseasCloudSpec.jurisdiction": {"unit": "node of the flow graph", "source": "scenario",
                                       "description": "Third country where the data centres are."},
    "OverseasCloudSpec.capacity_h100e": {"unit": "H100e per quarter",
                                         "source": "illustrative; offshore training by PRC firms (press "
                                                   "2025-26, secondary)"},
}

KIND_TITLES = {"us_government": "US government", "prc_government": "PRC government",
               "ally_government": "Ally government", "lab": "Lab", "chipmaker": "Chipmaker",
               "smuggler": "Smuggler", "overseas_cloud": "Overseas cloud"}
#: Order of the shipped scenarios in the tables; any other scenario follows, sorted.
SCENARIO_ORDER = ("baseline", "tight_controls", "loopholes")

_SEAT_SPECS: tuple[type[BaseModel], ...] = (GovernmentSpec, LabSpec, ChipmakerSpec, SmugglerSpec,
                                            OverseasCloudSpec)
_COMMON_SEAT_FIELDS = ("id", "name", "bloc", "policy", "levers")


# ------------------------------------------------------------------ formatting helpers
def fmt_value(value: Any) -> str:
    """Format a default or bound for a table cell.

    Args:
        value: A number, bool, string, list or ``None``.

    Returns:
        Compact text: thousands separators for large round numbers, ``yes``/``no`` for booleans.

    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-4):
            mantissa, exponent = f"{value:.3g}".split("e") if "e" in f"{value:.3g}" else (f"{value:.3g}", "0")
            return f"{mantissa}e{int(exponent)}"
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value) if value else "(none)"
    return str(value)


def cell(text: Any) -> str:
    """Make text safe for one Markdown table cell (escape pipes, fold newlines)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[Any]]) -> str:
    """Render a Markdown table.

    Args:
        header: Column titles.
        rows: One list of cell values per row.

    Returns:
        The table, one line per row, without a trailing newline.

    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def field_range(field: FieldInfo) -> str:
    """Allowed range of a field from its annotation and bounds, as text such as ``(1, 100]`` or ``open, kyc``."""
    args = getattr(field.annotation, "__args__", None)
    if field.annotation is bool:
        return "yes / no"
    if args and all(isinstance(a, str) for a in args):
        return " / ".join(args)
    low = high = None
    low_open = high_open = False
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "gt", None) is not None:
            low, low_open = meta.gt, True
        if getattr(meta, "le", None) is not None:
            high = meta.le
        if getattr(meta, "lt", None) is not None:
            high, high_open = meta.lt, True
    if low is None and high is None:
        return ""
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    return f"{left}{fmt_value(low) if low is not None else '−∞'}, {fmt_value(high) if high is not None else '∞'}{right}"


def field_meta(model: type[BaseModel], name: str) -> dict[str, str]:
    """Unit, source and description of a field: its own metadata first, then :data:`FALLBACK_META`."""
    field = model.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    fallback = FALLBACK_META.get(f"{model.__name__}.{name}", {})
    description = field.description or ""
    if not description or description.startswith("P per quarter"):
        description = fallback.get("description", description)
    unit = str(extra.get("unit") or fallback.get("unit", ""))
    source = str(extra.get("source") or fallback.get("source", ""))
    return {"unit": unit, "source": source, "description": description}


def field_default(field: FieldInfo) -> str:
    """Default of a field as text, or ``required`` when the field has none."""
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        return fmt_value(field.default_factory())
    return fmt_value(field.default)


def field_rows(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[list[Any]]:
    """One table row per field of a pydantic model: name, unit, default, range, description, source."""
    rows = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        meta = field_meta(model, name)
        rows.append([f"`{name}`", meta["unit"], field_default(field), field_range(field), meta["description"],
                     meta["source"]])
    return rows


# ------------------------------------------------------------------ the three blocks
def parameters_markdown() -> str:
    """The PARAMETERS block: mechanics parameters, outcome thresholds, event deck and seat-spec fields."""
    header = ["name", "unit", "default", "allowed", "what it does", "source"]
    parts = [
        "#### Mechanics parameters (`[parameters]`)",
        table(header, field_rows(Parameters)),
        "#### Outcome thresholds (`[outcome]`)",
        table(header, field_rows(Outcome)),
        "#### Events deck (`[events]`)",
        table(header, field_rows(EventDeck)),
        "#### Seat fields (`[[governments]]`, `[[labs]]`, `[[chipmakers]]`, `[[smugglers]]`, "
        "`[[overseas_clouds]]`)",
        "Every seat also has `id`, `name`, `bloc` (US / PRC), `policy` (a named policy, below) and "
        "`levers` (lever values fixed for the whole game, overriding the policy).",
    ]
    for spec in _SEAT_SPECS:
        parts.append(f"`{spec.__name__}`")
        parts.append(table(header, field_rows(spec, skip=_COMMON_SEAT_FIELDS)))
    parts.append(objectives_markdown())
    return "\n\n".join(parts)


def objectives_markdown() -> str:
    """The objective weights (``[objectives]``): one table per actor kind, then the incident severities.

    Returns:
        Markdown: a heading, one table per kind (component, weight, unit, meaning) and the severity table.

    """
    parts = [
        "#### Objectives (`[objectives]`)",
        "Each season a seat scores `sum(weight x component)` over the components of its kind "
        "(`wargame/scoring.py`; the meaning column gives each formula); its score is the running total. A "
        "scenario sets the weights under `[objectives.<kind>]`; every default is illustrative: a scenario's "
        "statement of what the seat plays for. Weights are in [0, 100]; a component that counts against the seat "
        "(incidents, spending, fines) enters with a minus sign, so its weight stays positive.",
    ]
    for kind, field in Objectives.model_fields.items():
        model = field.annotation
        if kind == "incident_severity" or not isinstance(model, type) or not issubclass(model, BaseModel):
            continue
        rows = [[f"`{name}`", fmt_value(f.default), field_meta(model, name)["unit"], f.description or ""]
                for name, f in model.model_fields.items()]
        parts.append(f"`[objectives.{kind}]`: {KIND_TITLES.get(kind, kind)}")
        parts.append(table(["component", "weight", "unit", "meaning"], rows))
    severity = Objectives.model_fields["incident_severity"].annotation
    parts.append("`[objectives.incident_severity]`: severity points of one incident by tier, used by every "
                 "`incidents` component")
    parts.append(table(["tier", "severity", "unit", "meaning"],
                       [[f"`{name}`", fmt_value(f.default), field_meta(severity, name)["unit"], f.description or ""]
                        for name, f in severity.model_fields.items()]))
    return "\n\n".join(parts)


def _static_policy_values(kind: str) -> dict[str, dict[str, Any]]:
    """Lever values of the named policies of a kind that do not depend on what the seat observes.

    A policy is static when it returns its values without reading the observation (called with ``None``);
    a policy that reads it (every ``reactive`` one, and the policies that follow the market or the rules)
    is left out.
    """
    values = {}
    for name, policy in POLICIES[kind].items():
        try:
            values[name] = policy(None)
        except (AttributeError, TypeError, KeyError):
            continue
    return values


#: Seat roles of each actor kind that change which levers are offered (other kinds: one role for all).
_ROLES: dict[str, tuple[str | None, ...]] = {
    "chipmaker": tuple(ChipmakerSpec.model_fields["role"].annotation.__args__),
}
_PLURALS = {"lab": "labs", "chipmaker": "chipmakers", "us_government": "governments",
            "prc_government": "governments", "ally_government": "allies", "smuggler": "networks",
            "overseas_cloud": "clouds"}
_EVERY = {"us_government": "the US government", "prc_government": "the PRC government",
          "ally_government": "every ally", "lab": "every lab", "chipmaker": "every chipmaker",
          "smuggler": "every smuggling network", "overseas_cloud": "every overseas cloud"}


def offered_to(kind: str, lever: str) -> str:
    """Which seats of a kind a lever is offered to, in words (:func:`wargame.decisions.offered_levers`).

    Args:
        kind: Actor kind.
        lever: Lever name.

    Returns:
        ``"every lab"`` (every seat of the kind), the blocs (``"PRC labs"``), or the roles
        (``"accelerator designer, foundry"``).

    """
    roles = _ROLES.get(kind, (None,))
    combos = [(role, bloc) for role in roles for bloc in ("US", "PRC")]
    offered = [(role, bloc) for role, bloc in combos if lever in offered_levers(kind, role, bloc)]
    if len(offered) == len(combos):
        return _EVERY.get(kind, "every seat")
    if not offered:
        return "no seat"
    if roles == (None,):
        return " and ".join(f"{bloc} {_PLURALS.get(kind, 'seats')}" for bloc in dict.fromkeys(b for _, b in offered))
    names = [str(role).replace("_", " ") for role in dict.fromkeys(r for r, _ in offered)]
    return ", ".join(names)


def levers_markdown() -> str:
    """The LEVERS block: per actor kind, its levers and its named policies.

    Each lever row gives the seats it is offered to and the values of the static policies (from
    ``lever_info()`` and :func:`offered_to`); a second table gives each policy's one-sentence description.
    """
    parts = [
        "A lever that cannot apply to a seat is not offered to it (`wargame.decisions.offered_levers`): a "
        "submitted decision that sets it is refused, and the tabletop's form does not show it. The column "
        "\"offered to\" says which seats of the kind have each lever. Policies whose values do not depend on "
        "what the seat observes are shown in extra columns; the others (`reactive`, and those that follow the "
        "market or the rules) are described below each table.",
    ]
    for kind, cls in DECISION_MODELS.items():
        policies = _static_policy_values(kind)
        header = ["lever", "unit", "default", "allowed", "offered to", "what it does"]
        header += [f"`{p}`" for p in policies]
        rows = []
        for info in cls.lever_info():
            if info["choices"]:
                allowed = " / ".join(str(c) for c in info["choices"])
            elif info["type"] == "bool":
                allowed = "yes / no"
            else:
                allowed = f"[{fmt_value(info['minimum'])}, {fmt_value(info['maximum'])}]"
            row = [f"`{info['name']}`", info["unit"], fmt_value(info["default"]), allowed,
                   offered_to(kind, info["name"]), info["description"]]
            row += [fmt_value(v.get(info["name"])) for v in policies.values()]
            rows.append(row)
        parts.append(f"#### {KIND_TITLES.get(kind, kind)} (`{cls.__name__}`)")
        parts.append(table(header, rows))
        descriptions = POLICY_DESCRIPTIONS.get(kind, {})
        parts.append(table(["policy", "values", "what it does"],
                           [[f"`{name}`", "static" if name in policies else "reads what the seat observes",
                             descriptions.get(name, "")] for name in POLICIES[kind]]))
    return "\n\n".join(parts)


_SEAT_NUMBERS = ("initial_compute_h100e", "chip_allocation_share", "base_safety_share", "base_testing_quarters",
                 "distils", "output_h100e_per_quarter", "base_volume_h100e", "capacity_h100e", "chokepoint")


def _seat_numbers(seat: BaseModel) -> dict[str, Any]:
    """The seat's quantities worth showing: set, non-trivial fields (no ``chokepoint = none``, no zero output)."""
    out = {}
    for k in _SEAT_NUMBERS:
        if k not in type(seat).model_fields:
            continue
        v = getattr(seat, k)
        if v in ("none", False) or (k == "output_h100e_per_quarter" and v == 0):
            continue
        out[k] = v
    return out


def scenarios_markdown() -> str:
    """The SCENARIOS block: each shipped scenario's seats, policies and what differs from the first one."""
    shipped = list_scenarios()
    names = [n for n in SCENARIO_ORDER if n in shipped] + [n for n in shipped if n not in SCENARIO_ORDER]
    scenarios = [load_scenario(n) for n in names]
    reference = scenarios[0]
    defaults = Parameters().model_dump()
    default_weights = Objectives().model_dump()
    parts = []
    rows = []
    for sc in scenarios:
        changed = {k: v for k, v in sc.parameters.model_dump().items() if v != defaults[k]}
        weights = {f"{kind}.{k}": v for kind, group in sc.objectives.model_dump().items()
                   for k, v in group.items() if v != default_weights[kind][k]}
        events = sc.events.model_dump()
        rows.append([f"`{sc.name}`", sc.title, f"{sc.scenario.start}–{sc.scenario.end}",
                     "; ".join(f"`{k}` = {fmt_value(v)}" for k, v in changed.items()) or "all defaults",
                     "; ".join(f"`{k}` = {fmt_value(v)}" for k, v in weights.items()) or "all defaults",
                     fmt_value([f"{e['season']} {e['event']}" for e in events["scheduled"]])])
    parts.append(table(["scenario", "title", "seasons", "parameters changed from the defaults",
                        "objective weights changed from the defaults", "scheduled injects"], rows))

    seat_ids: list[str] = []
    for sc in scenarios:
        seat_ids += [s.id for s in sc.seats() if s.id not in seat_ids]
    by_id = [{s.id: s for s in sc.seats()} for sc in scenarios]
    rows = []
    for seat_id in seat_ids:
        ref = by_id[0].get(seat_id)
        first = ref or next(b[seat_id] for b in by_id if seat_id in b)
        numbers = _seat_numbers(first)
        kind = seat_kind(first)
        if kind == "chipmaker":  # its role decides which levers it is offered
            kind += f" ({first.role.replace('_', ' ')})"
        row = [f"`{seat_id}`", first.name, kind,
               "; ".join(f"{k} = {fmt_value(v)}" for k, v in numbers.items())]
        for i, seats in enumerate(by_id):
            seat = seats.get(seat_id)
            if seat is None:
                row.append("—")
                continue
            text = f"`{seat.policy}`"
            mine = _seat_numbers(seat)
            diffs = {k: mine.get(k, "none" if k == "chokepoint" else 0)
                     for k in set(mine) | set(numbers) if i and numbers.get(k) != mine.get(k)}
            diffs = dict(sorted(diffs.items(), key=lambda kv: _SEAT_NUMBERS.index(kv[0])))
            if seat.levers:
                text += "; fixed " + ", ".join(f"{k} = {fmt_value(v)}" for k, v in seat.levers.items())
            if diffs:
                text += "; " + ", ".join(f"{k} = {fmt_value(v)}" for k, v in diffs.items())
            row.append(text)
        rows.append(row)
    header = ["seat", "name", "kind", f"quantities (`{reference.name}`)"] + [f"`{sc.name}`" for sc in scenarios]
    parts.append(table(header, rows))
    return "\n\n".join(parts)


def generate() -> dict[str, str]:
    """All generated blocks, keyed by marker name."""
    return {"PARAMETERS": parameters_markdown(), "LEVERS": levers_markdown(), "SCENARIOS": scenarios_markdown()}


# ------------------------------------------------------------------ document handling
def _pattern(block: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN GENERATED {block} -->\n)(.*?)(<!-- END GENERATED {block} -->)", re.S)


def splice(text: str, blocks: dict[str, str]) -> tuple[str, list[str]]:
    """Put generated blocks between their markers.

    Args:
        text: The document.
        blocks: Generated Markdown by block name.

    Returns:
        The updated document, and the names of blocks whose markers are missing.

    """
    missing = []
    for name, body in blocks.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            missing.append(name)
            continue
        text = pattern.sub(lambda m, body=body: m.group(1) + "\n" + body + "\n\n" + m.group(3), text, count=1)
    return text, missing


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="DOC", type=Path, help="exit 1 if DOC's generated blocks are stale")
    group.add_argument("--write", metavar="DOC", type=Path, help="update DOC's generated blocks in place")
    args = parser.parse_args(argv)
    blocks = generate()
    if args.check is None and args.write is None:
        for name, body in blocks.items():
            print(f"<!-- BEGIN GENERATED {name} -->\n\n{body}\n\n<!-- END GENERATED {name} -->\n")
        return 0
    path: Path = args.check or args.write
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"{path}: cannot read ({exc})", file=sys.stderr)
        return 2
    new, missing = splice(text, blocks)
    if missing:
        print(f"{path}: missing markers for block(s) {', '.join(missing)}; add "
              + " and ".join(f"'<!-- BEGIN GENERATED {m} -->' / '<!-- END GENERATED {m} -->'" for m in missing),
              file=sys.stderr)
        return 2
    if args.write is not None:
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"{path}: generated tables updated")
        else:
            print(f"{path}: generated tables already up to date")
        return 0
    if new != text:
        diff = difflib.unified_diff(text.splitlines(), new.splitlines(), f"{path} (as written)",
                                    f"{path} (from the code)", lineterm="", n=1)
        print("\n".join(diff))
        print(f"\n{path}: generated tables are stale; run 'python tools/parameter_table.py --write {path}'",
              file=sys.stderr)
        return 1
    print(f"{path}: generated tables match the code")
    return 0


if __name__ == "__main__":
    sys.exit(main())
