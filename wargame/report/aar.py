"""The after-action report (AAR) of a saved game: one self-contained HTML page that opens offline and prints.

:func:`wargame.report.aar_data.gather` replays the game log once (reading each seat's beliefs and the season's
events as it goes) and plays the computer-played games it is compared with; :func:`render` turns that into the
page, built with :mod:`wargame.report.html` (every text escaped: scenario text, team names, notes and news come
from outside; charts embedded as PNG data URIs). :func:`build_report` does both. The page holds, one section each
(a new printed page each):

1. the scenario and its seats, who played each, and the outcome;
2. every seat's decisions, season by season, human and computer (a table per seat, its levers split so no
   table is wider than a printed page);
3. the events of each season (injects by hand, scheduled, or drawn by chance) and the facilitator's notes;
4. the full news, private items included and marked;
5. the charts (lead, compute, labs, adoption);
6. the waterfall: why the lead moved, season by season (:mod:`wargame.explain`);
7. each government's and lab's beliefs against the truth;
8. the scores;
9. this game among ``N`` computer-played games from the same start: every seat played by its computer policy,
   no injects by hand, on the seeds ``wargame.futures.future_seeds(seed, N)`` (the same set for every game of
   the same scenario and seed), plus the computer's game on this game's own seed (the same dice).

:func:`wargame.report.pdf.print_pdf` prints a page to PDF with Chromium. Nothing here imports the app.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from wargame import __version__
from wargame.decisions import decision_model_for
from wargame.explain import PART_LABELS, PARTS
from wargame.explain_chart import waterfall_figure
from wargame.figures import (
    COMPUTER_MARK_COLOR,
    GAME_MARK_COLOR,
    adoption_figure,
    beliefs_figure,
    compute_figure,
    labs_figure,
    lead_distribution_figure,
    lead_figure,
    score_distribution_figure,
    season_parts_figure,
)
from wargame.model import EVENT_DESCRIPTIONS
from wargame.report import html
from wargame.report.aar_data import DEFAULT_GAMES, AfterAction, gather
from wargame.scenario import Scenario

#: Most levers in one decision table (more are split into further tables, so a table fits a printed page).
LEVERS_PER_TABLE = 5
#: Most seats in one table of scores by season (more are split likewise).
SEATS_PER_TABLE = 5
#: Most seasons in one table of the waterfall's parts (more are split likewise).
SEASONS_PER_TABLE = 5
#: Plain words for each kind of seat.
KIND_WORDS = {"us_government": "US government", "prc_government": "PRC government",
              "ally_government": "Ally government", "lab": "AI lab", "chipmaker": "Chipmaker",
              "smuggler": "Smuggling network", "overseas_cloud": "Overseas cloud"}
#: Words of lever names written in capitals.
ACRONYMS = {"kyc": "KYC", "us": "US", "prc": "PRC", "hbm": "HBM"}
#: Who saw a news item or a note, by its audience.
AUDIENCE_WORDS = {"public": "everyone", "US": "US bloc only", "PRC": "PRC bloc only",
                  "facilitator": "facilitator only"}
#: Section ids and titles, in page order.
SECTIONS = (
    ("scenario", "Scenario and seats"),
    ("decisions", "Decisions, season by season"),
    ("injects", "Injects and the facilitator's notes"),
    ("news", "The full news"),
    ("charts", "Charts"),
    ("waterfall", "Why the lead moved: the waterfall"),
    ("beliefs", "Beliefs against the truth"),
    ("scores", "Scores"),
    ("computer-games", "This game among computer-played games"),
)




# ------------------------------------------------------------------------------------------- formatting
def months(value: float) -> str:
    """A lead in months, signed: ``+7.3 months``."""
    return f"{_signed(value, 1)} months"


def points(value: float) -> str:
    """Score points, signed: ``+1.23 points``."""
    return f"{_signed(value, 2)} points"


def _signed(value: float, digits: int) -> str:
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    return f"{0.0 if round(value, digits) == 0 else value:+,.{digits}f}"


def share(count: int, total: int) -> str:
    """``41.2% (412 of 1,000 games)``."""
    return f"{100 * count / total:.1f}% ({count:,} of {total:,} games)" if total else "n/a"


def lever_value(value: Any) -> str:
    """A lever's value for people: yes/no, 3 significant digits (thousands separated from 10,000), or text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def lever_heading(info: Mapping[str, Any]) -> str:
    """A lever's column heading with its unit: ``Enforcement budget [USD million per quarter]``.

    A unit holding a bracketed range goes in parentheses: ``Training share (share of compute [0, 1])``.
    """
    name = str(info["name"])
    for suffix in ("_h100e", "_musd", "_busd"):
        name = name.removesuffix(suffix)
    words = " ".join(ACRONYMS.get(word, word) for word in name.split("_"))
    unit = str(info["unit"])
    # a unit that already holds a bracketed range ("share [0, 1]") goes in parentheses, not nested brackets
    return f"{words[:1].upper()}{words[1:]} " + (f"({unit})" if "[" in unit else f"[{unit}]")


