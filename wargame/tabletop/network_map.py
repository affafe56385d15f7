"""The network map: this season's chip flows between jurisdictions, by kind (legal, smuggled, remote).

Node positions are the fixed ``pos`` attributes of the model's flow graph, so the map does not move
between seasons and players can compare them at a glance.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from wargame.tabletop.chart_style import DPI, FIG_SIZE, PRC_COLOR, SOURCE_COLORS, US_COLOR

FLOW_STYLE = {
    "legal": {"color": SOURCE_COLORS["legal"], "rad": 0.0, "ls": "-"},
    "smuggled": {"color": SOURCE_COLORS["smuggled"], "rad": 0.25, "ls": "--"},
    "remote": {"color": SOURCE_COLORS["remote"], "rad": -0.25, "ls": ":"},
}
NODE_COLORS = {"US": US_COLOR, "PRC": PRC_COLOR}
NODE_NAMES = {"US": "United States", "PRC": "China", "NL": "Netherlands", "JP": "Japan", "KR": "South Korea",
              "TW": "Taiwan", "SEA": "Southeast Asia", "ME": "Gulf / Middle East"}


def flow_table(model: Any) -> list[dict[str, Any]]:
    """List the latest season's flows as rows ``{origin, dest, kind, h100e}``, largest first (zero flows dropped)."""
    rows = []
    for origin, dest, data in model.flow_graph.edges(data=True):
        for kind in FLOW_STYLE:
            value = float(data.get(kind, 0.0) or 0.0)
            if value > 0:
                rows.append({"origin": origin, "dest": dest, "kind": kind, "h100e": value})
    return sorted(rows, key=lambda r: -r["h100e"])


def network_figure(model: Any) -> Figure:
    """Draw the flow map of the latest season.

    Args:
        model: The model; its ``flow_graph`` holds the flows of the latest season played.

    Returns:
        The figure.

    """
    graph = model.flow_graph
    pos = {n: tuple(d["pos"]) for n, d in graph.nodes(data=True)}
    played = model.seasons_played
    label = model.datacollector.get_model_vars_dataframe()["season"].iloc[-1] if played else "none yet"
    fig = Figure(figsize=(FIG_SIZE[0], FIG_SIZE[0] * 0.64), dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.01)
    ax.set_title(f"Chip flows in season {label} (H100e)", fontsize=10, loc="left")
    rows = flow_table(model)
    biggest = max((r["h100e"] for r in rows), default=1.0)
    for row in rows:
        style = FLOW_STYLE[row["kind"]]
        width = 0.6 + 5.0 * math.sqrt(row["h100e"] / biggest)
        start, end = pos[row["origin"]], pos[row["dest"]]
        ax.annotate(
            "", xy=end, xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": style["color"], "lw": width, "ls": style["ls"],
                        "shrinkA": 14, "shrinkB": 14, "connectionstyle": f"arc3,rad={style['rad']}",
                        "mutation_scale": 10 + width},
        )
        mid = ((start[0] + end[0]) / 2 + style["rad"] * (end[1] - start[1]) * 0.5,
               (start[1] + end[1]) / 2 - style["rad"] * (end[0] - start[0]) * 0.5)
        ax.text(*mid, f"{row['h100e'] / 1e3:,.0f}k", fontsize=7, color=style["color"], ha="center",
                va="center", bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    for node, (x, y) in pos.items():
        color = NODE_COLORS.get(node, "#6c757d")
        ax.scatter([x], [y], s=420, color=color, zorder=3, edgecolors="white", linewidths=1.5)
        ax.text(x, y, node, color="white", fontsize=7, ha="center", va="center", zorder=4, weight="bold")
        ax.text(x, y - 0.13, NODE_NAMES.get(node, node), fontsize=7, ha="center", va="top", color="#333", zorder=5,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})
    handles = [Line2D([0], [0], color=s["color"], ls=s["ls"], lw=2, label=k) for k, s in FLOW_STYLE.items()]
    ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=False)
    if not rows:
        ax.text(0.5, 0.5, "No flows yet: step a season", transform=ax.transAxes, ha="center", fontsize=9,
                color="#666")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
    ax.set_ylim(min(ys) - 0.35, max(ys) + 0.25)
    ax.set_axis_off()
    return fig
