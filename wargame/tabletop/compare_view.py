"""The class comparison page (``?compare=1``): an instructor uploads several groups' saved games and compares them.

Each game log is uploaded from the instructor's own computer with the tabletop's checked upload
(:func:`wargame.tabletop.upload.LogUpload`: refused by its declared size before any byte is read, then read in
chunks) and checked like any uploaded log (:func:`wargame.gamelog.parse_game_log`). The games stay in this
page's memory: nothing is saved on the server, and no game saved on the server is listed (those belong to other
rooms, and a link grants only its own role). The analysis is :func:`wargame.report.compare.compare_games`; the
page shows its tables (plain-text table widgets, every cell escaped) and charts (PNG images), and offers the same
comparison as a self-contained HTML report to download.
"""

from __future__ import annotations

import logging
from typing import Any

import ipywidgets as widgets
import solara

from wargame.gamelog import GameLogError, parse_game_log
from wargame.report.compare import MAX_GAMES, CompareError, Comparison, compare_games
from wargame.report.compare_report import (
    GAMES_NUMERIC,
    SPLIT_EXPLAINED,
    computer_table,
    divergence_summary,
    divergence_table,
    endings_table,
    games_table,
    lead_figure,
    lead_table,
    report_html,
    scores_table,
    series_figure,
    split_summary_table,
    split_table,
)
from wargame.report.html import figure_png
from wargame.tabletop.page_widgets import SafeArea
from wargame.tabletop.session import MAX_UPLOAD_BYTES
from wargame.tabletop.text_widgets import text_table
from wargame.tabletop.upload import LogUpload

logger = logging.getLogger(__name__)

#: Style of the page's small explanatory text.
NOTE_STYLE = {"font-size": "0.85em", "color": "#555"}


def comparison_of(games: tuple[tuple[str, dict[str, Any]], ...], reference: int) -> tuple[Comparison | None, str]:
    """Compare the uploaded games, or say in plain words why they cannot be compared.

    Args:
        games: ``(file name, checked log)`` per uploaded game.
        reference: Index of the reference game (0 if out of range).

    Returns:
        ``(comparison, "")``, ``(None, "")`` for fewer than 2 games, or ``(None, why)``.

    """
    if len(games) < 2:
        return None, ""
    try:
        return compare_games(games, reference if 0 <= reference < len(games) else 0), ""
    except CompareError as exc:  # our own words first: a sentence
        text = str(exc)
        return None, f"{text[:1].upper()}{text[1:]}."
    except GameLogError as exc:  # names the file first
        return None, f"{exc}."
    except Exception as exc:  # noqa: BLE001 - an uploaded file must never take the page down
        logger.exception("comparison failed")
        return None, f"These games could not be compared ({type(exc).__name__}: {exc})."


@solara.component
def Table(table: tuple[list[str], list[list[str]]], classes: list[str], numeric_from: int = 1,
          numeric: tuple[int, ...] | None = None) -> solara.Element:
    """A plain-text table that scrolls sideways on a narrow screen; right-aligned number columns."""
    header, rows = table
    columns = numeric if numeric is not None else tuple(range(numeric_from, len(header)))
    with solara.Div(style={"overflow-x": "auto", "max-width": "100%", "margin-bottom": "12px"}):
        text_table(header, rows, classes=classes, numeric=columns)


@solara.component
def Chart(png: bytes, name: str) -> solara.Element:
    """A chart as a PNG image filling its column (class ``chart-<name>``)."""
    with solara.Div(classes=[f"chart-{name}", "chart-view"], style={"width": "100%", "max-width": "1000px"}):
        widgets.Image.element(value=png, format="png", layout={"width": "100%", "height": "auto",
                                                               "max_width": "100%"})


