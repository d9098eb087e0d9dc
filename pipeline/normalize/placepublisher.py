"""The town of the publisher's postal address: the footer's or contact box's 'PLZ Ort'.

A municipal page that names no town in its text (an overview of titles, a session page of a
state chamber) is still about the town its publisher sits in: the address block every page
of such a portal carries says which. Read before extraction prunes the tree.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from citynews.model import Place
from citynews.normalize.gazetteer import Gazetteer
from citynews.normalize.places import resolve_place

# Address blocks: <address>, <footer> and elements whose class or id says address or contact.
_WORDS = ("address", "adress", "anschrift", "contact", "kontakt", "footer")
_BLOCKS = etree.XPath(
    "//address | //footer | //*["
    + " or ".join(f"contains(@class, '{w}') or contains(@id, '{w}')" for w in _WORDS)
    + "]"
)
# '10117 Berlin', '38440 Wolfsburg', '06108 Halle (Saale)': a postcode and the town after it.
_POSTCODE_TOWN = re.compile(
    r"(?<![\d.,/-])(\d{5})\s+([A-ZÄÖÜ][\w.-]*(?:[ \t]+(?:\(\w[\w ]*\)|[a-zäöü]{2,3}[ \t]+"
    r"(?:der[ \t]+)?[A-ZÄÖÜ][\w.-]*|[A-ZÄÖÜ][\w.-]*))?)"
)


def publisher_town(tree: etree._Element) -> str | None:
    """'PLZ Ort' of the last address block on the page (the site's footer comes last)."""
    found = None
    for block in _BLOCKS(tree):
        if not isinstance(block.tag, str):
            continue
        for text in block.itertext():
            m = _POSTCODE_TOWN.search(text)
            if m:
                found = f"{m[1]} {m[2]}"
    return found


def publisher_place(tree: etree._Element, *, gazetteer: Gazetteer | None = None) -> Place | None:
    """The municipality of the publisher's address, role ``source-home``, or None."""
    town = publisher_town(tree)
    place = resolve_place(town, gazetteer=gazetteer) if town else None
    if place is None:
        return None
    return replace(place, role="source-home", evidence=f"the publisher's address: {town}")
