"""Server-side time to draw the end-of-game debrief (the reveal) of a full game, and how many widgets it makes.

Plays a full baseline game with the computer on every seat (seed 2026), then times, in this process:

- ``reveal_data``: reading everything the reveal shows from the game (it replays the log once for the beliefs);
- the first render of :func:`~wargame.tabletop.debrief.RevealView` from that data (``solara.render``: building
  every widget, drawing the open chart and the beliefs chart as PNGs);
- the same render again, ``--repeats`` times in all (wall clock and this process's CPU time: the machine may be
  shared).

Each widget is one message to every browser that shows the page, so the widget count is what 6 views at once
(4 teams, console, projector) pay for when a game ends. The browser's own drawing is not included.

Usage::

    python benchmarks/bench_debrief.py [--repeats 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import statistics
import time

import ipywidgets as widgets
import solara

from wargame.tabletop.debrief import RevealView, reveal_data
from wargame.tabletop.session import GameSession


def count_widgets(root: widgets.Widget) -> int:
    """How many widgets a rendered tree holds (children and slots followed, each widget once)."""
    seen: set[int] = set()
    stack: list = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, widgets.Widget) or id(node) in seen:
            continue
        seen.add(id(node))
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            for item in value if isinstance(value, list | tuple) else []:
                stack.extend(item.get("children", []) if isinstance(item, dict) else [item])
    return len(seen)


def main() -> None:
    """Play a game, time the debrief's data and render, and print the figures (ms)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="renders to time")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    game = GameSession.new("baseline", args.seed, [])
    game.play_to_end()
    t0 = time.perf_counter()
    data = reveal_data(game)
    data_ms = (time.perf_counter() - t0) * 1000
    cells = sum(len(r) for t in data.decisions for r in t.rows) + sum(len(r) for t in data.beliefs for r in t.rows)
    renders, cpu = [], []
    count = 0
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        box, rc = solara.render(RevealView(data, game.model, game.version), handle_error=False)
        renders.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        count = count_widgets(box)
        rc.close()
    print(f"full game: {game.seasons_played} seasons, {len(game.seats())} seats, {len(data.news)} news items, "
          f"{cells} decision and belief cells")
    print(f"reveal_data: {data_ms:.0f} ms")
    print(f"RevealView render, wall clock: {', '.join(f'{r:.0f}' for r in renders)} ms "
          f"(median {statistics.median(renders):.0f} ms); CPU: median {statistics.median(cpu):.0f} ms; "
          f"{count} widgets")


if __name__ == "__main__":
    main()
