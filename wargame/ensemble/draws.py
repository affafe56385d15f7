"""Counter-based random draws for R runs at once (issue 9).

Every draw is a pure function of ``(seed, stream, season, slot)`` and of the kind of variate (uniform,
normal or Poisson): no generator state is carried from one draw to the next. A run's draws therefore depend
only on its own seed, never on R, on its lane or on how the runs are chunked, and a decision that changes how
often one mechanism draws shifts no other draw (common random numbers across decisions).

Generator:
    Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC11,
    2011, doi:10.1145/2063384.2063405; reference code and known-answer vectors in D. E. Shaw Research's
    Random123 library, ``tests/kat_vectors``). It is a keyed bijection of a 128-bit counter, ten rounds of
    32x32 -> 64-bit multiplications and xors, and passes TestU01's BigCrush. Here it runs in numpy uint64
    arithmetic, each 32-bit word held in a uint64 (the products of two 32-bit words fit in 64 bits, so
    nothing wraps and no overflow warning is raised).

    * key (2 x 32 bits): ``(seed mod 2**32, seed // 2**32)``; seeds are integers in ``[0, 2**63)``.
    * counter (4 x 32 bits): ``(slot, season, stream index in STREAMS, variate)``, variate 0 for
      :func:`uniform`, 1 for :func:`normal`, 2 for :func:`poisson`. Different (stream, season, slot,
      variate) for one seed are different counters, so their 128-bit outputs differ (Philox is a bijection),
      and a uniform, a normal and a Poisson count at the same slot are independent of each other.

Platform: the integer part is exact, so :func:`uniform` is bit-identical on every machine and numpy
version. :func:`normal` and :func:`poisson` also use numpy's ``log``, ``cos`` and ``exp``: elementwise, so
lane independence holds on any one machine (the tests check it where they run), but their last bit may
differ between CPUs or numpy builds, so a normal draw may differ by about 1e-16 and, with that order of
probability, a Poisson count by one.

Slot layout proposed for the model's draws (season = index of the season being played, 0 for the first;
``i`` a lab's index in ``model.labs``, ``e`` an event's index in ``wargame.scenario.EVENT_NAMES``, ``b`` 0 for
the US bloc and 1 for the PRC; :func:`nested_slot` packs two indices, ``outer * SLOT_STRIDE + inner``):

    ============  ==========================================================  ======  ======================
    stream        draw (today's code)                                         season  slot
    ============  ==========================================================  ======  ======================
    initial       normal: lab i's skill (agents/lab.py:67)                    0       i
    events        uniform: does event e occur (wargame/model.py:649)          s       nested_slot(e, 0)
    events        uniform: bloc of the breakthrough (wargame/model.py:661)    s       nested_slot(e, 1), e =
                                                                                      algorithmic_breakthrough
    grey_market   normal: smuggler k's volume shock (agents/grey_market.py)   s       k
    intelligence  normal: bloc b's capability error (wargame/model.py:451)    s       nested_slot(b, 0)
    intelligence  normal: bloc b's compute error (wargame/model.py:452)       s       nested_slot(b, 1)
    distillation  uniform: PRC lab i's detection draw (agents/lab.py:144)     s       i
    incidents     poisson: lab i's incident count (wargame/model.py:740)      s       i
    incidents     uniform: tier of lab i's j-th incident (model.py:741)       s       nested_slot(i, j)
    ============  ==========================================================  ======  ======================

For a variable number of incidents, draw the tiers of all ``max_count`` possible incidents of every lab at
once, ``uniform(seeds, "incidents", s, nested_slot(labs[None, :, None], js[None, None, :]))`` with shape
``(R, n_labs, max_count)``, and use the first ``count`` of each lab. Lab i's j-th tier is then the same
draw whatever the other labs' counts, the number of labs or the cap.

Shapes: ``seeds`` has shape ``(R,)``. Array arguments (``slot``, ``lam``) are aligned on their *first* axis,
the lane axis, with trailing axes for several draws per run: shape ``(R,)`` or ``(1,)`` gives one draw per
run, ``(R, k)`` or ``(1, k)`` gives k draws per run. The output has their broadcast shape, ``(R,)`` when
every argument is a scalar. (A 1-D slot of length k, neither 1 nor R, is refused; pass it as shape
``(1, k)``.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Sources of randomness, in counter order (a stream's index is part of the counter, so new streams go at
#: the end). The same names as ``wargame.model.RANDOM_STREAMS``, which will import this tuple; a test checks
#: that the two agree until then.
STREAMS = ("initial", "events", "grey_market", "intelligence", "distillation", "incidents")
#: Largest seed plus one: seeds are integers in [0, 2**63), as in ``wargame.model.MAX_SEED``.
SEED_LIMIT = 2**63
#: Largest season index plus one (a counter word is 32 bits).
SEASON_LIMIT = 2**32
#: Largest slot plus one (a counter word is 32 bits).
SLOT_LIMIT = 2**32
#: Stride of :func:`nested_slot`: an inner index (e.g. an incident of a lab) is below it, 2**16.
SLOT_STRIDE = 2**16
#: Largest Poisson mean :func:`poisson` accepts, events per slot (illustrative bound, far above the model's
#: incident hazard cap of 10 a quarter; it keeps exp(-lam) = 3.7e-44 well above float64 underflow).
MAX_POISSON_MEAN = 100.0
#: Largest ``max_count`` :func:`poisson` accepts (one below SLOT_STRIDE, so every count indexes a nested slot).
MAX_POISSON_COUNT = SLOT_STRIDE - 1

_STREAM_INDEX = {name: i for i, name in enumerate(STREAMS)}
_UNIFORM, _NORMAL, _POISSON = 0, 1, 2
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
# Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011, Random123 philox.h).
_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = 0x9E3779B9
_W1 = 0xBB67AE85
_ROUNDS = 10
# Most blocks computed with Python integers rather than numpy (see _philox_words; about the break-even size).
_SMALL = 16
_TWO_PI = 2.0 * math.pi
_INV_2_53 = 2.0**-53


def philox4x32_10(
    c0: Any, c1: Any, c2: Any, c3: Any, k0: Any, k1: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Philox4x32-10 block function: four 32-bit output words from a 4-word counter and a 2-word key.

    Follows Random123's ``philox4x32_R(10, ctr, key)``: ten rounds, the key bumped by the Weyl constants
    between rounds. The arguments broadcast together with numpy rules.

    Args:
        c0: Counter word 0, integers in ``[0, 2**32)``, any array shape (or a scalar).
        c1: Counter word 1, same.
        c2: Counter word 2, same.
        c3: Counter word 3, same.
        k0: Key word 0, same.
        k1: Key word 1, same.

    Returns:
        The four output words, uint64 arrays with values in ``[0, 2**32)``, of the broadcast shape.

    Raises:
        ValueError: If a word is negative or not below 2**32.

    """
    words = []
    for name, word in (("c0", c0), ("c1", c1), ("c2", c2), ("c3", c3), ("k0", k0), ("k1", k1)):
        arr = np.asarray(word)
        if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() > 0xFFFFFFFF)):
            raise ValueError(f"philox4x32_10: {name} must hold integers from 0 to 2**32 - 1")
        words.append(arr.astype(np.uint64))
    shape = np.broadcast_shapes(*(w.shape for w in words))
    return _philox_words(shape, *words)


