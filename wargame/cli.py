"""The ``wargame`` command line: run, list, validate and replay scenarios (and batches, see ``wargame.batch``).

Futures and branches of a saved game (``wargame futures``, ``wargame branch``) live in :mod:`wargame.futures_cli`.

Exit codes: 0 success, 1 a run failed, 2 bad input (scenario, game log, arguments).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from wargame import __version__
from wargame.cli_args import TABLE_SUFFIXES as TABLE_SUFFIXES  # re-exported (with the next two): their home
from wargame.cli_args import check_output_path as check_output_path  # before wargame.cli_args, which
from wargame.cli_args import seed_arg as seed_arg  # futures_cli imports too (it must not import this module)
from wargame.gamelog import GameLogError, load_game, replay, save_game
from wargame.model import AIRaceModel
from wargame.scenario import ScenarioError, list_scenarios, load_scenario, resolve_scenario_path

TABLE_COLUMNS = [
    ("season", "season", "{}"),
    ("lead_months", "lead (mo)", "{:.1f}"),
    ("compute_ratio", "US/PRC compute", "{:.2f}"),
    ("prc_inflow_smuggled_h100e", "smuggled H100e", "{:,.0f}"),
    ("prc_inflow_remote_h100e", "remote H100e", "{:,.0f}"),
    ("distillation_gain_months", "distil (mo)", "{:.1f}"),
    ("mean_race_pressure", "pressure", "{:.2f}"),
    ("mean_safety_share", "safety", "{:.3f}"),
    ("incidents", "incidents", "{}"),
    ("adoption_share_us", "US adoption", "{:.2f}"),
]


def format_table(frame: pd.DataFrame) -> str:
    """Render the season-by-season table of a run as fixed-width text."""
    headers = [h for _, h, _ in TABLE_COLUMNS]
    rows = [[fmt.format(row[col]) for col, _, fmt in TABLE_COLUMNS] for _, row in frame.iterrows()]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a results table as CSV or Parquet, by the file's suffix (``.csv`` or ``.parquet``, any case).

    Raises:
        ValueError: If the path is not acceptable (see :func:`check_output_path`).

    """
    check_output_path(path, TABLE_SUFFIXES, "--out")
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, index_label="step")
    else:
        frame.to_parquet(path)


def print_outcome(model: AIRaceModel) -> None:
    """Print the horizon outcome of a finished run."""
    s = model.summary()
    o = model.scenario_spec.outcome
    print()
    print(f"Outcome at {model.last_season}: {s['outcome']}  (S1: lead >= {o.s1_lead_months:g} months; "
          f"S2: lead <= {o.s2_lead_months:g} months; else contested)")
    print(f"  lead {s['final_lead_months']:.1f} months | US/PRC compute {s['compute_ratio']:.2f} | "
          f"US share of Global South adoption {s['adoption_share_us']:.0%}")
    print(f"  incidents {s['incidents']} (major or worse {s['major_incidents']}) | P(at least one incident) "
          f"{s['cumulative_incident_probability']:.0%} | mean safety share {s['mean_safety_share']:.3f} | "
          f"mean race pressure {s['mean_race_pressure']:.2f}")


#: Width the score table wraps its components column to (the season table is about as wide).
SCORE_TABLE_WIDTH = 120
#: Longest seat name and policy shown in the score table (longer ones are cut with "...").
SCORE_NAME_CHARS = 30
SCORE_POLICY_CHARS = 16


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def format_score_components(breakdown: dict[str, float], width: int | None = None) -> list[str]:
    """One seat's score components, ``lead +3.10, adoption -0.40, ...`` in the objective's order.

    Args:
        breakdown: Component -> points, from ``model.score_breakdown(seat)``.
        width: Wrap onto several lines of at most this many characters, never inside a component.

    Returns:
        The lines (one when ``width`` is None; ``[""]`` for no components).

    """
    items = [f"{name} {value:+.2f}" for name, value in breakdown.items()]
    lines: list[str] = []
    current = ""
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if current and width is not None and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    return [*lines, current]


def format_scores(model: AIRaceModel, width: int = SCORE_TABLE_WIDTH) -> str:
    """Score table of a run: one row per seat (id, name, policy, score) and the components of its score.

    The components (``model.score_breakdown(seat)``) wrap onto continuation lines under their column, so no
    line is wider than ``width`` unless the fixed columns alone are.
    """
    seats = model.seats()
    scores = model.seat_scores()
    rows = [(a.seat, _cut(str(a.name), SCORE_NAME_CHARS), _cut(str(a.policy), SCORE_POLICY_CHARS),
             f"{scores[a.seat]:.2f}") for a in seats]
    headers = ("seat", "name", "policy", "score", "components")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:4])]
    indent = sum(widths) + 2 * len(widths)
    comp_width = max(30, width - indent)

    def line(cells: tuple[str, ...], tail: str) -> str:
        fixed = "  ".join([cells[0].ljust(widths[0]), cells[1].ljust(widths[1]), cells[2].ljust(widths[2]),
                           cells[3].rjust(widths[3])])
        return f"{fixed}  {tail}".rstrip()

    lines = [line(headers[:4], headers[4]), line(tuple("-" * w for w in widths), "-" * len(headers[4]))]
    for a, r in zip(seats, rows, strict=True):
        parts = format_score_components(model.score_breakdown(a.seat), comp_width)
        lines.append(line(r, parts[0]))
        lines += [" " * indent + p for p in parts[1:]]
    return "\n".join(lines)


