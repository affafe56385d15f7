"""Real-browser tests of the tabletop: Debian's Chromium via Playwright against ``solara run app.py``.

Every page runs offline (requests off 127.0.0.1 are blocked and must not happen). Together the tests load
the page, set a human decision, step two seasons and see the charts change, save, reload after a server
restart and resume, upload a saved log, refuse a tampered one, and check two sessions are isolated.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from wargame.tabletop.charts import CHART_MAX_WIDTH_PX

pytest_plugins = ["browser_conftest"]  # tabletop_server, tabletop_context, ... (tests/browser_conftest.py)
pytestmark = pytest.mark.browser


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def screenshot(page, name):
    """Save a screenshot of the page to ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def open_app(ctx, url):
    page = ctx.new_page()
    page.goto(url)
    return page


def start_game(page):
    page.get_by_role("button", name="Start game").click()
    page.get_by_role("button", name="Step season").wait_for()


def step(page, next_season):
    page.get_by_role("button", name="Step season").click()
    page.get_by_text(f"Next season: {next_season}").wait_for()


def upload(page, path):
    with page.expect_file_chooser() as chooser:
        page.locator(".upload-log").first.click()
    chooser.value.set_files(str(path))


CHART_TABS = (("Lead", "lead"), ("Compute", "compute"), ("Labs", "labs"), ("Adoption", "adoption"),
              ("Flow map", "network"))

# True once the chart image has loaded and is what the browser actually shows at its centre and near its
# corners (not clipped by a zero-height or scrolled-away container, nor covered by anything).
_CHART_SHOWN_JS = """(img) => {
    if (!img.complete || img.naturalWidth === 0) return false;
    const r = img.getBoundingClientRect();
    if (r.height < 100 || r.width < 100) return false;
    const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.9]];
    return points.every(([fx, fy]) => document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height) === img);
}"""


def assert_png_has_content(png: bytes, what: str) -> None:
    """The PNG is a real drawing: not one flat colour, and more than a few distinct colours."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, f"{what} looks blank ({len(colours)} colours)"
    dark = sum(image.convert("L").histogram()[:200])
    assert dark > 0.005 * image.width * image.height, f"{what} has almost no ink: {dark} dark pixels"


def png_difference(first: bytes, second: bytes) -> float:
    """The share of pixels that differ between two PNGs (the second resized to the first's size)."""
    from PIL import Image, ImageChops

    a = Image.open(io.BytesIO(first)).convert("L")
    b = Image.open(io.BytesIO(second)).convert("L").resize(a.size)
    changed = ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0).histogram()[255]
    return changed / (a.width * a.height)


def visible_chart_png(page, name: str) -> bytes:
    """Wait until the ``.chart-<name>`` image is really on screen, check its size, and return its pixels.

    Waiting for the ``<img>`` to exist is not enough: an image inside a container of height 0 with
    ``overflow: hidden`` is attached and has a box, yet nothing of it is on screen.
    """
    chart = page.locator(f".chart-{name} img")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    page.wait_for_function(_CHART_SHOWN_JS, arg=chart.element_handle(), timeout=20_000)
    box = chart.bounding_box()
    column = page.locator(".view-tabs").first.bounding_box()
    assert box is not None and column is not None
    assert box["height"] > 100, f"the {name} chart is only {box['height']:.0f} px high"
    wanted = min(column["width"], CHART_MAX_WIDTH_PX)  # charts fill their column up to a maximum width
    assert box["width"] >= 0.97 * wanted, (
        f"the {name} chart is {box['width']:.0f} px wide in a {column['width']:.0f} px column")
    png = chart.screenshot()
    region = page.screenshot(clip=box)  # what the page shows there, not just the element
    assert_png_has_content(png, f"the {name} chart")
    assert_png_has_content(region, f"the page where the {name} chart is")
    return png


