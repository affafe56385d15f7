"""Is there a dominant strategy? Constant strategies and named policies against every named opponent policy.

For the US and the PRC government, a grid of constant strategies (every offered lever held at one setting
for every season; the levels are in :data:`US_GRID` and :data:`PRC_GRID`, levers not in the grid stay at
their decision defaults) plus every named policy of the seat (``POLICIES[kind]``) is played against each
named policy of the other government (set with the scenario override
``governments.<opponent>.policy``), on common seeds from ``baseline``. Each strategy is scored on the seat's
own final score (points) and its components. When the full grid is larger than ``--max-strategies``, the
all-lowest and all-highest corners are kept and the rest is a deterministic random sample
(``numpy.random.default_rng(SAMPLE_SEED)``).

For labs, one US and one PRC lab (``us_lab_b``, ``prc_lab_b``) play a grid of constant compute splits and
testing times (:data:`LAB_GRID`: safety share 0-0.3, serving share, the rest training; the lab's other levers
follow its policy) and its named policies, against the scenario's default seats.

Acceptance checks (``--check`` exits 1 if one fails):

a. no constant strategy weakly dominates all others (>= on the mean of every score component and > on one,
   against every other strategy, named policies included), for any opponent policy;
b. the best response (highest mean own score) differs across at least two opponent policies, for each
   government;
c. for each lab, the best constant strategy on the lab's own score does not have safety share 0.

Usage::

    python tools/strategy_matrix.py --seeds 200                  # print the results
    python tools/strategy_matrix.py --seeds 100 --check          # exit 1 if an acceptance check fails
    python tools/strategy_matrix.py --write docs/model.md        # write the compact matrix into the document
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_common import make_config, mean_se, replace_block, run_configs  # noqa: E402

from wargame.decisions import decision_model_for  # noqa: E402
from wargame.policies import PLANNER, POLICIES  # noqa: E402
from wargame.scenario import load_scenario  # noqa: E402
from wargame.scoring import COMPONENTS  # noqa: E402

#: Seed of the deterministic sample of a grid larger than ``--max-strategies``.
SAMPLE_SEED = 20260
#: Levels of the US grid, lowest (loosest) first: (short name, lever settings) per level. Illustrative levels.
US_GRID: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "sales": [("0.5", {"chip_threshold_h100e": 0.5, "licences_downgraded": True}),
              ("0.15", {"chip_threshold_h100e": 0.15, "licences_downgraded": True}),
              ("ban", {"chip_threshold_h100e": 0.0, "licences_downgraded": False})],
    "enf": [(str(v), {"enforcement_budget_musd": float(v)}) for v in (0, 100, 400)],
    "remote": [(r, {"remote_access_rule": r}) for r in ("open", "kyc", "ban")],
    "ally": [(str(v), {"ally_pressure": v}) for v in (0.1, 0.9)],
    "anti": [(str(v), {"anti_distillation": v}) for v in (0.1, 0.9)],
    "promo": [(str(v), {"export_promotion": v}) for v in (0.2, 0.8)],
    "dial": [(str(v), {"safety_dialogue": v}) for v in (0.0, 0.5)],
}
#: Levels of the PRC grid, lowest first. Illustrative levels.
PRC_GRID: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "subsidy": [(str(v), {"domestic_subsidy_busd": float(v)}) for v in (0, 5, 20, 60)],
    "buydom": [(str(v), {"buy_domestic": v}) for v in (0.1, 0.5, 0.9)],
    "tol": [(str(v), {"smuggling_tolerance": v}) for v in (0.2, 1.0)],
    "retal": [(str(v), {"retaliation": v}) for v in (0.0, 0.5)],
    "push": [(str(v), {"open_weights_push": v}) for v in (0.2, 0.8)],
    "dial": [(str(v), {"safety_dialogue": v}) for v in (0.0, 0.5)],
}
GRIDS = {"us_government": US_GRID, "prc_government": PRC_GRID}
#: Lab grid: safety share, serving share (training takes the rest) and testing quarters. Illustrative levels.
LAB_GRID = {"safety": (0.0, 0.05, 0.1, 0.2, 0.3), "serving": (0.15, 0.3, 0.45), "testing": (0, 1, 2)}
PREFERRED_LABS = {"US": "us_lab_b", "PRC": "prc_lab_b"}
TOP = 5
MARKER = "STRATEGY MATRIX"


@dataclass
class Strategy:
    """A strategy of a seat: a named policy (``policy`` set) or constant levers (``levers`` set)."""

    name: str
    description: str
    levers: dict[str, Any] | None = None
    policy: str | None = None
    safety: float | None = None  # labs' constant strategies: the safety share held


@dataclass
class Cell:
    """Results of one strategy against one opponent: per-seed own scores and mean components."""

    scores: np.ndarray
    components: dict[str, float] = field(default_factory=dict)

    @property
    def mean_se(self) -> tuple[float, float]:
        """Mean own score and its standard error, points."""
        return mean_se(self.scores)


def sample_indices(n: int, k: int, keep: list[int]) -> list[int]:
    """Indices of a deterministic sample of ``k`` of ``n`` grid points that always contains ``keep``.

    Args:
        n: Grid size.
        k: Sample size (all ``n`` if ``k >= n``).
        keep: Indices always kept (corners).

    Returns:
        Sorted indices.

    """
    if k >= n:
        return list(range(n))
    keep = sorted(set(keep))[:k]
    rest = [i for i in range(n) if i not in keep]
    rng = np.random.default_rng(SAMPLE_SEED)
    chosen = rng.choice(len(rest), size=k - len(keep), replace=False)
    return sorted(keep + [rest[i] for i in chosen])


def government_strategies(kind: str, max_strategies: int) -> list[Strategy]:
    """Constant strategies of a government (sampled grid) followed by its named policies.

    Args:
        kind: ``"us_government"`` or ``"prc_government"``.
        max_strategies: Largest number of constant strategies.

    Returns:
        The strategies; constant ones are named ``c001``... in grid order.

    """
    grid = GRIDS[kind]
    defaults = decision_model_for(kind)().model_dump()
    # The last dimension (safety dialogue, whose value depends on whether the other side talks) is crossed
    # with every sampled setting of the others, so each sampled setting is seen with and without it.
    *head, last = grid.values()
    head_combos = list(itertools.product(*head))
    per = max(1, max_strategies // len(last))
    picked_head = sample_indices(len(head_combos), per, [0, len(head_combos) - 1])
    combos = [(*head_combos[i], level) for i in picked_head for level in last]
    out = []
    for number, combo in enumerate(combos, start=1):
        levers = dict(defaults)
        parts = []
        for key, (label, settings) in zip(grid, combo, strict=True):
            levers.update(settings)
            parts.append(f"{key}={label}")
        out.append(Strategy(f"c{number:03d}", " ".join(parts), levers=levers))
    out += [Strategy(name, f"named policy '{name}'", policy=name) for name in named_policies(kind)]
    return out


def named_policies(kind: str) -> list[str]:
    """The kind's named policies, without the planner.

    The planner looks ahead by playing games itself (about 1 s a game); tools/planner_matrix.py compares it
    with these policies (docs/model.md §7.19).
    """
    return [name for name in POLICIES[kind] if name != PLANNER]


def lab_strategies(max_strategies: int) -> list[Strategy]:
    """Constant lab strategies (compute split and testing, sampled if needed) followed by the named lab policies.

    The all-training corner (safety 0, serving 0.15, testing 0) and a middle point (safety 0.1, serving 0.3,
    testing 1) are always kept, so a sample holds safety 0 and safety > 0.
    """
    combos = list(itertools.product(*LAB_GRID.values()))
    keep = [combos.index((0.0, 0.15, 0)), combos.index((0.1, 0.3, 1))]
    out = []
    for number, index in enumerate(sample_indices(len(combos), max_strategies, keep), start=1):
        safety, serving, testing = combos[index]
        levers = {"safety_share": safety, "serving_share": serving,
                  "training_share": round(1.0 - safety - serving, 10), "testing_quarters": testing}
        out.append(Strategy(f"L{number:02d}", f"train={levers['training_share']:g} safety={safety:g} "
                            f"serve={serving:g} test={testing}", levers=levers, safety=safety))
    out += [Strategy(name, f"named policy '{name}'", policy=name) for name in named_policies("lab")]
    return out


def _seat_overrides_key(kind: str) -> str:
    return "labs" if kind == "lab" else "governments"


def seats_of(scenario: str) -> dict[str, str]:
    """Seat ids of the US and PRC governments and of the two analysed labs (``{"us_government": ..., ...}``)."""
    spec = load_scenario(scenario)
    out = {}
    for g in spec.governments:
        if g.role in ("us", "prc"):
            out[f"{g.role}_government"] = g.id
    for bloc in ("US", "PRC"):
        labs = [lab.id for lab in spec.labs if lab.bloc == bloc]
        out[f"lab_{bloc}"] = PREFERRED_LABS[bloc] if PREFERRED_LABS[bloc] in labs else labs[0]
    return out


def _config(scenario: str, seat_kind: str, seat: str, strategy: Strategy, overrides: dict[str, Any]):
    overrides = dict(overrides)
    fixed = None
    if strategy.policy is not None:
        overrides[f"{_seat_overrides_key(seat_kind)}.{seat}.policy"] = strategy.policy
    else:
        fixed = {seat: strategy.levers}
    return make_config(scenario, overrides=overrides, fixed=fixed, scored=[seat])


@dataclass
class Analysis:
    """Everything one run of the tool measured."""

    seeds: list[int]
    seats: dict[str, str]
    strategies: dict[str, list[Strategy]]
    #: ``cells[group][opponent][strategy name]``; group is a government kind or ``lab_US`` / ``lab_PRC``;
    #: labs have the single opponent ``"default"``.
    cells: dict[str, dict[str, dict[str, Cell]]]
    runs: int
    seconds: float


def analyse(scenario: str, seeds: list[int], jobs: int, max_strategies: int) -> Analysis:
    """Play every strategy against every opponent policy on common seeds.

    Args:
        scenario: Scenario name or path.
        seeds: Common seeds.
        jobs: Processes.
        max_strategies: Largest number of constant strategies per seat.

    Returns:
        The :class:`Analysis`.

    """
    seats = seats_of(scenario)
    plan = []  # (group, opponent, strategy name, config)
    strategies: dict[str, list[Strategy]] = {}
    for kind, other in (("us_government", "prc_government"), ("prc_government", "us_government")):
        strategies[kind] = government_strategies(kind, max_strategies)
        for opponent in named_policies(other):
            overrides = {f"governments.{seats[other]}.policy": opponent}
            for s in strategies[kind]:
                plan.append((kind, opponent, s.name, _config(scenario, kind, seats[kind], s, overrides)))
    for bloc in ("US", "PRC"):
        group = f"lab_{bloc}"
        strategies[group] = lab_strategies(max_strategies)
        for s in strategies[group]:
            plan.append((group, "default", s.name, _config(scenario, "lab", seats[group], s, {})))
    results, seconds = run_configs([p[3] for p in plan], seeds, jobs)
    cells: dict[str, dict[str, dict[str, Cell]]] = {}
    for (group, opponent, name, config), runs in zip(plan, results, strict=True):
        seat = config.scored[0]
        kind = "lab" if group.startswith("lab_") else group
        comps = {c: float(np.mean([r.components[seat][c] for r in runs])) for c in COMPONENTS[kind]}
        cells.setdefault(group, {}).setdefault(opponent, {})[name] = Cell(
            np.array([r.scores[seat] for r in runs]), comps)
    return Analysis(seeds, seats, strategies, cells, len(plan) * len(seeds), seconds)


def ranking(column: dict[str, Cell]) -> list[str]:
    """Strategy names by mean own score, best first."""
    return sorted(column, key=lambda name: -column[name].scores.mean())


def best_set(column: dict[str, Cell], names: list[str] | None = None) -> list[str]:
    """The best strategy and every strategy tied with it exactly (the same own score on every seed).

    Exact ties arise when a strategy differs from the best only in levers that have no effect against this
    opponent (for example smuggling tolerance when enforcement makes smuggling unprofitable).

    Args:
        column: Results against one opponent.
        names: Strategies to consider (default: all), in any order.

    Returns:
        Names, best first.

    """
    order = [n for n in ranking(column) if names is None or n in names]
    top = column[order[0]].scores
    return [n for n in order if np.array_equal(column[n].scores, top)]


def dominators(column: dict[str, Cell], strategies: list[Strategy]) -> list[str]:
    """Constant strategies that weakly dominate every other strategy on the mean score components.

    Weak dominance of ``s`` over ``t``: ``s >= t`` on every component and ``s > t`` on at least one.
    """
    names = list(column)
    comps = {n: np.array(list(column[n].components.values())) for n in names}
    constant = {s.name for s in strategies if s.levers is not None}
    out = []
    for s in names:
        if s not in constant:
            continue
        if all(np.all(comps[s] >= comps[t]) and np.any(comps[s] > comps[t]) for t in names if t != s):
            out.append(s)
    return out


def pareto_size(column: dict[str, Cell]) -> int:
    """Number of strategies that no other strategy weakly dominates on the mean components."""
    comps = {n: np.array(list(c.components.values())) for n, c in column.items()}
    return sum(1 for s in comps if not any(np.all(comps[t] >= comps[s]) and np.any(comps[t] > comps[s])
                                           for t in comps if t != s))


def paired_gap(a: Cell, b: Cell) -> tuple[float, float]:
    """Mean and SE of the paired per-seed score difference ``a - b``, points."""
    return mean_se(a.scores - b.scores)


@dataclass
class Checks:
    """Acceptance results: per check a pass flag and lines of explanation."""

    results: dict[str, tuple[bool, list[str]]]

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(ok for ok, _ in self.results.values())


def run_checks(a: Analysis) -> Checks:
    """Evaluate acceptance checks (a), (b) and (c) on an analysis."""
    lines_a, ok_a = [], True
    lines_b, ok_b = [], True
    for kind in ("us_government", "prc_government"):
        best: dict[str, list[str]] = {}
        for opponent, column in a.cells[kind].items():
            doms = dominators(column, a.strategies[kind])
            if doms:
                ok_a = False
            lines_a.append(f"{kind} vs {opponent}: "
                           + (f"DOMINANT {', '.join(doms)}" if doms else "no dominant constant strategy")
                           + f" (Pareto front: {pareto_size(column)} of {len(column)} strategies)")
            best[opponent] = best_set(column)
            runner = next((n for n in ranking(column) if n not in best[opponent]), None)
            tied = f", tied exactly with {', '.join(best[opponent][1:])}" if len(best[opponent]) > 1 else ""
            margin = ""
            if runner is not None:
                gap = paired_gap(column[best[opponent][0]], column[runner])
                margin = f" (margin over {runner}: {gap[0]:+.2f} ± {gap[1]:.2f} points)"
            lines_b.append(f"{kind} vs {opponent}: best response {best[opponent][0]}{tied}{margin}")
        # The best response differs when two opponent policies have no best strategy in common. It differs
        # significantly when no best response is a common one within noise: each opponent's best response is
        # beaten by more than 3 paired standard errors against some other opponent.
        differs = any(not set(best[o1]) & set(best[o2]) for o1, o2 in itertools.combinations(best, 2))
        if not differs:
            ok_b = False
        beaten = dict.fromkeys(dict.fromkeys(v[0] for v in best.values()), False)
        for opponent, column in a.cells[kind].items():
            for other in beaten:
                if other in best[opponent]:
                    continue
                gap = paired_gap(column[best[opponent][0]], column[other])
                beaten[other] = beaten[other] or gap[0] > 3.0 * gap[1]
                lines_b.append(f"{kind} vs {opponent}: {best[opponent][0]} beats {other} (a best response to "
                               f"another opponent) by {gap[0]:+.2f} ± {gap[1]:.2f} points")
        significant = differs and all(beaten.values())
        distinct = len({tuple(v) for v in best.values()})
        lines_b.append(f"{kind}: {distinct} distinct best response(s) across {len(best)} opponent policies; "
                       + (f"at least two opponent policies have different best responses (significant at 3 SE: "
                          f"{'yes' if significant else 'no'})" if differs
                          else "every pair of opponent policies shares a best response"))
    lines_c, ok_c = [], True
    for bloc in ("US", "PRC"):
        group = f"lab_{bloc}"
        column = a.cells[group]["default"]
        constant = {s.name: s for s in a.strategies[group] if s.levers is not None}
        order = [n for n in ranking(column) if n in constant]
        tops = best_set(column, list(constant))
        best = constant[tops[0]]
        zero = [n for n in order if constant[n].safety == 0.0]
        if any(constant[n].safety == 0.0 for n in tops):
            ok_c = False
        line = (f"{a.seats[group]}: best constant strategy {best.name} ({best.description}), "
                f"{column[best.name].scores.mean():.2f} points")
        if zero and zero[0] != best.name:
            gap = paired_gap(column[best.name], column[zero[0]])
            line += f"; best with safety 0: {zero[0]} ({constant[zero[0]].description}), {gap[0]:+.2f} ± " \
                    f"{gap[1]:.2f} points behind"
        safe = [n for n in order if constant[n].safety > 0.0]
        if best.safety == 0.0 and safe:
            gap = paired_gap(column[best.name], column[safe[0]])
            line += f"; best with safety > 0: {safe[0]} ({constant[safe[0]].description}), {gap[0]:+.2f} ± " \
                    f"{gap[1]:.2f} points behind"
        lines_c.append(line)
    return Checks({"(a) no weakly dominant constant strategy": (ok_a, lines_a),
                   "(b) best response differs across opponent policies": (ok_b, lines_b),
                   "(c) safety 0 is not a lab's best strategy": (ok_c, lines_c)})


def _strategy(a: Analysis, group: str, name: str) -> Strategy:
    return next(s for s in a.strategies[group] if s.name == name)


def report(a: Analysis, checks: Checks) -> str:
    """The printed report: per seat and opponent, the best response, the top strategies, the named policies."""
    out = []
    for group, column_set in a.cells.items():
        seat = a.seats[group]
        n_const = sum(1 for s in a.strategies[group] if s.levers is not None)
        out.append(f"== {group} ({seat}): {n_const} constant strategies + "
                   f"{len(a.strategies[group]) - n_const} named policies, own score in points over "
                   f"{len(a.seeds)} seeds ==")
        for opponent, column in column_set.items():
            order = ranking(column)
            best = column[order[0]].mean_se
            ties = best_set(column)[1:]
            out.append(f"-- vs {opponent}: best response {order[0]} "
                       f"({_strategy(a, group, order[0]).description}): {best[0]:.2f} ± {best[1]:.2f}"
                       + (f" (tied exactly with {', '.join(ties)})" if ties else ""))
            out.append("   components of the best response (mean points): " + ", ".join(
                f"{c}={v:+.2f}" for c, v in column[order[0]].components.items()))
            for rank, name in enumerate(order[:TOP], start=1):
                m, se = column[name].mean_se
                out.append(f"   {rank}. {name:<11} {m:9.2f} ± {se:5.2f}  {_strategy(a, group, name).description}")
            for s in a.strategies[group]:
                if s.policy is not None:
                    m, se = column[s.name].mean_se
                    out.append(f"   named {s.name:<11} {m:9.2f} ± {se:5.2f}  (rank {order.index(s.name) + 1} of "
                               f"{len(order)})")
        out.append("")
    out.append("Acceptance checks:")
    for title, (ok, lines) in checks.results.items():
        out.append(f"{'PASS' if ok else 'FAIL'} {title}")
        out.extend(f"    {line}" for line in lines)
    out.append("CHECK PASS: every acceptance check holds." if checks.passed
               else "CHECK FAIL: " + "; ".join(t for t, (ok, _) in checks.results.items() if not ok))
    return "\n".join(out)


def markdown(a: Analysis, checks: Checks, command: str, scenario: str) -> str:
    """The compact matrices and the check results, for the document."""
    today = datetime.date.today().isoformat()
    parts = [f"Generated by `{command}` on {today}: scenario `{scenario}`, {len(a.seeds)} common seeds "
             f"({a.seeds[0]}–{a.seeds[-1]}). Cells are the seat's mean own final score (points); **bold** is the "
             f"best response in the column. Rows: the top 3 strategies against each opponent policy and every "
             f"named policy. Constant strategies hold every lever all game (levers outside the grid at their "
             f"defaults); the grid's levels are in `tools/strategy_matrix.py`."]
    for group, column_set in a.cells.items():
        opponents = list(column_set)
        rows: list[str] = []
        for opponent in opponents:
            for name in ranking(column_set[opponent])[:3]:
                if name not in rows:
                    rows.append(name)
        rows += [s.name for s in a.strategies[group] if s.policy is not None and s.name not in rows]
        n_const = sum(1 for s in a.strategies[group] if s.levers is not None)
        title = ("labs" if group.startswith("lab_") else "government")
        parts.append(f"**{group}** (`{a.seats[group]}`, {title}; {n_const} constant strategies + "
                     f"{len(a.strategies[group]) - n_const} named policies; columns: opponent "
                     f"{'policy' if not group.startswith('lab_') else 'seats (scenario defaults)'})")
        header = ["strategy", "settings"] + [f"vs {o}" for o in opponents]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        best = {o: ranking(column_set[o])[0] for o in opponents}
        for name in rows:
            cells = [f"`{name}`", _strategy(a, group, name).description]
            for o in opponents:
                value = f"{column_set[o][name].scores.mean():.1f}"
                cells.append(f"**{value}**" if best[o] == name else value)
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    check_lines = ["Acceptance checks:", ""]
    for title, (ok, lines) in checks.results.items():
        check_lines.append(f"- {'PASS' if ok else '**FAIL**'} {title}:")
        check_lines.extend(f"  - {line}" for line in lines)
    parts.append("\n".join(check_lines))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 with ``--check`` if an acceptance check fails)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=200, help="number of common seeds (default 200)")
    parser.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--max-strategies", type=int, default=120,
                        help="largest number of constant strategies per seat (default 120)")
    parser.add_argument("--scenario", default="baseline", help="scenario name or path (default baseline)")
    parser.add_argument("--check", action="store_true", help="exit 1 if an acceptance check fails")
    parser.add_argument("--write", type=Path, metavar="DOC", help="write the matrix into DOC between the markers")
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be at least 2 (standard errors need two seeds)")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.max_strategies < 2:
        parser.error("--max-strategies must be at least 2")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    analysis = analyse(args.scenario, seeds, args.jobs, args.max_strategies)
    checks = run_checks(analysis)
    print(report(analysis, checks))
    print(f"{analysis.runs} model runs on {args.seeds} common seeds in {analysis.seconds:.1f} s with {args.jobs} "
          f"process(es) ({1000 * analysis.seconds * args.jobs / max(1, analysis.runs):.1f} ms per run-process).")
    if args.max_strategies < 100:
        print(f"note: {args.max_strategies} constant strategies per seat; the acceptance grid needs at least 100.")
    if args.write:
        command = f"python tools/strategy_matrix.py --seeds {args.seeds} --max-strategies {args.max_strategies} " \
                  f"--write {args.write}"
        replace_block(args.write, MARKER, markdown(analysis, checks, command, args.scenario))
        print(f"wrote the matrix into {args.write}")
    return 1 if args.check and not checks.passed else 0


if __name__ == "__main__":
    sys.exit(main())
