"""Calibration table of docs/model.md §9: the PARAMETERS.md targets and the pace targets, over many seeds.

Usage::

    .venv/bin/python tools/calibration.py                       # print the table (200 seeds per scenario)
    .venv/bin/python tools/calibration.py --write docs/model.md # also replace the generated block in §9

The block between ``<!-- BEGIN GENERATED CALIBRATION -->`` and ``<!-- END GENERATED CALIBRATION -->`` is
replaced; nothing else in the file changes. The calibration tests (``tests/test_calibration.py``,
``tests/test_pace.py``) are the guard; this table is the record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIOS = ("baseline", "tight_controls", "loopholes")
BEGIN, END = "<!-- BEGIN GENERATED CALIBRATION -->", "<!-- END GENERATED CALIBRATION -->"


def measure(job: tuple[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Calibration figures of a scenario's runs on some seeds, played as one ensemble (run r is seed r's game).

    Args:
        job: ``(scenario name, seeds)``, seeds of shape (R,).

    Returns:
        Per figure an array of shape (R,), one entry per seed: start and final lead (months), outcome flags
        (0/1), mean safety share and race pressure, final compute ratio, US adoption share, cumulative incident
        probability, major+ incidents (count), final enmity, growth per year of the largest US and PRC runs
        (x/yr), domestic-chain over US-designer output in 2026 and 2027 (shares), and simulated frontier growth
        over ``frontier_effective_compute_growth_per_year`` (ratio).

    """
    from wargame.ensemble.lanes import per_run
    from wargame.model import AIRaceModel

    name, seeds = job
    model = AIRaceModel(name, seeds=list(seeds), record_seasons=True).run_to_end()
    r = model.n_runs
    if model.datacollector is not None:  # one seed: a single game keeps its data collector
        mv = model.datacollector.model_vars
        seasons = list(mv["season"])

        def column(key: str) -> np.ndarray:
            return np.asarray(mv[key], dtype=float)[:, None]
    else:
        seasons = [record["season"] for record in model.season_records]

        def column(key: str) -> np.ndarray:
            return np.stack([record[key] for record in model.season_records]).astype(float)

    s = {k: per_run(v, r) for k, v in model.summary().items()}
    years = (len(seasons) - 2) / 4.0  # first season played to the last
    g = model.params.frontier_effective_compute_growth_per_year
    ratio = column("prc_domestic_output_h100e") / column("us_designer_output_h100e")  # (seasons, R)
    in_2026 = np.array([q.startswith("2026") for q in seasons])[:, None] & (ratio > 0)
    in_2027 = np.broadcast_to(np.array([q.startswith("2027") for q in seasons])[:, None], ratio.shape)
    us_run, prc_run, capability = (column(k) for k in ("us_largest_run_h100e", "prc_largest_run_h100e",
                                                       "us_frontier_capability"))
    return {
        "start": per_run(model.initial_lead_months, r), "final": s["final_lead_months"],
        "s1": (s["outcome"] == "S1").astype(float), "s2": (s["outcome"] == "S2").astype(float),
        "safety": s["mean_safety_share"], "pressure": s["mean_race_pressure"], "ratio": s["compute_ratio"],
        "adoption": s["adoption_share_us"], "p_incident": s["cumulative_incident_probability"],
        "majors": s["major_incidents"], "enmity": s["final_enmity"],
        "us_run": (us_run[-1] / us_run[1]) ** (1 / years),
        "prc_run": (prc_run[-1] / prc_run[1]) ** (1 / years),
        "dom26": np.where(in_2026, ratio, 0.0).sum(axis=0) / in_2026.sum(axis=0),
        "dom27": np.where(in_2027, ratio, 0.0).sum(axis=0) / in_2027.sum(axis=0),
        "pace": np.exp((capability[-1] - capability[1]) / years) / g,
    }


def table(seeds: int, jobs: int) -> str:
    """Run every scenario over ``seeds`` seeds and return the markdown block.

    Each scenario plays its seeds as one ensemble (single games, one per seed, if a seat plays the planner,
    which an ensemble would replace by its fallback); the scenarios are spread over ``jobs`` processes.
    """
    from wargame.policies import PLANNER
    from wargame.scenario import load_scenario

    tasks = []
    for name in SCENARIOS:
        planner = any(seat.policy == PLANNER for seat in load_scenario(name).seats())
        tasks += [(name, (s,)) for s in range(seeds)] if planner else [(name, tuple(range(seeds)))]
    if jobs <= 1:
        parts = [measure(task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(measure, tasks))
    rows = {name: {k: np.concatenate([part[k] for (n, _), part in zip(tasks, parts, strict=True) if n == name])
                   for k in parts[0]} for name in SCENARIOS}
    out = [f"Measured with `.venv/bin/python tools/calibration.py --seeds {seeds}` on {dt.date.today()} "
           f"(seeds 0..{seeds - 1} per scenario, default parameters). Ranges are 5–95% over seeds.", "",
           "| scenario | start lead, median (5–95%) | 2028Q4 lead, median (5–95%) | P(S1) | P(S2) | mean safety "
           "share | mean race pressure | 2028Q4 compute ratio, median | US adoption 2028Q4, mean | "
           "P(≥1 incident), mean | major+ incidents per run | enmity 2028Q4, mean |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        s5, s95 = np.percentile(r["start"], [5, 95])
        f5, f95 = np.percentile(r["final"], [5, 95])
        out.append(f"| `{name}` | {np.median(r['start']):.1f} ({s5:.1f}–{s95:.1f}) | {np.median(r['final']):.1f} "
                   f"({f5:.1f}–{f95:.1f}) | {r['s1'].mean():.3f} | {r['s2'].mean():.3f} | {r['safety'].mean():.3f} | "
                   f"{r['pressure'].mean():.2f} | {np.median(r['ratio']):.1f} | {r['adoption'].mean():.2f} | "
                   f"{r['p_incident'].mean():.2f} | {r['majors'].mean():.2f} | {r['enmity'].mean():.2f} |")
    out += ["", "Pace (medians over seeds; growth per year from the first season played to the last):", "",
            "| scenario | largest US run | largest PRC run | domestic chain / US designer output, 2026 | same, "
            "2027 | simulated frontier growth / g |", "|---|---|---|---|---|---|"]
    for name, r in rows.items():
        out.append(f"| `{name}` | {np.median(r['us_run']):.2f}× | {np.median(r['prc_run']):.2f}× | "
                   f"{np.median(r['dom26']):.1%} | {np.median(r['dom27']):.1%} | {np.median(r['pace']):.2f} |")
    out += ["", "Targets: largest US run 4–5×/yr (Epoch AI); leading PRC compute ≈3×/yr in `baseline` (Epoch AI); "
            "domestic chain ≈4% of US designer output in 2026 and ≈2% in 2027 (the 2026 paper, secondary); "
            "simulated frontier growth within 10% of g (`frontier_effective_compute_growth_per_year`) in "
            "`baseline`."]
    return "\n".join(out)


def write_block(path: Path, block: str) -> None:
    """Replace the generated calibration block of ``path``.

    Raises:
        SystemExit: If the markers are missing.

    """
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path}: markers {BEGIN} / {END} not found")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="seeds per scenario (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--write", type=Path, help="markdown file whose generated block to replace")
    args = parser.parse_args(argv)
    block = table(args.seeds, args.jobs)
    print(block)
    if args.write:
        write_block(args.write, block)
        print(f"\nwrote the calibration block of {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
