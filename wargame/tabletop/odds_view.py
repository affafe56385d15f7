"""The odds meter on the facilitator's console and the projector: the chances of the 2028 endings after a season.

It shows, from the game's true state, P(S1), P(S2) and P(contested) over 1,000 futures with their Wilson 95%
intervals, a fan chart of the US lead (months) from now to the horizon, and how much the teams' decisions of the
season just played moved those chances against the computer's proposals for the same seats, on the same futures
(:func:`wargame.odds.season_odds`). The odds are computed in a background thread of the room
(:class:`~wargame.tabletop.room_odds.RoomOdds`); meanwhile the meter says it is computing. The facilitator can
hide it on both screens. Teams never see it: their view does not include it.

Every text here is our own or a number formatted here; seat names come from the scenario and are shown as plain
text only.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
import solara
from matplotlib.figure import Figure

from wargame.odds import SeasonOdds
from wargame.tabletop.chart_style import CHART_MAX_WIDTH_PX, DPI, PRC_COLOR, US_COLOR
from wargame.tabletop.room import Room
from wargame.tabletop.room_odds import OddsStatus, RoomOdds

logger = logging.getLogger(__name__)

#: Longest wait before a meter's watcher checks whether its view is still open, seconds.
WATCH_TIMEOUT_S = 1.0
BLOCK = {"display": "block"}
SMALL = {"font-size": "0.85em", "color": "#444", **BLOCK}
#: Colour of each ending's number (S1 the US colour, S2 the PRC colour, contested grey).
OUTCOME_COLORS = {"S1": US_COLOR, "S2": PRC_COLOR, "contested": "#555555"}
#: Size of the fan chart, inches. One chart serves the console and the projector: it is drawn once per result.
CHART_SIZE = (9.0, 3.6)
#: Type sizes of the fan chart, points: title, axis labels and ticks, legend. The chart is drawn
#: :data:`CHART_MAX_WIDTH_PX` (900) px wide, at 100 dpi, so its 13-point text is 18 px on the projector.
CHART_FONTS = (15, 13, 13)
_PNG_LOCK = threading.Lock()


def percent(p: float) -> str:
    """A probability (0 to 1) as a percentage with one decimal, e.g. ``"4.1%"``."""
    return f"{100.0 * p:.1f}%"


def points(value: float) -> str:
    """A change in percentage points with its sign, e.g. ``"+1.9 points"``, ``"0.0 points"``, ``"-0.3 points"``."""
    shown = f"{value:+.1f}"
    return f"{'0.0' if shown in ('+0.0', '-0.0') else shown} points"


def outcome_words(odds: SeasonOdds) -> dict[str, str]:
    """What each ending means, in plain words with its thresholds (months) and the game's last season."""
    s1, s2, end = odds.s1_lead_months, odds.s2_lead_months, odds.horizon
    return {"S1": f"Chance the US ends {end} with a lead of {s1:g} months or more (S1)",
            "S2": f"Chance the US lead is down to {s2:g} months or less in {end}, or the PRC leads (S2)",
            "contested": f"Chance the race is still contested in {end}: a US lead between {s2:g} and {s1:g} months"}


def shift_lines(odds: SeasonOdds, seat_names: dict[str, str]) -> list[str]:
    """The shift in plain words: the headline (P(S1)), then the other endings, the intervals and the seats.

    Args:
        odds: The meter's odds.
        seat_names: Seat id to display name.

    Returns:
        One or more lines; just :attr:`SeasonOdds.note` when there is no shift.

    """
    shift = odds.shift
    if shift is None:
        return [odds.note]
    s1, s2, contested = (shift.of(o) for o in ("S1", "S2", "contested"))
    return [
        f"Your teams' decisions in {odds.season} moved P(S1) by {points(s1.points)} compared with the computer's "
        f"proposals for the same seats (same dice: the same {odds.n:,} futures).",
        f"P(S2) moved by {points(s2.points)} and P(contested) by {points(contested.points)}. "
        f"95% interval of the move of P(S1): {points(s1.low)} to {points(s1.high)}; the ending differs in "
        f"{shift.differing:,} of {odds.n:,} futures.",
        "Seats compared: " + ", ".join(seat_names.get(seat, seat) for seat in shift.seats) + ".",
    ]


def _short(label: str) -> str:
    return label[2:] if len(label) == 6 and label[4] == "Q" else label


