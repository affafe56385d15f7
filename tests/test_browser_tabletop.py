"""Real-browser tests of the tabletop: Debian's Chromium via Playwright against ``solara run app.py``.

Every page runs offline (requests off 127.0.0.1 are blocked and must not happen). Together the tests load
the page, set a human decision, step two seasons and see the charts change, save, reload after a server
restart and resume, upload a saved log, refuse a tampered one, and check two sessions are isolated.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def lead_chart_png(page) -> bytes:
    chart = page.locator(".chart-lead img")
    chart.wait_for()
    return chart.screenshot()


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

    page.get_by_role("tab", name="Flow map").click()
    page.locator(".chart-network img").wait_for()
    screenshot(page, "04-flow-map")

    game_id = page.url.split("game=")[1]
    saved = json.loads((tabletop_server.games_dir / f"{game_id}.json").read_text())
    us_decisions = [d for d in saved["decisions"] if d["seat"] == "us_gov"]
    assert us_decisions[0]["season"] == "2026Q3"
    assert us_decisions[0]["levers"]["chip_threshold_h100e"] == pytest.approx(0.05)

    page.get_by_role("button", name="Play to end").click()
    page.get_by_text("Human decisions").wait_for()
    page.get_by_text("Debrief:").first.scroll_into_view_if_needed()
    screenshot(page, "10-debrief")
    page.get_by_text("Human decisions").scroll_into_view_if_needed()
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
