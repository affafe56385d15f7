"""Does every offered lever move something? One lever at a time, held for the whole game, over common seeds.

For each actor kind, one representative seat (:data:`PREFERRED_SEATS`; one per lab bloc, per chipmaker role
and per overseas cloud, since their offered levers or policies differ) holds one offered lever at its low end
for every season, then at its high end, on the same seeds, from a scenario (``baseline`` by default). Its
other levers follow its policy as usual (``submit_decision`` fills them each season from the policy's
proposal). The ends of each lever (:func:`lever_rows`):

* a share or intensity in [0, 1] and the money levers: the declared minimum and maximum (enforcement and
  intelligence 0 and 1,000 USD million a quarter; PRC subsidy 0 and 100 USD billion a quarter);
* yes/no levers: false and true; ``testing_quarters``: 0 and 4;
* a rule with several settings (``remote_access_rule``): each setting against the first (kyc - open,
  ban - open), one row each;
* the quantity levers with no practical bound (smuggler volume, cloud capacity): 0 and 3x the seat's base
  volume or capacity at the start (illustrative);
* a lab's compute shares (given together): the share at 0 and at 0.6, the other two sharing the rest in the
  ratio of the lab-decision defaults (training 0.55 : safety 0.10 : serving 0.35).

Each row reports, as the mean paired difference high minus low with its standard error over seeds: the final
lead (months), P(S1) and P(S2) (paired indicator differences), the mean safety share, incidents per game, the
final US adoption share and the moved seat's own final score (points). An outcome *moves* when
``|mean| > 3 SE`` (all-zero differences never move; a nonzero mean with SE 0 does). A lever is *dead* when no
outcome of any of its rows moves.

Usage::

    python tools/lever_effects.py                       # 200 seeds, 2 processes, print the table
    python tools/lever_effects.py --seeds 50 --check    # exit 1 and list the dead levers, if any
    python tools/lever_effects.py --write docs/model.md # also write the table into the document
"""

from __future__ import annotations

import argparse
import datetime
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_common import Config, make_config, mean_se, moved, replace_block, run_configs  # noqa: E402

from wargame.decisions import LabDecision, decision_model_for  # noqa: E402
from wargame.model import AIRaceModel  # noqa: E402
from wargame.scenario import load_scenario  # noqa: E402

#: Representative seat of each group, when the scenario has it; otherwise the group's first seat.
PREFERRED_SEATS = ("us_gov", "prc_gov", "nl_gov", "us_lab_b", "prc_lab_b", "us_designer", "tw_foundry",
                   "nl_toolmaker", "kr_memory", "prc_chain", "sea_network", "sea_cloud", "gulf_cloud")
LAB_SHARES = ("training_share", "safety_share", "serving_share")
#: High end of a lab share (the low end is 0); illustrative.
SHARE_HIGH = 0.6
#: Quantity levers without a practical bound, and the seat attribute their high end scales (x QUANTITY_FACTOR).
QUANTITY_BASE = {"volume_h100e": "base_volume_h100e", "capacity_offered_h100e": "base_capacity_h100e"}
QUANTITY_FACTOR = 3.0
#: Reported outcomes: (key, header, decimals).
COLUMNS = (("lead", "Δ lead (months)", 2), ("s1", "ΔP(S1)", 3), ("s2", "ΔP(S2)", 3),
           ("safety", "Δ mean safety share", 4), ("incidents", "Δ incidents", 3),
           ("adoption", "Δ adoption share", 3), ("score", "Δ own score (points)", 2))
Z = 3.0
MARKER = "LEVER EFFECTS"


@dataclass
class Row:
    """One contrast of one lever: the seat holds ``low`` and then ``high`` every season."""

    kind: str
    seat: str
    lever: str
    low_label: str
    high_label: str
    low: dict[str, Any]
    high: dict[str, Any]


def group_key(actor) -> tuple[str, ...]:
    """The group a seat is analysed in: labs by bloc, chipmakers by role, each overseas cloud on its own.

    Seats whose offered levers, roles or policies differ get their own row set; other kinds form one group.
    """
    if actor.kind == "lab":
        return (actor.kind, actor.bloc)
    if actor.kind == "chipmaker":
        return (actor.kind, actor.role)
    if actor.kind == "overseas_cloud":
        return (actor.kind, actor.seat)
    return (actor.kind,)


