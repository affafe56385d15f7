"""The after-action report in a real browser: Debian's Chromium via Playwright, offline, then printed to PDF.

The report of a played game (the one of ``tests/test_report_game.py``: a team with a hostile name, notes with
markup) is written to a file and opened from disk in a browser context that blocks every network request:

- every section shows, every chart loads, nothing runs (no script element, no dialog) and nothing is fetched;
- with print media emulated at the width of an A4 page's printable area, no element reaches past the page's
  right edge (a wide table would be clipped in print);
- ``page.pdf()`` prints it; read back with pymupdf, the PDF has many pages, each section starts a new page with
  its heading, each section's last line of text is there, and no text lies outside the page's margins;
- ``wargame report-game --pdf`` prints the same file through Chromium's own ``--print-to-pdf``.

The first page of each section is rendered to ``test-artifacts/report-pdf-<section>.png`` (and the screen to
``test-artifacts/report-screen.png``) to be looked at.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pymupdf
import pytest
from playwright.sync_api import expect
from test_report_game import HOSTILE_TEAM, played_model

from wargame.cli import main
from wargame.gamelog import game_log, save_game
from wargame.report.aar import SECTIONS, build_report

pytest_plugins = ["browser_conftest"]  # tabletop_browser, tabletop_context (tests/browser_conftest.py)
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: Computer-played games of the report (fewer than the default, to keep the test quick).
GAMES = 200
#: A4 and the report's print margins (its CSS: ``@page { size: A4; margin: 14mm 12mm; }``), millimetres.
A4_MM, MARGIN_MM = (210.0, 297.0), (14.0, 12.0)
#: Width of the printable area in CSS pixels (96 per inch).
PRINT_WIDTH_PX = (A4_MM[0] - 2 * MARGIN_MM[1]) / 25.4 * 96
#: Points per millimetre (PDF units).
PT_PER_MM = 72 / 25.4

# Elements whose right edge is past the printable width, with what they are (empty when nothing is clipped).
_PAST_THE_EDGE_JS = """(width) => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > width + 0.5)
            out.push(`${el.tagName.toLowerCase()}.${el.className} right=${r.right.toFixed(1)}`);
    }
    const scroll = document.documentElement.scrollWidth;
    if (scroll > Math.ceil(width)) out.push(`scrollWidth=${scroll}`);
    return out;
}"""
# Each section's heading and its last line of text (the last cell of a table row, a caption, a paragraph).
_SECTION_ENDS_JS = """() => [...document.querySelectorAll('section')].map((s) => {
    const lines = s.innerText.split('\\n').map((l) => l.trim()).filter((l) => l);
    const last = lines[lines.length - 1].split('\\t').map((c) => c.trim()).filter((c) => c);
    return [s.id, s.querySelector('h2').innerText.trim(), last[last.length - 1]];
})"""


def open_report(ctx, path: Path):
    """Open the report file in a new page of an offline context.

    The context blocks and records every request off 127.0.0.1, ``file:`` ones too; the page lets through the
    report's own URL alone (a page's routes come before its context's), so anything else the page asked for
    would be recorded in ``ctx.problems``.
    """
    page = ctx.new_page()
    page.route(path.as_uri(), lambda route: route.continue_())
    page.goto(path.as_uri())
    return page


def squeeze(text: str) -> str:
    """Text without any whitespace (a PDF breaks lines where the browser did, even inside a long word)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report file of the played game, and its game log file."""
    folder = tmp_path_factory.mktemp("report")
    model = played_model()
    meta = {"human_seats": ["us_gov", "prc_lab_b"], "teams": {"us_gov": HOSTILE_TEAM}}
    path = folder / "report.html"
    path.write_text(build_report(game_log(model, meta=meta), GAMES), encoding="utf-8")
    return path, save_game(model, folder / "game.json", meta=meta)


def test_the_report_opens_offline_and_shows_every_section(report, tabletop_context):
    ctx = tabletop_context()
    dialogs: list[str] = []
    ctx.context.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = open_report(ctx, report[0])
    for section_id, title in SECTIONS:
        section = page.locator(f"section#{section_id}")
        section.scroll_into_view_if_needed()
        expect(section).to_be_visible()
        expect(section.locator("h2")).to_have_text(title)
    images = page.evaluate("() => [...document.images].map((i) => i.complete && i.naturalWidth > 0)")
    assert len(images) == 9 and all(images), images
    assert page.evaluate("() => document.querySelectorAll('script, link, iframe, object').length") == 0
    expect(page.locator("section#scenario table.seats-table")).to_contain_text(f"team {HOSTILE_TEAM}")
    assert not dialogs and not ctx.problems, (dialogs, ctx.problems)
    page.evaluate("() => window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-screen.png"))
    page.locator("section#computer-games").screenshot(path=str(ARTIFACTS / "report-screen-computer-games.png"))


def test_the_report_prints_with_a_page_per_section_and_nothing_clipped(report, tabletop_context, tmp_path):
    ctx = tabletop_context(viewport={"width": round(PRINT_WIDTH_PX), "height": 1000})
    page = open_report(ctx, report[0])
    page.emulate_media(media="print")
    past = page.evaluate(_PAST_THE_EDGE_JS, PRINT_WIDTH_PX)
    assert not past, f"wider than the printed page ({PRINT_WIDTH_PX:.0f} px): {past[:10]}"
    ends = page.evaluate(_SECTION_ENDS_JS)
    assert [section_id for section_id, _, _ in ends] == [i for i, _ in SECTIONS]
    pdf_path = tmp_path / "report.pdf"
    page.pdf(path=str(pdf_path), print_background=True, prefer_css_page_size=True)
    assert not ctx.problems, ctx.problems

    doc = pymupdf.open(pdf_path)
    assert doc.page_count > 10
    width, height = doc[0].rect.width, doc[0].rect.height
    assert (width, height) == pytest.approx((A4_MM[0] * PT_PER_MM, A4_MM[1] * PT_PER_MM), abs=1)
    texts = [p.get_text() for p in doc]
    whole = squeeze("".join(texts))
    ARTIFACTS.mkdir(exist_ok=True)
    first_lines = [next((line.strip() for line in t.splitlines() if line.strip()), "") for t in texts]
    start = 0
    for number, (section_id, title, last) in enumerate(ends):
        if number == 0:  # the first section follows the title and contents on the first page
            assert title in texts[0].splitlines()
        else:  # every other section starts a page
            pages = [i for i in range(start + 1, len(texts)) if first_lines[i] == title]
            assert pages, f"section {title!r} does not start a page"
            start = pages[0]
        assert squeeze(last) in whole, f"the end of section {title!r} is missing from the PDF: {last!r}"
        doc[start].get_pixmap(dpi=80).save(str(ARTIFACTS / f"report-pdf-{section_id}.png"))
    left, right = MARGIN_MM[1] * PT_PER_MM, width - MARGIN_MM[1] * PT_PER_MM
    for number, pdf_page in enumerate(doc, start=1):
        for block in pdf_page.get_text("dict")["blocks"]:
            x0, _, x1, _ = block["bbox"]
            assert left - 1 <= x0 and x1 <= right + 1, f"page {number}: a block at x {x0:.0f}..{x1:.0f} pt"


def test_the_command_line_prints_the_report_with_chromium(report, tmp_path, capsys):
    out, pdf = tmp_path / "aar.html", tmp_path / "aar.pdf"
    assert main(["report-game", str(report[1]), "-o", str(out), "--pdf", str(pdf), "--games", "20"]) == 0
    assert f"Printed to {pdf}" in capsys.readouterr().out
    doc = pymupdf.open(pdf)
    assert doc.page_count > 10
    assert "After-action report" in doc[0].get_text()
    assert squeeze(f"team {HOSTILE_TEAM}") in squeeze("".join(p.get_text() for p in doc))


def test_the_debrief_downloads_the_after_action_report(tabletop_server, tabletop_context):
    """The facilitator's debrief (the one-screen game) builds the report on a click and downloads it."""
    ctx = tabletop_context()
    page = ctx.new_page()
    page.goto(tabletop_server.url)
    page.get_by_role("button", name="Start game").click()
    page.get_by_role("button", name="Play to end").click()
    page.get_by_text("Human decisions").wait_for()
    card = page.locator(".aar-card")
    card.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "report-debrief-button.png"))
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the after-action report").click()
    assert re.fullmatch(r"after-action-baseline-seed\d+\.html", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for section, title in SECTIONS:
        assert f'id="{section}"' in text and html.escape(title) in text
    assert page.locator(".waterfall-card").count() == 1  # why the lead moved, in the facilitator's debrief
    assert ctx.problems == [], f"the page is not offline-clean: {ctx.problems}"
