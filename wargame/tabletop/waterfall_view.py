""""Why did that happen": a season's change of the lead and of every seat's score, in parts (the waterfall).

The numbers come from the game's explained adjudication (:mod:`wargame.explain`): the parts add up to the
change. The card is for the facilitator's console and the debrief (the parts reveal what seats cannot see,
e.g. smuggled chips); every text reaches the page as escaped text (:mod:`wargame.tabletop.text_widgets`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import solara

from wargame.explain import PART_LABELS, PARTS
from wargame.explain_chart import waterfall_figure
from wargame.tabletop.charts import safe_png
from wargame.tabletop.text_widgets import text_lines, text_table


def lead_rows(entry: dict[str, Any]) -> list[list[str]]:
    """The waterfall as table rows ``[what, months]``: lead before, every non-zero part, the change, lead after.

    Months are written with 3 decimals, so the shown parts add up to the shown change within rounding.
    """
    rows = [["US lead before", f"{entry['lead_before']:+.3f}"]]
    rows += [[PART_LABELS[name], f"{entry['parts'][name]:+.3f}"] for name in PARTS if entry["parts"][name] != 0.0]
    rows.append(["change of the lead (the parts' sum)", f"{entry['lead_after'] - entry['lead_before']:+.3f}"])
    rows.append(["US lead after", f"{entry['lead_after']:+.3f}"])
    return rows


def score_rows(entry: dict[str, Any], names: dict[str, str]) -> list[list[str]]:
    """Each seat's score change this season and its parts: ``[seat, points, "component +x.x, ..."]``.

    Args:
        entry: One season's explanation.
        names: Seat id -> the seat's name.

    """
    rows = []
    for seat, parts in entry["scores"].items():
        named = sorted(((c, p) for c, p in parts.items() if abs(p) >= 0.05), key=lambda cp: -abs(cp[1]))
        rows.append([names.get(seat, seat), f"{sum(parts.values()):+.1f}",
                     ", ".join(f"{c.replace('_', ' ')} {p:+.1f}" for c, p in named) or "no change"])
    return rows


def seat_names(model: Any) -> dict[str, str]:
    """Seat id -> the seat's name, of a game."""
    return {actor.seat: actor.name for actor in model.seats()}


@solara.component
def WaterfallCard(entries: list[dict[str, Any]], names: dict[str, str], version: int) -> solara.Element:
    """The season's explanation: a season picker, the news sentence, the waterfall chart and its table, scores.

    Args:
        entries: The game's explained seasons (``AIRaceModel.explanations``, or a copy taken under a room's lock).
        names: Seat id -> the seat's name (:func:`seat_names`).
        version: The game's version (redraws the chart when a season is played or taken back).

    """
    season, set_season = solara.use_state("")
    labels = [e["season"] for e in entries]
    chosen = season if season in labels else (labels[-1] if labels else "")
    png = solara.use_memo(
        lambda: safe_png(lambda _m: waterfall_figure(entries[labels.index(chosen)]), None) if chosen else b"",
        dependencies=[version, chosen, len(entries)])
    with solara.Card("Why the lead moved", classes=["waterfall-card"]):
        if not entries:
            solara.Text("After the first season is played, its change of the lead shows here, part by part.")
            return
        entry = entries[labels.index(chosen)]
        solara.Select("Season", values=labels, value=chosen, on_value=set_season, classes=["waterfall-season"],
                      style={"max-width": "10em"})
        text_lines([entry["sentence"]], classes=["waterfall-sentence"])
        widgets.Image.element(value=png, format="png", layout={"width": "100%", "height": "auto", "max_width": "720px"})
        solara.Text("Months of US lead; the parts add up to the change. Each part compares the best deployed model "
                    "of each bloc with the one it replaced (what its training compute came from, its share of "
                    "compute, algorithmic efficiency, distillation).")
        text_table(["part", "months"], lead_rows(entry), classes=["waterfall-table"], numeric=[1])
        text_table(["seat", "score change (points)", "from"], score_rows(entry, names),
                   classes=["waterfall-scores"], numeric=[1])
