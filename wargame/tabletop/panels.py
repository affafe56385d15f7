"""Solara panels of the tabletop: setup, decisions, facilitator controls, news and save/load.

Panels receive the session (:class:`wargame.tabletop.session.GameSession`) and callbacks from the page;
none holds a model of its own. Every action goes through the page's ``act`` callback, which turns a
:class:`~wargame.tabletop.session.SessionError` into a message instead of an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from wargame.model import EVENT_DESCRIPTIONS, MAX_SEED
from wargame.policies import POLICY_DESCRIPTIONS, policy_names
from wargame.scenario import EVENT_NAMES, ScenarioError, list_scenarios, load_scenario
from wargame.tabletop.errors import SessionError
from wargame.tabletop.forms import SHARE_LEVERS, format_points, format_value
from wargame.tabletop.session import MAX_UPLOAD_BYTES, GameSession, parse_seed, scenario_seats
from wargame.tabletop.text_widgets import text_lines
from wargame.tabletop.upload import LogUpload

KIND_LABELS = {
    "us_government": "US government", "prc_government": "PRC government", "ally_government": "Ally government",
    "lab": "AI lab", "chipmaker": "Chipmaker", "smuggler": "Smuggling network", "overseas_cloud": "Overseas cloud",
}
#: Seats that are human by default on the setup screen (the two governments).
DEFAULT_HUMAN_KINDS = ("us_government", "prc_government")
SMALL_TEXT = {"font-size": "0.8em", "color": "#555"}
#: A text on a line of its own (solara.Text is an inline span: two in a row run together).
BLOCK = {"display": "block"}


def event_title(name: str) -> str:
    """An inject's name in plain words: ``"Taiwan Strait crisis"`` for ``"taiwan_strait_crisis"``.

    The title is the part of :data:`wargame.model.EVENT_DESCRIPTIONS` before its colon; an event without a
    description gets its id with spaces for underscores, first letter capitalised.
    """
    description = EVENT_DESCRIPTIONS.get(name, "")
    if ":" in description:
        return description.split(":", 1)[0].strip()
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def policy_description(kind: str, policy: str) -> str:
    """The plain one-sentence description of a seat's policy (``""`` for a policy without one)."""
    return POLICY_DESCRIPTIONS.get(kind, {}).get(policy, "")


@solara.component
def PlainTable(header: list[str], rows: list[list[str]], classes: list[str] | None = None,
               numeric: tuple[int, ...] = ()) -> solara.Element:
    """A small table whose cells are plain text (never Markdown or HTML, so scenario text is shown as is).

    Every cell is a widget of its own: keep it for a few rows. A big table (the debrief's) is one widget with
    :func:`~wargame.tabletop.text_widgets.text_table`.

    Args:
        header: Column titles.
        rows: Cell texts, one list per row.
        classes: CSS classes of the table.
        numeric: Indices of the columns to align right.

    """
    cell = "padding: 2px 8px 2px 0; vertical-align: top; border-bottom: 1px solid #eee;"

    def style(index: int) -> str:
        return cell + (" text-align: right; white-space: nowrap;" if index in numeric else " text-align: left;")

    head = rv.Html(tag="tr", children=[rv.Html(tag="th", children=[str(h)], style_=style(i))
                                       for i, h in enumerate(header)])
    body = [rv.Html(tag="tr", children=[rv.Html(tag="td", children=[str(c)], style_=style(i))
                                        for i, c in enumerate(row)]) for row in rows]
    rv.Html(tag="table", class_=" ".join(["plain-table", *(classes or [])]),
            style_="border-collapse: collapse; width: 100%; font-size: 0.9em;",
            children=[rv.Html(tag="thead", children=[head]), rv.Html(tag="tbody", children=body)])


