"""The town of the publisher's postal address: the footer's or contact box's 'PLZ Ort'.

A municipal page that names no town in its text (an overview of titles, a session page of a
state chamber) is still about the town its publisher sits in: the address block every page
of such a portal carries says which.

Read from the page source, not the tree: most pages that get here name no place at all, and
a few byte searches for the markers of address blocks cost far less than a walk over every
element's class.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from citynews.model import Place
from citynews.normalize.gazetteer import Gazetteer
from citynews.normalize.places import resolve_place

# Tag names, classes and ids of address blocks ('<footer', 'footer-address', id="kontakt").
_MARKERS = (
    b"<address",
    b"<footer",
    b"footer",
    b"address",
    b"adresse",
    b"anschrift",
    b"contact",
    b"kontakt",
)
_WINDOW = 1500  # bytes after a marker that its block's address may take
_LAST_MARKERS = 12  # the site's address blocks sit at the end: earlier markers are navigation
_TAG = re.compile(r"<[^>]*>")
# '10117 Berlin', '38100 Braunschweig', '06108 Halle (Saale)': a postcode and the town after it.
_POSTCODE_TOWN = re.compile(
    r"(?<![\d.,/-])(\d{5})\s+([A-ZÄÖÜ][\w.-]*(?:[ \t]+(?:\(\w[\w ]*\)|[a-zäöü]{2,3}[ \t]+"
    r"(?:der[ \t]+)?[A-ZÄÖÜ][\w.-]*|[A-ZÄÖÜ][\w.-]*))?)"
)


def publisher_town(raw: str | bytes) -> str | None:
    """'PLZ Ort' of the last address block in the page source (the site's footer comes last)."""
    source = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    for pos in sorted(_marker_positions(source), reverse=True)[:_LAST_MARKERS]:
        text = _readable(source[pos : pos + _WINDOW])
        found = _POSTCODE_TOWN.search(text)
        if found:
            return f"{found[1]} {found[2]}"
    return None


def _marker_positions(source: bytes) -> set[int]:
    """Where the markers stand in a tag's name, class or id (not in a link or the text)."""
    found = set()
    for marker in _MARKERS:
        pos = source.find(marker)
        while pos != -1:
            if marker[0] == ord("<") or _in_class_or_id(source, pos):
                found.add(pos)
            pos = source.find(marker, pos + 1)
    return found


_CLASS_OR_ID = re.compile(rb"\s(?:class|id)\s*=\s*[\"']?[^\"'<>=]*$")


def _in_class_or_id(source: bytes, pos: int) -> bool:
    start = source.rfind(b"<", max(0, pos - 300), pos)
    return start != -1 and _CLASS_OR_ID.search(source, start, pos) is not None


def _readable(chunk: bytes) -> str:
    """The words of a piece of markup: tags become line breaks, entities characters."""
    text = chunk.decode("utf-8", "replace")
    if "\ufffd" in text:
        text = chunk.decode("cp1252", "replace")
    # Drop the cut tag at the start (the marker sits inside it) and the ones after it.
    return html.unescape(_TAG.sub("\n", text[text.find(">") + 1 :]))


def publisher_place(raw: str | bytes, *, gazetteer: Gazetteer | None = None) -> Place | None:
    """The municipality of the publisher's address, role ``source-home``, or None."""
    town = publisher_town(raw)
    place = resolve_place(town, gazetteer=gazetteer) if town else None
    if place is None:
        return None
    return replace(place, role="source-home", evidence=f"the publisher's address: {town}")
