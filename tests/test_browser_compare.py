"""Real-browser test of the class comparison page (``?compare=1``): Debian's Chromium via Playwright, offline.

Three groups play the baseline scenario (two on seed 5, one on seed 9) with different decisions for the US
government, through :class:`wargame.tabletop.session.GameSession` as the one-screen game plays them. The
instructor uploads the three saved games one by one and sees the endings, the scores, where the decisions
diverged and the split of each gap into decisions and dice (the numbers the analysis gives for the same logs),
charts that are really drawn, and downloads the HTML report. A fourth game of another scenario is refused with
one message and removed again. The third file's name holds markup, which must show as text. Screenshots go to
``test-artifacts/compare-*.png``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from wargame.gamelog import parse_game_log
from wargame.report.compare import compare_games
from wargame.report.compare_report import signed
from wargame.tabletop.session import GameSession

pytest_plugins = ["browser_conftest"]  # tabletop_server, tabletop_context, ... (tests/browser_conftest.py)
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: The third group's file name: markup that must show as text.
HOSTILE = "group-c <img src=x onerror=window.__xss=1>.json"


def group_game(folder: Path, name: str, seed: int, rule, scenario: str = "baseline") -> Path:
    """Play a whole game with the US government human (``rule(k)``: its remote-access rule in season k)."""
    session = GameSession.new(scenario, seed, ["us_gov"])
    k = 0
    while not session.finished:
        session.set_lever("us_gov", "remote_access_rule", rule(k))
        session.step()
        k += 1
    path = folder / name
    path.write_bytes(session.log_json())
    return path


def upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".compare-upload .upload-log").first.click()
    chooser.value.set_files(str(path))


def assert_png_has_content(png: bytes, what: str) -> None:
    """The PNG is a real drawing: more than a few colours, and some ink."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, f"{what} looks blank"
    dark = sum(image.convert("L").histogram()[:200])
    assert dark > 0.005 * image.width * image.height, f"{what} has almost no ink"


def shot(page, name: str, css: str) -> None:
    """Scroll the element ``css`` to the top of the page and save a screenshot as ``compare-<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(css).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / f"compare-{name}.png"))


def test_the_comparison_page_for_three_games_renders(tabletop_server, tabletop_context, tmp_path):
    files = [group_game(tmp_path, "group-a.json", 5, lambda k: "open"),
             group_game(tmp_path, "group-b.json", 5, lambda k: "ban" if k >= 3 else "open"),
             group_game(tmp_path, HOSTILE, 9, lambda k: "kyc")]
    expected = compare_games([(p.name, parse_game_log(p.read_bytes())) for p in files])

    ctx = tabletop_context()
    page = ctx.new_page()
    page.goto(tabletop_server.url)  # the landing page links to the comparison
    expect(page.locator(".compare-button")).to_have_attribute("href", "?compare=1")
    page.goto(tabletop_server.url + "?compare=1")
    expect(page.locator(".compare-waiting")).to_contain_text("Add at least two games to compare them.")
    for i, path in enumerate(files, start=1):
        upload(page, path)
        seed = 9 if i == 3 else 5
        expect(page.locator(".compare-game").nth(i - 1)).to_contain_text(
            f"{i}. {path.name}: seed {seed}, 10 seasons played")

    endings = page.locator(".compare-endings-table")
    expect(endings.locator("tbody tr")).to_have_count(3)
    for game in expected.games:
        row = endings.locator("tbody tr", has_text=game.label)
        expect(row).to_contain_text(game.ending.outcome)
        expect(row).to_contain_text(f"{game.ending.lead_months:.1f}")
    scores = page.locator(".compare-scores-table tbody tr", has_text="US government").first
    for game in expected.games:
        expect(scores).to_contain_text(f"{game.ending.scores['us_gov']:.2f}")
    expect(page.locator(".compare-divergence-summary")).to_contain_text(
        "US government (played by people in group-a.json, group-b.json, " + HOSTILE
        + "): the decisions first differ in 2026Q3")
    divergence = page.locator(".compare-divergence-table")
    expect(divergence.locator("tbody tr").first).to_contain_text("2026Q3")
    expect(divergence.locator("tbody tr").first).to_contain_text("kyc")

    summary = page.locator(".compare-split-summary tbody tr")
    expect(summary).to_have_count(2)
    b, c = (split.row("lead") for split in expected.splits)
    assert b.dice == 0.0 and c.dice != 0.0  # group b on group a's seed; group c on another
    for row, split in ((summary.nth(0), b), (summary.nth(1), c)):
        for value in (split.gap, split.decisions, split.dice):
            expect(row).to_contain_text(signed(value, 1))
    expect(page.locator(".compare-split-table")).to_have_count(2)
    expect(page.locator(".compare-computer-table tbody tr", has_text="final lead")).to_have_count(3)
    expect(page.locator(".compare-note").first).to_contain_text("2 different seeds (5, 9)")

    for name in ("compare-lead", "compare-series"):
        chart = page.locator(f".chart-{name} img")
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
        box = chart.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 150, box
        assert_png_has_content(chart.screenshot(), f"the {name} chart")

    page.get_by_text(HOSTILE).first.wait_for()  # the file name with markup shows as text
    assert page.evaluate("() => typeof window.__xss") == "undefined", "markup from a file name was executed"
    assert page.locator("img[src='x']").count() == 0, "markup from a file name became an element"
    shot(page, "01-games-and-endings", ".compare-upload")
    shot(page, "02-paths", ".compare-paths")
    shot(page, "03-divergence", ".compare-divergence")
    shot(page, "04-split", ".compare-split")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the HTML report").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    assert download.value.suggested_filename == "class-comparison-baseline.html"
    text = report.read_text(encoding="utf-8")
    assert "Decisions or dice?" in text and "group-b.json" in text
    assert "group-c &lt;img src=x onerror=window.__xss=1&gt;.json" in text and "<img src=x" not in text

    page.locator(".compare-upload .v-select").click()  # compare every game with group b instead
    page.get_by_role("option", name="2. group-b.json").click()
    first = page.locator(".compare-split-summary tbody tr").first
    expect(first).to_contain_text("group-a.json")
    expect(first).to_contain_text(signed(-b.gap, 1))
    expect(page.locator(".compare-split-title").first).to_have_text("group-a.json against group-b.json")

    other = group_game(tmp_path, "tight.json", 5, lambda k: "open", scenario="tight_controls")
    upload(page, other)
    error = page.locator(".compare-error")
    expect(error).to_contain_text("Games of different scenarios cannot be compared: group-a.json, group-b.json, "
                                  f"{HOSTILE} play scenario 'baseline'; tight.json plays scenario 'tight_controls'")
    shot(page, "05-other-scenario-refused", ".compare-upload")
    page.locator(".compare-game", has_text="tight.json").locator(".compare-remove").click()
    expect(page.locator(".compare-error")).to_have_count(0)
    expect(page.locator(".compare-endings-table tbody tr")).to_have_count(3)
    assert json.loads(files[0].read_text())["seasons_played"] == 10
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"
