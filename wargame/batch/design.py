"""Design of a batch: scenarios x parameter samples x replications, with seeds.

A *sample* is one set of parameter overrides (dotted scenario paths such as ``"parameters.enmity"``).
Samples come from a full-factorial grid (``--set key=v1,v2``), or from Latin hypercube, Sobol or Morris
sampling (SALib) over the ranges of a *sweep file*. Every (scenario, sample, replication) is one run with a
``run_id``; run ids are numbered scenario-major, then sample, then replication.

Seeds: the seed of a run is drawn from ``numpy.random.SeedSequence(master_seed, spawn_key=(sample_id,
replication))``, which is exactly ``SeedSequence(master_seed).spawn(n_samples)[sample_id]
.spawn(n_replications)[replication]`` (NumPy's spawn appends the child index to the spawn key). A seed
therefore depends only on (sample, replication): never on the scenario (so scenarios compared in one batch
see common random numbers) and never on how many samples or replications the batch has (so growing a batch
keeps the seeds of existing runs). With ``seed_scope="replication"`` the seed depends on the replication
only, so every sample also sees common random numbers.

Sweep files are TOML, validated strictly (unknown keys, empty or reversed ranges, duplicate names and
parameters the scenario does not accept are errors that name the file and the field)::

    description = "What this sweep explores"

    [[factor]]
    name = "parameters.enmity"      # dotted path into the scenario
    low = 0.2                       # range: used by --lhs / --sobol / --morris
    high = 1.5

    [[factor]]
    name = "parameters.visibility"
    values = [0.0, 0.5, 1.0]        # levels: a full-factorial grid
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

#: Sampling methods for a sweep file's ranges.
Method = Literal["grid", "lhs", "sobol", "morris"]
#: What a run's seed depends on: (sample, replication) or the replication only.
SeedScope = Literal["sample", "replication"]
#: Columns every design table starts with; the parameter columns follow.
DESIGN_COLUMNS = ("run_id", "scenario", "sample_id", "replication", "seed")
#: Default number of Morris grid levels (Morris 1991; SALib default).
MORRIS_LEVELS = 4


class SweepError(ValueError):
    """A sweep file or a ``--set`` option is invalid. The message names the source and the field."""


# --------------------------------------------------------------------------------------------------
# Sweep files
# --------------------------------------------------------------------------------------------------


def _level_key(value: Any) -> tuple[str, Any]:
    """What makes two levels the same run: a bool is its own kind; ``1`` and ``1.0`` are the same number."""
    if isinstance(value, bool | np.bool_):
        return ("bool", bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return ("number", float(value))
    return (type(value).__name__, value)


def repeated_levels(values: Sequence[Any]) -> list[Any]:
    """Levels that occur more than once (``0.3`` and ``0.30``, ``1`` and ``1.0`` count as one), in order."""
    seen: set[tuple[str, Any]] = set()
    out = []
    for v in values:
        key = _level_key(v)
        if key in seen:
            out.append(v)
        seen.add(key)
    return out


def check_levels(grid: Mapping[str, Sequence[Any]], sweep: SweepFile | None = None) -> None:
    """Refuse repeated levels in ``--set`` values (sweep files check their own).

    Raises:
        SweepError: Naming the key and the repeated value.

    """
    for key, values in grid.items():
        repeated = repeated_levels(values)
        if repeated:
            raise SweepError(f"--set {key}: value {repeated[0]!r} is listed more than once (a repeated level would "
                             "run the same sample twice and weigh it double); list each value once")



class _Strict(BaseModel):
    # strict: a quoted number (low = "0.1") is an error, not silently converted; an integer is still a
    # valid float (low = 0).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Factor(_Strict):
    """One swept parameter: a range (``low``/``high``) or a list of levels (``values``).

    Attributes:
        name: Dotted path into the scenario, e.g. ``"parameters.enmity"`` (same as ``--set``).
        low: Lower bound of the range (the parameter's unit).
        high: Upper bound of the range; must exceed ``low``.
        values: Levels for a full-factorial grid.
        integer: Round sampled values to integers (LHS and Sobol only).
        description: Free text.

    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    low: float | None = None
    high: float | None = None
    values: list[bool | int | float | str] | None = Field(default=None, min_length=1)
    integer: bool = False
    description: str = ""

    @model_validator(mode="after")
    def _range_or_values(self) -> Factor:
        has_range = self.low is not None or self.high is not None
        if has_range and self.values is not None:
            raise ValueError("give either low/high (a range) or values (grid levels), not both")
        if not has_range and self.values is None:
            raise ValueError("give low and high (a range) or values (grid levels)")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high")
            if not self.low < self.high:
                raise ValueError(f"low must be below high (got low={self.low}, high={self.high})")
        if self.values is not None:
            repeated = repeated_levels(self.values)
            if repeated:
                raise ValueError("values must not repeat (a repeated level would run the same sample twice and "
                                 f"weigh it double); repeated: {', '.join(map(repr, repeated))}")
        return self

    @property
    def is_range(self) -> bool:
        """True for a range factor, False for a grid (levels) factor."""
        return self.values is None


class SweepFile(_Strict):
    """A validated sweep file: a description and a list of factors with unique names."""

    description: str = ""
    factor: list[Factor] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SweepFile:
        names = [f.name for f in self.factor]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"factor names must be unique; repeated: {', '.join(dup)}")
        return self

    @property
    def ranges(self) -> list[Factor]:
        """Range factors, in file order."""
        return [f for f in self.factor if f.is_range]

    @property
    def levels(self) -> list[Factor]:
        """Grid factors, in file order."""
        return [f for f in self.factor if not f.is_range]


