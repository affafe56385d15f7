"""The projector's view of a room: the season, the clock, who has submitted, public charts and public news.

It is drawn from :func:`~wargame.tabletop.role_views.projector_snapshot` alone, never from the model: no
decision, no lever value and no true internal lead can appear on the room's screen. The one exception is the
odds meter (:mod:`wargame.tabletop.odds_view`), unless the facilitator hides it: chances of the endings over
futures played from the true state, and the public (deployed) lead's fan. Type is sized to be
read from the back of a room (19 px and up on a 1366 x 768 screen, larger on a bigger one), there is no
sidebar, and nothing floats over the content. At the end of the game it shows the debrief, which reveals
everything to everyone, in type of the same size: Vuetify sizes card text in ``rem`` (14 px), which the view's
large font does not reach, so the view's own style sheet (:data:`PROJECTOR_CSS`) sets it.

Text from outside (scenario title, team names, notes) is shown as plain text only.
"""

from __future__ import annotations

from typing import Any

import solara

from wargame.tabletop.live import RoundTimerView
from wargame.tabletop.odds_view import OddsMeter
from wargame.tabletop.role_views import projector_snapshot
from wargame.tabletop.room import Access, Room

#: Root font size: 22 px on a 1366 px screen (smaller text at 0.9 em stays above 19 px), growing with the screen
#: up to 32 px (1920 px: 31 px).
ROOT_FONT = "clamp(22px, 1.6vw, 32px)"
STATUS_LOOK = {
    "submitted": ("#1b5e20", "#e8f5e9", "submitted ✓"),
    "drafting": ("#8d5a00", "#fff8e1", "drafting…"),
    "not opened": ("#555555", "#f2f2f2", "not opened"),
}
BLOCK = {"display": "block"}
#: Type of the debrief on the projector, px: Vuetify's card text is 0.875 rem (14 px) and its tables 0.9 of that,
#: about 13 px, whatever the view's root font. 20 px reads from the back of a room at 1366 x 768.
DEBRIEF_FONT_PX = 20
#: The projector's style sheet, scoped to the view (fixed text: nothing from outside goes into it). Every text in a
#: card (the debrief's tables, lists, notes and tabs) is DEBRIEF_FONT_PX; card titles are larger.
PROJECTOR_CSS = f"""
.projector-view .v-card__title {{ font-size: {DEBRIEF_FONT_PX + 6}px; line-height: 1.3; }}
.projector-view .v-card__subtitle,
.projector-view .v-card__text,
.projector-view .v-card__text *,
.projector-view .v-tab {{ font-size: {DEBRIEF_FONT_PX}px !important; line-height: 1.4; }}
"""


def status_cells(statuses: list[dict[str, str]]) -> tuple[list[dict[str, str]], int]:
    """The team seats' statuses the projector shows, and how many seats the computer plays.

    Args:
        statuses: :meth:`~wargame.tabletop.room.Room.statuses` rows.

    Returns:
        ``([{"seat", "name", "team", "status"}, ...], computer seat count)``: names and status only (no
        computer policy, no decision).

    """
    cells = [{"seat": row["seat"], "name": row["name"], "team": row["team"], "status": row["status"]}
             for row in statuses if row["status"] != "computer"]
    return cells, sum(row["status"] == "computer" for row in statuses)


@solara.component
def ProjectorView(room: Room, access: Access, version: int) -> solara.Element:
    """The room's public screen.

    Args:
        room: The room.
        access: Any access to this room (the projector's link, usually).
        version: The room's version (the view redraws when it changes).

    """
    allowed = isinstance(access, Access) and access.room_id == room.room_id
    now = room.version
    snap = solara.use_memo(lambda: projector_snapshot(room) if allowed else None, [id(room), now, allowed])
    if snap is None:
        solara.Error("This link cannot show this game.", classes=["projector-error"])
        return
    solara.Title(f"Projector: {snap['title']}")
    root = {"font-size": ROOT_FONT, "line-height": "1.35", "padding": "12px 24px", "width": "100%",
            "box-sizing": "border-box"}
    solara.Style(PROJECTOR_CSS)
    with solara.Column(classes=["projector-view"], style=root, gap="16px"):
        ProjectorHeader(room, snap, now)
        if snap["finished"]:
            from wargame.tabletop.debrief import RoomDebrief

            RoomDebrief(room, now)
            return
        ProjectorStatuses(snap["statuses"])
        OddsMeter(room, now, snap["season"], big=True)
        from wargame.tabletop.public_charts import PublicCharts

        with solara.Div(classes=["projector-charts"], style={"width": "100%"}):
            PublicCharts(snap["series"], now, wide=True)
        ProjectorNews(snap["news"])


