"""The ``wargame batch``, ``wargame report`` and ``wargame sensitivity`` commands.

:func:`register` adds them to the ``wargame`` command's argparse subparsers; each sets ``func`` to a
handler ``(args) -> exit code``. Exit codes: 0 done (failed runs are data, reported but not fatal unless
every run failed), 1 every run failed, 2 a usage or input error (message on stderr; also a folder of
another batch, a folder in use by another batch, a damaged folder for ``report``, a batch over the size
limit), 3 the disk is full (re-run to resume once there is room), 130 interrupted (re-run the same command
to resume).
"""

from __future__ import annotations

import argparse
import errno
import sys
from concurrent.futures import BrokenExecutor
from pathlib import Path
from typing import Any

from wargame.batch.api import DEFAULT_REPLICATIONS, DEFAULT_SCENARIO, DEFAULT_SEED
from wargame.batch.sizing import MAX_RUNS
from wargame.cli_args import seed_arg


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _add_run_options(p: argparse.ArgumentParser, replications: int) -> None:
    g = p.add_argument_group("design")
    g.add_argument("--scenario", action="append", metavar="NAME_OR_PATH",
                   help=f"scenario name or .toml path; repeat to compare scenarios (default: {DEFAULT_SCENARIO})")
    g.add_argument("--replications", "-n", type=_positive_int, default=replications,
                   help=f"runs per scenario and sample (default: {replications})")
    g.add_argument("--seed", type=seed_arg, default=DEFAULT_SEED,
                   help=f"master seed; run seeds are spawned from it per (sample, replication) "
                        f"(default: {DEFAULT_SEED})")
    g.add_argument("--set", action="append", default=[], metavar="KEY=V1[,V2...]", dest="set_",
                   help="override a scenario field (dotted path, e.g. parameters.enmity=0.3,1.2); repeat; "
                        "several values make a full-factorial grid")
    g.add_argument("--sweep", metavar="FILE.toml", help="sweep file with parameter ranges and/or levels")
    m = g.add_mutually_exclusive_group()
    m.add_argument("--lhs", type=_positive_int, metavar="N", help="Latin hypercube: N samples of the ranges")
    m.add_argument("--sobol", type=_positive_int, metavar="N",
                   help="Sobol' (Saltelli) sampling: N (a power of two) x (parameters + 2) samples")
    m.add_argument("--morris", type=_positive_int, metavar="N",
                   help="Morris sampling: N trajectories x (parameters + 1) samples")
    g.add_argument("--seed-scope", choices=("sample", "replication"), default="sample",
                   help="what a run's seed depends on: (sample, replication) [default] or the replication "
                        "only (common random numbers across samples too)")
    g.add_argument("--timeseries", action=argparse.BooleanOptionalAction, default=False,
                   help="also store every run's time series (each model variable per season; several times "
                        "the disk of the per-run summaries): needed for the lead bands and fan charts of "
                        "'wargame report'. Default: summaries only (--no-timeseries says so explicitly; it is "
                        "kept for older commands)")
    e = p.add_argument_group("execution")
    e.add_argument("--workers", type=_positive_int, help="worker processes (default: the machine's cores)")
    e.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local process pool [default] or dask.distributed")
    e.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster)")
    e.add_argument("--chunk-size", type=_positive_int, metavar="RUNS",
                   help="runs per task (default: 1,000 or more locally, 5,000 or more on Dask; a batch smaller "
                        "than that per worker is split evenly over the workers)")
    e.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no table")
    e.add_argument("--yes", "-y", action="store_true",
                   help=f"run a batch over the size limit ({MAX_RUNS:,} runs) without refusing it")


