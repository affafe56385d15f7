"""The ``wargame futures`` and ``wargame branch`` commands (registered by :mod:`wargame.cli`).

Imports run one way: :mod:`wargame.cli` imports this module, which imports :mod:`wargame.futures`; nothing
imports :mod:`wargame.cli`. Bad input raises ``ValueError`` (``FuturesError``, ``DecisionError``) or
``GameLogError``, which :func:`wargame.cli.main` prints as one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from wargame.batch.workers import cap_workers
from wargame.cli_args import TABLE_SUFFIXES, check_output_path, seed_arg
from wargame.decisions import decision_model_for
from wargame.futures import ARMS, MAX_FUTURES, Branch, Futures, FuturesError, branch, fan_chart, play_futures
from wargame.gamelog import load_game, replay
from wargame.seasons import parse_season

#: Futures played when ``-n`` is not given (illustrative: about 10-20 s on a 2-core laptop today).
DEFAULT_FUTURES = 1000
#: Words ``--set`` takes for yes/no levers (case-insensitive).
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


def default_workers() -> int:
    """Worker processes when ``--workers`` is not given: ``min(2, os.cpu_count())``."""
    return max(1, min(2, os.cpu_count() or 1))


def parse_settings(texts: list[str], kind: str) -> dict[str, Any]:
    """Turn ``--set LEVER=VALUE`` texts into typed lever values for a seat of a kind.

    A number lever takes a number, a whole-number lever an integer, a yes/no lever one of
    :data:`TRUE_WORDS` / :data:`FALSE_WORDS`, a rule lever its word (checked by the model). A lever the kind
    does not have keeps its text, so :func:`wargame.futures.branch` names it with the seat's levers.

    Args:
        texts: The ``--set`` values.
        kind: The seat's kind (``"us_government"``, ``"lab"`` ...).

    Returns:
        Lever -> value.

    Raises:
        FuturesError: On a text without ``=`` or a lever name, a lever given twice, or a value of the wrong type.

    """
    info = {entry["name"]: entry for entry in decision_model_for(kind).lever_info()}
    out: dict[str, Any] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise FuturesError(f"--set {text!r}: expected LEVER=VALUE, e.g. remote_access_rule=ban")
        if name in out:
            raise FuturesError(f"--set gives lever {name!r} twice; give each lever once")
        lever = info.get(name)
        kind_of = lever["type"] if lever else None
        try:
            if kind_of == "float":
                out[name] = float(value)
            elif kind_of == "int":
                out[name] = int(value)
            elif kind_of == "bool":
                if value.lower() not in TRUE_WORDS + FALSE_WORDS:
                    raise ValueError
                out[name] = value.lower() in TRUE_WORDS
            else:
                out[name] = value
        except ValueError:
            what = {"float": "a number", "int": "a whole number",
                    "bool": f"yes or no ({', '.join(TRUE_WORDS)} / {', '.join(FALSE_WORDS)})"}[kind_of or "float"]
            bounds = ""
            if lever and lever["minimum"] is not None and lever["maximum"] is not None:
                bounds = f" from {lever['minimum']:g} to {lever['maximum']:g}"
            unit = f" ({lever['unit']})" if lever and lever["unit"] and kind_of != "bool" else ""
            raise FuturesError(f"--set {name}={value}: {name} takes {what}{bounds}{unit}") from None
    return out


def _ci(low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.3f}" if signed else "{:.3f}"
    return f"[{fmt.format(low)}, {fmt.format(high)}]"


def format_odds(table: pd.DataFrame) -> str:
    """The odds table (:meth:`wargame.futures.Futures.odds`) as text: outcome, count, p, Wilson 95% CI."""
    lines = [f"{'outcome':<10} {'count':>8} {'p':>7}  95% CI (Wilson)"]
    for row in table.itertuples():
        lines.append(f"{row.outcome:<10} {row.count:>8,} {row.p:>7.3f}  {_ci(row.ci_low, row.ci_high)}")
    return "\n".join(lines)


def format_score_summary(table: pd.DataFrame) -> str:
    """The per-seat score summary (:meth:`wargame.futures.Futures.score_summary`) as text (points)."""
    width = max([len("seat"), *(len(s) for s in table["seat"])])
    lines = [f"{'seat':<{width}} {'mean':>9} {'sd':>8} {'p5':>9} {'p50':>9} {'p95':>9}"]
    for row in table.itertuples():
        lines.append(f"{row.seat:<{width}} {row.mean:>9.2f} {row.sd:>8.2f} {row.p5:>9.2f} {row.p50:>9.2f} "
                     f"{row.p95:>9.2f}")
    return "\n".join(lines)


def format_branch(result: Branch) -> str:
    """The two arms of a branch side by side, and the paired difference with its 95% interval, as text."""
    odds = result.odds().set_index(["arm", "outcome"])
    diff = result.difference()
    width = max(len("quantity"), *(len(q) for q in diff["quantity"]))
    lines = [f"{'quantity':<{width}}  {'as played':<22}  {'changed':<22}  changed - as played [95% CI, paired]"]
    for row in diff.itertuples():
        if row.quantity.startswith("P("):
            outcome = row.quantity[2:-1]
            cells = []
            for arm in ARMS:
                o = odds.loc[(arm, outcome)]
                cells.append(f"{o['p']:.3f} {_ci(o['ci_low'], o['ci_high'])}")
            shift = f"{row.difference:+.3f} {_ci(row.ci_low, row.ci_high, signed=True)}"
        else:
            cells = [f"{row.as_played:.2f}", f"{row.changed:.2f}"]
            shift = f"{row.difference:+.2f} [{row.ci_low:+.2f}, {row.ci_high:+.2f}]"
        lines.append(f"{row.quantity:<{width}}  {cells[0]:<22}  {cells[1]:<22}  {shift}")
    return "\n".join(lines)


def _who(hold: bool, humans: tuple[str, ...] | None = None) -> str:
    if not hold:
        return "computer policies play every seat"
    if humans is not None and not humans:
        return "--hold changes nothing: the game has no human seat, so computer policies play every seat"
    listed = f" ({', '.join(humans)})" if humans else ""
    return f"human seats{listed} keep their decisions"


def _progress_bar(total: int, desc: str) -> Any:
    from tqdm.auto import tqdm

    # disable=None: a bar on a terminal only, so a log file or a pipe gets none.
    return tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, smoothing=0.1, disable=None,
                desc=desc)


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def _workers(requested: int | None) -> int:
    """``--workers``, or the default; above the batch runner's cap per core it is lowered, with a warning."""
    if requested is None:
        return default_workers()
    if requested < 1:
        raise ValueError(f"--workers must be at least 1, got {requested}")
    workers, warning = cap_workers(requested)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return workers


