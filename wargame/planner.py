"""Computer seats that plan (issue 9, item 6): the ``planner`` policy of governments and labs.

Each season a planner seat scores K candidate decisions by M rollouts to the horizon and plays the best:

* **Candidates** (:func:`candidate_decisions`): what the seat kind's named policies propose from the seat's own
  observation, its fallback policy first (:data:`wargame.policies.PLANNER_FALLBACK`, ``reactive``), then the
  others in :data:`wargame.policies.POLICIES` order, then the decision the seat has in force (keep last
  season's levers); identical decisions are merged, and the list is cut to the first K.
* **Rollouts** (:func:`score_candidates`): a rollout is a copy of the game (``copy.deepcopy``) in which the
  hidden state the seat cannot see is replaced by a draw from its beliefs (:func:`sample_world`), reseeded
  (:meth:`wargame.model.AIRaceModel.reseed`), given the candidate for the seat this season, and played to the
  horizon. In the copy the seat itself plays its fallback policy from the next season on, every other planner
  seat plays its fallback policy all along (a rollout never plans again), every other seat plays its own
  policy, and no seat keeps a submitted decision or the facilitator's queued injects (the seat cannot see
  them).
* **Score**: a candidate's score is the mean over the M rollouts of the seat's own score at the horizon
  (``seat_scores()[seat]`` once the copy's game is over, points). The score already earned is the same in
  every rollout, so this ranks candidates as the score gained from now on would.
* **Common random numbers**: rollout ``r`` uses the same sampled world and the same reseed for every
  candidate, so the comparison of candidates is paired.
* **Seeds** (:func:`planner_seeds`): from ``numpy.random.SeedSequence`` of (the model's seed, the seasons
  played, the seat), never from the model's own random streams, so looking ahead changes no draw of the game.
  The choice depends only on the game's state and those three, so a planner is deterministic.

A planner seat chooses between seasons, before the season's events are drawn and before the governments'
new rules are public (a seat on a named policy decides within the season). :func:`schedule_planning`
arranges this with a Mesa event half a time unit before each step; the choice is kept for the season
(:func:`planned_levers`), so a form's proposal, a partial human submission and the seat's decision all see
the same plan. Before the first season (the rules in force at the start) and once the game is over a planner
seat plays its fallback policy.

Engine: today every rollout is a deep copy of the model played season by season (:func:`score_candidates`,
the one function a vectorised ensemble engine will replace). The copy keeps the game's state but not its logs
(news, decision histories, the data collector), which no mechanism or policy reads.

This module imports neither the model nor the agents (it works on the model object it is given), so
``agents.base`` can import it without a cycle.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from mesa.time import Priority, Schedule

from wargame.decisions import DecisionError, make_decision
from wargame.mechanics import lead_months, months_to_log_ratio
from wargame.policies import PLANNER, PLANNER_FALLBACK, POLICIES

#: Candidates scored per season by default (K). Chosen with ``benchmarks/bench_planner.py`` so a planner seat
#: stays within 200 ms a season on the development machine (median 75-100 ms, 95th percentile 150-190 ms for
#: a government on ``baseline``, depending on the load; M = 3 went over 200 ms); see docs/model.md §7.19.
DEFAULT_CANDIDATES = 5
#: Rollouts per candidate by default (M); see :data:`DEFAULT_CANDIDATES`.
DEFAULT_ROLLOUTS = 2
#: Most candidates, and most rollouts per candidate, one plan may ask for (illustrative: 1,000 rollouts of a
#: 10-season game are about 15 s on one core; more than that is almost surely a typo).
MAX_PER_PLAN = 1000
#: Entropy tag of the planner's seed sequences ("PLAN" in ASCII), so they never coincide with the futures'.
SEED_TAG = 0x504C414E
#: Name of the candidate that keeps the decision in force.
KEEP = "keep"
#: Mesa time between the planning event and the step it prepares (a step advances time by 1).
PLAN_AHEAD_TIME = 0.5


class PlannerError(ValueError):
    """A plan that cannot be made: the message names the input and what is allowed."""


@dataclass(frozen=True)
class PlanReport:
    """What a plan scored and chose (from :func:`plan_report`).

    Attributes:
        seat: The planning seat.
        season: The season planned for (label, e.g. ``"2026Q3"``).
        seasons_played: Seasons played before it.
        labels: Per candidate, the names of what proposed it, joined by ``"+"`` (policy names, ``"keep"``).
        decisions: Per candidate, every lever of the decision (the seat's fixed levers applied).
        scores: The seat's score at the horizon (points) per candidate and rollout, shape ``(K, M)``.
        means: Mean over the rollouts per candidate, points, shape ``(K,)``.
        ses: Standard error of each mean (sample sd / sqrt(M), points; NaN when M is 1), shape ``(K,)``.
        chosen: Index of the chosen candidate: the first with the highest mean.
        play_seeds: The reseed of each rollout (the same for every candidate), shape ``(M,)``.
        worlds: Per rollout, what :func:`sample_world` drew (the same for every candidate).

    """

    seat: str
    season: str
    seasons_played: int
    labels: tuple[str, ...]
    decisions: tuple[dict[str, Any], ...]
    scores: np.ndarray
    means: np.ndarray
    ses: np.ndarray
    chosen: int
    play_seeds: np.ndarray
    worlds: tuple[dict[str, float], ...] = field(default=())

    @property
    def levers(self) -> dict[str, Any]:
        """Every lever of the chosen decision."""
        return dict(self.decisions[self.chosen])


def fallback_policy(kind: str) -> str:
    """The named policy a planner seat of ``kind`` plays when it does not look ahead.

    Raises:
        PlannerError: If the kind cannot plan (only governments and labs do).

    """
    try:
        return PLANNER_FALLBACK[kind]
    except KeyError:
        raise PlannerError(f"a {kind} seat cannot plan; the planner plays the kinds "
                           f"{', '.join(PLANNER_FALLBACK)}") from None


def planner_seeds(seed: int, seasons_played: int, seat: str,
                  rollouts: int) -> tuple[np.ndarray, list[np.random.SeedSequence]]:
    """The reseeds and world-sampling seeds of a plan's rollouts.

    ``SeedSequence([SEED_TAG, seed, seasons_played, *seat's UTF-8 bytes])`` spawns two children: the first
    spawns one child per rollout (its world draws, :func:`sample_world`), the second gives the rollouts'
    reseeds (``generate_state(rollouts, uint64) >> 1``, in [0, 2**63 - 1]). Rollout ``r`` is the same
    whatever the number of rollouts.

    Args:
        seed: The game's seed (or another non-negative integer).
        seasons_played: Seasons played when the plan is made.
        seat: The planning seat.
        rollouts: Number of rollouts, at least 1.

    Returns:
        ``(play_seeds, world_seeds)``: an ``int64`` array of shape ``(rollouts,)`` and ``rollouts`` seed
        sequences.

    """
    entropy = [SEED_TAG, int(seed), int(seasons_played), *seat.encode("utf-8")]
    worlds, plays = np.random.SeedSequence(entropy).spawn(2)
    play_seeds = (plays.generate_state(rollouts, dtype=np.uint64) >> np.uint64(1)).astype(np.int64)
    return play_seeds, worlds.spawn(rollouts)


# ----------------------------------------------------------------------------------------------- beliefs


def sample_world(world: Any, seat: str, rng: np.random.Generator) -> dict[str, float]:
    """Replace, in a copy of the game, the hidden state a seat cannot see by a draw from its beliefs.

    Resampled (the other bloc's hidden state, from what :func:`wargame.observation.observe` tells the seat):

    * the lead of internal (trained) models, own-bloc sign: ``L* ~ Normal(estimated_lead_months,
      estimate_sd_months)``. Every lab of the other bloc shifts its internal capability, its pipeline of
      trained models (``trained_history``) and its know-how (``skill``, so the shift lasts) by the same log
      amount, ``(L_true - L*) * ln(g) / 12``, so the internal lead becomes ``L*``; no lab falls below its
      deployed model (which the seat sees), which can leave the lead short of a draw far in the seat's favour;
    * the other bloc's compute: ``K* = estimated_other_compute_h100e * exp(compute_estimate_sd_log * z)``,
      ``z ~ Normal(0, 1)`` (median: the estimate); every lab of the other bloc scales its stock and its
      rented compute by ``K* / K_true``;
    * the intelligence errors: the seat's bloc's are set so that its estimates in the copy are the ones it
      observed (the world is consistent with what it saw); the other bloc's (how well the other side sees
      the seat's bloc) are drawn afresh from ``Normal(0, 1)``.

    Kept because the seat sees them (or they are public): its own bloc's labs and government, the other bloc's
    deployed models, the public rules, enmity, adoption, the chip market, incidents, scores. Kept though hidden
    (no belief about them is modelled): the other bloc's algorithmic efficiency (an error in it is folded into
    the lead shift), revenue, pending purchases, pauses and last decisions (every seat decides afresh each
    season).

    The rng draws exactly four normals, always in the same order (lead, compute, the other bloc's two errors),
    so a world depends only on the copy's state and the rng's seed.

    Args:
        world: A copy of the model (changed in place), between seasons.
        seat: The seat whose beliefs are drawn from.
        rng: Generator of this rollout's world.

    Returns:
        ``lead_months`` (the internal lead in the copy, own-bloc sign, months), ``true_lead_months`` (before),
        ``lead_draw_months`` (``L*``), ``other_compute_h100e`` (``K*``, H100e) and ``true_other_compute_h100e``.

    """
    actor = world.actor(seat)
    bloc = actor.bloc
    other = "PRC" if bloc == "US" else "US"
    sign = 1.0 if bloc == "US" else -1.0
    seen = world.observe(seat)
    z_lead, z_compute, z_other_lead, z_other_compute = (float(x) for x in rng.normal(0.0, 1.0, 4))
    growth = world.params.frontier_effective_compute_growth_per_year
    true_lead = sign * world.lead_internal_months
    draw = seen["estimated_lead_months"] + seen["estimate_sd_months"] * z_lead
    # The other bloc gains (true - drawn) months of own-sign lead: its capabilities rise by that many months.
    shift = months_to_log_ratio(true_lead - draw, growth)
    others = [lab for lab in world.labs if lab.bloc == other]
    for lab in others:
        lab.skill += shift
        lab.internal_capability = max(lab.internal_capability + shift, lab.deployed_capability)
        lab.trained_history = [max(h + shift, min(h, lab.deployed_capability)) for h in lab.trained_history]
    world.lead_internal_months = lead_months(world.best_internal_capability("US"),
                                             world.best_internal_capability("PRC"), growth)
    true_compute = world.compute_h100e(other)
    compute = seen["estimated_other_compute_h100e"] * math.exp(seen["compute_estimate_sd_log"] * z_compute)
    factor = compute / true_compute if true_compute > 0 else 1.0
    for lab in others:
        lab.stock_h100e *= factor
        lab.inflow_h100e["remote"] *= factor
    # Keep the seat's bloc's estimates as observed: solve the estimate's formula (observation.observe) for the
    # error draws, given the new truth.
    v = world.effective_visibility(bloc)
    sd = seen["estimate_sd_months"]
    if v * sd > 0:
        estimate = sign * seen["estimated_lead_months"]  # US sign, as the model keeps it
        world.intel_error[bloc] = ((estimate - (1.0 - v) * world.lead_months) / v
                                   - world.lead_internal_months) / sd
    log_sd = seen["compute_estimate_sd_log"]
    if log_sd > 0 and factor > 0:
        world.intel_compute_error[bloc] -= math.log(factor) / log_sd
    world.intel_error[other] = z_other_lead
    world.intel_compute_error[other] = z_other_compute
    return {"lead_months": sign * world.lead_internal_months, "true_lead_months": true_lead,
            "lead_draw_months": draw, "other_compute_h100e": world.compute_h100e(other),
            "true_other_compute_h100e": true_compute}


# ----------------------------------------------------------------------------------------------- candidates


def candidate_decisions(model: Any, seat: str, candidates: int) -> tuple[tuple[str, ...], tuple[dict[str, Any], ...]]:
    """The seat's candidate decisions for this season, at most ``candidates`` of them.

    In order: the fallback policy's proposal, the other named policies' proposals (in
    :data:`wargame.policies.POLICIES` order; ``planner`` itself is not one), then the decision in force
    (:data:`KEEP`). Each proposal is made from the seat's own observation, with the scenario's fixed levers
    applied; a decision equal to an earlier one is merged into it (its name is added to the label).

    Returns:
        ``(labels, decisions)``: names joined by ``"+"`` and every lever of each decision, in order.

    """
    actor = model.actor(seat)
    fallback = fallback_policy(actor.kind)
    names = [fallback] + [n for n in POLICIES[actor.kind] if n not in (fallback, PLANNER)]
    proposals: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        values = POLICIES[actor.kind][name](model.observe(seat))
        values.update(actor.spec.levers)
        proposals.append((name, make_decision(actor.kind, values).model_dump()))
    proposals.append((KEEP, actor.decision.model_dump()))
    merged: dict[str, list[str]] = {}
    decisions: dict[str, dict[str, Any]] = {}
    for name, decision in proposals:
        key = repr(sorted(decision.items()))
        if key not in merged:
            merged[key], decisions[key] = [], decision
        merged[key].append(name)
    keys = list(merged)[:candidates]
    return tuple("+".join(merged[k]) for k in keys), tuple(decisions[k] for k in keys)


# ----------------------------------------------------------------------------------------------- rollouts


class _NoCollector:
    """Stands in for a rollout copy's data collector: a rollout keeps no per-season records."""

    def collect(self, model: Any) -> None:
        """Record nothing."""


def _rollout_copy(model: Any) -> Any:
    """A deep copy of the model's state without its logs, with no pending submissions or injects.

    The configuration (the scenario, its parameters and objectives, the seats' specs: read-only) is shared;
    the news, the decision logs and histories start empty; the data collector records nothing; the caller
    reseeds the copy; submitted decisions and queued injects are dropped
    (the planning seat cannot see them).
    """
    memo: dict[int, Any] = {id(model.datacollector): _NoCollector(),
                            id(model._submitted): {}, id(model._queued_injects): []}
    for shared in (model.scenario_spec, model.params, model.objectives, *(a.spec for a in model.seats())):
        memo[id(shared)] = shared
    for log in (model.news, model.decision_log, model.inject_log, model.note_log, model.decision_history):
        memo[id(log)] = []
    return copy.deepcopy(model, memo)


def score_candidates(model: Any, seat: str, decisions: tuple[dict[str, Any], ...], play_seeds: np.ndarray,
                     world_seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, tuple[dict[str, float], ...]]:
    """Play every candidate on every rollout to the horizon: the planner's inner loop.

    Rollout ``r`` of candidate ``k``: a copy of the model (:func:`_rollout_copy`) whose planner seats play
    their fallback policy, the planning seat included (from the next season on); the world drawn by
    :func:`sample_world` with ``numpy.random.default_rng(world_seeds[r])``; ``reseed(play_seeds[r])``; the
    candidate's offered levers submitted for the seat; played to the end. The same ``r`` gives every
    candidate the same world and the same draws (common random numbers). The model is only read.

    All K x M rollouts are played at once, as one ensemble whose lane ``k * M + r`` is rollout ``r`` of
    candidate ``k`` (:meth:`~wargame.model.AIRaceModel.stack_runs`, then
    :meth:`~wargame.model.AIRaceModel.submit_per_run`); a single rollout is played as a single game.

    Args:
        model: The game, between seasons, not over.
        seat: The planning seat.
        decisions: K decisions (every lever of each).
        play_seeds: M reseeds.
        world_seeds: M seed sequences of the worlds.

    Returns:
        ``(scores, worlds)``: the seat's score at the horizon (points), shape ``(K, M)``, and per rollout what
        :func:`sample_world` drew.

    """
    actor = model.actor(seat)
    k, m = len(decisions), len(play_seeds)
    worlds: list[Any] = []
    drawn: list[dict[str, float]] = []
    for world_seed in world_seeds:
        world = _rollout_copy(model)
        for other in world.seats():
            if other.policy == PLANNER or other.seat == seat:
                other.policy = PLANNER_FALLBACK[other.kind]
        drawn.append(sample_world(world, seat, np.random.default_rng(world_seed)))
        worlds.append(world)
    offered = [{name: decision[name] for name in actor.levers} for decision in decisions]
    if k * m == 1:  # a single rollout is a single game
        rollout = worlds[0]
        rollout.reseed(int(play_seeds[0]))
        rollout.submit_decision(seat, offered[0])
        return np.array([[rollout.run_to_end().seat_scores()[seat]]]), tuple(drawn)
    # Lane k * M + r: world r, reseeded with play_seeds[r], playing candidate k.
    world_of_lane = np.tile(np.arange(m), k)
    ensemble = model.stack_runs(worlds, world_of_lane, np.asarray(play_seeds, dtype=np.int64)[world_of_lane])
    ensemble.actor(seat).policy = PLANNER_FALLBACK[actor.kind]
    ensemble.submit_per_run(seat, offered, np.repeat(np.arange(k), m))
    ensemble.run_to_end()
    scores = np.broadcast_to(ensemble.seat_scores()[seat], (k * m,)).reshape(k, m)
    return np.array(scores, dtype=np.float64), tuple(drawn)


# ----------------------------------------------------------------------------------------------- the API


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= MAX_PER_PLAN:
        raise PlannerError(f"{what} must be an integer from 1 to {MAX_PER_PLAN}, got {value!r}")
    return int(value)


def plan_report(model: Any, seat: str, *, candidates: int | None = None, rollouts: int | None = None,
                seed: int | None = None) -> PlanReport:
    """Score a seat's candidate decisions for the coming season and choose the best (see the module docstring).

    Args:
        model: An :class:`~wargame.model.AIRaceModel` between seasons (not in the middle of a step), not over.
        seat: A government or lab seat (whatever policy it plays).
        candidates: K, the most candidates scored (1 to :data:`MAX_PER_PLAN`); default
            :data:`DEFAULT_CANDIDATES`.
        rollouts: M, the rollouts per candidate (1 to :data:`MAX_PER_PLAN`); default :data:`DEFAULT_ROLLOUTS`.
        seed: Seed of the rollouts, with the seasons played and the seat (:func:`planner_seeds`); default the
            model's seed.

    Returns:
        The :class:`PlanReport`.

    Raises:
        DecisionError: If there is no such seat (the message lists the seats).
        PlannerError: If the seat's kind cannot plan, K, M or the seed is out of range, the game is over, or
            the model is in the middle of a season.

    """
    actor = model.actor(seat)
    fallback_policy(actor.kind)
    k = _count(DEFAULT_CANDIDATES if candidates is None else candidates, "candidates (K)")
    m = _count(DEFAULT_ROLLOUTS if rollouts is None else rollouts, "rollouts (M)")
    if seed is None:
        seed = model.seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise PlannerError(f"seed must be a non-negative integer, got {seed!r}")
    if not model.running:
        raise PlannerError(f"the game is over ({model.seasons_played} seasons played): there is no season to plan")
    if model.steps != model.seasons_played:
        raise PlannerError("a plan is made between seasons, not in the middle of one")
    labels, decisions = candidate_decisions(model, seat, k)
    play_seeds, world_seeds = planner_seeds(int(seed), model.seasons_played, seat, m)
    scores, worlds = score_candidates(model, seat, decisions, play_seeds, world_seeds)
    means = scores.mean(axis=1)
    ses = scores.std(axis=1, ddof=1) / math.sqrt(m) if m > 1 else np.full(len(decisions), math.nan)
    return PlanReport(seat=seat, season=model.season, seasons_played=model.seasons_played, labels=labels,
                      decisions=decisions, scores=scores, means=means, ses=ses, chosen=int(np.argmax(means)),
                      play_seeds=play_seeds, worlds=worlds)


def plan(model: Any, seat: str, *, candidates: int | None = None, rollouts: int | None = None,
         seed: int | None = None) -> dict[str, Any]:
    """The levers a planner would play for a seat this season (:func:`plan_report`'s choice).

    Returns:
        The chosen decision's offered levers (lever name to value), ready for
        :meth:`~wargame.model.AIRaceModel.submit_decision`.

    Raises:
        DecisionError: If there is no such seat.
        PlannerError: As :func:`plan_report`.

    """
    report = plan_report(model, seat, candidates=candidates, rollouts=rollouts, seed=seed)
    offered = model.actor(seat).levers
    return {name: value for name, value in report.levers.items() if name in offered}


# ----------------------------------------------------------------------------------------------- planner seats


def planned_levers(actor: Any) -> dict[str, Any]:
    """Every lever a planner seat proposes now (for :meth:`agents.base.Actor.proposed_decision`).

    The plan for the coming season (:func:`plan_report` with the defaults) is made once a season and kept on
    the actor (``actor.plan_cache``: seasons played and levers). Between seasons a missing plan is made now;
    before the model is complete (the rules in force at the start), once the game is over, and within a
    season that was stepped without the planning event, the seat's fallback policy proposes instead.

    Raises:
        PlannerError: If the actor's kind cannot plan.

    """
    model = actor.model
    fallback = fallback_policy(actor.kind)
    cached = actor.plan_cache
    if cached is not None and cached[0] == model.seasons_played:
        return dict(cached[1])
    ready = getattr(model, "datacollector", None) is not None and model.running
    if ready and model.steps == model.seasons_played:
        levers = plan_report(model, actor.seat).levers
        actor.plan_cache = (model.seasons_played, levers)
        return dict(levers)
    return POLICIES[actor.kind][fallback](model.observe(actor.seat))


def schedule_planning(actor: Any) -> None:
    """Make a planner seat choose before every season: a recurring Mesa event before each step.

    The event calls ``actor.proposed_decision`` (which plans and keeps the plan, :func:`planned_levers`) at
    Mesa time ``t + 0.5`` before the step that advances time to ``t + 1``: after every submission and inject
    of the coming season, before its first phase. It draws no random number. In a copy where the seat no
    longer plays ``planner`` the event only reads the seat's observation.

    Raises:
        DecisionError: If the actor's policy is not ``planner``.

    """
    if actor.policy != PLANNER:
        raise DecisionError(f"seat {actor.seat!r} plays {actor.policy!r}, not {PLANNER!r}")
    model = actor.model
    model.schedule_recurring(actor.proposed_decision, Schedule(interval=1.0, start=model.time + PLAN_AHEAD_TIME),
                             priority=Priority.HIGH)