@solara.component
def SetupPanel(on_start: Callable[[dict[str, Any]], None], error: str = "") -> solara.Element:
    """The setup screen: scenario and briefing, seed, and who plays each seat.

    Args:
        on_start: Called with ``{"scenario", "seed", "human_seats", "policies"}`` when Start is pressed
            and the seed parses.
        error: A message to show (e.g. why a saved game could not be resumed).

    """
    names = solara.use_memo(list_scenarios, [])
    scenario_name, set_scenario_name = solara.use_state(names[0] if names else "")
    seed_text, set_seed_text = solara.use_state("1")
    humans, set_humans = solara.use_state(None)  # type: ignore[arg-type]
    policies, set_policies = solara.use_state({})

    def _load() -> tuple[Any, str]:
        try:
            return load_scenario(scenario_name), ""
        except ScenarioError as exc:
            return None, str(exc)

    scenario, scenario_problem = solara.use_memo(_load, [scenario_name])
    seats = scenario_seats(scenario) if scenario is not None else []
    if humans is None:
        chosen = {s.id for s in seats if s.kind in DEFAULT_HUMAN_KINDS}
    else:
        chosen = set(humans)
    seed_problem = ""
    try:
        parse_seed(seed_text)
    except SessionError as exc:
        seed_problem = str(exc)

    def toggle(seat_id: str, value: bool) -> None:
        def update(current: list[str] | None) -> list[str]:  # from the latest state: quick clicks all count
            new = set(current) if current is not None else {s.id for s in seats if s.kind in DEFAULT_HUMAN_KINDS}
            (new.add if value else new.discard)(seat_id)
            return sorted(new)

        set_humans(update)

    def start() -> None:
        if scenario is None or seed_problem:
            return
        on_start({"scenario": scenario_name, "seed": seed_text,
                  "human_seats": [s.id for s in seats if s.id in chosen],
                  "policies": {k: v for k, v in policies.items() if k not in chosen}})

    with solara.Column(classes=["setup-panel"]):
        if error:
            solara.Error(error, classes=["session-error"])
        with solara.Card("New game"):
            solara.Select("Scenario", values=names, value=scenario_name, on_value=set_scenario_name)
            if scenario is not None:
                # each its own block (inline texts ran together: "as it standsIt is mid-2026"); plain text:
                # scenario files come from outside
                solara.Text(scenario.title, classes=["setup-title"], style={**BLOCK, "font-size": "1.25em",
                                                                            "font-weight": "bold"})
                solara.Text(scenario.briefing, classes=["setup-briefing"],
                            style={**BLOCK, "white-space": "pre-line", "margin": "4px 0 8px"})
                solara.Text(f"Seasons {scenario.scenario.start} to {scenario.scenario.end}.",
                            classes=["setup-seasons"], style={**BLOCK, "margin-bottom": "8px"})
            else:
                solara.Error(scenario_problem)
            solara.InputText(f"Seed (a whole number from 0 to {MAX_SEED}; the same seed and decisions replay "
                             "the same game)",
                             value=seed_text, on_value=set_seed_text, continuous_update=True,
                             error=seed_problem or False, classes=["seed-input"])
        with solara.Card("Seats: who plays each actor"):
            solara.Markdown("Switch a seat on to give it to a player; the computer plays every other seat "
                            "with the policy chosen here.")
            for seat in seats:
                with solara.Column(gap="0px", classes=[f"seat-{seat.id}"], style={"margin-bottom": "10px"}):
                    with solara.Row(classes=[f"seat-row seat-{seat.id}"], style={"align-items": "center"}):
                        solara.Switch(label=f"{seat.name} ({KIND_LABELS.get(seat.kind, seat.kind)}, {seat.bloc})",
                                      value=seat.id in chosen, on_value=lambda v, s=seat.id: toggle(s, v),
                                      classes=[f"human-{seat.id}"])
                        if seat.id in chosen:
                            solara.Text("human player", style={"color": "#1f5fa8"})
                        else:
                            solara.Select(
                                "computer policy", values=policy_names(seat.kind),
                                value=policies.get(seat.id, seat.policy),
                                on_value=lambda v, s=seat.id: set_policies({**policies, s: v}),
                                style={"max-width": "14em"}, dense=True,
                            )
                    if seat.id not in chosen:  # plain text: what the chosen computer policy does
                        solara.Text(policy_description(seat.kind, policies.get(seat.id, seat.policy)),
                                    classes=[f"policy-description policy-{seat.id}"],
                                    style={**SMALL_TEXT, "margin": "-14px 0 0 52px"})
            solara.Button("Start game", on_click=start, color="primary",
                          disabled=scenario is None or bool(seed_problem), classes=["start-game"])


