"""Charts of a game, drawn with plain matplotlib (no pyplot, no widgets), for the tabletop and the reports.

Importing this module sets matplotlib up for a server (the ``agg`` backend: no window, no pyplot) and turns off
maths text, so names from a scenario or a log are drawn as text. Every builder returns a
:class:`matplotlib.figure.Figure`; the tabletop shows them through :mod:`wargame.tabletop.charts` (which
re-exports these names) and the after-action report (:mod:`wargame.report.aar`) embeds them as PNG. Nothing
here imports the app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

matplotlib.use("agg")
# Names from a scenario or a log are text, never maths: "$" in a lab's name must not start a formula.
matplotlib.rcParams["text.parse_math"] = False

#: Colour of the US bloc (hex RGB).
US_COLOR = "#1f5fa8"
#: Colour of the PRC bloc (hex RGB).
PRC_COLOR = "#c0392b"
#: Colour of each source of compute, or kind of chip flow (hex RGB).
SOURCE_COLORS = {"legal": "#4c956c", "domestic": "#8d6e63", "smuggled": "#e07a1f", "remote": "#7b4fa0"}
# Figures are small in inches, so their text is large relative to the chart once the browser scales the
# image to its column (about 540 px on a 1400 px screen): readable on a projector.
#: A chart's size, (width, height) in inches.
FIG_SIZE = (4.8, 2.5)
#: A figure's own resolution, dots per inch.
DPI = 90
#: Most bins of a histogram of computer-played games.
HISTOGRAM_BINS = 40
#: From this many values on, a histogram's bars span the 1st to 99th percentile rather than the whole range.
HISTOGRAM_FULL_RANGE = 100
#: Colour of the mark of the game played on a distribution chart.
GAME_MARK_COLOR = "black"
#: Colour of the mark of the all-computer game on the same seed.
COMPUTER_MARK_COLOR = "#e07a1f"


def model_frame(model: Any) -> pd.DataFrame:
    """The model-level time series, one row per collected season (the first row is the start)."""
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def lab_frame(model: Any) -> pd.DataFrame:
    """Per-lab time series with columns ``seat``, ``bloc``, ``race_pressure``, ``safety_share``, ``t``."""
    from agents import Lab

    frame = model.datacollector.get_agenttype_vars_dataframe(Lab).reset_index()
    step_col = "Step" if "Step" in frame.columns else frame.columns[0]
    frame = frame.rename(columns={step_col: "t"})
    return frame


def _axes(title: str, ylabel: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=FIG_SIZE, dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.12, right=0.97, top=0.88, bottom=0.14)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    return fig, ax


def _season_ticks(ax: Any, seasons: list[str]) -> None:
    """Label the x axis with short, unrotated season labels ("26Q3"); rotated text is slow to lay out."""
    short = [label[2:] if len(label) == 6 and label[4] == "Q" else label for label in seasons]
    step = max(1, (len(short) + 5) // 6)
    ticks = list(range(0, len(short), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([short[i] for i in ticks], fontsize=7)
    ax.set_xlim(-0.3, max(len(short) - 0.7, 0.7))


def seasons_axis(model: Any, frame: pd.DataFrame) -> list[str]:
    """Labels of the collected rows: ``start`` for the initial state, then each season played."""
    labels = [str(s) for s in frame.get("season", pd.Series(range(len(frame))))]
    if labels:
        labels[0] = "start"
    return labels


def lead_figure(model: Any) -> Figure:
    """The US lead in months over time (deployed and internal models), with the outcome thresholds."""
    frame = model_frame(model)
    seasons = seasons_axis(model, frame)
    latest = frame["lead_months"].iloc[-1]
    fig, ax = _axes(f"US lead over PRC: {latest:+.1f} months", "months (deployed)")
    x = range(len(frame))
    outcome = model.scenario_spec.outcome
    s1 = outcome.s1_lead_months
    s2 = outcome.s2_lead_months
    ax.axhspan(s1, max(s1 + 12, frame["lead_months"].max() + 2), color=US_COLOR, alpha=0.07)
    ax.axhspan(min(s2 - 12, frame["lead_months"].min() - 2), s2, color=PRC_COLOR, alpha=0.07)
    ax.axhline(s1, color=US_COLOR, lw=0.8, ls=":")
    ax.axhline(s2, color=PRC_COLOR, lw=0.8, ls=":")
    ax.text(0.01, 0.97, f"S1 ≥ {s1:g}", transform=ax.transAxes, fontsize=7, va="top", color=US_COLOR)
    ax.text(0.01, 0.03, f"S2 ≤ {s2:g}", transform=ax.transAxes, fontsize=7, va="bottom", color=PRC_COLOR)
    ax.plot(x, frame["lead_months"], marker="o", ms=3, color="black", label="deployed")
    if "lead_internal_months" in frame:
        ax.plot(x, frame["lead_internal_months"], ls="--", color="grey", lw=1, label="internal")
    ax.legend(fontsize=7, loc="upper right")
    _season_ticks(ax, seasons)
    return fig


def compute_figure(model: Any) -> Figure:
    """Compute stocks by bloc (left) and this game's PRC inflows by source (right)."""
    frame = model_frame(model)
    seasons = seasons_axis(model, frame)
    fig = Figure(figsize=(FIG_SIZE[0], FIG_SIZE[1]), dpi=DPI, layout=None)
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.14, wspace=0.35)
    x = list(range(len(frame)))
    left.plot(x, frame["us_compute_h100e"] / 1e6, color=US_COLOR, marker="o", ms=3, label="US")
    left.plot(x, frame["prc_compute_h100e"] / 1e6, color=PRC_COLOR, marker="o", ms=3, label="PRC")
    left.set_title("Compute stock by bloc", fontsize=10, loc="left")
    left.set_ylabel("million H100e", fontsize=8)
    left.legend(fontsize=7)
    bottom = pd.Series(0.0, index=frame.index)
    for source in ("legal", "domestic", "smuggled", "remote"):
        col = f"prc_inflow_{source}_h100e"
        if col in frame:
            values = frame[col].fillna(0.0) / 1e3
            right.bar(x, values, bottom=bottom, color=SOURCE_COLORS[source], label=source, width=0.8)
            bottom = bottom + values
    right.set_title("PRC inflow by source", fontsize=10, loc="left")
    right.set_ylabel("thousand H100e / quarter", fontsize=8)
    right.set_ylim(0, max(float(bottom.max()), 1.0) * 1.45)  # headroom: the legend sits above the bars
    right.legend(fontsize=7, ncol=2, loc="upper left", columnspacing=0.8, handlelength=1.2)
    for ax in (left, right):
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        _season_ticks(ax, seasons)
    return fig