def component_words(name: str) -> str:
    """A score component in plain words: ``licence revenue``, ``US relations``."""
    return " ".join(ACRONYMS.get(word, word) for word in name.split("_"))


def audience_words(audience: str) -> str:
    """Who saw an item: ``everyone``, ``US bloc only``, ..."""
    return AUDIENCE_WORDS.get(audience, f"{audience} only")


def percentile_rank(values: np.ndarray, x: float) -> float:
    """Percent of ``values`` below ``x``, ties counted half (0 to 100)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return float("nan")
    return float(100.0 * (np.sum(values < x) + 0.5 * np.sum(values == x)) / values.size)


def _spread(values: np.ndarray, unit: str, digits: int) -> str:
    """``+7.1 (+3.2 to +11.0) months``: the median and the 10th to 90th percentiles."""
    lo, mid, hi = np.percentile(values, [10, 50, 90])
    return f"{_signed(mid, digits)} ({_signed(lo, digits)} to {_signed(hi, digits)}) {unit}"


def outcome_words(outcome: str, scenario: Scenario) -> str:
    """An outcome class in plain words, with the scenario's thresholds."""
    o = scenario.outcome
    return {"S1": f"S1, democracies lead: a US lead of {o.s1_lead_months:g} months or more",
            "S2": f"S2, authoritarian parity: a US lead of {o.s2_lead_months:g} months or less",
            "contested": f"Contested: a US lead between {o.s2_lead_months:g} and {o.s1_lead_months:g} months",
            }.get(outcome, outcome)


# ---------------------------------------------------------------------------------------------- sections
def _scenario_section(aar: AfterAction) -> html.Html:
    model, log = aar.model, aar.log
    spec = model.scenario_spec
    summary = model.summary()
    state = ("The game is over." if not model.running else
             f"The game was saved in progress: {model.seasons_played} of {model.total_seasons} seasons played.")
    meta = log.get("meta") if isinstance(log.get("meta"), dict) else {}
    saved = f", saved at {meta['saved_at']}" if isinstance(meta.get("saved_at"), str) else ""
    facts = [
        ("Scenario", f"{spec.title} (scenario {spec.name})"),
        ("Seasons", f"{spec.scenario.start} to {spec.scenario.end}: {model.seasons_played} of {model.total_seasons} "
                    "seasons played"),
        ("Seed", f"{model.seed}"),
        ("Outcome", outcome_words(str(summary["outcome"]), spec) if model.seasons_played else "no season played"),
        ("US lead at the end", months(summary["final_lead_months"])),
        ("Compute ratio US : PRC", f"{summary['compute_ratio']:.2f} : 1 (H100e available to labs)"),
        ("Global South share on US models", f"{summary['adoption_share_us']:.0%} of users"),
        ("AI incidents", f"{summary['incidents']} ({summary['major_incidents']} major or catastrophic)"),
        ("P(at least one incident), cumulative", f"{summary['cumulative_incident_probability']:.0%}"),
        ("Game log", f"saved by wargame {log.get('code_version', '?')}{saved}; this report by wargame "
                     f"{__version__}"),
    ]
    seats = html.table(["Seat", "Kind", "Bloc", "Played by"],
                       [[s.name, KIND_WORDS.get(s.kind, s.kind), s.bloc, s.played_by] for s in aar.seats],
                       caption="The seats (shaded: played by people)", class_="seats-table", whole=(2,),
                       row_classes=["marked" if s.human else None for s in aar.seats])
    return html.section(
        "Scenario and seats",
        html.paragraph(state),
        html.table(["", "Value"], facts, caption="The game", class_="facts-table"),
        html.tag("h3", "Briefing"),
        *(html.paragraph(" ".join(part.split())) for part in spec.briefing.split("\n\n") if part.strip()),
        seats,
        section_id="scenario")


