"""The odds meter (issue 10, item 1): the odds of the 2028 endings after a season, and what the teams' decisions did.

:func:`season_odds` takes a game log just after a season was played and plays ``n`` futures of the game from
its current state (:func:`wargame.futures.play_futures`: computer policies play every seat from the coming
season on, each future with its own seed). It returns a :class:`SeasonOdds`: P(S1), P(S2) and P(contested)
with Wilson 95% intervals, the bands of the US lead (months) season by season, the lead the game played so far,
and the **shift**: the same odds had the computer's proposals played the team seats in the season just played.

The shift plays a second arm on the same future seeds (common random numbers): the log with the team seats'
decisions of that season replaced by what each seat's policy proposed before the step (what the seat's form
showed as the computer's proposal: :meth:`wargame.model.AIRaceModel.default_decision` on the state before the
season, read from the log's replay). That season is replayed on the game's own seed in both arms, so the events
that happened in it happen in both; from the coming season on both arms draw from the same future seeds. A team
decision equal to the proposal therefore gives identical futures and a shift of exactly 0.

Everything here is deterministic: the same log, ``n`` and ``seed`` give the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from wargame.batch.report import OUTCOMES, Z95
from wargame.futures import Futures, odds_table, play_futures
from wargame.gamelog import replay

#: Futures of the odds meter (the issue asks for at least 1,000). With 1,000 futures a Wilson 95% interval is
#: at most about ±3 percentage points wide; they take about 0.15 s per arm on one core of the development machine.
DEFAULT_FUTURES = 1_000


@dataclass(frozen=True)
class OutcomeOdds:
    """The chance of one ending over the futures.

    Attributes:
        outcome: ``"S1"``, ``"S2"`` or ``"contested"``.
        count: Futures that end in it.
        p: ``count / n`` (a probability, 0 to 1).
        low: Lower end of the Wilson score 95% interval of ``p``.
        high: Upper end of that interval.

    """

    outcome: str
    count: int
    p: float
    low: float
    high: float


@dataclass(frozen=True)
class OutcomeShift:
    """How the team seats' decisions moved the chance of one ending, against the computer's proposals.

    Attributes:
        outcome: ``"S1"``, ``"S2"`` or ``"contested"``.
        teams: Its probability with the teams' decisions (the game as played).
        computer: Its probability had the computer's proposals been played for those seats.
        points: ``100 * (teams - computer)``, percentage points.
        low: Lower end of the paired 95% interval of ``points`` (normal approximation over the futures'
            differences; 0 when no future differs).
        high: Upper end of that interval.

    """

    outcome: str
    teams: float
    computer: float
    points: float
    low: float
    high: float


@dataclass(frozen=True)
class LeadBand:
    """Quantiles of the US lead over the futures in one season, months.

    Attributes:
        season: Season label (the first band is the current state, the same in every future).
        q05: 5% quantile (lower end of the 90% band).
        q25: 25% quantile (lower end of the 50% band).
        median: Median.
        q75: 75% quantile (upper end of the 50% band).
        q95: 95% quantile (upper end of the 90% band).

    """

    season: str
    q05: float
    q25: float
    median: float
    q75: float
    q95: float


@dataclass(frozen=True)
class OddsShift:
    """The team seats' decisions of one season against the computer's proposals, on the same futures.

    Attributes:
        seats: The seats whose decisions were compared (the team seats that decided in that season).
        outcomes: One :class:`OutcomeShift` per ending, in the order S1, S2, contested.
        differing: Futures whose ending differs between the two arms.

    """

    seats: tuple[str, ...]
    outcomes: tuple[OutcomeShift, ...]
    differing: int

    def of(self, outcome: str) -> OutcomeShift:
        """The shift of one ending (``"S1"``, ``"S2"`` or ``"contested"``); ``KeyError`` on another name."""
        return _find(self.outcomes, outcome)


@dataclass(frozen=True)
class SeasonOdds:
    """The odds of the endings from a game's current state (:func:`season_odds`).

    Attributes:
        season: The season just played (``""`` before the first season).
        start_season: The first season the futures play.
        horizon: The last season of the game.
        n: Futures per arm.
        seed: Master seed of the futures' seeds (:func:`wargame.futures.future_seeds`).
        s1_lead_months: Lead at or above which a future ends in S1, months.
        s2_lead_months: Lead at or below which a future ends in S2 (as does any PRC lead), months.
        odds: One :class:`OutcomeOdds` per ending, in the order S1, S2, contested.
        bands: Lead quantiles from the current state (the first band) to the horizon, one per season.
        played: ``(season label, US lead in months)`` of the game so far, from the state before its first season
            (labelled with the quarter before the start) to now.
        shift: What the team seats' decisions of ``season`` changed, or ``None`` (no season played yet, or the
            computer played every seat in it: :attr:`note` says which).
        note: Why there is no shift, in plain words, or ``""``.

    """

    season: str
    start_season: str
    horizon: str
    n: int
    seed: int
    s1_lead_months: float
    s2_lead_months: float
    odds: tuple[OutcomeOdds, ...]
    bands: tuple[LeadBand, ...]
    played: tuple[tuple[str, float], ...]
    shift: OddsShift | None
    note: str

    def of(self, outcome: str) -> OutcomeOdds:
        """The odds of one ending (``"S1"``, ``"S2"`` or ``"contested"``); ``KeyError`` on another name."""
        return _find(self.odds, outcome)


def _find(items: tuple[Any, ...], outcome: str) -> Any:
    for item in items:
        if item.outcome == outcome:
            return item
    raise KeyError(f"unknown ending {outcome!r}; endings: {', '.join(OUTCOMES)}")


def _odds(futures: Futures) -> tuple[OutcomeOdds, ...]:
    table = odds_table(futures.runs)
    return tuple(OutcomeOdds(str(row.outcome), int(row.count), float(row.p), float(row.ci_low), float(row.ci_high))
                 for row in table.itertuples())


def _shift(teams: Futures, computer: Futures, seats: tuple[str, ...]) -> OddsShift:
    """Paired per-outcome differences (teams minus computer) over the same futures, in percentage points."""
    a, b = teams.runs["outcome"].to_numpy(), computer.runs["outcome"].to_numpy()
    n = len(a)
    rows = []
    for outcome in OUTCOMES:
        d = 100.0 * ((a == outcome).astype(float) - (b == outcome).astype(float))
        mean = float(d.mean())
        half = Z95 * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
        rows.append(OutcomeShift(outcome, float((a == outcome).mean()), float((b == outcome).mean()), mean,
                                 mean - half, mean + half))
    return OddsShift(seats=seats, outcomes=tuple(rows), differing=int((a != b).sum()))


def season_odds(log: dict[str, Any], n: int = DEFAULT_FUTURES, *, seed: int = 0, workers: int = 1) -> SeasonOdds:
    """The odds of the endings from a game's current state, and how the team seats' last decisions moved them.

    The team seats are the seats with a decision in the log for the season just played, the ``k``-th (a game
    log holds only submitted decisions; a seat the computer played has none). For the shift, each of their
    decisions is replaced by its seat's proposal on the state before that season, the
    :meth:`~wargame.model.AIRaceModel.default_decision` of ``replay(log, seasons=k - 1)`` (what the tabletop's
    forms showed as the computer's proposal before the step), and the futures are played again on the same
    seeds.

    Args:
        log: A game log (:func:`wargame.gamelog.game_log`) of a game that is not over.
        n: Futures per arm, 1 to :data:`wargame.futures.MAX_FUTURES` (the shift's interval needs 2).
        seed: Master seed of the futures (:func:`wargame.futures.future_seeds`), in [0, 2**63 - 1].
        workers: Processes; 1 plays in this process. Results do not depend on it.

    Returns:
        The :class:`SeasonOdds`.

    Raises:
        wargame.futures.FuturesError: If ``n``, ``seed`` or ``workers`` is out of range, or the game is over.
        wargame.gamelog.GameLogError: If the log does not replay.

    """
    teams = play_futures(log, n, seed=seed, workers=workers)
    played = int(log["seasons_played"])
    labels = [str(label) for label in teams.game_lead.index]
    bands = teams.lead_bands().iloc[played:]
    season = labels[-1] if played else ""
    shift: OddsShift | None = None
    note = ""
    decided = [entry for entry in log["decisions"] if entry["season"] == season] if played else []
    if not played:
        note = "No season has been played yet, so no team decision to compare with the computer's proposals."
    elif not decided:
        note = f"The computer played every seat in {season}: no team decision to compare with its proposals."
    else:
        before = replay(log, seasons=played - 1)
        proposals = {entry["seat"]: before.default_decision(entry["seat"]) for entry in decided}
        swapped = [{**entry, "levers": proposals[entry["seat"]]} if entry["season"] == season else entry
                   for entry in log["decisions"]]
        computer = play_futures({**log, "decisions": swapped}, n, seed=seed, workers=workers)
        order = {a.seat: i for i, a in enumerate(before.seats())}
        shift = _shift(teams, computer, tuple(sorted(proposals, key=order.__getitem__)))
    return SeasonOdds(
        season=season, start_season=teams.start_season, horizon=str(bands["season"].iloc[-1]), n=len(teams.runs),
        seed=int(seed), s1_lead_months=teams.thresholds["s1"], s2_lead_months=teams.thresholds["s2"],
        odds=_odds(teams),
        bands=tuple(LeadBand(str(r.season), float(r.q05), float(r.q25), float(r.median), float(r.q75), float(r.q95))
                    for r in bands.itertuples()),
        played=tuple((label, float(v)) for label, v in zip(labels, np.asarray(teams.game_lead, dtype=float),
                                                             strict=True)),
        shift=shift, note=note)

