"""The runs a model plays: seeds, counter-based draws, and copies of a game continued as many runs.

A model plays one game (R = 1) or an ensemble of R runs at once (:mod:`wargame.ensemble.lanes`). This mixin of
:class:`wargame.model.AIRaceModel` holds what concerns the runs themselves: their draws
(:meth:`RunsMixin.draw`, keyed on each run's seed), reseeding a copy of a game, continuing a game as R futures
(:meth:`RunsMixin.spawn_runs`) or several copies of it as one ensemble (:meth:`RunsMixin.stack_runs`), and
decisions given per run.
"""

from __future__ import annotations

import copy
from typing import Any, Self

import numpy as np

from wargame.decisions import DecisionError, check_offered, make_decision
from wargame.ensemble import draws
from wargame.ensemble.lanes import stack_attributes
from wargame.policies import PLANNER, PLANNER_FALLBACK

#: Largest seed the model takes (seeds are integers in [0, MAX_SEED]; the CLI and the browser use the same).
MAX_SEED = 2**63 - 1
#: Most incidents one lab can have in a season (a cap on the Poisson draw; at the hazard cap of 10 a quarter,
#: P(more than 60) is below 1e-25).
MAX_INCIDENTS_PER_LAB = 60


def check_seeds(seeds: Any) -> np.ndarray:
    """Seeds of R runs as an int64 array of shape (R,).

    Raises:
        ValueError: If ``seeds`` is not a non-empty 1-D sequence of integers in [0, 2**63 - 1].

    """
    seed_array = np.asarray(seeds)
    if seed_array.ndim != 1 or seed_array.size == 0 or seed_array.dtype.kind not in "iu" \
            or seed_array.min() < 0 or seed_array.max() > MAX_SEED:
        raise ValueError("seeds must be a non-empty 1-D sequence of integers from 0 to 2**63 - 1")
    return seed_array.astype(np.int64)