def labs_figure(model: Any) -> Figure:
    """Race pressure (left) and safety share (right) of every lab over time."""
    frame = lab_frame(model)
    model_rows = model_frame(model)
    seasons = seasons_axis(model, model_rows)
    fig = Figure(figsize=(FIG_SIZE[0], FIG_SIZE[1] + 0.5), dpi=DPI, layout=None)
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.27, wspace=0.35)
    names = {lab.seat: lab.name for lab in model.labs}
    us_styles, prc_styles = ["-", "--", ":", "-."], ["-", "--", ":", "-."]
    for seat, rows in frame.groupby("seat", sort=False):
        bloc = rows["bloc"].iloc[0]
        color = US_COLOR if bloc == "US" else PRC_COLOR
        style = (us_styles if bloc == "US" else prc_styles).pop(0) if (us_styles and prc_styles) else "-"
        xs = list(range(len(rows)))
        label = names.get(seat, seat)
        left.plot(xs, rows["race_pressure"], color=color, ls=style, label=label, lw=1.2)
        right.plot(xs, rows["safety_share"], color=color, ls=style, label=label, lw=1.2)
    left.set_title("Race pressure", fontsize=10, loc="left")
    left.set_ylabel("index", fontsize=8)
    right.set_title("Safety share of compute", fontsize=10, loc="left")
    right.set_ylabel("share", fontsize=8)
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, frameon=False, columnspacing=0.8,
               handlelength=1.6, handletextpad=0.4)
    for ax in (left, right):
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        _season_ticks(ax, seasons)
    return fig


def adoption_figure(model: Any) -> Figure:
    """Global South adoption share of US models over time."""
    frame = model_frame(model)
    seasons = seasons_axis(model, frame)
    latest = frame["adoption_share_us"].iloc[-1]
    fig, ax = _axes(f"Global South adoption of US models: {latest:.0%}", "share using US models")
    x = range(len(frame))
    ax.fill_between(x, frame["adoption_share_us"], 0, color=US_COLOR, alpha=0.35, label="US models")
    ax.fill_between(x, frame["adoption_share_us"], 1, color=PRC_COLOR, alpha=0.25, label="PRC models")
    ax.axhline(0.5, color="black", lw=0.6, ls=":")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="lower left")
    _season_ticks(ax, seasons)
    return fig