def odds_figure(odds: SeasonOdds) -> Figure:
    """The fan chart: the US lead played so far, then the median and the 50% and 90% bands of the futures.

    Args:
        odds: The meter's odds.

    Returns:
        A matplotlib figure (no pyplot state).

    """
    title_pt, label_pt, legend_pt = CHART_FONTS
    fig = Figure(figsize=CHART_SIZE, dpi=DPI, layout=None)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.78, top=0.89, bottom=0.1)  # a layout
    # engine would cost about 0.1 s a chart
    played = np.array([lead for _, lead in odds.played])
    now = len(played) - 1
    x = np.arange(now, now + len(odds.bands))
    band = {name: np.array([getattr(b, name) for b in odds.bands]) for name in ("q05", "q25", "median", "q75", "q95")}
    ax.fill_between(x, band["q05"], band["q95"], color=US_COLOR, alpha=0.15, lw=0, label="90% of futures")
    ax.fill_between(x, band["q25"], band["q75"], color=US_COLOR, alpha=0.35, lw=0, label="50% of futures")
    ax.plot(x, band["median"], color=US_COLOR, lw=1.6, ls="--", label="median future")
    ax.plot(np.arange(len(played)), played, color="black", lw=2, marker="o", ms=3, label="played so far")
    ax.axhline(odds.s1_lead_months, color=US_COLOR, lw=0.9, ls=":")
    ax.axhline(odds.s2_lead_months, color=PRC_COLOR, lw=0.9, ls=":")
    ax.axhline(0, color="black", lw=0.5)
    ax.text(0.005, odds.s1_lead_months, f" S1: {odds.s1_lead_months:g} months or more", color=US_COLOR,
            fontsize=legend_pt, va="bottom", transform=ax.get_yaxis_transform())
    ax.text(0.005, odds.s2_lead_months, f" S2: {odds.s2_lead_months:g} months or less", color=PRC_COLOR,
            fontsize=legend_pt, va="top", transform=ax.get_yaxis_transform())
    labels = ["start"] + [_short(s) for s, _ in odds.played[1:]] + [_short(b.season) for b in odds.bands[1:]]
    step = max(1, (len(labels) + 6) // 7)
    ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)])
    ax.set_xlim(-0.3, len(labels) - 0.7)
    low = min(0.0, odds.s2_lead_months, float(played.min()), float(band["q05"].min()))
    high = max(odds.s1_lead_months, float(played.max()), float(band["q95"].max()))
    ax.set_ylim(low - 0.08 * (high - low), high + 0.12 * (high - low))  # room for the thresholds' labels
    ax.tick_params(labelsize=label_pt)
    ax.set_ylabel("US lead (months)", fontsize=label_pt)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=legend_pt, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(f"US lead (months): the game so far and {odds.n:,} futures to {odds.horizon}", fontsize=title_pt,
                 loc="left")
    return fig


def odds_png(odds: SeasonOdds) -> bytes:
    """The fan chart as PNG bytes (:func:`odds_figure`), :data:`CHART_MAX_WIDTH_PX` pixels wide.

    Drawn once per result (about 0.2 s): the views of a room that ask for it at the same time wait for the first,
    then read it from the cache (a :class:`SeasonOdds` is immutable).
    """
    with _PNG_LOCK:
        return _drawn_png(odds)


@functools.lru_cache(maxsize=16)
def _drawn_png(odds: SeasonOdds) -> bytes:
    buffer = io.BytesIO()
    odds_figure(odds).savefig(buffer, format="png", dpi=CHART_MAX_WIDTH_PX / CHART_SIZE[0])
    return buffer.getvalue()


def use_odds_status(odds: RoomOdds) -> OddsStatus:
    """The meter's status, kept current: the calling component redraws whenever the odds change.

    A thread of the view's own session waits in :meth:`RoomOdds.wait_for_change` (as
    :func:`wargame.tabletop.live.use_room_watch` does for the room), so new odds redraw the meters only.
    """
    version, set_version = solara.use_state(odds.version)

    def watch(cancel: threading.Event) -> None:
        seen = version
        while not cancel.is_set():
            now = odds.wait_for_change(seen, WATCH_TIMEOUT_S)
            if now != seen and not cancel.is_set():
                seen = now
                set_version(now)

    solara.use_thread(watch, dependencies=[id(odds)], intrusive_cancel=False)
    return odds.status()


