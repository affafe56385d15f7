"""Charts every role may see, drawn in the browser from public data only.

A team's page and the projector must never draw from the model, so these builders take the plain series of
public quantities (:func:`wargame.tabletop.role_views.public_series`: the lead of *deployed* models and
Global South adoption), never the model: the true internal lead is not in the data, so it cannot reach a chart.

They are Apache ECharts options (plain JSON: numbers and this module's own labels) that each browser draws
itself with :func:`solara.FigureEcharts`. A step used to make the server draw these charts as PNGs with
matplotlib, four per room (about 100 ms each on this 2-core machine, measured with
``benchmarks/bench_rooms.py`` and py-spy, 2026-12-03), one after the other in the server's single Python
process: more than half of the server's time between a step and the last view updated. Now the server sends
about a kilobyte of numbers per chart and the browser draws it. ECharts is served from the local asset cache
(``tools/fetch_assets.py``), so the charts draw offline.

Nothing from outside reaches the options as markup: ECharts draws titles and labels as canvas text, the
tooltip is off (it would render HTML), and the only strings are this module's labels, the season labels
(``"2026Q3"``) and numbers formatted here.

The look follows :mod:`wargame.tabletop.charts` (the same colours). The projector draws them in a wide mode
(``wide=True``) with larger type: its tick labels are 18 px, readable across a room (the issue asks for body
text of at least 18 px at 1366x768).
"""

from __future__ import annotations

import math
from typing import Any

import solara

from wargame.tabletop.charts import CHART_MAX_WIDTH_PX, PRC_COLOR, US_COLOR

#: Largest width of one chart on the projector, px: two fit side by side on a 1920 px screen.
WIDE_CHART_MAX_WIDTH_PX = 940
#: Smallest width of a projector chart before the two stack, px (so each is at least this wide).
WIDE_CHART_MIN_WIDTH_PX = 900
#: Height of a chart, px: (team page and console, projector).
CHART_HEIGHT_PX = {False: 300, True: 480}
#: Type sizes of the charts, px: (title, axis name, tick labels, legend and notes).
FONT_PX = {False: (14, 12, 11, 11), True: (24, 20, 18, 18)}


def _values(series: dict[str, Any], name: str) -> list[float | None]:
    """A series as floats; a value that is not a finite number becomes ``None`` (a gap in the line)."""
    out: list[float | None] = []
    for value in series.get(name) or []:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        out.append(number if math.isfinite(number) else None)
    return out


def _seasons(series: dict[str, Any], count: int) -> list[str]:
    """The season labels of ``count`` points (``"start"``, ``"2026Q3"``, ...), padded if the series is short."""
    labels = [str(s) for s in (series.get("season") or [])][:count]
    return labels + [str(i) for i in range(len(labels), count)]


def _threshold(series: dict[str, Any], name: str, default: float) -> float:
    values = [v for v in _values(series, name) if v is not None]
    return values[0] if values else default


def _base(title: str, seasons: list[str], y_name: str, wide: bool) -> dict[str, Any]:
    """The parts every public chart shares: title, grid, season axis, value axis, legend; no animation."""
    big, label, tick, note = FONT_PX[wide]
    return {
        "animation": False,
        "tooltip": {"show": False},
        "title": {"text": title, "left": 4, "top": 2, "textStyle": {"fontSize": big, "color": "#222"}},
        "legend": {"top": 4 + big + 8, "right": 8, "textStyle": {"fontSize": note}},
        # the right margin leaves room for half the last season's label, centred on the axis's end
        "grid": {"left": 16 + 2 * tick, "right": 8 + 3 * tick, "top": 2 * big + 40, "bottom": 24 + 3 * tick,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": seasons, "boundaryGap": False,
                  "axisLabel": {"fontSize": tick, "color": "#333", "hideOverlap": True}},
        "yAxis": {"type": "value", "name": y_name, "nameLocation": "middle", "nameGap": 10 + 3 * tick,
                  "nameTextStyle": {"fontSize": label, "color": "#333"},
                  "axisLabel": {"fontSize": tick, "color": "#333"}, "splitLine": {"lineStyle": {"opacity": 0.4}}},
    }


