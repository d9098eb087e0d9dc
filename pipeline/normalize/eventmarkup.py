"""Event data pages carry besides JSON-LD: inline iCalendar links, microdata and hCalendar
(and labelled venue and date fields, :mod:`citynews.normalize.eventlabelled`).

Each is turned into the shape of a schema.org Event object (``startDate``, ``name``,
``location``…) so that one reader (:mod:`citynews.normalize.eventschema`) handles all of them;
``_source`` says where an object came from. iCalendar is read with ``icalendar``: VEVENTs with
their own TZID are the page's most exact statement of an event's time.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from datetime import date, datetime
from typing import Any

import icalendar
from lxml import etree

from citynews.normalize.eventlabelled import labelled_fields
from citynews.normalize.ical import event_span

log = logging.getLogger(__name__)

_ICAL_LINKS = etree.XPath(
    "//a[starts-with(translate(@href, 'DATEXT', 'datext'), 'data:text/calendar')]/@href"
)
_MICRODATA = etree.XPath("//*[@itemscope and contains(@itemtype, 'schema.org/')]")
_HCAL = etree.XPath(
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' vevent ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' h-event ')]"
)
_HCAL_FIELDS = {
    "name": ("summary", "p-name"),
    "startDate": ("dtstart", "dt-start"),
    "endDate": ("dtend", "dt-end"),
    "location": ("location", "p-location"),
}


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def calendar_nodes(text: str, source: str = "ical") -> list[dict[str, Any]]:
    """The VEVENTs of an iCalendar text as schema.org-shaped Event objects ([] if unreadable)."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        log.debug("unreadable calendar: %s", exc)
        return []
    nodes = []
    for vevent in calendar.walk("VEVENT"):
        if not isinstance(vevent.decoded("DTSTART", None), date):
            continue
        # Local times, and the inclusive last day of an all-day event (DTEND is exclusive).
        start, end, _ = event_span(vevent)
        node: dict[str, Any] = {
            "@type": "Event",
            "_source": source,
            "name": str(vevent.get("SUMMARY", "")),
            "startDate": _iso(start),
            "location": str(vevent.get("LOCATION", "")) or None,
        }
        if end is not None:
            node["endDate"] = _iso(end)
        if str(vevent.get("STATUS", "")).upper() == "CANCELLED":
            node["eventStatus"] = "EventCancelled"
        nodes.append(node)
    return nodes


def _ical_nodes(href: str) -> list[dict[str, Any]]:
    payload = href.split(",", 1)[1] if "," in href else ""
    return calendar_nodes(urllib.parse.unquote(payload))


def _prop_value(element: etree._Element) -> Any:
    if element.get("itemscope") is not None:
        return _microdata_item(element)
    for attribute in ("content", "datetime", "href", "src"):
        if element.get(attribute):
            return element.get(attribute)
    return " ".join(element.text_content().split())


def _own_props(item: etree._Element) -> list[etree._Element]:
    """The itemprop elements of this item, not of items nested in it."""
    found = []
    for element in item.iterdescendants():
        if element.get("itemprop") is None:
            continue
        owner = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
        if owner is item:
            found.append(element)
    return found


def _microdata_item(item: etree._Element) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": (item.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]}
    for element in _own_props(item):
        for name in element.get("itemprop", "").split():
            node.setdefault(name, _prop_value(element))
    return node


def _hcal_value(element: etree._Element) -> str:
    for attribute in ("datetime", "title", "content"):
        if element.get(attribute):
            return element.get(attribute)
    return " ".join(element.text_content().split())


def _hcal_node(item: etree._Element) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Event", "_source": "hcalendar"}
    for key, classes in _HCAL_FIELDS.items():
        for element in item.iterdescendants():
            names = (element.get("class") or "").split()
            if any(c in names for c in classes):
                node[key] = _hcal_value(element)
                break
    return node


def event_nodes(tree: etree._Element, source: str | bytes | None = None) -> list[dict[str, Any]]:
    """schema.org-shaped Event objects from inline iCalendar, microdata and hCalendar.

    With the page ``source``, a kind of markup whose marker the source lacks is not searched
    for (three whole-tree XPath scans cost about 1 ms a page, and most pages have none).
    """
    marks = _markers(source)
    nodes: list[dict[str, Any]] = []
    if "calendar" in marks:
        for href in _ICAL_LINKS(tree):
            nodes.extend(_ical_nodes(str(href)))
    if "itemscope" in marks:
        for item in _MICRODATA(tree):
            if item.get("itemprop") is None and "Event" in (item.get("itemtype") or ""):
                nodes.append({**_microdata_item(item), "_source": "microdata"})
    if "event" in marks:
        for item in _HCAL(tree):
            node = _hcal_node(item)
            if node.get("startDate"):
                nodes.append(node)
    return nodes + labelled_fields(tree, source)


# The words each kind of markup cannot do without, lower-cased: the start of an inline
# iCalendar link, the microdata attribute, the hCalendar classes ("vevent", "h-event").
_MARKERS = {
    "calendar": ("data:text/calendar",),
    "itemscope": ("itemscope",),
    "event": ("vevent", "h-event"),
}
_ALL_MARKERS = frozenset(_MARKERS)
_MARKER_BYTES = {name: tuple(w.encode() for w in words) for name, words in _MARKERS.items()}
# Only Event items are read: an ``itemtype`` whose value names an event (lower-cased source).
# Most pages with microdata describe articles, places or breadcrumbs (28 of 28 bench pages
# with "itemscope"), and the XPath over every element cost 0.4 ms on each.
_EVENT_TYPE = r"""itemtype\s*=\s*["']?[^"'>]*event"""
_EVENT_TYPE_STR = re.compile(_EVENT_TYPE)
_EVENT_TYPE_BYTES = re.compile(_EVENT_TYPE.encode())


def _markers(source: str | bytes | None) -> frozenset[str]:
    if source is None:
        return _ALL_MARKERS
    # One lower-cased copy and plain substring tests: a case-insensitive regex per marker
    # scanned the page more slowly than the XPaths it was meant to spare.
    low = source.lower()
    table = _MARKERS if isinstance(low, str) else _MARKER_BYTES
    marks = {name for name, words in table.items() if any(w in low for w in words)}
    if "itemscope" in marks:
        event_type = _EVENT_TYPE_STR if isinstance(low, str) else _EVENT_TYPE_BYTES
        if event_type.search(low) is None:  # type: ignore[arg-type]
            marks.discard("itemscope")
    return frozenset(marks)