def _shown(value: Any) -> str:
    """A lever value as the user types it: yes/no for a switch."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _timing(runs: int, seconds: float, workers: int) -> str:
    return f"{runs:,} runs in {seconds:.1f} s: {runs / max(seconds, 1e-9):,.0f} runs/s with {workers} worker(s)"


def _interruptible(handler: Any) -> Any:
    """Wrap a command: Ctrl-C anywhere in it prints one line and exits 130 (futures are never saved half-way)."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except KeyboardInterrupt:
            print(f"interrupted; nothing was written. Re-run the same command to play the {args.command} again "
                  "(the same seed gives the same futures).", file=sys.stderr)
            return 130

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


@_interruptible
def cmd_futures(args: argparse.Namespace) -> int:
    """``wargame futures GAME.json``: play futures from a saved game's current season."""
    out = None if args.out is None else check_output_path(args.out, TABLE_SUFFIXES, "--out")
    chart = None if args.chart is None else check_output_path(args.chart, (".png",), "--chart")
    workers = _workers(args.workers)
    log = load_game(args.game)
    started = time.perf_counter()
    with _progress_bar(max(0, args.n), "futures") as bar:
        result: Futures = play_futures(log, args.n, hold=args.hold, seed=args.seed, workers=workers,
                                       progress=bar.update)
    seconds = time.perf_counter() - started
    thresholds = result.thresholds
    horizon = result.lead_paths.columns[-1]
    print(f"Futures of {args.game}: scenario {log['scenario']['scenario']['name']}, game seed {log['seed']}, "
          f"{log['seasons_played']} season(s) played; {len(result.runs):,} futures from {result.start_season} to "
          f"{horizon} (seed {result.seed}); {_who(result.hold, result.human_seats)}")
    print()
    print(f"Outcome at {horizon}, from the lead of deployed models (S1: lead >= {thresholds['s1']:g} months; "
          f"S2: lead <= {thresholds['s2']:g} months; else contested)")
    print(format_odds(result.odds()))
    lead = result.runs["final_lead_months"]
    print(f"Final lead of deployed models (months): median {lead.median():.1f}, 5-95% {lead.quantile(0.05):.1f} to "
          f"{lead.quantile(0.95):.1f}")
    print()
    print("Final scores over the futures (points; the seasons played count in every future)")
    print(format_score_summary(result.score_summary()))
    print()
    print(_timing(len(result.runs), seconds, workers))
    if chart is not None:
        fan_chart(result, chart)
        print(f"Fan chart written to {chart}")
    if out is not None:
        _write(result.runs, out)
        print(f"Futures written to {out} (one row per future)")
    return 0


