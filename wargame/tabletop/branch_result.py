"""Branch in the debrief: playing a branch and what is shown of it (table rows, sentence, chart).

:func:`run_branch` plays the branch with :func:`wargame.futures.branch` (two arms on the same dice) and prepares
everything the panel (:mod:`wargame.tabletop.branch_view`) shows, with no widget, so tests call it directly and
the panel runs it off the UI thread.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from wargame.batch.report import OUTCOMES
from wargame.futures import Branch, branch
from wargame.tabletop.branch_game import ARM_COLORS, FUTURES_SEED, OUTCOME_NAMES, PlayedGame, changed_levers
from wargame.tabletop.chart_style import DPI, PRC_COLOR, US_COLOR
from wargame.tabletop.charts import figure_png
from wargame.tabletop.forms import SeatForm, coerce_lever, format_value


@dataclass(frozen=True, eq=False)
class BranchResult:
    """A branch played for the panel, with everything it shows (plain data).

    Attributes:
        branch: The :class:`wargame.futures.Branch`.
        seat_name: The branched seat's name.
        changes: Lever -> value set in the changed arm (empty: the decision was left as played).
        identical: Whether both arms gave exactly the same runs and lead paths in every future.
        game_line: The game as played, in one sentence (its ending).
        setup_line: What was branched, how many futures, and who plays the later seasons.
        sentence: The effect in plain words (or that the arms are identical).
        header: Column titles of :attr:`rows`.
        rows: P(S1), P(S2), P(contested) (% with Wilson 95% intervals per arm, differences in percentage points
            with paired 95% intervals), the mean US lead at the end (months) and the seat's mean score (points).
        png: The chart (lead per season and final lead of both arms), PNG bytes.
        seconds: Wall-clock time of the branch, seconds.

    """

    branch: Branch
    seat_name: str
    changes: dict[str, Any]
    identical: bool
    game_line: str
    setup_line: str
    sentence: str
    header: list[str]
    rows: list[list[str]]
    png: bytes
    seconds: float


def value_text(row: Mapping[str, Any] | None, value: Any) -> str:
    """A lever value with its unit, e.g. ``"1 H100e per chip"``, ``"ban"``, ``"yes"``, ``"0.2 (share [0, 1])"``."""
    text = format_value(value, 3)
    if row is None or row.get("type") in ("bool", "choice"):
        return text
    unit = str(row.get("unit") or "")
    if not unit:
        return text
    return f"{text} ({unit})" if "[" in unit else f"{text} {unit}"


def _changes_text(form: SeatForm, changes: Mapping[str, Any], played: Mapping[str, Any]) -> str:
    """The changed levers in words (``""`` for no change).

    For example ``"chip threshold to 1 H100e per chip (in the game: 0.15 H100e per chip)"``.
    """
    parts = []
    for name, value in changes.items():
        row = form.rows.get(name)
        plain = (row or {}).get("plain", name)
        before = value_text(row, coerce_lever(row, played[name])) if name in played else "the policy's choice"
        parts.append(f"{plain[:1].lower() + plain[1:]} to {value_text(row, value)} (in the game: {before})")
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def _direction(value: float, unit: str, digits: int) -> str:
    """``"12.0 percentage points lower"`` / ``"0.40 months higher"``."""
    return f"{abs(value):.{digits}f} {unit} {'higher' if value > 0 else 'lower'}"


def branch_sentence(seat_name: str, season: str, changes_text: str, result: Branch, identical: bool) -> str:
    """The branch's effect in one plain sentence.

    Names the outcome whose probability moved most, in percentage points with the half-width of its paired 95%
    interval, then the mean US lead at the end in months; or says that every future ended the same.

    Args:
        seat_name: The seat's name.
        season: The season branched.
        changes_text: The changed levers in words, ``""`` if the decision was left as played.
        result: The branch.
        identical: Whether the two arms are identical.

    """
    n = len(result.arm("as_played"))
    lead = (f"Had {seat_name} set {changes_text} in {season}" if changes_text
            else f"With {seat_name}'s decision in {season} left as played")
    if identical:
        return (f"{lead}, all {n:,} futures would have ended exactly the same, on the same dice: the two "
                "distributions are identical (difference 0).")
    diff = result.difference().set_index("quantity")
    odds = diff.loc[[f"P({o})" for o in OUTCOMES]]
    moved = odds["difference"].abs().idxmax()
    d = odds.loc[moved]
    half = 100 * (d["ci_high"] - d["ci_low"]) / 2
    if d["difference"] == 0:
        first = f"{lead}, P(S1), P(S2) and P(contested) would have been the same, on the same dice"
    else:
        first = (f"{lead}, {moved} would have been {_direction(100 * d['difference'], 'percentage points', 1)} "
                 f"(±{half:.1f}), on the same dice")
    lead_row = diff.loc["final_lead_months"]
    lead_half = (lead_row["ci_high"] - lead_row["ci_low"]) / 2
    if lead_row["difference"] == 0:
        return f"{first}; the US lead at the end would have been the same."
    return (f"{first}; the US lead at the end {_direction(lead_row['difference'], 'months', 2)} "
            f"(±{lead_half:.2f}) on average.")


def _percent(p: float, low: float, high: float) -> str:
    return f"{p:.1%} [{low:.1%}, {high:.1%}]"


def result_rows(result: Branch, seat_name: str) -> tuple[list[str], list[list[str]]]:
    """The panel's table: both arms side by side and their difference.

    Args:
        result: The branch.
        seat_name: The branched seat's name (its score is the last row).

    Returns:
        ``(header, rows)``: one row per outcome (probability in %, Wilson 95% interval per arm; difference in
        percentage points with its paired 95% interval), the mean US lead at the end (months) and the branched
        seat's mean final score (points).

    """
    n = len(result.arm("as_played"))
    header = ["", f"As played ({n:,} futures)", f"Changed ({n:,} futures)",
              "Changed minus as played [95% interval, paired]"]
    odds = result.odds().set_index(["arm", "outcome"])
    diff = result.difference().set_index("quantity")
    rows = []
    for outcome in OUTCOMES:
        a, b, d = odds.loc[("as_played", outcome)], odds.loc[("changed", outcome)], diff.loc[f"P({outcome})"]
        rows.append([f"P({outcome}): ending {OUTCOME_NAMES[outcome]}", _percent(a["p"], a["ci_low"], a["ci_high"]),
                     _percent(b["p"], b["ci_low"], b["ci_high"]),
                     f"{100 * d['difference']:+.1f} [{100 * d['ci_low']:+.1f}, {100 * d['ci_high']:+.1f}] "
                     "percentage points"])
    for quantity, label, unit in (("final_lead_months", "US lead at the end, mean", "months"),
                                  (f"score_{result.seat}", f"Score of {seat_name}, mean", "points")):
        d = diff.loc[quantity]
        rows.append([label, f"{d['as_played']:+.2f} {unit}", f"{d['changed']:+.2f} {unit}",
                     f"{d['difference']:+.2f} [{d['ci_low']:+.2f}, {d['ci_high']:+.2f}] {unit}"])
    return header, rows


def _short(season: str) -> str:
    return season[2:] if len(season) == 6 and season[4] == "Q" else season


def branch_figure(result: Branch, game: PlayedGame) -> Figure:
    """The chart of a branch: the US lead per season of both arms, and their final leads.

    Left: per arm the median lead (months) over the futures with its 5-95% band, the game as played (black)
    and the season branched from (dotted). Right: histograms of the final lead of both arms on the same bins
    and the game's own final lead (black). Both: the S1 and S2 thresholds (dashed); one legend below. Identical
    arms draw on top of each other. Uses matplotlib's ``Figure`` API (no pyplot), so it is safe in any thread.

    Args:
        result: The branch.
        game: The game as played.

    Returns:
        The figure (months on the lead axes).

    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=(8.0, 3.5), dpi=DPI, layout=None)
    fan, hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    fig.subplots_adjust(left=0.07, right=0.99, top=0.9, bottom=0.24, wspace=0.2)
    paths = result.lead_paths
    labels = [str(c) for c in paths.columns if c not in ("arm", "future")]
    x = np.arange(len(labels))
    finals = {}
    styles = {"as_played": {"lw": 1.8, "ls": "-"}, "changed": {"lw": 1.4, "ls": "--"}}
    for arm in ("as_played", "changed"):
        values = paths[paths["arm"] == arm][labels].to_numpy(dtype=float)
        low, median, high = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
        fan.fill_between(x, low, high, color=ARM_COLORS[arm], alpha=0.18, lw=0)
        fan.plot(x, median, color=ARM_COLORS[arm], **styles[arm])
        finals[arm] = values[:, -1]
    identical = finals["changed"].tolist() == finals["as_played"].tolist()
    game_path = np.asarray(game.lead_path[:len(labels)], dtype=float)
    fan.plot(np.arange(len(game_path)), game_path, color="black", lw=1.2)
    start = labels.index(result.season) if result.season in labels else 0
    fan.axvline(start - 1, color="grey", ls=":", lw=1)  # the last season both arms share
    fan.set_title(f"US lead per season, branch at {result.season}", fontsize=9, loc="left")
    fan.set_ylabel("US lead, months", fontsize=8)
    step = max(1, (len(labels) + 5) // 6)
    fan.set_xticks(list(x[::step]))
    fan.set_xticklabels([_short(s) for s in labels[::step]], fontsize=7)
    bins = np.histogram_bin_edges(np.concatenate([finals["as_played"], finals["changed"]]), bins=30)
    hist.hist(finals["as_played"], bins=bins, histtype="stepfilled", color=ARM_COLORS["as_played"], alpha=0.35)
    hist.hist(finals["changed"], bins=bins, histtype="step", color=ARM_COLORS["changed"], lw=1.6)
    hist.axvline(game.final_lead_months, color="black", lw=1.2)
    hist.set_title("US lead at the end, months", fontsize=9, loc="left")
    hist.set_ylabel("futures", fontsize=8)
    handles = [(Patch(color=ARM_COLORS[arm], alpha=0.3, lw=0), Line2D([], [], color=ARM_COLORS[arm], **styles[arm]))
               for arm in ("as_played", "changed")]
    names = ["as played: median and 5-95% of the futures",
             "changed" + (" (identical to as played)" if identical else ": median and 5-95%")]
    handles.append(Line2D([], [], color="black", lw=1.2))
    names.append("the game as played")
    for key, color, words in (("s1", US_COLOR, "S1: lead of at least"), ("s2", PRC_COLOR, "S2: lead of at most")):
        threshold = result.thresholds[key]
        fan.axhline(threshold, color=color, ls="--", lw=0.8)
        hist.axvline(threshold, color=color, ls="--", lw=0.8)
        handles.append(Line2D([], [], color=color, ls="--", lw=0.8))
        names.append(f"{words} {threshold:g} months")
    for ax in (fan, hist):
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=7, frameon=False)
    return fig


