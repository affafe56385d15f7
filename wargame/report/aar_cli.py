"""The ``wargame report-game`` command (being built: registers nothing yet)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report-game`` command to the ``wargame`` parser's subcommands."""
