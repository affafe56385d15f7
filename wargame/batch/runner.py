"""Running a design in chunks: the tasks, the worker function and the per-run table schemas.

The worker entry point, :func:`execute_chunk`, lives in this importable module (never in ``__main__``),
so it pickles by reference under every start method and on Dask workers, and works from Jupyter.
Each task is a *chunk* of runs of one scenario (:func:`default_chunk_size`: 1,000 runs or more locally,
5,000 or more on Dask, unless the batch is small); a chunk returns Arrow tables (per-run summary and, when
the batch records them, the tidy long time series) that the parent streams to the results store. The
parent keeps at most ``window`` chunks in flight, so memory stays flat however many runs a batch has.

Engines (the executors are opened by :func:`wargame.batch.workers.make_executor`):

* ``local``: :class:`concurrent.futures.ProcessPoolExecutor` with the ``forkserver`` start method (POSIX;
  ``spawn`` elsewhere). The fork server preloads this module only, not ``__main__``, so a script with no
  ``if __name__ == "__main__"`` guard and a notebook both work, and workers never inherit the parent's
  threads (tqdm, Dask, Jupyter).
* ``dask``: ``distributed.Client(address).get_executor()``, or a ``LocalCluster`` when no address is
  given. ``SLURMCluster`` (dask-jobqueue) and Kubernetes clusters expose a scheduler address the same way.
"""

from __future__ import annotations

import math
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from wargame.batch.ensemble import RunGroup, group_runs, parameter_lanes, play_group, records_to_long

#: A run function: (scenario, seed) -> (summary scalars, model time series as {column: values}).
RunFn = Callable[[Any, int], tuple[Mapping[str, Any], Mapping[str, Sequence[Any]]]]
Engine = Literal["local", "dask"]

#: Per-run summary columns after the keys: (name, Arrow type). Metrics come from ``model.summary()``.
SUMMARY_METRICS: tuple[tuple[str, pa.DataType], ...] = (
    ("outcome", pa.string()),
    ("final_lead_months", pa.float64()),
    ("compute_ratio", pa.float64()),
    ("adoption_share_us", pa.float64()),
    ("incidents", pa.int64()),
    ("major_incidents", pa.int64()),
    ("cumulative_incident_probability", pa.float64()),
    ("mean_safety_share", pa.float64()),
    ("mean_race_pressure", pa.float64()),
    ("seasons_played", pa.int64()),
)
#: Summary metrics stored as (nullable) integers: null for a failed run.
INTEGER_METRICS = tuple(name for name, typ in SUMMARY_METRICS if pa.types.is_integer(typ))
#: Prefix of the per-seat score columns: ``score_<seat id>`` (cumulative points at the end of the run).
SCORE_PREFIX = "score_"
#: The fixed part of the summary schema; a batch appends its score columns (see :func:`summary_schema`).
SUMMARY_SCHEMA = pa.schema([
    ("run_id", pa.int64()),
    ("scenario", pa.string()),
    ("sample_id", pa.int64()),
    ("replication", pa.int64()),
    ("seed", pa.int64()),
    ("status", pa.string()),
    ("error", pa.string()),
    *SUMMARY_METRICS,
])
TIMESERIES_SCHEMA = pa.schema([
    ("run_id", pa.int64()),
    ("season", pa.string()),
    ("variable", pa.string()),
    ("value", pa.float64()),
])
#: :data:`TIMESERIES_SCHEMA` as a chunk sends it to the parent: the repeated ``season`` and ``variable`` texts
#: dictionary-encoded, which halves the bytes sent and held (a run of ``baseline`` has 638 rows). The store
#: writes them without the Arrow schema, so they read back as plain strings.
TIMESERIES_WIRE_SCHEMA = pa.schema([
    ("run_id", pa.int64()),
    ("season", pa.dictionary(pa.int32(), pa.string())),
    ("variable", pa.dictionary(pa.int32(), pa.string())),
    ("value", pa.float64()),
])
#: Longest error text kept per failed run (characters).
MAX_ERROR_CHARS = 2000


def scenario_seat_ids(scenario: Any) -> list[str]:
    """Seat ids of a scenario, in its seat order (``scenario.seats()``); none for an object without seats."""
    seats = getattr(scenario, "seats", None)
    return [str(s.id) for s in seats()] if callable(seats) else []


