"""The facilitator's console of a room: links, who has submitted, the clock, lock, step, injects and notes.

The facilitator sees the true state of the game (full charts, every news item of every audience, the odds
meter of :mod:`wargame.tabletop.odds_view` with its switch) but never the contents of a team's pending
decision: the console shows only each seat's status. Every action goes through the room
(:class:`~wargame.tabletop.room.Room`) with the facilitator's :class:`~wargame.tabletop.room.Access`; a
refusal (a :class:`~wargame.tabletop.errors.RoomError`) or any other failure is shown as one plain message and
never takes the page down.

The Step button is pressed once per season: the browser greys it out on the first click
(:class:`~wargame.tabletop.room_widgets.OnceButtonWidget`), it is keyed by the season, and it asks the room
to play the season it was drawn with, so a double-click or a second tab never plays two seasons.

Everything read from the model is read under the room's lock: the state shown is taken in one go
(:func:`console_state`) and the charts draw from a copy taken under the lock (:class:`ModelSnapshot`).
Text from outside (team names, scenario text, notes) is shown as plain text only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
import reacton.core
import reacton.ipyvuetify as rv
import solara

from wargame.model import EVENT_DESCRIPTIONS, MAX_NOTE_CHARS
from wargame.scenario import EVENT_NAMES
from wargame.tabletop.charts import ViewTabs, model_frame, seasons_axis
from wargame.tabletop.errors import SessionError
from wargame.tabletop.live import RoundTimerView
from wargame.tabletop.odds_view import OddsMeter
from wargame.tabletop.page_widgets import SafeArea, ScrollToTop
from wargame.tabletop.panels import KIND_LABELS, SMALL_TEXT, PlainTable, policy_description
from wargame.tabletop.public_charts import public_adoption_option, public_lead_option
from wargame.tabletop.room import Access, Room
from wargame.tabletop.room_store import room_link
from wargame.tabletop.room_widgets import OnceButtonWidget, RoomLinkWidget
from wargame.tabletop.waterfall_view import WaterfallCard, seat_names

logger = logging.getLogger(__name__)

#: The audiences of a facilitator's note as the console offers them, and the model's name for each.
AUDIENCES = {"public": "public", "US only": "US", "PRC only": "PRC"}
AUDIENCE_MARKS = {"US": "US only", "PRC": "PRC only", "facilitator": "facilitator only"}
BLOCK = {"display": "block"}
ERROR_STYLE = {"white-space": "pre-line"}


class _Frames:
    """A stand-in for the model's data collector: copies of its frames, taken under the room's lock."""

    def __init__(self, model_vars: pd.DataFrame, agent_vars: dict[Any, pd.DataFrame | Exception]) -> None:
        self._model_vars = model_vars
        self._agent_vars = agent_vars

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """The model-level series (a copy)."""
        return self._model_vars.copy()

    def get_agenttype_vars_dataframe(self, agent_type: Any) -> pd.DataFrame:
        """The per-agent series of one agent type (a copy); :class:`agents.Lab` only.

        Raises:
            KeyError: For another agent type (the chart that asked says it is unavailable).

        """
        frame = self._agent_vars[agent_type]
        if isinstance(frame, Exception):
            raise frame
        return frame.copy()


class ModelSnapshot:
    """What the console's charts read, copied from the room's model under the room's lock.

    The charts (:mod:`wargame.tabletop.charts`, :mod:`wargame.tabletop.network_map`) take a model; they get
    this copy instead, so a chart never reads a model in the middle of a step.

    Attributes:
        datacollector: The collector's frames (model series and the labs' series).
        scenario_spec: The scenario (read-only).
        labs: The labs' ``seat`` and ``name``.
        flow_graph: A copy of the compute-flow graph.
        seasons_played: Seasons played so far.

    """

    def __init__(self, room: Room) -> None:
        from agents import Lab

        with room.lock:
            model = room.game.model
            collector = model.datacollector
            try:
                labs_frame: pd.DataFrame | Exception = collector.get_agenttype_vars_dataframe(Lab).copy()
            except Exception as exc:  # noqa: BLE001 - shown by the chart that needs it
                labs_frame = exc
            self.datacollector = _Frames(collector.get_model_vars_dataframe().copy(), {Lab: labs_frame})
            self.scenario_spec = model.scenario_spec
            self.labs = [SimpleNamespace(seat=lab.seat, name=lab.name) for lab in model.labs]
            self.flow_graph = model.flow_graph.copy()
            self.seasons_played = model.seasons_played


def console_state(room: Room) -> dict[str, Any]:
    """Everything the console shows, read in one go under the room's lock (plain data, copies).

    Returns:
        ``season``, ``finished``, ``locked``, ``played`` (seasons played), ``total`` (seasons in the game or
        ``None``), ``title``, ``seed``, ``statuses`` (:meth:`Room.statuses`), ``missing`` (names of team seats
        not submitted), ``teams`` (``id``, ``name``, ``seat_names``, ``code``), ``seats`` (``seat``, ``name``,
        ``kind``, ``bloc``, ``policy``, ``team``), ``news`` (every item of every audience, oldest first),
        ``queued`` (injects queued for the coming season), ``message``, ``can_undo``, ``timer_running``,
        ``minutes`` and ``download_name``.

    """
    with room.lock:
        game = room.game
        model = game.model
        seats = []
        for actor in game.seats():
            team = room.team_of(actor.seat)
            seats.append({"seat": actor.seat, "name": actor.name, "kind": actor.kind, "bloc": actor.bloc,
                          "policy": actor.policy, "team": team.name if team else ""})
        names = {s["seat"]: s["name"] for s in seats}
        return {
            "season": room.season, "finished": room.finished, "locked": room.locked,
            "played": game.seasons_played, "total": getattr(model, "total_seasons", None),
            "title": game.scenario.title, "seed": game.model_seed(), "statuses": room.statuses(),
            "missing": [names.get(s, s) for s in room.missing_seats()],
            "teams": [{"id": t.id, "name": t.name, "seat_names": [names.get(s, s) for s in t.seats], "code": t.code}
                      for t in room.teams.values()],
            "seats": seats, "news": [dict(item) for item in model.news], "queued": list(model.queued_injects),
            "message": room.message, "can_undo": game.can_undo(), "timer_running": room.timer.running,
            "minutes": room.timer.minutes, "download_name": game.download_name(),
        }


def log_download(room: Room) -> bytes:
    """The game log the console offers for download, read under the room's lock.

    It is the game log alone (scenario, seed, decisions, injects, notes): no link, token or join code.
    """
    with room.lock:
        return room.game.log_json()


def news_lines(news: list[dict[str, Any]]) -> list[str]:
    """News items as plain lines, newest first; a bloc's private item is marked ``(US only)``/``(PRC only)``."""
    lines = []
    for item in reversed(news):
        audience = str(item.get("audience", "public"))
        mark = f" ({AUDIENCE_MARKS.get(audience, audience + ' only')})" if audience != "public" else ""
        phase = str(item.get("phase") or "")
        lines.append(f"{item.get('season', '')} · {phase}: {item.get('text', '')}{mark}" if phase else
                     f"{item.get('season', '')}: {item.get('text', '')}{mark}")
    return lines