def _decision_tables(aar: AfterAction) -> list[html.Html]:
    history: dict[str, list[dict[str, Any]]] = {}
    for entry in aar.model.decision_history:
        history.setdefault(str(entry["seat"]), []).append(entry)
    parts: list[html.Html] = []
    for seat in aar.seats:
        entries = history.get(seat.seat, [])
        offered = set(aar.model.actor(seat.seat).levers)
        infos = [info for info in decision_model_for(seat.kind).lever_info() if info["name"] in offered]
        names = [info["name"] for info in infos]
        header = ["Season", "Decided by", *(lever_heading(info) for info in infos)]
        rows = [[str(e["season"]), str(e["by"]), *(lever_value(e["levers"][n]) if n in e["levers"] else ""
                                                  for n in names)] for e in entries]
        marks = ["marked" if e["by"] == "human" else None for e in entries]
        title = f"{seat.name}: {KIND_WORDS.get(seat.kind, seat.kind)}, {seat.bloc} bloc, played by {seat.played_by}"
        if not rows:
            block = [_titled_table(title, header, rows, "No decision recorded: no season was played.",
                                   class_="decision-table")]
        else:
            split = html.split_columns(header, rows, keep=2, per_table=LEVERS_PER_TABLE)
            block = [html.table(part_header, part_rows, class_="decision-table", row_classes=marks, whole=(0, 1),
                                caption=title if i == 0 else f"{title} (continued)",
                                numeric=tuple(range(2, len(part_header))))
                     for i, (part_header, part_rows) in enumerate(split)]
        parts.append(html.tag("div", block, class_="seat-decisions", id=f"decisions-{seat.seat}"))
    return parts


def _decisions_section(aar: AfterAction) -> html.Html:
    humans = sum(1 for e in aar.model.decision_history if e["by"] == "human")
    return html.section(
        "Decisions, season by season",
        html.paragraph(f"Every seat's levers as played, revealed: {humans} decisions by people (shaded rows) and "
                       f"{len(aar.model.decision_history) - humans} by the computer (each seat's policy). A seat "
                       "played by a person whose decision did not come in was played by the computer that "
                       "season."),
        *_decision_tables(aar),
        section_id="decisions")


def _injects_section(aar: AfterAction) -> html.Html:
    spec = aar.model.scenario_spec
    by_hand = {(e["season"], e["event"]) for e in aar.log.get("injects", [])}
    scheduled = {(s.season, s.event) for s in spec.events.scheduled}
    rows = []
    for season, names in aar.events:
        for name in names:
            if (season, name) in by_hand:
                how = "played by the facilitator"
            elif (season, name) in scheduled:
                how = "scheduled by the scenario"
            else:
                how = f"drawn by chance ({getattr(spec.events, name):.0%} a season)"
            rows.append([season, EVENT_DESCRIPTIONS.get(name, name), how])
    notes = [[str(n["season"]), audience_words(str(n["audience"])), str(n["text"])] for n in aar.model.note_log]
    explained = {(str(e["season"]), str(e["sentence"])) for e in aar.model.explanations}
    adjudication = [[str(n["season"]), audience_words(str(n["audience"])), str(n["text"])] for n in aar.model.news
                    if n["phase"] == "adjudication" and (str(n["season"]), str(n["text"])) not in explained]
    return html.section(
        "Injects and the facilitator's notes",
        _titled_table("Events", ["Season", "Event", "How it came"], rows, "No event happened in the seasons played.",
                      class_="events-table"),
        _titled_table("The facilitator's notes (rulings and free-text injects)", ["Season", "Seen by", "Note"],
                      notes, "The facilitator wrote no notes.", class_="notes-table pre-line"),
        _titled_table("Adjudication notes: what each season's adjudication reported besides the lead (why the lead "
                      "moved is in the waterfall section)", ["Season", "Seen by", "Note"], adjudication,
                      "The adjudication reported nothing besides the lead.", class_="adjudication-table"),
        section_id="injects")


