"""Headless Monte Carlo batches of the wargame.

A batch is a *design* of runs, scenarios x parameter samples x replications (:mod:`wargame.batch.design`),
executed in chunks through any :class:`concurrent.futures.Executor` (:mod:`wargame.batch.runner`): a local
process pool by default, ``dask.distributed`` at scale. Results stream into a resumable Parquet folder
(:mod:`wargame.batch.store`); :mod:`wargame.batch.report` and :mod:`wargame.batch.sensitivity` analyse it.
Notebooks and scripts use :mod:`wargame.batch.api`, which returns a
:class:`~wargame.batch.results.BatchResult` (:mod:`wargame.batch.results`); the
``wargame batch|report|sensitivity`` commands are in :mod:`wargame.batch.cli`. See ``docs/batch.md``.

The batch package uses the model; the model never imports it.
"""

from wargame.batch.api import run_batch
from wargame.batch.results import BatchResult, load_results

__all__ = ["BatchResult", "load_results", "run_batch"]
