"""One batch at a time per results folder: an OS file lock on ``DIR/.lock``.

The lock is :func:`fcntl.flock` (exclusive, non-blocking) on a lock file in the folder. The operating
system releases it when the holder closes the file or dies, ``kill -9`` included, so a stale lock never
blocks a folder. The holder writes who it is (pid, host, start time, command) into the file, so a refused
process can say who holds the folder. The file itself stays (removing it would race with a new holder).

On systems without ``fcntl`` (Windows) the lock is a no-op: the folder is not protected there.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from wargame.batch.store import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The lock file's name inside the results folder.
LOCK_FILE = ".lock"


class FolderInUseError(StoreError):
    """Another process holds the results folder's lock; the message says which process."""


def _holder_text(path: Path) -> str:
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process (it has not written its details yet)"
    if not isinstance(info, dict):
        return "another process"
    text = f"process {info.get('pid', '?')}"
    if info.get("host"):
        text += f" on {info['host']}"
    if info.get("started_utc"):
        text += f", started {info['started_utc']}"
    if info.get("command"):
        text += f" ({info['command']})"
    return text


class FolderLock:
    """Exclusive lock on a results folder, held from :meth:`acquire` until :meth:`release` or process exit.

    Use as a context manager::

        with FolderLock(out):
            ...  # run the batch

    Args:
        folder: The results folder (created if missing).

    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> FolderLock:
        """Take the lock without waiting.

        Returns:
            ``self``.

        Raises:
            FolderInUseError: If another process (or another lock object of this process) holds it; the
                message names the holder (pid, host, start time, command).
            OSError: If the folder or the lock file cannot be created.

        """
        if self._fd is not None:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise FolderInUseError(
                    f"results folder {self.folder} is in use by {_holder_text(self.path)}; two batches must not "
                    "write one folder at once. Wait for it to finish (or stop it), then re-run to resume; or "
                    "use another --out folder.") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))[:300]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Release the lock (closing the file releases it); a no-op when not held."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
