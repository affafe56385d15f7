"""The look shared by the tabletop's charts: matplotlib's setup, the bloc and flow colours, figure sizes.

The matplotlib part (the ``agg`` backend, maths text off, the colours, ``FIG_SIZE`` and ``DPI``) lives in
:mod:`wargame.figures`, below the app, which the reports use too; importing this module imports it, so
matplotlib is set up. Only the browser's sizes are kept here. :mod:`wargame.tabletop.charts`,
:mod:`wargame.tabletop.network_map` and :mod:`wargame.tabletop.debrief` draw with these values, and
:mod:`wargame.tabletop.public_charts` colours its browser charts with them; the names stay importable from
:mod:`wargame.tabletop.charts` too.
"""

from __future__ import annotations

from wargame.figures import DPI as DPI  # the shared matplotlib look, re-exported
from wargame.figures import FIG_SIZE as FIG_SIZE
from wargame.figures import PRC_COLOR as PRC_COLOR
from wargame.figures import SOURCE_COLORS as SOURCE_COLORS
from wargame.figures import US_COLOR as US_COLOR

RENDER_DPI = 150  # PNG resolution (720 px wide); sharp up to the chart's maximum width
CHART_MAX_WIDTH_PX = 900  # in a wide column (the debrief) a chart stops growing here