def representative_seats(model: AIRaceModel) -> list:
    """One actor per group (:func:`group_key`), preferring :data:`PREFERRED_SEATS`, in seat order."""
    groups: dict[tuple[str, ...], list] = {}
    for actor in model.seats():
        groups.setdefault(group_key(actor), []).append(actor)
    chosen = []
    for members in groups.values():
        preferred = [a for a in members if a.seat in PREFERRED_SEATS]
        chosen.append(preferred[0] if preferred else members[0])
    return chosen


def _share_split(lever: str, value: float) -> dict[str, float]:
    """The three lab shares with ``lever`` at ``value`` and the rest split in the default ratio."""
    defaults = {name: LabDecision.model_fields[name].default for name in LAB_SHARES}
    others = [n for n in LAB_SHARES if n != lever]
    total = sum(defaults[n] for n in others)
    split = {n: (1.0 - value) * defaults[n] / total for n in others}
    split[lever] = value
    return split


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def lever_rows(actor) -> list[Row]:
    """The contrasts analysed for every lever offered to a seat (see the module docstring).

    Args:
        actor: The representative seat.

    Returns:
        One row per contrast (two for a three-way rule).

    """
    info = {i["name"]: i for i in decision_model_for(actor.kind).lever_info()}
    rows = []
    for lever in actor.levers:
        i = info[lever]
        if actor.kind == "lab" and lever in LAB_SHARES:
            lo, hi = _share_split(lever, 0.0), _share_split(lever, SHARE_HIGH)
            rows.append(Row(actor.kind, actor.seat, lever, "0", _fmt(SHARE_HIGH), lo, hi))
        elif i["type"] == "bool":
            rows.append(Row(actor.kind, actor.seat, lever, "false", "true", {lever: False}, {lever: True}))
        elif i["choices"]:
            first = i["choices"][0]
            for other in i["choices"][1:]:
                rows.append(Row(actor.kind, actor.seat, lever, first, other, {lever: first}, {lever: other}))
        elif lever in QUANTITY_BASE:
            high = QUANTITY_FACTOR * float(getattr(actor, QUANTITY_BASE[lever]))
            rows.append(Row(actor.kind, actor.seat, lever, "0", f"{high:,.0f}", {lever: 0.0}, {lever: high}))
        else:
            if i["minimum"] is None or i["maximum"] is None:
                raise ValueError(f"{actor.kind}.{lever}: no range to move across; add it to QUANTITY_BASE")
            lo, hi = i["minimum"], i["maximum"]
            if i["type"] == "float":
                lo, hi = float(lo), float(hi)
            rows.append(Row(actor.kind, actor.seat, lever, _fmt(lo), _fmt(hi), {lever: lo}, {lever: hi}))
    return rows


def build_rows(scenario: str) -> list[Row]:
    """Every contrast of every lever offered to every representative seat of a scenario."""
    model = AIRaceModel(load_scenario(scenario), seed=0)
    rows: list[Row] = []
    for actor in representative_seats(model):
        rows.extend(lever_rows(actor))
    return rows


def analyse(scenario: str, seeds: list[int], jobs: int) -> tuple[list[dict[str, Any]], int, float]:
    """Run both ends of every row on common seeds and compute the paired differences.

    Args:
        scenario: Scenario name or path.
        seeds: Common seeds.
        jobs: Processes.

    Returns:
        ``(results, runs, seconds)``: one dict per row with ``row``, per outcome ``(mean, se)`` of the paired
        difference high minus low, and ``moved`` (outcomes with ``|mean| > 3 SE``); the number of model runs;
        the wall-clock time, seconds.

    """
    rows = build_rows(scenario)
    index: dict[Config, int] = {}
    pairs = []
    for row in rows:
        ends = []
        for levers in (row.low, row.high):
            config = make_config(scenario, fixed={row.seat: levers}, scored=[row.seat])
            ends.append(index.setdefault(config, len(index)))
        pairs.append(ends)
    configs = list(index)
    runs, seconds = run_configs(configs, seeds, jobs)
    results = []
    for row, (lo, hi) in zip(rows, pairs, strict=True):
        entry: dict[str, Any] = {"row": row, "moved": []}
        for key, _, _ in COLUMNS:
            if key == "score":
                diffs = [h.scores[row.seat] - low.scores[row.seat] for low, h in zip(runs[lo], runs[hi], strict=True)]
            else:
                diffs = [h.outcomes[key] - low.outcomes[key] for low, h in zip(runs[lo], runs[hi], strict=True)]
            entry[key] = mean_se(diffs)
            if moved(diffs, Z):
                entry["moved"].append(key)
        results.append(entry)
    return results, len(configs) * len(seeds), seconds


