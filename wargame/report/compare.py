"""Class comparison (issue 10, item 5): several groups' games of one scenario, side by side.

Several groups play the same scenario, usually on the same seed. :func:`compare_games` (or
:func:`compare_files`) replays their saved games and returns a :class:`Comparison`, plain data:

* **paths**: each game's US lead (months), US/PRC compute ratio, mean lab safety share and US share of Global
  South adoption, season by season;
* **endings and scores**: each game's outcome (S1, S2 or contested), final lead and every seat's score;
* **divergences**: for every seat a person played in some game, the first season the games' decisions for it
  differ, and every lever value that differs, by season and game;
* **decisions or dice**: for every game against a reference game (the first, unless chosen), the gap in final
  lead and in every seat's score split into a part from decisions and a part from the dice;
* **the computer's game**: each game beside the game the computer would have played on its seed.

The split. The dice of a game are its seed (every random draw of the model comes from it), its decisions
are every human seat's logged levers, season by season, and the injects the facilitator played by hand (people
chose them, not the dice); computer seats react to what happens, as the model says. Write ``f(d, s)`` for
the final lead (or a seat's score) of decisions ``d`` played on seed ``s``: a game's decisions replayed on
another game's seed (:func:`wargame.gamelog.replay` of its log with the seed replaced). For game G against
the reference R the gap ``f(dG, sG) - f(dR, sR)`` splits into the symmetric (Shapley) parts

    decisions = 1/2 [(f(dG, sR) - f(dR, sR)) + (f(dG, sG) - f(dR, sG))]
    dice      = 1/2 [(f(dR, sG) - f(dR, sR)) + (f(dG, sG) - f(dG, sR))]

(:func:`shapley_split`), which sum to the gap. On the same seed the dice part is exactly 0 and the decisions
part is the whole gap; with the same decisions on two seeds the decisions part is exactly 0.

Its tables, charts and HTML report are in :mod:`wargame.report.compare_report`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wargame.decisions import decision_model_for
from wargame.futures import human_seats as seats_with_decisions
from wargame.gamelog import GameLogError, load_game, replay
from wargame.model import AIRaceModel
from wargame.seasons import season_label

#: Most games one comparison takes (a class's groups; illustrative). Each game costs at most four replays of
#: about 0.05 s, so 20 games on 20 seeds take a few seconds.
MAX_GAMES = 20
#: The paths compared season by season: reporter column, plain name, unit.
SERIES = (
    ("lead_months", "US lead over the PRC", "months"),
    ("compute_ratio", "US/PRC compute", "ratio (US / PRC H100e)"),
    ("mean_safety_share", "mean lab safety share", "share of compute [0, 1]"),
    ("adoption_share_us", "US share of Global South adoption", "share [0, 1]"),
)
#: Longest game label drawn in a chart's legend (longer ones are cut with "...").
LEGEND_CHARS = 36
#: Significant digits of lever values in the divergence tables (more when two different values would look alike).
LEVER_DIGITS = 4


class CompareError(ValueError):
    """Games that cannot be compared: the message names the games and what is allowed."""


# ----------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Ending:
    """Where one game (or a replay of it) stands at its last season played.

    Attributes:
        season: Label of the last season played, e.g. ``"2028Q4"``.
        seasons_played: Seasons played.
        finished: Whether the game reached its scenario's last season.
        outcome: ``"S1"``, ``"S2"`` or ``"contested"`` for the lead then (the outcome at the horizon once
            finished).
        lead_months: US lead over the PRC then, months (negative: the PRC leads).
        scores: Every seat's score then, points, in seat order.

    """

    season: str
    seasons_played: int
    finished: bool
    outcome: str
    lead_months: float
    scores: dict[str, float]


@dataclass(frozen=True, eq=False)
class Game:
    """One group's game.

    Attributes:
        label: Its name in tables and charts (the file's name, made unique).
        seed: Its seed (its dice).
        human_seats: Seats people played (the log's ``meta.human_seats`` and every seat with a logged decision),
            in seat order.
        decisions: Number of human decisions in its log (one per seat and season).
        injects: Injects the facilitator played by hand, ``(season, event)`` in the order played.
        ending: Where it ended.
        computer: The all-computer game on its seed (no human decision; the same injects), played as many
            seasons: what the computer would have done.
        path: One row per collected season (the first is the state before the first season): ``season`` and the
            :data:`SERIES` columns.

    Games compare by identity (a ``DataFrame`` has no single truth value).

    """

    label: str
    seed: int
    human_seats: tuple[str, ...]
    decisions: int
    injects: tuple[tuple[str, str], ...]
    ending: Ending
    computer: Ending
    path: pd.DataFrame


@dataclass(frozen=True)
class Seat:
    """A seat of the scenario: ``id``, ``name`` (the scenario's text) and ``kind`` (``"lab"``, ...)."""

    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class SplitRow:
    """One quantity's gap between a game and the reference, split into decisions and dice.

    Attributes:
        quantity: ``"lead"`` (the US lead) or a seat id (its score).
        label: Plain name (``"final lead"`` or the seat's name).
        unit: ``"months"`` or ``"points"``.
        reference: The reference game's value, ``f(dR, sR)``.
        game: The game's value, ``f(dG, sG)``.
        gap: ``game - reference``.
        decisions: The part of the gap from decisions.
        dice: The part of the gap from the dice (0 on the same seed).

    """

    quantity: str
    label: str
    unit: str
    reference: float
    game: float
    gap: float
    decisions: float
    dice: float


@dataclass(frozen=True)
class GameSplit:
    """A game against the reference: the gap in final lead and in every seat's score, decisions vs dice.

    Attributes:
        game: Index of the game in :attr:`Comparison.games`.
        reference: Index of the reference game.
        same_seed: Whether both games were played on one seed (then every dice part is 0).
        rows: The final lead first, then every seat's score in seat order.
        crossed_lead: The final lead (months) of the crossed games: ``"reference decisions, this seed"``
            (``f(dR, sG)``) and ``"these decisions, reference seed"`` (``f(dG, sR)``).

    """

    game: int
    reference: int
    same_seed: bool
    rows: tuple[SplitRow, ...]
    crossed_lead: dict[str, float]

    def row(self, quantity: str) -> SplitRow:
        """The row of ``"lead"`` or of a seat id.

        Raises:
            KeyError: If there is no such quantity.

        """
        for row in self.rows:
            if row.quantity == quantity:
                return row
        raise KeyError(quantity)


@dataclass(frozen=True)
class LeverDifference:
    """One lever whose value differs between the games in one season.

    Attributes:
        season: The season.
        lever: Lever name.
        unit: Its unit (:meth:`wargame.decisions.Decision.lever_info`).
        values: Its value in each game, in :attr:`Comparison.games` order (``None`` if not recorded).
        by: Who chose it in each game: ``"human"`` or ``"computer"`` (``""`` if not recorded).

    """

    season: str
    lever: str
    unit: str
    values: tuple[Any, ...]
    by: tuple[str, ...]


@dataclass(frozen=True)
class Divergence:
    """Where the games' decisions for one seat that people played differ.

    Attributes:
        seat: Seat id.
        name: Seat name.
        human_in: Indices of the games in which people played it.
        first_season: The first season whose decisions for it differ between the games, ``None`` if they never
            do.
        differences: Every lever value that differs, by season then lever order.

    """

    seat: str
    name: str
    human_in: tuple[int, ...]
    first_season: str | None
    differences: tuple[LeverDifference, ...]


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several games of one scenario compared (from :func:`compare_games`).

    Attributes:
        scenario_name: The scenario's name.
        scenario_title: Its title (outside text).
        thresholds: Outcome thresholds, ``{"s1": months, "s2": months}``.
        total_seasons: Seasons of the scenario.
        seats: Every seat, in seat order.
        games: The games, in the order given.
        reference: Index of the reference game of the splits.
        season: The season after which gaps are measured: the last season every game played.
        seasons: Seasons played up to it.
        splits: Every game but the reference against the reference, in game order.
        divergences: One per seat people played in any game, in seat order.
        notes: Plain-words remarks on what was compared (seeds, unfinished games, injects).

    Comparisons compare by identity (their games hold ``DataFrame`` objects), so a page can cache by them.

    """

    scenario_name: str
    scenario_title: str
    thresholds: dict[str, float]
    total_seasons: int
    seats: tuple[Seat, ...]
    games: tuple[Game, ...]
    reference: int
    season: str
    seasons: int
    splits: tuple[GameSplit, ...]
    divergences: tuple[Divergence, ...]
    notes: tuple[str, ...]

    def seat_name(self, seat: str) -> str:
        """A seat's name (its id if unknown)."""
        return next((s.name for s in self.seats if s.id == seat), seat)

    @property
    def human_seats(self) -> tuple[str, ...]:
        """Seats people played in any game, in seat order."""
        played = {seat for game in self.games for seat in game.human_seats}
        return tuple(s.id for s in self.seats if s.id in played)


# ----------------------------------------------------------------------------------------------- analysis


def shapley_split(ref_on_ref: float, ref_on_game: float, game_on_ref: float,
                  game_on_game: float) -> tuple[float, float, float]:
    """Split the gap between two games into a decisions part and a dice part (the symmetric Shapley split).

    ``f(d, s)`` is a result (lead, months; a score, points) of decisions ``d`` played on seed ``s``.

    Args:
        ref_on_ref: ``f(dR, sR)``, the reference game.
        ref_on_game: ``f(dR, sG)``, the reference's decisions on the game's seed.
        game_on_ref: ``f(dG, sR)``, the game's decisions on the reference's seed.
        game_on_game: ``f(dG, sG)``, the game.

    Returns:
        ``(gap, decisions, dice)``: ``gap = f(dG, sG) - f(dR, sR)``; ``decisions`` the change from swapping the
        decisions, averaged over the two seeds; ``dice`` the change from swapping the seeds, averaged over the
        two sets of decisions. ``decisions + dice == gap`` up to rounding; on one seed (``ref_on_game ==
        ref_on_ref`` and ``game_on_ref == game_on_game``) ``dice`` is exactly 0 and ``decisions`` the gap.

    """
    gap = game_on_game - ref_on_ref
    decisions = 0.5 * ((game_on_ref - ref_on_ref) + (game_on_game - ref_on_game))
    dice = 0.5 * ((ref_on_game - ref_on_ref) + (game_on_game - game_on_ref))
    return gap, decisions, dice


def _ending(model: AIRaceModel) -> Ending:
    """Where a (replayed) game stands now."""
    return Ending(season=model.last_season, seasons_played=int(model.seasons_played), finished=not model.running,
                  outcome=str(model.outcome()), lead_months=float(model.lead_months),
                  scores={seat: float(v) for seat, v in model.seat_scores().items()})


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """The labels, a repeated one numbered (``"game.json (2)"``), so every game has its own name."""
    out: list[str] = []
    for label in labels:
        text = str(label) or "game"
        candidate, k = text, 1
        while candidate in out:
            k += 1
            candidate = f"{text} ({k})"
        out.append(candidate)
    return out


def _human_seats(log: Mapping[str, Any], model: AIRaceModel) -> tuple[str, ...]:
    """Seats people played: ``meta.human_seats`` (the tabletop's record) and every seat with a logged decision."""
    meta = log.get("meta") if isinstance(log.get("meta"), dict) else {}
    listed = meta.get("human_seats") if isinstance(meta.get("human_seats"), list) else []
    humans = set(seats_with_decisions(log, model)) | {s for s in listed if isinstance(s, str)}
    return tuple(a.seat for a in model.seats() if a.seat in humans)


def _check_same_scenario(labels: Sequence[str], models: Sequence[AIRaceModel]) -> None:
    """Refuse games whose scenarios differ in any setting (their content hashes), naming which game plays which."""
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for label, model in zip(labels, models, strict=True):
        digest = model.scenario_spec.content_hash()
        groups.setdefault(digest, []).append(label)
        names[digest] = model.scenario_spec.name
    if len(groups) == 1:
        return
    clash = len(set(names.values())) < len(names)
    parts = []
    for digest, members in groups.items():
        which = f"scenario {names[digest]!r}" + (f" (version {digest[:8]})" if clash else "")
        parts.append(f"{', '.join(members)} {'play' if len(members) > 1 else 'plays'} {which}")
    extra = " (same name, other settings: a computer seat's policy or a parameter)" if clash else ""
    raise CompareError(f"games of different scenarios cannot be compared: {'; '.join(parts)}{extra}; "
                       "compare games of one scenario")


def _divergences(models: Sequence[AIRaceModel], humans: Sequence[tuple[str, ...]], seasons: Sequence[str],
                 seats: Sequence[Seat]) -> tuple[Divergence, ...]:
    """Per seat people played in any game, the lever values that differ between the games in ``seasons``."""
    history: list[dict[tuple[str, str], dict[str, Any]]] = []
    for model in models:
        history.append({(e["season"], e["seat"]): e for e in model.decision_history})
    played = {seat for group in humans for seat in group}
    out = []
    for seat in seats:
        if seat.id not in played:
            continue
        units = {info["name"]: info["unit"] for info in decision_model_for(seat.kind).lever_info()}
        differences: list[LeverDifference] = []
        for season in seasons:
            entries = [h.get((season, seat.id)) for h in history]
            levers = [dict(e["levers"]) if e else {} for e in entries]
            names = list(dict.fromkeys(name for lv in levers for name in lv))
            for name in names:
                values = tuple(lv.get(name) for lv in levers)
                if any(v != values[0] for v in values[1:]):
                    differences.append(LeverDifference(season=season, lever=name, unit=units.get(name, ""),
                                                       values=values,
                                                       by=tuple(str(e["by"]) if e else "" for e in entries)))
        human_in = tuple(i for i, group in enumerate(humans) if seat.id in group)
        out.append(Divergence(seat=seat.id, name=seat.name, human_in=human_in,
                              first_season=differences[0].season if differences else None,
                              differences=tuple(differences)))
    return tuple(out)


def _notes(games: Sequence[Game], season: str, seasons: int, total: int) -> tuple[str, ...]:
    """Plain-words remarks: one seed or several, games that stopped early, injects, games with nobody at a seat."""
    notes = []
    seeds = list(dict.fromkeys(g.seed for g in games))
    if len(seeds) == 1:
        notes.append(f"Every game was played on seed {seeds[0]}: the same dice, so every gap between the games "
                     "comes from decisions (the dice part is 0).")
    else:
        notes.append(f"The games were played on {len(seeds)} different seeds ({', '.join(map(str, seeds))}): "
                     "their dice differ, so part of each gap comes from the dice. The split below says how much.")
    for game in games:
        if not game.ending.finished:
            notes.append(f"{game.label} stopped after {game.ending.season} ({game.ending.seasons_played} of "
                         f"{total} seasons): its outcome is the lead so far.")
    if seasons < total:
        notes.append(f"Gaps are measured after {season}, the last season every game played ({seasons} of {total}).")
    if any(g.injects for g in games):
        notes.append("Injects the facilitator played by hand count with the decisions (people chose them, not "
                     "the dice); the all-computer games keep them.")
    if any(not g.human_seats for g in games):
        names = ", ".join(g.label for g in games if not g.human_seats)
        notes.append(f"No seat was played by people in {names}: the computer played every seat.")
    return tuple(notes)


def _twins(labels: Sequence[str], logs: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Remarks on games given twice: the same seed, seasons, decisions and injects (e.g. one file given twice)."""
    seen: dict[str, str] = {}
    notes = []
    for label, log in zip(labels, logs, strict=True):
        key = json.dumps([log["seed"], log["seasons_played"], log["decisions"], log["injects"]], sort_keys=True)
        if key in seen:
            notes.append(f"{label} is the same game as {seen[key]} (same seed, seasons, decisions and injects): "
                         "was one file given twice?")
        else:
            seen[key] = label
    return tuple(notes)


def compare_games(games: Sequence[tuple[str, Mapping[str, Any]]], reference: int = 0) -> Comparison:
    """Compare several saved games of one scenario.

    Each game is replayed (:func:`wargame.gamelog.replay`), then every game but the reference is split against
    it: its decisions replayed on the reference's seed and the reference's decisions on its seed, to the last
    season every game played (:func:`shapley_split`). Replays of the same decisions on the same seed are done
    once. Each game's all-computer game is its log without human decisions, on its seed, as many seasons.

    Args:
        games: ``(label, log)`` per game, 2 to :data:`MAX_GAMES`; ``log`` a checked game log
            (:func:`wargame.gamelog.load_game` or :func:`~wargame.gamelog.parse_game_log`); ``label`` names it
            in messages, tables and charts (repeated labels are numbered).
        reference: Index of the reference game of the splits.

    Returns:
        The :class:`Comparison`.

    Raises:
        CompareError: Fewer than 2 or more than :data:`MAX_GAMES` games, ``reference`` out of range, a game
            with no season played, or games of different scenarios (the message names the games).
        GameLogError: If a log does not replay (the message starts with its label).

    """
    if len(games) < 2:
        raise CompareError(f"a comparison needs at least 2 games, got {len(games)}")
    if len(games) > MAX_GAMES:
        raise CompareError(f"a comparison takes at most {MAX_GAMES} games, got {len(games)}")
    if isinstance(reference, bool) or not isinstance(reference, int) or not 0 <= reference < len(games):
        raise CompareError(f"the reference game must be a number from 0 to {len(games) - 1}, got {reference!r}")
    labels = _unique_labels([label for label, _ in games])
    logs = [log for _, log in games]
    models = []
    for label, log in zip(labels, logs, strict=True):
        try:
            models.append(replay(dict(log)))
        except GameLogError as exc:
            raise GameLogError(f"{label}: {exc}") from None
    _check_same_scenario(labels, models)
    for label, model in zip(labels, models, strict=True):
        if model.seasons_played == 0:
            raise CompareError(f"no season played yet in {label}, so there is nothing to compare; play at least one")
    first = models[0]
    seats = tuple(Seat(a.seat, str(a.name), a.kind) for a in first.seats())
    k = min(m.seasons_played for m in models)
    season = season_label(first.start_index + k - 1)

    cache: dict[tuple[str, int], tuple[float, dict[str, float]]] = {}

    def choices(i: int) -> str:
        return json.dumps([logs[i]["decisions"], logs[i]["injects"]], sort_keys=True)

    def result(i: int, seed: int) -> tuple[float, dict[str, float]]:
        """``f(d_i, seed)`` after ``k`` seasons: (lead, months; every seat's score, points)."""
        key = (choices(i), seed)
        if key not in cache:
            if seed == models[i].seed and models[i].seasons_played == k:
                model = models[i]
            else:
                try:
                    model = replay({**logs[i], "seed": seed}, seasons=k)
                except GameLogError as exc:
                    raise GameLogError(f"{labels[i]} on seed {seed}: {exc}") from None
            cache[key] = (float(model.lead_months), {s: float(v) for s, v in model.seat_scores().items()})
        return cache[key]

    computer: dict[tuple[str, int, int], Ending] = {}
    built = []
    for label, log, model in zip(labels, logs, models, strict=True):
        key = (json.dumps(log["injects"], sort_keys=True), model.seed, model.seasons_played)
        if key not in computer:
            computer[key] = _ending(replay({**log, "decisions": []}, seasons=model.seasons_played))
        frame = model.datacollector.get_model_vars_dataframe()
        path = frame[["season", *(name for name, _, _ in SERIES)]].reset_index(drop=True)
        built.append(Game(label=label, seed=int(model.seed), human_seats=_human_seats(log, model),
                          decisions=len(log["decisions"]),
                          injects=tuple((str(e["season"]), str(e["event"])) for e in log["injects"]),
                          ending=_ending(model), computer=computer[key], path=path))

    splits = []
    r = reference
    for g in range(len(models)):
        if g == r:
            continue
        sr, sg = built[r].seed, built[g].seed
        (rr_lead, rr), (rg_lead, rg) = result(r, sr), result(r, sg)
        (gr_lead, gr), (gg_lead, gg) = result(g, sr), result(g, sg)
        rows = [SplitRow("lead", "final lead", "months", rr_lead, gg_lead,
                         *shapley_split(rr_lead, rg_lead, gr_lead, gg_lead))]
        rows += [SplitRow(seat.id, seat.name, "points", rr[seat.id], gg[seat.id],
                          *shapley_split(rr[seat.id], rg[seat.id], gr[seat.id], gg[seat.id])) for seat in seats]
        splits.append(GameSplit(game=g, reference=r, same_seed=sr == sg, rows=tuple(rows),
                                crossed_lead={"reference decisions, this seed": rg_lead,
                                              "these decisions, reference seed": gr_lead}))

    seasons = [season_label(first.start_index + j) for j in range(k)]
    o = first.scenario_spec.outcome
    return Comparison(
        scenario_name=first.scenario_spec.name, scenario_title=str(first.scenario_spec.title),
        thresholds={"s1": float(o.s1_lead_months), "s2": float(o.s2_lead_months)},
        total_seasons=int(first.total_seasons), seats=seats, games=tuple(built), reference=r, season=season,
        seasons=k, splits=tuple(splits),
        divergences=_divergences(models, [g.human_seats for g in built], seasons, seats),
        notes=_notes(built, season, k, int(first.total_seasons)) + _twins(labels, logs))


def compare_files(paths: Sequence[str | Path], reference: int = 0) -> Comparison:
    """Compare saved game files (:func:`compare_games`), each labelled with its file's name.

    Raises:
        CompareError: As :func:`compare_games`.
        GameLogError: If a file is missing, unreadable, not a game log or does not replay (naming the file).

    """
    if len(paths) < 2:
        raise CompareError(f"a comparison needs at least 2 game files, got {len(paths)}")
    names = [Path(p).name for p in paths]
    labels = [str(p) if names.count(Path(p).name) > 1 else Path(p).name for p in paths]
    return compare_games([(label, load_game(p)) for label, p in zip(labels, paths, strict=True)], reference)
