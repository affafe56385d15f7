"""Real-browser tests of rooms: a facilitator, teams and a projector, each on its own device (browser context).

Debian's Chromium, driven by Playwright, against ``solara run app.py`` (offline: requests off 127.0.0.1 are
blocked and recorded). Rooms are made in this process with :class:`RoomRegistry` on the server's games
directory (the server loads a room from its save file the first time a link names it), and once through the
``?setup=room`` screen. Together the tests show:

- a whole game played by four teams, a console and a projector: secret submissions, the console's statuses
  and every view's season follow each action without a reload (the update latencies are measured and
  printed), down to the debrief on every view;
- a team sees and changes only its own seats, whatever URL it crafts;
- ``kill -9`` of the server mid-season: every view comes back on its own and no submitted decision is lost;
- a double-click or five quick clicks on Step play one season;
- the team view works on a phone (390x844);
- screenshots of every view at 1366x768 and 1920x1080; the projector legible and uncovered;
- no link's secret ever reaches the server's log.

Screenshots and the server's log go to ``test-artifacts/rooms-*``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import median

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from wargame.tabletop.room import Access
from wargame.tabletop.room_store import BAD_LINK, RoomRegistry, room_link

pytest_plugins = ["browser_conftest"]  # rooms_server, tabletop_context, ... (tests/browser_conftest.py)
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

#: The four teams of the issue's game: both governments and one lab of each bloc.
TEAMS = [("US government", ["us_gov"]), ("PRC government", ["prc_gov"]), ("US labs", ["us_lab_a"]),
         ("PRC labs", ["prc_lab_b"])]
SEAT_NAMES = {"us_gov": "US government", "prc_gov": "PRC government", "us_lab_a": "US frontier lab A",
              "prc_lab_b": "PRC fast follower B"}
#: Seasons of the baseline scenario: 2026Q3 to 2028Q4.
SEASONS = 10
#: Generous wait for a first page load (a new Solara kernel on a busy 2-core machine), ms.
FIRST_LOAD_MS = 30_000
#: How long a watcher waits for an update before the test gives up, ms. The limits asserted are far tighter:
#: this only lets a slow update be measured and reported instead of timing out blind.
WATCH_MS = 20_000
#: Ceilings, not speed targets: a view must follow a step or a submission by itself (no reload) well inside
#: these. The measured latencies are printed; the speed goals (a submission on the console within ~1 s, a step
#: on every view within 2 s) are measured by benchmarks/bench_rooms.py, since a test on a shared 2-core CI
#: machine cannot time them fairly.
STEP_UPDATE_S = 8.0
STEP_UPDATE_MAX_S = 12.0
STATUS_UPDATE_S = 8.0
STATUS_UPDATE_MAX_S = 12.0
#: Time from the last step to a view showing the debrief, s. The issue sets no figure; the debrief is a large
#: page (every seat's decisions, beliefs, news), so this is only a generous ceiling, and the figures are printed.
DEBRIEF_MAX_S = 60.0
#: How long a view may take to come back on its own after the server is restarted, s (Solara's websocket
#: reconnects with a back-off of up to about 20 s).
RECOVER_S = 60
MARKER = ".room-state-marker"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SIZES = {1366: {"width": 1366, "height": 768}, 1920: {"width": 1920, "height": 1080}}
#: Where each view shows the season to play, and the text it shows for a season.
SEASON_SHOWN = {"console": (".console-season", "next season {}"), "team": (".team-season", "Season to play: {}"),
                "projector": (".projector-season", "Season {}")}
LATENCIES: dict[str, list[float]] = {}


# ----------------------------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module", autouse=True)
def print_latencies() -> Iterator[None]:
    """Print every update latency measured in this module, once its tests are done."""
    yield
    print("\nupdate latencies, s: " + "; ".join(f"{name}: {describe(v)}" for name, v in LATENCIES.items()))


def make_room(server, teams=TEAMS, seed: int = 11):
    """A new room of the baseline scenario in the server's games directory (this process's copy of it)."""
    return RoomRegistry(server.games_dir).create("baseline", seed, teams)


def url_of(server, room, role: str, team_id: str | None = None) -> str:
    """The full address of one of a room's links."""
    return server.url.rstrip("/") + room_link(room, Access(room.room_id, role, team_id))


def saved(server, room_id: str) -> dict:
    """The room's save file as the server last wrote it."""
    return json.loads((server.games_dir / "rooms" / f"{room_id}.json").read_text())


def describe(values: list[float]) -> str:
    """``n=.., median .., max ..`` of a list of seconds."""
    ordered = sorted(values)
    return f"n={len(ordered)} median {ordered[len(ordered) // 2]:.2f} max {ordered[-1]:.2f}" if ordered else "none"


def record(name: str, seconds: float) -> float:
    """Keep a measured latency for the summary printed at the end; returns it."""
    LATENCIES.setdefault(name, []).append(seconds)
    return seconds


def shot(page, name: str, full_page: bool = False) -> Path:
    """A screenshot of what the page shows now: ``test-artifacts/rooms-<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"rooms-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def open_view(ctx, url: str, ready: str):
    """Open a link in a context (a device) and wait, generously (a first load), until ``ready`` is visible."""
    page = ctx.new_page()
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=FIRST_LOAD_MS)
    return page


def marker(page) -> str:
    """A room view's hidden ``"<season> <playing|finished> v<version>"`` marker ('' before it renders)."""
    return page.evaluate(f"() => (document.querySelector('{MARKER}') || {{}}).textContent || ''")


