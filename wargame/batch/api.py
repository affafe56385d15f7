"""Python API: run or load a batch from a notebook or a script and get pandas DataFrames.

Example (works as-is in Jupyter and in a script without an ``if __name__ == "__main__"`` guard, because
the worker function lives in :mod:`wargame.batch.runner` and the fork server does not import ``__main__``)::

    from wargame.batch import run_batch

    res = run_batch(["baseline"], replications=200, grid={"parameters.enmity": [0.3, 1.2]})
    res.outcomes()          # P(S1), P(S2), P(contested) with Wilson 95% intervals per scenario x sample
    res.runs()              # one row per run: design columns + status + outcome metrics + score_<seat>
    res.scores()            # mean score per seat with its standard error, per scenario x sample
    res.timeseries(["lead_months"])  # only with run_batch(..., timeseries=True)

The results type, :class:`wargame.batch.results.BatchResult` (and :func:`load_results`), lives in
:mod:`wargame.batch.results`; both are importable from here and from :mod:`wargame.batch`.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wargame.batch import design as dsg
from wargame.batch.compaction import compact as compact_store
from wargame.batch.lock import FolderLock
from wargame.batch.results import BatchResult
from wargame.batch.results import load_results as load_results  # re-exported: the API's way to open a folder
from wargame.batch.runner import (
    ChunkResult,
    ChunkTask,
    Engine,
    RunFn,
    default_chunk_size,
    iter_chunks,
    run_model,
    scenario_seat_ids,
    score_columns,
)
from wargame.batch.sizing import MAX_RUNS, BatchSize, check_size, sample_count
from wargame.batch.store import ResultsStore
from wargame.batch.workers import cap_workers, default_workers, make_executor, run_tasks

DEFAULT_SCENARIO = "baseline"
DEFAULT_REPLICATIONS = 100
DEFAULT_SEED = 1


class BatchWarning(UserWarning):
    """Something the user should know about a batch that still runs (workers lowered, damaged parts re-run)."""


def _warn(message: str) -> None:
    warnings.warn(message, BatchWarning, stacklevel=3)


def batch_size(
    scenarios: str | Sequence[Any] = DEFAULT_SCENARIO,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    grid: Mapping[str, Sequence[Any] | Any] | None = None,
    sweep: str | Path | dsg.SweepFile | None = None,
    method: dsg.Method | None = None,
    n: int | None = None,
    timeseries: bool = False,
) -> BatchSize:
    """The size of a batch from its options, without loading scenarios or building anything.

    Arguments are those of :func:`plan_batch`.

    Raises:
        wargame.batch.design.SweepError: If the sweep file is invalid.

    """
    n_scenarios = 1 if isinstance(scenarios, str | Path) else len(list(scenarios))
    grid = {k: (list(v) if isinstance(v, list | tuple) else [v]) for k, v in (grid or {}).items()}
    sweep_obj = dsg.load_sweep(sweep) if isinstance(sweep, str | Path) else sweep
    return BatchSize(n_scenarios, sample_count(grid, sweep_obj, method, n), int(replications), bool(timeseries))


@dataclass
class BatchPlan:
    """Everything needed to run (or resume) a batch, built by :func:`plan_batch`.

    Attributes:
        scenarios: Scenario objects by name, in batch order.
        samples: The parameter samples.
        design: The design table.
        manifest: Identity of the batch (written to ``manifest.json``).

    """

    scenarios: dict[str, Any]
    samples: dsg.SampleSet
    design: pd.DataFrame
    manifest: dict[str, Any]

    @property
    def default_out(self) -> Path:
        """``results/batch-<first 12 hex of the batch identity>``: the same command maps to the same folder.

        A batch with time series and one without are two batches, in two folders. The identity of a batch
        with time series leaves the setting out, so its folder keeps the name it had when time series were
        the default (and a batch of that older default resumes there).
        """
        import hashlib
        import json

        keys = ["scenarios", "design_hash", "master_seed", "code_version"]
        if not self.manifest.get("timeseries"):
            keys.append("timeseries")
        ident = json.dumps({k: self.manifest[k] for k in keys}, sort_keys=True)
        return Path("results") / f"batch-{hashlib.sha256(ident.encode()).hexdigest()[:12]}"


def _distinguishing_suffixes(paths: Sequence[Path]) -> list[str] | None:
    """Shortest trailing path parts (without ``.toml``) that tell the paths apart, or None if none do."""
    parts = [p.with_suffix("").parts for p in paths]
    for k in range(1, max(len(p) for p in parts) + 1):
        tails = ["/".join(p[-k:]) for p in parts]
        if len(set(tails)) == len(tails):
            return tails
    return None


def _load_scenarios(scenarios: Iterable[Any]) -> dict[str, Any]:
    """Load scenarios and key them by a label that is unique in the batch.

    The label is the scenario's ``name`` (e.g. ``baseline``, also for a scenario given as a path), so it
    reads the same in tables, file names and ``--only-scenario``. When two scenarios of the batch share a
    name but differ in content, each label gets a disambiguator in parentheses: the shortest trailing
    part of the file paths that tells them apart (``baseline (a/x)`` and ``baseline (b/x)`` for
    ``runs/a/x.toml`` and ``runs/b/x.toml``), or the first 8 hex of the content hash for scenarios given
    as objects. The same scenario listed twice is an error.
    """
    from wargame.scenario import ScenarioError, load_scenario, resolve_scenario_path

    scenarios = list(scenarios)
    objs = [load_scenario(s) if isinstance(s, str | Path) else s for s in scenarios]
    given = [str(s) if isinstance(s, str | Path) else obj.name for s, obj in zip(scenarios, objs, strict=True)]
    paths: list[Path | None] = []
    for s in scenarios:
        try:
            paths.append(resolve_scenario_path(s).resolve() if isinstance(s, str | Path) else None)
        except ScenarioError:  # pragma: no cover - load_scenario succeeded, so the path resolves
            paths.append(None)
    hashes = [obj.content_hash() for obj in objs]
    names = [str(obj.name) for obj in objs]
    labels = list(names)
    for name in dict.fromkeys(names):
        group = [i for i, n in enumerate(names) if n == name]
        for i in group:
            twins = [given[j] for j in group if hashes[j] == hashes[i]]
            if len(twins) > 1:
                raise dsg.SweepError(f"scenario {name!r} is listed more than once, with the same content "
                                     f"({', '.join(twins)}); list it once")
        if len(group) == 1:
            continue
        group_paths = [paths[i] for i in group]
        tails = (_distinguishing_suffixes(group_paths)  # type: ignore[arg-type]
                 if all(p is not None for p in group_paths) else None)
        for k, i in enumerate(group):
            labels[i] = f"{name} ({tails[k] if tails else hashes[i][:8]})"
    return dict(zip(labels, objs, strict=True))


def _thresholds(scenario: Any) -> dict[str, float] | None:
    """Outcome thresholds (months of lead) of a scenario, for the fan charts."""
    outcome = getattr(scenario, "outcome", None)
    try:
        return {"s1": float(outcome.s1_lead_months), "s2": float(outcome.s2_lead_months)}
    except AttributeError:
        return None


def plan_batch(
    scenarios: str | Sequence[Any] = DEFAULT_SCENARIO,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    grid: Mapping[str, Sequence[Any] | Any] | None = None,
    sweep: str | Path | dsg.SweepFile | None = None,
    method: dsg.Method | None = None,
    n: int | None = None,
    seed_scope: dsg.SeedScope = "sample",
    timeseries: bool = False,
    max_runs: int | None = MAX_RUNS,
    announce: Callable[[BatchSize], None] | None = None,
) -> BatchPlan:
    """Load scenarios, build and validate the samples and the design. Nothing runs.

    The size is checked first, from the options alone (:mod:`wargame.batch.sizing`), so an oversized
    batch is refused before anything is built.

    Args:
        scenarios: Scenario names or paths (or Scenario objects); one or several.
        replications: Runs per scenario and sample.
        seed: Master seed.
        grid: Full-factorial levels ``{dotted key: [values]}``; a scalar is a fixed override.
        sweep: Sweep file (path or loaded) with ranges and/or levels.
        method: ``"lhs"``, ``"sobol"`` or ``"morris"`` for the sweep's ranges.
        n: Sample size of the method (see :func:`wargame.batch.design.make_samples`).
        seed_scope: ``"sample"`` (seed from (sample, replication)) or ``"replication"``.
        timeseries: Also store the long time series of every run (every numeric model variable per
            season, about 640 rows per run of ``baseline``): needed for lead bands and fan charts. Off by
            default: the per-run summaries are about a fifth of the disk.
        max_runs: Refuse batches of more runs (default :data:`wargame.batch.sizing.MAX_RUNS`); ``None`` for
            no limit (a batch whose plan would not fit in memory is refused anyway).
        announce: Called with the batch's size once the options are valid, before the design is built.

    Raises:
        wargame.scenario.ScenarioError: On an unknown or invalid scenario.
        wargame.batch.design.SweepError: On an invalid sweep or ``--set`` (values of the wrong type, repeated
            levels, ...).
        wargame.batch.sizing.BatchTooLargeError: On a batch over ``max_runs`` runs or over the memory.

    """
    import wargame

    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= int(seed) < 2**63:
        raise dsg.SweepError(f"seed must be a non-negative integer below 2**63, got {seed!r}")
    if isinstance(scenarios, str | Path):
        scenarios = [scenarios]
    grid = {k: (list(v) if isinstance(v, list | tuple) else [v]) for k, v in (grid or {}).items()}
    sweep_obj = dsg.load_sweep(sweep) if isinstance(sweep, str | Path) else sweep
    dsg.check_levels(grid, sweep_obj)
    size = batch_size(scenarios, replications=replications, grid=grid, sweep=sweep_obj, method=method, n=n,
                      timeseries=timeseries)
    check_size(size, max_runs, default_workers())
    objs = _load_scenarios(scenarios)
    samples = dsg.make_samples(grid=grid, sweep=sweep_obj, method=method, n=n, sampler_seed=seed)
    for obj in objs.values():
        dsg.validate_overrides(obj, samples, source=str(sweep) if sweep else "--set", sweep=sweep_obj)
    if announce is not None:
        announce(size)
    design = dsg.build_design(list(objs), samples, replications, seed, seed_scope)
    manifest = {
        "code_version": wargame.__version__,
        "master_seed": int(seed),
        "scenarios": {name: obj.content_hash() for name, obj in objs.items()},
        "design_hash": dsg.design_hash(design),
        "timeseries": bool(timeseries),
        "n_runs": len(design),
        "n_samples": len(samples.table),
        "replications": int(replications),
        "seed_scope": seed_scope,
        "method": samples.method,
        "method_options": samples.options,
        "problem": samples.problem,
        "grid": grid,
        "sweep": (sweep_obj.model_dump() if sweep_obj else None),
        "sweep_path": str(sweep) if isinstance(sweep, str | Path) else None,
        "thresholds": {name: _thresholds(obj) for name, obj in objs.items()},
        "score_columns": score_columns(objs.values()),
        "seats": {name: scenario_seat_ids(obj) for name, obj in objs.items()},
    }
    return BatchPlan(objs, samples, design, manifest)


def execute_plan(
    plan: BatchPlan,
    out: str | Path,
    *,
    workers: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: bool | None = False,
    run_fn: RunFn = run_model,
    log: Callable[[str], None] | None = None,
    compact: bool = True,
) -> ResultsStore:
    """Run the missing runs of a plan into a results folder (creating or resuming it).

    The folder is locked for the whole batch (:class:`wargame.batch.lock.FolderLock`): a second batch on
    it is refused. Before anything runs, damaged files are set aside and their runs run again
    (:meth:`wargame.batch.store.ResultsStore.repair`). When every run is done, the chunk parts are merged
    into few large files (:meth:`wargame.batch.store.ResultsStore.compact`).

    Args:
        plan: From :func:`plan_batch`.
        out: Results folder.
        workers: Processes (local) or LocalCluster workers (dask); default: cores.
        engine: ``"local"`` or ``"dask"``.
        scheduler: Dask scheduler address (with ``engine="dask"``).
        chunk_size: Runs per task; default from :func:`wargame.batch.runner.default_chunk_size` (at least
            1,000 locally and 5,000 on Dask, unless the batch is small), for the runs still to do and the
            tasks that run at once.
        progress: ``True`` for a tqdm bar on stderr, ``None`` for a bar only on a terminal, ``False`` none.
        run_fn: Importable run function (tests use this to inject failures).
        log: Receives notes for the user (workers lowered, damaged files set aside); default: a
            :class:`BatchWarning`.
        compact: Merge the chunk parts into few large files once every run is done (default); ``False``
            leaves one file per chunk (a later completed run of the batch merges them).

    Returns:
        The store.

    Raises:
        wargame.batch.store.StoreMismatchError: If the folder holds another batch or code version.
        wargame.batch.lock.FolderInUseError: If another process is writing the folder.
        OSError: If the folder cannot be written (``errno.ENOSPC``: the disk is full; what was written
            stays valid and a re-run resumes).
        ValueError: If ``chunk_size`` is not a positive integer.

    """
    log = log or _warn
    ResultsStore.check_compatible(out, plan.manifest)  # read-only: a refused folder is left untouched
    if engine == "local":
        n_workers, note = cap_workers(workers)
        if note:
            log(note)
    else:
        n_workers = workers or default_workers()
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise ValueError(f"chunk_size must be a positive number of runs, got {chunk_size!r}")
    with FolderLock(out):
        store = _execute_locked(plan, out, n_workers, engine, scheduler, chunk_size, progress, run_fn, log)
        if compact:
            for message in compact_store(store):
                log(message)
        return store


def _execute_locked(plan: BatchPlan, out: str | Path, n_workers: int, engine: Engine, scheduler: str | None,
                    chunk_size: int | None, progress: bool | None, run_fn: RunFn,
                    log: Callable[[str], None]) -> ResultsStore:
    from tqdm.auto import tqdm

    store = ResultsStore.create_or_resume(out, plan.design, plan.manifest)
    for message in store.repair(plan.design):
        log(message)
    store.remove_replaced()  # parts left by a compaction that was interrupted
    done = store.completed_run_ids()
    todo = plan.design[~plan.design["run_id"].isin(done)]
    if todo.empty:
        return store
    disable = None if progress is None else not progress  # None: tqdm shows a bar only on a terminal
    with tqdm(total=len(plan.design), initial=len(done), unit="run", dynamic_ncols=True, smoothing=0.1,
              disable=disable, desc="batch") as bar:

        def on_result(task: ChunkTask, result: ChunkResult) -> None:
            store.write_chunk(result)
            bar.update(len(task))

        with make_executor(engine, n_workers, scheduler) as (executor, slots):
            size = chunk_size or default_chunk_size(len(todo), slots, engine)  # slots: known once connected
            tasks = iter_chunks(todo, plan.scenarios, size, run_fn=run_fn, timeseries=plan.manifest["timeseries"],
                                scores=plan.manifest["score_columns"])
            run_tasks(executor, tasks, on_result, window=2 * slots)
    return store


def run_batch(
    scenarios: str | Sequence[Any] = DEFAULT_SCENARIO,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    grid: Mapping[str, Sequence[Any] | Any] | None = None,
    sweep: str | Path | dsg.SweepFile | None = None,
    method: dsg.Method | None = None,
    n: int | None = None,
    seed_scope: dsg.SeedScope = "sample",
    timeseries: bool = False,
    out: str | Path | None = None,
    workers: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: bool | None = False,
    run_fn: RunFn = run_model,
    max_runs: int | None = MAX_RUNS,
    compact: bool = True,
) -> BatchResult:
    """Plan and run a batch (or resume it), then return its results.

    Arguments are those of :func:`plan_batch` and :func:`execute_plan`. With ``out=None`` results go to a
    new temporary folder (kept; its path is ``result.path``). Time series are off by default
    (``timeseries=True`` records them, for :meth:`BatchResult.timeseries`, lead bands and fan charts).

    Returns:
        A :class:`BatchResult` reading the results folder.

    """
    plan = plan_batch(scenarios, replications=replications, seed=seed, grid=grid, sweep=sweep, method=method,
                      n=n, seed_scope=seed_scope, timeseries=timeseries, max_runs=max_runs)
    if out is None:
        out = tempfile.mkdtemp(prefix="wargame-batch-")
    store = execute_plan(plan, out, workers=workers, engine=engine, scheduler=scheduler,
                         chunk_size=chunk_size, progress=progress, run_fn=run_fn, compact=compact)
    return BatchResult(store)