def _no_data(title: str, wide: bool) -> dict[str, Any]:
    big = FONT_PX[wide][0]
    return {"animation": False, "tooltip": {"show": False},
            "title": {"text": title, "subtext": "No data yet.", "left": "center", "top": "middle",
                      "textStyle": {"fontSize": big, "color": "#222"}, "subtextStyle": {"fontSize": big - 2}}}


def public_lead_option(series: dict[str, Any], wide: bool = False) -> dict[str, Any]:
    """The lead of the US bloc's deployed models over the PRC's, by season, with the outcome thresholds.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output: ``season`` labels, ``lead_months``
            (months, US sign, one per season) and ``s1_lead_months`` / ``s2_lead_months`` (one-element lists,
            months: the S1 and S2 thresholds of the scenario's outcome; 12 and 3 if missing). The facilitator's
            console adds ``lead_internal_months`` (the true lead of internal models); the public series never
            holds it.
        wide: The projector's larger type (:data:`FONT_PX`).

    Returns:
        An ECharts option (a JSON-able dict): the deployed lead (black line, series ``"deployed (public)"``),
        the S1 band above its threshold (blue) and the S2 band below its threshold (red), each marked with its
        threshold, and the internal lead (grey dashes) only if the series holds it.

    """
    lead = _values(series, "lead_months")
    internal = _values(series, "lead_internal_months")  # only the facilitator's series holds it
    finite = [v for v in lead if v is not None]
    if not finite:
        return _no_data("Lead of deployed US models over PRC models", wide)
    finite_internal = [v for v in internal if v is not None]
    s1 = _threshold(series, "s1_lead_months", 12.0)
    s2 = _threshold(series, "s2_lead_months", 3.0)
    note = FONT_PX[wide][3]
    step = 10.0  # months between the axis's round ends (ECharts ticks every 5 or 10)
    top = step * math.ceil(max(s1 + 12, max(finite + finite_internal) + 2) / step)
    bottom = step * math.floor(min(s2 - 12, min(finite + finite_internal) - 2) / step)
    option = _base(f"US lead over PRC, deployed models: {finite[-1]:+.1f} months", _seasons(series, len(lead)),
                   "months (deployed)", wide)
    option["yAxis"].update({"min": bottom, "max": top})
    line = {"lineStyle": {"type": "dotted", "width": 1.5}, "symbol": "none"}
    option["series"] = [{
        "name": "deployed (public)", "type": "line", "data": lead, "color": "#000", "symbol": "circle",
        "symbolSize": 8 if wide else 6, "lineStyle": {"width": 2}, "connectNulls": False,
        "markArea": {"silent": True, "data": [
            [{"yAxis": s1, "itemStyle": {"color": US_COLOR, "opacity": 0.07}}, {"yAxis": top}],
            [{"yAxis": bottom, "itemStyle": {"color": PRC_COLOR, "opacity": 0.07}}, {"yAxis": s2}]]},
        "markLine": {"silent": True, "symbol": "none", "data": [
            {"yAxis": s1, **line, "lineStyle": {**line["lineStyle"], "color": US_COLOR},
             "label": {"formatter": f"S1 ≥ {s1:g}", "position": "insideStartTop", "fontSize": note,
                       "color": US_COLOR}},
            {"yAxis": s2, **line, "lineStyle": {**line["lineStyle"], "color": PRC_COLOR},
             "label": {"formatter": f"S2 ≤ {s2:g}", "position": "insideStartBottom", "fontSize": note,
                       "color": PRC_COLOR}}]},
    }]
    if finite_internal:
        option["series"].append({"name": "internal (facilitator only)", "type": "line", "data": internal,
                                 "color": "#777", "symbol": "none", "lineStyle": {"width": 1.5, "type": "dashed"}})
    return option


