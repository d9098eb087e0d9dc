"""Event facts a page labels in an element of their own: the venue and the dates.

Event modules of CMSs put the label and the value in sibling elements ("<div
class="field__label">Veranstaltungsort</div><div class="field__item">Stadthalle<br>Markt 1<br>
12345 Musterstadt</div>", ``<dt>Ort</dt><dd>…</dd>``, "Veranstaltungstermin/e" over a list of
``<time>`` occurrences), which main-text extraction often drops. The values are kept as text
lines for the event readers, in objects ``{"_source": "venue-field" | "date-field", "text": …}``.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from citynews.normalize.eventdetails import _detail_lines, _in_outer

_VENUE_LABELS = ("Veranstaltungsort", "Spielort", "Treffpunkt", "Ort", "Wo")
_DATE_LABELS = ("Veranstaltungstermin/e", "Veranstaltungstermine", "Veranstaltungstermin")
_KINDS = {
    **dict.fromkeys(_VENUE_LABELS, "venue-field"),
    **dict.fromkeys(_DATE_LABELS, "date-field"),
}
# A literal-led scan of the source gates the tree search: most pages have no such label.
_GATE_PATTERN = r">\s*(?:" + "|".join(_KINDS) + r")\s*[:?]?\s*<"
_GATE = re.compile(_GATE_PATTERN)
_GATE_BYTES = re.compile(_GATE_PATTERN.encode())
_LABEL_NODES = etree.XPath(
    "//*[not(*)]["
    + " or ".join(f"normalize-space(translate(., ':?', '')) = '{w}'" for w in _KINDS)
    + "]"
)
_FORM_TAGS = frozenset({"form", "select", "input", "option", "textarea", "button"})
_MAX_CHARS = 400
_CLIMB = 2


def _value_of(label: etree._Element) -> etree._Element | None:
    """The element right after the label, or after its parent when the label is wrapped."""
    el = label
    for _ in range(_CLIMB + 1):
        value = el.getnext()
        while value is not None and not isinstance(value.tag, str):
            value = value.getnext()
        if value is not None:
            return value
        el = el.getparent()
        if el is None:
            return None
    return None


def _field_text(label: etree._Element, kind: str) -> str | None:
    if (label.tail or "").strip() or _in_outer(label):
        return None  # "Ort: Stadthalle" in one line is the text readers' business
    value = _value_of(label)
    if value is None:
        return None
    # A search form's "Ort" is no venue; a date list may end in a "more dates" button.
    if kind == "venue-field" and any(
        isinstance(e.tag, str) and e.tag in _FORM_TAGS for e in value.iter()
    ):
        return None
    values = [value, *_more_descriptions(label, value)]
    if sum(len(v.text_content()) for v in values) > _MAX_CHARS:
        return None
    text = "\n".join(line for v in values for line in _detail_lines(v))
    return text or None


def _more_descriptions(label: etree._Element, value: etree._Element) -> list[etree._Element]:
    """The further ``dd`` of a ``dt``: a venue's name in one, its address in the next."""
    if label.tag != "dt" or value.tag != "dd":
        return []
    more = []
    for sibling in value.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag != "dd":
            break
        more.append(sibling)
    return more


def labelled_fields(
    tree: etree._Element, source: str | bytes | None = None
) -> list[dict[str, Any]]:
    """The values of the page's venue and date labels, one object per distinct value."""
    if source is not None:
        # One scan of the source (~0.2 ms on a 140 kB page, about what counting its tags
        # costs); substring tests for each word were slower, a tree search far more so.
        gate = _GATE if isinstance(source, str) else _GATE_BYTES
        if gate.search(source) is None:  # type: ignore[arg-type]
            return []
    fields: dict[tuple[str, str], None] = {}
    for label in _LABEL_NODES(tree):
        kind = _KINDS[" ".join(label.text_content().replace(":", "").replace("?", "").split())]
        text = _field_text(label, kind)
        if text:
            fields.setdefault((kind, text))
    return [{"@type": "Thing", "_source": kind, "text": text} for kind, text in fields]