class RunsMixin:
    """Seeds, draws and copies of a game as runs (a mixin of :class:`wargame.model.AIRaceModel`)."""

    def reseed(self, seed: int) -> None:
        """Draw every random number from now on from ``seed``: fresh generators for every stream.

        The draws still to come are keyed on ``seed`` (:attr:`draw_seeds`); the model's Mesa ``rng`` and stdlib
        ``random``, which the mechanics never draw from, are reseeded too. The state of the game is untouched;
        only the draws still to come change. This is how a future of a
        game is played (:mod:`wargame.futures`): two copies of one model reseeded with the same seed draw the
        same numbers wherever their decisions do not change what is drawn (common random numbers).

        :attr:`seed` keeps the game's seed, so the game log of a reseeded model (:func:`wargame.gamelog.game_log`)
        does not replay what it played after the reseed: reseed a copy, never the game being played.

        Args:
            seed: An integer in [0, 2**63 - 1].

        Raises:
            ValueError: If ``seed`` is not such an integer.

        """
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")
        seed = int(seed)
        self.reset_rng(seed)
        self.random.seed(seed)
        self.draw_seeds = np.array([seed], dtype=np.int64)

    def draw(self, kind: str, stream: str, slot: Any = 0, season: int | None = None, lam: Any = None) -> np.ndarray:
        """Counter-based draws of this model's runs (:mod:`wargame.ensemble.draws`), one per run and slot.

        Args:
            kind: ``"uniform"`` (on (0, 1)), ``"normal"`` (standard) or ``"poisson"`` (mean ``lam``).
            stream: Source of randomness, one of :data:`RANDOM_STREAMS`.
            slot: Which draw within (stream, season): an integer, or an array aligned as in
                :func:`wargame.ensemble.draws.uniform`.
            season: Season index of the counter; by default the number of seasons played so far (0 while the
                first season is played).
            lam: Poisson means (``kind="poisson"`` only), at most
                :data:`~wargame.mechanics.MAX_INCIDENT_HAZARD` here.

        Returns:
            float64 (int64 for Poisson) array with the runs on its first axis; a single game (R = 1) drops
            that axis (a scalar for a scalar slot).

        """
        season = self.seasons_played if season is None else season
        if kind == "poisson":
            out = draws.poisson(lam, self.draw_seeds, stream, season, slot, max_count=MAX_INCIDENTS_PER_LAB)
        else:
            out = getattr(draws, kind)(self.draw_seeds, stream, season, slot)
        return out if self.n_runs > 1 else out[0]

    def spawn_runs(self, seeds: Any, record_seasons: bool = False) -> Self:
        """A copy of this game that plays on as R runs at once, run r drawing from ``seeds[r]``.

        This is how the futures of a game are played (:mod:`wargame.futures`): lane r of the copy plays
        exactly what a copy of the game reseeded with ``seeds[r]`` (:meth:`reseed`) plays, the state so far
        being the same in every run. With R > 1 the copy is an ensemble: it keeps no news, logs, flow map or
        data collector, its planner seats play their fallback policy (as inside a planner's rollouts), and
        with ``record_seasons`` it records the current season, then every season played, in
        :attr:`season_records`. With one seed it is a reseeded copy of the game.

        Args:
            seeds: Seeds of the runs, a non-empty 1-D sequence of integers in [0, 2**63 - 1].
            record_seasons: Whether the ensemble records its seasons.

        Raises:
            ValueError: If ``seeds`` is not such a sequence.

        """
        seed_array = check_seeds(seeds)
        if seed_array.size == 1:
            twin = copy.deepcopy(self)
            twin.reseed(int(seed_array[0]))
            return twin
        memo: dict[int, Any] = {id(self.datacollector): None}
        for shared in (self.scenario_spec, self.params, self.objectives, *(a.spec for a in self.seats())):
            memo[id(shared)] = shared
        for log in (self.news, self.decision_log, self.inject_log, self.note_log, self.decision_history):
            memo[id(log)] = []
        twin = copy.deepcopy(self, memo)
        twin.reseed(int(seed_array[0]))
        twin.draw_seeds = seed_array
        twin.n_runs = int(seed_array.size)
        twin.narrate = False
        for actor in twin.seats():
            if actor.policy == PLANNER:
                actor.policy = PLANNER_FALLBACK[actor.kind]
        twin.season_records = [] if record_seasons else None
        if record_seasons:
            twin._record_season()
        return twin

    def stack_runs(self, worlds: list[Any], index: Any, seeds: Any) -> Self:
        """An ensemble whose lane j continues single game ``worlds[index[j]]`` with draws from ``seeds[j]``.

        The worlds are copies of this game that differ in some numbers (a planner's rollouts, each in a world
        drawn from a seat's beliefs, :mod:`wargame.planner`); lane j plays exactly what that copy reseeded
        with ``seeds[j]`` (:meth:`reseed`) plays. Numbers, dicts and lists of numbers of the model and of every
        seat are stacked per lane (:func:`wargame.ensemble.lanes.stack_attributes`); the rest is this game's.
        The ensemble keeps no news, logs, flow map or data collector and records no seasons.

        Args:
            worlds: Copies of this game between seasons, at least one.
            index: The world of each lane, integers in [0, len(worlds)), shape (R,), R >= 2.
            seeds: Seed of each lane, shape (R,).

        Raises:
            ValueError: If the shapes or seeds do not fit.

        """
        index = np.asarray(index)
        if index.ndim != 1 or index.size < 2 or index.dtype.kind not in "iu" or index.min() < 0 \
                or index.max() >= len(worlds):
            raise ValueError("index must hold at least two world numbers, each in [0, len(worlds))")
        twin = self.spawn_runs(seeds)
        if twin.n_runs != index.size:
            raise ValueError(f"one seed per lane: {index.size} lanes, {twin.n_runs} seeds")
        stack_attributes(twin, worlds, index)
        for position, actor in enumerate(twin.seats()):
            stack_attributes(actor, [world.seats()[position] for world in worlds], index)
        twin.n_runs, twin.narrate, twin.draw_seeds = index.size, False, np.asarray(seeds, dtype=np.int64)
        return twin

    def submit_per_run(self, seat: str, decisions: list[dict[str, Any]], index: Any) -> None:
        """Submit a different decision per run of an ensemble: run j plays ``decisions[index[j]]``.

        Each decision is validated as :meth:`submit_decision` validates one (all of a seat's offered levers
        given; a lab's three shares together).

        Args:
            seat: Seat id.
            decisions: Candidate decisions, each a dict of the seat's offered levers.
            index: The decision of each run, integers in [0, len(decisions)), shape (R,).

        Raises:
            DecisionError: On an unknown seat, a lever not offered, a bad value, a game over or a bad index.

        """
        actor = self.actor(seat)
        if not self.running:
            raise DecisionError("the game is over; no more decisions can be submitted")
        index = np.asarray(index)
        if index.shape != (self.n_runs,) or index.dtype.kind not in "iu" or index.min() < 0 \
                or index.max() >= len(decisions):
            raise DecisionError(f"index must give one decision number per run ({self.n_runs} runs)")
        names = list(decisions[0])
        for levers in decisions:
            if list(levers) != names:
                raise DecisionError("every decision must give the same levers")
            check_offered(actor.kind, getattr(actor, "role", None), actor.bloc, levers, seat)
            make_decision(actor.kind, levers)
        self._submitted[seat] = {name: np.asarray([levers[name] for levers in decisions])[index] for name in names}

    def repeat_decision(self, seat: str) -> None:
        """Have a seat play next season the offered levers it applies now, in every run (its own, per run).

        Raises:
            DecisionError: If there is no such seat or the game is over.

        """
        actor = self.actor(seat)
        if not self.running:
            raise DecisionError("the game is over; no more decisions can be submitted")
        self._submitted[seat] = {k: getattr(actor.decision, k) for k in actor.levers}
