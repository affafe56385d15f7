"""Latency of the odds meter after a step: from the end of a room's step to the odds and fan charts being ready.

Plays a baseline room game in this process (seed 2026, four teams: both governments and one lab of each bloc,
each submitting its form every season), and for every season but the last (a finished game has no odds):

- **step**: :meth:`~wargame.tabletop.room.Room.step` alone, the baseline (what a step cost before the meter);
- **odds**: from the step's end, :meth:`~wargame.tabletop.room_odds.RoomOdds.ensure` (what the first meter drawn
  after the step calls) until the background thread's result is there (:meth:`RoomOdds.wait`): 1,000 futures
  of the game as played and 1,000 with the computer's proposals on the team seats;
- **chart**: drawing the fan chart as PNG (once per result: the console and the projector show the same one);
- **meter**: odds + chart, the server's share of the time from a step to the meter on both screens (the
  browsers' own drawing and the websocket are not included; tests/test_browser_odds.py shows it end to end).

It prints the median and p95 of each (ms) over the seasons, and the odds played with a pool of worker
processes once, for comparison (the meter plays in-process: a pool's start-up costs more than it saves).
Goal (the issue): the meter within 2 s of the step.

Usage::

    .venv/bin/python benchmarks/bench_odds.py [--seed 2026] [--pool-workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.odds import season_odds  # noqa: E402
from wargame.tabletop.odds_view import odds_png  # noqa: E402
from wargame.tabletop.room import Access  # noqa: E402
from wargame.tabletop.room_store import RoomRegistry  # noqa: E402

TEAMS = [("US government", ["us_gov"]), ("PRC government", ["prc_gov"]), ("US lab", ["us_lab_a"]),
         ("PRC lab", ["prc_lab_b"])]
GOAL_S = 2.0


def describe(values: list[float]) -> str:
    """``median .. ms, p95 .. ms`` of a list of seconds (p95: the nearest rank)."""
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {1000 * statistics.median(ordered):6.0f} ms, p95 {1000 * p95:6.0f} ms"


def main() -> int:
    """Play the game, time each step and the meter after it, print the figures; 1 if the meter missed 2 s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="the game's seed")
    parser.add_argument("--pool-workers", type=int, default=2, help="worker processes of the comparison run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        room = RoomRegistry(folder).create("baseline", args.seed, TEAMS)
        facilitator = Access(room.room_id, "facilitator")
        times: dict[str, list[float]] = {"step": [], "odds": [], "chart": [], "meter": []}
        while True:
            for team in room.teams.values():
                access = Access(room.room_id, "team", team.id)
                for seat in team.seats:
                    room.submit(access, seat, room.form_for(access, seat).typed(), room.season)
            t0 = time.perf_counter()
            room.step(facilitator, room.season)
            t1 = time.perf_counter()
            if room.finished:
                break
            room.odds.ensure(room.lock, room.game)
            result = room.odds.wait(60.0).result
            t2 = time.perf_counter()
            assert result is not None, "the odds did not come within 60 s"
            odds_png(result)
            t3 = time.perf_counter()
            for name, seconds in (("step", t1 - t0), ("odds", t2 - t1), ("chart", t3 - t2), ("meter", t3 - t1)):
                times[name].append(seconds)
            log = room.game.log()  # the last state with a future, for the pool's run
        t0 = time.perf_counter()
        season_odds(log, seed=args.seed, workers=args.pool_workers)
        pool = time.perf_counter() - t0
    print(f"baseline room game, seed {args.seed}, {len(TEAMS)} teams, {len(times['step'])} steps with odds "
          f"({room.odds.futures:,} futures per arm, in-process)")
    labels = {"step": "step alone (baseline)", "odds": "odds after the step", "chart": "fan chart (PNG)",
              "meter": "meter ready after the step"}
    for name, label in labels.items():
        print(f"{label:28s} {describe(times[name])}")
    print(f"{'odds with a pool':28s} {1000 * pool:6.0f} ms once ({args.pool_workers} worker processes, last state)")
    worst = max(times["meter"])
    print(f"goal: meter within {GOAL_S:g} s of the step: {'met' if worst <= GOAL_S else 'MISSED'} "
          f"(slowest {worst:.2f} s)")
    return 0 if worst <= GOAL_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
