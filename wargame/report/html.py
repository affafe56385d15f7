"""Building blocks of the project's self-contained HTML pages (reports, comparison, role cards).

Every text is escaped: a :class:`Html` value is the only markup passed through, and only this module's
functions make one. Charts are embedded as PNG data URIs, and the page carries its own CSS (screen and
print), so one file opens offline and prints to PDF with page breaks between sections.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.figure import Figure

#: Resolution of embedded charts, dots per inch.
FIGURE_DPI = 110

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto;
       max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
.subtitle { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.88rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0.6rem 0 1rem; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #57606a; }
.note { color: #57606a; font-size: 0.9rem; }
ul.plain { padding-left: 1.2rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  h2, h3 { break-after: avoid; }
  table, figure, tr, .keep { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


class Html(str):
    """Markup made by this module: passed through as is. Any other ``str`` is escaped where it is used."""

    __slots__ = ()


def esc(value: Any) -> Html:
    """The text of ``value`` as HTML: :class:`Html` unchanged, anything else ``str()``-ed and escaped."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[Any]) -> Html:
    """Concatenate pieces of a page (each escaped unless it is :class:`Html`)."""
    return Html("".join(esc(p) for p in parts))


def tag(name: str, content: Any = "", **attrs: Any) -> Html:
    """One element: ``<name attrs>content</name>``, the content and attribute values escaped.

    Args:
        name: The tag name (a constant of the caller, never outside text).
        content: Text or :class:`Html`; a list or tuple is joined.
        **attrs: Attributes; ``class_`` is written ``class``; ``None`` or ``False`` values are left out.

    """
    body = join(content) if isinstance(content, list | tuple) else esc(content)
    written = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items()
                      if v is not None and v is not False)
    return Html(f"<{name}{written}>{body}</{name}>")


def paragraph(text: Any, class_: str | None = None) -> Html:
    """A paragraph of text."""
    return tag("p", text, class_=class_)


def bullet_list(items: Iterable[Any]) -> Html:
    """An unordered list, one item per entry."""
    return tag("ul", [tag("li", item) for item in items], class_="plain")


def table(header: Sequence[Any], rows: Iterable[Sequence[Any]], caption: Any = None,
          numeric: Sequence[int] = (), class_: str | None = None) -> Html:
    """A table with a header row.

    Args:
        header: Column headings.
        rows: One sequence of cells per row, as long as ``header``.
        caption: Optional caption above the table.
        numeric: Indices of columns to right-align (numbers).
        class_: Optional CSS class of the table (tests find tables by it).

    """
    head = tag("thead", tag("tr", [tag("th", h) for h in header]))
    body = tag("tbody", [tag("tr", [tag("td", cell, class_="num" if i in numeric else None)
                                    for i, cell in enumerate(row)]) for row in rows])
    return tag("table", [tag("caption", caption) if caption is not None else "", head, body], class_=class_)


def figure_png(fig: Figure) -> bytes:
    """The PNG bytes of a matplotlib figure (no pyplot, so figures need no closing)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    return buffer.getvalue()


def figure(fig: Figure | bytes, alt: str, caption: Any = None) -> Html:
    """A chart embedded as a PNG data URI (so the page needs no other file).

    Args:
        fig: A matplotlib figure, or PNG bytes.
        alt: Alternative text of the image (what the chart shows).
        caption: Optional caption under the chart.

    """
    png = fig if isinstance(fig, bytes) else figure_png(fig)
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    img = Html(f'<img src="{esc(src)}" alt="{esc(alt)}">')
    return tag("figure", [img, tag("figcaption", caption) if caption is not None else ""], class_="keep")


def section(title: Any, *content: Any, section_id: str | None = None) -> Html:
    """A titled section; in print, each section starts a new page.

    Args:
        title: The section heading.
        *content: Its pieces (text is escaped, :class:`Html` kept).
        section_id: Optional ``id`` of the section (links and tests find sections by it).

    """
    return tag("section", [tag("h2", title), *content], id=section_id)


def page(title: Any, sections: Iterable[Any], subtitle: Any = None) -> str:
    """A whole HTML document: title, optional subtitle, then the sections, with the page's own CSS.

    Returns:
        The document as text (UTF-8, no external resources).

    """
    head = Html(f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
                f'initial-scale=1"><title>{esc(title)}</title><style>{CSS}</style></head>')
    top = [tag("h1", title), paragraph(subtitle, class_="subtitle") if subtitle is not None else ""]
    return f"<!DOCTYPE html>\n<html lang=\"en\">{head}<body>{join([*top, *sections])}</body></html>\n"