@_interruptible
def cmd_branch(args: argparse.Namespace) -> int:
    """``wargame branch GAME.json --season S --seat SEAT --set LEVER=VALUE``: a changed decision vs the game."""
    out = None if args.out is None else check_output_path(args.out, TABLE_SUFFIXES, "--out")
    workers = _workers(args.workers)
    log = load_game(args.game)
    kind = replay(log, seasons=0).actor(args.seat).kind  # DecisionError naming the seats
    levers = parse_settings(args.set_, kind)
    started = time.perf_counter()
    with _progress_bar(2 * max(0, args.n), "branch") as bar:
        result = branch(log, args.season, args.seat, levers, args.n, hold=args.hold, seed=args.seed,
                        workers=workers, progress=bar.update)
    seconds = time.perf_counter() - started
    change = ", ".join(f"{k}={_shown(v)}" for k, v in levers.items())
    later = "keep their decisions of that season" if result.hold else "are played by computer policies"
    print(f"Branch of {args.game} at {result.season}: {result.seat} sets {change}; {len(result.arm('changed')):,} "
          f"futures per arm on common random numbers (seed {result.seed}); later seasons: "
          f"{'human seats and ' + result.seat if result.hold else 'all seats'} {later}")
    if result.as_played:
        played = ", ".join(f"{k}={_shown(v)}" for k, v in result.as_played.items())
        by = ("a human decision" if result.as_played_by == "human" else
              "its computer policy, which may choose differently in each future")
        start = parse_season(log["scenario"]["scenario"]["start"])
        if parse_season(result.season) - start >= log["seasons_played"]:  # the next season, not played yet
            print(f"In the game, {result.seat} would play {played} in {result.season} ({by}; the season is not "
                  "played yet).")
        else:
            print(f"In the game, {result.seat} played {played} in {result.season} ({by}).")
        if result.as_played == result.levers and result.as_played_by == "human":
            print("That is the decision as played: the two arms are the same game, so every difference is 0.")
    print()
    print(format_branch(result))
    print()
    print(_timing(len(result.runs), seconds, workers))
    if out is not None:
        _write(result.runs, out)
        print(f"Runs written to {out} (one row per arm and future)")
    return 0


def _common(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("game", help="game log JSON written by --save or the browser game")
    parser.add_argument("-n", type=int, default=DEFAULT_FUTURES,
                        help=f"{what} (default: {DEFAULT_FUTURES:,}; at most {MAX_FUTURES:,})")
    parser.add_argument("--hold", action="store_true",
                        help="human seats keep their decisions in later seasons (default: computer policies play "
                             "every seat)")
    parser.add_argument("--seed", type=seed_arg, default=0, help="master seed of the futures' seeds (default: 0)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: min(2, CPU cores)); results do not depend on it")
    parser.add_argument("--out", help="write one row per run to FILE.csv or FILE.parquet")


def register(sub: Any) -> None:
    """Add the ``futures`` and ``branch`` subcommands to the ``wargame`` parser's subparsers."""
    fut = sub.add_parser("futures", help="play futures of a saved game from its current season: outcome odds, "
                                         "scores, fan chart")
    _common(fut, "number of futures")
    fut.add_argument("--chart", help="write a fan chart of the lead to FILE.png")
    fut.set_defaults(func=cmd_futures)

    br = sub.add_parser("branch", help="change one decision of a saved game and compare with the game as played "
                                       "(common random numbers)")
    _common(br, "futures per arm")
    br.add_argument("--season", required=True, help="season of the decision, e.g. 2027Q2 (played, or the next)")
    br.add_argument("--seat", required=True, help="seat whose decision changes, e.g. us_gov")
    br.add_argument("--set", action="append", required=True, metavar="LEVER=VALUE", dest="set_",
                    help="a lever and its new value, e.g. remote_access_rule=ban (repeat for several levers)")
    br.set_defaults(func=cmd_branch)
