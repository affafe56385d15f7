"""The class comparison shown: its tables, charts and HTML report (the analysis is :mod:`wargame.report.compare`).

The tables are plain data (:class:`Table`) that the browser page (:mod:`wargame.tabletop.compare_view`) and the
HTML report both show. The HTML report (:func:`report_html`) is built with :mod:`wargame.report.html`, which
escapes every text: game labels (file names), seat names and the scenario's title come from outside. Charts are
plain matplotlib ``Figure`` objects (no pyplot) whose outside text is drawn as text, never as maths.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from wargame.report import html
from wargame.report.compare import LEGEND_CHARS, LEVER_DIGITS, SERIES, Comparison, Divergence, Ending, GameSplit

# ----------------------------------------------------------------------------------------------- tables

Table = tuple[list[str], list[list[str]]]


def format_value(value: Any, digits: int = LEVER_DIGITS) -> str:
    """A lever value as text.

    ``yes``/``no`` for a yes/no lever, a number to ``digits`` significant digits (whole numbers with thousands
    commas from ``10**digits`` up), the value's text for a rule (``ban``), ``""`` for ``None``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if abs(value) >= 10 ** digits:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return str(value)


def _lever_texts(values: Sequence[Any]) -> list[str]:
    """Values formatted so that different values never look alike (more digits where needed)."""
    for digits in (LEVER_DIGITS, 8, 17):
        texts = [format_value(v, digits) for v in values]
        if len(set(texts)) == len({json.dumps(v) for v in values}):
            return texts
    return texts


def signed(value: float, decimals: int) -> str:
    """A difference with its sign, ``+1.2`` or ``-0.5``; one that rounds to zero is ``0.0`` (never ``-0.0``)."""
    text = f"{value:+.{decimals}f}"
    return text[1:] if float(text) == 0 else text


def lever_label(name: str) -> str:
    """A lever's name in plain words, as the tabletop shows it (``chip_threshold_h100e``: chip threshold H100e)."""
    return name.replace("_", " ").replace("h100e", "H100e").replace("musd", "USD m").replace("busd", "USD bn")


def _outcome_text(ending: Ending) -> str:
    return ending.outcome if ending.finished else f"{ending.outcome} so far"


#: Right-aligned (number) columns of :func:`games_table`: the seed and the number of human decisions.
GAMES_NUMERIC = (1, 4)


def games_table(c: Comparison) -> Table:
    """The games: label, seed, seasons played, seats people played, human decisions and injects by hand."""
    header = ["game", "seed", "seasons played", "seats played by people", "human decisions", "injects by hand"]
    rows = [[g.label, str(g.seed), f"{g.ending.seasons_played} of {c.total_seasons} (to {g.ending.season})",
             ", ".join(c.seat_name(s) for s in g.human_seats) or "none (all computer)", str(g.decisions),
             ", ".join(f"{event} ({season})" for season, event in g.injects) or "none"] for g in c.games]
    return header, rows


def endings_table(c: Comparison) -> Table:
    """Each game's ending: outcome, final lead (months), US/PRC compute and US adoption share at its end."""
    header = ["game", "seed", "last season", "outcome", "final lead (months)", "US/PRC compute (ratio)",
              "US share of Global South adoption (%)"]
    rows = []
    for g in c.games:
        last = g.path.iloc[-1]
        rows.append([g.label, str(g.seed), g.ending.season, _outcome_text(g.ending), f"{g.ending.lead_months:.1f}",
                     f"{float(last['compute_ratio']):.2f}", f"{100 * float(last['adoption_share_us']):.0f}"])
    return header, rows


def scores_table(c: Comparison) -> Table:
    """Every seat's score (points) in each game at its end, and the games in which people played it."""
    header = ["seat", "played by people in", *(f"{g.label} (points)" for g in c.games)]
    rows = []
    for seat in c.seats:
        where = [g.label for g in c.games if seat.id in g.human_seats]
        rows.append([seat.name, ", ".join(where) or "no game (computer)",
                     *(f"{g.ending.scores[seat.id]:.2f}" for g in c.games)])
    return header, rows


