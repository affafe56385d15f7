"""The ``wargame role-cards`` command: printable role cards of a scenario, as HTML and (with ``--pdf``) PDF.

Bad input (an unknown scenario, an invalid file, an output path that cannot be written, no Chromium for
``--pdf``) raises ``ValueError`` (``ScenarioError``, ``ChromiumNotFoundError``), which :func:`wargame.cli.main`
prints as one line, exit status 2. A Chromium that runs but prints nothing is exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from wargame.cli_args import check_output_path
from wargame.report.pdf import PdfPrintError, find_chromium, print_pdf
from wargame.report.role_cards import write_cards
from wargame.scenario import load_scenario


def default_html_name(scenario_name: str) -> str:
    """The HTML file written when neither ``-o`` nor ``--pdf`` is given: ``role_cards_<scenario>.html``."""
    return f"role_cards_{scenario_name}.html"


def cmd_role_cards(args: argparse.Namespace) -> int:
    """``wargame role-cards [SCENARIO] [-o CARDS.html] [--pdf CARDS.pdf]``: write the cards of every seat.

    Without ``-o`` and ``--pdf`` the HTML goes to ``role_cards_<scenario>.html``; with only ``--pdf`` the
    HTML is a temporary file and only the PDF is kept.

    Returns:
        0 when written, 1 if Chromium failed to print.

    """
    html_out = check_output_path(args.output, (".html", ".htm"), "-o") if args.output else None
    pdf_out = check_output_path(args.pdf, (".pdf",), "--pdf") if args.pdf else None
    chromium = find_chromium() if pdf_out else None
    scenario = load_scenario(args.scenario)
    if html_out is None and pdf_out is None:
        html_out = check_output_path(default_html_name(scenario.name), (".html", ".htm"), "-o")
    seats = len(scenario.seats())
    if html_out is not None:
        write_cards(scenario, html_out)
        print(f"Role cards of {seats} seats of scenario {scenario.name} written to {html_out} (open it in a browser "
              "and print it: every card starts on a new page)")
    if pdf_out is not None:
        try:
            if html_out is not None:
                print_pdf(html_out, pdf_out, chromium)
            else:
                with tempfile.TemporaryDirectory(prefix="wargame-cards-") as folder:
                    print_pdf(write_cards(scenario, Path(folder) / "cards.html"), pdf_out, chromium)
        except PdfPrintError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"PDF of the role cards of {seats} seats written to {pdf_out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``role-cards`` command to the ``wargame`` parser's subcommands."""
    cards = sub.add_parser("role-cards", help="printable role cards of a scenario's seats (HTML, and PDF with --pdf)",
                           description="Write one printable card per seat of a scenario: the briefing, what the "
                                       "seat plays for, its levers with units and plain meanings, and what it can "
                                       "and cannot see.")
    cards.add_argument("scenario", nargs="?", default="baseline",
                       help="scenario name from scenarios/ or a path to a .toml file (default: baseline)")
    cards.add_argument("-o", "--output", metavar="CARDS.html",
                       help="the HTML file to write (default: role_cards_<scenario>.html, unless --pdf is given)")
    cards.add_argument("--pdf", metavar="CARDS.pdf", help="also print the cards to this PDF file (needs Chromium)")
    cards.set_defaults(func=cmd_role_cards)
