"""The results of futures and branches of a saved game: odds, scores and lead bands (:mod:`wargame.futures`).

:class:`Futures` holds ``n`` futures of a game (one row per future) and :class:`Branch` the two arms of a branch
played on the same futures; :func:`odds_table` and :func:`score_table` summarise runs with Wilson 95% intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wargame.batch.report import BAND_QUANTILES, OUTCOMES, Z95, wilson_interval


class FuturesError(ValueError):
    """A request for futures or a branch that cannot be played: the message names the input and what is allowed."""


#: Names of the two arms of a branch, in the order of :attr:`Branch.runs`.
ARMS = ("as_played", "changed")




def odds_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Outcome probabilities of a set of runs with Wilson 95% intervals.

    Args:
        runs: Rows with an ``outcome`` column (``"S1"``, ``"S2"`` or ``"contested"``).

    Returns:
        One row per outcome (S1, S2, contested): ``outcome``, ``count``, ``n``, ``p`` (count / n) and
        ``ci_low``, ``ci_high``: the Wilson score 95% interval of ``p``
        (:func:`wargame.batch.report.wilson_interval`; NaN when ``n`` is 0).

    """
    n = len(runs)
    rows = []
    for outcome in OUTCOMES:
        count = int((runs["outcome"] == outcome).sum()) if n else 0
        low, high = wilson_interval(count, n)
        rows.append({"outcome": outcome, "count": count, "n": n, "p": count / n if n else math.nan,
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def _score_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in runs.columns if c.startswith("score_")]


def score_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Distribution of each seat's final score (points) over a set of runs.

    Returns:
        One row per seat, in seat order: ``seat``, ``mean``, ``sd`` (sample standard deviation, NaN for one
        run), ``p5``, ``p50``, ``p95`` (quantiles over the runs, linear interpolation).

    """
    rows = []
    for column in _score_columns(runs):
        values = runs[column].to_numpy(dtype=float)
        q5, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95]) if len(values) else (math.nan,) * 3
        rows.append({"seat": column.removeprefix("score_"), "mean": float(values.mean()) if len(values) else math.nan,
                     "sd": float(values.std(ddof=1)) if len(values) > 1 else math.nan,
                     "p5": float(q5), "p50": float(q50), "p95": float(q95)})
    return pd.DataFrame(rows, columns=["seat", "mean", "sd", "p5", "p50", "p95"])


@dataclass(frozen=True)
class Futures:
    """Futures of a saved game (from :func:`play_futures`).

    Attributes:
        runs: One row per future, by future index: ``future``, ``seed``, ``outcome`` (``"S1"``, ``"S2"``,
            ``"contested"``), ``final_lead_months``, ``final_lead_internal_months`` (months, at the horizon),
            then ``score_<seat>`` (final score, points) for every seat in seat order.
        lead_paths: One row per future: ``future``, then the US lead (months) in every row of the model's data
            collector, one column per season label: the first is the state before the first season (labelled
            with the quarter before the start), then each season played. The game's seasons come first and are
            the same in every future.
        game_lead: The game's own lead (months) up to the saved point, indexed by the same season labels.
        thresholds: Outcome thresholds of the scenario, ``{"s1": months, "s2": months}``.
        start_season: The first season the futures play.
        hold: Whether human seats kept their last decisions.
        seed: Master seed of :func:`future_seeds`.
        human_seats: Seats with a decision in the game's log.

    """

    runs: pd.DataFrame
    lead_paths: pd.DataFrame
    game_lead: pd.Series
    thresholds: dict[str, float]
    start_season: str
    hold: bool
    seed: int
    human_seats: tuple[str, ...] = field(default=())

    def odds(self) -> pd.DataFrame:
        """P(S1), P(S2), P(contested) over the futures, with Wilson 95% intervals (:func:`odds_table`)."""
        return odds_table(self.runs)

    def score_summary(self) -> pd.DataFrame:
        """Per seat, the distribution of the final score (points) over the futures (:func:`score_table`)."""
        return score_table(self.runs)

    def lead_bands(self) -> pd.DataFrame:
        """Quantiles of the lead (months) per season over the futures (the fan chart's bands).

        Returns:
            One row per season: ``season``, ``q05``, ``q25``, ``median``, ``q75``, ``q95``, ``mean``.

        """
        return _bands(self.lead_paths)


def _bands(lead_paths: pd.DataFrame) -> pd.DataFrame:
    values = lead_paths.drop(columns=["arm", "future"], errors="ignore")
    q = np.quantile(values.to_numpy(dtype=float), BAND_QUANTILES, axis=0)
    out = pd.DataFrame(q.T, columns=["q05", "q25", "median", "q75", "q95"])
    out.insert(0, "season", [str(c) for c in values.columns])
    out["mean"] = values.to_numpy(dtype=float).mean(axis=0)
    return out


@dataclass(frozen=True)
class Branch:
    """A decision changed in one season, against the game as played, on common random numbers (:func:`branch`).

    Attributes:
        runs: One row per arm and future: ``arm`` (``"as_played"`` then ``"changed"``), then the columns of
            :attr:`Futures.runs`. Row ``i`` of each arm is future ``i`` (the same seed in both arms).
        lead_paths: ``arm``, ``future`` and the lead (months) per season label, as :attr:`Futures.lead_paths`.
        season: The season whose decision was changed.
        seat: The seat whose levers were changed.
        levers: The levers set in the changed arm.
        thresholds: Outcome thresholds of the scenario, ``{"s1": months, "s2": months}``.
        hold: Whether human seats (and ``seat``) kept their decision of ``season`` in later seasons.
        seed: Master seed of :func:`future_seeds`.
        as_played: The changed levers as ``seat`` played them in ``season`` in the game itself (for a season
            not played yet, as it would play them on the game's own seed), so a reader sees what was changed.
        as_played_by: ``"human"`` (a submitted decision) or ``"computer"`` (the seat's policy; in the
            futures a policy may choose differently, since it decides from each future's state).

    """

    runs: pd.DataFrame
    lead_paths: pd.DataFrame
    season: str
    seat: str
    levers: dict[str, Any]
    thresholds: dict[str, float]
    hold: bool
    seed: int
    as_played: dict[str, Any] = field(default_factory=dict)
    as_played_by: str = ""

    def arm(self, name: str) -> pd.DataFrame:
        """The runs of one arm (``"as_played"`` or ``"changed"``), by future, without the ``arm`` column.

        Raises:
            FuturesError: On another name.

        """
        if name not in ARMS:
            raise FuturesError(f"unknown arm {name!r}; arms: {', '.join(ARMS)}")
        rows = self.runs[self.runs["arm"] == name].drop(columns="arm")
        return rows.sort_values("future", kind="stable").reset_index(drop=True)

    def odds(self) -> pd.DataFrame:
        """Per arm, P(S1), P(S2), P(contested) with Wilson 95% intervals: ``arm`` + :func:`odds_table`."""
        return pd.concat([odds_table(self.arm(name)).assign(arm=name) for name in ARMS],
                         ignore_index=True)[["arm", "outcome", "count", "n", "p", "ci_low", "ci_high"]]

    def difference(self) -> pd.DataFrame:
        """Changed minus as played, with a paired 95% interval.

        For each quantity the per-future difference ``d_i = changed_i - as_played_i`` (an outcome counts as
        its indicator, 1 if the future ends in it, so the mean difference is ``p_changed - p_as_played``),
        then ``mean(d) ± 1.96 · sd(d) / sqrt(n)``: a normal-approximation (central limit) interval of the
        mean paired difference. Pairing removes the noise both arms share, so it is much narrower than
        comparing two independent sets of runs. It is too narrow when only a handful of futures differ (a
        rare outcome), and NaN for one future. Futures that agree give ``d_i = 0``: an unchanged decision
        gives a difference and an interval of exactly 0.

        Returns:
            One row per quantity: ``P(S1)``, ``P(S2)``, ``P(contested)``, ``final_lead_months`` and
            ``score_<seat>`` for every seat, with columns ``quantity``, ``as_played``, ``changed`` (the arm
            means), ``difference`` (mean of ``d``), ``ci_low``, ``ci_high`` and ``n`` (futures).

        """
        a, b = self.arm("as_played"), self.arm("changed")
        n = len(a)
        series: list[tuple[str, np.ndarray, np.ndarray]] = [
            (f"P({o})", (a["outcome"] == o).to_numpy(dtype=float), (b["outcome"] == o).to_numpy(dtype=float))
            for o in OUTCOMES]
        for column in ["final_lead_months", *_score_columns(a)]:
            series.append((column, a[column].to_numpy(dtype=float), b[column].to_numpy(dtype=float)))
        rows = []
        for name, x, y in series:
            d = y - x
            mean = float(d.mean()) if n else math.nan
            half = Z95 * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
            rows.append({"quantity": name, "as_played": float(x.mean()) if n else math.nan,
                         "changed": float(y.mean()) if n else math.nan, "difference": mean,
                         "ci_low": mean - half, "ci_high": mean + half, "n": n})
        return pd.DataFrame(rows)