def score_columns(scenarios: Iterable[Any]) -> list[str]:
    """Score columns of a batch: ``score_<seat id>`` for every seat of its scenarios.

    The union over the scenarios, in first-seen order (scenario order, then each scenario's seat order), so
    the columns are known before any run and every chunk of the batch has the same schema.
    """
    return list(dict.fromkeys(f"{SCORE_PREFIX}{seat}" for sc in scenarios for seat in scenario_seat_ids(sc)))


def summary_schema(scores: Sequence[str] = ()) -> pa.Schema:
    """The summary schema of a batch: :data:`SUMMARY_SCHEMA` then one float64 column per score column."""
    if not scores:
        return SUMMARY_SCHEMA
    return pa.schema([*SUMMARY_SCHEMA, *((name, pa.float64()) for name in scores)])


# --------------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------------


def run_model(scenario: Any, seed: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Play one game of the model to its end: the default run function.

    Args:
        scenario: A validated :class:`wargame.scenario.Scenario` (overrides already applied).
        seed: The run's seed.

    Returns:
        ``(model.summary(), model vars)``: the summary scalars (``score_<seat id>`` among them) and the
        DataCollector's model variables, one list per column, one entry per season (the initial row
        included).

    """
    from wargame.model import AIRaceModel

    model = AIRaceModel(scenario, seed=seed)
    model.run_to_end()
    dc = model.datacollector
    series = getattr(dc, "model_vars", None)
    if not series:
        series = dc.get_model_vars_dataframe().reset_index(drop=True).to_dict(orient="list")
    return model.summary(), series


@dataclass(frozen=True)
class ChunkTask:
    """One unit of work: runs of one scenario.

    Attributes:
        scenario: The base scenario object (pickled to the worker; no file access needed there).
        scenario_name: Name recorded in the ``scenario`` column.
        run_ids, sample_ids, replications, seeds: One entry per run.
        overrides: One override dict per run (dotted paths to values).
        run_fn: Importable run function (default :func:`run_model`).
        timeseries: Whether to return the long time series.
        scores: Score columns of the batch (:func:`score_columns`), the same for every task of a batch;
            each is read from the run's summary, null where the run has no such score.

    """

    scenario: Any
    scenario_name: str
    run_ids: tuple[int, ...]
    sample_ids: tuple[int, ...]
    replications: tuple[int, ...]
    seeds: tuple[int, ...]
    overrides: tuple[dict[str, Any], ...]
    run_fn: RunFn = run_model
    timeseries: bool = False
    scores: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.run_ids)


@dataclass
class ChunkResult:
    """Output of one chunk: Arrow tables with the batch's :func:`summary_schema` and :data:`TIMESERIES_WIRE_SCHEMA`."""

    summary: pa.Table
    timeseries: pa.Table | None

    @property
    def n_failed(self) -> int:
        """Runs of the chunk that raised."""
        return int(sum(1 for s in self.summary.column("status").to_pylist() if s != "ok"))


