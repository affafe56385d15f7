"""A chunk of a batch played as ensembles: many runs of the model at once (issue 9, items 1 and 4).

A chunk's runs that share every override but their ``parameters.*`` values (the replications and samples
of one scenario, the usual case) are one ensemble: ``AIRaceModel(scenario, seeds=..., parameters=...)``, whose
lane r is exactly the single game of run r (:mod:`wargame.ensemble.lanes`). The swept parameters are checked
against their fields' bounds for every run at once (:func:`wargame.ensemble.parameters.invalid_runs`); a run
with a value its field refuses is recorded as failed with the reason, and its siblings play on.

:func:`wargame.batch.runner.execute_chunk` calls :func:`group_runs` and :func:`play_group`; this module
imports nothing from the runner, so the arrows run one way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wargame.ensemble.parameters import allowed_values, invalid_runs
from wargame.parameters import Parameters

#: Prefix of the overrides an ensemble plays per run; any other override splits the chunk into groups.
PARAMETER_PREFIX = "parameters."
#: Types of override values that are numbers and not bools (a sweep's values), checked all at once.
_PLAIN_NUMBERS = {int, float, np.float64, np.int64}


@dataclass
class RunGroup:
    """Runs of a chunk that differ only in their parameter values.

    Attributes:
        overrides: The overrides the group shares (no ``parameters.*`` key).
        positions: Positions of its runs in the chunk, in chunk order.

    """

    overrides: dict[str, Any]
    positions: list[int] = field(default_factory=list)


def group_runs(overrides: Sequence[Mapping[str, Any]]) -> list[RunGroup]:
    """Group a chunk's runs by their overrides other than ``parameters.*`` (first-seen order).

    Args:
        overrides: One dict of dotted-path overrides per run.

    Returns:
        The groups; every position appears in exactly one.

    """
    keys: set[str] = set()
    for run in overrides:
        keys.update(run)
    if all(key.startswith(PARAMETER_PREFIX) for key in keys):  # the usual sweep: one group
        return [RunGroup({}, list(range(len(overrides))))]
    groups: dict[str, RunGroup] = {}
    for position, run in enumerate(overrides):
        shared = {k: v for k, v in run.items() if not k.startswith(PARAMETER_PREFIX)}
        key = repr(sorted(shared.items()))
        groups.setdefault(key, RunGroup(shared)).positions.append(position)
    return list(groups.values())


def parameter_lanes(scenario: Any, overrides: Sequence[Mapping[str, Any]]) -> tuple[dict[str, np.ndarray],
                                                                                      list[str | None]]:
    """The swept parameters of a group as arrays, and why each run cannot be played (``None`` if it can).

    Args:
        scenario: The group's scenario (its parameters give the values a run does not override).
        overrides: The group's runs' overrides.

    Returns:
        ``(values, errors)``: parameter name -> float64/int64 array of shape (runs,), and one entry per run:
        ``None``, or a message naming the override, the value and what its field allows.

    """
    n = len(overrides)
    errors: list[str | None] = [None] * n
    values: dict[str, np.ndarray] = {}
    paths = sorted({k for run in overrides for k in run if k.startswith(PARAMETER_PREFIX)})
    for path in paths:
        name = path[len(PARAMETER_PREFIX):]
        if name not in Parameters.model_fields:
            for i in range(n):
                errors[i] = errors[i] or f"override {path!r}: unknown parameter {name!r}"
            continue
        default = getattr(scenario.parameters, name)
        raw = [run.get(path, default) for run in overrides]
        if set(map(type, raw)) <= _PLAIN_NUMBERS:  # the usual sweep: numbers only, checked at once
            numeric = np.ones(n, dtype=bool)
            arr = np.asarray(raw, dtype=np.float64)
        else:
            numeric = np.array([isinstance(v, int | float | np.integer | np.floating)
                                and not isinstance(v, bool | np.bool_) for v in raw])
            arr = np.array([v if ok else np.nan for v, ok in zip(raw, numeric, strict=True)], dtype=np.float64)
        bad = ~numeric | invalid_runs(name, arr)
        for i in np.flatnonzero(bad):
            errors[i] = errors[i] or (f"override {path!r}: {raw[i]!r} is not allowed; allowed: "
                                      f"{allowed_values(name)}")
        values[name] = np.where(bad, default, arr)
    return values, errors


def play_group(scenario: Any, seeds: Sequence[int], parameters: Mapping[str, np.ndarray],
               timeseries: bool) -> tuple[dict[str, np.ndarray], list[dict[str, Any]] | None]:
    """Play a group's runs to the horizon as one ensemble (at least two runs).

    Args:
        scenario: The group's validated scenario.
        seeds: The runs' seeds, shape (R,), R >= 2.
        parameters: Swept parameters, name -> values of shape (R,), already checked (:func:`parameter_lanes`).
        timeseries: Whether to record every season.

    Returns:
        ``(summary, records)``: :meth:`~wargame.model.AIRaceModel.summary` (name -> array of shape (R,)) and,
        with ``timeseries``, :attr:`~wargame.model.AIRaceModel.season_records` (else ``None``).

    Raises:
        Exception: Whatever the model raises; the caller then plays the runs one by one to find the failing one.

    """
    from wargame.model import AIRaceModel

    model = AIRaceModel(scenario, seeds=np.asarray(seeds, dtype=np.int64), parameters=parameters,
                        record_seasons=timeseries)
    model.run_to_end()
    return model.summary(), model.season_records


def records_to_long(records: list[dict[str, Any]], lane: int) -> tuple[list[str], list[str], list[float]]:
    """One run's tidy long time series from an ensemble's season records: (seasons, variables, values).

    Rows are variable by variable, season by season within each, as the single-run runner writes them.
    """
    seasons = [str(record["season"]) for record in records]
    out_s: list[str] = []
    out_var: list[str] = []
    out_val: list[float] = []
    for name in records[0]:
        if name == "season":
            continue
        out_s.extend(seasons)
        out_var.extend([name] * len(seasons))
        out_val.extend(float(record[name][lane]) for record in records)
    return out_s, out_var, out_val