def public_adoption_option(series: dict[str, Any], wide: bool = False) -> dict[str, Any]:
    """Global South adoption of US models (percent of users) by season; the rest use PRC models.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output (``season``, ``adoption_share_us``
            as a share from 0 to 1).
        wide: The projector's larger type (:data:`FONT_PX`).

    Returns:
        An ECharts option: the US share in percent (blue area from 0, series ``"US models"``) and the PRC
        share stacked on it up to 100 (red, series ``"PRC models"``), with the 50% line.

    """
    share = _values(series, "adoption_share_us")
    finite = [v for v in share if v is not None]
    if not finite:
        return _no_data("Global South adoption of US models", wide)
    us = [None if v is None else round(100 * v, 2) for v in share]
    prc = [None if v is None else round(100 - u, 2) for v, u in zip(share, us, strict=True)]
    option = _base(f"Global South adoption of US models: {finite[-1]:.0%}", _seasons(series, len(share)),
                   "% of users on US models", wide)
    option["yAxis"].update({"min": 0, "max": 100})
    option["series"] = [
        {"name": "US models", "type": "line", "stack": "users", "data": us, "color": US_COLOR,
         "symbol": "none", "areaStyle": {"opacity": 0.35}, "lineStyle": {"width": 1.5},
         "markLine": {"silent": True, "symbol": "none", "label": {"show": False},
                      "lineStyle": {"type": "dotted", "color": "#000"}, "data": [{"yAxis": 50}]}},
        {"name": "PRC models", "type": "line", "stack": "users", "data": prc, "color": PRC_COLOR,
         "symbol": "none", "areaStyle": {"opacity": 0.25}, "lineStyle": {"width": 0}},
    ]
    return option


CHARTS = (("lead", public_lead_option), ("adoption", public_adoption_option))


def series_key(series: dict[str, Any]) -> tuple[Any, ...]:
    """A hashable fingerprint of a series dict (its names and values), so a chart is rebuilt only on new data."""
    return tuple((str(name), tuple(values) if isinstance(values, list | tuple) else str(values))
                 for name, values in sorted(series.items()))


@solara.component
def PublicCharts(series: dict[str, Any], version: int, wide: bool = False) -> solara.Element:
    """The public charts (deployed lead and Global South adoption), drawn by the browser.

    The options are rebuilt only when the series' values change (a season is played, an undo), not on every
    change of the room (a submission or a status bumps the version of every view), so the browser redraws
    only then.

    Args:
        series: :func:`~wargame.tabletop.role_views.public_series` output.
        version: The room's version (unused beyond re-rendering; the data decide).
        wide: Projector layout: two charts side by side, each 900 to 940 px wide on a 1920 px screen (they
            stack, each up to 940 px, on a narrower one), with larger type (:data:`FONT_PX`). Otherwise the
            charts stack, each as wide as its column up to
            :data:`~wargame.tabletop.charts.CHART_MAX_WIDTH_PX` (a phone, a laptop).

    """
    key = series_key(series)
    options = solara.use_memo(lambda: [(name, build(series, wide)) for name, build in CHARTS],
                              dependencies=[key, wide])
    if wide:
        box = {"display": "flex", "flex-wrap": "wrap", "gap": "16px", "width": "100%", "justify-content": "center"}
        item = {"flex": f"1 1 {WIDE_CHART_MIN_WIDTH_PX}px", "min-width": f"min({WIDE_CHART_MIN_WIDTH_PX}px, 100%)",
                "max-width": f"{WIDE_CHART_MAX_WIDTH_PX}px"}
    else:
        box = {"display": "flex", "flex-direction": "column", "gap": "8px", "width": "100%"}
        item = {"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}
    with solara.Div(classes=["public-charts", "public-charts-wide" if wide else "public-charts-narrow"], style=box):
        for name, option in options:
            with solara.Div(classes=[f"public-chart-{name}", "public-chart"], style=item):
                solara.FigureEcharts(option=option, responsive=True,
                                     attributes={"style": f"height: {CHART_HEIGHT_PX[wide]}px; width: 100%;",
                                                 "class": f"public-echart public-echart-{name}"})
