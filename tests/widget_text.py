"""Text of a rendered widget tree, for headless UI tests (``solara.render``): what a page would show."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets

from wargame.tabletop.text_widgets import TextLines, TextTable


def texts(widget) -> list[str]:
    """Every piece of text in a widget tree: Text, button and field labels, tables and lines kept as data,
    the source of every Vue template (so markup that reached one shows), and our templates' labels and links."""
    out: list[str] = []
    stack = [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            continue
        if isinstance(node, widgets.HTML | widgets.Label):
            out.append(str(node.value))
        if isinstance(node, TextTable):  # plain text kept as data, stacked like children (walked last first)
            stack.extend(str(c) for c in [*node.header, *(c for row in node.rows for c in row)])
        elif isinstance(node, TextLines):
            stack.extend(str(line) for line in node.lines)
        elif isinstance(node, v.VuetifyTemplate):  # solara.Markdown renders as HTML in a template
            out.append(str(node.template))
            for attr in ("label", "query"):
                if isinstance(getattr(node, attr, None), str):
                    out.append(getattr(node, attr))
        for attr in ("children", "v_slots"):
            value = getattr(node, attr, None)
            if isinstance(value, list | tuple):
                for item in value:
                    stack.append(item.get("children") if isinstance(item, dict) else item)
            elif isinstance(value, widgets.Widget):
                stack.append(value)
        if isinstance(node, v.VuetifyWidget):
            for attr in ("label", "title", "subtitle"):
                value = getattr(node, attr, None)
                if isinstance(value, str):
                    out.append(value)
    return out


def all_text(widget) -> str:
    """:func:`texts` joined by newlines."""
    return "\n".join(texts(widget))