def body_text(page) -> str:
    return page.locator("body").inner_text()


def now_ms() -> float:
    """The wall clock in ms (the browsers' ``Date.now()`` reads the same clock)."""
    return time.time() * 1000.0


def _watcher_js(args: str, hit: str) -> str:
    """A watcher armed before an action: records the browser's clock (Date.now(), ms) in ``window.__seen[name]``
    the first time ``hit()`` holds. A MutationObserver fires on the DOM change itself, not on a poll."""
    return f"""([{args}]) => {{
    window.__seen = window.__seen || {{}};
    window.__seen[name] = null;
    const hit = () => {hit};
    if (hit()) {{ window.__seen[name] = Date.now(); return true; }}
    const observer = new MutationObserver(() => {{
        if (window.__seen[name] === null && hit()) {{ window.__seen[name] = Date.now(); observer.disconnect(); }}
    }});
    observer.observe(document.body, {{subtree: true, childList: true, characterData: true}});
    return false;
}}"""


# an element matching the selector holds the text
_ARM_JS = _watcher_js("name, css, text", "Array.from(document.querySelectorAll(css))"
                      ".some(e => (e.textContent || '').includes(text))")
# one row of the console's status table: the row whose first cell is the seat's name ends with the status
_ARM_ROW_JS = _watcher_js("name, seat, status", """Array.from(document.querySelectorAll('.seat-status-table tbody tr'))
        .some(row => {
            const cells = Array.from(row.querySelectorAll('td')).map(td => (td.textContent || '').trim());
            return cells[0] === seat && cells[cells.length - 1] === status;
        })""")


def arm(page, name: str, css: str, text: str) -> None:
    """Watch ``page`` for ``text`` in an element matching ``css``; it must not be shown yet."""
    assert not page.evaluate(_ARM_JS, [name, css, text]), f"{name}: {text!r} is already in {css} before the action"


def arm_status(console, seat_id: str, status: str) -> str:
    """Watch the console for a seat's status; returns the watcher's name."""
    name = f"{seat_id}-{status}"
    assert not console.evaluate(_ARM_ROW_JS, [name, SEAT_NAMES[seat_id], status]), f"{name}: already shown"
    return name


def seen_after(page, name: str, start_ms: float, timeout_ms: float = WATCH_MS) -> float:
    """Seconds from ``start_ms`` (epoch ms) until the armed watcher ``name`` fired (waits up to the timeout)."""
    page.wait_for_function(f"() => window.__seen && window.__seen[{json.dumps(name)}] !== null",
                           timeout=timeout_ms)
    return (page.evaluate(f"() => window.__seen[{json.dumps(name)}]") - start_ms) / 1000.0


# The status in the console's table of the seat whose row starts with the given name ('no row' if none).
_STATUS_JS = """(seat) => {
    for (const row of document.querySelectorAll('.seat-status-table tbody tr')) {
        const cells = Array.from(row.querySelectorAll('td')).map(td => (td.textContent || '').trim());
        if (cells[0] === seat) return cells[cells.length - 1];
    }
    return 'no row';
}"""


def status_of(console, seat_name: str) -> str:
    """A seat's status as the console's table shows it."""
    return console.evaluate(_STATUS_JS, seat_name)


def expect_status(console, seat_id: str, status: str, timeout_ms: float = WATCH_MS) -> None:
    """Wait until the console shows a team seat's status."""
    console.wait_for_function(f"([seat, status]) => ({_STATUS_JS})(seat) === status",
                              arg=[SEAT_NAMES[seat_id], status], timeout=timeout_ms)


def settle(page, quiet_s: float = 1.0, timeout_s: float = 30.0) -> float:
    """Wait until a room view's version has not moved for ``quiet_s``; seconds it took to get quiet.

    After a step every team's new form tells the room it was opened, and each of those changes redraws every
    view; a facilitator does not step again within a second, so neither does the test.
    """
    start = since = time.monotonic()
    last = marker(page)
    while time.monotonic() - start < timeout_s:
        page.wait_for_timeout(100)
        now = marker(page)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return since - start
    raise AssertionError(f"the room kept changing for {timeout_s} s: {last}")


def next_season(label: str) -> str:
    """``"2026Q4"`` after ``"2026Q3"``."""
    year, quarter = int(label[:4]), int(label[5])
    return f"{year + (quarter == 4)}Q{quarter % 4 + 1}"


def season_number(label: str) -> int:
    """1 for the baseline's first season (2026Q3), 2 for 2026Q4, ..."""
    return (int(label[:4]) - 2026) * 4 + int(label[5]) - 2


def version_of(page) -> int:
    """The room version a view last drew."""
    return int(marker(page).rsplit("v", 1)[1])


def scroll_by(page, dy: float) -> None:
    """Scroll the page's main scrolling box (Solara's layout scrolls an inner element, not the window)."""
    page.evaluate("""(dy) => {
        const boxes = [document.scrollingElement, ...document.querySelectorAll('div, main')].filter(e => e &&
            e.scrollHeight > e.clientHeight + 10 && (e === document.scrollingElement ||
            ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)));
        boxes.sort((a, b) => b.clientHeight - a.clientHeight);
        if (boxes.length) boxes[0].scrollTop += dy;
    }""", dy)
    page.wait_for_timeout(300)


def fill_lever(page, seat_id: str, lever: str, text: str) -> None:
    """Type a value into a lever's field of a team's form (and leave the field)."""
    field = page.locator(f".seat-form-{seat_id} .lever-{seat_id}-{lever} input")
    field.fill(text)
    field.press("Tab")
    expect(field).to_have_value(text)