def _describe_error(exc: BaseException) -> str:
    """``Type: message (at file:line in function)`` of an exception, truncated."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        last = tb[-1]
        text += f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"
    return text[:MAX_ERROR_CHARS]


def _to_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _to_int(value: Any) -> int | None:
    """An integer count, or None for a missing or non-integral value."""
    if value is None:
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    f = _to_float(value)
    return int(f) if f is not None and f.is_integer() else None


def _metric(value: Any, typ: pa.DataType) -> Any:
    if pa.types.is_string(typ):
        return None if value is None else str(value)
    if pa.types.is_integer(typ):
        return _to_int(value)
    return _to_float(value)


def _series_to_long(run_id: int, series: Mapping[str, Sequence[Any]]) -> tuple[list, list, list]:
    """Tidy long rows of one run: (seasons, variables, values) for every numeric model variable."""
    seasons = [str(s) for s in series.get("season", ())]
    if not seasons:
        n = max((len(v) for v in series.values()), default=0)
        seasons = [str(i) for i in range(n)]
    out_s: list[str] = []
    out_var: list[str] = []
    out_val: list[float] = []
    for var, values in series.items():
        if var == "season" or len(values) != len(seasons):
            continue
        arr = np.asarray(values)
        if arr.dtype.kind in "biuf":
            vals = arr.astype(np.float64).tolist()
        elif arr.dtype.kind == "O":
            vals = [_to_float(v) for v in values]
            if all(v is None for v in vals):
                continue
        else:
            continue
        out_s.extend(seasons)
        out_var.extend([var] * len(seasons))
        out_val.extend(vals)
    return out_s, out_var, out_val


def execute_chunk(task: ChunkTask) -> ChunkResult:
    """Run every run of a chunk; a run that raises is recorded with ``status="error"`` and its message.

    This is the function submitted to executors. It never raises for a model error. With the default run
    function the chunk's runs are played as ensembles (:mod:`wargame.batch.ensemble`): the runs sharing
    every override but ``parameters.*`` at once, lane r being exactly the single game of run r. If an
    ensemble raises, its runs are played one by one, so only the failing run is recorded as failed.

    Args:
        task: The chunk.

    Returns:
        The chunk's summary table (one row per run, in ``run_id`` order) and time-series table.

    """
    n = len(task)
    metrics = [*SUMMARY_METRICS, *((name, pa.float64()) for name in task.scores)]
    cols: dict[str, list[Any]] = {"run_id": list(task.run_ids), "scenario": [task.scenario_name] * n,
                                  "sample_id": list(task.sample_ids), "replication": list(task.replications),
                                  "seed": list(task.seeds), "status": ["ok"] * n, "error": [None] * n}
    cols.update({name: [None] * n for name, _ in metrics})
    series: dict[int, tuple[list, list, list]] = {}  # position -> one run's long time series
    single = list(range(n))
    if task.run_fn is run_model:
        single = []
        for group in group_runs(task.overrides):
            single.extend(_play_ensemble(task, group, metrics, cols, series))
    cache: dict[str, Any] = {}
    for i in single:
        try:
            overrides = task.overrides[i]
            key = repr(sorted(overrides.items()))
            scenario = cache.get(key)
            if scenario is None:
                scenario = task.scenario.with_overrides(overrides) if overrides else task.scenario
                cache[key] = scenario
            summary, run_series = task.run_fn(scenario, int(task.seeds[i]))
            for name, typ in metrics:
                cols[name][i] = _metric(summary.get(name), typ)
            if task.timeseries:
                series[i] = _series_to_long(task.run_ids[i], run_series)
        except Exception as exc:  # noqa: BLE001 - a failed run is data, not an abort
            cols["status"][i], cols["error"][i] = "error", _describe_error(exc)
    summary_table = pa.table(cols, schema=summary_schema(task.scores))
    ts_table = None
    if task.timeseries:
        ts_run: list[int] = []
        ts_season: list[str] = []
        ts_var: list[str] = []
        ts_val: list[float | None] = []
        for i in sorted(series):
            s, var, val = series[i]
            ts_run.extend([task.run_ids[i]] * len(s))
            ts_season.extend(s)
            ts_var.extend(var)
            ts_val.extend(val)
        ts_table = pa.table({"run_id": pa.array(ts_run, pa.int64()),
                             "season": pa.array(ts_season, pa.string()).dictionary_encode(),
                             "variable": pa.array(ts_var, pa.string()).dictionary_encode(),
                             "value": pa.array(ts_val, pa.float64())}, schema=TIMESERIES_WIRE_SCHEMA)
    return ChunkResult(summary_table, ts_table)


def _play_ensemble(task: ChunkTask, group: RunGroup, metrics: list[tuple[str, pa.DataType]],
                   cols: dict[str, list[Any]], series: dict[int, tuple[list, list, list]]) -> list[int]:
    """Play one group of a chunk as an ensemble, filling its runs' rows; returns the runs left to play alone.

    Runs whose parameter values their fields refuse are recorded as failed here. The rest are returned to be
    played one by one when there is only one, or when the ensemble raised.
    """
    try:
        scenario = task.scenario.with_overrides(group.overrides) if group.overrides else task.scenario
    except Exception:  # noqa: BLE001 - each run then fails alone with the scenario's message
        return group.positions
    values, errors = parameter_lanes(scenario, [task.overrides[i] for i in group.positions])
    good = []
    for k, (i, error) in enumerate(zip(group.positions, errors, strict=True)):
        if error is None:
            good.append(k)
        else:
            cols["status"][i], cols["error"][i] = "error", error[:MAX_ERROR_CHARS]
    positions = [group.positions[k] for k in good]
    if len(positions) < 2:
        return positions
    try:
        summary, records = play_group(scenario, [task.seeds[i] for i in positions],
                                      {name: arr[good] for name, arr in values.items()}, task.timeseries)
    except Exception:  # noqa: BLE001 - played one by one, the failing run is found and recorded
        return positions
    for name, typ in metrics:
        column = summary.get(name)
        if column is None:
            continue
        for i, value in zip(positions, _metric_column(column, typ), strict=True):
            cols[name][i] = value
    if task.timeseries and records:
        for lane, i in enumerate(positions):
            series[i] = records_to_long(records, lane)
    return []


def _metric_column(values: np.ndarray, typ: pa.DataType) -> list[Any]:
    """An ensemble's summary array as the Python values of a summary column (:func:`_metric` for each run)."""
    if pa.types.is_string(typ):
        return [str(v) for v in values.tolist()]
    arr = np.asarray(values, dtype=np.float64)
    if pa.types.is_integer(typ):
        return [int(v) if math.isfinite(v) and v.is_integer() else None for v in arr.tolist()]
    return arr.tolist()


