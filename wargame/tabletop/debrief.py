"""The end-of-game debrief.

:func:`RevealDebrief` is the debrief the tabletop shows when a game ends (the one-screen game, and every role of
a room through :func:`RoomDebrief`): the outcome, every seat's score, every seat's decisions season by season
(human and computer), what each seat believed against the truth, the charts, and the full news log, private
news included and marked. :func:`Debrief` is the shorter debrief of human decisions only.

The facilitator's debrief (the one-screen game, and a room's console with ``allow_branch=True``) also has the
branch panel (:mod:`wargame.tabletop.branch_view`): a season, a seat and a different decision, and the
ending distribution of that branch beside the game as played. A team's view and the projector do not get it.

Plain text only: scenario titles, seat names, team names and news come from outside, so they are shown with
``solara.Text`` and the text widgets of :mod:`wargame.tabletop.text_widgets`, never as Markdown or HTML. Each
table and the news list is one widget (:class:`~wargame.tabletop.text_widgets.TextTable`,
:class:`~wargame.tabletop.text_widgets.TextLines`): a widget per cell made about 2,200 widgets for a full game,
and the debrief took 5 s to appear on one view and 23 to 38 s on six views at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import solara

from wargame.beliefs import beliefs_frame
from wargame.figures import beliefs_figure
from wargame.tabletop.branch_game import PlayedGame, played_game
from wargame.tabletop.branch_view import BranchPanel
from wargame.tabletop.charts import ChartView, ViewTabs
from wargame.tabletop.forms import format_points, format_value, lever_rows
from wargame.tabletop.panels import KIND_LABELS, SMALL_TEXT, NewsList
from wargame.tabletop.report_download import ReportDownload
from wargame.tabletop.session import GameSession
from wargame.tabletop.text_widgets import text_table
from wargame.tabletop.waterfall_view import WaterfallCard, seat_names

OUTCOME_TEXT = {
    "S1": ("S1: democracies lead", "The US bloc ends with a frontier lead of a year or more: export controls "
           "held, distillation was curbed, and American AI spread."),
    "S2": ("S2: authoritarian parity", "PRC models reached near-parity: loopholes stayed open and cheap "
           "'good enough' models competed for the Global South."),
    "contested": ("Contested", "Neither scenario of the paper: the US leads, but by less than a year."),
}


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The debrief's key figures as ``(label, formatted value)`` pairs."""
    wanted = [
        ("final_lead_months", "US lead at the end, months", lambda v: f"{v:+.1f}"),
        ("compute_ratio", "Compute ratio US : PRC", lambda v: f"{v:.2f} : 1"),
        ("adoption_share_us", "Global South share on US models", lambda v: f"{v:.0%}"),
        ("cumulative_incident_probability", "P(at least one incident), cumulative", lambda v: f"{v:.0%}"),
        ("incidents", "Incidents", str),
        ("major_incidents", "Major or catastrophic incidents", str),
        ("mean_safety_share", "Mean safety share of compute", lambda v: f"{v:.1%}"),
        ("mean_race_pressure", "Mean race pressure", lambda v: f"{v:.2f}"),
        ("final_enmity", "Enmity at the end", lambda v: f"{v:.2f}"),
        ("seasons_played", "Seasons played", str),
    ]
    rows = []
    for key, label, fmt in wanted:
        if key in summary:
            try:
                rows.append((label, fmt(summary[key])))
            except (TypeError, ValueError):
                rows.append((label, str(summary[key])))
    return rows


def decision_rows(session: GameSession) -> list[list[str]]:
    """The human decisions as plain-text rows ``[season, seat, levers]``, levers shown as label = value."""
    kinds = {s.seat: s.kind for s in session.seats()}
    rows = []
    for row in session.human_decisions():
        kind = kinds.get(row["seat"])
        labels = {r["name"]: r["label"] for r in lever_rows(kind)} if kind else {}
        levers = ", ".join(f"{labels.get(k, k)} = {format_value(v, 3)}" for k, v in row["levers"].items())
        rows.append([row["season"], row["name"], levers])
    return rows


