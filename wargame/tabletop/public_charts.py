"""Charts every role may see, drawn from public data only (:func:`wargame.tabletop.role_views.public_series`).

A team's page and the projector must never draw from the model, so these builders take the plain series of
public quantities (the lead of *deployed* models and Global South adoption), never the model: the true
internal lead is not in the data, so it cannot reach a chart. The look follows :mod:`wargame.tabletop.charts`
(same colours, sizes and season ticks).

The projector draws them in a wide mode (``wide=True``) with larger type: at the default sizes (7 pt ticks on a
4.8-inch figure shown 940 px wide) its axis text was about 12 to 13 px high, too small to read across a room.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from functools import partial
from typing import Any

import ipywidgets as widgets
import solara
from matplotlib.figure import Figure

from wargame.tabletop.charts import (
    CHART_MAX_WIDTH_PX,
    DPI,
    FIG_SIZE,
    PRC_COLOR,
    RENDER_DPI,
    US_COLOR,
    _axes,
    _season_ticks,
    figure_png,
)

#: Largest width of one chart on the projector, px: two fit side by side on a 1920 px screen.
WIDE_CHART_MAX_WIDTH_PX = 940
#: Smallest width of a projector chart before the two stack, px (so each is at least this wide).
WIDE_CHART_MIN_WIDTH_PX = 900
#: PNG resolution for the projector, dots per inch: 960 px for a 4.8-inch figure, sharp at 940 px.
WIDE_RENDER_DPI = 200
#: Charts kept by :func:`shared_png` (each PNG is about 50-100 kB, so at most about 25 MB).
PNG_CACHE_SIZE = 256
#: Type sizes of the charts, points: (title, axis label, ticks, legend and notes). A 4.8-inch figure shown 940 px
#: wide draws 1 pt as 2.7 px, so the projector's 11 pt ticks are about 30 px (digits about 21 px high).
FONT_PT = {False: (10, 8, 7, 7), True: (12, 11, 11, 10)}
#: Margins of the axes in the figure, fractions (left, right, top, bottom): larger type needs more room.
MARGINS = {False: (0.12, 0.97, 0.88, 0.14), True: (0.14, 0.95, 0.86, 0.17)}


def _values(series: dict[str, Any], name: str) -> list[float]:
    """A series as floats (a value that is not a number becomes ``nan``)."""
    out = []
    for value in series.get(name) or []:
        try:
            out.append(float(value))
        except (TypeError, ValueError):
            out.append(float("nan"))
    return out


def _seasons(series: dict[str, Any], count: int) -> list[str]:
    """The season labels of ``count`` points (``"start"``, ``"2026Q3"``, ...), padded if the series is short."""
    labels = [str(s) for s in (series.get("season") or [])][:count]
    return labels + [str(i) for i in range(len(labels), count)]


def _threshold(series: dict[str, Any], name: str, default: float) -> float:
    values = [v for v in _values(series, name) if math.isfinite(v)]
    return values[0] if values else default


def _no_data(title: str, wide: bool = False) -> Figure:
    big, _, _, note = FONT_PT[wide]
    fig = Figure(figsize=FIG_SIZE, dpi=DPI, layout=None)
    fig.text(0.5, 0.55, title, fontsize=big, ha="center")
    fig.text(0.5, 0.4, "No data yet.", fontsize=note + 2, ha="center", color="#555")
    return fig


def _public_axes(title: str, ylabel: str, wide: bool) -> tuple[Figure, Any]:
    """A figure and its axes in the look of :mod:`wargame.tabletop.charts`, type sized by :data:`FONT_PT`."""
    if not wide:
        return _axes(title, ylabel)
    big, label, tick, _ = FONT_PT[True]
    left, right, top, bottom = MARGINS[True]
    fig = Figure(figsize=FIG_SIZE, dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=left, right=right, top=top, bottom=bottom)
    # The title starts at the figure's left edge, not the axes': a full-length title fits at this size.
    ax.set_title(title, fontsize=big, loc="left", x=(0.01 - left) / (right - left))
    ax.set_ylabel(ylabel, fontsize=label)
    ax.tick_params(labelsize=tick)
    ax.grid(alpha=0.3)
    return fig, ax


def _ticks(ax: Any, seasons: list[str], wide: bool) -> None:
    """Season ticks on the x axis (:func:`~wargame.tabletop.charts._season_ticks`) in the chart's tick size."""
    _season_ticks(ax, seasons)
    ax.tick_params(labelsize=FONT_PT[wide][2])