def _query(link: str) -> str:
    """The query part (``?room=...&key=...``) of a room link."""
    return link[link.index("?"):] if "?" in link else ""


@solara.component
def FacilitatorConsole(room: Room, access: Access, version: int,
                       on_change: Callable[[], None] | None = None) -> solara.Element:
    """The facilitator's console of a room.

    Args:
        room: The room.
        access: The facilitator's access (anything else shows a refusal and nothing of the game).
        version: The room's version (the console redraws when it changes).
        on_change: Redraws the page that holds the console (:func:`~wargame.tabletop.live.use_room_watch`),
            called after an action of the console changed the room, so the whole page redraws once, at once.
            Without it the console redraws itself.

    """
    _, set_tick = solara.use_state(0)
    problem, set_problem = solara.use_state("")
    if not isinstance(access, Access) or access.role != "facilitator" or access.room_id != room.room_id:
        solara.Error("This link cannot run this game.", classes=["console-error"])
        return
    state = console_state(room)
    now = room.version
    with room.lock:  # the charts change only with a step or an undo (a new model), not with each submission
        charts_version = hash((id(room.game.model), room.game.seasons_played))

    def act(action: Callable[[], Any]) -> bool:
        """Run a room action; a refusal or a failure becomes the console's message. True if it went through."""
        ok = False
        before = room.version
        try:
            action()
        except SessionError as exc:  # RoomError: locked, waiting for seats, bad minutes, bad note, ...
            set_problem(str(exc))
        except Exception as exc:  # noqa: BLE001 - the console must never crash in front of a class
            logger.exception("room action failed")
            set_problem(f"Unexpected error ({type(exc).__name__}); the game is unchanged where possible.")
        else:
            set_problem("")
            ok = True
        if room.version != before and on_change is not None:
            on_change()  # the whole page (its season marker too) redraws once; its watcher skips this version
        else:
            set_tick(lambda t: t + 1)
        return ok

    solara.Title(f"Facilitator console: {state['title']}")
    with solara.Column(classes=["facilitator-console"], style={"padding": "4px 12px"}):
        ScrollToTop.element().key(f"console-top-{room.room_id}")  # after setup, open at the top, not the bottom
        ConsoleHeader(state)
        with solara.Column(classes=["console-messages"]):  # always there: a message never remounts the rest
            if state["message"]:
                solara.Warning(state["message"], classes=["room-message"])
            if problem:
                solara.Error(problem, classes=["console-error"], style=ERROR_STYLE)
        if state["finished"]:
            FinishedConsole(room, access, state, act, now)
            return
        with solara.Columns([5, 7], classes=["console-columns"]):
            with solara.Column():
                SeasonControls(room, access, state, act, now)
                InjectControls(room, access, state, act)
                LinksCard(room, state)
                DownloadCard(room, state)
            with solara.Column():
                with solara.Card(classes=["odds-card"]):
                    OddsMeter(room, now, state["season"],
                              on_show=lambda shown: act(lambda: room.set_odds_hidden(access, not shown)))
                StatusCard(state)
                ConsoleCharts(room, charts_version)
                ConsoleWaterfall(room, charts_version)
                ConsoleNews(state["news"])
                SeatTable(state)