@solara.component
def LeverInput(row: dict[str, Any], value: Any, proposal: Any, on_value: Callable[[Any], None],
               seat_id: str, text: str = "", error: str = "") -> solara.Element:
    """One lever: its widget, unit, one-line explanation and the policy's proposal.

    A numeric lever is a plain text field that shows ``text`` (what was typed) and hands every change to
    ``on_value`` as text; the session parses it (:meth:`GameSession.set_lever`). The field never parses
    by itself, so text such as ``nan`` can never start a render loop. ``error`` is shown at the field.
    """
    label = f"{row['label']} [{row['unit']}]"
    css = [f"lever-{seat_id}-{row['name']}"]
    kind = row["type"]
    if kind == "bool":
        solara.Switch(label=label, value=bool(value), on_value=lambda x: on_value(bool(x)), classes=css)
    elif kind == "choice" and row.get("choices"):
        choices = [str(c) for c in row["choices"]]
        solara.Select(label, values=choices, value=str(value) if str(value) in choices else None,
                      on_value=lambda x: on_value(str(x) if x is not None else ""), classes=css)
    else:
        rv.TextField(v_model=text, on_v_model=on_value, label=label, class_=" ".join(css),
                    error_messages=[error] if error else [], hide_details="auto")
    if error and kind in ("bool", "choice"):
        solara.Text(error, classes=["lever-error"], style={"color": "#c0392b", "font-size": "0.85em"})
    bounds = ""
    if row.get("minimum") is not None and row.get("maximum") is not None:
        bounds = f" Range {format_value(row['minimum'])} to {format_value(row['maximum'])}."
    solara.Text(f"{row['description']}{bounds} Policy proposes: {format_value(proposal)}.",
                style={"font-size": "0.8em", "color": "#555", "margin": "-6px 0 10px 0"})


@solara.component
def DecisionPanel(session: GameSession, seat_id: str, version: int) -> solara.Element:
    """The decision form of one human seat for the coming season.

    Each lever shows its unit, a one-line explanation and the seat policy's proposal. The form starts
    from the seat's last decision (the policy's proposal in the first season). Changes go into
    ``session.drafts`` (typed: float, int, bool or str) and are submitted when the facilitator steps. A
    wrong value is explained at its field, in plain words; the card sums up what blocks the step.

    Args:
        session: The game.
        seat_id: The human seat.
        version: The session's change counter (new season, new prefill).

    """
    _, set_tick = solara.use_state(0)
    seat = session.seat(seat_id)
    rows = solara.use_memo(lambda: session.seat_lever_rows(seat_id), [id(session.model), seat_id])
    proposal = session.proposals.get(seat_id, {})
    draft = session.drafts.get(seat_id, {})

    def setter(name: str) -> Callable[[Any], None]:
        def set_value(value: Any) -> None:
            try:
                session.set_lever(seat_id, name, value)
            except SessionError as exc:  # an unknown lever: say so at the field, never crash
                session.text_errors.setdefault(seat_id, {})[name] = str(exc)
            set_tick(lambda t: t + 1)
        return set_value

    def reset() -> None:
        session.reset_seat(seat_id)
        set_tick(lambda t: t + 1)

    fields, general = session.seat_problems(seat_id)
    described = policy_description(seat.kind, seat.policy)
    with solara.Card(f"{seat.name}: decisions for {session.season}", classes=[f"decision-{seat_id}"],
                     subtitle=f"{KIND_LABELS.get(seat.kind, seat.kind)} · {seat.bloc} bloc"):
        solara.Text(f"Proposals come from the {seat.policy.replace('_', ' ')} policy"
                    + (f": {described}" if described else "."), classes=["proposal-policy"],
                    style={**SMALL_TEXT, "margin-bottom": "8px"})
        for row in rows:
            name = row["name"]
            LeverInput(row, draft.get(name, row["default"]), proposal.get(name, row["default"]),
                       setter(name), seat_id, text=session.lever_text(seat_id, name),
                       error=fields.get(name, ""))
            if name == SHARE_LEVERS[-1]:
                ShareTotal(session.share_total(seat_id))
        if fields or general:
            lines = list(general)
            if fields:
                names = [r["plain"] for r in rows if r["name"] in fields]
                lines.append(("Fix the lever marked in red before stepping: " if len(names) == 1 else
                              "Fix the levers marked in red before stepping: ") + ", ".join(names) + ".")
            solara.Error("\n".join(lines), classes=["decision-problem"])
        solara.Button("Reset to policy proposal", on_click=reset, text=True, small=True)


@solara.component
def ShareTotal(total: float | None) -> solara.Element:
    """The running total of a lab's training, safety and serving shares (must be exactly 1)."""
    if total is None:
        text, ok = "Training + safety + serving = ? (a share field does not hold a number yet); must be 1.", False
    else:
        ok = abs(total - 1.0) <= 1e-6
        text = f"Training + safety + serving = {total:.4g}" + (" (adds up to 1)." if ok else ": must be 1.")
    solara.Text(text, classes=["share-total", "share-total-ok" if ok else "share-total-wrong"],
                style={"font-weight": "bold", "color": "#2e7d32" if ok else "#c0392b", "margin": "-4px 0 12px 0"})