def lead_table(c: Comparison) -> Table:
    """The US lead (months) season by season, one column per game (blank after a game stopped)."""
    longest = max(c.games, key=lambda g: len(g.path))
    seasons = ["start", *[str(s) for s in longest.path["season"].iloc[1:]]]
    header = ["season", *(f"{g.label} (months)" for g in c.games)]
    rows = []
    for j, season in enumerate(seasons):
        rows.append([season, *(f"{float(g.path['lead_months'].iloc[j]):.1f}" if j < len(g.path) else ""
                               for g in c.games)])
    return header, rows


def split_summary_table(c: Comparison) -> Table:
    """The gap in final lead of every game against the reference, split into decisions and dice (months)."""
    ref = c.games[c.reference].label
    header = ["game", "seed", f"final lead of {ref} (months)", "final lead of the game (months)", "gap (months)",
              "from decisions (months)", "from dice (months)"]
    rows = []
    for split in c.splits:
        g = c.games[split.game]
        row = split.row("lead")
        rows.append([g.label, str(g.seed), f"{row.reference:.1f}", f"{row.game:.1f}", signed(row.gap, 1),
                     signed(row.decisions, 1), signed(row.dice, 1)])
    return header, rows


def split_table(c: Comparison, split: GameSplit) -> Table:
    """One game against the reference: final lead and every seat's score, gap, decisions part, dice part."""
    ref, game = c.games[split.reference], c.games[split.game]
    header = ["quantity", "unit", ref.label, game.label, "gap", "from decisions", "from dice"]
    rows = []
    for row in split.rows:
        people = row.quantity in ref.human_seats or row.quantity in game.human_seats
        label = f"{row.label} (played by people)" if people else row.label
        d = 1 if row.quantity == "lead" else 2
        rows.append([label if row.quantity == "lead" else f"score: {label}", row.unit, f"{row.reference:.{d}f}",
                     f"{row.game:.{d}f}", signed(row.gap, d), signed(row.decisions, d), signed(row.dice, d)])
    return header, rows


def divergence_table(c: Comparison, divergence: Divergence) -> Table:
    """The lever values that differ between the games for one seat, by season (``(computer)``: the policy's)."""
    header = ["season", "lever", "unit", *(g.label for g in c.games)]
    rows = []
    for diff in divergence.differences:
        texts = _lever_texts(diff.values)
        cells = [text + (f" ({by})" if by and by != "human" else "") for text, by in zip(texts, diff.by, strict=True)]
        rows.append([diff.season, lever_label(diff.lever), diff.unit, *cells])
    return header, rows


def computer_table(c: Comparison) -> Table:
    """Each game beside the all-computer game on its seed: outcome, final lead and the human seats' scores."""
    header = ["game", "quantity", "unit", "as played", "every seat by the computer", "difference"]
    rows = []
    for g in c.games:
        played, auto = g.ending, g.computer
        rows.append([g.label, "outcome", "S1 / S2 / contested", _outcome_text(played), _outcome_text(auto), ""])
        rows.append([g.label, "final lead", "months", f"{played.lead_months:.1f}", f"{auto.lead_months:.1f}",
                     signed(played.lead_months - auto.lead_months, 1)])
        for seat in g.human_seats:
            a, b = played.scores[seat], auto.scores[seat]
            rows.append([g.label, f"score: {c.seat_name(seat)}", "points", f"{a:.2f}", f"{b:.2f}", signed(a - b, 2)])
    return header, rows


def divergence_summary(c: Comparison, divergence: Divergence) -> str:
    """One sentence: where the games' decisions for a seat first differ, and in how many lever values."""
    where = ", ".join(c.games[i].label for i in divergence.human_in)
    if divergence.first_season is None:
        return f"{divergence.name} (played by people in {where}): the same decisions in every game, every season."
    seasons = len({d.season for d in divergence.differences})
    return (f"{divergence.name} (played by people in {where}): the decisions first differ in "
            f"{divergence.first_season}; {len(divergence.differences)} lever values differ over {seasons} "
            f"season{'s' if seasons != 1 else ''}.")


