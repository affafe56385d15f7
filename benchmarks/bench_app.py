"""Server-side time of one season step in the tabletop, from the click to the re-rendered views.

Renders the whole page headlessly (``solara.render``, the same component tree the server renders for a
browser), starts a game on the default scenario with the default human seats (US and PRC governments),
then clicks "Step season" and times the click handler: submitting the human decisions, the model step,
the autosave, and re-rendering every panel and the open chart (the lead chart, drawn as a PNG). The
browser's own drawing is not included. Goal: median <= 300 ms.

Usage::

    python benchmarks/bench_app.py [--games N] [--scenario baseline]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import ipyvuetify as v
import solara

from wargame.tabletop.page import TabletopPage


@solara.component
def _Layout(store_dir: str) -> solara.Element:
    with solara.AppLayout():
        TabletopPage(store_dir=store_dir)


def time_steps(store_dir: str) -> tuple[list[float], list[float], float]:
    """Play one full game by clicking Step.

    Returns:
        Wall-clock times (ms) of each step, CPU times (ms) of each step, and the time of the first render.

    """
    t0 = time.perf_counter()
    _, rc = solara.render(_Layout(store_dir), handle_error=False)
    rc.find(v.Btn, children=["Start game"]).widget.click()
    first = (time.perf_counter() - t0) * 1000
    times, cpu = [], []
    while True:
        found = rc.find(v.Btn, children=["Step season"])
        if not found.widgets or found.widget.disabled:
            break
        start, start_cpu = time.perf_counter(), time.process_time()
        found.widget.click()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    rc.close()
    return times, cpu, first


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3, help="full games to play (10 steps each by default)")
    args = parser.parse_args()
    all_times: list[float] = []
    all_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as store:
        time_steps(store)  # warm-up: imports, font cache
        for _ in range(args.games):
            times, cpu, first = time_steps(store)
            all_times.extend(times)
            all_cpu.extend(cpu)
    all_times.sort()
    all_cpu.sort()
    median = statistics.median(all_times)
    p90 = all_times[int(0.9 * (len(all_times) - 1))]
    print(f"tabletop step, click to re-rendered views (server side), {len(all_times)} steps "
          f"over {args.games} games on the default scenario")
    print(f"  wall: median {median:.0f} ms   p90 {p90:.0f} ms   min {all_times[0]:.0f} ms   "
          f"max {all_times[-1]:.0f} ms")
    print(f"  cpu:  median {statistics.median(all_cpu):.0f} ms   max {all_cpu[-1]:.0f} ms "
          "(less sensitive to other load on the machine)")
    print(f"  goal: median <= 300 ms -> {'met' if median <= 300 else 'NOT met'}")
    print(f"  first render incl. game start: {first:.0f} ms")


if __name__ == "__main__":
    main()