def _format_validation(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        path = ""
        for part in err["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        if err["type"] == "extra_forbidden":
            msg = "unknown key; allowed keys: " + (
                ", ".join(Factor.model_fields) if path.startswith("factor[") else
                ", ".join(SweepFile.model_fields))
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
            if "input" in err and not isinstance(err["input"], dict | list):
                msg += f" (got {err['input']!r})"
        lines.append(f"{source}: {path or '(top level)'}: {msg}")
    return "\n".join(lines)


def load_sweep(path: str | Path) -> SweepFile:
    """Read and validate a sweep file.

    Args:
        path: Path to a TOML sweep file (format in the module docstring).

    Returns:
        The validated sweep.

    Raises:
        SweepError: If the file is missing, is not TOML, or any field is invalid; one line per problem,
            each naming the file and the field.

    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SweepError(f"{path}: cannot read sweep file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepError(f"{path}: invalid TOML: {exc}") from None
    try:
        return SweepFile.model_validate(data)
    except ValidationError as exc:
        raise SweepError(_format_validation(exc, str(path))) from None


# --------------------------------------------------------------------------------------------------
# --set parsing
# --------------------------------------------------------------------------------------------------


def parse_value(text: str) -> bool | int | float | str:
    """Parse one ``--set`` value: TOML-like literals (``true``, ``3``, ``0.5``, ``1e5``), else a string."""
    t = text.strip()
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    try:
        return int(t)
    except ValueError:
        pass
    try:
        value = float(t)
    except ValueError:
        return t.strip("\"'")
    if not math.isfinite(value):
        raise SweepError(f"--set value {text!r}: must be a finite number")
    return value


def parse_set_options(options: Iterable[str]) -> dict[str, list[Any]]:
    """Parse repeated ``--set key=v1,v2,...`` options into ``{key: [values]}``.

    Raises:
        SweepError: On a missing ``=``, an empty key or value list, or a key given twice.

    """
    grid: dict[str, list[Any]] = {}
    for opt in options:
        key, sep, rest = opt.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SweepError(f"--set {opt!r}: expected key=value[,value...], e.g. parameters.enmity=0.2,0.8")
        if not rest.strip():
            raise SweepError(f"--set {opt!r}: no values after '='")
        parts = rest.split(",")
        if any(not v.strip() for v in parts):
            raise SweepError(f"--set {opt!r}: an empty value between commas; list the values as "
                             "v1,v2,... with no empty item")
        values = [parse_value(v) for v in parts]
        if key in grid:
            raise SweepError(f"--set {key}: given more than once; list all values in one option")
        grid[key] = values
    return grid


# --------------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------------


@dataclass
class SampleSet:
    """The parameter samples of a batch, before crossing with scenarios and replications.

    Attributes:
        method: ``"grid"`` (full factorial of levels only) or the sampler of the range factors.
        table: One row per sample (index = sample_id), one column per parameter (dotted name).
        problem: SALib problem dict of the range factors (``num_vars``, ``names``, ``bounds``), if any.
        options: Sampler options needed again at analysis time (e.g. ``N``, ``num_levels``).

    """

    method: Method
    table: pd.DataFrame
    problem: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)


def _salib_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[float(f.low), float(f.high)] for f in factors]}  # type: ignore[arg-type]


def make_samples(
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    sweep: SweepFile | None = None,
    method: Method | None = None,
    n: int | None = None,
    sampler_seed: int = 0,
    morris_levels: int = MORRIS_LEVELS,
) -> SampleSet:
    """Build the parameter samples of a batch.

    The grid (``--set`` levels and the sweep file's ``values`` factors) is crossed with the samples of
    the sweep's range factors (full factorial: grid-major). With no grid and no ranges there is one
    sample with no overrides.

    Args:
        grid: ``{dotted key: [values]}`` from ``--set``; a single value is a fixed override.
        sweep: A validated sweep file.
        method: ``"lhs"``, ``"sobol"`` or ``"morris"`` to sample the sweep's ranges; ``None``/``"grid"``
            when there are no ranges.
        n: Base sample size: number of LHS points; Sobol ``N`` (a power of two; the sample has
            ``N * (D + 2)`` points, first and total order only); Morris trajectories (``N * (D + 1)``
            points).
        sampler_seed: Seed of the sampler (the batch's master seed), so the design is reproducible.
        morris_levels: Number of grid levels of the Morris method.

    Returns:
        The samples.

    Raises:
        SweepError: On an inconsistent request (ranges without a method, a method without ranges, a
            multi-valued grid with Sobol/Morris, a key both in ``--set`` and the sweep file, ...).

    """
    grid = dict(grid or {})
    ranges = sweep.ranges if sweep else []
    for f in sweep.levels if sweep else []:
        if f.name in grid:
            raise SweepError(f"{f.name}: set both by --set and by the sweep file; keep one")
        grid[f.name] = list(f.values or [])
    for f in ranges:
        if f.name in grid:
            raise SweepError(f"{f.name}: set both by --set and by the sweep file; keep one")
    if method == "grid":
        method = None
    if method is not None and not ranges:
        raise SweepError(f"--{method} needs a sweep file (--sweep FILE.toml) with at least one range factor "
                         "(low/high)")
    if ranges and method is None:
        raise SweepError("the sweep file has range factors (" + ", ".join(f.name for f in ranges) +
                         "); choose a sampler: --lhs N, --sobol N or --morris N")
    keys = list(grid)
    combos = list(itertools.product(*(grid[k] for k in keys))) or [()]
    if method is None:
        table = pd.DataFrame([dict(zip(keys, c, strict=True)) for c in combos], columns=keys)
        return SampleSet("grid", table.reset_index(drop=True))

    if n is None or n < 1:
        raise SweepError(f"--{method} N: N must be a positive integer (got {n})")
    multi = [k for k in keys if len(grid[k]) > 1]
    if method in ("sobol", "morris") and multi:
        raise SweepError(f"--{method} cannot be crossed with a multi-valued grid ({', '.join(multi)}): the "
                         "indices need the sampler's exact design; run one batch per grid point instead")
    problem = _salib_problem(ranges)
    options: dict[str, Any] = {"N": int(n)}
    if method == "lhs":
        from SALib.sample import latin

        x = latin.sample(problem, int(n), seed=sampler_seed)
    elif method == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            raise SweepError(f"--sobol N: N must be a power of two for Sobol' sequences (got {n}); "
                             f"try {1 << max(0, int(n).bit_length() - 1)} or {1 << int(n).bit_length()}")
        x = sobol.sample(problem, int(n), calc_second_order=False, scramble=True, seed=sampler_seed)
        options["calc_second_order"] = False
    elif method == "morris":
        from SALib.sample import morris

        if any(f.integer for f in ranges):
            raise SweepError("--morris: integer factors are not supported (elementary effects need the "
                             "exact sampled values)")
        x = morris.sample(problem, int(n), num_levels=morris_levels, seed=sampler_seed)
        options["num_levels"] = int(morris_levels)
    else:  # pragma: no cover - guarded by the Literal type and the CLI
        raise SweepError(f"unknown sampling method {method!r}; allowed: grid, lhs, sobol, morris")
    samples = pd.DataFrame(x, columns=problem["names"])
    for f in ranges:
        if f.integer:
            samples[f.name] = np.rint(samples[f.name]).astype("int64")
    rows = []
    for c in combos:
        fixed = dict(zip(keys, c, strict=True))
        for rec in samples.to_dict(orient="records"):
            rows.append({**fixed, **rec})
    table = pd.DataFrame(rows, columns=[*keys, *problem["names"]])
    return SampleSet(method, table, problem, options)


# --------------------------------------------------------------------------------------------------
# Seeds and the design table
# --------------------------------------------------------------------------------------------------


def run_seed(master_seed: int, sample_id: int, replication: int, scope: SeedScope = "sample") -> int:
    """Seed of one run, a non-negative 63-bit integer.

    Args:
        master_seed: The batch's master seed.
        sample_id: Index of the parameter sample.
        replication: Index of the replication.
        scope: ``"sample"``: depends on (sample, replication); ``"replication"``: on the replication only.

    Returns:
        ``SeedSequence(master_seed, spawn_key=key).generate_state(1, uint64)`` masked to 63 bits, where
        ``key`` is ``(sample_id, replication)`` or ``(replication,)``.

    """
    key = (int(sample_id), int(replication)) if scope == "sample" else (int(replication),)
    state = np.random.SeedSequence(int(master_seed), spawn_key=key).generate_state(1, dtype=np.uint64)[0]
    return int(state) & ((1 << 63) - 1)


def build_design(
    scenarios: Sequence[str],
    samples: SampleSet,
    replications: int,
    master_seed: int,
    seed_scope: SeedScope = "sample",
) -> pd.DataFrame:
    """Cross scenarios x samples x replications into the design table.

    Args:
        scenarios: Scenario names (as given; also the ``scenario`` column).
        samples: The parameter samples.
        replications: Runs per (scenario, sample).
        master_seed: Master seed of the batch.
        seed_scope: See :func:`run_seed`.

    Returns:
        One row per run: ``run_id, scenario, sample_id, replication, seed`` and one column per parameter.

    """
    if replications < 1:
        raise SweepError(f"--replications must be at least 1 (got {replications})")
    if not scenarios:
        raise SweepError("no scenario given")
    if len(set(scenarios)) != len(scenarios):
        raise SweepError("a scenario is listed more than once: " + ", ".join(scenarios))
    n_samples = len(samples.table)
    seeds = np.array([[run_seed(master_seed, s, r, seed_scope) for r in range(replications)]
                      for s in range(n_samples)], dtype=np.int64)
    sample_ids = np.repeat(np.arange(n_samples, dtype=np.int64), replications)
    reps = np.tile(np.arange(replications, dtype=np.int64), n_samples)
    params = samples.table.iloc[sample_ids].reset_index(drop=True)
    parts = []
    for i, name in enumerate(scenarios):
        base = pd.DataFrame({
            "run_id": np.arange(len(sample_ids), dtype=np.int64) + i * len(sample_ids),
            "scenario": name,
            "sample_id": sample_ids,
            "replication": reps,
            "seed": seeds.reshape(-1),
        })
        parts.append(pd.concat([base, params], axis=1))
    design = pd.concat(parts, ignore_index=True)
    design["scenario"] = design["scenario"].astype(str)
    return design


def parameter_columns(design: pd.DataFrame) -> list[str]:
    """Names of the parameter (override) columns of a design table."""
    return [c for c in design.columns if c not in DESIGN_COLUMNS]


def overrides_of(row: Mapping[str, Any], params: Sequence[str]) -> dict[str, Any]:
    """The overrides of one design row as plain Python values (NaN-free)."""
    out = {}
    for p in params:
        v = row[p]
        if isinstance(v, np.generic):
            v = v.item()
        out[p] = v
    return out


def design_hash(design: pd.DataFrame) -> str:
    """SHA-256 (hex) of a design table's canonical JSON form: equal designs hash equal."""
    payload = {"columns": list(map(str, design.columns)),
               "dtypes": [str(t) for t in design.dtypes],
               "rows": design.astype(object).where(design.notna(), None).values.tolist()}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def field_bounds(scenario: Any, dotted: str) -> tuple[float | None, bool, float | None, bool] | None:
    """Allowed range of a scenario field, from its pydantic metadata (``ge``/``gt``/``le``/``lt``).

    Args:
        scenario: A scenario object (a pydantic model; list items are addressed by seat ``id``).
        dotted: Dotted path, e.g. ``"parameters.enmity"`` or ``"labs.us_lab_a.base_safety_share"``.

    Returns:
        ``(low, low_inclusive, high, high_inclusive)`` (a bound is ``None`` when absent), or ``None`` when
        the path does not lead to a pydantic field (the scenario's own validation reports that).

    """
    node: Any = scenario
    parts = dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = next((item for item in node if getattr(item, "id", None) == part), None)
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    fields = getattr(type(node), "model_fields", None)
    if not isinstance(node, BaseModel) or not fields or parts[-1] not in fields:
        return None
    low = high = None
    low_incl = high_incl = True
    for m in fields[parts[-1]].metadata:
        if getattr(m, "ge", None) is not None:
            low, low_incl = float(m.ge), True
        if getattr(m, "gt", None) is not None:
            low, low_incl = float(m.gt), False
        if getattr(m, "le", None) is not None:
            high, high_incl = float(m.le), True
        if getattr(m, "lt", None) is not None:
            high, high_incl = float(m.lt), False
    if low is None and high is None:
        return None
    return low, low_incl, high, high_incl


def _format_bounds(bounds: tuple[float | None, bool, float | None, bool]) -> str:
    low, low_incl, high, high_incl = bounds
    lo = "(-inf" if low is None else ("[" if low_incl else "(") + f"{low:g}"
    hi = "inf)" if high is None else f"{high:g}" + ("]" if high_incl else ")")
    return f"{lo}, {hi}"


def _range_ends(f: Factor) -> tuple[Any, Any]:
    """The extreme values a range factor can take: ``low``/``high`` (rounded for integer factors)."""
    low, high = float(f.low), float(f.high)  # type: ignore[arg-type]
    if f.integer:
        return int(np.rint(low)), int(np.rint(high))
    return low, high


def _current_value(dump: Any, dotted: str) -> tuple[bool, Any]:
    """``(found, value)`` of a field of a dumped scenario by dotted path (list items by seat ``id``)."""
    node = dump
    for part in dotted.split("."):
        if isinstance(node, list):
            node = next((item for item in node if isinstance(item, dict) and item.get("id") == part), None)
            if node is None:
                return False, None
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False, None
    return True, node


def _kind(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "a boolean (true/false)"
    if isinstance(value, int | float | np.integer | np.floating):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _check_type(scenario: Any, dump: Any, key: str, value: Any, source: str) -> None:
    """Refuse an override whose kind differs from the field's: booleans, numbers and text are not mixed.

    Overrides are strict, as sweep files are: the scenario's own validation would silently turn ``true``
    into ``1.0``.
    """
    found, current = _current_value(dump, key)
    if not found or current is None:
        return  # unknown or optional field: the scenario's own validation decides
    want, got = _kind(current), _kind(value)
    if want in ("a boolean (true/false)", "a number", "text") and want != got:
        raise SweepError(f"{source}: {key} = {value!r} is {got}, but {key} takes {want} "
                         f"(currently {current!r} in scenario {scenario.name!r}); a boolean is not a number")


def validate_overrides(scenario: Any, samples: SampleSet, source: str = "--set / sweep file",
                       sweep: SweepFile | None = None) -> None:
    """Check the overrides of a batch against a scenario (cheap: re-validation only, no model run).

    Range factors are checked at their declared ``low`` and ``high`` (so the check does not depend on
    which values the sampler happened to draw), each against the field's allowed range from the pydantic
    metadata first, for a message naming the factor and the range, then by re-validating the scenario at
    both ends. Every distinct grid row is checked too.

    Raises:
        SweepError: Naming the source (sweep file), the parameter and the allowed range, or quoting the
            scenario's own error message.

    """
    from wargame.scenario import ScenarioError

    table = samples.table
    ranges = list(sweep.ranges) if sweep is not None else []
    if samples.problem and not ranges:  # samples built without the sweep object: use the SALib bounds
        ranges = [Factor(name=n, low=float(b[0]), high=float(b[1]))
                  for n, b in zip(samples.problem["names"], samples.problem["bounds"], strict=True)]
    problems = []
    for f in ranges:
        bounds = field_bounds(scenario, f.name)
        if bounds is None:
            continue
        low, low_incl, high, high_incl = bounds
        for label, v in zip(("low", "high"), _range_ends(f), strict=True):
            below = low is not None and (v < low or (v == low and not low_incl))
            above = high is not None and (v > high or (v == high and not high_incl))
            if below or above:
                problems.append(f"{source}: factor {f.name}: {label} = {v:g} is outside the allowed range "
                                f"{_format_bounds(bounds)} of scenario {scenario.name!r}")
    if problems:
        raise SweepError("\n".join(problems))
    if table.empty or not len(table.columns):
        return
    ranged = [f.name for f in ranges]
    grid_cols = [c for c in table.columns if c not in ranged]
    probes: list[dict[str, Any]] = []
    grid_rows = table[grid_cols].drop_duplicates() if grid_cols else pd.DataFrame([{}])
    ends = [_range_ends(f) for f in ranges]
    for _, g in grid_rows.iterrows():
        base = overrides_of(g, grid_cols)
        if ranged:
            probes.append({**base, **{n: e[0] for n, e in zip(ranged, ends, strict=True)}})
            probes.append({**base, **{n: e[1] for n, e in zip(ranged, ends, strict=True)}})
        else:
            probes.append(base)
    dump = scenario.model_dump(mode="python") if hasattr(scenario, "model_dump") else None
    for probe in probes:
        for key, value in probe.items():
            _check_type(scenario, dump, key, value, source)
        try:
            scenario.with_overrides(probe)
        except ScenarioError as exc:
            raise SweepError(f"{source}: scenario {scenario.name!r} rejects {probe}:\n{exc}") from None
