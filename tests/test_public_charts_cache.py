"""The public charts are drawn once per server for the same data, and shared by every view that shows them."""

from __future__ import annotations

import threading

import pytest

from wargame.tabletop import public_charts
from wargame.tabletop.public_charts import public_lead_figure, shared_png

SERIES = {"season": ["start", "2026Q3"], "lead_months": [7.0, 6.5], "adoption_share_us": [0.6, 0.58],
          "enmity": [0.6, 0.62], "s1_lead_months": [12.0], "s2_lead_months": [3.0]}


@pytest.fixture
def draws(monkeypatch):
    """Counts the charts really drawn (the cache emptied first)."""
    monkeypatch.setattr(public_charts, "_PNGS", type(public_charts._PNGS)())
    calls: list[float] = []
    real = public_charts._png

    def counted(builder, series, dpi):
        calls.append(series["lead_months"][-1])
        return real(builder, series, dpi)

    monkeypatch.setattr(public_charts, "_png", counted)
    return calls


def test_views_asking_at_once_for_the_same_chart_share_one_drawing(draws):
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(shared_png("lead", public_lead_figure, SERIES, 150)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(draws) == 1
    assert len(results) == 5 and len(set(results)) == 1 and results[0].startswith(b"\x89PNG")


def test_new_data_or_another_resolution_draws_again_and_the_cache_is_bounded(draws, monkeypatch):
    first = shared_png("lead", public_lead_figure, SERIES, 150)
    moved = {**SERIES, "lead_months": [7.0, 5.0]}
    assert shared_png("lead", public_lead_figure, moved, 150) != first
    assert shared_png("lead", public_lead_figure, SERIES, 200) != first
    assert shared_png("lead", public_lead_figure, SERIES, 150) == first
    assert len(draws) == 3
    monkeypatch.setattr(public_charts, "PNG_CACHE_SIZE", 2)
    for lead in (1.0, 2.0, 3.0):
        shared_png("lead", public_lead_figure, {**SERIES, "lead_months": [7.0, lead]}, 150)
    assert len(public_charts._PNGS) == 2