def _titled_table(title: str, header: list[str], rows: list[list[str]], empty: str, class_: str) -> html.Html:
    """A table captioned ``title`` (its first column of seasons kept whole), or the title and the ``empty`` note."""
    if rows:
        return html.table(header, rows, caption=title, class_=class_, whole=(0,))
    return html.tag("div", [html.tag("h3", title), html.paragraph(empty, class_="note")], class_="keep")


def _news_section(aar: AfterAction) -> html.Html:
    news = aar.model.news
    by_season: dict[str, list[dict[str, Any]]] = {}
    for item in news:
        by_season.setdefault(str(item["season"]), []).append(item)
    private = sum(1 for item in news if item["audience"] != "public")
    tables = [html.table(["Phase", "Seen by", "News"],
                         [[str(i["phase"]), audience_words(str(i["audience"])), str(i["text"])] for i in items],
                         caption=f"{season}: {len(items)} items", class_="news-table pre-line long",
                         whole=(0, 1),
                         row_classes=["marked" if i["audience"] != "public" else None for i in items])
              for season, items in by_season.items()]
    return html.section(
        "The full news",
        html.paragraph(f"All {len(news)} news items, oldest first; {private} were not public (shaded: seen only "
                       "by one bloc or the facilitator)."),
        *(tables or [html.paragraph("No news: no season was played.", class_="note")]),
        section_id="news")


def _charts_section(aar: AfterAction) -> html.Html:
    model = aar.model
    return html.section(
        "Charts",
        html.figure(_png(lead_figure(model)), "US lead over the PRC by season, months",
                    "The US lead of deployed models (solid) and of trained, internal models (dashed), months; "
                    "the shaded bands are the S1 and S2 outcome regions."),
        html.figure(_png(compute_figure(model)), "Compute by bloc and PRC inflows by source",
                    "Left: compute available to each bloc's labs, million H100e. Right: the PRC's inflow of compute "
                    "by source each season, thousand H100e a quarter."),
        html.figure(_png(labs_figure(model)), "Race pressure and safety share of every lab",
                    "Each lab's race pressure (index) and the share of its compute spent on safety."),
        html.figure(_png(adoption_figure(model)), "Global South adoption of US models",
                    "Share of Global South users on US models (blue) and on PRC models (red)."),
        section_id="charts")