@solara.component
def ComparisonView(c: Comparison) -> solara.Element:
    """Every part of a comparison: games, endings and scores, paths, divergences, decisions vs dice, computer."""
    lead_png = solara.use_memo(lambda: figure_png(lead_figure(c)), dependencies=[c])
    series_png = solara.use_memo(lambda: figure_png(series_figure(c)), dependencies=[c])
    ref = c.games[c.reference]
    solara.FileDownload(lambda: report_html(c).encode("utf-8"), filename=f"class-comparison-{c.scenario_name}.html",
                        label="Download the HTML report", mime_type="text/html")
    with solara.Card("The games", classes=["compare-games"]):
        Table(games_table(c), ["compare-games-table"], numeric=GAMES_NUMERIC)
        for note in c.notes:
            solara.Text(note, classes=["compare-note"], style={**NOTE_STYLE, "display": "block"})
    with solara.Card("Endings and scores", classes=["compare-endings"]):
        solara.Text(f"S1: the US leads by at least {c.thresholds['s1']:g} months at the horizon; S2: the lead is "
                    f"{c.thresholds['s2']:g} months or less (or the PRC leads); otherwise contested.",
                    style=NOTE_STYLE)
        Table(endings_table(c), ["compare-endings-table"], numeric_from=4)
        solara.Text("Every seat's score at the end of each game (points)", style={"font-weight": "bold"})
        Table(scores_table(c), ["compare-scores-table"], numeric_from=2)
    with solara.Card("Paths side by side", classes=["compare-paths"]):
        Chart(lead_png, "compare-lead")
        Chart(series_png, "compare-series")
        Table(lead_table(c), ["compare-lead-table"])
    with solara.Card("Where the decisions diverged", classes=["compare-divergence"]):
        solara.Text("For each seat people played, the lever values that differ between the games, by season. "
                    "'(computer)' marks a value the seat's computer policy chose.", style=NOTE_STYLE)
        if not c.divergences:
            solara.Text("No seat was played by people in any game: there are no decisions to compare.")
        for div in c.divergences:
            solara.Text(divergence_summary(c, div), classes=["compare-divergence-summary"],
                        style={"display": "block", "font-weight": "bold", "margin-top": "8px"})
            if div.differences:
                Table(divergence_table(c, div), ["compare-divergence-table"], numeric_from=3)
    with solara.Card("Decisions or dice?", classes=["compare-split"]):
        solara.Text(SPLIT_EXPLAINED, style=NOTE_STYLE)
        solara.Text(f"Every game is compared with {ref.label}, after {c.season}.",
                    style={"display": "block", "margin": "6px 0"})
        Table(split_summary_table(c), ["compare-split-summary"], numeric_from=1)
        for split in c.splits:
            g = c.games[split.game]
            solara.Text(f"{g.label} against {ref.label}", classes=["compare-split-title"],
                        style={"display": "block", "font-weight": "bold", "margin-top": "8px"})
            Table(split_table(c, split), ["compare-split-table"], numeric_from=2)
    with solara.Card("What the computer would have done", classes=["compare-computer"]):
        solara.Text("Each game beside the game the computer plays on the same seed with no person at any seat (the "
                    "same injects): the difference is what the people's decisions did.", style=NOTE_STYLE)
        Table(computer_table(c), ["compare-computer-table"], numeric_from=3)


@solara.component
def ComparePage() -> solara.Element:
    """``?compare=1``: upload two or more saved games of one scenario and compare them (nothing is saved)."""
    games, set_games = solara.use_state(())  # type: ignore[arg-type]
    notice, set_notice = solara.use_state("")
    reference, set_reference = solara.use_state(0)

    def add(data: bytes, name: str) -> None:
        shown = name or "The uploaded file"
        if len(data) > MAX_UPLOAD_BYTES:
            set_notice(f"{shown} is larger than a game log can be. Nothing was added.")
            return
        try:
            log = parse_game_log(data, source=shown)
        except GameLogError as exc:
            set_notice(f"{str(exc).rstrip('.')}. Nothing was added.")
            return
        set_games(lambda old: old if len(old) >= MAX_GAMES else (*old, (name or "game.json", log)))

    def remove(index: int) -> None:
        set_games(lambda old: tuple(g for i, g in enumerate(old) if i != index))
        set_reference(0)

    comparison, problem = solara.use_memo(lambda: comparison_of(games, reference), dependencies=[games, reference])
    solara.Title("Class comparison")
    solara.AppBarTitle("Class comparison: several groups' games side by side")
    with SafeArea(reset_key=(len(games), reference)):
        with solara.Column(classes=["compare-page"], style={"max-width": "1100px"}):
            with solara.Card("Games to compare", classes=["compare-upload"]):
                solara.Text("Upload the saved games of your groups, one file at a time: two or more games of one "
                            "scenario, best on one seed (then the dice are the same and every gap comes from "
                            "decisions). The files stay in this page; nothing is saved on the server.",
                            style=NOTE_STYLE)
                if len(games) < MAX_GAMES:
                    LogUpload(on_file=add, on_notice=set_notice, max_bytes=MAX_UPLOAD_BYTES,
                              label="Add a game log")
                else:
                    solara.Text(f"{MAX_GAMES} games: the most one comparison takes.")
                if notice:  # plain text: it names the uploaded file
                    if notice.startswith("Reading "):
                        solara.Info(notice, classes=["upload-notice"], dense=True)
                    else:
                        solara.Error(notice, classes=["upload-notice", "upload-error"], dense=True)
                with solara.Column(classes=["compare-game-list"], gap="2px"):
                    for i, (name, log) in enumerate(games):
                        with solara.Row(classes=["compare-game"], style={"align-items": "center"}):
                            solara.Text(f"{i + 1}. {name}: seed {log['seed']}, {log['seasons_played']} seasons "
                                        "played")
                            solara.Button("Remove", on_click=lambda i=i: remove(i), text=True, small=True,
                                          classes=["compare-remove"])
                if len(games) >= 2:
                    solara.Select("Compare every game with", value=f"{min(reference, len(games) - 1) + 1}. "
                                  f"{games[min(reference, len(games) - 1)][0]}",
                                  values=[f"{i + 1}. {name}" for i, (name, _) in enumerate(games)],
                                  on_value=lambda text: set_reference(int(str(text).split(".", 1)[0]) - 1))
            if len(games) < 2:
                solara.Info("Add at least two games to compare them.", classes=["compare-waiting"])
            elif problem:
                solara.Error(problem, classes=["compare-error"])
            elif comparison is not None:
                ComparisonView(comparison)
