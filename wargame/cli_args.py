"""Argument types shared by the ``wargame`` command line and its batch commands.

:mod:`wargame.cli` and :mod:`wargame.batch.cli` both import this module and it imports neither, so
imports run one way: ``wargame.cli`` -> ``wargame.batch.cli`` -> ``wargame.cli_args``.
"""

from __future__ import annotations

import argparse

from wargame.model import MAX_SEED


def seed_arg(text: str) -> int:
    """Parse a seed: an integer in [0, 2**63 - 1] (argparse type; the browser game takes the same range).

    Raises:
        argparse.ArgumentTypeError: On anything else, with the allowed range.

    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be an integer from 0 to {MAX_SEED}, got {text!r}")
    return value