@solara.component
def ProjectorHeader(room: Room, snap: dict[str, Any], now: int) -> solara.Element:
    """Scenario title, the season in large type, whether it is locked, and the round timer."""
    with solara.Row(classes=["projector-header"],
                    style={"align-items": "center", "justify-content": "space-between", "flex-wrap": "wrap",
                           "gap": "24px"}):
        with solara.Column(gap="0px"):
            solara.Text(snap["title"], classes=["projector-title"], style={"font-size": "1em", **BLOCK})
            if snap["finished"]:
                solara.Text("Game over", classes=["projector-season"],
                            style={"font-size": "2.6em", "font-weight": "bold", "line-height": "1.1", **BLOCK})
            else:
                solara.Text(f"Season {snap['season']}", classes=["projector-season"],
                            style={"font-size": "2.6em", "font-weight": "bold", "line-height": "1.1", **BLOCK})
        if snap["locked"] and not snap["finished"]:
            solara.Text("Decisions locked", classes=["projector-locked"],
                        style={"font-size": "1.3em", "font-weight": "bold", "color": "#b71c1c",
                               "border": "3px solid #b71c1c", "border-radius": "8px", "padding": "4px 14px"})
        if not snap["finished"]:
            with solara.Div(classes=["projector-timer"]):
                RoundTimerView(room, now, big=True)


@solara.component
def ProjectorStatuses(statuses: list[dict[str, str]]) -> solara.Element:
    """A grid of the team seats: seat name, team and status (submitted, drafting, not opened)."""
    cells, computer = status_cells(statuses)
    with solara.Div(classes=["projector-status"]):
        with solara.Div(style={"display": "flex", "flex-wrap": "wrap", "gap": "12px"}):
            for cell in cells:
                color, background, label = STATUS_LOOK.get(cell["status"], ("#555555", "#f2f2f2", cell["status"]))
                with solara.Div(classes=["projector-seat", f"projector-seat-{cell['seat']}",
                                         f"status-{cell['status'].replace(' ', '-')}"],
                                style={"border": f"3px solid {color}", "background": background,
                                       "border-radius": "10px", "padding": "8px 16px", "min-width": "12em"}):
                    # plain text: seat names come from the scenario, team names are typed by a person
                    solara.Text(cell["name"], style={"font-weight": "bold", **BLOCK})
                    if cell["team"] and cell["team"] != cell["name"]:
                        solara.Text(cell["team"], style={"font-size": "0.9em", **BLOCK})
                    solara.Text(label, style={"color": color, "font-weight": "bold", **BLOCK})
        if computer:
            solara.Text(f"The computer plays the other {computer} seat{'s' if computer != 1 else ''}.",
                        style={"font-size": "0.9em", "color": "#444", "margin-top": "6px", **BLOCK})


@solara.component
def ProjectorNews(news: list[dict[str, Any]]) -> solara.Element:
    """The public news, newest season first, as plain text."""
    by_season: dict[str, list[str]] = {}
    for item in news:
        by_season.setdefault(str(item.get("season", "")), []).append(str(item.get("text", "")))
    with solara.Div(classes=["projector-news"]):
        solara.Text("News", style={"font-size": "1.3em", "font-weight": "bold", **BLOCK})
        if not by_season:
            solara.Text("Nothing yet.", style=BLOCK)
        for season in reversed(list(by_season)):
            solara.Text(season, style={"font-weight": "bold", "margin-top": "8px", **BLOCK})
            for text in reversed(by_season[season]):
                solara.Text(f"• {text}", classes=["projector-news-item"], style={"white-space": "pre-line", **BLOCK})