def beliefs_figure(frame: pd.DataFrame) -> Figure:
    """Each bloc's estimate of the lead of trained models (±1 sd) against the true lead, as the US lead.

    Args:
        frame: :func:`wargame.beliefs.beliefs_frame` of a game. The first seat of each bloc (its government)
            stands for the bloc; the PRC's estimate (PRC sign) is turned into a US lead (sign flipped).

    Returns:
        A figure (months on the y axis, seasons on the x axis); a note instead if no season was played.

    """
    fig = Figure(figsize=FIG_SIZE, dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.12, right=0.97, top=0.88, bottom=0.14)
    ax.set_title("Believed lead (±1 sd) and the true lead", fontsize=10, loc="left")
    ax.set_ylabel("US lead, months (internal)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    if frame.empty:
        ax.text(0.5, 0.5, "No season played yet.", ha="center", va="center", transform=ax.transAxes)
        return fig
    seasons = list(dict.fromkeys(str(s) for s in frame["season"]))
    x_of = {s: i for i, s in enumerate(seasons)}
    truth_drawn = False
    for bloc, color, shift, sign in (("US", US_COLOR, -0.08, 1.0), ("PRC", PRC_COLOR, 0.08, -1.0)):
        rows = frame[frame["bloc"] == bloc]
        if rows.empty:
            continue
        rows = rows[rows["seat"] == rows["seat"].iloc[0]]
        x = [x_of[str(s)] + shift for s in rows["season"]]
        ax.errorbar(x, sign * rows["estimated_lead_months"], yerr=rows["estimate_sd_months"], fmt="o", ms=3,
                    capsize=2, lw=0.9, color=color, label=f"{bloc} estimate")
        if not truth_drawn:
            ax.plot([x_of[str(s)] for s in rows["season"]], sign * rows["true_lead_months"], color="black", lw=1.2,
                    label="truth")
            truth_drawn = True
    ax.axhline(0, color="grey", lw=0.6)
    ax.legend(fontsize=7, loc="best")
    short = [s[2:] if len(s) == 6 and s[4] == "Q" else s for s in seasons]
    step = max(1, (len(short) + 5) // 6)
    ax.set_xticks(list(range(0, len(short), step)))
    ax.set_xticklabels(short[::step], fontsize=7)
    return fig


def season_parts_figure(seasons: Sequence[str], parts: Mapping[str, Sequence[float]], labels: Mapping[str, str],
                        lead_before: float, lead_after: Sequence[float]) -> Figure:
    """The change of the US lead each season, as stacked bars of its parts, with the lead drawn over them.

    Args:
        seasons: Season labels, shape (S,).
        parts: Part name -> its months of lead in each season, each of shape (S,); they add up to each season's
            change of the lead. Parts that are zero in every season are left out.
        labels: Part name -> plain words (the legend).
        lead_before: The US lead before the first season, months.
        lead_after: The US lead after each season, months, shape (S,).

    Returns:
        A figure: for each season a bar per part from zero (gains stacked up, losses down, months on the left
        axis), and the lead (months, right axis) from before the first season to after the last.

    """
    n = len(seasons)
    shown = [name for name, values in parts.items() if any(abs(float(v)) > 1e-12 for v in values)]
    fig = Figure(figsize=(FIG_SIZE[0] * 1.45, FIG_SIZE[1] * 1.6), dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.09, right=0.91, top=0.92, bottom=0.36)
    ax.set_title("What moved the lead each season (bars) and the lead (line)", fontsize=10, loc="left")
    ax.set_ylabel("change of the lead, months", fontsize=8)
    x = np.arange(n)
    up, down = np.zeros(n), np.zeros(n)
    colors = matplotlib.colormaps["tab20"].colors
    for i, name in enumerate(shown):
        values = np.asarray(parts[name], dtype=float)
        base = np.where(values >= 0, up, down)
        ax.bar(x, values, bottom=base, width=0.7, color=colors[i % len(colors)], label=labels.get(name, name))
        up, down = up + np.maximum(values, 0), down + np.minimum(values, 0)
    ax.axhline(0, color="grey", lw=0.6)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3, axis="y")
    lead = ax.twinx()
    lead.plot(np.arange(-1, n), [lead_before, *lead_after], color="black", marker="o", ms=3,
              lw=1.2, label="US lead (right axis)")
    lead.set_ylabel("US lead, months", fontsize=8)
    lead.tick_params(labelsize=7)
    short = ["start", *(s[2:] if len(s) == 6 and s[4] == "Q" else s for s in seasons)]
    ax.set_xticks(np.arange(-1, n), short, fontsize=7)
    ax.set_xlim(-1.5, n - 0.5)
    handles = ax.get_legend_handles_labels()[0] + lead.get_legend_handles_labels()[0]
    names = ax.get_legend_handles_labels()[1] + lead.get_legend_handles_labels()[1]
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=7, frameon=False, columnspacing=0.8,
               handlelength=1.2)
    return fig