@solara.component
def ConsoleHeader(state: dict[str, Any]) -> solara.Element:
    """The console's title line: scenario, seed and the season to be played (or game over)."""
    if state["finished"]:
        where = f"game over after {state['played']} seasons"
    else:
        total = f" ({state['played'] + 1} of {state['total']})" if state["total"] else ""
        where = f"next season {state['season']}{total}"
    # plain text: the scenario title comes from outside
    solara.Text("Facilitator console", style={"font-size": "1.4em", "font-weight": "bold", **BLOCK})
    solara.Text(f"{state['title']} · seed {state['seed']} · {where}", classes=["console-season"],
                style={"font-size": "1.1em", **BLOCK})


@solara.component
def SeasonControls(room: Room, access: Access, state: dict[str, Any], act: Callable[[Callable[[], Any]], bool],
                   now: int) -> solara.Element:
    """Who has submitted, the lock, Step (and Step anyway), the round timer and Undo."""
    attempts, set_attempts = solara.use_state(0)
    season = state["season"]
    missing = state["missing"]
    stamp = f"{season}|{now}|{attempts}"

    context = reacton.core.get_render_context()

    def press(action: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            with context:  # one redraw for both changes, not two
                act(action)
                set_attempts(lambda a: a + 1)  # a new stamp: the browser takes presses again
        return run

    def step(force: bool) -> Callable[[], Any]:
        # the season this button was drawn with: a second press after the step plays nothing
        return lambda: room.step(access, expected_season=season, force=force)

    def undo() -> None:
        with room.lock:
            if room.season != season:  # a second press: the season it was drawn with is already undone
                return
            room.undo(access)

    team_seats = [row for row in state["statuses"] if row["status"] != "computer"]
    submitted = sum(row["status"] == "submitted" for row in team_seats)
    with solara.Card(f"Season {season}", classes=["season-controls"]):
        if team_seats:
            solara.Text(f"Submitted: {submitted} of {len(team_seats)} team seats."
                        + (f" Waiting for: {', '.join(missing)}." if missing else " Everyone is in."),
                        classes=["submission-summary"], style=BLOCK)
        else:
            solara.Text("The computer plays every seat: step to watch the race.", classes=["submission-summary"],
                        style=BLOCK)
        solara.Switch(label="Lock the season (teams can no longer submit or change decisions)",
                      value=bool(state["locked"]), on_value=lambda value: act(lambda: room.set_locked(access, value)),
                      classes=["lock-season"])
        with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
            OnceButtonWidget.element(label=f"Step: play {season}", button_class="step-season", color="primary",
                                     disabled=bool(missing), stamp=stamp,
                                     action=press(step(False))).key(f"step-{season}")
            if missing:
                OnceButtonWidget.element(label="Step anyway (computer plays the missing seats)",
                                         button_class="step-force", stamp=stamp,
                                         action=press(step(True))).key(f"step-force-{season}")
        TimerControls(room, access, state, act, now)
        OnceButtonWidget.element(label="Undo last season", button_class="undo-season", flat=True,
                                 disabled=not state["can_undo"], stamp=stamp,
                                 action=press(undo)).key(f"undo-{season}")


@solara.component
def TimerControls(room: Room, access: Access, state: dict[str, Any], act: Callable[[Callable[[], Any]], bool],
                  now: int) -> solara.Element:
    """The round timer, its minutes per season, Start (from the full time) and Pause / Resume."""
    minutes, set_minutes = solara.use_state(f"{state['minutes']:g}")
    running = bool(state["timer_running"])
    with solara.Column(classes=["timer-controls"], gap="4px", style={"margin": "8px 0"}):
        with solara.Row(style={"align-items": "center", "gap": "8px"}):
            solara.Text("Round timer:")
            RoundTimerView(room, now)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
            solara.InputText("Minutes per season", value=minutes, on_value=set_minutes, continuous_update=True,
                             classes=["timer-minutes"], style={"max-width": "11em"})
            solara.Button("Start", on_click=lambda: act(lambda: room.set_timer(access, minutes=minutes, running=True)),
                          classes=["timer-start"], outlined=True)
            solara.Button("Pause" if running else "Resume", classes=["timer-pause"], outlined=True,
                          on_click=lambda: act(lambda: room.set_timer(access, running=not running)))
        solara.Text("Start sets the clock to the minutes per season and runs it; each step restarts it.",
                    style={**SMALL_TEXT, **BLOCK})


@solara.component
def InjectControls(room: Room, access: Access, state: dict[str, Any],
                   act: Callable[[Callable[[], Any]], bool]) -> solara.Element:
    """Play an event from the deck, or add a free-text note to the news (public or one bloc only).

    Once a note is in the news its box is emptied, and the box is drawn anew (a fresh widget, keyed by the number
    of notes added here): a browser whose text box kept the typed text after the value was cleared from the server
    invited the same note twice. A note the room refuses stays in the box to be fixed.
    """
    inject, set_inject = solara.use_state(EVENT_NAMES[0])
    note, set_note = solara.use_state("")
    audience, set_audience = solara.use_state("public")
    hint, set_hint = solara.use_state("")
    added, set_added = solara.use_state(0)  # notes added from this box: keys the text box

    def add_note() -> None:
        if not note.strip():  # e.g. a second click after the note went in: a hint, not an error
            set_hint("Type the note first, then add it to the news.")
            return
        set_hint("")
        who = audience if audience in AUDIENCES else "public"
        if act(lambda: room.add_note(access, note, AUDIENCES.get(audience, "public"))):
            set_note("")
            set_added(lambda n: n + 1)
            set_hint(f"Added to the news ({who}).")

    def typed(value: Any) -> None:
        set_note(str(value or ""))
        if value:
            set_hint("")

    with solara.Card("Injects and notes", classes=["inject-deck"]):
        rv.Select(label="Event from the deck", v_model=inject, on_v_model=lambda value: set_inject(str(value)),
                  items=[{"text": EVENT_DESCRIPTIONS.get(name, name), "value": name} for name in EVENT_NAMES],
                  class_="inject-select", hide_details=True)
        solara.Button("Play inject", on_click=lambda: act(lambda: room.play_inject(access, inject)), outlined=True,
                      classes=["play-inject"], style={"margin": "8px 0"})
        if state["queued"]:
            solara.Text("Queued for the coming season: "
                        + "; ".join(EVENT_DESCRIPTIONS.get(name, name) for name in state["queued"]),
                        classes=["queued-injects"], style={**SMALL_TEXT, **BLOCK})
        rv.Textarea(label="A note for the news (an inject in your own words, or a ruling)", v_model=note,
                    on_v_model=typed, class_="note-text", rows=2, auto_grow=True,
                    counter=MAX_NOTE_CHARS, hide_details="auto").key(f"note-text-{added}")
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
            solara.Select("Who reads it", values=list(AUDIENCES), value=audience, on_value=set_audience,
                          classes=["note-audience"], style={"max-width": "12em"})
            solara.Button("Add to news", on_click=add_note, outlined=True, classes=["add-note"])
        if hint:
            solara.Text(hint, classes=["note-hint"], style={**SMALL_TEXT, **BLOCK})


@solara.component
def LinksCard(room: Room, state: dict[str, Any]) -> solara.Element:
    """The links of the game: the facilitator's own (keep it private), the projector's, each team's and code."""
    router = solara.use_router()
    base = router.path or "/"

    def query(role: str, team_id: str | None = None) -> str:
        return _query(room_link(room, Access(room.room_id, role, team_id), base=base))

    with solara.Card("Links", classes=["room-links"]):
        solara.Text("Your console (keep this link private: whoever has it runs the game):",
                    style={"font-weight": "bold", **BLOCK})
        RoomLinkWidget.element(query=query("facilitator"), link_class="facilitator-link")
        solara.Text("Projector (public view for the room's screen):", style={"font-weight": "bold", **BLOCK,
                                                                             "margin-top": "8px"})
        RoomLinkWidget.element(query=query("projector"), link_class="projector-link")
        solara.Text("Teams: send each team its link, or have them open this address and type their code:",
                    style={"font-weight": "bold", **BLOCK, "margin-top": "8px"})
        RoomLinkWidget.element(query="", link_class="join-address")
        for team in state["teams"]:
            with solara.Column(classes=[f"team-links-{team['id']}"], gap="2px", style={"margin-top": "8px"}):
                solara.Text(team["name"], style={"font-weight": "bold", **BLOCK})  # plain text: typed by a person
                solara.Text("Plays: " + ", ".join(team["seat_names"]), style={**SMALL_TEXT, **BLOCK})
                with solara.Row(style={"align-items": "center", "gap": "6px"}):
                    solara.Text("Join code:")
                    solara.Text(team["code"], classes=[f"team-code-{team['id']}"],
                                style={"font-family": "monospace", "font-size": "1.2em", "font-weight": "bold"})
                RoomLinkWidget.element(query=query("team", team["id"]), link_class=f"team-link-{team['id']}")


@solara.component
def DownloadCard(room: Room, state: dict[str, Any]) -> solara.Element:
    """Download the game log (never the links' keys)."""
    # one function per room: a new one at every redraw would cancel a download in progress
    data = solara.use_memo(lambda: (lambda: log_download(room)), [id(room)])
    with solara.Card("Save", classes=["download-log"]):
        solara.FileDownload(data, filename=state["download_name"], label="Download game log",
                            mime_type="application/json")
        solara.Text("The game is saved on the server after every change. The log holds the scenario, seed, "
                    "decisions, injects and notes (not the links), so it can be replayed or shared.",
                    style={**SMALL_TEXT, **BLOCK})


@solara.component
def StatusCard(state: dict[str, Any]) -> solara.Element:
    """Every seat's status this season (never the contents of a decision)."""
    rows = [[row["name"], row["team"] or "—", row["played_by"], row["status"]] for row in state["statuses"]]
    with solara.Card("Seats this season", classes=["seat-status"]):
        PlainTable(["Seat", "Team", "Played by", "Status"], rows, classes=["seat-status-table"])


@solara.component
def SeatTable(state: dict[str, Any]) -> solara.Element:
    """Who plays each seat (the setup): a team, or the computer with its policy in plain words."""
    rows = []
    for seat in state["seats"]:
        if seat["team"]:
            played = f"team {seat['team']}"
        else:
            described = policy_description(seat["kind"], seat["policy"])
            played = f"computer ({seat['policy']})" + (f": {described}" if described else "")
        rows.append([seat["name"], f"{KIND_LABELS.get(seat['kind'], seat['kind'])}, {seat['bloc']}", played])
    with solara.Card("Who plays each seat", classes=["seat-setup"]):
        PlainTable(["Seat", "Kind", "Played by"], rows, classes=["seat-table"])


@solara.component
def ConsoleCharts(room: Room, now: int) -> solara.Element:
    """The full (true) charts, drawn from a copy of the model taken under the room's lock.

    Args:
        room: The room.
        now: Changes when the charts' data change (a step or an undo), so a submission does not redraw them.

    """
    snapshot = solara.use_memo(lambda: ModelSnapshot(room), [id(room), now])
    with solara.Card("Charts (the true state: for the facilitator only)", classes=["console-charts"]):
        with SafeArea(reset_key=now):
            ViewTabs(snapshot, now, live=LIVE_CHARTS)


@solara.component
def ConsoleWaterfall(room: Room, now: int) -> solara.Element:
    """Why the lead moved, season by season (:mod:`wargame.tabletop.waterfall_view`), read under the room's lock.

    Args:
        room: The room.
        now: Changes when a season is played or taken back.

    """

    def read() -> tuple[list[dict[str, Any]], dict[str, str]]:
        with room.lock:
            return list(room.game.model.explanations), seat_names(room.game.model)

    entries, names = solara.use_memo(read, [id(room), now])
    WaterfallCard(entries, names, now)


def truth_series(model: Any) -> dict[str, list[Any]]:
    """The console's chart series from a model (or :class:`ModelSnapshot`): the public ones plus the internal lead.

    Returns:
        The keys of :func:`~wargame.tabletop.role_views.public_series` (``season``, ``lead_months``,
        ``adoption_share_us``, the thresholds) and ``lead_internal_months`` (months): the true lead of internal
        models, which only the facilitator sees.

    """
    frame = model_frame(model)
    outcome = model.scenario_spec.outcome
    series: dict[str, list[Any]] = {"season": seasons_axis(model, frame)}
    for column in ("lead_months", "lead_internal_months", "adoption_share_us"):
        series[column] = [float(x) for x in frame[column]] if column in frame else []
    series["s1_lead_months"] = [float(outcome.s1_lead_months)]
    series["s2_lead_months"] = [float(outcome.s2_lead_months)]
    return series


#: The console's tabs that the browser draws (:func:`~wargame.tabletop.charts.ViewTabs`): the lead (deployed and
#: internal) and adoption; the other tabs stay PNGs, drawn only when opened.
LIVE_CHARTS = {"lead": lambda model: public_lead_option(truth_series(model)),
               "adoption": lambda model: public_adoption_option(truth_series(model))}


@solara.component
def ConsoleNews(news: list[dict[str, Any]]) -> solara.Element:
    """Every news item of every audience, newest first, as plain text; private items are marked."""
    lines = news_lines(news)
    with solara.Card("News (all audiences)", classes=["console-news"]):
        if not lines:
            solara.Text("Nothing yet: step the first season.")
        with solara.Column(gap="2px", style={"max-height": "480px", "overflow-y": "auto"}):
            for line in lines:  # plain text: notes are typed by a person, names come from the scenario
                solara.Text(line, classes=["news-item"], style={"white-space": "pre-line", **BLOCK})


@solara.component
def FinishedConsole(room: Room, access: Access, state: dict[str, Any], act: Callable[[Callable[[], Any]], bool],
                    now: int) -> solara.Element:
    """The console once the game is over: the debrief, the download, Undo, the links and the news."""
    from wargame.tabletop.debrief import RoomDebrief

    season = state["season"]

    def undo() -> None:
        with room.lock:
            if room.season != season or not room.finished:  # a second press: already undone
                return
            room.undo(access)

    with SafeArea(reset_key=now):
        RoomDebrief(room, now, allow_branch=True)
    with solara.Columns([5, 7]):
        with solara.Column():
            DownloadCard(room, state)
            OnceButtonWidget.element(label="Undo last season", button_class="undo-season", flat=True,
                                     disabled=not state["can_undo"], stamp=f"{season}|{now}",
                                     action=lambda: act(undo)).key(f"undo-end-{season}")
            LinksCard(room, state)
        with solara.Column():
            ConsoleNews(state["news"])