def score_table_rows(session: GameSession, teams: dict[str, str] | None = None) -> list[list[str]]:
    """The debrief's final score table: seat, kind, who played it, score and its parts, as plain text.

    Args:
        session: The game.
        teams: Team name per seat id, for a game played by teams (a room); ``None`` for the one-screen game.

    Returns:
        One row per seat in the model's seat order: name, kind (and bloc), ``human`` (``human: team <name>``
        with ``teams``) or ``computer (<policy>)``, the score (points) and each objective component with its
        points, largest first.

    """
    rows = []
    for row in session.final_scores():
        parts = sorted(row["parts"], key=lambda p: -abs(p["points"]))
        breakdown = "; ".join(f"{p['label']} {format_points(p['points'])}" for p in parts)
        bloc = session.seat(row["seat"]).bloc
        played_by = row["played_by"]
        if teams and row["seat"] in teams:
            played_by = f"human: team {teams[row['seat']]}"
        rows.append([row["name"], f"{KIND_LABELS.get(row['kind'], row['kind'])}, {bloc}", played_by,
                     format_points(row["score"]), breakdown])
    return rows


@solara.component
def ScoreCard(rows: list[list[str]]) -> solara.Element:
    """The card of final scores (rows of :func:`score_table_rows`)."""
    with solara.Card("Final scores", classes=["final-scores"]):
        solara.Text("Each seat scores weight x component every season on its own objectives, so points compare "
                    "seats of the same kind, not a government with a lab.", style=SMALL_TEXT)
        WideTable(["Seat", "Kind", "Played by", "Score", "Made of"], rows, classes=["score-table"], numeric=(3,))


@solara.component
def ScoreTable(session: GameSession, version: int) -> solara.Element:
    """Every seat's final score with its components in plain words (plain text: seat names are scenario text)."""
    rows = solara.use_memo(lambda: score_table_rows(session), [id(session.model), version])
    ScoreCard(rows)


@solara.component
def OutcomeCard(summary: dict[str, Any], scenario_title: str, seed: int, seasons_played: int) -> solara.Element:
    """The outcome (S1, S2 or contested), in plain words, with the game's key figures."""
    outcome = str(summary.get("outcome", "contested"))
    title, text = OUTCOME_TEXT.get(outcome, (outcome, ""))
    with solara.Card(f"Debrief: {title}", classes=[f"outcome-{outcome}", "outcome-card"]):
        # Plain text only: the scenario title and seat names come from outside (never Markdown or HTML).
        solara.Text(text, style={"display": "block"})
        solara.Text(f"Scenario {scenario_title}, seed {seed}, {seasons_played} seasons played.",
                    classes=["debrief-scenario"], style={"display": "block", "margin-top": "4px"})
        text_table(["Figure", "Value"], [[k, str(v)] for k, v in summary_rows(summary)], classes=["outcome-figures"],
                   numeric=(1,))


@solara.component
def Debrief(session: GameSession, version: int) -> solara.Element:
    """The end-of-game debrief page.

    Args:
        session: The finished game.
        version: The session's change counter.

    """
    summary = solara.use_memo(lambda: session.model.summary(), [id(session.model), version])
    with solara.Column(classes=["debrief"]):
        OutcomeCard(summary, session.scenario.title, session.model.seed, session.seasons_played)
        ScoreTable(session, version)
        ViewTabs(session.model, version)
        with solara.Card("Human decisions", classes=["human-decisions"]):
            rows = decision_rows(session)
            if rows:
                text_table(["Season", "Seat", "Decision"], rows, classes=["decision-table"])
            else:
                solara.Text("No human decisions were made: the computer played every seat.")


# ----------------------------------------------------------------- the reveal: everything, once the game is over
#: Columns of a seat's belief table (leads in months with the seat's own-bloc sign, compute in H100e).
BELIEF_HEADER = ["Season", "Estimated lead, months (± 1 sd)", "True lead, months", "Truth within 1 sd",
                 "Estimated other-bloc compute, H100e (×/÷ 1 sd)", "True other-bloc compute, H100e",
                 "Compute estimate off by"]
#: The values two seats must share, season by season, to share a belief table.
_BELIEF_VALUES = ("estimated_lead_months", "estimate_sd_months", "true_lead_months", "estimated_other_compute_h100e",
                  "compute_estimate_sd_log", "true_other_compute_h100e")


@dataclass(frozen=True)
class SeatDecisions:
    """One seat's decisions, season by season, as plain text.

    Attributes:
        seat: Seat id.
        title: ``"<name>: <kind>, <bloc> bloc · <who played it>"``.
        header: ``["Season", "Played by", <lever label [unit]>...]``.
        rows: One row per season played: season, ``human`` or ``computer``, then each lever's value.

    """

    seat: str
    title: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SeatBeliefs:
    """What one or more seats believed, season by season, beside the truth (seats that saw the same estimates).

    Attributes:
        seats: Seat ids that held these beliefs (a bloc's government and labs share its intelligence estimate).
        title: Their bloc and names.
        rows: One row per season played, the columns of :data:`BELIEF_HEADER`.

    """

    seats: list[str]
    title: str
    rows: list[list[str]]


