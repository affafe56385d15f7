"""Shared helpers of the batch tests (small designs, comparing result tables)."""

from __future__ import annotations

import pandas as pd


def assert_same_results(a, b) -> None:
    """Two BatchResults hold identical run tables and time series (sorted by run_id)."""
    pd.testing.assert_frame_equal(a.runs().sort_values("run_id", ignore_index=True),
                                  b.runs().sort_values("run_id", ignore_index=True))
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