def game_entry(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The explanation of a whole game: the seasons' parts summed, from the first lead before to the last after.

    Args:
        entries: ``model.explanations`` (one dict per season played, at least one).

    Returns:
        A dict of the same form as one season's (:mod:`wargame.explain`; ``season`` is ``"<first> to <last>"``,
        ``sentence`` empty, ``scores`` summed), so :func:`wargame.explain_chart.waterfall_figure` draws it.
        Each season's parts add up to its change, so the summed parts add up to the game's.

    """
    scores: dict[str, dict[str, float]] = {}
    for entry in entries:
        for seat, parts in entry["scores"].items():
            for name, value in parts.items():
                scores.setdefault(seat, {}).setdefault(name, 0.0)
                scores[seat][name] += float(value)
    return {"season": f"{entries[0]['season']} to {entries[-1]['season']}",
            "lead_before": float(entries[0]["lead_before"]), "lead_after": float(entries[-1]["lead_after"]),
            "parts": {name: sum(float(e["parts"][name]) for e in entries) for name in PARTS}, "sentence": "",
            "scores": scores}


def _waterfall_section(aar: AfterAction) -> html.Html:
    entries = aar.model.explanations
    title = "Why the lead moved: the waterfall"
    intro = html.paragraph(
        "The change of the US lead split into its parts (months of lead): what each bloc's best deployed model "
        "was built from (compute by source, training share, algorithmic progress, distillation, open weights), "
        "compared with the model it replaced. The parts add up to the change, season by season and over the game.")
    if not entries:
        return html.section(title, intro, html.paragraph("No season was played.", class_="note"),
                            section_id="waterfall")
    whole = game_entry(entries)
    seasons = [str(e["season"]) for e in entries]
    by_part = {name: [float(e["parts"][name]) for e in entries] for name in PARTS}
    header = ["Part", *seasons]
    rows = [[PART_LABELS[name], *(_signed(v, 2) for v in by_part[name])] for name in PARTS]
    rows.append(["Change of the lead", *(_signed(e["lead_after"] - e["lead_before"], 2) for e in entries)])
    rows.append(["Lead after the season", *(_signed(e["lead_after"], 2) for e in entries)])
    content: list[Any] = [
        intro,
        html.figure(_png(waterfall_figure(whole)), f"Waterfall of the change of the lead, {whole['season']}",
                    f"Over the game: the lead went from {months(whole['lead_before'])} to "
                    f"{months(whole['lead_after'])}; each bar is one part's push, months."),
        html.figure(_png(season_parts_figure(seasons, by_part, PART_LABELS, whole["lead_before"],
                                             [float(e["lead_after"]) for e in entries])),
                    "The parts of each season's change of the lead, and the lead",
                    "Each season's parts (bars, months of lead: up for the US, down for the PRC) and the US lead "
                    "after it (line, months)."),
        *(html.table(part_header, part_rows, numeric=tuple(range(1, len(part_header))), class_="waterfall-table",
                     caption="The parts of the change of the lead, season by season, months of lead")
          for part_header, part_rows in html.split_columns(header, rows, keep=1, per_table=SEASONS_PER_TABLE)),
        html.table(["Season", "Why the lead moved"], [[e["season"], str(e["sentence"])] for e in entries],
                   caption="Each season in a sentence", class_="waterfall-sentences", whole=(0,)),
    ]
    for s in (seat for seat in aar.seats if seat.human):
        point_rows = [[str(e["season"]), _signed(sum(e["scores"][s.seat].values()), 2),
                       "; ".join(f"{component_words(k)} {_signed(v, 2)}" for k, v in e["scores"][s.seat].items())]
                      for e in entries]
        content.append(html.table(["Season", "Points", "Made of (points)"], point_rows, numeric=(1,), whole=(0,),
                                  caption=f"Points each season: {s.name}, played by {s.played_by}",
                                  class_="season-points-table"))
    return html.section(title, *content, section_id="waterfall")


def _belief_cells(row: Mapping[str, Any]) -> list[str]:
    est, sd, true = row["estimated_lead_months"], row["estimate_sd_months"], row["true_lead_months"]
    factor = math.exp(row["compute_estimate_sd_log"])
    off = row["estimated_other_compute_h100e"] / row["true_other_compute_h100e"] - 1 \
        if row["true_other_compute_h100e"] else float("nan")
    return [str(row["season"]), f"{est:+.1f} ± {sd:.1f}", f"{true:+.1f}", "yes" if abs(est - true) <= sd else "no",
            f"{row['estimated_other_compute_h100e']:,.0f} ×/÷ {factor:.2f}", f"{row['true_other_compute_h100e']:,.0f}",
            f"{off:+.0%}" if math.isfinite(off) else "n/a"]


#: Columns of a belief table.
BELIEF_HEADER = ["Season", "Estimated lead, months (± 1 sd)", "True lead, months", "Truth within 1 sd",
                 "Estimated other-bloc compute, H100e (×/÷ 1 sd)", "True other-bloc compute, H100e",
                 "Compute estimate off by, %"]


def _beliefs_section(aar: AfterAction) -> html.Html:
    frame = aar.beliefs
    content: list[Any] = [html.paragraph(
        "After each season: the intelligence estimate of the lead of trained (internal) models, ± one standard "
        "deviation, beside the true lead (months; positive means the seat's own bloc is ahead), and the estimate "
        "of the other bloc's compute beside its true size (H100e; ×/÷ is one standard deviation of the "
        "log-normal error). A bloc's government, allies and labs read the same estimate, so seats that saw the "
        "same numbers share a table. Chipmakers, smugglers and clouds keep no estimate of the race.")]
    if frame.empty:
        content.append(html.paragraph("No season was played.", class_="note"))
        return html.section("Beliefs against the truth", *content, section_id="beliefs")
    content.append(html.figure(_png(beliefs_figure(frame)), "Believed and true lead by season",
                               "Each bloc's estimate of the US lead (± 1 sd) against the true lead, months."))
    groups: dict[tuple[Any, ...], list[tuple[str, list[dict[str, Any]]]]] = {}
    for _, rows in frame.groupby("seat", sort=False):
        records = rows.to_dict("records")
        key = (records[0]["bloc"], *((r["season"], r["estimated_lead_months"], r["estimate_sd_months"],
                                      r["estimated_other_compute_h100e"], r["compute_estimate_sd_log"])
                                     for r in records))
        groups.setdefault(key, []).append((str(records[0]["name"]), records))
    for members in groups.values():
        records = members[0][1]
        inside = sum(1 for r in records if abs(r["estimated_lead_months"] - r["true_lead_months"])
                     <= r["estimate_sd_months"])
        error = float(np.mean([abs(r["estimated_lead_months"] - r["true_lead_months"]) for r in records]))
        names = ", ".join(name for name, _ in members)
        content.append(html.tag("div", [
            html.table(BELIEF_HEADER, [_belief_cells(r) for r in records], class_="belief-table",
                       caption=f"{records[0]['bloc']} bloc: {names}", numeric=(1, 2, 4, 5, 6), whole=(0, 3)),
            html.paragraph(f"The truth was within one standard deviation of the estimate in {inside} of "
                           f"{len(records)} seasons; the estimate missed the true lead by {error:.1f} months on "
                           "average.")], class_="belief-group"))
    return html.section("Beliefs against the truth", *content, section_id="beliefs")


def _scores_section(aar: AfterAction) -> html.Html:
    model = aar.model
    scores = model.seat_scores()
    rows = []
    for s in aar.seats:
        parts = sorted(model.score_breakdown(s.seat).items(), key=lambda kv: -abs(kv[1]))
        rows.append([s.name, s.played_by, _signed(scores[s.seat], 2),
                     "; ".join(f"{component_words(k)} {_signed(v, 2)}" for k, v in parts)])
    content: list[Any] = [
        html.paragraph("Each seat scores, every season, the weighted components of its own objectives (points); "
                       "points compare seats of the same kind, not a government with a lab."),
        html.table(["Seat", "Played by", "Score, points", "Made of (points, largest first)"], rows, numeric=(2,),
                   caption=f"Scores after {model.seasons_played} seasons (shaded: played by people)",
                   class_="score-table long", row_classes=["marked" if s.human else None for s in aar.seats])]
    humans = [s for s in aar.seats if s.human]
    if humans and model.seasons_played:
        frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True).iloc[1:]
        header = ["Season", *(s.name for s in humans)]
        table_rows = [[str(r["season"]), *(_signed(r[f"score_{s.seat}"], 2) for s in humans)]
                      for _, r in frame.iterrows()]
        for part_header, part_rows in html.split_columns(header, table_rows, keep=1, per_table=SEATS_PER_TABLE):
            content.append(html.table(part_header, part_rows, numeric=tuple(range(1, len(part_header))),
                                      caption="Score by season of the seats people played (points so far)", whole=(0,),
                                      class_="score-season-table"))
    return html.section("Scores", *content, section_id="scores")


def _computer_section(aar: AfterAction) -> html.Html:
    model, games = aar.model, aar.computer
    title = "This game among computer-played games"
    if games is None:
        return html.section(title, html.paragraph("No season was played: there is nothing to compare.",
                                                  class_="note"), section_id="computer-games")
    spec = model.scenario_spec
    n = len(games.seeds)
    summary = model.summary()
    outcome, same_outcome = str(summary["outcome"]), str(games.same_seed["outcome"])
    intro = html.paragraph(
        f"{n:,} games of scenario {spec.name} played by the computer alone from the same start, for the same "
        f"{model.seasons_played} seasons: every seat played by its computer policy, no injects by hand. Their "
        f"seeds are the first {n:,} seeds drawn from seed {model.seed} (wargame.futures.future_seeds), so every "
        "report of this scenario and seed compares with the same games. The computer's game on this game's own "
        f"seed {model.seed} rolls the same dice as this game: what differs is what people decided and the "
        "injects played by hand.")
    odds = [[outcome_words(name, spec), share(int(np.sum(games.outcomes == name)), n),
             "yes" if outcome == name else "", "yes" if same_outcome == name else ""]
            for name in ("S1", "contested", "S2")]
    measures = [["US lead at the end", months(summary["final_lead_months"]),
                 months(games.same_seed["final_lead_months"]), _spread(games.leads, "months", 1),
                 f"{percentile_rank(games.leads, summary['final_lead_months']):.0f}%"]]
    humans = [s for s in aar.seats if s.human]
    for s in humans:
        values, mine = games.scores[s.seat], float(summary[f"score_{s.seat}"])
        measures.append([f"Score of {s.name} ({s.played_by})", points(mine),
                         points(games.same_seed[f"score_{s.seat}"]), _spread(values, "points", 2),
                         f"{percentile_rank(values, mine):.0f}%"])
    marks = [("this game", float(summary["final_lead_months"]), GAME_MARK_COLOR, "-"),
             (f"computer on seed {model.seed}", float(games.same_seed["final_lead_months"]), COMPUTER_MARK_COLOR,
              "--")]
    o = spec.outcome
    content: list[Any] = [
        intro,
        html.table(["Outcome", f"Computer-played games (of {n:,})", "This game",
                    f"The computer on seed {model.seed}"], odds, numeric=(1,), class_="odds-table",
                   caption="How often each outcome came out"),
        html.table(["Measure", "This game", f"The computer on seed {model.seed}",
                    "Computer-played games: median (10th to 90th percentile)",
                    "Computer-played games below this game"], measures, numeric=(1, 2, 3, 4),
                   class_="percentile-table",
                   caption="Where this game falls (ties count half)"),
        html.figure(_png(lead_distribution_figure(games.leads, marks, o.s1_lead_months, o.s2_lead_months)),
                    "Histogram of the final US lead in the computer-played games, this game marked",
                    f"The final US lead of the {n:,} computer-played games (grey bars, months), this game (black "
                    f"line) and the computer on seed {model.seed} (orange, dashed). From 100 games on, the bars span "
                    "the 1st to the 99th percentile; the games beyond are counted in the corner.")]
    if humans:
        panels = [(f"{s.name}", games.scores[s.seat],
                   [("this game", float(summary[f"score_{s.seat}"]), GAME_MARK_COLOR, "-"),
                    (f"computer on seed {model.seed}", float(games.same_seed[f"score_{s.seat}"]),
                     COMPUTER_MARK_COLOR, "--")]) for s in humans]
        content.append(html.figure(_png(score_distribution_figure(panels)),
                                   "Histograms of the scores of the seats people played, this game marked",
                                   "The score of each seat people played in the computer-played games (points), "
                                   "with this game's score and the computer's on the same seed; the bars span the "
                                   "1st to the 99th percentile from 100 games on."))
    else:
        content.append(html.paragraph("No seat was played by a person: this game is the computer's game on its "
                                      "seed, with any injects played by hand.", class_="note"))
    return html.section(title, *content, section_id="computer-games")


def _png(fig: Figure) -> bytes:
    """A figure as PNG bytes at the page's resolution (:data:`wargame.report.html.FIGURE_DPI`).

    Unlike :func:`wargame.report.html.figure_png`, no tight bounding box: every chart here lays itself out,
    and the tight box draws each figure twice (half the build time of a report).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=html.FIGURE_DPI)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ the page
