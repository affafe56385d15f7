"""Branch in the debrief (issue 10, item 3): what if one seat had decided differently in one season.

Once a game is over the facilitator picks a season, a seat (human or computer) and a different decision for
it, and sees the ending distribution of that branch beside the game as played. The computing is
:func:`wargame.futures.branch`: the game is replayed to the start of the season and two arms play the same
futures on the same random draws (common random numbers, "the same dice"): **as played** (the season's logged
decisions) and **changed** (the seat's levers overridden). Only the levers that differ from what the seat played
are overridden, so a decision left as it was gives two identical arms, and the panel says so.

* :mod:`wargame.tabletop.branch_game`: ``played_game`` reads what the panel needs from a game (plain data, once);
  ``check_request`` and ``parse_futures`` check the form (one plain line per problem);
* :mod:`wargame.tabletop.branch_result`: ``run_branch`` plays the branch and prepares everything shown (table
  rows, sentence, chart PNG): no widget, so tests call it directly, and the panel runs it off the UI thread;
* here, :func:`BranchPanel`: the Solara panel the debrief shows (the hot-seat game, and a room's console only).

Plain text only: seat names come from the scenario, so every text is shown with ``solara.Text`` or a
:class:`~wargame.tabletop.text_widgets.TextTable`, never Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import reacton.ipyvuetify as rv
import solara

from wargame.decisions import DecisionError
from wargame.futures import FuturesError
from wargame.gamelog import GameLogError
from wargame.tabletop.branch_game import (
    ARM_COLORS,
    DEFAULT_FUTURES,
    MAX_FUTURES,
    MIN_FUTURES,
    BranchInputError,
    PlayedGame,
    check_request,
)
from wargame.tabletop.branch_result import BranchResult, run_branch
from wargame.tabletop.chart_style import CHART_MAX_WIDTH_PX
from wargame.tabletop.errors import SessionError
from wargame.tabletop.forms import coerce_lever, format_value
from wargame.tabletop.panels import BLOCK, SMALL_TEXT
from wargame.tabletop.text_widgets import text_table


@dataclass(frozen=True)
class _Request:
    """One press of Branch: what to play (``number`` makes every press a new request)."""

    number: int
    season: str
    seat: str
    levers: tuple[tuple[str, Any], ...]
    n: int
    hold: bool


@solara.component
def BranchLeverInput(row: dict[str, Any], value: Any, text: str, played: Any, on_value: Callable[[Any], None],
                     error: str = "") -> solara.Element:
    """One lever of the branch form: its widget, unit, explanation and the value the seat played in the game.

    A numeric lever is a text field that shows ``text`` (what was typed, :meth:`SeatForm.lever_text`) and hands
    every change to ``on_value``; the form parses it (:meth:`SeatForm.set_lever`), as in the decision forms.
    ``value`` is the form's current value, ``error`` is shown at the field.
    """
    name = row["name"]
    label = f"{row['label']} [{row['unit']}]"
    css = [f"branch-lever-{name}"]
    if row["type"] == "bool":
        solara.Switch(label=label, value=bool(value), on_value=lambda x: on_value(bool(x)), classes=css)
    elif row["type"] == "choice" and row.get("choices"):
        choices = [str(c) for c in row["choices"]]
        solara.Select(label, values=choices, value=str(value) if str(value) in choices else None,
                      on_value=lambda x: on_value(str(x) if x is not None else ""), classes=css)
    else:
        rv.TextField(v_model=text, on_v_model=on_value, label=label, class_=" ".join(css),
                     error_messages=[error] if error else [], hide_details="auto")
    if error and row["type"] in ("bool", "choice"):
        solara.Text(error, classes=["lever-error"], style={"color": "#c0392b", "font-size": "0.85em", **BLOCK})
    changed = not error and coerce_lever(row, played) != value
    bounds = ""
    if row.get("minimum") is not None and row.get("maximum") is not None:
        bounds = f" Range {format_value(row['minimum'])} to {format_value(row['maximum'])}."
    note = f"{row['description']}{bounds} In the game: {format_value(played)}." + (" Changed." if changed else "")
    style = {**SMALL_TEXT, "margin": "-6px 0 10px 0", **BLOCK}
    if changed:
        style.update({"font-weight": "bold", "color": ARM_COLORS["changed"]})
    solara.Text(note, classes=["branch-lever-note", *(["lever-changed"] if changed else [])], style=style)


@solara.component
def BranchResultView(result: BranchResult) -> solara.Element:
    """A played branch: the game as played, the two arms side by side with their difference, the sentence, the chart."""
    with solara.Column(gap="4px", classes=["branch-result"] + (["branch-identical"] if result.identical else [])):
        solara.Text(result.game_line, classes=["branch-game-ending"], style=BLOCK)
        solara.Text(result.setup_line, classes=["branch-setup"], style={**SMALL_TEXT, **BLOCK})
        solara.Text(result.sentence, classes=["branch-sentence"], style={"font-weight": "bold", **BLOCK})
        with solara.Div(style={"overflow-x": "auto", "max-width": "100%"}):
            text_table(result.header, result.rows, classes=["branch-table"], numeric=(1, 2, 3))
        solara.Text("Probabilities are shares of the futures with a Wilson 95% interval; a difference is the mean "
                    "of the paired per-future differences with a 95% interval (both arms play future i on the same "
                    "dice, so the pairing removes the luck they share).", style={**SMALL_TEXT, **BLOCK})
        with solara.Div(classes=["chart-branch", "chart-view"],
                        style={"width": "100%", "max-width": f"{CHART_MAX_WIDTH_PX}px"}):
            widgets.Image.element(value=result.png, format="png",
                                  layout={"width": "100%", "height": "auto", "max_width": "100%"})
        runs = 2 * len(result.branch.arm("as_played"))
        solara.Text(f"{runs:,} runs in {result.seconds:.1f} s.", classes=["branch-timing"],
                    style={**SMALL_TEXT, **BLOCK})


@solara.component
def BranchForm(game: PlayedGame) -> solara.Element:
    """The branch form (season, seat, levers, futures, later seasons) and its result, computed off the UI thread."""
    default_seat = next((s.seat for s in game.seats if s.human), game.seats[0].seat)
    season, set_season = solara.use_state(game.seasons[0])
    seat, set_seat = solara.use_state(default_seat)
    futures_text, set_futures_text = solara.use_state(f"{DEFAULT_FUTURES}")
    hold, set_hold = solara.use_state(False)
    problem, set_problem = solara.use_state("")
    request, set_request = solara.use_state(None)
    presses = solara.use_ref(0)
    _, set_tick = solara.use_state(0)
    form = solara.use_memo(lambda: game.form(season, seat), [season, seat])
    played, by = game.played(season, seat)

    def compute() -> tuple[BranchResult | None, str]:
        if request is None:
            return None, ""
        try:
            return run_branch(game, request.season, request.seat, dict(request.levers), request.n,
                              hold=request.hold), ""
        except (SessionError, FuturesError, DecisionError, GameLogError) as exc:
            return None, str(exc)

    outcome = solara.use_thread(compute, [request], intrusive_cancel=False)
    computing = request is not None and outcome.state in (solara.ResultState.STARTING, solara.ResultState.WAITING,
                                                          solara.ResultState.RUNNING)

    def pick_season(value: Any) -> None:
        set_problem("")
        set_season(str(value))

    def pick_seat(value: Any) -> None:
        set_problem("")
        set_seat(str(value))

    def setter(name: str) -> Callable[[Any], None]:
        def set_value(value: Any) -> None:
            form.set_lever(name, value)
            set_problem("")
            set_tick(lambda t: t + 1)
        return set_value

    def reset() -> None:
        form.reset()
        set_problem("")
        set_tick(lambda t: t + 1)

    def press() -> None:
        try:
            levers, n = check_request(form, futures_text)
        except BranchInputError as exc:
            set_problem(str(exc))
            return
        set_problem("")
        presses.current += 1
        set_request(_Request(presses.current, season, seat, tuple(levers.items()), n, bool(hold)))

    info = game.seat(seat)
    fields, general = form.problems()
    with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
        solara.Select("Season", values=list(game.seasons), value=season, on_value=pick_season,
                      classes=["branch-season"], style={"max-width": "12em"})
        rv.Select(label="Seat", v_model=seat, on_v_model=pick_seat, class_="branch-seat", hide_details=True,
                  items=[{"text": s.label, "value": s.seat} for s in game.seats], style_="max-width: 36em")
    solara.Text(f"In {season} of the game a {'person' if by == 'human' else 'computer policy'} chose "
                f"{info.name}'s levers; the form starts from them, so an untouched form is the game as played.",
                classes=["branch-played-by"], style={**SMALL_TEXT, **BLOCK, "margin": "4px 0 10px 0"})
    for name, row in form.rows.items():
        BranchLeverInput(row, form.draft.get(name, row["default"]), form.lever_text(name),
                         played.get(name, row["default"]), setter(name),
                         error=fields.get(name, "")).key(f"branch-{season}-{seat}-{name}")
    if general:
        solara.Error("\n".join(general), classes=["branch-lever-problem"])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "16px", "align-items": "center"}):
        rv.TextField(v_model=futures_text, on_v_model=lambda v: set_futures_text(str(v or "")),
                     label=f"Futures per arm [{MIN_FUTURES:,} to {MAX_FUTURES:,}]", class_="branch-futures",
                     hide_details="auto", style_="max-width: 14em")
        solara.Switch(label="Later seasons: human seats and this seat keep this season's decision "
                            "(off: the computer plays every seat)", value=hold, on_value=set_hold,
                      classes=["branch-hold"])
    with solara.Row(style={"gap": "8px"}):
        solara.Button("Branch", on_click=press, color="primary", disabled=computing, classes=["run-branch"])
        solara.Button("Back to the game as played", on_click=reset, text=True, classes=["reset-branch"])
    if problem:
        solara.Error(problem, classes=["branch-problem"])
    if computing:
        solara.Info(f"Computing… {request.n:,} futures per arm, two arms on the same dice.",
                    classes=["branch-computing"])
        solara.ProgressLinear(True)
    elif request is not None and outcome.state == solara.ResultState.ERROR:
        error = outcome.error
        solara.Error(f"The branch could not be computed ({type(error).__name__}: {error}).",
                     classes=["branch-problem"])
    elif request is not None and outcome.value is not None:
        result, failure = outcome.value
        if failure:
            solara.Error(failure, classes=["branch-problem"])
        elif result is not None:
            BranchResultView(result)


@solara.component
def BranchPanel(game: PlayedGame) -> solara.Element:
    """Branch in the debrief: pick a season, a seat and a different decision; see the endings beside the game's.

    Closed until the facilitator opens it (the debrief stays light on every view). The form lists the seasons
    played and every seat (human or computer), prefilled with what the seat played; Branch plays both arms of
    :func:`wargame.futures.branch` in a thread while the panel says "Computing…".

    Args:
        game: The game as played (:func:`played_game`).

    """
    opened, set_opened = solara.use_state(False)
    with solara.Card("Branch: what if a seat had decided differently?", classes=["branch-panel"]):
        solara.Text("Pick a season, a seat and a different decision. The game is replayed to the start of that "
                    "season and played on to the end many times (futures), once as played and once with the "
                    "change, on the same dice: the same random events and draws in both, so the difference is the "
                    "decision's, not luck's.", style={**SMALL_TEXT, **BLOCK})
        if not game.seasons:
            solara.Text("No season was played: there is nothing to branch.", style=BLOCK)
        elif not opened:
            solara.Button("Open the branch panel", on_click=lambda: set_opened(True), outlined=True,
                          classes=["open-branch"], style={"margin-top": "8px"})
        else:
            BranchForm(game)