def _philox_words(shape: tuple[int, ...], *words: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Philox4x32-10 of words c0, c1, c2, c3, k0, k1 (unchecked), as four new uint64 arrays of ``shape``.

    Each word is a Python int or a uint64 array broadcastable to ``shape`` holding 32-bit values. Up to
    :data:`_SMALL` blocks are computed with Python integers, which costs far less than a hundred numpy calls
    on tiny arrays (a single game, R = 1); more with numpy. Both are exact integer arithmetic, so they give
    the same words (tests check both against the Random123 known answers and against each other).
    """
    size = math.prod(shape)
    if size > _SMALL:
        out = _philox(*(w if isinstance(w, np.ndarray) else np.uint64(w) for w in words))
        return tuple(x if x.shape == shape else np.broadcast_to(x, shape).copy()  # type: ignore[return-value]
                     for x in out)
    columns = [np.broadcast_to(w, shape).ravel().tolist() if isinstance(w, np.ndarray) else [w] * size
               for w in words]
    rows = [_philox_int(*block) for block in zip(*columns, strict=True)]
    table = np.array(rows, dtype=np.uint64).reshape(shape + (4,))
    return tuple(table[..., i].copy() for i in range(4))  # type: ignore[return-value]


def _philox_int(x0: int, x1: int, x2: int, x3: int, k0: int, k1: int) -> tuple[int, int, int, int]:
    """Philox4x32-10 of one block with Python integers (the same rounds as :func:`_philox`)."""
    for r in range(_ROUNDS):
        if r:
            k0 = (k0 + _W0) & 0xFFFFFFFF
            k1 = (k1 + _W1) & 0xFFFFFFFF
        p0 = x0 * 0xD2511F53
        p1 = x2 * 0xCD9E8D57
        x0, x1, x2, x3 = (p1 >> 32) ^ x1 ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ x3 ^ k1, p0 & 0xFFFFFFFF
    return x0, x1, x2, x3


def _philox(x0: Any, x1: Any, x2: Any, x3: Any, k0: Any, k1: Any) -> tuple[Any, Any, Any, Any]:
    """Philox4x32-10 on uint64 arrays holding 32-bit words, numpy broadcasting (unchecked)."""
    for r in range(_ROUNDS):
        if r:
            k0 = (k0 + np.uint64(_W0)) & _MASK32
            k1 = (k1 + np.uint64(_W1)) & _MASK32
        p0 = x0 * _M0
        p1 = x2 * _M1
        x0 = (p1 >> _SHIFT32) ^ x1 ^ k0
        x1 = p1 & _MASK32
        x2 = (p0 >> _SHIFT32) ^ x3 ^ k1
        x3 = p0 & _MASK32
    return x0, x1, x2, x3


def _to_unit(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Float64 in (0, 1) from the top 53 bits of the 64-bit word ``hi * 2**32 + lo``, lowest bit set to 1.

    The values are the odd multiples of 2**-53, ``(2m + 1) * 2**-53`` for m in ``[0, 2**52)``: exact in
    float64, symmetric about 1/2, never 0 and never 1, so ``log(u)`` and ``log(1 - u)`` are always finite.
    """
    top = (hi << np.uint64(21)) | (lo >> np.uint64(11)) | np.uint64(1)
    return top.astype(np.float64) * _INV_2_53


def _lane_shape(arr: np.ndarray, ndim: int) -> np.ndarray:
    """View of ``arr`` with trailing length-1 axes up to ``ndim`` (aligns its first axis with the lanes)."""
    return arr.reshape(arr.shape + (1,) * (ndim - arr.ndim))


def _check_seeds(func: str, seeds: Any) -> np.ndarray:
    arr = np.asarray(seeds)
    if arr.ndim != 1:
        raise ValueError(f"{func}: seeds must be a 1-D integer array of shape (R,), got shape {arr.shape} "
                         f"(for one run pass [seed])")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{func}: seeds must be integers from 0 to 2**63 - 1, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= SEED_LIMIT):
        raise ValueError(f"{func}: seeds must be integers from 0 to 2**63 - 1, got values from {arr.min()} "
                         f"to {arr.max()}")
    return arr.astype(np.uint64)


