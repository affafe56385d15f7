"""The waterfall chart of a season's explained change of the lead (:mod:`wargame.explain`), in matplotlib.

No pyplot and no JavaScript: the figure renders offline in the tabletop and in the after-action report.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from wargame.explain import PART_LABELS, PARTS

#: Parts smaller than this (months) are drawn together as one bar, so the chart stays readable.
CHART_MIN_MONTHS = 0.02
GAIN, LOSS, TOTAL = "#2e7d32", "#c62828", "#546e7a"


def waterfall_bars(entry: dict[str, Any]) -> list[tuple[str, float, float]]:
    """The bars of the waterfall: ``(label, start, end)`` in months of US lead, in drawing order.

    The first bar is the lead before the season, the last the lead after it; between them each part of at
    least :data:`CHART_MIN_MONTHS` (others lumped into one "other small parts" bar), so the bars chain exactly
    from the lead before to the lead after.

    Args:
        entry: One season's explanation (an item of ``AIRaceModel.explanations``).

    """
    bars = [("lead before", 0.0, entry["lead_before"])]
    level = entry["lead_before"]
    small = 0.0
    for name in PARTS:
        months = entry["parts"][name]
        if abs(months) < CHART_MIN_MONTHS:
            small += months
            continue
        bars.append((PART_LABELS[name], level, level + months))
        level += months
    if small != 0.0:
        bars.append(("other small parts", level, level + small))
    bars.append(("lead after", 0.0, entry["lead_after"]))
    return bars


def waterfall_figure(entry: dict[str, Any]) -> Figure:
    """The waterfall of one season: the lead before, each part's push up or down, the lead after (months).

    Args:
        entry: One season's explanation (an item of ``AIRaceModel.explanations``).

    Returns:
        A matplotlib figure (horizontal bars, months of US lead on the x axis).

    """
    bars = waterfall_bars(entry)
    fig = Figure(figsize=(7.2, 0.42 * len(bars) + 1.3), dpi=100, layout="constrained")
    ax = fig.subplots()
    for y, (label, start, end) in enumerate(bars):
        total = label in ("lead before", "lead after")
        colour = TOTAL if total else (GAIN if end >= start else LOSS)
        ax.barh(y, end - start, left=start, color=colour, height=0.6)
        ax.annotate(f"{end:+.2f}" if total else f"{end - start:+.2f}", (max(start, end), y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(bars)), [label for label, _, _ in bars], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0.0, color="#888888", linewidth=0.8)
    ax.set_xlabel("US lead, months (negative: the PRC leads)")
    ax.set_title(f"{entry['season']}: why the lead moved ({entry['lead_after'] - entry['lead_before']:+.2f} months)",
                 fontsize=10)
    ax.margins(x=0.15)
    return fig