def register(subparsers: Any) -> None:
    """Add the ``batch``, ``report``, ``sensitivity`` and ``discover`` subcommands.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers()``.

    """
    from wargame.batch.sensitivity import NUMERIC_OUTCOMES

    p = subparsers.add_parser(
        "batch", help="run a Monte Carlo batch (scenarios x samples x replications) into a results folder",
        description="Run seeded replications of one or more scenarios, optionally over a parameter grid or "
                    "a sampled sweep, into a resumable Parquet results folder; print the outcome "
                    "probabilities with Wilson 95% intervals. Re-running the same command resumes.")
    _add_run_options(p, DEFAULT_REPLICATIONS)
    p.add_argument("--out", metavar="DIR",
                   help="results folder (default: results/batch-<hash of the batch>, so the same command "
                        "resumes the same folder)")
    p.set_defaults(func=cmd_batch)

    r = subparsers.add_parser("report", help="outcome probabilities, seat scores, lead bands and fan charts of a batch",
                              description="Write summary.csv (P(S1), P(S2), P(contested) with Wilson 95% "
                                          "intervals), scores.csv (mean score per seat with its standard "
                                          "error), lead_bands.csv and fan-chart PNGs of a results folder.")
    r.add_argument("dir", metavar="DIR", help="results folder of 'wargame batch'")
    r.add_argument("--out", metavar="DIR", help="output folder (default: DIR/report)")
    r.add_argument("--quiet", "-q", action="store_true", help="do not print the tables")
    r.set_defaults(func=cmd_report)

    s = subparsers.add_parser(
        "sensitivity", help="Sobol or Morris sensitivity indices of a swept batch (SALib)",
        description="Compute Sobol (first and total order) or Morris (mu*, sigma) indices of the swept "
                    "parameters against one outcome, from a batch run with --sobol or --morris. With "
                    "--sweep, first run (or resume) that batch into DIR.")
    s.add_argument("dir", metavar="DIR", help="results folder of a --sobol/--morris batch")
    s.add_argument("--outcome", default="final_lead_months",
                   help="per-run quantity averaged over replications: a numeric summary column ("
                        + ", ".join(NUMERIC_OUTCOMES) + "), a seat's score column score_<seat id>, or an "
                        "outcome class S1/S2/contested (its probability) (default: final_lead_months)")
    s.add_argument("--parameters", metavar="A,B",
                   help="only report these swept parameters (comma-separated); the output file names then "
                        "include them, so a subset never overwrites the full table")
    s.add_argument("--only-scenario", metavar="NAME", help="only this scenario of the batch")
    s.add_argument("--out", metavar="DIR", dest="report_out", help="output folder (default: DIR/report)")
    _add_run_options(s, 10)
    s.set_defaults(func=cmd_sensitivity)

    from wargame.batch.discover import DEFAULT_MAX_BOXES, DEFAULT_THRESHOLD, cmd_discover

    d = subparsers.add_parser(
        "discover", help="scenario discovery: PRIM boxes of the swept factors where an outcome is frequent",
        description="Run PRIM (EMA Workbench) over the successful runs of a batch: find the ranges of the "
                    "swept factors inside which the runs end in the chosen outcome, print the chosen box with "
                    "its coverage and density, and optionally chart the peeling trajectory.")
    d.add_argument("dir", metavar="DIR", help="results folder of 'wargame batch'")
    d.add_argument("--outcome", default="S2", metavar="{S1,S2,contested}",
                   help="runs ending in this outcome are the cases of interest (default: S2)")
    d.add_argument("--threshold", default=str(DEFAULT_THRESHOLD), metavar="T",
                   help="density threshold in (0, 1]: the chosen box is the one of highest coverage among "
                        f"those with density >= T (default: {DEFAULT_THRESHOLD})")
    d.add_argument("--boxes", default=str(DEFAULT_MAX_BOXES), metavar="N",
                   help="at most N boxes, each sought among the runs outside the earlier ones "
                        f"(default: {DEFAULT_MAX_BOXES})")
    d.add_argument("--chart", metavar="FILE.png", help="write the peeling trajectory chart (coverage vs density)")
    d.add_argument("--out", metavar="FILE.csv", help="write the chosen boxes (one row per restricted factor)")
    d.set_defaults(func=cmd_discover)


#: Exit status when the disk is full (distinct from 2, bad input): the folder is valid, re-running resumes.
DISK_FULL_EXIT = 3


def _err(cmd: str, exc: BaseException | str) -> int:
    print(f"wargame {cmd}: error: {exc}", file=sys.stderr)
    return 2


