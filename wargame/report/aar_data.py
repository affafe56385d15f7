"""What an after-action report holds: a saved game replayed once, and the computer-played games it is set among.

:func:`gather` replays the game log once (reading each seat's beliefs and the season's events as it goes) and
plays ``N`` computer-played games from the same start: every seat played by its computer policy, no injects by
hand, on the seeds ``wargame.futures.future_seeds(seed, N)`` (the same set for every game of the same scenario
and seed), as one ensemble, plus the computer's game on this game's own seed (the same dice). The page is
built from it by :mod:`wargame.report.aar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wargame.beliefs import BELIEF_COLUMNS, belief_rows
from wargame.futures import CHUNK_FUTURES, MAX_FUTURES, future_seeds
from wargame.gamelog import replay
from wargame.model import AIRaceModel
from wargame.scenario import Scenario

#: Computer-played games a report compares the game with, by default.
DEFAULT_GAMES = 1_000
#: Most computer-played games a report plays (as many as ``wargame futures`` allows).
MAX_GAMES = MAX_FUTURES

@dataclass(frozen=True)
class SeatInfo:
    """A seat of the game and who played it.

    Attributes:
        seat: Seat id.
        name: Its name (scenario text).
        kind: Actor kind, e.g. ``"lab"``.
        bloc: ``"US"`` or ``"PRC"``.
        policy: The computer policy that plays it when no person does.
        human: Whether a person (or a team) played it.
        team: The team's name (outside text), or ``None``.

    """

    seat: str
    name: str
    kind: str
    bloc: str
    policy: str
    human: bool
    team: str | None

    @property
    def played_by(self) -> str:
        """Who played the seat, in plain words."""
        if self.team is not None:
            return f"team {self.team}"
        return "a person" if self.human else f"the computer ({self.policy})"


@dataclass(frozen=True)
class ComputerGames:
    """The computer-played games a game is compared with, at the same number of seasons played.

    Attributes:
        seeds: Their seeds, shape (N,): ``future_seeds(game seed, N)``.
        leads: Each game's US lead after those seasons (deployed models), months, shape (N,).
        outcomes: Each game's outcome (``"S1"``, ``"S2"`` or ``"contested"``), shape (N,).
        scores: Seat id -> each game's score, points, shape (N,).
        same_seed: :meth:`~wargame.model.AIRaceModel.summary` of the computer's game on the game's own seed.

    """

    seeds: np.ndarray
    leads: np.ndarray
    outcomes: np.ndarray
    scores: dict[str, np.ndarray]
    same_seed: dict[str, Any]


@dataclass
class AfterAction:
    """Everything the report shows, read from a game log (plain data; :func:`render` makes the page).

    Attributes:
        log: The checked game log.
        model: The replayed game.
        seats: Every seat, in the model's seat order.
        beliefs: Every government's and lab's beliefs after each season (columns
            :data:`wargame.beliefs.BELIEF_COLUMNS`).
        events: ``(season, event names)`` of every season played, in order.
        computer: The computer-played games (``None`` if no season was played: nothing to compare).

    """

    log: dict[str, Any]
    model: AIRaceModel
    seats: list[SeatInfo]
    beliefs: pd.DataFrame
    events: list[tuple[str, list[str]]]
    computer: ComputerGames | None


# ------------------------------------------------------------------------------------------ reading a game
def check_games(games: Any) -> int:
    """Check a number of computer-played games.

    Raises:
        ValueError: If it is not an integer from 1 to :data:`MAX_GAMES`.

    """
    if isinstance(games, bool) or not isinstance(games, int | np.integer) or not 1 <= games <= MAX_GAMES:
        raise ValueError(f"the number of computer-played games must be an integer from 1 to {MAX_GAMES:,}, "
                         f"got {games!r}")
    return int(games)


def seat_infos(log: Mapping[str, Any], model: AIRaceModel, teams: Mapping[str, str] | None = None) -> list[SeatInfo]:
    """Every seat of a game with who played it.

    A seat is human if the log's ``meta["human_seats"]`` names it or it has a logged decision. Team names come
    from ``teams``, else from the log's ``meta["teams"]`` (seat id -> team name) if it has one.

    Args:
        log: The game log.
        model: The replayed game.
        teams: Team name per seat id, for a game played by teams; overrides the log's.

    Returns:
        One :class:`SeatInfo` per seat, in the model's seat order.

    """
    meta = log.get("meta") if isinstance(log.get("meta"), dict) else {}
    listed = meta.get("human_seats") if isinstance(meta.get("human_seats"), list) else []
    humans = {str(s) for s in listed} | {str(entry["seat"]) for entry in log.get("decisions", [])}
    if teams is None:
        given = meta.get("teams") if isinstance(meta.get("teams"), dict) else {}
        teams = {str(k): str(v) for k, v in given.items()}
    return [SeatInfo(a.seat, str(a.name), a.kind, a.bloc, str(a.policy), a.seat in humans or a.seat in teams,
                     teams.get(a.seat)) for a in model.seats()]


def computer_games(scenario: Scenario, seed: int, seasons: int, games: int) -> ComputerGames:
    """Play the computer-played games a game is compared with.

    ``games`` all-computer games of the scenario from its start, played as ensembles of at most
    :data:`wargame.futures.CHUNK_FUTURES` runs (lane r plays exactly ``AIRaceModel(scenario, seeds[r])``, so
    the chunking changes nothing), and the computer's game on ``seed`` itself.

    Args:
        scenario: The game's scenario.
        seed: The game's seed (the master seed of :func:`wargame.futures.future_seeds`).
        seasons: Seasons to play, as many as the game played (at least 1).
        games: Number of games N (:func:`check_games`).

    Returns:
        The :class:`ComputerGames`.

    """
    seeds = future_seeds(seed, check_games(games))
    leads, outcomes, scores = [], [], {}
    for start in range(0, len(seeds), CHUNK_FUTURES):
        ensemble = AIRaceModel(scenario, seeds=seeds[start:start + CHUNK_FUTURES])
        for _ in range(seasons):
            ensemble.step()
        summary = ensemble.summary()
        leads.append(np.asarray(summary["final_lead_months"], dtype=float))
        outcomes.append(np.asarray(summary["outcome"]).astype(str))
        for seat in ensemble.score_totals:
            scores.setdefault(seat, []).append(np.asarray(summary[f"score_{seat}"], dtype=float))
    same = AIRaceModel(scenario, seed=seed)
    for _ in range(seasons):
        same.step()
    return ComputerGames(seeds=seeds, leads=np.concatenate(leads), outcomes=np.concatenate(outcomes),
                         scores={seat: np.concatenate(parts) for seat, parts in scores.items()},
                         same_seed=same.summary())


def gather(log: dict[str, Any], games: int = DEFAULT_GAMES, teams: Mapping[str, str] | None = None) -> AfterAction:
    """Read everything the report shows from a game log: one replay, then the computer-played games.

    Args:
        log: A checked game log (:func:`wargame.gamelog.load_game` or :func:`~wargame.gamelog.game_log`).
        games: Number of computer-played games to compare with (:func:`check_games`).
        teams: Team name per seat id (see :func:`seat_infos`).

    Returns:
        The :class:`AfterAction`.

    Raises:
        GameLogError: If the log does not replay.
        ValueError: If ``games`` is out of range.

    """
    check_games(games)
    rows: list[dict[str, Any]] = []
    events: list[tuple[str, list[str]]] = []

    def read_season(model: AIRaceModel) -> None:
        rows.extend(belief_rows(model))
        events.append((model.last_season, list(model.active_events)))

    model = replay(log, on_season=read_season)
    computer = (computer_games(model.scenario_spec, int(model.seed), model.seasons_played, games)
                if model.seasons_played else None)
    return AfterAction(log=log, model=model, seats=seat_infos(log, model, teams),
                       beliefs=pd.DataFrame(rows, columns=list(BELIEF_COLUMNS)), events=events, computer=computer)