@dataclass
class Reveal:
    """Everything the reveal debrief shows, read from a game at one moment (plain data, no widgets).

    Attributes:
        summary: :meth:`wargame.model.AIRaceModel.summary`.
        scenario_title: The scenario's title (outside text: shown as plain text).
        seed: The game's seed.
        seasons_played: Seasons played.
        scores: Rows of :func:`score_table_rows`.
        decisions: Every seat's decisions (:func:`seat_decision_tables`).
        beliefs: Beliefs against the truth (:func:`belief_tables`).
        belief_frame: :func:`wargame.beliefs.beliefs_frame` of the game (for the chart); empty if unavailable.
        belief_problem: Why the beliefs could not be shown, or ``""``.
        news: Every news item, oldest first, private ones included (copies).

    """

    summary: dict[str, Any]
    scenario_title: str
    seed: int
    seasons_played: int
    scores: list[list[str]]
    decisions: list[SeatDecisions]
    beliefs: list[SeatBeliefs]
    belief_frame: pd.DataFrame
    belief_problem: str = ""
    news: list[dict[str, Any]] = field(default_factory=list)


def seat_decision_tables(game: GameSession, teams: dict[str, str] | None = None) -> list[SeatDecisions]:
    """Every seat's decisions season by season, from :attr:`wargame.model.AIRaceModel.decision_history`.

    Args:
        game: The game.
        teams: Team name per seat id (a room); ``None`` for the one-screen game.

    Returns:
        One table per seat, in the model's seat order. Its columns are the season, who decided (``human`` or
        ``computer``: a team seat whose team did not submit was played by the computer that season) and each
        lever offered to the seat, labelled with its unit; values are formatted with
        :func:`~wargame.tabletop.forms.format_value` (3 significant digits). One row per decision recorded.

    """
    history: dict[str, list[dict[str, Any]]] = {}
    for entry in game.model.decision_history:
        history.setdefault(str(entry.get("seat")), []).append(entry)
    tables = []
    for actor in game.seats():
        entries = history.get(actor.seat, [])
        rows_of_kind = lever_rows(actor.kind)
        names = [r["name"] for r in rows_of_kind if r["name"] in set(actor.levers)]
        for entry in entries:  # a lever recorded but not offered now still shows
            names.extend(k for k in (entry.get("levers") or {}) if k not in names)
        labels = {r["name"]: f"{r['label']} [{r['unit']}]" for r in rows_of_kind}
        if teams and actor.seat in teams:
            who = f"played by team {teams[actor.seat]}"
        elif actor.seat in game.human_seats:
            who = "played by a person"
        else:
            who = f"played by the computer ({actor.policy})"
        title = f"{actor.name}: {KIND_LABELS.get(actor.kind, actor.kind)}, {actor.bloc} bloc · {who}"
        rows = []
        for entry in entries:
            levers = entry.get("levers") or {}
            rows.append([str(entry.get("season", "")), str(entry.get("by", "")),
                         *(format_value(levers[n], 3) if n in levers else "" for n in names)])
        tables.append(SeatDecisions(actor.seat, title, ["Season", "Played by", *(labels.get(n, n) for n in names)],
                                    rows))
    return tables


