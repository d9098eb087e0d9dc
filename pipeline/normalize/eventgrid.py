"""Calendars laid out as grids of ``div``/``li`` rows instead of a ``<table>``.

A calendar page often draws its list as CSS rows: a header row of labels ("Was? | Wo? |
Wann?") and one row per entry whose cells carry the same classes. Main-text extraction
drops such grids (many short cells, links for titles), so the event reader would see none of
the entries. They are read from the page tree here and written as the "cell | cell" lines
that :mod:`citynews.normalize.eventtable` reads for real tables.
"""

from __future__ import annotations

import re

from lxml import etree

from citynews.normalize.eventtable import is_date_header

_MIN_ROWS = 2
_MAX_CELLS = 8
_CELL_CHARS = 300


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if isinstance(c.tag, str)]


def _cell_text(cell: etree._Element) -> str:
    """The cell's text, a line break (``<br>``) written as ", "."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == "br":
            parts.append(", ")
        elif isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(cell)
    text = " ".join("".join(parts).split())
    return re.sub(r"(?:\s*,\s*)+", ", ", text).strip(" ,|")


def _shape(row: etree._Element) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((c.tag, frozenset((c.get("class") or "").split())) for c in _cells(row))


def _fits(
    row: tuple[tuple[str, frozenset[str]], ...], header: tuple[tuple[str, frozenset[str]], ...]
) -> bool:
    """Same cell tags, each cell with at least its column's classes ("first" and
    "first featured" are one column)."""
    return len(row) == len(header) and all(
        tag == h_tag and h_classes <= classes
        for (tag, classes), (h_tag, h_classes) in zip(row, header, strict=True)
    )


def _header_cells(row: etree._Element) -> list[str] | None:
    cells = _cells(row)
    if not 2 <= len(cells) <= _MAX_CELLS:
        return None
    texts = [_cell_text(c) for c in cells]
    if any(len(t) > 40 for t in texts) or not any(is_date_header(t) for t in texts):
        return None
    return texts


def _rows_after(header: etree._Element) -> list[etree._Element]:
    """Rows shaped like the header that follow it: its own siblings, or the children of the
    container right after it (a header ``div`` above a content ``div`` of rows).

    Columns usually share their classes with the header's cells; where they do not, rows with
    the same cell tags (and one set of classes among themselves) count.
    """
    shape = _shape(header)
    near = [el for s in header.itersiblings() if isinstance(s.tag, str) for el in (s, *s)]
    same = [row for row in near if isinstance(row.tag, str) and _fits(_shape(row), shape)]
    if same:
        return same
    tags = [tag for tag, _ in shape]
    rows = [r for r in near if isinstance(r.tag, str) and [t for t, _ in _shape(r)] == tags]
    return rows if len({_shape(r) for r in rows}) == 1 else []


def _header_candidates(tree: etree._Element) -> list[etree._Element]:
    """Parents and grandparents of short texts that read as a date label ("Wann?"), found by
    each element's own text only: cheap enough for every page."""
    seen: dict[int, etree._Element] = {}
    for el in tree.iter():
        text = el.text.strip() if isinstance(el.tag, str) and el.text else ""
        if not text or len(text) > 20 or not is_date_header(text):
            continue
        for row in list(el.iterancestors())[:2]:
            seen.setdefault(id(row), row)
    return list(seen.values())


def grid_text(tree: etree._Element) -> str:
    """Every label-headed grid outside ``<table>`` as "header | …" and "cell | …" lines."""
    blocks: list[str] = []
    for row in _header_candidates(tree):
        header = _header_cells(row)
        if header is None or next(row.iterancestors("table"), None) is not None:
            continue
        rows = _rows_after(row)
        if len(rows) < _MIN_ROWS:
            continue
        lines = [" | ".join(header)]
        for item in rows:
            cells = [_cell_text(c)[:_CELL_CHARS] for c in _cells(item)]
            if any(cells):
                lines.append(" | ".join(cells))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