# Counts the animation frames in which the chart image is loaded but not what the page shows at its centre
# (e.g. clipped by a 0 px high container while a tab transition runs); stops once it has been seen.
_WATCH_CHART_JS = """(css) => {
    const watch = window.__chartWatch = {clipped: 0, seen: 0};
    const frame = () => {
        const img = document.querySelector(css);
        if (img && img.complete && img.naturalWidth > 0) {
            const r = img.getBoundingClientRect();
            const shown = r.height > 0 &&
                document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === img;
            if (shown) watch.seen += 1; else watch.clipped += 1;
        }
        if (watch.seen < 10) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""


def open_chart_tab(page, label: str, name: str) -> bytes:
    """Click a chart tab and return the pixels of its chart once it is visible.

    Also checks that the chart is on screen from the moment it has loaded: never hidden, even briefly.
    """
    page.evaluate(_WATCH_CHART_JS, f".chart-{name} img")
    page.get_by_role("tab", name=label).click()
    expect(page.get_by_role("tab", name=label)).to_have_attribute("aria-selected", "true")
    png = visible_chart_png(page, name)
    page.wait_for_function("() => window.__chartWatch.seen >= 10")
    clipped = page.evaluate("() => window.__chartWatch.clipped")
    assert clipped == 0, f"the {name} chart was loaded but hidden for {clipped} frames after opening its tab"
    return png


def lead_chart_png(page) -> bytes:
    return visible_chart_png(page, "lead")


def test_page_renders_offline_set_decision_and_step_two_seasons(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.get_by_role("button", name="Start game").wait_for()
    page.get_by_text("Baseline").first.wait_for()
    screenshot(page, "01-setup")
    start_game(page)
    page.get_by_text("Next season: 2026Q3").wait_for()
    before = lead_chart_png(page)

    threshold = page.locator(".lever-us_gov-chip_threshold_h100e input")
    threshold.fill("0.05")
    threshold.press("Tab")
    page.get_by_text("Policy proposes: 0.15").first.wait_for()
    screenshot(page, "02-decision-set")

    step(page, "2026Q4")
    step(page, "2027Q1")
    page.locator(".chart-lead").scroll_into_view_if_needed()
    after = lead_chart_png(page)
    assert after != before, "the lead chart did not change after two seasons"
    screenshot(page, "03-after-two-seasons")

    charts = {}
    for number, (label, name) in enumerate(CHART_TABS[1:] + CHART_TABS[:1], start=1):
        charts[name] = open_chart_tab(page, label, name)
        screenshot(page, f"04-{number}-tab-{name}")
        assert page.locator(".view-tabs img").count() == 1, "more than one chart drawn: tabs are not lazy"
    for i, first in enumerate(CHART_TABS):
        for second in CHART_TABS[i + 1:]:
            diff = png_difference(charts[first[1]], charts[second[1]])
            assert diff > 0.02, f"the {first[1]} and {second[1]} tabs show the same picture ({diff:.1%})"
    assert png_difference(charts["lead"], after) < 0.01, "the lead chart changed by switching tabs"
    open_chart_tab(page, "Flow map", "network")
    screenshot(page, "04-flow-map")

    game_id = page.url.split("game=")[1]
    saved = json.loads((tabletop_server.games_dir / f"{game_id}.json").read_text())
    us_decisions = [d for d in saved["decisions"] if d["seat"] == "us_gov"]
    assert us_decisions[0]["season"] == "2026Q3"
    assert us_decisions[0]["levers"]["chip_threshold_h100e"] == pytest.approx(0.05)

    page.get_by_role("button", name="Play to end").click()
    page.get_by_text("Human decisions").wait_for()
    visible_chart_png(page, "lead")  # the debrief opens on the lead chart
    page.get_by_text("Debrief:").first.scroll_into_view_if_needed()
    screenshot(page, "10-debrief")
    scores = page.locator(".score-table")
    scores.evaluate("e => e.scrollIntoView({block: 'start'})")
    expect(scores.locator("tbody tr")).to_have_count(len(saved["scenario"]["governments"]) + sum(
        len(saved["scenario"][group]) for group in ("labs", "chipmakers", "smugglers", "overseas_clouds")))
    expect(scores.locator("tbody tr").first).to_contain_text("human")
    screenshot(page, "10b-debrief-final-scores")
    page.get_by_text("Human decisions").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "11-debrief-decisions")
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"


def test_save_restart_reload_resume_and_upload(tabletop_server, tabletop_context, tmp_path):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    start_game(page)
    step(page, "2026Q4")
    assert "game=" in page.url
    with page.expect_download() as info:
        page.get_by_role("button", name="Download game log").click()
    download = tmp_path / "game.json"
    info.value.save_as(download)
    assert json.loads(download.read_text())["seasons_played"] == 1

    tabletop_server.restart()  # every in-memory session is gone; the autosave is not
    page.reload()
    page.get_by_text("Next season: 2026Q4").wait_for()
    screenshot(page, "05-resumed-after-restart")

    fresh = open_app(ctx, tabletop_server.url)  # a new session on the setup screen
    fresh.get_by_role("button", name="Start game").wait_for()
    tampered = tmp_path / "tampered.json"
    log = json.loads(download.read_text())
    log["seed"] += 1
    tampered.write_text(json.dumps(log))
    upload(fresh, tampered)
    fresh.get_by_text("checksum mismatch").wait_for()
    screenshot(fresh, "06-tampered-upload")
    upload(fresh, download)
    fresh.get_by_text("Next season: 2026Q4").wait_for()
    screenshot(fresh, "07-resumed-from-upload")
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"


def test_two_sessions_are_isolated(tabletop_server, tabletop_context):
    alice, bob = tabletop_context(), tabletop_context()
    page_a = open_app(alice, tabletop_server.url)
    page_b = open_app(bob, tabletop_server.url)
    start_game(page_a)
    start_game(page_b)
    step(page_a, "2026Q4")
    step(page_a, "2027Q1")
    page_b.get_by_text("Next season: 2026Q3").wait_for()
    assert page_b.get_by_text("Next season: 2027Q1").count() == 0
    assert page_a.url != page_b.url
    page_b.reload()
    page_b.get_by_text("Next season: 2026Q3").wait_for()
    screenshot(page_a, "08-session-a")
    screenshot(page_b, "09-session-b")
    assert alice.problems == [] and bob.problems == []


def test_nan_in_a_lever_is_a_message_at_the_field_and_blocks_the_step(tabletop_server, tabletop_context):
    """Typing ``nan`` used to replace the page with a traceback ("Too many renders triggered")."""
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    start_game(page)
    log_before = tabletop_server.log_path.read_text(errors="replace")
    budget = page.locator(".lever-us_gov-enforcement_budget_musd")
    for text in ("nan", "inf", "1e999", "", "abc"):
        budget.locator("input").fill(text)
        message = budget.locator(".v-messages__message")
        expect(message).to_have_text(
            "Enforcement budget: must be between 0 and 1,000 USD million per quarter" + {
                "": " (the field is empty).", "abc": " ('abc' is not a number)."}.get(
                text, f" ('{text}' is not a usable number)."))
        page.get_by_role("button", name="Step season").click()
        page.get_by_text("Fix these decisions before stepping").first.wait_for()
        assert page.get_by_text("Next season: 2026Q3").count() == 1
    budget.locator("input").fill("nan")
    page.get_by_role("button", name="Step season").click()
    page.get_by_text("Fix these decisions before stepping").first.wait_for()
    budget.scroll_into_view_if_needed()
    screenshot(page, "12-nan-lever-message")
    body = page.locator("body").inner_text()
    assert "Too many renders" not in body and "Traceback" not in body and "SessionError" not in body
    new_log = tabletop_server.log_path.read_text(errors="replace")[len(log_before):]
    assert "Too many renders" not in new_log and "Traceback" not in new_log, new_log[-2000:]
    budget.locator("input").fill("300")
    expect(budget.locator(".v-messages__message")).to_have_count(0)
    step(page, "2026Q4")
    assert ctx.problems == []


# How far the page is scrolled: Solara's layout scrolls an inner <div>, not the window.
_SCROLLED_JS = """() => {
    let most = Math.max(window.scrollY, document.scrollingElement.scrollTop);
    document.querySelectorAll('div, main').forEach(e => { most = Math.max(most, e.scrollTop); });
    return most;
}"""


def test_start_game_scrolls_to_the_views(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.get_by_role("button", name="Start game").wait_for()
    page.get_by_role("button", name="Start game").scroll_into_view_if_needed()
    assert page.evaluate(_SCROLLED_JS) > 100, "the setup screen should be scrolled down for this test"
    page.get_by_role("button", name="Start game").click()
    page.get_by_text("Next season: 2026Q3").wait_for()
    page.wait_for_function(f"() => ({_SCROLLED_JS})() === 0")
    lead = page.locator(".chart-lead img")
    expect(lead).to_be_visible()
    page.wait_for_function(_CHART_SHOWN_JS, arg=lead.element_handle(), timeout=20_000)
    box = lead.bounding_box()
    assert box is not None and 0 <= box["y"] < 400, f"the lead chart is not at the top of the page: {box}"
    screenshot(page, "13-after-start-scrolled-to-top")


@pytest.mark.parametrize("game", ["doesnotexist", "../../etc/passwd"])
def test_a_url_with_no_saved_game_shows_a_notice(tabletop_server, tabletop_context, game):
    ctx = tabletop_context()
    page = open_app(ctx, f"{tabletop_server.url}?game={game}")
    page.get_by_text(f"No saved game with id '{game}' — start a new game or upload a game log.").wait_for()
    page.get_by_role("button", name="Start game").wait_for()
    if game == "doesnotexist":
        screenshot(page, "14-no-saved-game")
    assert ctx.problems == []


def test_seed_above_the_cap_says_the_allowed_range(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    seed = page.locator(".seed-input input")
    seed.fill(str(2**63))
    page.get_by_text("from 0 to 9223372036854775807 (2**63 - 1)").first.wait_for()
    expect(page.get_by_role("button", name="Start game")).to_be_disabled()
    screenshot(page, "15-seed-range")


def test_a_lab_seat_sees_only_its_levers_a_running_share_total_and_its_score(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.get_by_role("button", name="Start game").wait_for()
    for seat in ("us_gov", "prc_gov"):  # hand the governments to the computer, take a PRC lab
        page.locator(f".human-{seat} .v-input--selection-controls__ripple").click()
    page.locator(".human-prc_lab_a .v-input--selection-controls__ripple").click()
    expect(page.locator(".policy-prc_lab_a")).to_have_count(0)  # a human seat has no computer policy
    expect(page.locator(".policy-us_gov")).to_contain_text("Keeps 2026 policy")  # the policy in plain words
    expect(page.locator(".policy-prc_gov")).to_have_count(1)
    page.locator(".seat-prc_lab_a").first.scroll_into_view_if_needed()
    screenshot(page, "16-setup-policy-descriptions")
    start_game(page)
    form = page.locator(".decision-prc_lab_a")
    expect(form.locator(".lever-prc_lab_a-distillation_effort")).to_have_count(1)
    expect(form.locator(".lever-prc_lab_a-distillation_defence")).to_have_count(0)
    total = form.locator(".share-total")
    expect(total).to_contain_text("adds up to 1")
    form.locator(".lever-prc_lab_a-safety_share input").fill("0.5")
    expect(total).to_contain_text("must be 1")
    form.locator(".lever-prc_lab_a-safety_share input").press("Tab")
    total.scroll_into_view_if_needed()
    screenshot(page, "17-lab-form-share-total")
    page.get_by_role("button", name="Reset to policy proposal").click()
    expect(total).to_contain_text("adds up to 1")
    step(page, "2026Q4")
    score = page.locator(".score-prc_lab_a")
    expect(score.locator(".score-total")).to_contain_text("points so far, after 1 season")
    expect(score).to_contain_text("Capability against the other labs")
    expect(score.locator(".score-breakdown tbody tr")).to_have_count(4)
    score.scroll_into_view_if_needed()
    screenshot(page, "18-score-panel")
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"


# ----------------------------------------------------------------- reveal debrief, double clicks, uploads, XSS
XSS = '<img src=x onerror="window.__xss=1"> {{ 7*7 }}'


def hostile_log(tmp_path: Path) -> tuple[Path, dict]:
    """A saved game (2 seasons, seed 11) whose every text field holds HTML, script and a Vue template, re-signed.

    The scenario title and briefing, every seat's name and the facilitator's notes (public and private news)
    carry :data:`XSS`; the checksum is recomputed (:func:`wargame.gamelog._checksum`) so the file is accepted.
    """
    from wargame.gamelog import _checksum
    from wargame.tabletop.session import GameSession

    game = GameSession.new("baseline", 11, ["us_gov", "prc_gov"])
    for _ in range(2):
        game.model.add_note(f"NOTE {XSS}")
        game.model.add_note(f"SECRET {XSS}", audience="PRC")
        game.step()
    log = game.log()
    log["scenario"]["scenario"]["title"] = f"TITLE {XSS}"
    log["scenario"]["scenario"]["briefing"] = f"BRIEFING {XSS}"
    for group in ("governments", "labs", "chipmakers", "smugglers", "overseas_clouds"):
        for seat in log["scenario"][group]:
            seat["name"] = f"{seat['name'][:24]} {XSS}"
    for note in log["notes"]:
        note["text"] = note["text"].replace("NOTE", "EDITED NOTE")
    log["checksum"] = _checksum({k: val for k, val in log.items() if k != "checksum"})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(log))
    return path, log


def assert_no_script_ran(page) -> None:
    assert page.evaluate("() => typeof window.__xss") == "undefined", "markup from the game log was executed"
    assert page.locator("img[src='x']").count() == 0, "markup from the game log became an element"


def test_an_uploaded_log_with_markup_in_every_text_field_shows_it_as_text(tabletop_server, tabletop_context,
                                                                          tmp_path):
    path, log = hostile_log(tmp_path)
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.get_by_role("button", name="Start game").wait_for()
    upload(page, path)
    page.get_by_text("Next season: 2027Q1").wait_for()
    assert_no_script_ran(page)
    title = page.locator(".v-toolbar__title").first
    expect(title).to_contain_text(f"TITLE {XSS} · seed 11 · season 2027Q1")
    us_card = page.locator(".decision-us_gov").first
    expect(us_card).to_contain_text(f"US government {XSS}: decisions for 2027Q1")
    expect(page.locator(".news-log").first).to_contain_text(f"EDITED NOTE {XSS}")
    expect(page.locator(".news-log").first).to_contain_text(f"SECRET {XSS} (known only to the PRC bloc)")
    page.get_by_text("<img src=x").first.wait_for()
    expect(page.get_by_text("{{ 7*7 }}").first).to_be_visible()
    screenshot(page, "20-hostile-log-in-play")

    page.get_by_role("button", name="Play to end").click()
    page.locator(".reveal-debrief").wait_for()
    assert_no_script_ran(page)
    expect(page.locator(".debrief-scenario")).to_contain_text(f"Scenario TITLE {XSS}, seed 11")
    expect(page.locator(".score-table tbody tr").first).to_contain_text(f"US government {XSS}")
    expect(page.locator(".reveal-seat-title").first).to_contain_text(f"US government {XSS}: US government")
    expect(page.locator(".reveal-belief-title").first).to_contain_text(f"US government {XSS}")
    news = page.locator(".reveal-news")
    expect(news).to_contain_text(f"EDITED NOTE {XSS}")
    expect(news.locator(".news-private").first).to_contain_text(f"SECRET {XSS} (known only to the PRC bloc)")
    page.locator(".reveal-news").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "21-hostile-log-debrief-news")
    page.locator(".score-table").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "22-hostile-log-debrief-scores")
    assert_no_script_ran(page)
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"


def saved_seasons(server, page) -> int:
    """Seasons played in the page's autosave (read from the server's games directory)."""
    game_id = page.url.split("game=")[1]
    return json.loads((server.games_dir / f"{game_id}.json").read_text())["seasons_played"]


def settle(page) -> None:
    """Wait until the server has handled everything the page sent before (its messages are handled in order).

    Queues an inject and waits for its notice: a click sent before it would have been handled by then.
    """
    page.get_by_role("button", name="Play inject next season").click()
    page.get_by_text("Queued for next season: Taiwan Strait crisis").wait_for()


def test_a_double_click_or_five_quick_clicks_on_step_play_one_season_each(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    start_game(page)
    page.locator(".step-season").dblclick()
    page.get_by_text("Next season: 2026Q4").wait_for()
    settle(page)
    expect(page.locator(".season-label")).to_have_text("Next season: 2026Q4 (2 of 10)")
    assert saved_seasons(tabletop_server, page) == 1

    page.locator(".step-season").evaluate("button => { for (let i = 0; i < 5; i++) button.click(); }")
    page.get_by_text("Next season: 2027Q1").wait_for()
    settle(page)
    expect(page.locator(".season-label")).to_have_text("Next season: 2027Q1 (3 of 10)")
    assert saved_seasons(tabletop_server, page) == 2

    page.locator(".step-season").click(click_count=5)
    page.get_by_text("Next season: 2027Q2").wait_for()
    settle(page)
    expect(page.locator(".season-label")).to_have_text("Next season: 2027Q2 (4 of 10)")
    assert saved_seasons(tabletop_server, page) == 3
    screenshot(page, "23-after-double-clicks")
    assert ctx.problems == []


def test_the_debrief_of_a_full_game_shows_every_news_item(tabletop_server, tabletop_context):
    from wargame.gamelog import replay
    from wargame.tabletop.panels import news_line
    from wargame.tabletop.session import GameSession

    expected = GameSession.new("baseline", 2033, ["us_gov", "prc_gov"])  # the same game, played here
    expected.play_inject("taiwan_strait_crisis")
    expected.step()
    expected.play_inject("taiwan_strait_crisis")
    expected.play_to_end()
    news = expected.model.news
    assert len(news) > 80 and news[0]["text"].startswith("Taiwan Strait crisis")  # beyond the old 80-item cut

    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.locator(".seed-input input").fill("2033")
    start_game(page)
    page.get_by_role("button", name="Play inject next season").click()
    page.get_by_text("Queued for next season: Taiwan Strait crisis").wait_for()
    step(page, "2026Q4")
    page.get_by_role("button", name="Play inject next season").click()
    page.get_by_text("Queued for next season: Taiwan Strait crisis").wait_for()
    page.get_by_role("button", name="Play to end").click()
    page.locator(".reveal-debrief").wait_for()

    game_id = page.url.split("game=")[1]
    saved = json.loads((tabletop_server.games_dir / f"{game_id}.json").read_text())
    assert [dict(n) for n in replay(saved).news] == [dict(n) for n in news], "the browser game is not the same game"
    items = page.locator(".reveal-news .news-item")
    expect(items).to_have_count(len(news))
    assert items.all_inner_texts() == [news_line(item) for item in news]
    expect(page.locator(".reveal-news .news-private")).to_have_count(sum(n["audience"] != "public" for n in news))
    decisions = page.locator(".reveal-decisions .reveal-decision-table tbody tr")
    expect(decisions).to_have_count(len(expected.model.decision_history))
    beliefs = page.locator(".reveal-beliefs .belief-table tbody tr")
    expect(beliefs.first).to_contain_text("±")
    visible_chart_png(page, "beliefs")

    page.locator(".reveal-beliefs").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "24-debrief-beliefs")
    page.locator(".reveal-decisions").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "25-debrief-decisions")
    items.first.evaluate("e => e.scrollIntoView({block: 'center'})")
    screenshot(page, "26-debrief-full-news")
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"


def test_an_oversized_upload_gets_a_message_and_the_page_stays_connected(tabletop_server, tabletop_context,
                                                                         tmp_path):
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:  # 20 MB: over the server's 16 MiB websocket message limit
        handle.truncate(20_000_000)
    ctx = tabletop_context()
    page = open_app(ctx, tabletop_server.url)
    page.get_by_role("button", name="Start game").wait_for()
    upload(page, big)
    message = page.locator(".upload-error")
    expect(message).to_contain_text("huge.json is 20.0 MB, too large for a game log (at most 5.2 MB;")
    screenshot(page, "27-oversized-upload")
    start_game(page)  # the connection is alive: the page still answers
    page.get_by_text("Next season: 2026Q3").wait_for()
    assert ctx.problems == []