def public_lead_figure(series: dict[str, Any], wide: bool = False) -> Figure:
    """The lead of the US bloc's deployed models over the PRC's, by season, with the outcome thresholds.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output: ``season`` labels, ``lead_months``
            (months, US sign, one per season) and ``s1_lead_months`` / ``s2_lead_months`` (one-element lists,
            months: the S1 and S2 thresholds of the scenario's outcome; 12 and 3 if missing).
        wide: The projector's larger type (:data:`FONT_PT`).

    Returns:
        The figure: the deployed lead (black line), the S1 band above its threshold (blue) and the S2 band
        below its threshold (red). No internal lead: it is not public.

    """
    lead = _values(series, "lead_months")
    finite = [v for v in lead if math.isfinite(v)]
    if not finite:
        return _no_data("Lead of deployed US models over PRC models", wide)
    s1 = _threshold(series, "s1_lead_months", 12.0)
    s2 = _threshold(series, "s2_lead_months", 3.0)
    latest = finite[-1]
    note = FONT_PT[wide][3]
    fig, ax = _public_axes(f"US lead over PRC, deployed models: {latest:+.1f} months", "months (deployed)", wide)
    ax.axhspan(s1, max(s1 + 12, max(finite) + 2), color=US_COLOR, alpha=0.07)
    ax.axhspan(min(s2 - 12, min(finite) - 2), s2, color=PRC_COLOR, alpha=0.07)
    ax.axhline(s1, color=US_COLOR, lw=0.8, ls=":")
    ax.axhline(s2, color=PRC_COLOR, lw=0.8, ls=":")
    ax.text(0.01, 0.97, f"S1 ≥ {s1:g}", transform=ax.transAxes, fontsize=note, va="top", color=US_COLOR)
    ax.text(0.01, 0.03, f"S2 ≤ {s2:g}", transform=ax.transAxes, fontsize=note, va="bottom", color=PRC_COLOR)
    ax.plot(range(len(lead)), lead, marker="o", ms=4 if wide else 3, color="black", label="deployed (public)")
    ax.legend(fontsize=note, loc="upper right")
    _ticks(ax, _seasons(series, len(lead)), wide)
    return fig


def public_adoption_figure(series: dict[str, Any], wide: bool = False) -> Figure:
    """Global South adoption of US models (share of users, 0 to 1) by season; the rest use PRC models.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output (``season``, ``adoption_share_us``).
        wide: The projector's larger type (:data:`FONT_PT`).

    Returns:
        The figure: the US share (blue, from 0) and the PRC share (red, up to 1), with the 50% line.

    """
    share = _values(series, "adoption_share_us")
    finite = [v for v in share if math.isfinite(v)]
    if not finite:
        return _no_data("Global South adoption of US models", wide)
    fig, ax = _public_axes(f"Global South adoption of US models: {finite[-1]:.0%}", "share using US models", wide)
    x = range(len(share))
    ax.fill_between(x, share, 0, color=US_COLOR, alpha=0.35, label="US models")
    ax.fill_between(x, share, 1, color=PRC_COLOR, alpha=0.25, label="PRC models")
    ax.axhline(0.5, color="black", lw=0.6, ls=":")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=FONT_PT[wide][3], loc="lower left")
    _ticks(ax, _seasons(series, len(share)), wide)
    return fig


