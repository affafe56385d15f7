"""The end-of-game debrief: outcome, every seat's final score, the charts, and every human decision."""

from __future__ import annotations

from typing import Any

import solara

from wargame.tabletop.charts import ViewTabs
from wargame.tabletop.forms import format_points, format_value, lever_rows
from wargame.tabletop.panels import KIND_LABELS, SMALL_TEXT, PlainTable
from wargame.tabletop.session import GameSession

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


def score_table_rows(session: GameSession) -> list[list[str]]:
    """The debrief's final score table: seat, kind, who played it, score and its parts, as plain text.

    Returns:
        One row per seat in the model's seat order: name, kind (and bloc), ``human`` or ``computer (<policy>)``,
        the score (points) and each objective component with its points, largest first.

    """
    rows = []
    for row in session.final_scores():
        parts = sorted(row["parts"], key=lambda p: -abs(p["points"]))
        breakdown = "; ".join(f"{p['label']} {format_points(p['points'])}" for p in parts)
        bloc = session.seat(row["seat"]).bloc
        rows.append([row["name"], f"{KIND_LABELS.get(row['kind'], row['kind'])}, {bloc}", row["played_by"],
                     format_points(row["score"]), breakdown])
    return rows


@solara.component
def ScoreTable(session: GameSession, version: int) -> solara.Element:
    """Every seat's final score with its components in plain words (plain text: seat names are scenario text)."""
    rows = solara.use_memo(lambda: score_table_rows(session), [id(session.model), version])
    with solara.Card("Final scores", classes=["final-scores"]):
        solara.Text("Each seat scores weight x component every season on its own objectives, so points compare "
                    "seats of the same kind, not a government with a lab.", style=SMALL_TEXT)
        PlainTable(["Seat", "Kind", "Played by", "Score", "Made of"], rows, classes=["score-table"], numeric=(3,))


@solara.component
def Debrief(session: GameSession, version: int) -> solara.Element:
    """The end-of-game debrief page.

    Args:
        session: The finished game.
        version: The session's change counter.

    """
    summary = solara.use_memo(lambda: session.model.summary(), [id(session.model), version])
    outcome = str(summary.get("outcome", "contested"))
    title, text = OUTCOME_TEXT.get(outcome, (outcome, ""))
    with solara.Column(classes=["debrief"]):
        with solara.Card(f"Debrief: {title}", classes=[f"outcome-{outcome}"]):
            # Plain text only: the scenario title and seat names come from outside (never Markdown or HTML).
            solara.Text(text)
            solara.Text(f"Scenario {session.scenario.title}, seed {session.model.seed}, "
                        f"{session.seasons_played} seasons played.")
            PlainTable(["Figure", "Value"], [[k, str(v)] for k, v in summary_rows(summary)], numeric=(1,))
        ScoreTable(session, version)
        ViewTabs(session.model, version)
        with solara.Card("Human decisions", classes=["human-decisions"]):
            rows = decision_rows(session)
            if rows:
                PlainTable(["Season", "Seat", "Decision"], rows, classes=["decision-table"])
            else:
                solara.Text("No human decisions were made: the computer played every seat.")
