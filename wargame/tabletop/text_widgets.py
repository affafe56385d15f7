"""Big plain-text tables and lists as one browser widget each, instead of one widget per cell or line.

The debrief of a full game shows about 1,500 table cells and a hundred news items. Drawn as one
``rv.Html`` widget per cell (:func:`~wargame.tabletop.panels.PlainTable`), they made about 2,200 widgets, each
created, sent and mounted on its own: the debrief took 5 s to appear on one view and 23 to 38 s on six views at
once. :class:`TextTable` and :class:`TextLines` hold the whole table or list in one widget's data, and the
browser draws the rows itself (Vue's ``v-for``).

Safe for text from outside (seat names, team names, notes, injects): each template is fixed text written here,
and cells reach the page only through Vue's ``{{ }}`` text interpolation, which escapes them (a cell
``<img src=x onerror=...>`` shows as those characters; ``{{7*7}}`` in a cell stays ``{{7*7}}``: data is never
compiled as a template). No ``v-html`` anywhere, and no outside text is ever put into a template's source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipyvuetify as v
import solara
import traitlets

_TABLE_TEMPLATE = """
<template>
  <table :class="'plain-table text-table ' + table_class"
         style="border-collapse: collapse; width: 100%; font-size: 0.9em;">
    <thead v-if="header.length">
      <tr><th v-for="(cell, j) in header" :key="j" :style="cellStyle(j)">{{ cell }}</th></tr>
    </thead>
    <tbody>
      <tr v-for="(row, i) in rows" :key="i">
        <td v-for="(cell, j) in row" :key="j" :style="cellStyle(j)">{{ cell }}</td>
      </tr>
    </tbody>
  </table>
</template>
<script>
module.exports = {
  methods: {
    cellStyle(j) {
      const base = 'padding: 2px 8px 2px 0; vertical-align: top; border-bottom: 1px solid #eee;';
      return base + (this.numeric.includes(j) ? ' text-align: right; white-space: nowrap;' : ' text-align: left;');
    },
  },
};
</script>
"""

_LINES_TEMPLATE = """
<template>
  <div :class="'text-lines ' + box_class">
    <div v-for="(line, i) in lines" :key="i" :class="line_classes[i] || ''" :style="lineStyle(i)">{{ line }}</div>
  </div>
</template>
<script>
module.exports = {
  methods: {
    lineStyle(i) {
      const css = ' ' + (this.line_classes[i] || '') + ' ';
      let style = 'display: block; white-space: pre-line; margin-bottom: 2px;';
      if (css.includes(' line-heading ')) style += ' font-weight: bold; margin-top: 6px;';
      if (css.includes(' line-aside ')) style += ' font-style: italic;';
      return style;
    },
  },
};
</script>
"""


class TextTable(v.VuetifyTemplate):
    """A table of plain-text cells in one widget (a ``<table class="plain-table text-table ...">``).

    Attributes:
        header: Column titles (no ``<thead>`` if empty).
        rows: Cell texts, one list per row (shown escaped, never as markup).
        table_class: Extra CSS classes of the ``<table>``, space-separated (our own class names).
        numeric: Indices of the columns aligned right (numbers).

    """

    header = traitlets.List(traitlets.Unicode()).tag(sync=True)
    rows = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    table_class = traitlets.Unicode("").tag(sync=True)
    numeric = traitlets.List(traitlets.Int()).tag(sync=True)
    template = traitlets.Unicode(_TABLE_TEMPLATE).tag(sync=True)


class TextLines(v.VuetifyTemplate):
    """Lines of plain text in one widget, each a ``<div>`` with its own CSS classes.

    A line whose classes include ``line-heading`` is bold; one with ``line-aside`` is in italics.

    Attributes:
        lines: The texts, in order (shown escaped, line breaks kept, never as markup).
        line_classes: CSS classes of each line, space-separated (our own class names; ``""`` or missing: none).
        box_class: Extra CSS classes of the surrounding ``<div class="text-lines ...">``.

    """

    lines = traitlets.List(traitlets.Unicode()).tag(sync=True)
    line_classes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    box_class = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(_LINES_TEMPLATE).tag(sync=True)


def text_table(header: Sequence[object], rows: Iterable[Sequence[object]], classes: Sequence[str] | None = None,
               numeric: Iterable[int] = ()) -> solara.Element:
    """Add a :class:`TextTable` to the component being drawn (call it inside a Solara component).

    Args:
        header: Column titles (turned into text with ``str``).
        rows: Cells, one sequence per row (each turned into text with ``str``).
        classes: CSS classes of the table (our own names, e.g. ``["belief-table"]``).
        numeric: Indices of the columns to align right.

    Returns:
        The widget's element.

    """
    return TextTable.element(header=[str(h) for h in header], rows=[[str(c) for c in row] for row in rows],
                             table_class=" ".join(classes or []), numeric=[int(i) for i in numeric])


def text_lines(lines: Sequence[object], line_classes: Sequence[str] | None = None,
               classes: Sequence[str] | None = None) -> solara.Element:
    """Add a :class:`TextLines` to the component being drawn (call it inside a Solara component).

    Args:
        lines: The texts (turned into text with ``str``).
        line_classes: CSS classes of each line, space-separated; ``None``: none.
        classes: CSS classes of the surrounding box.

    Returns:
        The widget's element.

    Raises:
        ValueError: If ``line_classes`` is given and its length differs from that of ``lines``.

    """
    if line_classes is not None and len(line_classes) != len(lines):
        raise ValueError(f"text_lines: {len(line_classes)} line classes for {len(lines)} lines (one per line).")
    return TextLines.element(lines=[str(line) for line in lines],
                             line_classes=[str(c) for c in line_classes] if line_classes is not None else [],
                             box_class=" ".join(classes or []))