def _disk_full(cmd: str, folder: Path, exc: OSError) -> int | None:
    """Exit code and message for a full disk (or quota); None for any other OS error."""
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        return None
    print(f"wargame {cmd}: error: the disk is full: cannot write to {folder} ({exc.strerror}). What was written "
          "is complete and checked; free some space (or choose another --out) and re-run the same command to "
          "resume.", file=sys.stderr)
    return DISK_FULL_EXIT


def _method(args: argparse.Namespace) -> tuple[str | None, int | None]:
    for m in ("lhs", "sobol", "morris"):
        if getattr(args, m) is not None:
            return m, getattr(args, m)
    return None, None


def _run(args: argparse.Namespace, cmd: str, out: str | None) -> tuple[int, Any]:
    """Plan and execute a batch from parsed options; returns (exit code, BatchResult or None)."""
    from wargame.batch import sizing
    from wargame.batch.api import execute_plan, plan_batch
    from wargame.batch.design import SweepError, parse_set_options
    from wargame.batch.results import BatchResult
    from wargame.batch.sizing import BatchSize
    from wargame.batch.store import StoreError
    from wargame.batch.workers import cap_workers
    from wargame.scenario import ScenarioError

    method, n = _method(args)
    scenarios = args.scenario or [DEFAULT_SCENARIO]
    if args.scheduler and args.engine != "dask":
        return _err(cmd, "--scheduler needs --engine dask"), None
    try:
        grid = parse_set_options(args.set_)

        def announce(size: BatchSize) -> None:
            if not args.quiet:
                print(f"batch of {size.describe(cap_workers(args.workers)[0])}", file=sys.stderr)

        plan = plan_batch(scenarios, replications=args.replications, seed=args.seed,
                          grid=grid, sweep=args.sweep, method=method, n=n, seed_scope=args.seed_scope,
                          timeseries=args.timeseries, max_runs=None if args.yes else sizing.MAX_RUNS,
                          announce=announce)
    except (ScenarioError, SweepError) as exc:
        return _err(cmd, exc), None
    folder = Path(out) if out else plan.default_out
    args.batch_folder = folder  # for the interruption message, wherever Ctrl-C lands from here on
    if not args.quiet:
        print(f"results folder: {folder}", file=sys.stderr)

    def log(message: str) -> None:
        print(f"wargame {cmd}: warning: {message}", file=sys.stderr)

    try:
        store = execute_plan(plan, folder, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                             chunk_size=args.chunk_size, progress=None if not args.quiet else False, log=log)
    except StoreError as exc:
        return _err(cmd, exc), None
    except OSError as exc:
        code = _disk_full(cmd, folder, exc)
        if code is None:
            raise
        return code, None
    except BrokenExecutor as exc:
        print(f"wargame {cmd}: error: a worker process died ({exc or type(exc).__name__}); out of memory? "
              f"Completed chunks are saved in {folder}; re-run the same command to resume.", file=sys.stderr)
        return 1, None
    return 0, BatchResult(store)


def _interrupted(args: argparse.Namespace) -> int:
    """Ctrl-C: one message (workers ignore SIGINT, so no traceback from them) and exit code 130."""
    folder = getattr(args, "batch_folder", None)
    if folder is None:
        print("\ninterrupted before the batch started; nothing was run.", file=sys.stderr)
    else:
        print(f"\ninterrupted; completed chunks are saved in {folder}. Re-run the same command to resume.",
              file=sys.stderr)
    return 130


def _handle_interrupt(handler: Any) -> Any:
    """Wrap a command handler: Ctrl-C anywhere in it gives the same message and exit code 130.

    Anywhere: while planning, running, shutting the pool down or printing the table.
    """

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except KeyboardInterrupt:
            return _interrupted(args)

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


@_handle_interrupt
def cmd_batch(args: argparse.Namespace) -> int:
    """Handler of ``wargame batch``."""
    from wargame.batch.report import format_outcomes

    code, result = _run(args, "batch", args.out)
    if result is None:
        return code
    runs = result.runs()
    n_err = int((runs["status"] != "ok").sum())
    if not args.quiet:
        print(format_outcomes(result.outcomes()))
    print(f"results: {result.path}  ({len(runs)} runs, {n_err} failed)")
    if n_err:
        first = runs.loc[runs["status"] != "ok", "error"].iloc[0]
        print(f"warning: {n_err} run(s) failed; they are recorded with status='error' (first: {first})",
              file=sys.stderr)
    return 1 if n_err and n_err == len(runs) else 0