def _histogram(ax: Any, values: np.ndarray, marks: Sequence[tuple[str, float, str, str]]) -> None:
    """Draw a histogram of ``values`` with vertical lines at ``marks`` ``(label, x, colour, line style)``.

    The bars span the values' 1st to 99th percentile (the whole range below :data:`HISTOGRAM_FULL_RANGE` values),
    widened to every mark, so a few far outliers do not squeeze the rest into a bar or two; how many values lie
    outside is written in the corner.
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    xs = [x for _, x, _, _ in marks if np.isfinite(x)]
    if finite.size >= HISTOGRAM_FULL_RANGE:
        lo, hi = np.percentile(finite, [1, 99])
    elif finite.size:
        lo, hi = finite.min(), finite.max()
    else:
        lo, hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    low, high = min([float(lo), *xs]), max([float(hi), *xs])
    if high - low < 1e-9:  # every game ended the same: one bar, a unit wide
        low, high = low - 0.5, high + 0.5
    bins = int(min(HISTOGRAM_BINS, max(5, np.sqrt(max(finite.size, 1)) * 1.5)))
    ax.hist(finite, bins=bins, range=(low, high), color="#9aa5b1", edgecolor="white", linewidth=0.4)
    below, above = int(np.sum(finite < low)), int(np.sum(finite > high))
    if below or above:
        ax.text(0.01, 0.97, f"not drawn: {below:,} lower, {above:,} higher", transform=ax.transAxes, fontsize=6,
                va="top", color="#57606a")
    for label, x, color, style in marks:
        if np.isfinite(x):
            ax.axvline(x, color=color, ls=style, lw=1.6, label=label)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def lead_distribution_figure(leads: np.ndarray, marks: Sequence[tuple[str, float, str, str]], s1: float,
                             s2: float) -> Figure:
    """Histogram of the final US lead of computer-played games, with this game (and others) marked.

    Args:
        leads: Final deployed US lead of each computer-played game, months, shape (N,).
        marks: Lines to draw, ``(legend label, lead in months, colour, matplotlib line style)``.
        s1: The S1 threshold (lead at or above it: S1), months.
        s2: The S2 threshold (lead at or below it: S2), months.

    Returns:
        The figure (months on the x axis, number of games on the y axis); the S1 and S2 regions shaded.

    """
    fig, ax = _axes(f"Final US lead in {len(leads):,} computer-played games", "games")
    _histogram(ax, leads, marks)
    low, high = ax.get_xlim()
    if high > s1:
        ax.axvspan(max(s1, low), high, color=US_COLOR, alpha=0.08, label=f"S1 (≥ {s1:g} months)")
    if low < s2:
        ax.axvspan(low, min(s2, high), color=PRC_COLOR, alpha=0.08, label=f"S2 (≤ {s2:g} months)")
    ax.set_xlim(low, high)
    ax.set_xlabel("US lead at the end, months (deployed)", fontsize=8)
    ax.legend(fontsize=7, loc="upper right")
    fig.subplots_adjust(bottom=0.2)
    return fig


def score_distribution_figure(panels: Sequence[tuple[str, np.ndarray, Sequence[tuple[str, float, str, str]]]],
                              columns: int = 3) -> Figure:
    """Small histograms of seats' scores in computer-played games, each with this game's score marked.

    Args:
        panels: One per seat: ``(title, scores of the computer-played games in points, shape (N,), marks)``,
            marks as in :func:`lead_distribution_figure` (points on the x axis).
        columns: Panels per row.

    Returns:
        The figure: one panel per seat, a row of ``columns`` panels per 1.9 inches of height; the legend of the
        first panel explains the lines.

    """
    columns = max(1, min(columns, len(panels)))
    rows = max(1, -(-len(panels) // columns))
    fig = Figure(figsize=(FIG_SIZE[0] * 1.4, 0.5 + 1.9 * rows), dpi=DPI, layout=None)
    grid = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    for ax, (title, values, marks) in zip(grid, panels, strict=False):
        _histogram(ax, values, marks)
        ax.set_title(title if len(title) <= 34 else title[:31] + "...", fontsize=8, loc="left")
        ax.set_xlabel("score, points", fontsize=7)
    for ax in grid[len(panels):]:
        ax.set_visible(False)
    if panels:
        grid[0].set_ylabel("games", fontsize=7)
        handles, labels = grid[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=len(labels) or 1, fontsize=7, frameon=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.45 / fig.get_figheight(), bottom=0.5 / fig.get_figheight(),
                        hspace=0.75, wspace=0.3)
    return fig
