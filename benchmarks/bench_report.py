"""Time to build the after-action report of a full game (goal: 3 s or less), with the replay alone as a baseline.

Plays a full baseline game (seed 2033) in which people played the US government and one PRC lab (fixed
decisions every season, one inject, two facilitator's notes), keeps its game log, then times in this process,
``--repeats`` times each (the median is the figure; wall clock and this process's CPU time, since the machine
may be shared):

- the replay of the log alone (the baseline: the least any report of the game costs);
- :func:`wargame.report.aar.gather`: the replay with the beliefs and events, and the ``--games`` computer-played
  games (one ensemble, plus the computer's game on the same seed);
- :func:`wargame.report.aar.render`: the page, with every chart drawn as PNG;
- :func:`wargame.report.aar.build_report`: both (what ``wargame report-game`` and the debrief's button pay).

The first build of the process is timed apart ("cold": matplotlib loads its fonts then), as a command-line run
pays it.

Usage::

    python benchmarks/bench_report.py [--repeats 5] [--games 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from wargame.gamelog import game_log, replay
from wargame.model import AIRaceModel
from wargame.report.aar import build_report, render
from wargame.report.aar_data import DEFAULT_GAMES, gather

#: Build-time goal of the issue, seconds.
GOAL_S = 3.0


def played_log(seed: int = 2033) -> dict[str, Any]:
    """The log of a full baseline game with two human seats, an inject and two notes."""
    model = AIRaceModel("baseline", seed=seed)
    model.add_note("Ruling: the crisis talks open in Geneva.", "public")
    for k in range(model.total_seasons):
        model.submit_decision("us_gov", {"enforcement_budget_musd": 50.0 + 5 * k, "ally_pressure": 0.5})
        model.submit_decision("prc_lab_b", {"training_share": 0.6, "safety_share": 0.1, "serving_share": 0.3})
        if k == 3:
            model.play_event("taiwan_strait_crisis")
            model.add_note("The PRC delegation walks out.", "PRC")
        model.step()
    return game_log(model, meta={"human_seats": ["us_gov", "prc_lab_b"]})


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of ``repeats`` calls of ``fn``, and its last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return walls, cpus, result


def main() -> None:
    """Time the replay, the report's parts and the whole build; print the medians (s) against the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls of each step (the median is shown)")
    parser.add_argument("--games", type=int, default=DEFAULT_GAMES, help="computer-played games to compare with")
    args = parser.parse_args()
    log = played_log()
    cold, _, page = timed(lambda: build_report(log, args.games), 1)
    rows = []
    walls, cpus, _ = timed(lambda: replay(log), args.repeats)
    rows.append(("replay alone (baseline)", walls, cpus))
    walls, cpus, gathered = timed(lambda: gather(log, args.games), args.repeats)
    rows.append((f"gather: replay + beliefs + {args.games:,} computer-played games", walls, cpus))
    walls, cpus, _ = timed(lambda: render(gathered), args.repeats)
    rows.append(("render: the page and its charts", walls, cpus))
    walls, cpus, page = timed(lambda: build_report(log, args.games), args.repeats)
    rows.append(("build_report (gather + render)", walls, cpus))
    print(f"After-action report of a full baseline game (seed 2033, 2 human seats), {args.games:,} computer-played "
          f"games, median of {args.repeats}; page {len(page) / 1e6:.2f} MB")
    for label, walls, cpus in rows:
        print(f"  {label:<62} {statistics.median(walls):6.2f} s wall  {statistics.median(cpus):6.2f} s CPU")
    build = statistics.median(rows[-1][1])
    print(f"  {'first build of the process (cold: matplotlib loads its fonts)':<62} {cold[0]:6.2f} s wall")
    verdict = "within" if build <= GOAL_S else "OVER"
    print(f"Build {build:.2f} s: {verdict} the goal of {GOAL_S:g} s; {build / statistics.median(rows[0][1]):.0f} x the "
          "replay alone.")


if __name__ == "__main__":
    main()