def dead_levers(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Levers none of whose rows moves any outcome by more than 3 SE, as ``(kind, seat, lever)``."""
    moved_any: dict[tuple[str, str, str], bool] = {}
    for entry in results:
        row = entry["row"]
        key = (row.kind, row.seat, row.lever)
        moved_any[key] = moved_any.get(key, False) or bool(entry["moved"])
    return [key for key, ok in moved_any.items() if not ok]


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The table: one row per (kind, lever) contrast, cells ``mean ± SE`` of high minus low."""
    header = ["kind", "seat", "lever", "low → high"] + [h for _, h, _ in COLUMNS] + ["moved > 3 SE"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for entry in results:
        row = entry["row"]
        cells = [row.kind, f"`{row.seat}`", f"`{row.lever}`", f"{row.low_label} → {row.high_label}"]
        for key, _, digits in COLUMNS:
            mean, se = entry[key]
            cells.append(f"{mean:+.{digits}f} ± {se:.{digits}f}")
        cells.append(", ".join(entry["moved"]) if entry["moved"] else "**none**")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(dead: list[tuple[str, str, str]]) -> str:
    """One line saying whether every offered lever moves an outcome."""
    if not dead:
        return f"CHECK PASS: every offered lever moves at least one outcome by more than {Z:g} SE."
    names = ", ".join(f"{kind}.{lever} ({seat})" for kind, seat, lever in dead)
    return f"CHECK FAIL: {len(dead)} dead lever(s) (no outcome moved by more than {Z:g} SE): {names}"


def document_block(table: str, dead: list[tuple[str, str, str]], command: str, scenario: str, n_seeds: int,
                   first_seed: int) -> str:
    """The Markdown written between the document markers."""
    today = datetime.date.today().isoformat()
    return (f"Generated by `{command}` on {today}: scenario `{scenario}`, {n_seeds} common seeds "
            f"({first_seed}–{first_seed + n_seeds - 1}). Each row holds one lever of one representative seat at "
            f"its low and then its high end for every season (other levers follow the seat's policy); cells are "
            f"the mean paired difference high − low ± its standard error over seeds (P(S1), P(S2): paired "
            f"indicator differences). Lab shares: the named share at 0 and {SHARE_HIGH:g}, the other two in the "
            f"default ratio 0.55 : 0.10 : 0.35; smuggler volume and cloud capacity: 0 and {QUANTITY_FACTOR:g}× the "
            f"seat's base. \"moved\" lists the outcomes with |mean| > {Z:g} SE.\n\n"
            f"{table}\n\n{verdict(dead)}\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 with ``--check`` if a lever is dead)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=200, help="number of common seeds (default 200)")
    parser.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--scenario", default="baseline", help="scenario name or path (default baseline)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any offered lever is dead")
    parser.add_argument("--write", type=Path, metavar="DOC", help="write the table into DOC between the markers")
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be at least 2 (standard errors need two seeds)")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results, n_runs, seconds = analyse(args.scenario, seeds, args.jobs)
    table = markdown_table(results)
    dead = dead_levers(results)
    print(table)
    print()
    print(f"{len(results)} rows, {n_runs} model runs on {args.seeds} common seeds in {seconds:.1f} s "
          f"with {args.jobs} process(es) ({1000 * seconds * args.jobs / max(1, n_runs):.1f} ms per run-process).")
    print(verdict(dead))
    if args.write:
        command = f"python tools/lever_effects.py --seeds {args.seeds} --write {args.write}"
        if args.scenario != "baseline":
            command += f" --scenario {args.scenario}"
        replace_block(args.write, MARKER, document_block(table, dead, command, args.scenario, args.seeds,
                                                         args.first_seed))
        print(f"wrote the table into {args.write}")
    return 1 if args.check and dead else 0


if __name__ == "__main__":
    sys.exit(main())