def submit(team_page, seat_id: str, console=None) -> float | None:
    """Press a seat's Submit; seconds until the console shows "submitted" (``None`` without a console)."""
    watcher = arm_status(console, seat_id, "submitted") if console is not None else ""
    button = team_page.locator(f".submit-{seat_id}")
    for attempt in range(5):  # the form may be redrawn under the pointer just after a season change
        try:
            button.scroll_into_view_if_needed(timeout=WATCH_MS)
            break
        except PlaywrightError as exc:
            if "not attached" not in str(exc) or attempt == 4:
                raise
            team_page.wait_for_timeout(300)
    start = now_ms()
    button.click()
    latency = seen_after(console, watcher, start) if console is not None else None
    team_page.locator(f".submitted-{seat_id}").wait_for(timeout=WATCH_MS)
    return latency


def step_and_measure(console, views: dict[str, tuple[object, str]], force: bool) -> dict[str, float]:
    """Click Step (or Step anyway) on the console; seconds until each view shows the new season (or debrief).

    Args:
        console: The console's page.
        views: View name to ``(page, role)``, role ``console``, ``team`` or ``projector``; the console too.
        force: Click "Step anyway" (some team seats have not submitted).

    """
    season = marker(console).split(" ")[0]
    last = season_number(season) == SEASONS
    for page, role in views.values():
        if last:
            arm(page, f"step-{season}", ".reveal-debrief .outcome-card", "Debrief")
        else:
            css, text = SEASON_SHOWN[role]
            arm(page, f"step-{season}", css, text.format(next_season(season)))
    button = console.locator(".step-force" if force else ".step-season")
    expect(button).to_be_enabled()
    start = now_ms()
    button.click()
    wait = (DEBRIEF_MAX_S + 5) * 1000 if last else WATCH_MS
    return {name: seen_after(page, f"step-{season}", start, wait) for name, (page, _role) in views.items()}


# ----------------------------------------------------------------------------------------------- 1. setup UI
def test_setup_a_room_through_the_ui_and_join_with_a_code(rooms_server, tabletop_context):
    ctx = tabletop_context(viewport=SIZES[1366])
    page = open_view(ctx, rooms_server.url + "?setup=room", ".create-room-button")
    shot(page, "setup-1366")
    for seat, team in (("us_gov", "Washington"), ("prc_gov", "Beijing"), ("us_lab_a", "Labs"),
                       ("us_lab_b", " labs ")):  # the same team, typed differently
        page.locator(f".team-name-{seat} input").fill(team)
    table = page.locator(".room-setup-team-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Washington")
    page.locator(".create-room-button").click()
    page.locator(".room-links").wait_for(timeout=FIRST_LOAD_MS)
    room_id = page.url.split("room=")[1].split("&")[0]
    state = saved(rooms_server, room_id)["state"]
    assert [(t["name"], t["seats"]) for t in state["teams"]] == [
        ("Washington", ["us_gov"]), ("Beijing", ["prc_gov"]), ("Labs", ["us_lab_a", "us_lab_b"])]
    assert page.url.endswith(f"?room={state['room_id']}&key={state['facilitator_token']}")
    for team in state["teams"]:
        expect(page.locator(f".team-code-{team['id']}")).to_have_text(team["code"])
        href = page.locator(f".team-link-{team['id']} a").get_attribute("href")
        assert href == f"{rooms_server.url}?room={state['room_id']}&key={team['token']}", href
    href = page.locator(".projector-link a").get_attribute("href")
    assert href == f"{rooms_server.url}?room={state['room_id']}&key={state['projector_token']}"
    shot(page, "setup-created-console-1366")

    labs = tabletop_context()  # a team's device: the landing page's join box, the code typed loosely
    team_page = open_view(labs, rooms_server.url, ".join-code-input")
    code = state["teams"][2]["code"]
    team_page.locator(".join-code-input input").fill(" " + code.lower().replace("-", " ") + " ")
    team_page.locator(".join-button").click()
    team_page.locator(".seat-form-us_lab_a").wait_for(timeout=FIRST_LOAD_MS)
    expect(team_page.locator(".seat-form-us_lab_b")).to_have_count(1)
    expect(team_page.locator(".seat-form")).to_have_count(2)
    expect(team_page.locator(".team-name")).to_have_text("Labs")
    assert team_page.url.endswith(f"key={state['teams'][2]['token']}")

    direct = tabletop_context()  # ?join=<code> typed into the address bar opens the same team's view
    direct_page = open_view(direct, f"{rooms_server.url}?join={code}", ".seat-form-us_lab_a")
    expect(direct_page.locator(".team-name")).to_have_text("Labs")

    wrong = labs.new_page()
    wrong.goto(rooms_server.url)
    wrong.locator(".join-code-input input").fill("ABCD-EFGH")
    wrong.locator(".join-button").click()
    expect(wrong.locator(".join-error")).to_contain_text("No game on this server has the join code ABCD-EFGH")
    assert ctx.problems == [] and labs.problems == [] and direct.problems == []