def print_scores(model: AIRaceModel) -> None:
    """Print the score table of a run (see :func:`format_scores`) after its outcome."""
    if not hasattr(model, "seat_scores"):  # a model without seat scores: nothing to print
        return
    print()
    print(f"Scores at {model.last_season} (cumulative points)")
    print(format_scores(model))


def cmd_run(args: argparse.Namespace) -> int:
    """``wargame run``: play a scenario to its end with computer seats."""
    if args.out:
        check_output_path(Path(args.out), TABLE_SUFFIXES, "--out")
    if args.save:
        check_output_path(Path(args.save), (".json",), "--save")
    if args.out and args.save and Path(args.out).resolve() == Path(args.save).resolve():
        raise ValueError("--out and --save name the same file; give two different files")
    scenario = load_scenario(args.scenario)
    model = AIRaceModel(scenario, seed=args.seed)
    if args.seasons is not None and not 1 <= args.seasons <= model.total_seasons:
        raise ValueError(f"--seasons must be from 1 to {model.total_seasons} (the seasons of scenario "
                         f"{scenario.name}), got {args.seasons}")
    for _ in range(model.total_seasons if args.seasons is None else args.seasons):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    print(f"{scenario.title}  (scenario {scenario.name}, seed {args.seed}, "
          f"{scenario.scenario.start}..{scenario.scenario.end})")
    print(format_table(frame))
    if model.running:  # stopped early with --seasons: no outcome yet
        print(f"\nGame in progress: {model.seasons_played} of {model.total_seasons} seasons played, next "
              f"{model.season}. Scores so far:")
    else:
        print_outcome(model)
    print_scores(model)
    if args.out:
        write_frame(frame, Path(args.out))
        print(f"\nSeason table written to {args.out}")
    if args.save:
        save_game(model, args.save)
        more = f"; its odds: wargame futures {args.save}" if model.running else ""
        print(f"Game saved to {args.save} (replay with: wargame replay {args.save}{more})")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """``wargame scenarios``: list the shipped scenarios with their briefings."""
    for name in list_scenarios():
        sc = load_scenario(name)
        print(f"{name}: {sc.title}  [{sc.scenario.start}..{sc.scenario.end}]")
        print(f"  file: {resolve_scenario_path(name)}")
        for line in sc.briefing.splitlines():
            print(f"  {line}")
        print()
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``wargame validate FILE``: check a scenario file."""
    sc = load_scenario(args.file)
    print(f"{args.file}: valid scenario {sc.name!r} ({len(sc.seats())} seats, "
          f"{sc.scenario.start}..{sc.scenario.end})")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """``wargame replay GAME.json``: rebuild a saved game and print its table."""
    if args.out:
        check_output_path(Path(args.out), TABLE_SUFFIXES, "--out")
    log = load_game(args.game)
    model = replay(log)
    print(f"Replayed {args.game}: scenario {model.scenario_spec.name}, seed {model.seed}, "
          f"{model.seasons_played} seasons, {len(log['decisions'])} human decisions")
    print(format_table(model.datacollector.get_model_vars_dataframe()))
    if not model.running:
        print_outcome(model)
        print_scores(model)
    if args.out:
        write_frame(model.datacollector.get_model_vars_dataframe(), Path(args.out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="wargame", description="Agent-based wargame of the US-China race for AI leadership, 2026-2028.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="play a scenario to its end and print the season table")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="scenario name from scenarios/ or a path to a .toml file (default: baseline)")
    run.add_argument("--seed", type=seed_arg, default=1, help="random seed (default: 1)")
    run.add_argument("--out", help="write the season table to FILE.csv or FILE.parquet")
    run.add_argument("--save", help="save the game log to GAME.json for replay")
    run.add_argument("--seasons", type=int, default=None,
                     help="play only the first N seasons (a game in progress, e.g. for wargame futures)")
    run.set_defaults(func=cmd_run)

    scen = sub.add_parser("scenarios", help="list the shipped scenarios with their briefings")
    scen.set_defaults(func=cmd_scenarios)

    val = sub.add_parser("validate", help="validate a scenario file")
    val.add_argument("file", help="scenario name or path")
    val.set_defaults(func=cmd_validate)

    rep = sub.add_parser("replay", help="replay a saved game log")
    rep.add_argument("game", help="game log JSON written by --save or the browser game")
    rep.add_argument("--out", help="write the season table to FILE.csv or FILE.parquet")
    rep.set_defaults(func=cmd_replay)

    from wargame import futures_cli  # imported here, like the batch commands: other commands load none of it
    from wargame.batch import cli as batch_cli  # imported here: commands that need no batch load none of it

    futures_cli.register(sub)
    batch_cli.register(sub)
    from wargame.report import aar_cli, cards_cli, compare_cli  # reports of played games (wargame.report)

    aar_cli.register(sub)
    compare_cli.register(sub)
    cards_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wargame`` console script.

    Returns:
        The exit code: 0 on success, 2 on bad input, 130 when interrupted (Ctrl-C).

    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (e.g. `wargame scenarios | head`): not an error of ours. Silence the final
        # flush of stdout, as the Python docs recommend.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ScenarioError, GameLogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback (files are written atomically: none is half done)
        print("wargame: interrupted; no file was left half-written.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