def render(aar: AfterAction) -> str:
    """The report page of a gathered game (:func:`gather`).

    Returns:
        The HTML document (UTF-8 text, no external resources), the same for the same game and number of
        computer-played games.

    """
    model = aar.model
    spec = model.scenario_spec
    outcome = str(model.summary()["outcome"]) if model.seasons_played else "no season played"
    subtitle = (f"{spec.title} · seed {model.seed} · {model.seasons_played} of {model.total_seasons} seasons "
                f"played · outcome: {outcome}")
    sections = [html.contents(SECTIONS), _scenario_section(aar), _decisions_section(aar), _injects_section(aar),
                _news_section(aar), _charts_section(aar), _waterfall_section(aar), _beliefs_section(aar),
                _scores_section(aar), _computer_section(aar)]
    return html.page(f"After-action report: {spec.title}", sections, subtitle=subtitle)


def build_report(log: dict[str, Any], games: int = DEFAULT_GAMES, teams: Mapping[str, str] | None = None) -> str:
    """The after-action report of a game log, as an HTML document (:func:`gather`, then :func:`render`).

    Args:
        log: A checked game log.
        games: Number of computer-played games to compare with.
        teams: Team name per seat id (a room's teams), or ``None`` to take them from the log's meta.

    Raises:
        GameLogError: If the log does not replay.
        ValueError: If ``games`` is out of range.

    """
    return render(gather(log, games, teams))