# ----------------------------------------------------------------------------------------------- charts

_STYLES = ("-", "--", "-.", ":")


def _short(label: str) -> str:
    return label if len(label) <= LEGEND_CHARS else label[:LEGEND_CHARS - 3] + "..."


def _line_style(i: int) -> dict[str, Any]:
    return {"color": f"C{i % 10}", "linestyle": _STYLES[(i // 10) % len(_STYLES)], "lw": 1.8}


def _as_text(fig: Figure) -> None:
    """Draw every text of the figure as text, never as maths (a ``$`` in a file name must not start a formula)."""
    for text in fig.findobj(lambda artist: hasattr(artist, "set_parse_math")):
        text.set_parse_math(False)


def _season_axis(ax: Any, c: Comparison) -> None:
    longest = max(c.games, key=lambda g: len(g.path))
    labels = ["start", *[str(s)[2:] for s in longest.path["season"].iloc[1:]]]
    step = max(1, (len(labels) + 5) // 6)
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([labels[t] for t in ticks], fontsize=8)
    ax.set_xlim(-0.3, len(labels) - 0.7)
    ax.grid(alpha=0.3)


def lead_figure(c: Comparison) -> Figure:
    """Every game's US lead (months) season by season on one chart, with the scenario's S1 and S2 thresholds."""
    fig = Figure(figsize=(8.0, 4.0), layout="constrained")
    ax = fig.subplots()
    for i, g in enumerate(c.games):
        ax.plot(np.arange(len(g.path)), g.path["lead_months"].to_numpy(dtype=float), label=_short(g.label),
                **_line_style(i))
    ax.axhline(c.thresholds["s1"], color="#2e7d32", lw=1, ls="--", label=f"S1: {c.thresholds['s1']:g} months")
    ax.axhline(c.thresholds["s2"], color="#b71c1c", lw=1, ls="--", label=f"S2: {c.thresholds['s2']:g} months")
    ax.axhline(0, color="k", lw=0.6)
    _season_axis(ax, c)
    ax.set_ylabel("US lead over the PRC (months)")
    ax.set_title(f"US lead by game: {len(c.games)} games of {c.scenario_name}", fontsize=10, loc="left")
    ax.legend(fontsize=8, loc="best")
    _as_text(fig)
    return fig


def series_figure(c: Comparison) -> Figure:
    """Every game's US/PRC compute ratio, mean lab safety share and US adoption share, season by season."""
    fig = Figure(figsize=(10.0, 3.4), layout="constrained")
    axes = fig.subplots(1, 3)
    for ax, (column, name, unit) in zip(axes, SERIES[1:], strict=True):
        for i, g in enumerate(c.games):
            ax.plot(np.arange(len(g.path)), g.path[column].to_numpy(dtype=float), label=_short(g.label),
                    **_line_style(i))
        _season_axis(ax, c)
        ax.set_title(name, fontsize=9, loc="left")
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=8)
    _as_text(fig)
    return fig


# ----------------------------------------------------------------------------------------------- HTML


def _table(t: Table, caption: str | None = None, numeric_from: int = 1, class_: str | None = None,
           numeric: Sequence[int] | None = None) -> html.Html:
    """An HTML table of a :data:`Table`; columns from ``numeric_from`` on (or those in ``numeric``) right-aligned."""
    header, rows = t
    columns = list(numeric) if numeric is not None else list(range(numeric_from, len(header)))
    return html.table(header, rows, caption=caption, numeric=columns, class_=class_)


SPLIT_EXPLAINED = (
    "The dice of a game are its seed: every random draw comes from it. Its decisions are what the people at its "
    "seats chose, season by season (and the injects played by hand); computer seats react as the model says. "
    "Replaying one game's decisions on the other game's seed, and the other way round, splits each gap: 'from "
    "decisions' is how much the result changes when only the decisions are swapped, 'from dice' when only the "
    "seeds are swapped (each averaged over both ways round, so the two parts add up to the gap). On the same "
    "seed the dice part is 0.")


def report_html(c: Comparison) -> str:
    """The comparison as one self-contained HTML page (tables, charts as PNG data URIs, print CSS).

    Every text (game labels, seat names, the scenario's title) is escaped by :mod:`wargame.report.html`.
    """
    ref = c.games[c.reference]
    games = html.section("The games", _table(games_table(c), class_="games-table", numeric=GAMES_NUMERIC),
                         html.bullet_list(c.notes), section_id="games")
    endings = html.section(
        "Endings and scores",
        html.paragraph(f"Outcomes at the horizon: S1 when the US leads by at least {c.thresholds['s1']:g} months, "
                       f"S2 when the lead is {c.thresholds['s2']:g} months or less (or the PRC leads), "
                       "otherwise contested."),
        _table(endings_table(c), class_="endings-table", numeric_from=4),
        _table(scores_table(c), caption="Every seat's score at the end of each game (points)", numeric_from=2,
               class_="scores-table"),
        section_id="endings")
    paths = html.section(
        "Paths side by side",
        html.figure(lead_figure(c), "US lead in months, season by season, one line per game",
                    "US lead over the PRC (months) in each game, with the outcome thresholds."),
        html.figure(series_figure(c), "US/PRC compute, mean lab safety share and US adoption share by game",
                    "US/PRC compute (ratio), mean lab safety share (share of compute) and US share of Global "
                    "South adoption (share), season by season."),
        _table(lead_table(c), caption="US lead by season (months)", class_="lead-table"),
        section_id="paths")
    parts: list[Any] = []
    if not c.divergences:
        parts.append(html.paragraph("No seat was played by people in any game: there are no decisions to compare."))
    for div in c.divergences:
        parts.append(html.tag("h3", div.name))
        parts.append(html.paragraph(divergence_summary(c, div)))
        if div.differences:
            parts.append(_table(divergence_table(c, div), numeric_from=3, class_="divergence-table"))
    diverged = html.section(
        "Where the decisions diverged",
        html.paragraph("For each seat people played, the lever values that differ between the games, by season. "
                       "'(computer)' marks a value the seat's computer policy chose (in a game where no person "
                       "played the seat, or a season its team did not submit)."),
        *parts, section_id="divergence")
    per_game = []
    for split in c.splits:
        g = c.games[split.game]
        seed = "the same seed" if split.same_seed else f"seeds {ref.seed} and {g.seed}"
        per_game.append(html.tag("h3", f"{g.label} against {ref.label}"))
        per_game.append(html.paragraph(
            f"On {seed}. Crossed games: {ref.label}'s decisions on seed {g.seed} end with a lead of "
            f"{split.crossed_lead['reference decisions, this seed']:.1f} months; {g.label}'s decisions on seed "
            f"{ref.seed} with {split.crossed_lead['these decisions, reference seed']:.1f} months."))
        per_game.append(_table(split_table(c, split), numeric_from=2, class_="split-table"))
    split = html.section(
        "Decisions or dice?",
        html.paragraph(SPLIT_EXPLAINED),
        html.paragraph(f"Every game is compared with {ref.label}, after {c.season}."),
        _table(split_summary_table(c), caption="Gap in final lead against the reference", class_="split-summary"),
        *per_game, section_id="split")
    auto = html.section(
        "What the computer would have done",
        html.paragraph("Each game beside the game the computer plays on the same seed with no person at any seat "
                       "(the same injects): the difference is what the people's decisions did."),
        _table(computer_table(c), numeric_from=3, class_="computer-table"), section_id="computer")
    title = f"Class comparison: {c.scenario_title}"
    subtitle = (f"Scenario {c.scenario_name}, {len(c.games)} games, compared with {ref.label} after {c.season}")
    return html.page(title, [games, endings, paths, diverged, split, auto], subtitle=subtitle)
