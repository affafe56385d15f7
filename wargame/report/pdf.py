"""Printing the project's HTML pages (after-action reports, role cards) to PDF with headless Chromium.

The page's own print CSS (:mod:`wargame.report.html`) sets the A4 page, margins and page breaks; Chromium adds
no header or footer. A failed print leaves no partial file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Chromium's names on the PATH, tried in order (the ``CHROMIUM`` environment variable comes first).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumNotFoundError(ValueError):
    """No Chromium to print with (the message says how to install it)."""


class PdfPrintError(RuntimeError):
    """Chromium ran but did not print a PDF (the message says what it reported)."""


def find_chromium() -> str:
    """The Chromium to print with: ``$CHROMIUM`` if set, else ``chromium`` or ``chromium-browser`` on ``PATH``.

    Raises:
        ChromiumNotFoundError: If there is none (the message says how to install it).

    """
    given = os.environ.get("CHROMIUM")
    if given:
        if shutil.which(given) is None:
            raise ChromiumNotFoundError(f"CHROMIUM={given} is not an executable program; install Chromium "
                                        "(Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM at it")
        return given
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFoundError("--pdf needs Chromium to print with and none was found on PATH; install it "
                                "(Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium")


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None,
              timeout_s: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4, the page's own margins, no header or footer).

    The PDF is written next to ``pdf_path`` under a temporary name and renamed when complete, so a failed
    print leaves no partial file.

    Args:
        html_path: The page to print.
        pdf_path: Where to write the PDF.
        chromium: The Chromium executable; default :func:`find_chromium`.
        timeout_s: Seconds to wait for Chromium.

    Returns:
        ``pdf_path``.

    Raises:
        ChromiumNotFoundError: If no Chromium is found.
        PdfPrintError: If Chromium fails, times out or writes no PDF.

    """
    exe = chromium or find_chromium()
    pdf_path = Path(pdf_path)
    url = Path(html_path).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="wargame-chromium-") as profile:
        partial = pdf_path.with_name(f".{pdf_path.name}.partial")
        command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", f"--print-to-pdf={partial}", url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfPrintError(f"Chromium did not finish printing {html_path} within {timeout_s:g} s") from None
        except OSError as exc:
            raise PdfPrintError(f"cannot run Chromium ({exe}): {exc.strerror or exc}") from None
        ok = partial.is_file() and partial.read_bytes()[:5] == b"%PDF-"
        if done.returncode != 0 or not ok:
            partial.unlink(missing_ok=True)
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise PdfPrintError(f"Chromium wrote no PDF (exit status {done.returncode}): {last}")
        partial.replace(pdf_path)
    return pdf_path