# --------------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------------


#: Fewest runs per task when the batch is large enough, per engine. A run of ``baseline`` takes about 11 ms
#: (docs/batch.md, Benchmark), so a local task is about 11 s of work and a Dask task about 55 s: the cost of
#: sending a task, a scenario and its results (milliseconds locally, up to about a second on a cluster)
#: stays well under 1% of it. Illustrative.
MIN_CHUNK_RUNS: dict[str, int] = {"local": 1_000, "dask": 5_000}


def default_chunk_size(n_runs: int, workers: int, engine: str = "local") -> int:
    """Runs per task: at least :data:`MIN_CHUNK_RUNS` (1,000 locally, 5,000 on Dask) unless the batch is small.

    * A batch smaller than ``workers x minimum`` is split evenly across the workers: ``ceil(n_runs /
      workers)`` runs per task, so every worker gets a share (2 workers share a 600-run batch, 300 each).
    * A larger batch is cut into tasks of ``ceil(n_runs / t)`` runs, at least the minimum and under twice
      it, with ``t = workers x floor(n_runs / (minimum x workers))``: whole rounds of the workers (2,500
      local runs on 2 workers: 2 tasks of 1,250, not 1,000 + 1,000 + 500; above minimum² runs the rounding
      up may save a few tasks).

    A task holds runs of one scenario (:func:`iter_chunks`), so a scenario with fewer runs than this makes a
    smaller task.

    Args:
        n_runs: Runs to do (those missing, on a resume).
        workers: Tasks that run at once (local processes, Dask worker threads).
        engine: ``"local"`` or ``"dask"`` (:data:`MIN_CHUNK_RUNS`).

    Returns:
        Runs per task, at least 1.

    Raises:
        ValueError: On an unknown engine.

    """
    if engine not in MIN_CHUNK_RUNS:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(MIN_CHUNK_RUNS)}")
    if n_runs <= 0:
        return 1
    workers = max(1, int(workers))
    minimum = MIN_CHUNK_RUNS[engine]
    if n_runs < workers * minimum:
        return -(-n_runs // workers)
    tasks = workers * (n_runs // (minimum * workers))
    return -(-n_runs // tasks)


def iter_chunks(
    design: pd.DataFrame,
    scenarios: Mapping[str, Any],
    chunk_size: int,
    run_fn: RunFn = run_model,
    timeseries: bool = False,
    scores: Sequence[str] = (),
) -> Iterator[ChunkTask]:
    """Split design rows (e.g. the missing runs) into tasks of at most ``chunk_size`` runs of one scenario.

    Args:
        design: Design rows to run, any subset of a design table.
        scenarios: Scenario objects by name.
        chunk_size: Maximum runs per task.
        run_fn: Run function passed to the workers.
        timeseries: Whether workers return time series.
        scores: Score columns of the batch (:func:`score_columns`), given to every task.

    Yields:
        Tasks in ``run_id`` order.

    """
    from wargame.batch.design import overrides_of, parameter_columns

    params = parameter_columns(design)
    design = design.sort_values("run_id", kind="stable")
    for name, rows in design.groupby("scenario", sort=False):
        recs = rows.to_dict(orient="records")
        for start in range(0, len(recs), chunk_size):
            part = recs[start:start + chunk_size]
            yield ChunkTask(
                scenario=scenarios[str(name)],
                scenario_name=str(name),
                run_ids=tuple(int(r["run_id"]) for r in part),
                sample_ids=tuple(int(r["sample_id"]) for r in part),
                replications=tuple(int(r["replication"]) for r in part),
                seeds=tuple(int(r["seed"]) for r in part),
                overrides=tuple(overrides_of(r, params) for r in part),
                run_fn=run_fn,
                timeseries=timeseries,
                scores=tuple(scores),
            )
