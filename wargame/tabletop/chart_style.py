"""The look shared by the tabletop's charts: matplotlib's setup, the bloc and flow colours, figure sizes.

Importing this module sets matplotlib up for the server (the ``agg`` backend: no window, no pyplot) and
turns off maths text, so every chart module that imports it draws names from a scenario or a log as text.
:mod:`wargame.tabletop.charts`, :mod:`wargame.tabletop.network_map` and :mod:`wargame.tabletop.debrief` draw
with these values, and :mod:`wargame.tabletop.public_charts` colours its browser charts with them; the names
stay importable from :mod:`wargame.tabletop.charts` too. Nothing here imports another module of the project.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")
# Names from a scenario or a log are text, never maths: "$" in a lab's name must not start a formula.
matplotlib.rcParams["text.parse_math"] = False

#: Colour of the US bloc (hex RGB).
US_COLOR = "#1f5fa8"
#: Colour of the PRC bloc (hex RGB).
PRC_COLOR = "#c0392b"
#: Colour of each source of compute, or kind of chip flow (hex RGB).
SOURCE_COLORS = {"legal": "#4c956c", "domestic": "#8d6e63", "smuggled": "#e07a1f", "remote": "#7b4fa0"}
# Figures are small in inches, so their text is large relative to the chart once the browser scales the
# image to its column (about 540 px on a 1400 px screen): readable on a projector.
#: A chart's size, (width, height) in inches.
FIG_SIZE = (4.8, 2.5)
#: A figure's own resolution, dots per inch.
DPI = 90
RENDER_DPI = 150  # PNG resolution (720 px wide); sharp up to the chart's maximum width
CHART_MAX_WIDTH_PX = 900  # in a wide column (the debrief) a chart stops growing here
