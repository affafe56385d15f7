"""Seasons: calendar quarters, written ``"2026Q3"``."""

from __future__ import annotations

import re

_SEASON = re.compile(r"^(\d{4})Q([1-4])$")


def parse_season(label: str) -> int:
    """Turn a season label into a quarter index (year * 4 + quarter - 1).

    Args:
        label: A season such as ``"2026Q3"``.

    Returns:
        The quarter index; consecutive seasons differ by 1.

    Raises:
        ValueError: If the label is not of the form ``YYYYQn`` with n in 1..4.

    """
    match = _SEASON.match(label) if isinstance(label, str) else None
    if not match:
        raise ValueError(f"season must look like '2026Q3' (year, 'Q', quarter 1-4); got {label!r}")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def season_label(index: int) -> str:
    """Turn a quarter index back into a label such as ``"2026Q3"``.

    Args:
        index: Quarter index as returned by :func:`parse_season`.

    Returns:
        The season label.

    """
    return f"{index // 4}Q{index % 4 + 1}"