# ----------------------------------------------------------------------------------------------- 2. a whole game
def test_four_teams_a_console_and_a_projector_play_a_whole_game(rooms_server, tabletop_context):
    room = make_room(rooms_server)
    contexts = []

    def device():
        ctx = tabletop_context(viewport=SIZES[1366])
        contexts.append(ctx)
        return ctx

    console = open_view(device(), url_of(rooms_server, room, "facilitator"), ".seat-status-table")
    for name in SEAT_NAMES.values():
        assert status_of(console, name) == "not opened"
    assert status_of(console, "US frontier lab B") == "computer"
    projector = open_view(device(), url_of(rooms_server, room, "projector"), ".projector-view")
    expect(projector.locator(".projector-seat-us_gov")).to_contain_text("not opened")

    teams: dict[str, object] = {}
    for team in room.teams.values():
        seat = team.seats[0]
        watcher = arm_status(console, seat, "drafting")
        teams[team.id] = open_view(device(), url_of(rooms_server, room, "team", team.id), f".submit-{seat}")
        shown = now_ms()
        opened = seen_after(console, watcher, shown)
        print(f"{seat}: form shown -> console 'drafting' {opened:.2f} s")
        record("form opened -> console", max(opened, 0.0))
        assert opened <= STATUS_UPDATE_MAX_S, f"the console showed {seat} drafting {opened:.2f} s after its form opened"
    us, prc, us_labs, prc_labs = (teams[f"team{i}"] for i in range(1, 5))
    expect(projector.locator(".projector-seat-prc_lab_b")).to_contain_text("drafting")

    # season 1: every team types a value of its own and submits it, secretly
    typed = {"us_gov": ("enforcement_budget_musd", "417"), "prc_gov": ("domestic_subsidy_busd", "42.5"),
             "us_lab_a": ("testing_quarters", "2"), "prc_lab_b": ("distillation_effort", "0.37")}
    pages = {"us_gov": us, "prc_gov": prc, "us_lab_a": us_labs, "prc_lab_b": prc_labs}
    for seat, (lever, text) in typed.items():
        fill_lever(pages[seat], seat, lever, text)
        latency = record("submit -> console", submit(pages[seat], seat, console))
        print(f"{seat}: submit -> console 'submitted' {latency:.2f} s")
        assert latency <= STATUS_UPDATE_MAX_S, f"the console showed {seat} submitted {latency:.2f} s after the click"
    expect(projector.locator(".projector-seat.status-submitted")).to_have_count(4)
    submissions = saved(rooms_server, room.room_id)["state"]["submissions"]
    assert submissions["us_gov"]["enforcement_budget_musd"] == pytest.approx(417)
    assert submissions["prc_lab_b"]["distillation_effort"] == pytest.approx(0.37)
    console_text = console.locator(".facilitator-console").inner_text()
    assert "417" not in console_text and "42.5" not in console_text, "the console shows a pending decision"

    views = {"console": (console, "console"), "projector": (projector, "projector"),
             **{f"team{i}": (teams[f"team{i}"], "team") for i in range(1, 5)}}
    for number in range(1, SEASONS + 1):
        if number == 2:  # season 2: every team submits again (its form starts from its last decision)
            expect(us.locator(".lever-us_gov-enforcement_budget_musd input")).to_have_value("417")
            for seat, page in pages.items():
                record("submit -> console", submit(page, seat, console))
        force = number > 2  # then the facilitator steps on, the computer playing the teams that did not submit
        quiet = settle(console)
        times = step_and_measure(console, views, force=force)
        last = number == SEASONS
        for seconds in times.values():
            record("last step -> debrief" if last else "step -> view", seconds)
        print(f"season {number} ({'forced' if force else 'all submitted'}; quiet after {quiet:.1f} s): step -> "
              + ("debrief " if last else "views ") + ", ".join(f"{n} {sec:.2f}" for n, sec in times.items()) + " s")
        limit = DEBRIEF_MAX_S if last else STEP_UPDATE_MAX_S
        slow = {name: round(sec, 2) for name, sec in times.items() if sec > limit}
        assert not slow, f"season {number}: views slower than {limit} s after the step: {slow}"
        if number == 1:
            log = saved(rooms_server, room.room_id)["log"]
            first = {d["seat"]: d["levers"] for d in log["decisions"] if d["season"] == "2026Q3"}
            assert first["us_gov"]["enforcement_budget_musd"] == pytest.approx(417)
            assert first["prc_gov"]["domestic_subsidy_busd"] == pytest.approx(42.5)
            assert first["us_lab_a"]["testing_quarters"] == 2
        if number < SEASONS:  # a new season: the teams' open forms count as drafting, none submitted
            for seat in SEAT_NAMES:
                expect_status(console, seat, "drafting")

    steps, submits = LATENCIES["step -> view"][-6 * (SEASONS - 1):], LATENCIES["submit -> console"][-8:]
    assert median(steps) <= STEP_UPDATE_S, f"step -> views: median {median(steps):.2f} s over the game"
    assert median(submits) <= STATUS_UPDATE_S, f"submit -> console: median {median(submits):.2f} s"
    log = saved(rooms_server, room.room_id)["log"]
    assert log["seasons_played"] == SEASONS
    decided = sorted((d["season"], d["seat"]) for d in log["decisions"])
    assert decided == sorted((season, seat) for season in ("2026Q3", "2026Q4") for seat in SEAT_NAMES), decided
    stand_ins = sorted(n["season"] for n in log["notes"] if n["text"].startswith("No decision came in time from"))
    assert stand_ins == [f"{2026 + (n + 2) // 4}Q{(n + 2) % 4 + 1}" for n in range(2, SEASONS)], stand_ins
    assert " finished " in marker(console), marker(console)
    for name, (page, _role) in views.items():
        debrief = page.locator(".reveal-debrief")
        expect(debrief).to_have_count(1)
        for part in ("reveal-decisions", "reveal-beliefs", "reveal-news", "final-scores"):
            expect(debrief.locator(f".{part}")).to_have_count(1)
        expect(debrief.locator(".reveal-seat-us_gov")).to_contain_text("417")  # the secret, revealed at the end
        assert page.locator(".seat-form").count() == 0, f"{name} still shows a decision form after the end"
        assert "Traceback" not in body_text(page)
    shot(console, "game-debrief-console-1366")
    shot(us, "game-debrief-team-1366")
    shot(projector, "game-debrief-projector-1366")
    problems = [p for ctx in contexts for p in ctx.problems]
    assert problems == [], f"a page is not offline-clean: {problems}"


