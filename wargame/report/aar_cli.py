"""The ``wargame report-game`` command: the after-action report of a saved game, as HTML (and PDF).

``wargame report-game GAME.json [-o OUT.html] [--pdf OUT.pdf] [--games N]`` replays the game, plays ``N``
computer-played games from the same start (default 1,000) and writes the report (:mod:`wargame.report.aar`);
``--pdf`` prints it with Chromium too. Bad input (a missing, broken or tampered game file, a bad output path or
``--games``, no Chromium for ``--pdf``) raises ``GameLogError`` or ``ValueError``, which :func:`wargame.cli.main` prints
as one line, exit 2; a PDF that Chromium fails to print is one line and exit 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from wargame.cli_args import check_output_path
from wargame.files import write_text_atomic
from wargame.futures import MAX_FUTURES
from wargame.gamelog import load_game
from wargame.report.pdf import PdfPrintError, find_chromium, print_pdf

#: Suffixes the HTML report may have.
HTML_SUFFIXES = (".html", ".htm")
#: Computer-played games by default (``wargame.report.aar_data.DEFAULT_GAMES``, which is not imported here: the report
#: loads matplotlib, and every ``wargame`` command registers this one).
DEFAULT_GAMES = 1_000
#: Most computer-played games (``wargame.report.aar_data.MAX_GAMES``): as many futures as ``wargame futures`` plays.
MAX_GAMES = MAX_FUTURES


def parse_games(text: str) -> int:
    """Parse ``--games``: an integer from 1 to :data:`~wargame.report.aar_data.MAX_GAMES`.

    Raises:
        ValueError: On anything else, naming the option and the allowed range (one line, exit 2).

    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_GAMES:
        raise ValueError(f"--games must be an integer from 1 to {MAX_GAMES:,}, got {text!r}")
    return value


def default_output(game: str | Path) -> Path:
    """Where the report goes without ``-o``: beside the game file, ``<name>-report.html``."""
    game = Path(game)
    return game.with_name(f"{game.stem}-report.html")


def cmd_report_game(args: argparse.Namespace) -> int:
    """``wargame report-game GAME.json``: write the after-action report of a saved game."""
    from wargame.report.aar import build_report  # loads matplotlib: only when the command runs

    out = check_output_path(args.out if args.out else default_output(args.game), HTML_SUFFIXES,
                            "--out" if args.out else "the report (beside the game; choose another with -o)")
    pdf = check_output_path(args.pdf, (".pdf",), "--pdf") if args.pdf else None
    chromium = find_chromium() if pdf is not None else None  # before any work: no Chromium is a one-line error
    games = parse_games(args.games)
    log = load_game(args.game)
    started = time.perf_counter()
    page = build_report(log, games=games)
    write_text_atomic(out, page)
    print(f"After-action report of {args.game} written to {out} ({len(page) / 1e6:.1f} MB, {games:,} "
          f"computer-played games, built in {time.perf_counter() - started:.1f} s)")
    if pdf is not None:
        try:
            print_pdf(out, pdf, chromium)
        except PdfPrintError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"Printed to {pdf}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report-game`` command to the ``wargame`` parser's subcommands."""
    rep = sub.add_parser(
        "report-game", help="write the after-action report of a saved game (one HTML file; PDF with --pdf)",
        description="The after-action report of a saved game: scenario and seats, every seat's decisions, injects "
                    "and notes, the full news, the charts, why the lead moved, beliefs against the truth, the "
                    "scores, and the game among computer-played games from the same start. One HTML file that "
                    "opens offline and prints to PDF.")
    rep.add_argument("game", help="game log JSON written by --save or the browser game")
    rep.add_argument("-o", "--out", help="the HTML file to write (default: GAME-report.html beside the game)")
    rep.add_argument("--pdf", help="also print the report to this PDF file (needs Chromium)")
    rep.add_argument("--games", default=str(DEFAULT_GAMES),
                     help=f"computer-played games to compare with (default: {DEFAULT_GAMES:,})")
    rep.set_defaults(func=cmd_report_game)