def _fmt(value: Any, spec: str) -> str:
    """A number formatted with ``spec``, or ``"n/a"`` for a missing or non-finite value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "n/a"
    return format(number, spec) if math.isfinite(number) else "n/a"


def belief_row(row: dict[str, Any]) -> list[str]:
    """One season of a seat's beliefs as the plain-text cells of :data:`BELIEF_HEADER`.

    Args:
        row: A row of :func:`wargame.beliefs.belief_history` (leads in months, own-bloc sign; compute in H100e;
            ``compute_estimate_sd_log`` in natural log units, shown as the factor ``exp(sd)``).

    """
    est, sd, true = row.get("estimated_lead_months"), row.get("estimate_sd_months"), row.get("true_lead_months")
    try:
        inside = "yes" if abs(float(est) - float(true)) <= float(sd) else "no"
    except (TypeError, ValueError):
        inside = "n/a"
    try:
        factor = _fmt(math.exp(float(row.get("compute_estimate_sd_log"))), ".2f")
    except (TypeError, ValueError, OverflowError):
        factor = "n/a"
    try:
        off = _fmt(float(row["estimated_other_compute_h100e"]) / float(row["true_other_compute_h100e"]) - 1, "+.0%")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        off = "n/a"
    return [str(row.get("season", "")), f"{_fmt(est, '+.1f')} ± {_fmt(sd, '.1f')}", _fmt(true, "+.1f"), inside,
            f"{_fmt(row.get('estimated_other_compute_h100e'), ',.0f')} ×/÷ {factor}",
            _fmt(row.get("true_other_compute_h100e"), ",.0f"), off]


def belief_tables(frame: pd.DataFrame) -> list[SeatBeliefs]:
    """Every government and lab seat's beliefs against the truth, seats that saw the same estimates together.

    A bloc's government, its allies and its labs read the same intelligence estimate (:func:`wargame.
    observation.observe`), so their rows are equal; they share one table titled with all their names, so each
    seat's beliefs are shown without repeating a table a dozen times.

    Args:
        frame: :func:`wargame.beliefs.beliefs_frame` of a game.

    Returns:
        One table per group of seats with identical belief rows, in seat order; one row per season played.

    """
    if frame.empty:
        return []
    groups: dict[tuple[Any, ...], list[tuple[str, str, str, list[dict[str, Any]]]]] = {}
    for seat, rows in frame.groupby("seat", sort=False):
        records = rows.to_dict("records")
        cells = [belief_row(r) for r in records]
        key = (str(records[0]["bloc"]), tuple(
            (str(r["season"]), *(_fmt(r[c], ".9g") for c in _BELIEF_VALUES)) for r in records))
        groups.setdefault(key, []).append((str(seat), str(records[0]["name"]), str(records[0]["bloc"]), cells))
    tables = []
    for members in groups.values():
        bloc = members[0][2]
        names = ", ".join(name for _, name, _, _ in members)
        tables.append(SeatBeliefs([seat for seat, _, _, _ in members], f"{bloc} bloc: {names}", members[0][3]))
    return tables


def reveal_data(game: GameSession, teams: dict[str, str] | None = None) -> Reveal:
    """Read everything the reveal debrief shows from a game (replays the game's log once for the beliefs).

    Args:
        game: The game (usually finished; any state works).
        teams: Team name per seat id (a room); ``None`` for the one-screen game.

    Returns:
        The :class:`Reveal`. If the beliefs cannot be rebuilt (the log does not replay), ``beliefs`` is empty
        and ``belief_problem`` says why; nothing is raised for that.

    """
    model = game.model
    try:
        frame = beliefs_frame(game.log())
        problem = ""
    except Exception as exc:  # noqa: BLE001 - the rest of the debrief must still show
        frame = pd.DataFrame()
        problem = f"The beliefs could not be rebuilt from the game log ({type(exc).__name__}: {exc})."
    return Reveal(summary=model.summary(), scenario_title=str(game.scenario.title), seed=int(model.seed),
                  seasons_played=game.seasons_played, scores=score_table_rows(game, teams),
                  decisions=seat_decision_tables(game, teams), beliefs=belief_tables(frame), belief_frame=frame,
                  belief_problem=problem, news=[dict(item) for item in model.news])


@solara.component
def WideTable(header: list[str], rows: list[list[str]], classes: list[str] | None = None,
              numeric: tuple[int, ...] = ()) -> solara.Element:
    """A plain-text table (one widget) that scrolls sideways on a narrow screen instead of squeezing its columns."""
    with solara.Div(style={"overflow-x": "auto", "max-width": "100%"}):
        text_table(header, rows, classes=classes, numeric=numeric)


@solara.component
def DecisionsCard(tables: list[SeatDecisions]) -> solara.Element:
    """Every seat's decisions, season by season: a table per seat (class ``reveal-decisions``)."""
    with solara.Card("Human decisions and the computer's: every seat, season by season",
                     classes=["reveal-decisions"]):
        solara.Text("Each seat's levers as played. A 'human' row was decided by a player; a 'computer' row by the "
                    "seat's policy.", style=SMALL_TEXT)
        for table in tables:
            with solara.Column(gap="0px", classes=["reveal-seat", f"reveal-seat-{table.seat}"],
                               style={"margin-top": "12px"}):
                solara.Text(table.title, style={"font-weight": "bold"}, classes=["reveal-seat-title"])
                if table.rows:
                    WideTable(table.header, table.rows, classes=["reveal-decision-table"],
                              numeric=tuple(range(2, len(table.header))))
                else:
                    solara.Text("No decision recorded: no season was played.", style=SMALL_TEXT)


@solara.component
def BeliefsCard(data: Reveal, model: Any, version: int) -> solara.Element:
    """What each government and lab believed about the race, against the truth (class ``reveal-beliefs``)."""
    with solara.Card("What each side believed, against the truth", classes=["reveal-beliefs"]):
        solara.Text("After each season: the intelligence estimate of the lead of trained (internal) models, ± one "
                    "standard deviation, beside the true lead (months; positive means the seat's own bloc is "
                    "ahead), and the estimate of the other bloc's compute beside its true size (H100e; ×/÷ is one "
                    "standard deviation of the log-normal error). A bloc's government, allies and labs share one "
                    "estimate, so they share a table.", style=SMALL_TEXT)
        if data.belief_problem:
            solara.Warning(data.belief_problem)
        if data.beliefs:
            frame = data.belief_frame
            ChartView(lambda _model: beliefs_figure(frame), model, version, name="beliefs").key("chart-beliefs")
        for table in data.beliefs:
            with solara.Column(gap="0px", classes=["reveal-belief-group"], style={"margin-top": "12px"}):
                solara.Text(table.title, style={"font-weight": "bold"}, classes=["reveal-belief-title"])
                WideTable(BELIEF_HEADER, table.rows, classes=["belief-table"], numeric=(1, 2, 4, 5, 6))


@solara.component
def RevealView(data: Reveal, model: Any, version: int, branch: PlayedGame | None = None,
               teams: dict[str, str] | None = None) -> solara.Element:
    """The reveal debrief drawn from a :class:`Reveal` (reads nothing else but the model's charts).

    Args:
        data: What the debrief shows.
        model: The model its charts draw from.
        version: The change counter.
        branch: The game for the facilitator's panels (:func:`~wargame.tabletop.branch_game.played_game`):
            why the lead moved, the branch panel and the after-action report; ``None`` shows none of them (a
            team's view, the projector).
        teams: Team name per seat id (for the after-action report), ``None`` for the one-screen game.

    """
    with solara.Column(classes=["debrief", "reveal-debrief"]):
        OutcomeCard(data.summary, data.scenario_title, data.seed, data.seasons_played)
        ScoreCard(data.scores)
        ViewTabs(model, version)
        if branch is not None:  # the facilitator's: what seats could not see, and what-ifs
            WaterfallCard(model.explanations, seat_names(model), version)
            BranchPanel(branch).key(f"branch-{id(model)}")  # a new game (an undo, a load) starts it afresh
            ReportDownload(branch.log, teams)
        BeliefsCard(data, model, version)
        DecisionsCard(data.decisions)
        NewsList(data.news, newest_first=False, scroll=False, classes=["reveal-news"],
                 title=f"Everything that happened: all {len(data.news)} news items, private ones included")


@solara.component
def RevealDebrief(game: GameSession, version: int, teams: dict[str, str] | None = None) -> solara.Element:
    """The debrief that reveals everything once the game is over (the one-screen game uses it directly).

    Shows the outcome and key figures, every seat's score, the charts, what each government and lab believed
    against the truth (:mod:`wargame.beliefs`), every seat's decisions season by season (human and computer
    marked) and the full news log, never cut, private news marked as known only to its bloc; and the branch
    panel (:func:`~wargame.tabletop.branch_view.BranchPanel`): the one-screen game is the facilitator's.

    Args:
        game: The game.
        version: Its change counter (the data is read again when it changes).
        teams: Team name per seat id, for a game played by teams; ``None`` for the one-screen game.

    """
    key = tuple(sorted((teams or {}).items()))
    data = solara.use_memo(lambda: reveal_data(game, teams), [id(game), id(game.model), version, key])
    played = solara.use_memo(lambda: played_game(game.log(), game.model), [id(game), id(game.model), version])
    RevealView(data, game.model, version, branch=played, teams=teams)


@solara.component
def RoomDebrief(room: Any, version: int, allow_branch: bool = False) -> solara.Element:
    """The reveal debrief of a room's game, the same for every role once the game is over.

    The room is read under its lock (teams, the game and its data, at one moment); the charts then draw from
    that model object, which a finished game no longer changes (an undo replaces the model, it does not edit
    it, and bumps the room's version).

    Args:
        room: A :class:`wargame.tabletop.room.Room`.
        version: The room's change counter.
        allow_branch: Show the branch panel (:func:`~wargame.tabletop.branch_view.BranchPanel`): the
            facilitator's console only, never a team's view or the projector.

    """

    def snapshot() -> tuple[Any, Reveal, PlayedGame | None, dict[str, str]]:
        with room.lock:
            game = room.game
            teams = {}
            for actor in game.seats():
                team = room.team_of(actor.seat)
                if team is not None:
                    teams[actor.seat] = str(team.name)
            played = played_game(game.log(), game.model) if allow_branch else None
            return game.model, reveal_data(game, teams), played, teams

    model, data, played, teams = solara.use_memo(snapshot, [id(room), version, allow_branch])
    RevealView(data, model, version, branch=played, teams=teams)
