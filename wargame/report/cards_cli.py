"""The ``wargame role-cards`` command (being built: registers nothing yet)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``role-cards`` command to the ``wargame`` parser's subcommands."""
