"""Charts of a game in progress, drawn with matplotlib (no pyplot, no JavaScript, so they render offline).

Every builder takes the model and returns a :class:`matplotlib.figure.Figure`. :func:`ChartView`
shows one in Solara and redraws it only when the game changes.
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as widgets
import pandas as pd
import solara
import solara.lab
from matplotlib.figure import Figure

# The shared look (and matplotlib's setup, done on import); the names stay importable from here.
from wargame.tabletop.chart_style import (
    CHART_MAX_WIDTH_PX,
    DPI,
    FIG_SIZE,
    PRC_COLOR,
    RENDER_DPI,
    SOURCE_COLORS,
    US_COLOR,
)


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


def views() -> tuple[tuple[str, str, Any], ...]:
    """The chart views as ``(tab label, css name, builder)``: lead, compute, labs, adoption, flow map."""
    from wargame.tabletop.network_map import network_figure

    return (
        ("Lead", "lead", lead_figure),
        ("Compute", "compute", compute_figure),
        ("Labs", "labs", labs_figure),
        ("Adoption", "adoption", adoption_figure),
        ("Flow map", "network", network_figure),
    )


@solara.component
def ViewTabs(model: Any, version: int, live: dict[str, Any] | None = None) -> solara.Element:
    """The chart views: a bar of tab headers, and the open tab's chart below it.

    Only the open tab's chart is drawn when a season is played, which keeps a step fast (a matplotlib
    figure costs about 0.1 s to draw on a small machine).

    The tabs are headers only (no Vuetify ``v-tabs-items``/``v-window``), and the chart is a plain child
    below them. With window items, Solara's lazy tabs leave the newly opened item empty until the server
    sends its chart, and Vuetify's slide transition, started on that empty item, pins the window's
    height at 0 px (``overflow: hidden``) until the transition ends: the chart arrives but is clipped,
    and the tab looks empty. A plain child has no transition: the old chart stays until the new one
    replaces it.

    Args:
        model: The model being played.
        version: The session's change counter.
        live: Optional builders of charts the browser draws, by css name (``model -> ECharts option``): such
            a tab shows a :func:`solara.FigureEcharts` instead of a PNG drawn on the server. The room's console
            uses it, so a step does not draw a matplotlib figure for the facilitator's open tab.

    """
    tab, set_tab = solara.use_state(0)
    all_views = views()
    label, name, builder = all_views[min(max(tab, 0), len(all_views) - 1)]
    with solara.Column(classes=["view-tabs"], gap="0px"):
        with solara.lab.Tabs(value=tab, on_value=set_tab):
            for tab_label, tab_name, _ in all_views:
                solara.lab.Tab(tab_label, classes=[f"tab-{tab_name}"])
        if live and name in live:
            LiveChartView(live[name], model, version, name=name).key(f"live-chart-{name}")
        else:
            ChartView(builder, model, version, name=name).key(f"chart-{name}")


@solara.component
def LiveChartView(builder: Any, model: Any, version: int, name: str = "") -> solara.Element:
    """One chart drawn by the browser (ECharts), as wide as its column; its option is rebuilt only on a new version.

    Args:
        builder: A function ``model -> ECharts option`` (a JSON-able dict of numbers and fixed labels).
        model: The model being played (or the console's snapshot of it).
        version: The change counter.
        name: A CSS class suffix (``chart-<name>``), as :func:`ChartView` gives.

    """

    def build() -> dict[str, Any]:
        try:
            return builder(model)
        except Exception as exc:  # noqa: BLE001 - a chart must never take the page down
            return {"title": {"text": f"Chart unavailable: {type(exc).__name__}", "textStyle": {"fontSize": 12}}}

    option = solara.use_memo(build, dependencies=[id(model), version])
    with solara.Div(classes=[f"chart-{name}" if name else "chart", "chart-view", "live-chart"],
                    style={"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}):
        solara.FigureEcharts(option=option, responsive=True, attributes={"style": "height: 320px; width: 100%;"})


@solara.component
def ChartView(builder: Any, model: Any, version: int, name: str = "") -> solara.Element:
    """Show one chart, as wide as its column; it is redrawn only when the game's ``version`` changes.

    The PNG is drawn at ``RENDER_DPI`` (sharper than the figure's own DPI) and scaled by the browser to
    the column's width, keeping its aspect ratio, so it fills the column on a laptop or a projector.

    Args:
        builder: A function ``model -> Figure`` from this module or :mod:`wargame.tabletop.network_map`.
        model: The model being played.
        version: The session's change counter.
        name: A CSS class suffix, so tests and screenshots can find the chart.

    """
    png = solara.use_memo(lambda: safe_png(builder, model), dependencies=[id(model), version])
    with solara.Div(classes=[f"chart-{name}" if name else "chart", "chart-view"],
                    style={"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}):
        widgets.Image.element(value=png, format="png",
                              layout={"width": "100%", "height": "auto", "max_width": "100%"})


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at ``RENDER_DPI``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=RENDER_DPI)
    return buffer.getvalue()


def safe_png(builder: Any, model: Any) -> bytes:
    """A chart as PNG bytes; if building or drawing it fails, a figure that says so (never an exception)."""
    try:
        return figure_png(_safe_figure(builder, model))
    except Exception as exc:  # noqa: BLE001 - a chart must never take the game down
        fig = Figure(figsize=FIG_SIZE, dpi=DPI)
        fig.text(0.02, 0.5, f"Chart unavailable: {type(exc).__name__}", fontsize=8)
        return figure_png(fig)


def _safe_figure(builder: Any, model: Any) -> Figure:
    """Build a figure; on an unexpected error show the error in the figure instead of crashing the page."""
    try:
        return builder(model)
    except Exception as exc:  # noqa: BLE001 - a chart must never take the game down
        fig = Figure(figsize=FIG_SIZE, dpi=DPI)
        fig.text(0.02, 0.5, f"Chart unavailable: {type(exc).__name__}: {exc}", fontsize=8, wrap=True)
        return fig
