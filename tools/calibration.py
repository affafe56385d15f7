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
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIOS = ("baseline", "tight_controls", "loopholes")
BEGIN, END = "<!-- BEGIN GENERATED CALIBRATION -->", "<!-- END GENERATED CALIBRATION -->"


def measure(job: tuple[str, int]) -> dict[str, float]:
    """One run's calibration figures: start and final lead (months), outcome flags, safety, pressure, pace."""
    from wargame.model import AIRaceModel

    name, seed = job
    model = AIRaceModel(name, seed=seed).run_to_end()
    mv = model.datacollector.model_vars
    s = model.summary()
    years = (len(mv["season"]) - 2) / 4.0  # first season played to the last
    g = model.params.frontier_effective_compute_growth_per_year
    ratio = [d / u for d, u in zip(mv["prc_domestic_output_h100e"], mv["us_designer_output_h100e"], strict=True)]
    seasons = mv["season"]
    return {
        "start": model.initial_lead_months, "final": s["final_lead_months"],
        "s1": float(s["outcome"] == "S1"), "s2": float(s["outcome"] == "S2"),
        "safety": s["mean_safety_share"], "pressure": s["mean_race_pressure"], "ratio": s["compute_ratio"],
        "adoption": s["adoption_share_us"], "p_incident": s["cumulative_incident_probability"],
        "majors": s["major_incidents"], "enmity": s["final_enmity"],
        "us_run": (mv["us_largest_run_h100e"][-1] / mv["us_largest_run_h100e"][1]) ** (1 / years),
        "prc_run": (mv["prc_largest_run_h100e"][-1] / mv["prc_largest_run_h100e"][1]) ** (1 / years),
        "dom26": float(np.mean([r for r, q in zip(ratio, seasons, strict=True) if q.startswith("2026") and r > 0])),
        "dom27": float(np.mean([r for r, q in zip(ratio, seasons, strict=True) if q.startswith("2027")])),
        "pace": math.exp((mv["us_frontier_capability"][-1] - mv["us_frontier_capability"][1]) / years) / g,
    }


def table(seeds: int, jobs: int) -> str:
    """Run every scenario over ``seeds`` seeds and return the markdown block."""
    rows = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for name in SCENARIOS:
            results = list(pool.map(measure, [(name, s) for s in range(seeds)], chunksize=max(1, seeds // (4 * jobs))))
            rows[name] = {k: np.array([r[k] for r in results]) for k in results[0]}
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