def run_branch(game: PlayedGame, season: str, seat: str, levers: Mapping[str, Any], n: int, *,
               hold: bool = False, seed: int = FUTURES_SEED) -> BranchResult:
    """Play a branch of a game and prepare everything the panel shows (no widgets: safe off the UI thread).

    Only the levers that differ from what the seat played in ``season`` are changed (:func:`changed_levers`),
    so a form left as played branches nothing and the two arms are identical.

    Args:
        game: The game as played.
        season: A season played, e.g. ``"2027Q1"``.
        seat: The seat whose decision changes.
        levers: The seat's levers as the form holds them, typed (:func:`check_request`).
        n: Futures per arm (2 to :data:`wargame.futures.MAX_FUTURES`; the panel allows
            :data:`MIN_FUTURES` to :data:`MAX_FUTURES`).
        hold: Human seats and ``seat`` keep their decision of ``season`` in later seasons (else the computer
            plays every seat from the next season on).
        seed: Master seed of the futures.

    Returns:
        The :class:`BranchResult`.

    Raises:
        BranchInputError: On an unknown seat or a season not played.
        wargame.futures.FuturesError: On a lever the seat does not have or ``n`` out of range.
        wargame.decisions.DecisionError: On a lever value the model refuses (its message names the lever).
        wargame.gamelog.GameLogError: If the game's log does not replay.

    """
    info = game.seat(seat)
    played, by = game.played(season, seat)
    form = game.form(season, seat)
    changes = changed_levers(form, played, levers)
    started = time.perf_counter()
    result = branch(game.log, season, seat, changes, n, hold=hold, seed=seed, workers=1)
    seconds = time.perf_counter() - started
    identical = (result.arm("as_played").equals(result.arm("changed"))
                 and _arm_paths(result, "as_played").equals(_arm_paths(result, "changed")))
    changes_text = _changes_text(form, changes, played)
    later = ("human seats and the branched seat keep that season's decision" if hold
             else "the computer plays every seat")
    what = f"sets {changes_text}" if changes else "plays what it played in the game (unchanged)"
    setup = (f"Branch at {season}: {info.name} {what}. {n:,} futures per arm on the same dice (future seed "
             f"{seed}); in the game a {'person' if by == 'human' else 'computer policy'} chose this seat's levers "
             f"that season; later seasons: {later}.")
    last = game.seasons[-1] if game.seasons else season
    game_line = (f"The game as played ended {OUTCOME_NAMES.get(game.outcome, game.outcome)}, with a US lead of "
                 f"{game.final_lead_months:+.1f} months after {last}; {info.name} scored "
                 f"{game.scores.get(seat, math.nan):+.2f} points.")
    header, rows = result_rows(result, info.name)
    return BranchResult(branch=result, seat_name=info.name, changes=changes, identical=identical,
                        game_line=game_line, setup_line=setup,
                        sentence=branch_sentence(info.name, season, changes_text, result, identical),
                        header=header, rows=rows, png=figure_png(branch_figure(result, game)), seconds=seconds)


def _arm_paths(result: Branch, arm: str) -> Any:
    paths = result.lead_paths
    return paths[paths["arm"] == arm].drop(columns="arm").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- the panel
