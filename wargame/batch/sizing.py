"""How big a batch is before it is built: runs, estimated time, disk and memory, and the size limits.

A batch's size is known from its options alone (scenarios x samples x replications; the sample count of
``--lhs``/``--sobol``/``--morris`` follows from N and the number of swept ranges), so it is checked before
any design is built: ``-n 1000000000`` or ``--sobol 2**40`` is refused in milliseconds with a one-line
message, instead of filling the memory.

The per-run figures below were measured with the ``baseline`` scenario on a shared 2-core machine (2026,
this repository's development box) and rounded up; they are illustrative, good to a factor of about two.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from wargame.batch.design import SweepError

#: Runs above which a batch needs explicit confirmation (``--yes``, ``max_runs=None``). Illustrative: 6 GB of
#: memory to plan, and over an hour of computing on one core at :data:`SECONDS_PER_RUN`.
MAX_RUNS = 10_000_000
#: Seconds per run per worker, chunks played as ensembles (measured 0.22 ms for ``baseline`` in the 225,280-run
#: Sobol study of ``benchmarks/bench_ensemble.py --full``, 2 workers, start-up and Parquet included; doubled for
#: heavier scenarios and time series). Illustrative.
SECONDS_PER_RUN = 0.0005
#: Bytes on disk per run without time series (measured 185 B per run of ``baseline`` in chunks of 1,250 and
#: after merging, 830 B in chunks of 20; rounded up for scenarios with more seats). Illustrative.
DISK_BYTES_PER_RUN = 300
#: Extra bytes on disk per run with time series (measured about 3.8 kB per run of ``baseline`` after merging,
#: 3.9 kB in chunks of 20). Illustrative.
TIMESERIES_BYTES_PER_RUN = 4_000
#: Peak memory per run while planning: design table and its hash (measured 513 B at 400,000 runs).
PLAN_BYTES_PER_RUN = 600


class BatchTooLargeError(SweepError):
    """The batch is over the size limit (or over the memory there is); the message gives its size."""


@dataclass(frozen=True)
class BatchSize:
    """Size of a batch and rough costs, from the options alone.

    Attributes:
        n_scenarios: Scenarios of the batch.
        n_samples: Parameter samples.
        replications: Runs per scenario and sample.
        timeseries: Whether time series are stored.

    """

    n_scenarios: int
    n_samples: int
    replications: int
    timeseries: bool = False

    @property
    def n_runs(self) -> int:
        """Planned runs: scenarios x samples x replications."""
        return self.n_scenarios * self.n_samples * self.replications

    def seconds(self, workers: int) -> float:
        """Estimated wall time (s) with ``workers`` processes, at :data:`SECONDS_PER_RUN`."""
        return self.n_runs * SECONDS_PER_RUN / max(1, workers)

    @property
    def disk_bytes(self) -> int:
        """Estimated size of the results folder (bytes)."""
        return self.n_runs * (DISK_BYTES_PER_RUN + (TIMESERIES_BYTES_PER_RUN if self.timeseries else 0))

    @property
    def memory_bytes(self) -> int:
        """Estimated peak memory of planning the batch (bytes)."""
        return self.n_runs * PLAN_BYTES_PER_RUN

    def describe(self, workers: int) -> str:
        """One line: ``N runs (S scenario(s) x P sample(s) x R replications): about T with W workers, ...``."""
        return (f"{self.n_runs:,} runs ({self.n_scenarios} scenario(s) x {self.n_samples:,} sample(s) x "
                f"{self.replications:,} replications): about {format_seconds(self.seconds(workers))} with "
                f"{workers} worker(s), {format_bytes(self.disk_bytes)} on disk, "
                f"{format_bytes(self.memory_bytes)} of memory to plan (rough estimates)")


def format_seconds(seconds: float) -> str:
    """``"40 s"``, ``"12 min"``, ``"3.5 h"``, ``"58 days"`` or ``"31 years"``."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds < 2 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):,.0f} years"


def format_bytes(n: float) -> str:
    """``"512 B"``, ``"4.0 kB"``, ``"1.2 GB"`` ... (powers of 1000)."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover - the loop returns


def sample_count(grid: dict[str, list[Any]] | None, sweep: Any, method: str | None, n: int | None) -> int:
    """Number of samples :func:`wargame.batch.design.make_samples` would build, without building them.

    Args:
        grid: ``{dotted key: [values]}`` from ``--set``.
        sweep: A validated :class:`wargame.batch.design.SweepFile`, or None.
        method: ``"lhs"``, ``"sobol"``, ``"morris"`` or None/``"grid"``.
        n: The sampler's N.

    Returns:
        Grid combinations x sampler points (LHS: N; Sobol: N x (D + 2); Morris: N x (D + 1), D ranges).

    """
    levels = [len(v) for v in (grid or {}).values()]
    levels += [len(f.values or []) for f in (sweep.levels if sweep is not None else [])]
    combos = math.prod(levels) if levels else 1
    d = len(sweep.ranges) if sweep is not None else 0
    if method in (None, "grid") or not d or not n:
        return combos
    points = {"lhs": n, "sobol": n * (d + 2), "morris": n * (d + 1)}.get(method, n)
    return combos * points


def available_memory() -> int | None:
    """Memory available to new allocations (bytes): ``MemAvailable`` of ``/proc/meminfo``, else the total."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def check_size(size: BatchSize, max_runs: int | None = MAX_RUNS, workers: int = 1) -> None:
    """Refuse a batch over ``max_runs`` runs, or one whose plan would not fit in memory.

    Args:
        size: The batch's size.
        max_runs: Most runs allowed without confirmation; ``None`` allows any number (``--yes``), but a
            batch whose plan needs more memory than is available is refused anyway.
        workers: Workers, for the time estimate in the message.

    Raises:
        BatchTooLargeError: One line with the size, the estimates and what to do.

    """
    free = available_memory()
    if free is not None and size.memory_bytes > free:
        raise BatchTooLargeError(
            f"{size.describe(workers)}; planning it needs more memory than the {format_bytes(free)} available, "
            "even with --yes. Make it smaller: fewer replications (-n), a smaller --lhs/--sobol/--morris N or "
            "fewer grid values; or split it into several batches")
    if max_runs is not None and size.n_runs > max_runs:
        raise BatchTooLargeError(
            f"{size.describe(workers)}; that is over the limit of {max_runs:,} runs. Make it smaller (-n, "
            "--lhs/--sobol/--morris N, grid values), or pass --yes to run it anyway")