# ----------------------------------------------------------------------------------------------- 3. isolation
def test_a_team_sees_and_changes_only_its_own_seats_whatever_the_url(rooms_server, tabletop_context):
    room = make_room(rooms_server, seed=21)
    other_room = make_room(rooms_server, seed=22)
    us_token, prc_token = room.teams["team1"].token, room.teams["team2"].token
    foreign_secrets = [room.facilitator_token, room.projector_token,
                       *(t.token for t in room.teams.values() if t.id != "team1"),
                       *(t.code for t in room.teams.values() if t.id != "team1"),
                       other_room.facilitator_token, other_room.projector_token,
                       *(t.token for t in other_room.teams.values())]
    us_ctx, prc_ctx, fac_ctx = tabletop_context(), tabletop_context(), tabletop_context()
    us = open_view(us_ctx, url_of(rooms_server, room, "team", "team1"), ".submit-us_gov")
    prc = open_view(prc_ctx, url_of(rooms_server, room, "team", "team2"), ".submit-prc_gov")
    console = open_view(fac_ctx, url_of(rooms_server, room, "facilitator"), ".seat-status-table")

    def only_own_seat(page, what: str) -> None:
        expect(page.locator(".team-seat")).to_have_count(1)
        expect(page.locator(".team-seat-us_gov")).to_have_count(1)
        expect(page.locator(".seat-form")).to_have_count(1)
        expect(page.locator(".seat-form-us_gov")).to_have_count(1)
        foreign = page.evaluate("""() => Array.from(document.querySelectorAll('[class*="lever-"]'))
            .map(e => Array.from(e.classList).find(c => c.startsWith('lever-')))
            .filter(c => c && c !== 'lever-error' && !c.startsWith('lever-us_gov-'))""")
        assert foreign == [], f"{what}: the US team's page has another seat's levers: {foreign}"
        assert page.locator('[class*="lever-us_gov-"]').count() >= 10, f"{what}: the US team's levers are missing"
        forms = page.locator(".team-seat").inner_text()
        for seat, name in SEAT_NAMES.items():
            if seat != "us_gov":
                assert name not in forms, f"{what}: {name!r} appears in the US team's seat card"
        for line in body_text(page).splitlines():  # the internal-model lead only as the bloc's estimate
            if "internal" in line.lower():
                assert "estimate" in line.lower(), f"{what}: a line about internal models is not an estimate: {line}"
        html = page.content()
        leaked = [s[:6] for s in foreign_secrets if s in html]
        assert leaked == [], f"{what}: the US team's page holds other links' secrets (starting {leaked})"

    only_own_seat(us, "first load")
    text = body_text(us)
    for seat in ("prc_gov", "us_lab_a", "prc_lab_b"):  # before any news, no other seat is named at all
        assert SEAT_NAMES[seat] not in text, f"the US team's page names {SEAT_NAMES[seat]!r}"
    fill_lever(prc, "prc_gov", "domestic_subsidy_busd", "12.3456")
    submit(prc, "prc_gov", console)
    drawn = version_of(console)  # the US page redraws on the PRC's submission; nothing of it shows there
    us.wait_for_function(f"() => /v{drawn}$/.test(document.querySelector('{MARKER}').textContent)",
                         timeout=WATCH_MS)
    assert "12.3456" not in body_text(us) and "12.35" not in body_text(us), "the US team sees the PRC's decision"
    assert "12.3456" not in console.locator(".facilitator-console").inner_text(), "the console shows a decision"
    only_own_seat(us, "after the PRC submitted")

    base = rooms_server.url
    error_links = {
        "another room's id with this team's key": f"{base}?room={other_room.room_id}&key={us_token}",
        "the key with one character changed": f"{base}?room={room.room_id}&key={us_token[:-1]}"
                                              + ("A" if us_token[-1] != "A" else "B"),
        "the key cut short": f"{base}?room={room.room_id}&key={us_token[:12]}",
        "no key": f"{base}?room={room.room_id}",
        "a path as the room id": f"{base}?room=../rooms/{room.room_id}&key={us_token}",
        "the facilitator's key of another room": f"{base}?room={room.room_id}&key={other_room.facilitator_token}",
    }
    for what, link in error_links.items():
        page = us_ctx.new_page()
        page.goto(link)
        error = page.locator(".room-link-error")
        error.wait_for(timeout=FIRST_LOAD_MS)
        expect(error).to_contain_text(BAD_LINK)
        for css in (".team-view", ".seat-form", ".facilitator-console", ".projector-view", ".room-links"):
            expect(page.locator(css)).to_have_count(0)
        html = page.content()
        assert not [s for s in (*foreign_secrets, us_token) if s in html], f"{what}: the error page holds a secret"
        page.close()
    shot(us, "isolation-us-team-1366")

    seat_link = us_ctx.new_page()  # a seat in the URL changes nothing: the token alone decides the seats
    seat_link.goto(f"{base}?room={room.room_id}&key={us_token}&seat=prc_gov")
    seat_link.locator(".submit-us_gov").wait_for(timeout=FIRST_LOAD_MS)
    only_own_seat(seat_link, "?seat=prc_gov")
    expect(seat_link.locator(".submit-prc_gov")).to_have_count(0)

    projector = tabletop_context().new_page()  # the projector's key opens the projector, never the console
    projector.goto(url_of(rooms_server, room, "projector"))
    projector.locator(".projector-view").wait_for(timeout=FIRST_LOAD_MS)
    for css in (".facilitator-console", ".step-season", ".step-force", ".lock-season", ".room-links",
                ".undo-season", ".add-note", ".play-inject", ".seat-form", ".team-view"):
        expect(projector.locator(css)).to_have_count(0)
    projector_html = projector.content()
    assert not [s for s in (room.facilitator_token, us_token, prc_token) if s in projector_html]
    assert "12.3456" not in projector.locator("body").inner_text()
    shot(projector, "isolation-projector-1366")

    fill_lever(prc, "prc_gov", "domestic_subsidy_busd", "99")  # the PRC team still changes only its own seat
    expect(prc.locator(".unsubmitted-prc_gov")).to_contain_text("not submitted yet")
    submit(prc, "prc_gov")
    expect(prc.locator(".unsubmitted-prc_gov")).to_have_count(0)
    assert saved(rooms_server, room.room_id)["state"]["submissions"]["prc_gov"]["domestic_subsidy_busd"] == 99
    assert "us_gov" not in saved(rooms_server, room.room_id)["state"]["submissions"]
    assert us_ctx.problems == [] and prc_ctx.problems == []


