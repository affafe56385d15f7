"""Values of R runs at once ("lanes"): the conventions that let one model play a game or an ensemble.

:class:`wargame.model.AIRaceModel` plays R runs at once (``seeds=[...]``). Every number of the state of the
model and of its agents is then either a plain number, the same for every run (a parameter, a value no draw
has touched yet), or a numpy array of shape ``(R,)``, one entry per run (lane). In a single game (R = 1)
every value is a plain number: the draws drop their run axis, so the tabletop, the game log and the debrief
read numbers, and lane r of an ensemble runs the same code as the single game with seed r.

The mechanics are written once for both: numpy functions (never ``math`` on state values), per-run branches
as ``numpy.where``, and the helpers below in place of ``max`` / ``min`` over agents.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """A numpy scalar or 0-d array as the Python number, bool or str it holds; anything else unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


def where(condition: Any, if_true: Any, if_false: Any) -> Any:
    """``numpy.where`` per run; with scalar arguments a numpy scalar (never a 0-d array).

    A single bool condition with two non-array branches (a single game) picks its branch as it is.
    """
    if isinstance(condition, bool | np.bool_) and not isinstance(if_true, np.ndarray) \
            and not isinstance(if_false, np.ndarray):
        return if_true if condition else if_false
    out = np.where(condition, if_true, if_false)
    return out[()] if out.ndim == 0 else out


def lane_max(values: Any) -> Any:
    """Elementwise maximum of an iterable of numbers or (R,) arrays (``max`` over agents, per run)."""
    return functools.reduce(np.maximum, values)


def lane_any(values: Any) -> Any:
    """Elementwise ``or`` of an iterable of bools or (R,) bool arrays (``any`` over agents, per run)."""
    return functools.reduce(np.logical_or, values, False)


def lane_all(values: Any) -> Any:
    """Elementwise ``and`` of an iterable of bools or (R,) bool arrays (``all`` over agents, per run)."""
    return functools.reduce(np.logical_and, values, True)


def lane_min(values: Any) -> Any:
    """Elementwise minimum of an iterable of numbers or (R,) arrays (``min`` over agents, per run)."""
    return functools.reduce(np.minimum, values)


def pick_back(history: list[Any], back: Any) -> Any:
    """``history[-1 - back]`` per run: ``back`` is an int or an int array of shape (R,).

    Args:
        history: Values oldest first, each a number or an (R,) array; at least ``max(back) + 1`` long.
        back: How many entries to step back from the newest (0 is the newest).

    Returns:
        A number (scalar ``back`` and numbers) or an (R,) array.

    """
    back = np.asarray(back)
    if back.ndim == 0:
        return history[-1 - int(back)]
    depth = int(back.max(initial=0)) + 1
    stacked = np.stack(np.broadcast_arrays(*history[-depth:], np.zeros(back.shape)), axis=-1)[..., :depth]
    return np.take_along_axis(stacked, (depth - 1 - back)[..., None], axis=-1)[..., 0]


def per_run(value: Any, n_runs: int) -> np.ndarray:
    """A number or an (R,) array as an array of shape ``(n_runs,)`` (a number is repeated)."""
    return np.broadcast_to(np.asarray(value), (n_runs,))


class LeverLanes:
    """A seat's decision in an ensemble: each lever a number (the same in every run) or an (R,) array.

    It reads like a :class:`~wargame.decisions.Decision` (``decision.training_share``, ``model_dump()``);
    levers the values leave out take the decision model's defaults.

    Args:
        cls: The seat's decision model (a :class:`~wargame.decisions.Decision` subclass).
        values: Lever values by name.

    """

    def __init__(self, cls: Any, values: dict[str, Any]) -> None:
        for name, field in cls.model_fields.items():
            setattr(self, name, values.get(name, field.default))
        self._levers = tuple(cls.model_fields)

    def model_dump(self, **_: Any) -> dict[str, Any]:
        """Every lever's value (numbers or arrays), as a dict."""
        return {name: getattr(self, name) for name in self._levers}

    def updated(self, values: dict[str, Any]) -> LeverLanes:
        """A copy with some levers replaced (a human's levers on top of the policy's proposal)."""
        new = object.__new__(LeverLanes)
        new.__dict__.update(self.__dict__)
        for name, value in values.items():
            setattr(new, name, value)
        return new


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.number | np.bool_) and not isinstance(value, np.ndarray)


def stack_values(values: list[Any], index: np.ndarray) -> tuple[bool, Any]:
    """One attribute of several single games as the attribute of an ensemble whose lane j is game ``index[j]``.

    Numbers that differ become an array; equal ones stay one number. Dicts are stacked key by key and lists
    (of the same length) item by item. Anything else is not stacked.

    Args:
        values: The attribute in each game (same type in each).
        index: Game of each lane, int array of shape (R,).

    Returns:
        ``(stacked, value)``: whether the attribute is per-run data, and the ensemble's value.

    """
    first = values[0]
    if _is_number(first) and all(_is_number(v) for v in values):
        if all(v == first for v in values[1:]):
            return True, first
        return True, np.asarray(values)[index]
    if isinstance(first, dict) and all(isinstance(v, dict) and v.keys() == first.keys() for v in values):
        out = {}
        for key in first:
            ok, value = stack_values([v[key] for v in values], index)
            if not ok:
                return False, None
            out[key] = value
        return True, out
    if isinstance(first, list) and first and all(isinstance(v, list) and len(v) == len(first) for v in values):
        items = [stack_values([v[i] for v in values], index) for i in range(len(first))]
        if all(ok for ok, _ in items):
            return True, [value for _, value in items]
    return False, None


def stack_attributes(target: Any, sources: list[Any], index: np.ndarray) -> None:
    """Set every per-run attribute of ``target`` (a copy of ``sources[0]``) from all sources (:func:`stack_values`)."""
    for name in list(vars(target)):
        ok, value = stack_values([vars(source)[name] for source in sources], index)
        if ok:
            setattr(target, name, value)
