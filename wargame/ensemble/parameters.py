"""Parameters given per run: a sweep's lanes each play their own values (issue 9, item 1).

A batch samples parameters per run (a Latin hypercube, a Sobol design). An ensemble plays many of those runs
at once: :class:`LaneParameters` holds the scenario's parameters with the swept ones as arrays of shape
(R,), one value per run, which the mechanics read exactly as they read a single game's numbers.
:func:`invalid_runs` checks a swept parameter's values against the bounds and type its field declares
(:class:`wargame.parameters.Parameters`), all runs at once, so a sweep never pays a validation per run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import annotated_types as at
import numpy as np

from wargame.parameters import Parameters


class LaneParameterError(ValueError):
    """A per-run parameter that is unknown or has values its field does not allow."""


def allowed_values(name: str) -> str:
    """The values a parameter allows, in words (its type and bounds)."""
    field = Parameters.model_fields[name]
    parts = ["an integer" if field.annotation is int else "a finite number"]
    for bound in field.metadata:
        for attr, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(bound, getattr(at, attr.capitalize())):
                parts.append(f"{word} {getattr(bound, attr)}")
    return " ".join(parts)


def invalid_runs(name: str, values: Any) -> np.ndarray:
    """Which runs' values a parameter's field refuses (type, finiteness, bounds).

    Args:
        name: A field of :class:`~wargame.parameters.Parameters`.
        values: One value per run, shape (R,).

    Returns:
        Bool array of shape (R,): True where the value is not allowed.

    Raises:
        LaneParameterError: If ``name`` is not a parameter.

    """
    if name not in Parameters.model_fields:
        raise LaneParameterError(f"unknown parameter {name!r}")
    field = Parameters.model_fields[name]
    arr = np.asarray(values)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        return np.ones(arr.shape, dtype=bool)
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if field.annotation is int:
        bad |= arr != np.round(arr)
    with np.errstate(invalid="ignore"):
        for bound in field.metadata:
            if isinstance(bound, at.Ge):
                bad |= ~(arr >= bound.ge)
            elif isinstance(bound, at.Gt):
                bad |= ~(arr > bound.gt)
            elif isinstance(bound, at.Le):
                bad |= ~(arr <= bound.le)
            elif isinstance(bound, at.Lt):
                bad |= ~(arr < bound.lt)
    return bad


class LaneParameters:
    """A scenario's parameters with some given per run.

    Every field of :class:`~wargame.parameters.Parameters` is an attribute: the base value, or for a swept
    parameter an array of shape (R,) (int64 for integer fields, float64 otherwise).

    Args:
        base: The scenario's parameters.
        per_run: Swept parameters, name -> one value per run (shape (R,)).
        n_runs: R.

    Raises:
        LaneParameterError: If a name is not a parameter, an array does not have shape (R,), or a value
            breaks its field's type or bounds (the message names the parameter, the first bad run and what
            is allowed).

    """

    def __init__(self, base: Parameters, per_run: Mapping[str, Any], n_runs: int) -> None:
        for name in Parameters.model_fields:
            setattr(self, name, getattr(base, name))
        for name, values in per_run.items():
            arr = np.asarray(values)
            if arr.shape != (n_runs,):
                raise LaneParameterError(f"parameter {name!r}: expected one value per run, shape ({n_runs},), "
                                         f"got shape {arr.shape}")
            bad = invalid_runs(name, arr)
            if bad.any():
                first = int(np.argmax(bad))
                raise LaneParameterError(f"parameter {name!r}: run {first} has {arr[first]!r}; allowed: "
                                         f"{allowed_values(name)}")
            dtype = np.int64 if Parameters.model_fields[name].annotation is int else np.float64
            setattr(self, name, arr.astype(dtype))
        self.swept = tuple(per_run)

    def run(self, r: int) -> Parameters:
        """The validated parameters of run ``r`` (a single game's :class:`~wargame.parameters.Parameters`)."""
        values = {name: getattr(self, name) for name in Parameters.model_fields}
        for name in self.swept:
            values[name] = getattr(self, name)[r].item()
        return Parameters.model_validate(values)

    def model_dump(self) -> dict[str, Any]:
        """Every parameter's value (numbers, or arrays for the swept ones)."""
        return {name: getattr(self, name) for name in Parameters.model_fields}
