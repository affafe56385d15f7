"""The after-action report's download button, for the facilitator's debrief (:mod:`wargame.report.aar`)."""

from __future__ import annotations

from typing import Any

import solara

from wargame.report.aar import build_report


def report_name(log: dict[str, Any]) -> str:
    """The report's file name: ``after-action-<scenario>-seed<seed>.html`` (letters, digits, ``-`` and ``_`` only)."""
    name = str(((log.get("scenario") or {}).get("scenario") or {}).get("name", "game"))
    scenario = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)[:40]
    return f"after-action-{scenario or 'game'}-seed{int(log.get('seed', 0))}.html"


@solara.component
def ReportDownload(log: dict[str, Any], teams: dict[str, str] | None = None) -> solara.Element:
    """A card with the button that builds and downloads the game's after-action report (one HTML file).

    The report is built when the button is pressed, in Solara's download thread (about 2 to 3 s: it replays the
    game and plays 1,000 computer-played games from the same start), so the page stays responsive.

    Args:
        log: The game log (:meth:`wargame.tabletop.session.GameSession.log`).
        teams: Team name per seat id, for a game played by teams.

    """

    def build() -> bytes:
        return build_report(log, teams=teams).encode("utf-8")

    with solara.Card("After-action report", classes=["aar-card"]):
        solara.Text("Everything in this debrief and more in one HTML file: every seat's decisions, the injects and "
                    "notes, the full news, the charts, why the lead moved each season, beliefs against the truth, "
                    "the scores, and this game among 1,000 games the computer played from the same start. It opens "
                    "offline; print it to PDF from the browser (a new page per section).")
        solara.FileDownload(build, filename=report_name(log), label="Download the after-action report",
                            mime_type="text/html")