@solara.component
def OddsMeter(room: Room, version: int, coming: str, big: bool = False,
              on_show: Callable[[bool], Any] | None = None) -> solara.Element:
    """The odds meter: three chances with their intervals, the shift line and the fan chart.

    Args:
        room: The room.
        version: The room's version (a step redraws the meter, which then asks for the new odds).
        coming: The season to be played next (named while the odds are computed).
        big: The projector's look (larger numbers).
        on_show: The console's switch: called with ``True`` to show the meter, ``False`` to hide it. Without it
            (the projector) a hidden meter shows nothing at all.

    """
    status = use_odds_status(room.odds)

    def start() -> None:
        try:
            room.odds.ensure(room.lock, room.game)
        except Exception:  # noqa: BLE001 - the meter must never take the view down
            logger.exception("could not start the odds meter")

    solara.use_effect(start, [version, status.version, status.hidden])
    result = status.result
    png = solara.use_memo(lambda: odds_png(result) if result is not None else b"", [result])
    if status.hidden and on_show is None:
        return
    with solara.Div(classes=["odds-meter", "odds-big" if big else "odds-small"],
                    style={"width": "100%", "margin": "4px 0"}):
        when = "" if result is None else f" after {result.season}" if result.season else " before the first season"
        title = "Odds of the endings" + (f" in {result.horizon}{when}" if result is not None else "")
        solara.Text(title, classes=["odds-title"], style={"font-size": "1.3em" if big else "1.1em",
                                                          "font-weight": "bold", **BLOCK})
        if on_show is not None:
            solara.Switch(label="Show odds on the projector and console", value=not status.hidden,
                          on_value=on_show, classes=["odds-toggle"])
        if status.hidden:
            solara.Text("Hidden: neither the console nor the projector shows the odds. Teams never see them.",
                        classes=["odds-hidden"], style=SMALL)
        elif status.error:
            solara.Text(status.error, classes=["odds-error"], style={"color": "#b71c1c", **BLOCK})
        elif result is None:
            solara.Text(f"Computing the odds for {coming} ({room.odds.futures:,} futures of the game)…",
                        classes=["odds-computing"], style={"font-style": "italic", **BLOCK})
        else:
            OddsNumbers(result, big)
            names = _seat_names(room, result)
            with solara.Div(classes=["odds-shift"], style={"margin": "6px 0"}):
                for i, line in enumerate(shift_lines(result, names)):
                    solara.Text(line, style={"font-weight": "bold", **BLOCK} if i == 0 else SMALL)
            with solara.Div(classes=["odds-chart"], style={"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}):
                widgets.Image.element(value=png, format="png",
                                      layout={"width": "100%", "height": "auto", "max_width": "100%"})
            solara.Text(f"From the true state of the game: {result.n:,} futures from {result.start_season} to "
                        f"{result.horizon}, the computer playing every seat from here on. Intervals are 95% "
                        "(Wilson). Only the console and the projector show this.", style=SMALL)


def _seat_names(room: Room, odds: SeasonOdds) -> dict[str, str]:
    """Display names of the seats compared, read under the room's lock."""
    if odds.shift is None:
        return {}
    with room.lock:
        return {seat.seat: seat.name for seat in room.game.seats() if seat.seat in odds.shift.seats}


@solara.component
def OddsNumbers(odds: SeasonOdds, big: bool) -> solara.Element:
    """The three chances, large, each with its meaning and its 95% interval."""
    words = outcome_words(odds)
    with solara.Div(classes=["odds-numbers"], style={"display": "flex", "flex-wrap": "wrap", "gap": "12px"}):
        for item in odds.odds:
            color = OUTCOME_COLORS[item.outcome]
            with solara.Div(classes=["odds-outcome", f"odds-{item.outcome}"],
                            style={"border": f"2px solid {color}", "border-radius": "8px", "padding": "6px 12px",
                                   "flex": "1 1 12em", "min-width": "12em"}):
                solara.Text(percent(item.p), classes=["odds-p"],
                            style={"font-size": "2.4em" if big else "2em", "font-weight": "bold", "color": color,
                                   "line-height": "1.1", **BLOCK})
                solara.Text(words[item.outcome], classes=["odds-words"], style=BLOCK)
                solara.Text(f"95% interval: {percent(item.low)} to {percent(item.high)}", classes=["odds-interval"],
                            style=SMALL)