def cmd_report(args: argparse.Namespace) -> int:
    """Handler of ``wargame report``."""
    from wargame.batch.report import format_outcomes, format_scores, timeseries_note
    from wargame.batch.results import load_results
    from wargame.batch.store import StoreError

    try:
        result = load_results(args.dir)
        paths = result.report(args.out)
        manifest = result.manifest
        n_done = len(result.store.completed_run_ids())
        note = timeseries_note(result)
    except StoreError as exc:
        return _err("report", exc)
    except OSError as exc:
        code = _disk_full("report", Path(args.out or Path(args.dir) / "report"), exc)
        if code is None:
            raise
        return code
    if note:
        print(f"note: {note}", file=sys.stderr)
    if not args.quiet:
        if n_done < manifest.get("n_runs", n_done):
            print(f"note: batch incomplete ({n_done} of {manifest['n_runs']} runs); re-run its "
                  "'wargame batch' command to finish it", file=sys.stderr)
        print(format_outcomes(result.outcomes()))
        scores = format_scores(result.scores())
        if scores:
            print()
            print(scores)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def output_stem(method: str, outcome: str, parameters: list[str] | None, scenario: str | None) -> str:
    """File stem of a sensitivity table and chart.

    ``sensitivity_<method>_<outcome>``, plus ``_scenario-<name>`` and ``_only-<a>+<b>`` when a scenario or a
    parameter subset is given, so a subset run never overwrites the full run's files. A long (or ambiguous)
    subset is shortened to ``<n>params-<8 hex of a hash of the names>``.
    """
    import hashlib
    import re

    stem = f"sensitivity_{method}_{outcome}"
    if scenario:
        stem += f"_scenario-{scenario}"
    if parameters:
        short = "+".join(p.split(".")[-1] for p in parameters)
        if len(short) > 60 or len({p.split(".")[-1] for p in parameters}) < len(parameters):
            short = f"{len(parameters)}params-" + hashlib.sha256(",".join(parameters).encode()).hexdigest()[:8]
        stem += f"_only-{short}"
    return re.sub(r"[^A-Za-z0-9_.+@-]+", "_", stem)


@_handle_interrupt
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Handler of ``wargame sensitivity``."""
    import warnings

    from wargame.batch.results import load_results
    from wargame.batch.sensitivity import ConstantOutcomeWarning, SensitivityError, analyze, bar_chart
    from wargame.batch.store import StoreError

    if args.sweep:
        if _method(args)[0] not in ("sobol", "morris"):
            return _err("sensitivity", "with --sweep, choose --sobol N or --morris N")
        code, result = _run(args, "sensitivity", args.dir)
        if result is None:
            return code
    else:
        try:
            result = load_results(args.dir)
        except StoreError as exc:
            return _err("sensitivity", f"{exc}\n(or pass --sweep FILE --sobol N to run the batch first)")
    params = [p.strip() for p in args.parameters.split(",")] if args.parameters else None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConstantOutcomeWarning)
            table = analyze(result, outcome=args.outcome, parameters=params, scenario=args.only_scenario)
    except SensitivityError as exc:
        return _err("sensitivity", exc)
    for w in caught:
        if issubclass(w.category, ConstantOutcomeWarning):
            print(f"wargame sensitivity: warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    out = Path(args.report_out) if args.report_out else result.path / "report"
    out.mkdir(parents=True, exist_ok=True)
    method = table["method"].iloc[0]
    stem = output_stem(method, args.outcome, params, args.only_scenario)
    csv = out / f"{stem}.csv"
    table.to_csv(csv, index=False)
    png = bar_chart(table, out / f"{stem}.png")
    if not args.quiet:
        with_cols = ["scenario", "parameter", *(["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol"
                                                 else ["mu_star", "mu_star_conf", "sigma"])]
        print(table[with_cols].to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="undefined"))
    print(f"csv: {csv}\nchart: {png}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m wargame.batch.cli batch ...``) for when ``wargame`` is absent."""
    parser = argparse.ArgumentParser(prog="wargame")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
