"""Branch in the debrief, in a real browser (issue 10, item 3): Debian's Chromium via Playwright, offline.

A hot-seat game (seed 2026; the two governments human, who decide the first two seasons) is played to its end;
in the debrief the facilitator opens the branch panel, picks a season and a seat and branches: left unchanged,
the two arms show the same numbers; with a strong change (the US sells its best chips to the PRC from 2026Q4
on) they differ. A computer seat left unchanged gives identical arms too, and a bad number of futures gets one
plain line. Screenshots go to ``test-artifacts/branch-*.png``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytest_plugins = ["browser_conftest"]  # tabletop_server, tabletop_context, ... (tests/browser_conftest.py)
pytestmark = pytest.mark.browser

#: Futures per arm in the test: 1,000 runs, well under a second of computing, and a paired interval of the
#: final lead narrow enough (about ±0.1 months) that a strong change shows.
FUTURES = 500
SAME_DIFFERENCE = ("+0.0 [+0.0, +0.0] percentage points", "+0.00 [+0.00, +0.00] months",
                   "+0.00 [+0.00, +0.00] points")


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def screenshot(page, name: str) -> None:
    """Save a screenshot of the page to ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def assert_png_has_content(png: bytes, what: str) -> None:
    """The PNG is a real drawing: many colours, and some ink."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, f"{what} looks blank ({len(colours)} colours)"
    dark = sum(image.convert("L").histogram()[:200])
    assert dark > 0.005 * image.width * image.height, f"{what} has almost no ink: {dark} dark pixels"


def pick(page, select_css: str, option: str) -> None:
    """Choose an option of a Vuetify select by its text (the open menu is the active one)."""
    page.locator(f"{select_css} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()
    expect(page.locator(".menuable__content__active")).to_have_count(0)


def branch_rows(page) -> list[list[str]]:
    """The cells of the branch table, row by row."""
    rows = page.locator(".branch-table tbody tr")
    expect(rows).to_have_count(5)
    return [row.locator("td").all_inner_texts() for row in rows.all()]


# Records whether "Computing…" was ever on the page (a MutationObserver: the computing may take well under a second).
_WATCH_COMPUTING_JS = """() => {
    window.__computingSeen = false;
    const look = () => { if (document.querySelector('.branch-computing')) window.__computingSeen = true; };
    new MutationObserver(look).observe(document.body, {childList: true, subtree: true});
}"""


def run_and_wait(page, sentence: str | re.Pattern) -> list[list[str]]:
    """Press Branch, wait for the result whose sentence matches, and return its table.

    Also checks that the panel said "Computing…" meanwhile.
    """
    page.evaluate(_WATCH_COMPUTING_JS)
    expect(page.locator(".run-branch")).to_be_enabled()
    page.locator(".run-branch").click()
    expect(page.locator(".branch-sentence")).to_contain_text(sentence, timeout=60_000)
    expect(page.locator(".branch-computing")).to_have_count(0)
    assert page.evaluate("() => window.__computingSeen"), "the panel never said Computing…"
    return branch_rows(page)


def test_a_branch_in_the_debrief_changes_the_distribution_only_when_the_decision_changes(tabletop_server,
                                                                                         tabletop_context):
    ctx = tabletop_context()
    page = ctx.new_page()
    page.goto(tabletop_server.url)
    page.locator(".seed-input input").fill("2026")
    page.get_by_role("button", name="Start game").click()
    for season in ("2026Q4", "2027Q1"):  # two seasons decided by the players (their forms as proposed)
        page.get_by_role("button", name="Step season").click()
        page.get_by_text(f"Next season: {season}").wait_for()
    page.get_by_role("button", name="Play to end").click()
    page.locator(".reveal-debrief").wait_for()
    panel = page.locator(".branch-panel")
    panel.evaluate("e => e.scrollIntoView({block: 'start'})")
    expect(page.locator(".branch-season")).to_have_count(0)
    screenshot(page, "branch-01-closed")

    page.get_by_role("button", name="Open the branch panel").click()
    pick(page, ".branch-season", "2026Q4")
    expect(page.locator(".branch-played-by")).to_contain_text("In 2026Q4 of the game a person chose US government")
    expect(page.locator(".branch-lever-chip_threshold_h100e input")).to_have_value("0.15")
    page.locator(".branch-futures input").fill(str(FUTURES))
    page.locator(".branch-hold input").check(force=True)  # later seasons keep this season's decision: a lasting change
    panel.evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "branch-02-form")

    same = run_and_wait(page, "left as played")
    expect(page.locator(".branch-sentence")).to_contain_text(f"all {FUTURES} futures would have ended exactly the "
                                                             "same, on the same dice: the two distributions are "
                                                             "identical")
    expect(page.locator(".branch-game-ending")).to_contain_text("The game as played ended")
    for row in same:
        assert row[1] == row[2], f"an unchanged decision shows different arms: {row}"
        assert row[3] in SAME_DIFFERENCE, row
    assert [row[0].split(":")[0] for row in same[:3]] == ["P(S1)", "P(S2)", "P(contested)"]
    assert re.fullmatch(r"\d+\.\d% \[\d+\.\d%, \d+\.\d%\]", same[0][1]), same[0][1]
    page.locator(".branch-result").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "branch-03-unchanged")

    threshold = page.locator(".branch-lever-chip_threshold_h100e input")
    threshold.fill("1")
    threshold.press("Tab")
    expect(page.locator(".lever-changed")).to_contain_text("In the game: 0.15. Changed.")
    changed = run_and_wait(page, "Had US government set chip threshold to 1 H100e per chip (in the game: 0.15 "
                                 "H100e per chip) in 2026Q4")
    expect(page.locator(".branch-result")).not_to_have_class(re.compile("branch-identical"))
    assert [row[1] for row in changed] == [row[1] for row in same], "the as-played arm is the same futures as before"
    assert changed[3][1] != changed[3][2], f"a strong change leaves the final lead as it was: {changed[3]}"
    assert changed[3][3] not in SAME_DIFFERENCE
    low, high = (float(x) for x in re.search(r"\[([-+]\d+\.\d+), ([-+]\d+\.\d+)\] months", changed[3][3]).groups())
    assert high < 0, f"selling the best chips to the PRC every season shrinks the US lead: {changed[3][3]}"
    assert "percentage points" in page.locator(".branch-sentence").inner_text()
    chart = page.locator(".chart-branch img")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    assert_png_has_content(chart.screenshot(), "the branch chart")
    page.locator(".branch-result").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "branch-04-changed")
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    screenshot(page, "branch-05-chart")

    pick(page, ".branch-seat", "(AI lab, PRC bloc; computer)")  # a computer seat, left as its policy played it
    expect(page.locator(".branch-played-by")).to_contain_text("a computer policy chose")
    # the form is redrawn with the lab's levers (and so a new Branch button): wait for it before pressing
    expect(page.locator(".branch-lever-training_share input")).to_be_visible()
    computer = run_and_wait(page, "left as played")
    assert all(row[1] == row[2] and row[3] in SAME_DIFFERENCE for row in computer), computer

    page.locator(".branch-futures input").fill("5")
    page.locator(".run-branch").click()
    expect(page.locator(".branch-problem")).to_have_text(
        "Number of futures: must be a whole number from 100 to 10,000 futures per arm (got 5).")
    page.locator(".branch-problem").scroll_into_view_if_needed()
    screenshot(page, "branch-06-bad-input")
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"
