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
td, caption, h1, h2, h3, p, li { overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
td.whole { overflow-wrap: normal; }
tr.marked td { background: #eef5ff; }
.pre-line td, p.pre-line { white-space: pre-line; }
nav.contents ol { columns: 2; padding-left: 1.4rem; }
nav.contents a { color: #0b5cad; }
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
  table.long { break-inside: auto; }
  thead { display: table-header-group; }
  nav.contents a { color: inherit; text-decoration: none; }
  tr.marked td { background: #eef5ff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
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
          numeric: Sequence[int] = (), class_: str | None = None,
          row_classes: Sequence[str | None] | None = None, whole: Sequence[int] = ()) -> Html:
    """A table with a header row.

    Args:
        header: Column headings.
        rows: One sequence of cells per row, as long as ``header``.
        caption: Optional caption above the table.
        numeric: Indices of columns to right-align (numbers).
        class_: Optional CSS class of the table (tests find tables by it); ``"pre-line"`` among its classes
            keeps the line breaks of the cells' text, ``"long"`` lets print break the table between rows (a
            table is otherwise kept on one page when it fits one).
        row_classes: Optional CSS class of each row (``None`` for none), as many as ``rows``; ``"marked"``
            shades a row.
        whole: Indices of columns of short words (seasons, codes) that are never broken inside a word. Other
            text may break anywhere when it must, so a long name cannot push a table off a printed page.

    """
    rows = list(rows)
    classes = list(row_classes) if row_classes is not None else [None] * len(rows)
    if len(classes) != len(rows):
        raise ValueError(f"table: {len(classes)} row classes for {len(rows)} rows")
    head = tag("thead", tag("tr", [tag("th", h) for h in header]))
    body = tag("tbody", [tag("tr", [tag("td", cell, class_="num" if i in numeric else "whole" if i in whole else None)
                                    for i, cell in enumerate(row)], class_=row_class)
                         for row, row_class in zip(rows, classes, strict=True)])
    return tag("table", [tag("caption", caption) if caption is not None else "", head, body], class_=class_)


def split_columns(header: Sequence[Any], rows: Sequence[Sequence[Any]], keep: int,
                  per_table: int) -> list[tuple[list[Any], list[list[Any]]]]:
    """Split a wide table into narrower ones that each repeat the first ``keep`` columns.

    A table too wide for a printed page is clipped; split, each part fits. Every column after the first
    ``keep`` appears in exactly one part, in order.

    Args:
        header: Column headings.
        rows: Rows of cells, each as long as ``header``.
        keep: How many leading columns every part repeats (e.g. the season), at least 0.
        per_table: Most other columns in one part, at least 1.

    Returns:
        ``(header, rows)`` of each part; one part (the table itself) if it is narrow enough, and one part
        with the kept columns alone if there are no others.

    """
    if per_table < 1 or keep < 0:
        raise ValueError(f"split_columns: per_table must be at least 1 and keep at least 0, got {per_table}, {keep}")
    rest = list(range(keep, len(header)))
    groups = [rest[i:i + per_table] for i in range(0, len(rest), per_table)] or [[]]
    return [([*header[:keep], *(header[i] for i in group)], [[*row[:keep], *(row[i] for i in group)] for row in rows])
            for group in groups]


def contents(entries: Iterable[tuple[str, Any]], title: Any = "Contents") -> Html:
    """A table of contents: a numbered list of links to sections on the same page.

    Args:
        entries: ``(section id, title)`` pairs, in page order (ids as given to :func:`section`).
        title: Heading of the list.

    """
    items = [tag("li", tag("a", label, href=f"#{section_id}")) for section_id, label in entries]
    return tag("nav", [tag("h2", title), tag("ol", items)], class_="contents")


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
