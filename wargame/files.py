"""Writing files atomically: a temp file in the same folder, renamed into place, so a reader never sees half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write a UTF-8 text file atomically, readable like any saved document (mode 0644).

    Args:
        path: The file to write (its folder must exist).
        text: Its content.

    Returns:
        The path written.

    Raises:
        OSError: If the folder cannot be written to (the message names the file); no partial file is left.

    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
