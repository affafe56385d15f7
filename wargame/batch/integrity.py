"""Integrity of a results folder: SHA-256 of every part file, kept in an append-only ledger.

Every Parquet file of a batch is written with Parquet page checksums (CRC-32 of each data page, checked on
every read), and its SHA-256 is appended to ``DIR/checksums.sha256`` *before* the file is renamed into
place. So a part that a reader (or a resumed batch) can see always has its hash in the ledger, and a
torn ledger line can only belong to a part that never landed.

The ledger has one line per file written, in the ``sha256sum`` format (``<64 hex>  <path relative to
DIR>``); a later line for the same path supersedes an earlier one (a re-run chunk). A resumed batch
rewrites it compacted, with one line per file present, so ``cd DIR && sha256sum -c checksums.sha256``
checks the folder with standard tools.

Why a ledger next to the manifest rather than inside it: the manifest is the batch's identity and is
written once; recording a hash in it per chunk would rewrite a growing file thousands of times (quadratic
in the number of chunks). The manifest names the ledger (``integrity``) instead.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

#: The ledger's file name inside the results folder.
LEDGER_FILE = "checksums.sha256"
#: What the manifest records under ``integrity``.
INTEGRITY = {"algorithm": "sha256", "ledger": LEDGER_FILE, "parquet_page_checksums": True}
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](\S.*)$")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, block: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in blocks of ``block`` bytes.

    Raises:
        OSError: If the file cannot be read.

    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    return h.hexdigest()


def read_ledger(path: Path) -> dict[str, str]:
    """``{relative path: hex SHA-256}`` from a ledger; the last line for a path wins.

    Malformed lines (a line torn by a crash or a full disk) are skipped: by the write order they belong
    to files that were never renamed into place. A missing ledger reads as empty.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def append_ledger(path: Path, entries: dict[str, str]) -> None:
    """Append ``{relative path: hex SHA-256}`` lines to the ledger and flush them to disk (fsync).

    Raises:
        OSError: If the ledger cannot be written (e.g. ``ENOSPC``: the disk is full).

    """
    data = "".join(f"{digest}  {name}\n" for name, digest in entries.items()).encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)


def format_ledger(entries: dict[str, str]) -> bytes:
    """The ledger text of ``entries``, sorted by path."""
    return "".join(f"{entries[name]}  {name}\n" for name in sorted(entries)).encode()
