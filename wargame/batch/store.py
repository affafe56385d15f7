"""The results folder of a batch: resumable, append-only Parquet.

Layout::

    DIR/design.parquet             one row per planned run (written first)
    DIR/manifest.json              scenario hashes, code version, master seed, design hash, sampler,
                                   score columns and the seats of each scenario
    DIR/chunks/part-*.parquet      per-run summaries, one file per completed chunk while the batch runs,
                                   merged into few large files when it completes; every part of a batch
                                   has the same schema (the fixed metrics, then score_<seat id>)
    DIR/timeseries/part-*.parquet  tidy long time series (run_id, season, variable, value), only with
                                   ``timeseries=True`` (``--timeseries``); same file names as chunks/

Every file is written to a ``.tmp`` name and renamed with :func:`os.replace`, which is atomic on POSIX
and Windows: a reader (or a resumed batch) sees a chunk completely or not at all. A chunk writes its time
series first and its summary last, and a run counts as done only when its summary row exists, so after a
``kill -9`` the resumed batch re-runs exactly the runs without a summary (their stray time series files are
removed first). Part files are named after their first and last run ids, so a re-run chunk overwrites its
own stray file.

A folder that already holds a different batch (design, scenario content, code version or master seed)
is refused with :class:`StoreMismatchError`, never mixed; a folder written by another code version gets
its own message (:class:`StoreVersionError`), naming both versions. Reading such a folder still works.

Integrity (format ``/3``): every Parquet file is written with page checksums (checked on every read), and
its SHA-256 goes to the ledger ``DIR/checksums.sha256`` before the file is renamed into place (see
:mod:`wargame.batch.integrity`). ``wargame report`` checks every file against the ledger and refuses a
damaged folder (:class:`DamagedStoreError`, naming the files); a resumed batch moves damaged files to
``DIR/quarantine/<time>/`` (never deletes them) and re-runs their runs (:meth:`ResultsStore.repair`).
One process at a time writes a folder: :class:`wargame.batch.lock.FolderLock` on ``DIR/.lock``.

Compaction (:func:`wargame.batch.compaction.compact`): when a batch completes, its chunk parts are merged into few
large files (``part-<first>-<last>-merged-<8 hex>.parquet``, row groups of at least
:data:`~wargame.batch.compaction.SUMMARY_ROW_GROUP_ROWS` summary rows or
:data:`~wargame.batch.compaction.TIMESERIES_ROW_GROUP_ROWS` time-series rows, or one
row group for a smaller file). A merged file lists the parts it replaces in its Parquet key-value metadata
(:data:`REPLACES_KEY`), and every reader ignores a part listed by a merged file (:meth:`ResultsStore.
replaced_parts`). The merged time-series file is written first, the merged summary file (the commit point,
with its SHA-256 in the ledger first, like any part) next, and only then are the replaced parts and their
ledger lines removed. A crash at any point leaves a folder whose live files hold every finished run exactly
once: before the commit the merged time-series file is a stray (it has no summary partner) and is removed
on resume; after it, the replaced parts are ignored until a resume (or the next compaction) removes them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from wargame.batch.integrity import (
    INTEGRITY,
    LEDGER_FILE,
    append_ledger,
    format_ledger,
    read_ledger,
    sha256_file,
)
from wargame.batch.runner import INTEGER_METRICS, TIMESERIES_SCHEMA, ChunkResult, summary_schema

#: Store format written to the manifest. ``/3`` added page checksums and the SHA-256 ledger; ``/2`` added
#: the ``score_<seat id>`` columns. ``/1`` and ``/2`` folders are still read (without the SHA-256 check).
FORMAT = "wargame-batch/3"
DESIGN_FILE = "design.parquet"
MANIFEST_FILE = "manifest.json"
SUMMARY_DIR = "chunks"
TIMESERIES_DIR = "timeseries"
#: Where damaged files are moved (``DIR/quarantine/<UTC time>-<pid>/chunks/...``), never deleted.
QUARANTINE_DIR = "quarantine"
#: Lock file of :class:`wargame.batch.lock.FolderLock`.
LOCK_FILE = ".lock"
#: Parquet key-value metadata key of a merged file: a JSON list of the part file names it replaces.
REPLACES_KEY = b"wargame.replaces"
_PLAIN_PART = re.compile(r"part-(\d+)-(\d+)\.parquet")
_MERGED_PART = re.compile(r"part-(\d+)-(\d+)-merged-[0-9a-f]{8}\.parquet")
#: Attempts to read a folder whose parts a running batch merges and removes meanwhile.
_READ_ATTEMPTS = 3
#: Manifest keys that must match for a folder to be resumed, with a human label.
IDENTITY_KEYS = {
    "format": "store format",
    "code_version": "code version (wargame.__version__)",
    "master_seed": "master seed",
    "scenarios": "scenario names and content hashes",
    "design_hash": "design (samples, replications, seeds)",
    "timeseries": "time-series setting",
    "score_columns": "score columns (seats of the scenarios)",
}


#: Fields every batch's manifest holds, whatever version wrote it; a manifest without one of them is damaged
#: (``code_version`` may be missing: such a folder is refused as written by an unknown version).
REQUIRED_MANIFEST_KEYS = ("format", "master_seed", "scenarios", "design_hash", "timeseries", "n_runs")
#: Why a batch has no time series, and how to get them.
NO_TIMESERIES = ("this batch stored no time series (they are off by default), so it has no lead bands or fan "
                 "charts. To get them, run the batch's 'wargame batch' command again with --timeseries "
                 "(timeseries=True in run_batch); without --out it goes to its own folder, with --out give a "
                 "new one")


class StoreError(RuntimeError):
    """The results folder cannot be used (unreadable, not a results folder, ...)."""


class UnknownVariableError(StoreError, KeyError):
    """A time-series variable that the batch did not record; the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class StoreMismatchError(StoreError):
    """The results folder holds another batch; the message lists what differs."""