def _png(builder: Any, series: dict[str, Any], dpi: int) -> bytes:
    """A chart as PNG bytes; on an unexpected error, a figure that says so instead of a crashed page."""
    try:
        fig = builder(series)
    except Exception as exc:  # noqa: BLE001 - a chart must never take the page down
        fig = Figure(figsize=FIG_SIZE, dpi=DPI)
        fig.text(0.02, 0.5, f"Chart unavailable: {type(exc).__name__}", fontsize=8)
    if dpi == RENDER_DPI:
        return figure_png(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def series_key(series: dict[str, Any]) -> tuple[Any, ...]:
    """A hashable fingerprint of a series dict (its names and values), to cache its charts."""
    return tuple((str(name), tuple(values) if isinstance(values, list | tuple) else str(values))
                 for name, values in sorted(series.items()))


_PNGS: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_PNG_LOCKS: dict[tuple[Any, ...], threading.Lock] = {}
_PNGS_LOCK = threading.Lock()


def shared_png(name: str, builder: Any, series: dict[str, Any], dpi: int) -> bytes:
    """A public chart as PNG bytes, drawn once per server for the same data and shared by every view.

    Every team's page of a room shows the same public charts: after a step, each view used to draw them
    itself, one after the other (one Python process), which delayed the last view by seconds. Now the first
    view draws a chart and the others wait for it and reuse it. The data are public, so sharing them between
    views (and rooms) shows nobody anything new.

    Args:
        name: The chart's name (``"lead"``, ``"adoption"``).
        builder: Its figure builder (series -> figure).
        series: :func:`~wargame.tabletop.role_views.public_series` output.
        dpi: PNG resolution, dots per inch.

    Returns:
        The PNG (the last :data:`PNG_CACHE_SIZE` charts drawn are kept).

    """
    key = (name, series_key(series), int(dpi))
    with _PNGS_LOCK:
        if key in _PNGS:
            _PNGS.move_to_end(key)
            return _PNGS[key]
        lock = _PNG_LOCKS.setdefault(key, threading.Lock())
    with lock:  # one view draws, the others wait for its result
        with _PNGS_LOCK:
            if key in _PNGS:
                return _PNGS[key]
        png = _png(builder, series, dpi)
        with _PNGS_LOCK:
            _PNGS[key] = png
            while len(_PNGS) > PNG_CACHE_SIZE:
                _PNGS.popitem(last=False)
            _PNG_LOCKS.pop(key, None)
        return png


CHARTS = (("lead", public_lead_figure), ("adoption", public_adoption_figure))


@solara.component
def PublicCharts(series: dict[str, Any], version: int, wide: bool = False) -> solara.Element:
    """The public charts (deployed lead and Global South adoption) as PNG images.

    The PNGs are drawn again only when the series' values change (a season is played, an undo), not on every
    change of the room: a submission or a status bumps the version of every view, and drawing two charts
    in each of them each time delayed every view by seconds.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output.
        version: The room's version.
        wide: Projector layout: two charts side by side, each 900 to 940 px wide on a 1920 px screen (they
            stack, each up to 940 px, on a narrower one), drawn with larger type (:data:`FONT_PT`). Otherwise
            the charts stack, each as wide as its column up to
            :data:`~wargame.tabletop.charts.CHART_MAX_WIDTH_PX` (a phone, a laptop).

    """
    key = series_key(series)
    dpi = WIDE_RENDER_DPI if wide else RENDER_DPI

    def draw() -> list[tuple[str, bytes]]:
        if wide:  # the projector's larger type: cached under its own name
            return [(name, shared_png(f"{name}-wide", partial(builder, wide=True), series, dpi))
                    for name, builder in CHARTS]
        return [(name, shared_png(name, builder, series, dpi)) for name, builder in CHARTS]

    pngs = solara.use_memo(draw, dependencies=[key, dpi, wide])
    if wide:
        box = {"display": "flex", "flex-wrap": "wrap", "gap": "16px", "width": "100%", "justify-content": "center"}
        item = {"flex": f"1 1 {WIDE_CHART_MIN_WIDTH_PX}px", "min-width": f"min({WIDE_CHART_MIN_WIDTH_PX}px, 100%)",
                "max-width": f"{WIDE_CHART_MAX_WIDTH_PX}px"}
    else:
        box = {"display": "flex", "flex-direction": "column", "gap": "8px", "width": "100%"}
        item = {"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}
    with solara.Div(classes=["public-charts", "public-charts-wide" if wide else "public-charts-narrow"], style=box):
        for name, png in pngs:
            with solara.Div(classes=[f"public-chart-{name}", "public-chart"], style=item):
                widgets.Image.element(value=png, format="png",
                                      layout={"width": "100%", "height": "auto", "max_width": "100%"})