def _check_stream(func: str, stream: Any) -> int:
    if not isinstance(stream, str) or stream not in _STREAM_INDEX:
        raise ValueError(f"{func}: stream must be one of {', '.join(STREAMS)}; got {stream!r}")
    return _STREAM_INDEX[stream]


def _check_season(func: str, season: Any) -> int:
    if isinstance(season, bool | np.bool_) or not isinstance(season, int | np.integer) \
            or not 0 <= season < SEASON_LIMIT:
        raise ValueError(f"{func}: season must be an integer from 0 to 2**32 - 1, got {season!r}")
    return int(season)


def _check_slot(func: str, slot: Any) -> np.ndarray:
    arr = np.asarray(slot)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{func}: slot must be a non-negative integer or integer array, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= SLOT_LIMIT):
        raise ValueError(f"{func}: slot must be from 0 to 2**32 - 1, got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.uint64)


def _out_shape(func: str, n_runs: int, arrays: dict[str, np.ndarray]) -> tuple[int, ...]:
    """Broadcast shape of the lanes ``(R,)`` and the lane-aligned arrays; a clear error if they do not fit."""
    ndim = max([1] + [a.ndim for a in arrays.values()])
    shapes = [(n_runs,) + (1,) * (ndim - 1)]
    for name, arr in arrays.items():
        if arr.ndim and arr.shape[0] not in (1, n_runs):
            raise ValueError(f"{func}: {name} has shape {arr.shape}; its first axis is the lane axis and must "
                             f"have length 1 or R = {n_runs} (for k draws per run use shape (1, k) or (R, k))")
        shapes.append(arr.shape + (1,) * (ndim - arr.ndim))
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        detail = ", ".join(f"{name} {arr.shape}" for name, arr in arrays.items())
        raise ValueError(f"{func}: shapes do not broadcast with the lanes (R,) = ({n_runs},): {detail}") from None


def _blocks(func: str, seeds: Any, stream: Any, season: Any, slot: Any, variate: int,
            extra: dict[str, np.ndarray] | None = None) -> tuple[tuple[Any, Any, Any, Any], tuple[int, ...]]:
    """Validate the arguments and return the Philox output words (broadcast shape) and that shape."""
    seed_arr = _check_seeds(func, seeds)
    stream_index = _check_stream(func, stream)
    season_int = _check_season(func, season)
    slot_arr = _check_slot(func, slot)
    shape = _out_shape(func, seed_arr.shape[0], {"slot": slot_arr, **(extra or {})})
    ndim = len(shape)
    keys = _lane_shape(seed_arr, ndim)
    k0 = keys & _MASK32
    k1 = keys >> _SHIFT32
    return _philox_words(shape, _lane_shape(slot_arr, ndim), season_int, stream_index, variate, k0, k1), shape


def uniform(seeds: Any, stream: str, season: int, slot: Any = 0) -> np.ndarray:
    """Uniform draws on the open interval (0, 1), one per (run, slot).

    The value is the top 53 bits of the first 64 output bits of Philox4x32-10 at counter
    ``(slot, season, stream index, 0)`` under key ``seed``, with the lowest of the 53 bits set to 1: an odd
    multiple of 2**-53, so never exactly 0 (``log(u)`` is safe) and never 1 (``log(1 - u)`` too). Bit-exact
    on every platform.

    Args:
        seeds: Seeds of the R runs, integers in ``[0, 2**63)``, shape ``(R,)``.
        stream: Source of randomness, one of :data:`STREAMS`.
        season: Season index, an integer in ``[0, 2**32)``.
        slot: Which draw within (stream, season): an integer in ``[0, 2**32)`` or an integer array aligned on
            the lane axis, shape ``(R,)``, ``(1,)``, ``(R, k)``, ``(1, k)``, ...

    Returns:
        float64 array of the broadcast shape (``(R,)`` for a scalar slot), values in (0, 1).

    Raises:
        ValueError: If seeds, stream, season or slot is out of range, of the wrong type or of a shape that
            does not fit the lanes.

    """
    (x0, x1, _, _), _shape = _blocks("uniform", seeds, stream, season, slot, _UNIFORM)
    return _to_unit(x0, x1)


def normal(seeds: Any, stream: str, season: int, slot: Any = 0) -> np.ndarray:
    """Standard normal draws, one per (run, slot), by the Box-Muller transform.

    From the 128 output bits of Philox4x32-10 at counter ``(slot, season, stream index, 1)`` under key
    ``seed``, two uniforms on (0, 1) are made as in :func:`uniform`, ``u1`` from words 0-1 and ``u2`` from
    words 2-3, and ``z = sqrt(-2 ln u1) * cos(2 pi u2)`` (Box and Muller 1958, Ann. Math. Statist. 29(2),
    610-611; the sine partner is discarded so each slot is one independent draw). ``|z| <= sqrt(106 ln 2)
    = 8.57`` as ``u1 >= 2**-53``; ``P(|Z| > 8.57)`` is 1e-17, below anything the model resolves. For a
    normal with mean ``mu`` and standard deviation ``sd`` use ``mu + sd * z``.

    Args:
        seeds: Seeds of the R runs, integers in ``[0, 2**63)``, shape ``(R,)``.
        stream: Source of randomness, one of :data:`STREAMS`.
        season: Season index, an integer in ``[0, 2**32)``.
        slot: Which draw within (stream, season), as in :func:`uniform`.

    Returns:
        float64 array of the broadcast shape (``(R,)`` for a scalar slot), standard normal draws.

    Raises:
        ValueError: As :func:`uniform`.

    """
    (x0, x1, x2, x3), _shape = _blocks("normal", seeds, stream, season, slot, _NORMAL)
    u1 = _to_unit(x0, x1)
    u2 = _to_unit(x2, x3)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(_TWO_PI * u2)


def poisson(lam: Any, seeds: Any, stream: str, season: int, slot: Any = 0, max_count: int = 100) -> np.ndarray:
    """Poisson counts, one per (run, slot), by inversion of the CDF at a counter-based uniform.

    ``u`` is the uniform of :func:`uniform` made from counter ``(slot, season, stream index, 2)`` (so it is
    independent of ``uniform(...)`` at the same slot). The count is the smallest ``k`` with ``u <= F(k)``,
    ``F(k) = sum_{j<=k} exp(-lam) lam**j / j!``, the pmf built by the recurrence ``p_j = p_{j-1} lam / j``,
    capped at ``max_count``: the result is ``min(X, max_count)`` for X exactly Poisson(lam) up to rounding.

    Accuracy: the summed CDF stays within a few float64 epsilons (eps = 2.2e-16) of the exact CDF at the same
    ``exp(-lam)`` (checked against exact rational arithmetic: at most 1 eps for lam <= 10, 6 eps for lam =
    100, over the first 250 counts), so a count differs from exact inversion only if ``u`` falls within about
    1e-15 of a CDF step, probability of order 1e-14 per draw. Choose ``max_count`` so that ``P(X > max_count)``
    is negligible (for lam = 10, max_count = 40 leaves 2e-13; for lam = 3, the default 100 leaves 1e-113).
    The cost is one vector pass per count reached by some lane, at most ``max_count``.

    Common random numbers: for a fixed uniform the count is non-decreasing in ``lam``, so a decision that
    raises a hazard never removes an incident another decision would have seen at the same seed.

    Args:
        lam: Poisson means, events per slot, finite and in ``[0, MAX_POISSON_MEAN]``: a scalar or an array
            aligned on the lane axis like ``slot`` (shape ``(R,)``, ``(1, k)``, ``(R, k)``, ...).
        seeds: Seeds of the R runs, integers in ``[0, 2**63)``, shape ``(R,)``.
        stream: Source of randomness, one of :data:`STREAMS`.
        season: Season index, an integer in ``[0, 2**32)``.
        slot: Which draw within (stream, season), as in :func:`uniform`.
        max_count: Cap on the count, an integer in ``[1, MAX_POISSON_COUNT]``.

    Returns:
        int64 array of the broadcast shape of lanes, ``lam`` and ``slot``, counts in ``[0, max_count]``.

    Raises:
        ValueError: As :func:`uniform`, or if ``lam`` is not a finite number in ``[0, MAX_POISSON_MEAN]`` or
            ``max_count`` is not an integer in ``[1, MAX_POISSON_COUNT]``.

    """
    if isinstance(max_count, bool | np.bool_) or not isinstance(max_count, int | np.integer) \
            or not 1 <= max_count <= MAX_POISSON_COUNT:
        raise ValueError(f"poisson: max_count must be an integer from 1 to {MAX_POISSON_COUNT}, got {max_count!r}")
    lam_arr = np.asarray(lam)
    if lam_arr.dtype.kind not in "iuf":
        raise ValueError(f"poisson: lam must be a number or a numeric array, got dtype {lam_arr.dtype}")
    lam_arr = lam_arr.astype(np.float64)
    bad = lam_arr[~(np.isfinite(lam_arr) & (lam_arr >= 0.0) & (lam_arr <= MAX_POISSON_MEAN))]
    if bad.size:
        raise ValueError(f"poisson: lam must be finite and from 0 to {MAX_POISSON_MEAN}, got {float(bad.flat[0])!r}")
    (x0, x1, _, _), shape = _blocks("poisson", seeds, stream, season, slot, _POISSON, {"lam": lam_arr})
    u = _to_unit(x0, x1)
    mean = np.broadcast_to(_lane_shape(lam_arr, len(shape)), shape)
    pmf = np.exp(-mean)
    cdf = pmf.copy()
    count = np.zeros(shape, dtype=np.int64)
    below = u > cdf
    for k in range(1, int(max_count) + 1):
        if not below.any():
            break
        count += below
        pmf = pmf * mean / k
        cdf += pmf
        below &= u > cdf
    return count


def nested_slot(outer: Any, inner: Any) -> np.ndarray:
    """Slot of the ``inner``-th draw belonging to item ``outer``: ``outer * SLOT_STRIDE + inner``.

    For example lab i's j-th incident tier is ``nested_slot(i, j)``: it does not depend on how many labs
    there are, on the other labs' counts or on the cap on counts. The arguments broadcast with numpy rules
    (use ``labs[None, :, None]`` and ``js[None, None, :]`` for a lane-aligned ``(1, n_labs, k)`` grid).

    Args:
        outer: Item index, integers in ``[0, 2**16)``, any shape.
        inner: Draw index within the item, integers in ``[0, SLOT_STRIDE)``, any shape.

    Returns:
        int64 array of the broadcast shape, slots in ``[0, 2**32)``.

    Raises:
        ValueError: If an index is not an integer or is out of range.

    """
    limit = SLOT_LIMIT // SLOT_STRIDE
    out_arr, in_arr = np.asarray(outer), np.asarray(inner)
    for name, arr, top in (("outer", out_arr, limit), ("inner", in_arr, SLOT_STRIDE)):
        if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() >= top)):
            raise ValueError(f"nested_slot: {name} must hold integers from 0 to {top - 1}")
    return out_arr.astype(np.int64) * SLOT_STRIDE + in_arr.astype(np.int64)
