"""Futures and branches of a saved game (issue 9, item 5): what could still happen, and what a decision changed.

* :func:`play_futures`: from a saved game's current season, play ``n`` futures to the horizon, each with a
  fresh seed (:func:`future_seeds`). Everything up to the saved point is the game as played; from there every
  random draw (events, grey market, intelligence, distillation, incidents) comes from the future's seed
  (:meth:`wargame.model.AIRaceModel.reseed`). Computer policies play every seat, or with ``hold=True`` every
  human seat (a seat with a decision in the log) repeats its last logged decision every remaining season.
  A planner seat plays its fallback policy in the futures, as inside a planner's own rollouts.
* :func:`branch`: replay the game to the start of one of its seasons and play two arms on the same future
  seeds (common random numbers): **as played** (that season's logged decisions and injects) and **changed**
  (the same, with one seat's levers overridden). The paired per-future differences measure what the change
  does; a decision left unchanged gives identical runs, so a difference of exactly 0.

Results are :class:`Futures` and :class:`Branch`, holding pandas DataFrames (one row per future and arm).

Engine: a chunk of futures is one ensemble (:meth:`wargame.model.AIRaceModel.spawn_runs`): the replayed game
played on as R runs at once, run r drawing from the seed of future r, so lane r is exactly the game reseeded
with that seed (:func:`_play_chunk`). Future ``i`` depends only on the log, the plan and seed ``i``, so results
are the same whatever ``n``, ``workers`` or chunking (workers run chunks of futures in separate processes
through :func:`wargame.batch.workers.make_executor`).

The result types (:class:`Futures`, :class:`Branch`, :func:`odds_table`, :func:`score_table`, ``FuturesError``)
live in :mod:`wargame.futures_results` and are importable from here.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wargame.batch.sizing import SECONDS_PER_RUN, format_seconds
from wargame.futures_results import ARMS as ARMS  # re-exported with the result types: their home
from wargame.futures_results import Branch as Branch
from wargame.futures_results import Futures as Futures
from wargame.futures_results import FuturesError as FuturesError
from wargame.futures_results import odds_table as odds_table
from wargame.futures_results import score_table as score_table
from wargame.gamelog import replay
from wargame.model import MAX_SEED, AIRaceModel
from wargame.seasons import parse_season, season_label

#: Most futures in one call (illustrative: a few hundred MB for the result rows and lead paths, a branch
#: twice that; under a minute of computing). More than that is almost surely a typo.
MAX_FUTURES = 100_000
#: Futures per chunk, one ensemble (and per task given to a worker process, which replays the game once per
#: task). Illustrative: 2,500 runs stay in cache (issue 9: beyond R of about 1,000 to 10,000 arrays fall out
#: of it) and take well under a second, so a progress bar still moves.
CHUNK_FUTURES = 2_500


def future_seeds(seed: int, n: int) -> np.ndarray:
    """The seeds of futures ``0 .. n-1``: 63-bit integers from ``numpy.random.SeedSequence(seed)``.

    ``SeedSequence(seed).generate_state(n, dtype=uint64)`` shifted right by one bit, so every seed is in
    [0, 2**63 - 1] (the model's seed range). The state is a stream: the first ``m`` seeds of ``n`` are
    ``future_seeds(seed, m)``, so future ``i`` is the same future whatever ``n`` is.

    Args:
        seed: Master seed, an integer in [0, 2**63 - 1].
        n: Number of futures, at least 0.

    Returns:
        An ``int64`` array of shape ``(n,)``.

    Raises:
        FuturesError: If ``seed`` or ``n`` is out of range.

    """
    _check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise FuturesError(f"number of futures must be a non-negative integer, got {n!r}")
    state = np.random.SeedSequence(int(seed)).generate_state(int(n), dtype=np.uint64)
    return (state >> np.uint64(1)).astype(np.int64)


# ----------------------------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class _Arm:
    """What one arm plays after the replay.

    Attributes:
        name: Arm name (``"future"``, ``"as_played"`` or ``"changed"``).
        decisions: ``(seat, levers)`` submitted in the first season played after the reseed.
        injects: Events played by hand in that season.
        hold: Seats that repeat, every later season, the levers they applied in that first season.

    """

    name: str
    decisions: tuple[tuple[str, dict[str, Any]], ...] = ()
    injects: tuple[str, ...] = ()
    hold: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Plan:
    """A set of futures: replay ``start`` seasons of ``log``, then play every arm on every future seed."""

    log: dict[str, Any]
    start: int
    arms: tuple[_Arm, ...]


def _play_arm(model: AIRaceModel, arm: _Arm) -> None:
    """Play a reseeded model (or an ensemble of its futures) to the horizon under an arm's decisions."""
    for seat, levers in arm.decisions:
        model.submit_decision(seat, levers)
    for event in arm.injects:
        model.play_event(event)
    model.step()
    while model.running:
        for seat in arm.hold:  # the levers each run applied in the arm's first season, every later season
            model.repeat_decision(seat)
        model.step()


def _play_chunk(plan: _Plan, futures: Sequence[int], seeds: Sequence[int],
                base: AIRaceModel | None = None) -> tuple[list[dict[str, Any]], list[list[float]]]:
    """Play every arm of a plan on some futures (the inner loop; importable, so a worker process can run it).

    Args:
        plan: The plan.
        futures: Future indices.
        seeds: Their seeds.
        base: The replayed model (``replay(plan.log, plan.start)``), if the caller has it; else replayed here.

    Returns:
        ``(rows, paths)``: per arm, then per future, a row of :attr:`Futures.runs` (with ``arm``) and the
        lead (months) at the start of the game, then after each season.

    """
    if base is None:
        base = replay(plan.log, seasons=plan.start)
    played = [float(v) for v in base.datacollector.model_vars["lead_months"]]
    n = len(seeds)
    rows: list[dict[str, Any]] = []
    paths: list[list[float]] = []
    for arm in plan.arms:
        # Two copies at least: a single future is played as an ensemble of itself and a discarded twin, so
        # every chunk runs the same ensemble code.
        model = base.spawn_runs([*seeds, *seeds[:1]] if n == 1 else list(seeds), record_seasons=True)
        _play_arm(model, arm)
        columns: dict[str, Any] = {"outcome": model.outcome(), "final_lead_months": model.lead_months,
                                   "final_lead_internal_months": model.lead_internal_months}
        columns.update({f"score_{seat}": score for seat, score in model.seat_scores().items()})
        columns = {k: np.broadcast_to(v, (model.n_runs,)).tolist() for k, v in columns.items()}
        after = np.column_stack([np.broadcast_to(record["lead_months"], (model.n_runs,))
                                 for record in model.season_records[1:]])
        for r, (future, seed) in enumerate(zip(futures, seeds, strict=True)):
            row: dict[str, Any] = {"arm": arm.name, "future": int(future), "seed": int(seed)}
            row.update({k: v[r] for k, v in columns.items()})
            rows.append(row)
            paths.append(played + after[r].tolist())
    return rows, paths


def _play_task(plan: _Plan, chunk: tuple[int, int, list[int]]) -> tuple[list[dict[str, Any]], list[list[float]]]:
    """A worker's task: futures ``start .. stop-1`` of a plan with their seeds (:func:`_play_chunk`)."""
    start, stop, seeds = chunk
    return _play_chunk(plan, tuple(range(start, stop)), seeds)


def _run_plan(plan: _Plan, base: AIRaceModel, n: int, seed: int, workers: int,
              progress: Callable[[int], None] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Play a plan on futures ``0 .. n-1``, in this process (``workers == 1``) or in worker processes.

    Returns:
        ``(runs, lead_paths)`` sorted by arm (in plan order), then future.

    """
    seeds = future_seeds(seed, n)
    chunks = [(start, min(n, start + CHUNK_FUTURES)) for start in range(0, n, CHUNK_FUTURES)]
    results: dict[int, tuple[list[dict[str, Any]], list[list[float]]]] = {}
    if workers == 1:
        for start, stop in chunks:
            results[start] = _play_chunk(plan, range(start, stop), seeds[start:stop].tolist(), base)
            if progress is not None:
                progress(stop - start)
    else:
        from wargame.batch.workers import make_executor, run_tasks

        def collect(chunk: tuple[int, int, list[int]], result: tuple[list, list]) -> None:
            results[chunk[0]] = result
            if progress is not None:
                progress(chunk[1] - chunk[0])

        with make_executor("local", workers) as (executor, slots):
            run_tasks(executor, ((start, stop, seeds[start:stop].tolist()) for start, stop in chunks), collect,
                      window=2 * slots, fn=functools.partial(_play_task, plan))
    rows = [row for start, _ in chunks for row in results[start][0]]
    paths = [path for start, _ in chunks for path in results[start][1]]
    runs = pd.DataFrame(rows)
    order = {name: i for i, name in enumerate(a.name for a in plan.arms)}
    key = runs["arm"].map(order) * max(1, n) + runs["future"]
    positions = np.argsort(key.to_numpy(), kind="stable")
    runs = runs.iloc[positions].reset_index(drop=True)
    first = parse_season(str(base.datacollector.model_vars["season"][0]))  # the quarter before the start
    labels = [season_label(first + k) for k in range(len(paths[0]))] if paths else []
    lead = pd.DataFrame(np.asarray(paths, dtype=float)[positions] if paths else np.empty((0, 0)), columns=labels)
    lead.columns.name = "season"
    lead.insert(0, "future", runs["future"].to_numpy())
    lead.insert(0, "arm", runs["arm"].to_numpy())
    return runs, lead


# ----------------------------------------------------------------------------------------------- the API


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= MAX_SEED:
        raise FuturesError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")


def _check_run_args(n: Any, seed: Any, workers: Any, runs_per_future: int = 1, least: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not least <= n <= MAX_FUTURES:
        extra = ""
        if isinstance(n, int | np.integer) and not isinstance(n, bool) and n > MAX_FUTURES:
            extra = (f" ({int(n):,} futures would take about "
                     f"{format_seconds(int(n) * runs_per_future * SECONDS_PER_RUN)} on one core)")
        why = " (a paired interval needs at least 2 futures)" if least > 1 else ""
        raise FuturesError(f"number of futures must be an integer from {least} to {MAX_FUTURES:,}{why}, "
                           f"got {n!r}{extra}")
    _check_seed(seed)
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise FuturesError(f"workers must be an integer of at least 1, got {workers!r}")


def _thresholds(model: AIRaceModel) -> dict[str, float]:
    o = model.scenario_spec.outcome
    return {"s1": float(o.s1_lead_months), "s2": float(o.s2_lead_months)}


def human_seats(log: Mapping[str, Any], model: AIRaceModel) -> tuple[str, ...]:
    """Seats with at least one decision in a game log (the seats humans played), in the model's seat order."""
    decided = {entry["seat"] for entry in log["decisions"]}
    return tuple(a.seat for a in model.seats() if a.seat in decided)


def _last_decisions(log: Mapping[str, Any], seats: Sequence[str], before: int | None = None) -> dict[str, Any]:
    """Each seat's last logged levers (of a season before quarter index ``before``, if given)."""
    last: dict[str, Any] = {}
    for entry in log["decisions"]:
        if entry["seat"] in seats and (before is None or parse_season(entry["season"]) < before):
            last[entry["seat"]] = entry["levers"]
    return last


def play_futures(log: dict[str, Any], n: int, *, hold: bool = False, seed: int = 0, workers: int = 1,
                 progress: Callable[[int], None] | None = None) -> Futures:
    """Play ``n`` futures of a saved game from its current season to the horizon, each with a fresh seed.

    The log is replayed to its saved point (:func:`wargame.gamelog.replay`: the facilitator's notes for the
    coming season stay; notes change no number). Then, for future ``i``, a copy of that model is reseeded
    with ``future_seeds(seed, n)[i]`` (every draw from then on comes from it) and played to the horizon.
    Computer policies play every seat; with ``hold=True`` every human seat (a seat with a decision in the
    log) submits its last logged decision every remaining season. Injects played by hand in the game are not
    played again: a future draws its events from the scenario's deck.

    Args:
        log: A checked game log (:func:`wargame.gamelog.load_game`, :func:`~wargame.gamelog.game_log`).
        n: Number of futures, 1 to :data:`MAX_FUTURES`.
        hold: Keep the human seats' last decisions instead of handing their seats to the computer.
        seed: Master seed of the futures' seeds (:func:`future_seeds`), in [0, 2**63 - 1].
        workers: Processes; 1 plays in this process. Results do not depend on it.
        progress: Called with the number of runs (here futures) just finished, after every chunk of futures
            (e.g. ``tqdm.update``).

    Returns:
        The :class:`Futures`.

    Raises:
        FuturesError: If ``n``, ``seed`` or ``workers`` is out of range, or the game is over (no season left
            to play: use ``wargame replay`` for its outcome, or :func:`branch` to change a past decision).
        wargame.gamelog.GameLogError: If the log does not replay.

    """
    _check_run_args(n, seed, workers)
    base = replay(log)
    if not base.running:
        raise FuturesError(f"the saved game is over ({base.seasons_played} of {base.total_seasons} seasons "
                           f"played, last {base.last_season}): it has no future to play. See its outcome with "
                           "`wargame replay`, or change a past decision with `wargame branch`")
    humans = human_seats(log, base)
    decisions = tuple(_last_decisions(log, humans).items()) if hold else ()
    plan = _Plan(log=log, start=base.seasons_played,
                 arms=(_Arm("future", decisions=decisions, hold=humans if hold else ()),))
    runs, lead = _run_plan(plan, base, int(n), int(seed), int(workers), progress)
    played = [float(v) for v in base.datacollector.model_vars["lead_months"]]
    game_lead = pd.Series(played, index=pd.Index(lead.columns[2:2 + len(played)], name="season"), name="lead_months")
    return Futures(runs=runs.drop(columns="arm"), lead_paths=lead.drop(columns="arm"), game_lead=game_lead,
                   thresholds=_thresholds(base), start_season=base.season, hold=bool(hold), seed=int(seed),
                   human_seats=humans)


def branch(log: dict[str, Any], season: str, seat: str, levers: Mapping[str, Any], n: int, *, hold: bool = False,
           seed: int = 0, workers: int = 1, progress: Callable[[int], None] | None = None) -> Branch:
    """Change one seat's decision in one season and compare with the game as played, on common random numbers.

    The log is replayed to the start of ``season`` (``replay(log, seasons=k)``). Two arms then play the
    same ``n`` futures (seed ``future_seeds(seed, n)[i]`` for future ``i`` in both, set at the start of
    ``season``):

    * **as played**: that season's logged decisions (human seats) and injects; computer seats by policy;
    * **changed**: the same, with ``seat``'s levers set to ``levers`` (on top of its logged decision if it
      had one; else the policy fills the other levers).

    From the next season on computer policies play every seat, or, with ``hold=True``, every human seat
    (a seat with a logged decision up to ``season``) and ``seat`` repeat the decision they applied in
    ``season`` (the changed one in the changed arm); a human seat with no decision logged for ``season``
    plays its last earlier one there. A change that leaves every lever as it was gives identical runs.

    Args:
        log: A checked game log.
        season: A season already played, or the next one to play, e.g. ``"2027Q2"``.
        seat: Seat id whose decision changes.
        levers: Lever -> value for that seat (typed values as the model takes them; may be empty).
        n: Futures per arm, 2 to :data:`MAX_FUTURES` (the paired interval needs two).
        hold: Keep human seats' (and ``seat``'s) decisions of ``season`` in later seasons.
        seed: Master seed of :func:`future_seeds`.
        workers: Processes; 1 plays in this process. Results do not depend on it.
        progress: Called with the number of runs just finished (two per future: one per arm).

    Returns:
        The :class:`Branch`.

    Raises:
        FuturesError: On an unknown season, a lever the seat does not have, or ``n``, ``seed`` or ``workers``
            out of range.
        wargame.decisions.DecisionError: On an unknown seat or a bad lever value (the model's message names
            the lever and what it allows).
        wargame.gamelog.GameLogError: If the log does not replay.

    """
    _check_run_args(n, seed, workers, runs_per_future=2, least=2)
    if not isinstance(levers, Mapping):
        raise FuturesError(f"levers must be a mapping of lever names to values, got {type(levers).__name__}")
    start = replay(log, seasons=0)  # the calendar and the seats, before any season is replayed
    played = log["seasons_played"]
    last = min(played, start.total_seasons - 1)
    allowed = (f"{season_label(start.start_index)}..{season_label(start.start_index + last)}"
               + (" (the last is the next to play)" if played < start.total_seasons else ""))
    try:
        k = parse_season(season) - start.start_index
    except ValueError as exc:
        raise FuturesError(f"{exc}; seasons of this game: {allowed}") from None
    if not 0 <= k <= last:
        raise FuturesError(f"season {season!r} cannot be branched: choose a season of this game already played "
                           f"or the next to play: {allowed}")
    actor = start.actor(seat)  # DecisionError naming the seats
    unknown = [name for name in levers if name not in actor.levers]
    if unknown:
        raise FuturesError(f"seat {seat!r} has no lever {unknown[0]!r}; its levers: {', '.join(actor.levers)}")
    base = replay(log, seasons=k)
    logged = [(e["seat"], dict(e["levers"])) for e in log["decisions"] if e["season"] == season]
    injects = tuple(e["event"] for e in log["injects"] if e["season"] == season)
    humans = tuple(s for s in human_seats(log, base)
                   if any(e["seat"] == s and parse_season(e["season"]) <= parse_season(season)
                          for e in log["decisions"]))
    held = tuple(s for s in (a.seat for a in base.seats()) if s in humans or s == seat) if hold else ()
    if hold:  # a held human seat with no decision this season plays its last earlier one
        missing = [s for s in humans if s not in dict(logged)]
        logged += list(_last_decisions(log, missing, before=parse_season(season)).items())
    mine = dict(logged).get(seat, {})
    changed = [(s, lv) for s, lv in logged if s != seat] + [(seat, {**mine, **levers})]
    check = copy.deepcopy(base)
    check.submit_decision(seat, {**mine, **levers})  # the model's own check; DecisionError names the lever
    played_levers, played_by = _as_played(log, base, k, season, seat, logged, injects)
    plan = _Plan(log=log, start=k, arms=(_Arm("as_played", tuple(logged), injects, held),
                                         _Arm("changed", tuple(changed), injects, held)))
    per_future = None if progress is None else (lambda done: progress(2 * done))
    runs, lead = _run_plan(plan, base, int(n), int(seed), int(workers), per_future)
    return Branch(runs=runs, lead_paths=lead, season=season, seat=seat, levers=dict(levers),
                  thresholds=_thresholds(base), hold=bool(hold), seed=int(seed),
                  as_played={name: played_levers.get(name) for name in levers}, as_played_by=played_by)


def _as_played(log: dict[str, Any], base: Any, k: int, season: str, seat: str,
               logged: list[tuple[str, dict[str, Any]]], injects: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """The levers ``seat`` played in ``season`` of the game, and who chose them (``"human"``/``"computer"``).

    A season already played is read from the game's own replay; the next season to play is stepped once on a
    copy, on the game's seed, with the logged decisions and injects.
    """
    if k < log["seasons_played"]:
        after = replay(log, seasons=k + 1)
    else:
        after = copy.deepcopy(base)
        for who, chosen in logged:
            after.submit_decision(who, chosen)
        for event in injects:
            after.play_event(event)
        after.step()
    entries = [e for e in after.decision_history if e["season"] == season and e["seat"] == seat]
    if not entries:
        return {}, ""
    return dict(entries[-1]["levers"]), str(entries[-1]["by"])


# ----------------------------------------------------------------------------------------------- chart


def fan_chart(futures: Futures, path: str | Path) -> Path:
    """Draw the fan chart of a game's futures as a PNG.

    The median US lead (months) per season over the futures with its 25-75% (50%) and 5-95% (90%) bands
    (the batch report's fan, :func:`wargame.batch.report._fan`), the game as played up to the saved point
    as a black line, and the scenario's S1 and S2 thresholds as dashed lines. Uses matplotlib's ``Figure``
    API (no pyplot state), so it is safe from any thread.

    Args:
        futures: From :func:`play_futures`.
        path: The PNG file to write (its folder must exist).

    Returns:
        The path written.

    Raises:
        OSError: If the file cannot be written.

    """
    from matplotlib.figure import Figure

    from wargame.batch.report import _fan
    from wargame.batch.report import _thresholds as draw_thresholds

    path = Path(path)
    bands = futures.lead_bands()
    fig = Figure(figsize=(7.5, 4.4), layout="constrained")
    ax = fig.subplots()
    _fan(ax, bands)
    ax.plot(np.arange(len(futures.game_lead)), futures.game_lead.to_numpy(), color="black", lw=2,
            label="game as played")
    draw_thresholds(ax, futures.thresholds)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel("US lead (months)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    who = "human seats keep their last decisions" if futures.hold else "computer policies play every seat"
    ax.set_title(f"US lead over the PRC: {len(futures.runs):,} futures from {futures.start_season} ({who})",
                 fontsize=10)
    fig.savefig(path, dpi=110)
    return path
