"""Real-browser test of "why did that happen" (issue 10, item 2): the waterfall's parts sum to the change in lead.

A hot-seat game in Debian's Chromium (offline): two seasons are played, the waterfall card's table is read
from the page, and its parts must add up to the change it shows, which must be the change of the lead the
game recorded (read back from the autosaved game, replayed). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.gamelog import parse_game_log, replay

pytest_plugins = ["browser_conftest"]  # tabletop_server, tabletop_context (tests/browser_conftest.py)
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def table_rows(page) -> list[tuple[str, float]]:
    """The waterfall table as (what, months) pairs, read from the page."""
    rows = page.locator(".waterfall-table tbody tr")
    out = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        out.append((cells.nth(0).inner_text().strip(), float(cells.nth(1).inner_text().strip())))
    return out


def check_sums(rows: list[tuple[str, float]]) -> tuple[float, float, float]:
    """Assert the parts add up to the shown change and the change to after - before; returns the three."""
    assert rows[0][0] == "US lead before" and rows[-1][0] == "US lead after"
    assert rows[-2][0].startswith("change of the lead")
    before, change, after = rows[0][1], rows[-2][1], rows[-1][1]
    parts = [months for _, months in rows[1:-2]]
    assert parts, "the waterfall shows no part"
    assert sum(parts) == pytest.approx(change, abs=0.0005 * (len(parts) + 1))  # 3 decimals a cell
    assert after - before == pytest.approx(change, abs=0.0015)
    return before, change, after


def test_the_waterfall_parts_sum_to_the_change_in_lead(tabletop_server, tabletop_context):
    ctx = tabletop_context()
    page = ctx.new_page()
    page.goto(tabletop_server.url)
    page.get_by_role("button", name="Start game").click()
    page.get_by_text("Next season: 2026Q3").wait_for()
    page.get_by_text("After the first season is played").wait_for()  # nothing to explain yet
    for season in ("2026Q4", "2027Q1"):
        page.get_by_role("button", name="Step season").click()
        page.get_by_text(f"Next season: {season}").wait_for()
    card = page.locator(".waterfall-card")
    card.scroll_into_view_if_needed()
    page.locator(".waterfall-card img").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "waterfall-2026Q4.png"))
    latest = check_sums(table_rows(page))
    sentence = page.locator(".waterfall-sentence").inner_text()
    assert sentence.startswith("US lead ")

    # the same numbers as the game: replay the autosaved log and compare the lead before and after 2026Q4
    game_id = page.url.split("game=")[1]
    log = parse_game_log((tabletop_server.games_dir / f"{game_id}.json").read_text())
    model = replay(log)
    leads = [float(x) for x in model.datacollector.get_model_vars_dataframe()["lead_months"]]
    assert latest[0] == pytest.approx(leads[1], abs=0.0005) and latest[2] == pytest.approx(leads[2], abs=0.0005)
    assert sentence == model.explanations[-1]["sentence"]

    # pick the first season: the table changes to its numbers, which add up as well
    card.locator(".waterfall-season").click()
    page.locator(".v-menu__content .v-list-item", has_text="2026Q3").click()
    page.wait_for_function("() => document.querySelector('.waterfall-sentence').innerText !== "
                           + json.dumps(sentence))
    first = check_sums(table_rows(page))
    assert first[0] == pytest.approx(leads[0], abs=0.0005) and first[2] == pytest.approx(leads[1], abs=0.0005)
    card.screenshot(path=str(ARTIFACTS / "waterfall-2026Q3.png"))
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"
