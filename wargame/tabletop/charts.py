"""Charts of a game in progress, drawn with matplotlib (no pyplot, no JavaScript, so they render offline).

Every builder takes the model and returns a :class:`matplotlib.figure.Figure`; the builders live in
:mod:`wargame.figures` (plain matplotlib, which the reports use too) and stay importable from here.
:func:`ChartView` shows one in Solara and redraws it only when the game changes.
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as widgets
import solara
import solara.lab
from matplotlib.figure import Figure

from wargame.figures import adoption_figure as adoption_figure  # the builders (plain matplotlib), re-exported
from wargame.figures import compute_figure as compute_figure
from wargame.figures import lab_frame as lab_frame
from wargame.figures import labs_figure as labs_figure
from wargame.figures import lead_figure as lead_figure
from wargame.figures import model_frame as model_frame
from wargame.figures import seasons_axis as seasons_axis

# The shared look (and matplotlib's setup, done on import); the names stay importable from here.
from wargame.tabletop.chart_style import CHART_MAX_WIDTH_PX, DPI, FIG_SIZE, RENDER_DPI
from wargame.tabletop.chart_style import PRC_COLOR as PRC_COLOR
from wargame.tabletop.chart_style import SOURCE_COLORS as SOURCE_COLORS
from wargame.tabletop.chart_style import US_COLOR as US_COLOR


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
