"""The ``wargame compare`` command: several groups' saved games of one scenario, side by side.

Registered by :mod:`wargame.cli`.

``wargame compare GAME1.json GAME2.json [...] [-o REPORT.html] [--reference N]`` prints a short plain-text
summary (endings, the seats people played and their scores, each gap split into decisions and dice) and writes
the full HTML report (:func:`wargame.report.compare_report.report_html`). Bad input raises ``ValueError``
(:class:`~wargame.report.compare.CompareError`, :class:`~wargame.gamelog.GameLogError`), which
:func:`wargame.cli.main` prints as one line and exits with status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from wargame.cli_args import check_output_path
from wargame.files import write_text_atomic
from wargame.report.compare import CompareError, Comparison, compare_files
from wargame.report.compare_report import endings_table, report_html, signed

#: The report's file when ``-o`` is not given.
DEFAULT_REPORT = "comparison.html"


def _printable(text: str) -> str:
    """Text safe for a terminal: control characters (from a file name or a scenario) shown as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def format_columns(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """A fixed-width text table: columns from ``numeric_from`` on are right-aligned, the others left-aligned."""
    cells = [[_printable(c) for c in header], *[[_printable(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i >= numeric_from else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *(line(r) for r in cells[1:])])


def summary_text(c: Comparison) -> str:
    """The plain-text summary the command prints: notes, endings, the human seats' scores, the split gaps."""
    ref = c.games[c.reference]
    lines = [f"Class comparison: {c.scenario_title} (scenario {c.scenario_name}), {len(c.games)} games",
             *(f"  {note}" for note in c.notes), "", "Endings"]
    header, rows = endings_table(c)
    lines.append(format_columns(header[:5], [r[:5] for r in rows], numeric_from=4))
    humans = c.human_seats
    if humans:
        lines += ["", "Scores of the seats people played (points; every seat's score is in the report)"]
        lines.append(format_columns(["seat", *(g.label for g in c.games)],
                                    [[c.seat_name(s), *(f"{g.ending.scores[s]:.2f}" for g in c.games)]
                                     for s in humans]))
    lines += ["", f"Gaps against {ref.label} after {c.season}: how much came from decisions, how much from the dice"]
    rows = []
    for split in c.splits:
        label = c.games[split.game].label
        for row in split.rows:
            if row.quantity != "lead" and row.quantity not in humans:
                continue
            d = 1 if row.quantity == "lead" else 2
            what = "final lead" if row.quantity == "lead" else f"score: {row.label}"
            rows.append([label, what, row.unit, signed(row.gap, d), signed(row.decisions, d), signed(row.dice, d)])
    lines.append(format_columns(["game", "quantity", "unit", "gap", "from decisions", "from dice"], rows,
                                numeric_from=3))
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    """``wargame compare``: compare saved games, print the summary and write the HTML report."""
    if len(args.games) < 2:
        raise CompareError(f"wargame compare needs at least 2 game files, got {len(args.games)}: "
                           "wargame compare GAME1.json GAME2.json [...]")
    out = check_output_path(Path(args.output), (".html", ".htm"), "-o")
    if not 1 <= args.reference <= len(args.games):
        raise CompareError(f"--reference must be a game number from 1 to {len(args.games)}, got {args.reference}")
    comparison = compare_files(args.games, reference=args.reference - 1)
    print(summary_text(comparison))
    write_text_atomic(out, report_html(comparison))
    print(f"\nReport written to {_printable(str(out))}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` command to the ``wargame`` parser's subcommands."""
    cmp = sub.add_parser("compare", help="compare several groups' saved games of one scenario: paths, endings, "
                                         "scores, where decisions diverged, decisions vs dice")
    cmp.add_argument("games", nargs="*", metavar="GAME.json", help="two or more saved game logs of one scenario")
    cmp.add_argument("-o", "--output", default=DEFAULT_REPORT,
                     help=f"write the HTML report to FILE.html (default: {DEFAULT_REPORT})")
    cmp.add_argument("--reference", type=int, default=1, metavar="N",
                     help="compare every game with game number N (default: 1, the first file)")
    cmp.set_defaults(func=cmd_compare)
