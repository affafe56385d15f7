"""Argument types and output checks shared by the ``wargame`` command line and its subcommands.

:mod:`wargame.cli`, :mod:`wargame.batch.cli` and :mod:`wargame.futures_cli` all import this module and it
imports none of them, so imports run one way: ``wargame.cli`` -> ``wargame.batch.cli`` /
``wargame.futures_cli`` -> ``wargame.cli_args``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from wargame.model import MAX_SEED

#: Suffixes a results table (``--out``) may have: CSV or Parquet, chosen by the suffix (any case).
TABLE_SUFFIXES = (".csv", ".parquet")


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


def check_output_path(path: str | Path, suffixes: tuple[str, ...], option: str) -> Path:
    """Check an output file path before any work is done.

    Args:
        path: The path given on the command line.
        suffixes: Allowed suffixes, lower case (the path's suffix is compared case-insensitively).
        option: The option's name, for messages (e.g. ``"--out"``).

    Returns:
        The path, as a ``Path``.

    Raises:
        ValueError: If the suffix is not allowed, the path is a directory, or its folder does not exist or
            cannot be written; the message names the option and the path.

    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a directory; give a file name")
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"{option} must end in {' or '.join(suffixes)}, got {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"{option} {path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ValueError(f"{option} {path}: folder {path.parent} is not writable")
    try:  # a real probe: permission bits do not tell (root, read-only mounts, /proc)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".wargame-probe-"):
            pass
    except OSError as exc:
        raise ValueError(f"{option} {path}: cannot write in folder {path.parent} ({exc.strerror})") from None
    return path
