"""Compaction of a completed batch's results folder: its chunk parts merged into few large Parquet files.

A running batch writes one part per finished chunk (:class:`wargame.batch.store.ResultsStore`), which keeps
a crash cheap; when the batch completes, :func:`compact` merges them into files with row groups of at least
:data:`SUMMARY_ROW_GROUP_ROWS` / :data:`TIMESERIES_ROW_GROUP_ROWS` rows. The crash safety (merged files list
the parts they replace; readers skip those) is described in :mod:`wargame.batch.store`, which holds the
readers' side (:meth:`~wargame.batch.store.ResultsStore.replaced_parts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from wargame.batch.integrity import sha256_bytes
from wargame.batch.runner import TIMESERIES_SCHEMA
from wargame.batch.store import (
    _PLAIN_PART,
    REPLACES_KEY,
    DamagedStoreError,
    ResultsStore,
    StoreError,
    _atomic_write,
    _read_summary_part,
    _remove_file,
    _repair_hint,
    _runs_of,
)

#: Rows per row group of a merged summary file: at least this many, under twice it, or the whole file when it
#: is smaller (about 100 bytes per row compressed: a few MB per row group). Illustrative.
SUMMARY_ROW_GROUP_ROWS = 50_000
#: Rows per row group of a merged time-series file (about 160 runs of ``baseline``, 638 rows each: 58
#: variables x 11 seasons), same rule. Merging holds about one row group: measured +85 MiB peak RSS at this
#: size against +142 MiB at 500,000 rows (2,000 runs of ``baseline``, development machine). Illustrative.
TIMESERIES_ROW_GROUP_ROWS = 100_000
#: Most summary rows (runs) in one merged file: about 100 MB. Illustrative.
MAX_SUMMARY_FILE_ROWS = 1_000_000
#: Most time-series rows in one merged file (about 50,000 runs of ``baseline``; a few hundred MB). A merged
#: summary file and its time-series partner hold the same runs, so this also bounds the summary file.
MAX_TIMESERIES_FILE_ROWS = 32_000_000


def _merged_name(names: list[str]) -> str:
    """``part-<first run>-<last run>-merged-<8 hex of the replaced names>.parquet`` for plain part names."""
    spans = [_PLAIN_PART.fullmatch(n) for n in names]
    first = min(int(m.group(1)) for m in spans if m)
    last = max(int(m.group(2)) for m in spans if m)
    digest = sha256_bytes("\n".join(sorted(names)).encode())[:8]
    return f"part-{first:09d}-{last:09d}-merged-{digest}.parquet"


def _row_group_sizes(rows: int, target: int) -> list[int]:
    """Row-group sizes of a file of ``rows`` rows, each at least ``target`` rows and under twice it.

    ``floor(rows / target)`` groups of equal size (within one row), or one group when ``rows < target``; none
    for an empty file.
    """
    if rows <= 0:
        return []
    k = max(1, rows // max(1, target))
    base, extra = divmod(rows, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def compact(store: ResultsStore, summary_rows: int = SUMMARY_ROW_GROUP_ROWS,
            timeseries_rows: int = TIMESERIES_ROW_GROUP_ROWS, max_summary_rows: int = MAX_SUMMARY_FILE_ROWS,
            max_timeseries_rows: int = MAX_TIMESERIES_FILE_ROWS) -> list[str]:
    """Merge the chunk parts of a results folder into few large files; remove the parts they replace.

    The plain parts (one per chunk; merged files are left as they are) are taken in name order (about
    run order) and packed into groups of at most ``max_summary_rows`` summary rows and
    ``max_timeseries_rows`` time-series rows, of about equal size. Each group of two or more parts
    becomes one merged summary file and, in a batch with time series, one merged time-series file of
    the same name holding the same runs; both are written with row groups of ``summary_rows`` /
    ``timeseries_rows`` rows or more (under twice that), or one row group for a smaller file, with page
    checksums and their SHA-256 in the ledger. Before anything is merged each part is checked against
    its SHA-256; a part that fails is left out (and named in the returned messages): the next resume
    sets it aside and runs its runs again. Call it only while holding the folder's lock; it does
    nothing in a folder without a ledger (format ``/2`` and older).

    Crash safety: see the module docstring. Readers never see a run twice or miss one.

    Args:
        store: The results folder.
        summary_rows: Target rows per row group of a merged summary file.
        timeseries_rows: Target rows per row group of a merged time-series file.
        max_summary_rows: Most rows of a merged summary file.
        max_timeseries_rows: Most rows of a merged time-series file.

    Returns:
        One message per part left out because it is damaged (empty normally).

    Raises:
        OSError: If a file cannot be written (``errno.ENOSPC``: the disk is full); the folder stays
            valid and a later compaction finishes the work.

    """
    if not store.has_hashes():
        return []
    store.remove_replaced()
    plain = [p for p in store.summary_parts() if _PLAIN_PART.fullmatch(p.name)]
    if len(plain) < 2:
        return []
    with_ts = bool(store.manifest().get("timeseries", True))
    damaged = store._check_files(plain, plain)
    messages = [f"{p.relative_to(store.path).as_posix()}: {why}; not merged. Re-run the batch's command to "
                f"set it aside and run {_runs_of(p.name)} again" for p, why in damaged]
    bad = {p.name for p, _ in damaged}
    plain = [p for p in plain if p.name not in bad]
    rows = {p.name: (pq.read_metadata(p).num_rows,
                     pq.read_metadata(store.timeseries_dir / p.name).num_rows if with_ts else 0) for p in plain}
    schema = store.summary_schema()
    for group in _pack([p.name for p in plain], rows, max_summary_rows, max_timeseries_rows):
        if len(group) < 2:
            continue
        name = _merged_name(group)
        meta = {REPLACES_KEY: json.dumps(group).encode()}
        if with_ts:
            _write_merged(store, store.timeseries_dir / name, [store.timeseries_dir / n for n in group],
                               TIMESERIES_SCHEMA.with_metadata(meta), sum(rows[n][1] for n in group),
                               timeseries_rows, lambda p: _iter_parquet(p, TIMESERIES_SCHEMA))
        _write_merged(store, store.summary_dir / name, [store.summary_dir / n for n in group],
                           schema.with_metadata(meta), sum(rows[n][0] for n in group), summary_rows,
                           lambda p: [_read_summary_part(p, schema)])
        for n in group:  # committed: the merged summary file replaces them; remove them
            for d in (store.summary_dir, store.timeseries_dir):
                _remove_file(d / n)
    store._rewrite_ledger()
    return messages


def _write_merged(store: ResultsStore, path: Path, sources: list[Path], schema: pa.Schema, rows: int,
                  group_rows: int, read: Any) -> None:
    """Write ``sources`` as one file of :func:`_row_group_sizes` row groups.

    ``read(path)`` yields a source's rows as tables, a batch at a time, so at most about one row group
    (plus a batch) is held in memory, however large the sources.
    """
    sizes = _row_group_sizes(rows, group_rows)

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, schema, compression="zstd", write_page_checksum=True) as writer:
            buffered: list[pa.Table] = []
            have, k = 0, 0
            for table in (t for src in sources for t in read(src)):
                buffered.append(table.replace_schema_metadata(schema.metadata))
                have += len(table)
                while k < len(sizes) and have >= sizes[k]:
                    joined = pa.concat_tables(buffered)
                    writer.write_table(joined.slice(0, sizes[k]), row_group_size=sizes[k])
                    rest = joined.slice(sizes[k])
                    buffered, have, k = [rest], len(rest), k + 1
            if have or k != len(sizes):
                raise StoreError(f"{path}: its parts changed while they were merged ({rows} rows expected)")

    _atomic_write(path, write, ledger=store.ledger_path, root=store.path)


#: Rows per batch when a time-series part is read for merging.
_MERGE_BATCH_ROWS = 65_536


def _iter_parquet(path: Path, schema: pa.Schema) -> Iterator[pa.Table]:
    """The rows of a Parquet file in ``schema``, :data:`_MERGE_BATCH_ROWS` at a time (page checksums checked).

    Raises:
        DamagedStoreError: If the file is unreadable.

    """
    try:
        for batch in pq.ParquetFile(path, page_checksum_verification=True).iter_batches(_MERGE_BATCH_ROWS):
            yield pa.Table.from_batches([batch]).cast(schema)
    except (OSError, pa.ArrowException) as exc:
        raise DamagedStoreError(f"{path}: damaged or unreadable results file ({exc}). "
                                + _repair_hint(path.parent.parent)) from None


def _pack(names: list[str], rows: dict[str, tuple[int, int]], max_summary: int, max_series: int) -> list[list[str]]:
    """Groups of consecutive parts, each within both row limits and of about equal size.

    ``rows`` gives each part's (summary rows, time-series rows). The number of groups is the fewest that the
    limits allow, and a group closes once it reaches its share of the rows (or before it would pass a limit).
    """
    total_s = sum(rows[n][0] for n in names)
    total_t = sum(rows[n][1] for n in names)
    n_groups = max(1, -(-total_s // max(1, max_summary)), -(-total_t // max(1, max_series)))
    share_s, share_t = -(-total_s // n_groups), -(-total_t // n_groups)
    groups: list[list[str]] = []
    group: list[str] = []
    s = t = 0
    for name in names:
        ps, pt = rows[name]
        if group and (s + ps > max_summary or t + pt > max_series):
            groups.append(group)
            group, s, t = [], 0, 0
        group.append(name)
        s, t = s + ps, t + pt
        if s >= share_s and t >= share_t:
            groups.append(group)
            group, s, t = [], 0, 0
    if group:
        groups.append(group)
    return groups