class StoreVersionError(StoreMismatchError):
    """The results folder was written by another code version (``wargame.__version__``); it is never resumed."""


class DamagedStoreError(StoreError):
    """A file of the results folder is damaged or unreadable; the message names it and says how to repair."""


def _repair_hint(folder: Path) -> str:
    return (f"Re-run the batch's 'wargame batch' command (with --out {folder}) to resume: it moves damaged files "
            f"to {folder / QUARANTINE_DIR} and re-runs their runs.")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk keeps no half file
        raise


def _atomic_write_table(path: Path, table: pa.Table, ledger: Path | None = None, root: Path | None = None,
                        store_schema: bool = True) -> None:
    """Write a Parquet file (zstd, page checksums) to a temp name, record its SHA-256, then rename it.

    Args:
        path: Final path.
        table: The table.
        ledger: Ledger to append the file's SHA-256 to before the rename (none: no hash recorded).
        root: The results folder; the ledger records ``path`` relative to it.
        store_schema: Store the Arrow schema in the file; without it, dictionary-encoded text reads back as
            plain strings.

    """
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_page_checksum=True,
                                                   store_schema=store_schema), ledger, root)


def _atomic_write(path: Path, write: Any, ledger: Path | None = None, root: Path | None = None) -> None:
    """Call ``write(tmp)`` to write a file to a temp name, record its SHA-256, then rename it to ``path``.

    See :func:`_atomic_write_table`; a failure (a full disk) removes the temp file and re-raises.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        if ledger is not None:
            append_ledger(ledger, {path.relative_to(root or ledger.parent).as_posix(): sha256_file(tmp)})
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk keeps no half file
        raise


def read_parquet_checked(path: Path, **kwargs: Any) -> pa.Table:
    """``pyarrow.parquet.read_table`` with page-checksum verification; a damaged file raises a clear error.

    Raises:
        DamagedStoreError: If the file is unreadable (truncated, flipped bytes, not Parquet); the message
            names it and tells how to repair the folder.

    """
    try:
        return pq.read_table(path, page_checksum_verification=True, **kwargs)
    except (OSError, pa.ArrowException) as exc:
        folder = path.parent.parent if path.parent.name in (SUMMARY_DIR, TIMESERIES_DIR) else path.parent
        raise DamagedStoreError(f"{path}: damaged or unreadable results file ({exc}). "
                                + _repair_hint(folder)) from None


def _part_name(run_ids: Iterable[int]) -> str:
    ids = list(run_ids)
    return f"part-{min(ids):09d}-{max(ids):09d}.parquet"


def is_merged_part(name: str) -> bool:
    """True for the file name of a merged part (written by :func:`wargame.batch.compaction.compact`)."""
    return _MERGED_PART.fullmatch(name) is not None


class ResultsStore:
    """A results folder. Open one with :meth:`create_or_resume` (to run) or :meth:`open` (to read).

    Args:
        path: The folder.

    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._hashes: bool | None = None  # has_hashes(), cached by write_chunk

    # -- paths -------------------------------------------------------------------------------------
    @property
    def design_path(self) -> Path:
        """``DIR/design.parquet``."""
        return self.path / DESIGN_FILE

    @property
    def manifest_path(self) -> Path:
        """``DIR/manifest.json``."""
        return self.path / MANIFEST_FILE

    @property
    def summary_dir(self) -> Path:
        """``DIR/chunks``."""
        return self.path / SUMMARY_DIR

    @property
    def timeseries_dir(self) -> Path:
        """``DIR/timeseries``."""
        return self.path / TIMESERIES_DIR

    @property
    def ledger_path(self) -> Path:
        """``DIR/checksums.sha256``: the SHA-256 of every file written (see :mod:`wargame.batch.integrity`)."""
        return self.path / LEDGER_FILE

    # -- lifecycle ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path) -> ResultsStore:
        """Open an existing results folder for reading.

        Raises:
            StoreError: If the folder has no manifest or design.

        """
        store = cls(path)
        if not store.manifest_path.is_file() or not store.design_path.is_file():
            raise StoreError(f"{store.path}: not a batch results folder (no {MANIFEST_FILE} and "
                             f"{DESIGN_FILE}); run 'wargame batch --out {store.path}' first")
        return store

    @classmethod
    def check_compatible(cls, path: str | Path, manifest: dict[str, Any]) -> None:
        """Check, without writing anything, that a batch may run into ``path``.

        Args:
            path: The folder (need not exist).
            manifest: Identity of the batch (see :data:`IDENTITY_KEYS`).

        Raises:
            StoreVersionError: If the folder was written by another code version.
            StoreMismatchError: If the folder holds another batch.
            StoreError: If the folder is not empty and not a results folder.

        """
        store = cls(path)
        manifest = {"format": FORMAT, **manifest}
        if store.manifest_path.is_file():
            old = store.manifest()
            old_version, new_version = old.get("code_version"), manifest.get("code_version")
            if old_version != new_version:
                made_by = f"wargame {old_version}" if old_version else "an unknown wargame version"
                raise StoreVersionError(
                    f"results folder {store.path} was written by {made_by}; this is wargame {new_version}. "
                    "Results of different code versions are never mixed, so it cannot be resumed. Use a new "
                    f"folder (--out NEW_DIR), or delete this one to start over. (Reading it still works: "
                    f"wargame report {store.path}.)")
            diffs = [f"  - {label}: folder has {_short(old.get(k))}, this batch has {_short(manifest.get(k))}"
                     for k, label in IDENTITY_KEYS.items() if old.get(k) != manifest.get(k)]
            if diffs:
                raise StoreMismatchError(
                    f"results folder {store.path} holds a different batch, refusing to mix results:\n"
                    + "\n".join(diffs)
                    + "\nUse another --out folder, or delete this one to start over.")
            return
        if store.path.exists() and not store.path.is_dir():
            raise StoreError(f"{store.path}: is a file, not a folder; choose another --out folder")
        allowed = (DESIGN_FILE, SUMMARY_DIR, TIMESERIES_DIR, LEDGER_FILE, LOCK_FILE)
        if store.path.exists() and any(p for p in store.path.iterdir()
                                       if p.name not in allowed and not p.name.endswith(".tmp")):
            raise StoreError(f"{store.path}: folder is not empty and is not a batch results folder; "
                             "choose another --out folder")
        if store.summary_dir.is_dir() and any(store.summary_dir.glob("part-*.parquet")):
            raise StoreError(f"{store.path}: has result chunks but no {MANIFEST_FILE}; cannot tell which batch "
                             "they belong to. Delete the folder or choose another --out folder")

    @classmethod
    def create_or_resume(cls, path: str | Path, design: pd.DataFrame, manifest: dict[str, Any]) -> ResultsStore:
        """Start a new results folder, or resume one that holds the same batch.

        The design is written first, then the manifest. An existing folder is resumed only if its
        manifest matches on every key of :data:`IDENTITY_KEYS`. This does not lock the folder: callers
        that run a batch hold a :class:`wargame.batch.lock.FolderLock` around it (as
        :func:`wargame.batch.api.execute_plan` does), and call :meth:`repair` before reading what is done.

        Args:
            path: The folder (created if needed).
            design: The batch's design table.
            manifest: Identity and description of the batch (see :data:`IDENTITY_KEYS`).

        Raises:
            StoreVersionError: If the folder was written by another code version.
            StoreMismatchError: If the folder holds another batch.
            StoreError: If the folder is not empty and not a results folder.

        """
        cls.check_compatible(path, manifest)
        store = cls(path)
        if store.manifest_path.is_file():
            store._clean_strays()
            return store
        manifest = {"format": FORMAT, **manifest}
        store.path.mkdir(parents=True, exist_ok=True)
        store.summary_dir.mkdir(exist_ok=True)
        store.timeseries_dir.mkdir(exist_ok=True)
        _atomic_write_table(store.design_path, pa.Table.from_pandas(design, preserve_index=False),
                            ledger=store.ledger_path)
        manifest = {**manifest, "integrity": INTEGRITY,
                    "created_utc": datetime.now(UTC).isoformat(timespec="seconds")}
        _atomic_write_bytes(store.manifest_path, json.dumps(manifest, indent=2, default=str).encode())
        store._clean_strays()
        return store

    def _clean_strays(self) -> None:
        """Remove temp files and time-series parts whose summary part never landed (killed mid-chunk)."""
        for d in (self.path, self.summary_dir, self.timeseries_dir):
            if d.is_dir():
                for tmp in d.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)
        done = {p.name for p in self._files(self.summary_dir)}
        if self.timeseries_dir.is_dir():
            for p in self.timeseries_dir.glob("part-*.parquet"):
                if p.name not in done:
                    p.unlink(missing_ok=True)

    # -- integrity ---------------------------------------------------------------------------------
    def has_hashes(self) -> bool:
        """True if the folder records a SHA-256 per file (format ``/3`` and later); older folders do not."""
        manifest = self.manifest()
        return manifest.get("format") == FORMAT and bool(manifest.get("integrity"))

    def damaged_files(self) -> list[tuple[Path, str]]:
        """Files whose SHA-256 is missing from the ledger or differs from it, with the reason.

        Checks the design and every completed summary and time-series part (a full read of each). Empty
        for a folder written before hashes were recorded (:meth:`has_hashes`).

        Returns:
            ``[(path, reason), ...]`` in folder order.

        """
        if not self.has_hashes():
            return []
        summaries = self.summary_parts()
        return self._check_files([self.design_path, *summaries], summaries)

    def _check_files(self, paths: list[Path], summaries: list[Path]) -> list[tuple[Path, str]]:
        """:meth:`damaged_files` of ``paths`` (summary parts among them bring their time-series partners)."""
        ledger = read_ledger(self.ledger_path)
        out: list[tuple[Path, str]] = []
        check = list(paths)
        if self.manifest().get("timeseries", True):  # every chunk writes a time-series part, even an empty one
            for p in summaries:
                partner = self.timeseries_dir / p.name
                if partner.is_file():
                    check.append(partner)
                elif p.is_file():  # (a part merged and removed meanwhile is no longer the folder's)
                    out.append((p, "its time-series part is missing"))
        for path in check:
            if any(path == p for p, _ in out):
                continue
            want = ledger.get(path.relative_to(self.path).as_posix())
            try:
                got = sha256_file(path)
            except FileNotFoundError:
                if path == self.design_path:
                    out.append((path, "it is missing"))
                continue  # merged and removed by the batch writing the folder since it was listed
            except OSError as exc:
                out.append((path, f"unreadable ({exc.strerror or exc})"))
                continue
            if want is None:
                out.append((path, f"no SHA-256 recorded for it in {LEDGER_FILE}"))
            elif got != want:
                out.append((path, "its SHA-256 differs from the one recorded when it was written"))
        return out

    def check_integrity(self) -> None:
        """Refuse a damaged folder: every file must match its recorded SHA-256.

        Raises:
            DamagedStoreError: Naming each damaged file and telling how to repair the folder (resume).

        """
        damaged = self.damaged_files()
        if damaged:
            lines = [f"  - {p.relative_to(self.path).as_posix()}: {why}" for p, why in damaged[:20]]
            if len(damaged) > 20:
                lines.append(f"  ... and {len(damaged) - 20} more")
            raise DamagedStoreError(f"results folder {self.path} has {len(damaged)} damaged file(s); refusing to "
                                    "report on it:\n" + "\n".join(lines) + "\n" + _repair_hint(self.path))

    def repair(self, design: pd.DataFrame) -> list[str]:
        """Set damaged files aside so that their runs are run again; rewrite the ledger compacted.

        A damaged summary or time-series part is moved, with its partner of the same name, to
        ``DIR/quarantine/<UTC time>-<pid>/`` (never deleted): its runs then have no summary row and a
        resumed batch runs them again. A damaged design file is moved likewise and written again from
        ``design`` (the batch's identity check has already matched its hash). A merged file set aside
        brings back the parts it replaced, if a compaction was interrupted before removing them; those are
        checked in turn. Call it only while holding the folder's lock.

        Args:
            design: The batch's design table.

        Returns:
            One message per file set aside (empty when nothing was damaged).

        """
        if not self.has_hashes():
            return []
        messages: list[str] = []
        qdir = self.path / QUARANTINE_DIR / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"
        done: set[str] = set()
        for _ in range(2):  # a merged file set aside brings back the parts it replaced: check those too
            damaged = [(p, why) for p, why in self.damaged_files() if p.name not in done]
            if not damaged:
                break
            for path, why in damaged:
                rel = path.relative_to(self.path).as_posix()
                if path == self.design_path:
                    if path.exists():
                        _move(path, qdir / DESIGN_FILE)
                    _atomic_write_table(self.design_path, pa.Table.from_pandas(design, preserve_index=False),
                                        ledger=self.ledger_path)
                    messages.append(f"{rel}: {why}; moved to {qdir / DESIGN_FILE} and written again from the "
                                    "batch's design")
                    done.add(path.name)
                    continue
                if path.name in done:
                    continue
                done.add(path.name)
                for d in (self.summary_dir, self.timeseries_dir):
                    if (d / path.name).exists():
                        _move(d / path.name, qdir / d.name / path.name)
                messages.append(f"{rel}: {why}; moved to {qdir} (with its partner part, if any); "
                                f"{_runs_of(path.name)} are run again")
        self._rewrite_ledger()
        return messages

    def _rewrite_ledger(self) -> None:
        """Rewrite the ledger with one line per file present (replaced parts not yet removed included)."""
        ledger = read_ledger(self.ledger_path)
        present = [self.design_path, *self._files(self.summary_dir), *self._files(self.timeseries_dir)]
        keep = {rel: ledger[rel] for rel in (p.relative_to(self.path).as_posix() for p in present) if rel in ledger}
        _atomic_write_bytes(self.ledger_path, format_ledger(keep))

    # -- parts replaced by a compaction --------------------------------------------------------------
    def replaced_parts(self) -> set[str]:
        """Names of the part files that a merged file replaces: readers ignore them (:mod:`wargame.batch.compaction`).

        Read from the key-value metadata (:data:`REPLACES_KEY`) of each merged summary file; a merged file
        whose footer is unreadable replaces nothing (it is damaged, and a resume sets it aside).
        """
        out: set[str] = set()
        for path in self._files(self.summary_dir):
            if not is_merged_part(path.name):
                continue
            try:
                raw = (pq.read_metadata(path).metadata or {}).get(REPLACES_KEY)
                names = json.loads(raw) if raw else []
            except (OSError, pa.ArrowException, ValueError):
                continue
            out.update(n for n in names if isinstance(n, str) and _PLAIN_PART.fullmatch(n))
        return out

    def remove_replaced(self) -> int:
        """Remove the parts that merged files replace (left by a compaction that was interrupted).

        Call it only while holding the folder's lock. Rewrites the ledger when it removes anything.

        Returns:
            The number of files removed.

        """
        replaced = self.replaced_parts()
        removed = 0
        for name in sorted(replaced):
            for d in (self.summary_dir, self.timeseries_dir):
                if (d / name).exists():
                    _remove_file(d / name)
                    removed += 1
        if removed and self.has_hashes():
            self._rewrite_ledger()
        return removed

    # -- reading -----------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The manifest as a dict.

        Raises:
            StoreError: If it cannot be read, is not JSON, or lacks a field every batch writes
                (:data:`REQUIRED_MANIFEST_KEYS`): a damaged manifest.

        """
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"{self.manifest_path}: unreadable manifest ({exc})") from None
        missing = [k for k in REQUIRED_MANIFEST_KEYS if not isinstance(manifest, dict) or k not in manifest]
        if missing:
            raise StoreError(f"{self.manifest_path}: damaged manifest (missing {', '.join(missing)}); the folder "
                             "cannot be read or resumed: run the batch again into a new folder")
        return manifest

    def score_columns(self) -> list[str]:
        """The batch's ``score_<seat id>`` columns, in order (none for a folder written before scores)."""
        return list(self.manifest().get("score_columns") or [])

    def summary_schema(self) -> pa.Schema:
        """Schema of the batch's summary parts: the fixed metrics, then the score columns."""
        return summary_schema(self.score_columns())

    def design(self) -> pd.DataFrame:
        """The design table, sorted by ``run_id``."""
        table = read_parquet_checked(self.design_path)
        return table.to_pandas().sort_values("run_id", ignore_index=True)

    @staticmethod
    def _files(folder: Path) -> list[Path]:
        """Every ``part-*.parquet`` file of a folder, sorted by name (replaced parts included)."""
        return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []

    def summary_parts(self) -> list[Path]:
        """The live summary files, sorted by name (= by first run id): chunk parts and merged files.

        Parts that a merged file replaces (:meth:`replaced_parts`) are left out, so every finished run is in
        exactly one listed file.
        """
        replaced = self.replaced_parts()
        return [p for p in self._files(self.summary_dir) if p.name not in replaced]

    def timeseries_parts(self) -> list[Path]:
        """Time-series files of the live summary files (the same names)."""
        done = {p.name for p in self.summary_parts()}
        return [p for p in self._files(self.timeseries_dir) if p.name in done]

    def _read_live(self, parts: Any, read: Any) -> list[Any]:
        """``[read(p) for p in parts()]``, listing again when a part vanished (merged by a running batch)."""
        for attempt in range(_READ_ATTEMPTS):
            paths = parts()
            try:
                return [read(p) for p in paths]
            except DamagedStoreError:
                if attempt + 1 == _READ_ATTEMPTS or all(p.exists() for p in paths):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def completed_run_ids(self) -> set[int]:
        """Run ids with a summary row (done, successfully or not)."""
        ids: set[int] = set()
        for column in self._read_live(self.summary_parts,
                                      lambda p: read_parquet_checked(p, columns=["run_id"]).column("run_id")):
            ids.update(column.to_pylist())
        return ids

    def summary(self) -> pd.DataFrame:
        """Per-run summaries (no design columns), sorted by ``run_id``; empty if nothing ran yet."""
        schema = self.summary_schema()
        tables = self._read_live(self.summary_parts, lambda p: _read_summary_part(p, schema))
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        df = table.to_pandas().sort_values("run_id", ignore_index=True)
        for name in INTEGER_METRICS:  # counts as nullable integers: <NA> for a failed run
            df[name] = df[name].astype("Int64")
        return df

    def timeseries_variables(self) -> list[str]:
        """Names of the variables in the stored time series (sorted); empty if none were stored."""
        names: set[str] = set()
        for column in self._read_live(self.timeseries_parts,
                                      lambda p: read_parquet_checked(p, columns=["variable"]).column("variable")):
            names.update(column.unique().to_pylist())
        return sorted(names)

    def timeseries(self, variables: Iterable[str] | None = None) -> pd.DataFrame:
        """The tidy long time series ``(run_id, season, variable, value)``, sorted by run, variable, season.

        Args:
            variables: Only these variables (read with a Parquet filter, so memory stays small).

        """
        parts = self.timeseries_parts()
        if isinstance(variables, str):
            variables = [variables]
        if variables is not None:
            variables = list(variables)
            if parts:
                first = set(read_parquet_checked(parts[0], columns=["variable"]).column("variable").unique()
                            .to_pylist())
                if not set(variables) <= first:
                    known = self.timeseries_variables()
                    unknown = [v for v in variables if v not in known]
                    if unknown:
                        raise UnknownVariableError(
                            f"unknown time-series variable(s) {', '.join(map(repr, unknown))}; this batch "
                            f"recorded: {', '.join(known)}")
            elif self.manifest().get("timeseries") is False:
                raise StoreError(f"{self.path}: {NO_TIMESERIES}")
        filters = [("variable", "in", variables)] if variables is not None else None
        tables = self._read_live(self.timeseries_parts,
                                 lambda p: read_parquet_checked(p, schema=TIMESERIES_SCHEMA, filters=filters))
        table = pa.concat_tables(tables) if tables else TIMESERIES_SCHEMA.empty_table()
        return table.to_pandas().sort_values(["run_id", "variable", "season"], ignore_index=True)

    # -- writing -----------------------------------------------------------------------------------
    def write_chunk(self, result: ChunkResult) -> Path:
        """Write one chunk: time series first, then the summary (which marks the runs done).

        Returns:
            The summary part's path.

        """
        ids = result.summary.column("run_id").to_pylist()
        name = _part_name(ids)
        if self._hashes is None:
            self._hashes = self.has_hashes()
        ledger = self.ledger_path if self._hashes else None
        if result.timeseries is not None:  # its texts are dictionary-encoded: they read back as strings
            _atomic_write_table(self.timeseries_dir / name, result.timeseries, ledger=ledger, root=self.path,
                                store_schema=False)
        path = self.summary_dir / name
        _atomic_write_table(path, result.summary, ledger=ledger, root=self.path)
        return path


def _read_summary_part(path: Path, schema: pa.Schema) -> pa.Table:
    """One summary part in the batch's schema; parts written before the integer counts are cast."""
    table = read_parquet_checked(path).replace_schema_metadata(None)  # a merged file lists what it replaces
    if table.schema.equals(schema):
        return table
    columns = []
    for f in schema:
        if f.name in table.column_names:
            columns.append(table.column(f.name).cast(f.type))  # safe cast: refuses a fractional count
        else:
            columns.append(pa.nulls(len(table), f.type))
    return pa.table(columns, schema=schema)


def _remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def _move(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(src, dest)


def _runs_of(part_name: str) -> str:
    """``"its runs (run ids 4 to 9)"`` from a part file name ``part-000000004-000000009.parquet``."""
    m = _PLAIN_PART.fullmatch(part_name) or _MERGED_PART.fullmatch(part_name)
    return f"its runs (run ids {int(m.group(1))} to {int(m.group(2))})" if m else "its runs"


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 160 else text[:157] + "..."
