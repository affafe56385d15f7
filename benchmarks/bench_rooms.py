"""Load benchmark of the multi-device tabletop: many games, each with a facilitator, teams and a projector.

Starts ``solara run app.py`` (production mode, bound to 127.0.0.1, its games in a temp folder), creates
``--games`` rooms of the ``baseline`` scenario with 4 teams each, and opens ``--clients`` browser contexts per
game in Debian's Chromium (one context per device: the facilitator's console, the teams, the projector).
Then, for ``--rounds`` rounds, every team submits its form in every game and the facilitator steps each game
in turn (with the console's Step button). For each step it records the time from the click until each of the
game's clients shows the new season (read from the page's hidden ``room-state-marker``), and checks:

- no cross-talk: the other games' clients still show their own season;
- no lost submission: every submitted seat's decision is in the game's log for that season.

It prints the step-to-update latency (median and p95 over steps of the slowest client, and over every
client), the server's peak RSS (sampled every 0.1 s, children included) and exits 1 if a check fails.
Goals (the issue): median <= 1 s, p95 <= 2 s on a 2-core machine with 10 games x 6 clients.

Usage::

    .venv/bin/python benchmarks/bench_rooms.py                 # 10 games x 6 clients, 2 rounds
    .venv/bin/python benchmarks/bench_rooms.py --games 2 --rounds 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.tabletop.room import Access  # noqa: E402
from wargame.tabletop.room_store import RoomRegistry, room_link  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEAMS = [("US government", ["us_gov"]), ("PRC government", ["prc_gov"]), ("US lab", ["us_lab_a"]),
         ("PRC lab", ["prc_lab_b"])]
MARKER = ".room-state-marker"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PeakRss:
    """Samples a process tree's resident memory every 0.1 s in a thread; ``peak`` is the largest sum, bytes."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            self._stop.wait(0.1)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak


def start_server(games_dir: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """``solara run app.py`` on 127.0.0.1:port with its games in ``games_dir``; waits until it answers."""
    env = {**os.environ, "WARGAME_GAMES_DIR": str(games_dir), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
           "SOLARA_ASSETS_PROXY_CACHE_DIR": str(ROOT / ".assets-cache")}
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "solara", "run", "app.py", "--host", "127.0.0.1", "--port",
                             str(port), "--production", "--no-open"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310 - localhost
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not answer within 120 s")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server process, s."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


async def marker(page) -> str:
    """The hidden season/version marker of a room view ('' before it renders)."""
    return await page.evaluate(f"() => (document.querySelector('{MARKER}') || {{}}).textContent || ''")


async def wait_season(page, season: str, timeout_s: float) -> float:
    """Wait until a page's marker names ``season``; the monotonic time it did."""
    await page.wait_for_function(
        f"() => ((document.querySelector('{MARKER}') || {{}}).textContent || '').startsWith({json.dumps(season)})",
        timeout=timeout_s * 1000, polling=25)
    return time.monotonic()


async def submit_team(page, seats: list[str], season: str) -> None:
    """Press Submit for each of a team page's seats and wait for its "Submitted for <season>" notice.

    A click that lands while the page is still re-rendering the new season's form can be lost, so a
    notice that has not appeared after 10 s gets one more click before the 30 s limit.
    """
    await wait_season(page, season, 30)
    for seat in seats:
        notice = page.locator(f".submitted-{seat}").filter(has_text=f"Submitted for {season}").first
        await page.locator(f".submit-{seat}").first.click()
        try:
            await notice.wait_for(timeout=10_000)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; one retry, then let it raise
            await page.locator(f".submit-{seat}").first.click()
            await notice.wait_for(timeout=20_000)


async def run(args: argparse.Namespace) -> int:
    """Run the benchmark; returns the exit status."""
    from playwright.async_api import async_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-rooms-"))
    port = free_port()
    server = start_server(work, port, work / "server.log")
    rss = PeakRss(server.pid)
    base = f"http://127.0.0.1:{port}"
    registry = RoomRegistry(work)
    rooms = [registry.create("baseline", 100 + g, TEAMS) for g in range(args.games)]
    failures: list[str] = []
    worst: list[float] = []
    cpu: list[float] = []
    by_role: dict[str, list[float]] = {}
    every: list[float] = []
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            games = []
            started = time.monotonic()
            for room in rooms:
                links = [("facilitator", room_link(room, Access(room.room_id, "facilitator")), [])]
                for team in list(room.teams.values())[: max(args.clients - 2, 0)]:
                    links.append((team.id, room_link(room, Access(room.room_id, "team", team.id)), team.seats))
                links.append(("projector", room_link(room, Access(room.room_id, "projector")), []))
                pages = []
                for role, link, seats in links[: args.clients]:
                    context = await browser.new_context(viewport={"width": 1366, "height": 768})
                    page = await context.new_page()
                    await page.goto(base + link)
                    pages.append((role, page, seats))
                games.append((room, pages))
            for room, pages in games:
                for _, page, _ in pages:
                    await wait_season(page, room.season, 120)
            print(f"opened {sum(len(p) for _, p in games)} clients in {args.games} games in "
                  f"{time.monotonic() - started:.1f} s")
            at_season = {room.room_id: room.season for room in rooms}  # this process's rooms do not advance
            for round_number in range(args.rounds):
                for _room, pages in games:
                    await asyncio.gather(*(submit_team(page, seats, at_season[_room.room_id])
                                         for _, page, seats in pages if seats))
                for index, (room, pages) in enumerate(games):
                    before = at_season[room.room_id]
                    others = [(at_season[other.room_id], p) for j, (other, p) in enumerate(games) if j != index]
                    console = pages[0][1]
                    step_button = console.locator("button.step-season").first
                    # the console enables Step once it shows every submission; the clock starts at the click
                    await step_button.wait_for(state="visible", timeout=30_000)
                    await console.wait_for_function("(b) => !b.disabled", arg=await step_button.element_handle(),
                                                    timeout=30_000, polling=25)
                    cpu0 = server_cpu(server.pid)
                    t0 = time.monotonic()
                    await step_button.click()
                    after = _next_season(before)
                    times = await asyncio.gather(*(wait_season(page, after, 30) for _, page, _ in pages))
                    at_season[room.room_id] = after
                    delays = [t - t0 for t in times]
                    worst.append(max(delays))
                    cpu.append(server_cpu(server.pid) - cpu0)
                    every.extend(delays)
                    for (role, _, _), delay in zip(pages, delays, strict=True):
                        by_role.setdefault("team" if role.startswith("team") else role, []).append(delay)
                    for season, other_pages in others:
                        for _, page, _ in other_pages:
                            if not (await marker(page)).startswith(season):
                                failures.append(f"cross-talk: a client of another game left {season}")
                    log = json.loads(registry.path(room.room_id).read_text())["log"]
                    decided = {(d["season"], d["seat"]) for d in log["decisions"]}
                    for _, _, seats in pages:
                        for seat in seats:
                            if (before, seat) not in decided:
                                failures.append(f"lost submission: {seat} in {before} of {room.room_id}")
                print(f"round {round_number + 1}: slowest client per step, median "
                      f"{statistics.median(worst[-len(games):]):.2f} s")
            await browser.close()
    finally:
        peak = rss.stop()
        server.kill()
        server.wait()
    p95 = statistics.quantiles(worst, n=20)[-1] if len(worst) >= 2 else worst[0]
    p95_all = statistics.quantiles(every, n=20)[-1] if len(every) >= 2 else every[0]
    print(f"\n{args.games} games x {args.clients} clients, {len(worst)} steps, {os.cpu_count()} cores")
    print(f"step -> all clients updated: median {statistics.median(worst):.2f} s, p95 {p95:.2f} s "
          f"(goal: median <= 1 s, p95 <= 2 s)")
    print(f"step -> each client updated: median {statistics.median(every):.2f} s, p95 {p95_all:.2f} s")
    print("step -> client updated, median by view: " + ", ".join(
        f"{role} {statistics.median(values):.2f} s" for role, values in sorted(by_role.items())))
    print(f"server CPU time per step (until all its clients updated): median {statistics.median(cpu):.2f} s, "
          f"max {max(cpu):.2f} s")
    print(f"server peak RSS: {peak / 2**20:.0f} MiB")
    print(f"cross-talk or lost submissions: {len(failures)}")
    for failure in failures[:10]:
        print("  " + failure)
    return 1 if failures else 0


def _next_season(label: str) -> str:
    year, quarter = int(label[:4]), int(label[5])
    return f"{year + (quarter == 4)}Q{quarter % 4 + 1}"


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=10, help="games on the server (default 10)")
    parser.add_argument("--clients", type=int, default=6,
                        help="clients per game: facilitator, up to 4 teams, projector (default 6)")
    parser.add_argument("--rounds", type=int, default=2, help="seasons stepped in every game (default 2)")
    args = parser.parse_args()
    if not 2 <= args.clients <= 6 or args.games < 1 or args.rounds < 1:
        parser.error("--clients must be 2..6, --games and --rounds at least 1")
    raise SystemExit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