@solara.component
def ScorePanel(session: GameSession, seat_id: str, version: int) -> solara.Element:
    """One seat's score so far: the total and each objective component in plain words.

    Args:
        session: The game.
        seat_id: The seat.
        version: The session's change counter (scores change each season).

    """
    seat = session.seat(seat_id)
    parts = session.score_parts(seat_id)
    played = session.seasons_played
    with solara.Card(f"{seat.name}: score", classes=[f"score-{seat_id}", "score-panel"],
                     subtitle="Each season adds weight x component for each objective."):
        solara.Text(f"{format_points(session.score(seat_id))} points so far, after {played} "
                    f"season{'s' if played != 1 else ''}", classes=["score-total"],
                    style={"font-size": "1.1em", "font-weight": "bold"})
        PlainTable(["Objective", "How it counts", "Points"],
                   [[p["label"], f"{p['meaning']} Weight {format_value(p['weight'], 3)}.", format_points(p["points"])]
                    for p in parts], classes=["score-breakdown"], numeric=(2,))


@solara.component
def FacilitatorControls(session: GameSession, act: Callable[[Callable[[], None]], None], version: int = 0,
                        busy: bool = False) -> solara.Element:
    """Step, play to the end, undo the last season, and play an inject from the events deck.

    A double-click plays one season, not two: every button acts on the season it was drawn for. Step and
    Play to end pass that season to :meth:`GameSession.step` / :meth:`GameSession.play_to_end`, which do
    nothing once the game has moved on, and Undo does nothing once the number of seasons played has changed.
    The buttons are also drawn anew for each season (keyed by it), so clicks that the browser had already
    sent to the previous season's button reach a closed widget and are dropped.

    Args:
        session: The game.
        act: Runs an action on the session and re-renders (shows errors as messages).
        version: The session's change counter (the sidebar is a portal that re-renders on changed args).
        busy: Disable the buttons while an action runs.

    """
    inject, set_inject = solara.use_state(EVENT_NAMES[0])
    total = session.model.total_seasons if hasattr(session.model, "total_seasons") else None
    over = session.finished
    season = session.season  # the season these buttons act on
    played = session.seasons_played

    def undo() -> None:
        if session.seasons_played == played:  # a second click of a double-click finds one season less
            session.undo()

    with solara.Card("Facilitator", classes=["facilitator"]):
        if over:
            solara.Success(f"Game over after {session.seasons_played} seasons: see the debrief.")
        else:
            solara.Text(f"Next season: {season}"
                        + (f" ({played + 1} of {total})" if total else ""),
                        classes=["season-label"], style={"font-weight": "bold"})
        with solara.Row():
            solara.Button("Step season", on_click=lambda: act(lambda: session.step(expected_season=season)),
                          color="primary", disabled=over or busy,
                          classes=["step-season"]).key(f"step-season-{season}-{played}")
            solara.Button("Play to end", on_click=lambda: act(lambda: session.play_to_end(expected_season=season)),
                          disabled=over or busy, classes=["play-to-end"]).key(f"play-to-end-{season}-{played}")
        solara.Button("Undo last season", on_click=lambda: act(undo), text=True,
                      disabled=busy or not session.can_undo(), classes=["undo-season"]).key(f"undo-{season}-{played}")
        rv.Select(label="Inject from the events deck", v_model=inject, on_v_model=lambda value: set_inject(str(value)),
                  items=[{"text": event_title(name), "value": name} for name in EVENT_NAMES],
                  class_="inject-select", disabled=over)
        solara.Text(EVENT_DESCRIPTIONS.get(inject, ""), classes=["inject-description"],
                    style={"font-size": "0.8em", "color": "#555"})
        solara.Button("Play inject next season", on_click=lambda: act(lambda: session.play_inject(inject)),
                      disabled=over or busy, text=True, classes=["play-inject"])
        queued = session.model.queued_injects
        if queued:
            solara.Info("Queued for next season: " + ", ".join(event_title(name) for name in queued),
                        classes=["queued-injects"])


def news_line(item: dict[str, Any]) -> str:
    """One news item as a plain-text line: ``"• <phase>: <text>"``, marked if only one bloc knew it."""
    phase = item.get("phase") or item.get("kind") or ""
    audience = item.get("audience", "public")
    secret = "" if audience == "public" else (" (for the facilitator)" if audience == "facilitator"
                                              else f" (known only to the {audience} bloc)")
    return f"• {phase}: {item.get('text', '')}{secret}"


