"""Test doubles for the batch machinery, importable by worker processes and Dask workers.

* :func:`failing_run` wraps the real model and raises for runs whose seed is even, so tests can check
  that a failed run is recorded and the batch goes on. :func:`expected_failures` says which.
* :class:`ToyScenario` and :func:`toy_run` are a tiny stand-in model (a random walk of the lead) for
  exercising the store, executors and reports quickly, independent of the model's mechanics. Like the
  model, a toy scenario has seats (``scenario.seats()``, each with an ``id``), and a toy run reports each
  seat's cumulative score as ``score_<seat id>`` in its summary and its time series.
  :func:`failing_toy_run` fails the even seeds, as :func:`failing_run` does with the real model.
* :func:`instant_run` does no modelling at all (microseconds per run), for tests of the batch machinery
  at the scale of a hundred thousand runs (chunking, compaction, row groups).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from wargame.batch.runner import run_model


def seed_fails(seed: int) -> bool:
    """True for the runs :func:`failing_run` makes fail (even seeds)."""
    return seed % 2 == 0


def failing_run(scenario: Any, seed: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Like :func:`wargame.batch.runner.run_model`, but raises ``RuntimeError`` for even seeds."""
    if seed_fails(seed):
        raise RuntimeError(f"injected failure for seed {seed}")
    return run_model(scenario, seed)


class ToyParameters(BaseModel):
    """Parameters of the toy model: drift and noise of the lead (months per season)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    drift: float = Field(0.5, ge=-5.0, le=5.0)
    noise: float = Field(2.0, ge=0.0, le=10.0)


class ToySeat(BaseModel):
    """A seat of the toy model: its id and the side it plays (``+1`` scores the lead, ``-1`` its opposite)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    side: int = Field(1, ge=-1, le=1)


def _default_seats() -> list[ToySeat]:
    return [ToySeat(id="us", side=1), ToySeat(id="prc", side=-1)]


class ToyScenario(BaseModel):
    """A scenario-like object with the methods the batch runner uses."""

    model_config = ConfigDict(extra="forbid")
    name: str = "toy"
    seasons: int = 10
    parameters: ToyParameters = Field(default_factory=ToyParameters)
    players: list[ToySeat] = Field(default_factory=_default_seats)

    def seats(self) -> list[ToySeat]:
        """The seats, in a fixed order (as :meth:`wargame.scenario.Scenario.seats`)."""
        return list(self.players)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON form."""
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> ToyScenario:
        """Copy with dotted-path overrides, re-validated (raises ScenarioError on a bad key or value)."""
        from pydantic import ValidationError

        from wargame.scenario import ScenarioError

        data = self.model_dump()
        for key, value in overrides.items():
            node = data
            parts = key.split(".")
            for part in parts[:-1]:
                if not isinstance(node, dict) or part not in node:
                    raise ScenarioError(f"override {key!r}: unknown field {part!r}")
                node = node[part]
            if parts[-1] not in node:
                raise ScenarioError(f"override {key!r}: unknown field {parts[-1]!r}")
            node[parts[-1]] = float(value) if isinstance(value, int) else value
        try:
            return ToyScenario.model_validate(data)
        except ValidationError as exc:
            raise ScenarioError(str(exc)) from None


def toy_run(scenario: ToyScenario, seed: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A random walk of the lead (months): the stand-in model.

    A seat scores ``side * (lead - 6) / 4`` points per season, plus its own noise; ``score_<seat id>`` is
    the cumulative score, in the summary (at the end) and in the time series (0 before the first season).
    """
    rng = np.random.default_rng(seed)
    p = scenario.parameters
    steps = rng.normal(p.drift, p.noise, scenario.seasons)
    lead = np.concatenate([[6.0], 6.0 + np.cumsum(steps)])
    seasons = [f"{2026 + (i + 2) // 4}Q{(i + 2) % 4 + 1}" for i in range(len(lead))]
    final = float(lead[-1])
    outcome = "S1" if final >= 12 else ("S2" if final <= 3 else "contested")
    summary = {"outcome": outcome, "final_lead_months": final, "compute_ratio": float(np.exp(final / 12)),
               "adoption_share_us": float(1 / (1 + np.exp(-final / 12))), "incidents": int(rng.poisson(0.5)),
               "cumulative_incident_probability": 0.3, "mean_safety_share": 0.1,
               "mean_race_pressure": float(np.mean(np.exp(-np.abs(lead) / 6)))}
    series: dict[str, list[Any]] = {"season": seasons, "lead_months": lead.tolist(),
                                    "race_pressure": np.exp(-np.abs(lead) / 6).tolist()}
    for seat in scenario.seats():
        points = seat.side * (lead[1:] - 6.0) / 4.0 + rng.normal(0.0, 0.5, scenario.seasons)
        cumulative = np.concatenate([[0.0], np.cumsum(points)])
        summary[f"score_{seat.id}"] = float(cumulative[-1])
        series[f"score_{seat.id}"] = cumulative.tolist()
    return summary, series


def failing_toy_run(scenario: ToyScenario, seed: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Like :func:`toy_run`, but raises ``RuntimeError`` for even seeds (see :func:`seed_fails`)."""
    if seed_fails(seed):
        raise RuntimeError(f"injected failure for seed {seed}")
    return toy_run(scenario, seed)


def instant_run(scenario: Any, seed: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A run without a model: a final lead (months) read off the seed, for tests at scale.

    The lead is ``(seed mod 1000) / 50`` (0 to 20 months, illustrative), the outcome follows the toy's
    thresholds, each seat of the scenario scores ``side * (lead - 6) / 4``, and the time series has two
    seasons of ``lead_months``.
    """
    lead = (seed % 1000) / 50.0
    summary: dict[str, Any] = {"outcome": "S1" if lead >= 12 else ("S2" if lead <= 3 else "contested"),
                               "final_lead_months": lead, "seasons_played": 1}
    for seat in scenario.seats():
        summary[f"score_{seat.id}"] = seat.side * (lead - 6.0) / 4.0
    return summary, {"season": ["2026Q3", "2026Q4"], "lead_months": [6.0, lead]}
