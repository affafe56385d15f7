"""The results of a batch as pandas DataFrames: :class:`BatchResult` and :func:`load_results`.

A :class:`BatchResult` reads a results folder (:mod:`wargame.batch.store`) and offers the analyses of
:mod:`wargame.batch.report` and :mod:`wargame.batch.sensitivity` as methods. It sits above those modules:
they take any object with its read methods (:class:`wargame.batch.report.BatchData`) and never import this
one, and :mod:`wargame.batch.api` (which runs batches and returns a :class:`BatchResult`) imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from wargame.batch import report as batch_report
from wargame.batch import sensitivity as batch_sensitivity
from wargame.batch.store import ResultsStore


def load_results(path: str | Path) -> BatchResult:
    """Open a results folder written by ``wargame batch`` or :func:`wargame.batch.api.run_batch`.

    Raises:
        wargame.batch.store.StoreError: If the folder is not a results folder (no manifest or design).

    """
    return BatchResult(ResultsStore.open(path))


class BatchResult:
    """Read access to a results folder as pandas DataFrames.

    Args:
        store: The results store.

    """

    def __init__(self, store: ResultsStore):
        self.store = store

    @property
    def path(self) -> Path:
        """The results folder."""
        return self.store.path

    @property
    def manifest(self) -> dict[str, Any]:
        """The batch's manifest."""
        return self.store.manifest()

    def design(self) -> pd.DataFrame:
        """The design: one row per planned run."""
        return self.store.design()

    def runs(self) -> pd.DataFrame:
        """Completed runs: design columns joined with status, error, the outcome metrics and the scores.

        The counts ``incidents``, ``major_incidents`` and ``seasons_played`` are nullable integers
        (``Int64``; ``<NA>`` for a failed run); the other metrics are ``float64`` (NaN for a failed run).
        The ``score_<seat id>`` columns (:meth:`score_columns`) follow: a seat's cumulative score at the end
        of the run, NaN for a failed run and for a run of a scenario without that seat.
        """
        summary = self.store.summary().drop(columns=["scenario", "sample_id", "replication", "seed"])
        return self.design().merge(summary, on="run_id", how="inner").sort_values("run_id", ignore_index=True)

    def timeseries(self, variables: Iterable[str] | None = None) -> pd.DataFrame:
        """Tidy long time series ``(run_id, season, variable, value)``, optionally only some variables.

        Raises:
            wargame.batch.store.UnknownVariableError: If a requested variable was not recorded (the message
                lists those that were; :meth:`timeseries_variables` returns them).
            wargame.batch.store.StoreError: If variables are requested from a batch without time series
                (the default; run it with ``timeseries=True``, ``--timeseries``, to record them).

        """
        return self.store.timeseries(variables)

    def score_columns(self) -> list[str]:
        """The ``score_<seat id>`` columns of :meth:`runs` (every seat of the batch's scenarios)."""
        return self.store.score_columns()

    def scores(self) -> pd.DataFrame:
        """Mean final score per seat with its standard error, per scenario x sample (long table).

        See :func:`wargame.batch.report.score_table`.
        """
        return batch_report.score_table(self.runs(), self.design(), self.score_columns(),
                                        self.manifest.get("seats"))

    def timeseries_variables(self) -> list[str]:
        """Names of the recorded time-series variables (e.g. ``lead_months``)."""
        return self.store.timeseries_variables()

    def outcomes(self) -> pd.DataFrame:
        """P(S1), P(S2), P(contested) with Wilson 95% intervals per scenario x sample."""
        return batch_report.outcome_table(self.runs(), self.design())

    def lead_bands(self) -> pd.DataFrame:
        """Median and 5-95% bands of the lead (months) per scenario x sample x season.

        Raises:
            wargame.batch.store.StoreError: For a batch without time series (the message says how to get them).

        """
        return batch_report.lead_bands(self.timeseries(["lead_months"]), self.design())

    def report(self, out: str | Path | None = None) -> dict[str, Path]:
        """Write the report (CSV + fan charts) to ``out`` (default ``DIR/report``); return the paths.

        See :func:`wargame.batch.report.write_report`: a batch without time series gets no lead bands and
        no fan charts (:func:`wargame.batch.report.timeseries_note` says how to get them).
        """
        return batch_report.write_report(self, out)

    def sensitivity(self, outcome: str = "final_lead_months", parameters: Sequence[str] | None = None,
                    scenario: str | None = None) -> pd.DataFrame:
        """Sobol or Morris indices of a Sobol/Morris batch (see :mod:`wargame.batch.sensitivity`)."""
        return batch_sensitivity.analyze(self, outcome=outcome, parameters=parameters, scenario=scenario)