@solara.component
def NewsLog(session: GameSession, version: int, limit: int | None = None, newest_first: bool = True,
            scroll: bool = True, title: str = "News and events",
            classes: list[str] | None = None) -> solara.Element:
    """What happened, season by season: seizures, releases, distillation, incidents, ally moves, events, notes.

    Every item is shown by default: nothing is cut (a log cut to its last 80 items once lost a game's Taiwan
    inject and its only major incident). See :func:`NewsList`.

    Args:
        session: The game.
        version: The session's change counter.
        limit: Show only the last ``limit`` items (saying how many are left out); ``None`` shows all.
        newest_first: Newest season first (in play), else oldest first (the debrief's story).
        scroll: Keep the list in a box of fixed height that scrolls (in play); else it takes the room it needs.
        title: The card's title.
        classes: Extra CSS classes of the card.

    """
    NewsList(list(session.model.news), limit=limit, newest_first=newest_first, scroll=scroll, title=title,
             classes=classes)


@solara.component
def NewsList(news: list[dict[str, Any]], limit: int | None = None, newest_first: bool = True,
             scroll: bool = True, title: str = "News and events",
             classes: list[str] | None = None) -> solara.Element:
    """A card of news items grouped by season, each a ``.news-item`` (and ``.news-private`` if private).

    The list is one :class:`~wargame.tabletop.text_widgets.TextLines` widget: a season's title is a line of class
    ``news-season``, each item a line of class ``news-item``.

    News private to one bloc (an undetected distillation gain, a note for one bloc) is marked as known only to
    that bloc. Plain text only: news lines carry seat names and facilitator's notes from outside (never
    Markdown or HTML).

    Args:
        news: ``{"season", "phase", "text", "audience"}`` dicts, oldest first (:attr:`AIRaceModel.news`).
        limit: Show only the last ``limit`` items (saying how many are left out); ``None`` shows all.
        newest_first: Newest season first, else oldest first.
        scroll: Keep the list in a box of fixed height that scrolls; else it takes the room it needs.
        title: The card's title.
        classes: Extra CSS classes of the card.

    """
    shown = news[-limit:] if limit is not None and limit > 0 else list(news)
    by_season: dict[str, list[dict[str, Any]]] = {}
    for item in shown:
        by_season.setdefault(str(item.get("season", "")), []).append(item)
    seasons = list(reversed(list(by_season))) if newest_first else list(by_season)
    lines: list[str] = []
    kinds: list[str] = []
    for season in seasons:
        lines.append(season)
        kinds.append("news-season line-heading")
        for item in by_season[season]:
            lines.append(news_line(item))
            kinds.append("news-item news-private line-aside" if item.get("audience", "public") != "public"
                         else "news-item")
    box = {"max-height": "420px", "overflow-y": "auto"} if scroll else {}
    with solara.Card(title, classes=["news-log", *(classes or [])]):
        if not shown:
            solara.Text("Nothing yet: step the first season.")
        if len(shown) < len(news):
            solara.Text(f"The last {len(shown)} of {len(news)} items.", style=SMALL_TEXT, classes=["news-cut"])
        if lines:  # one widget for the whole list (a widget per line made the debrief slow to appear)
            with solara.Div(classes=["news-lines"], style=box):
                text_lines(lines, kinds)


@solara.component
def SaveLoadPanel(session: GameSession | None, on_upload: Callable[[bytes, str], None],
                  on_new: Callable[[], None] | None = None, version: int = 0) -> solara.Element:
    """Download the game log, upload one to resume, or start over.

    An upload always ends in a message: a file over :data:`~wargame.tabletop.session.MAX_UPLOAD_BYTES` is
    refused by the size the browser declares, before any byte is sent (:mod:`wargame.tabletop.upload`); a file
    within it is read in chunks and handed to ``on_upload``, whose caller says what came of it.

    Args:
        session: The game, or ``None`` on the setup screen (upload only).
        on_upload: Called with the bytes and name of an uploaded file.
        on_new: Called to go back to the setup screen.
        version: The session's change counter.

    """
    notice, set_notice = solara.use_state("")

    with solara.Card("Save and resume", classes=["save-load"]):
        if session is not None:
            solara.FileDownload(session.log_json, filename=session.download_name(), label="Download game log",
                                mime_type="application/json")
            solara.Text(f"Autosaved as game {session.game_id}; reload this page's address to resume.",
                        style={"font-size": "0.8em", "color": "#555"})
        LogUpload(on_file=on_upload, on_notice=set_notice, max_bytes=MAX_UPLOAD_BYTES)
        if notice:  # plain text: it names the uploaded file
            if notice.startswith("Reading "):
                solara.Info(notice, classes=["upload-notice"], dense=True)
            else:
                solara.Error(notice, classes=["upload-notice", "upload-error"], dense=True)
        solara.Text("Resuming from a file starts a new copy; the current game stays autosaved.",
                    style={"font-size": "0.8em", "color": "#555"})
        if on_new is not None:
            solara.Button("New game", on_click=on_new, text=True, classes=["new-game"])