# ----------------------------------------------------------------------------------------------- 4. Step clicks
def wait_settled(console, room_id: str, server, season: str) -> str:
    """Wait until the console shows ``season``, then 2 s more; the season the save file has then."""
    expect(console.locator(".console-season")).to_contain_text(f"next season {season}", timeout=WATCH_MS)
    console.wait_for_timeout(2000)  # any second season would be played by now
    return saved(server, room_id)["state"]["season"]


def quick_clicks(page, css: str, count: int) -> float:
    """``count`` mouse clicks at the centre of a button, as fast as the mouse can go; their spread in ms."""
    box = page.locator(css).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = now_ms()
    for _ in range(count):
        page.mouse.click(x, y)
    return now_ms() - start


def test_a_double_click_or_five_quick_clicks_on_step_play_one_season(rooms_server, tabletop_context):
    demo = make_room(rooms_server, teams=[], seed=31)  # the computer plays every seat: Step is always enabled
    console = open_view(tabletop_context(), url_of(rooms_server, demo, "facilitator"), ".step-season")
    console.locator(".step-season").dblclick()
    assert wait_settled(console, demo.room_id, rooms_server, "2026Q4") == "2026Q4", "a double-click played twice"
    spread = quick_clicks(console, ".step-season", 5)
    print(f"five clicks on Step within {spread:.0f} ms")
    assert wait_settled(console, demo.room_id, rooms_server, "2027Q1") == "2027Q1", "five clicks played more than once"
    console.locator(".step-season").evaluate("b => { for (let i = 0; i < 5; i++) b.click(); }")  # one JS task
    assert wait_settled(console, demo.room_id, rooms_server, "2027Q2") == "2027Q2"
    assert saved(rooms_server, demo.room_id)["log"]["seasons_played"] == 3

    room = make_room(rooms_server, seed=32)  # teams that have not submitted: "Step anyway"
    console = open_view(tabletop_context(), url_of(rooms_server, room, "facilitator"), ".step-force")
    expect(console.locator(".step-season")).to_be_disabled()
    console.locator(".step-force").dblclick()
    assert wait_settled(console, room.room_id, rooms_server, "2026Q4") == "2026Q4", "a double-click played twice"
    spread = quick_clicks(console, ".step-force", 5)
    print(f"five clicks on Step anyway within {spread:.0f} ms")
    assert wait_settled(console, room.room_id, rooms_server, "2027Q1") == "2027Q1", "five clicks played more than once"
    log = saved(rooms_server, room.room_id)["log"]
    assert log["seasons_played"] == 2
    stand_ins = [n["season"] for n in log["notes"] if n["text"].startswith("No decision came in time from")]
    assert stand_ins == ["2026Q3", "2026Q4"], stand_ins
    shot(console, "step-clicks-console-1366")


# ----------------------------------------------------------------------------------------------- 5. a phone
def test_the_team_view_on_a_phone_reaches_and_submits_its_form(rooms_server, tabletop_context):
    room = make_room(rooms_server, seed=41)
    phone = tabletop_context(**PHONE)
    page = open_view(phone, url_of(rooms_server, room, "team", "team3"), ".seat-form-us_lab_a")
    settle(page)
    shot(page, "phone-team-top")
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert width == 390, width
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('.team-view *'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && getComputedStyle(e).overflowX !== 'auto' && !e.closest('[style*="overflow-x: auto"]'))
        .map(e => e.tagName + '.' + Array.from(e.classList).join('.')).slice(0, 5)""")
    assert wide == [], f"parts of the team view stick out past the phone's right edge: {wide}"
    fill_lever(page, "us_lab_a", "testing_quarters", "3")
    button = page.locator(".submit-us_lab_a")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844 and box["x"] + box["width"] <= 390
    shot(page, "phone-team-submit")
    button.tap()
    page.locator(".submitted-us_lab_a").wait_for(timeout=WATCH_MS)
    page.locator(".submitted-us_lab_a").scroll_into_view_if_needed()
    shot(page, "phone-team-submitted")
    assert saved(rooms_server, room.room_id)["state"]["submissions"]["us_lab_a"]["testing_quarters"] == 3
    assert phone.problems == []


# ----------------------------------------------------------------------------------------------- 6. screenshots
_COVER_JS = """(img) => {
    const r = img.getBoundingClientRect();
    const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
    return points.filter(([fx, fy]) => document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height) !== img)
        .map(([fx, fy]) => { const e = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
                              return `${fx},${fy}: ${e ? e.tagName + '.' + e.className : 'nothing'}`; });
}"""


def chart_images(page):
    """The projector's public charts (the canvases ECharts draws in the browser), each drawn with ink."""
    from test_browser_tabletop import assert_png_has_content

    canvases = page.locator(".public-chart canvas")
    expect(canvases).to_have_count(2, timeout=WATCH_MS)
    for i in range(2):
        canvases.nth(i).scroll_into_view_if_needed()
        assert_png_has_content(canvases.nth(i).screenshot(), f"projector chart {i + 1}")
    return canvases


def test_screenshots_of_every_view_and_a_legible_uncovered_projector(rooms_server, tabletop_context):
    room = make_room(rooms_server, seed=51)  # three seasons played here, with a public note, before the views open
    fac = room.access_for(room.facilitator_token)
    for _ in range(3):
        room.add_note(fac, "Facilitator: the Commerce Department announces a review of chip export licences.")
        room.step(fac, room.season, force=True)
    over = make_room(rooms_server, seed=52)  # a finished game, for the debrief
    over_fac = over.access_for(over.facilitator_token)
    while not over.finished:
        over.step(over_fac, over.season, force=True)

    views = {"console": (url_of(rooms_server, room, "facilitator"), ".seat-status-table"),
             "team": (url_of(rooms_server, room, "team", "team3"), ".submit-us_lab_a"),
             "projector": (url_of(rooms_server, room, "projector"), ".projector-news-item"),
             "debrief-console": (url_of(rooms_server, over, "facilitator"), ".reveal-debrief"),
             "debrief-team": (url_of(rooms_server, over, "team", "team1"), ".reveal-debrief"),
             "debrief-projector": (url_of(rooms_server, over, "projector"), ".reveal-debrief")}
    pages = {}
    for name, (link, ready) in views.items():
        pages[name] = open_view(tabletop_context(viewport=SIZES[1366]), link, ready)
    for page in pages.values():
        settle(page)
    for width, size in SIZES.items():
        for name, page in pages.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(300)
            shot(page, f"{name}-{width}")
        for name in ("team", "projector", "debrief-projector"):  # what lies below the first screen
            scroll_by(pages[name], size["height"] * 0.85)
            shot(pages[name], f"{name}-{width}-scrolled")
            scroll_by(pages[name], -size["height"] * 20)

    projector = pages["projector"]
    projector.set_viewport_size(SIZES[1366])
    news = projector.locator(".projector-news-item").first
    news.scroll_into_view_if_needed()
    size = float(news.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    print(f"projector news text at 1366x768: {size:.1f} px")
    assert size >= 18, f"the projector's news text is {size:.1f} px at 1366x768 (at least 18 px)"
    for css in (".projector-seat", ".projector-title"):
        small = float(projector.locator(css).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert small >= 18, f"the projector's {css} text is {small:.1f} px at 1366x768"

    projector.set_viewport_size(SIZES[1920])
    projector.wait_for_timeout(300)
    images = chart_images(projector)
    for i in range(2):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        print(f"projector chart {i + 1} at 1920x1080: {box['width']:.0f} x {box['height']:.0f} px")
        assert box["width"] >= 900, f"projector chart {i + 1} is {box['width']:.0f} px wide at 1920x1080"
        covered = image.evaluate(_COVER_JS)
        assert covered == [], f"projector chart {i + 1} is covered at 1920x1080: {covered}"
    shot(projector, "projector-1920-charts")
    projector.set_viewport_size(SIZES[1366])
    images = chart_images(projector)
    for i in range(2):
        images.nth(i).scroll_into_view_if_needed()
        covered = images.nth(i).evaluate(_COVER_JS)
        assert covered == [], f"projector chart {i + 1} is covered at 1366x768: {covered}"
    for name, page in pages.items():
        assert "Traceback" not in body_text(page), name


# ----------------------------------------------------------------------------------------------- 7. kill -9
_RECOVERED_JS = """([season]) => {
    const marker = document.querySelector('.room-state-marker');
    return !!marker && !marker.dataset.beforeKill && (marker.textContent || '').startsWith(season);
}"""


def test_kill_9_mid_season_every_view_comes_back_with_every_submission(rooms_server, tabletop_context):
    room = make_room(rooms_server, seed=61)
    console = open_view(tabletop_context(), url_of(rooms_server, room, "facilitator"), ".seat-status-table")
    projector = open_view(tabletop_context(), url_of(rooms_server, room, "projector"), ".projector-view")
    teams = {team.id: open_view(tabletop_context(), url_of(rooms_server, room, "team", team.id),
                                f".submit-{team.seats[0]}") for team in room.teams.values()}
    us, prc, us_labs, prc_labs = (teams[f"team{i}"] for i in range(1, 5))
    fill_lever(us, "us_gov", "enforcement_budget_musd", "333")
    submit(us, "us_gov", console)
    fill_lever(prc, "prc_gov", "domestic_subsidy_busd", "7.5")
    submit(prc, "prc_gov", console)
    fill_lever(us_labs, "us_lab_a", "testing_quarters", "4")  # typed, not submitted: lost with the server
    assert set(saved(rooms_server, room.room_id)["state"]["submissions"]) == {"us_gov", "prc_gov"}

    views = {"console": console, "projector": projector, **teams}
    for page in views.values():
        page.evaluate(f"() => {{ document.querySelector('{MARKER}').dataset.beforeKill = '1'; }}")
    rooms_server.kill()
    killed = time.monotonic()
    console.wait_for_timeout(1500)
    down = body_text(us)[-120:].replace("\n", " | ")  # what a team's page shows while the server is down
    shot(us, "kill9-team-while-down")
    rooms_server.start()
    print(f"server restarted {time.monotonic() - killed:.1f} s after kill -9")

    unrecovered = {}
    for name, page in views.items():
        left = max(1.0, RECOVER_S - (time.monotonic() - killed))
        try:
            page.wait_for_function(_RECOVERED_JS, arg=["2026Q3"], timeout=left * 1000)
        except Exception:  # noqa: BLE001 - reported below, with what the page shows
            unrecovered[name] = body_text(page)[-150:].replace("\n", " | ")
            shot(page, f"kill9-{name}-not-recovered")
        else:
            print(f"{name} came back on its own {time.monotonic() - killed:.1f} s after the kill")
    for name in unrecovered:  # the fallback a person would use: reload the same link
        views[name].reload()
        views[name].wait_for_function(_RECOVERED_JS, arg=["2026Q3"], timeout=FIRST_LOAD_MS)
    shot(console, "kill9-console-after")
    shot(us, "kill9-team-after")

    expect(console.locator(".seat-status-table")).to_be_visible()
    expect_status(console, "us_gov", "submitted")
    expect_status(console, "prc_gov", "submitted")
    expect_status(console, "us_lab_a", "drafting")
    expect(us.locator(".submitted-us_gov")).to_be_visible()
    expect(us.locator(".lever-us_gov-enforcement_budget_musd input")).to_have_value("333")
    expect(prc.locator(".lever-prc_gov-domestic_subsidy_busd input")).to_have_value("7.5")
    expect(projector.locator(".projector-seat-us_gov")).to_contain_text("submitted")
    expect(us_labs.locator(".submitted-us_lab_a")).to_have_count(0)

    # the views are live again: the last two teams submit and the facilitator steps
    for seat, page in (("us_lab_a", us_labs), ("prc_lab_b", prc_labs)):
        latency = record("submit -> console (after restart)", submit(page, seat, console))
        assert latency <= STATUS_UPDATE_MAX_S, f"after the restart, {seat}'s submit took {latency:.2f} s to show"
    times = step_and_measure(console, {"console": (console, "console"), "projector": (projector, "projector"),
                                       **{name: (page, "team") for name, page in teams.items()}}, force=False)
    print("after the restart, step -> views " + ", ".join(f"{n} {s:.2f}" for n, s in times.items()) + " s")
    assert max(times.values()) <= STEP_UPDATE_MAX_S, times
    log = saved(rooms_server, room.room_id)["log"]
    first = {d["seat"]: d["levers"] for d in log["decisions"] if d["season"] == "2026Q3"}
    assert first["us_gov"]["enforcement_budget_musd"] == pytest.approx(333)
    assert first["prc_gov"]["domestic_subsidy_busd"] == pytest.approx(7.5)
    assert not unrecovered, (
        "after kill -9 and a restart these views did not come back on their own within "
        f"{RECOVER_S} s (a reload of the same link did); the end of what each showed: {unrecovered}; while the "
        f"server was down a team's page ended with: {down!r}")


# ----------------------------------------------------------------------------------------------- 8. the log
def test_no_link_secret_ever_reaches_the_server_log(rooms_server, tabletop_context):
    room = make_room(rooms_server, seed=71)
    ctx = tabletop_context()
    for link in (url_of(rooms_server, room, "facilitator"), url_of(rooms_server, room, "team", "team2"),
                 url_of(rooms_server, room, "projector"), f"{rooms_server.url}?join={room.teams['team1'].code}",
                 f"{rooms_server.url}?room={room.room_id}&key={room.teams['team1'].token[:-2]}xx"):
        page = ctx.new_page()
        page.goto(link)
        # a room view, the bad-link message, or (for the join code) whatever the page ends on
        page.locator(f"{MARKER}, .room-link-error, .join-error, .start-game").first.wait_for(
            state="attached", timeout=FIRST_LOAD_MS)
        page.close()
    time.sleep(1)
    log = rooms_server.log_path.read_text(errors="replace")
    secrets, codes = {}, {}
    for path in (rooms_server.games_dir / "rooms").glob("*.json"):
        state = json.loads(path.read_text())["state"]
        secrets[f"{path.stem} facilitator"] = state["facilitator_token"]
        secrets[f"{path.stem} projector"] = state["projector_token"]
        for team in state["teams"]:
            secrets[f"{path.stem} {team['id']}"] = team["token"]
            codes[f"{path.stem} {team['id']}"] = team["code"]
    assert len(secrets) >= 6
    assert "key=..." in log, "the access log shows no room link at all: the test would prove nothing"
    leaked = sorted(name for name, token in secrets.items() if token in log)
    assert leaked == [], f"link secrets in the server log ({rooms_server.log_path}): {leaked}"
    leaked = sorted(name for name, code in codes.items() if code in log or code.replace("-", "") in log)
    assert leaked == [], f"team join codes (they open a team's link) in the server log: {leaked}"
    assert "Traceback" not in log, log[log.index("Traceback") - 200:][:3000]
