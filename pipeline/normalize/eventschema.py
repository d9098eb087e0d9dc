"""Events from schema.org Event objects (JSON-LD, and markup read into the same shape)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from citynews.model import DateValue, Event, Page
from citynews.normalize.address import parse_address
from citynews.normalize.dates import (
    BERLIN,
    DateMatch,
    find_dates,
)
from citynews.normalize.eventbase import (
    _ONLINE,
    _clean_title,
    _reference,
)
from citynews.normalize.eventstatus import (
    status_from_schema,
    status_from_text,
)

_EVENT_TYPES = {"Event", "Festival", "Hackathon", "CourseInstance", "ExhibitionEvent"}


def _types(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return [str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n]


def _is_event(node: dict[str, Any]) -> bool:
    return any(t in _EVENT_TYPES or t.endswith("Event") for t in _types(node))


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "subEvent", "event", "itemListElement", "item"):
            if key in value:
                yield from _walk(value[key])


def _scalar(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("@id") or value.get("url") or value.get("name")
    if value is None or isinstance(value, dict | list):
        return None
    text = html.unescape(str(value)).strip()
    return text or None


def _iso_value(text: str | None) -> date | datetime | None:
    """A schema.org date: date-only stays a date; a given offset is kept and shown in Berlin."""
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=BERLIN)
    return value.astimezone(BERLIN)


def _utc_labelled_wall_clock(
    value: date | datetime | None, raw: str | None, shown: list[DateMatch]
) -> bool:
    """True when a "+00:00" time is really the local wall clock the page shows.

    Some event CMSs label local times as UTC. Germany is never at UTC+0, so when the page text
    shows the same clock numbers on that day, the text is right and the label is wrong.
    """
    if not isinstance(value, datetime) or not raw or not re.search(r"(Z|[+-]00:?00)$", raw):
        return False
    wall = datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    for m in shown:
        for candidate in (m.start, m.end):
            if isinstance(candidate, datetime) and candidate.replace(tzinfo=None) == wall:
                return True
    return False


def _postal_text(address: Any) -> tuple[str | None, str | None]:
    """(one-line address, town) of a schema.org PostalAddress or address string."""
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        found = parse_address(address)
        return address.strip() or None, found.town if found else None
    if not isinstance(address, dict):
        return None, None
    street = _scalar(address.get("streetAddress"))
    postal = address.get("postalCode")
    if isinstance(postal, int):
        # JSON numbers lose the leading zero of East German codes: 04109 arrives as 4109.
        postal = f"{postal:05d}"
    postal = _scalar(postal)
    town = _scalar(address.get("addressLocality"))
    locality = " ".join(p for p in (postal, town) if p)
    line = ", ".join(p for p in (street, locality) if p)
    return line or None, town


def _place_text(text: str) -> tuple[str | None, str | None, str | None]:
    """(venue, address, town) of a location written as text: "Stadthalle, Marktplatz 1, 12345
    Musterstadt" names the venue before its address, and both are wanted apart."""
    text = " ".join(text.split())
    found = parse_address(text)
    if not (found and found.street):
        return text or None, None, None
    name = text[: found.span[0]].strip(" ,;–-")
    return name or None, text[found.span[0] :] if name else text, found.town


def _location(location: Any) -> tuple[str | None, str | None, str | None, bool]:
    """(venue, address, town, online) of a schema.org location (Place, VirtualLocation, text)."""
    places = location if isinstance(location, list) else [location]
    venue = address = town = None
    online = False
    for place in places:
        if isinstance(place, str):
            if _ONLINE.search(place) and not parse_address(place):
                online = True
            elif venue is None and address is None:
                venue, address, town = _place_text(place)
            continue
        if not isinstance(place, dict):
            continue
        if "VirtualLocation" in _types(place):
            online = True
            continue
        name = _scalar(place.get("name"))
        line, locality = _postal_text(place.get("address"))
        address = address or line
        town = town or locality
        if name and venue is None:
            found = parse_address(name)
            # A "name" that is just the address again is no venue.
            if not (found and found.span[1] - found.span[0] >= len(name.strip()) - 2):
                venue = name
            elif address is None:
                address = name
                town = town or found.town
    return venue, address, town, online


def _registration(node: dict[str, Any]) -> str | None:
    offers = node.get("offers")
    for offer in offers if isinstance(offers, list) else [offers]:
        if isinstance(offer, dict) and _scalar(offer.get("url")):
            return _scalar(offer.get("url"))
    return _scalar(node.get("url"))


def _at_midnight(value: DateValue | None) -> bool:
    return isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0)


def _days_at_midnight(
    start: DateValue, end: DateValue | None, source: str
) -> tuple[DateValue, DateValue | None]:
    """Page markup writes "T00:00:00" for events without a time, as calendars print "00:00
    Uhr": the day alone is known. Calendar files (iCal) state real times and keep them."""
    if (
        source.startswith("ical")
        or not _at_midnight(start)
        or not (end is None or _at_midnight(end))
    ):
        return start, end
    first = start.date()  # type: ignore[union-attr]
    last = end.date() if isinstance(end, datetime) else None
    return first, (last if last and last > first else None)


def _jsonld_events(page: Page) -> list[Event]:
    shown: list[DateMatch] | None = None
    events: list[Event] = []
    for node in _walk(page.jsonld):
        if not _is_event(node):
            continue
        raw_start = _scalar(node.get("startDate"))
        raw_end = _scalar(node.get("endDate"))
        start = _iso_value(raw_start)
        if start is None:
            continue
        end = _iso_value(raw_end)
        if shown is None:
            shown = find_dates(page.text, reference=_reference(page))
        if _utc_labelled_wall_clock(start, raw_start, shown):
            start = _as_local_wall(raw_start)
            end = _as_local_wall(raw_end) if isinstance(end, datetime) else end
        start, end = _days_at_midnight(start, end, str(node.get("_source", "jsonld")))
        title = _scalar(node.get("name")) or page.title or ""
        venue, address, town, online = _location(node.get("location"))
        mode = _scalar(node.get("eventAttendanceMode")) or ""
        if "Online" in mode or "Mixed" in mode or _ONLINE.search(title):
            online = True
        events.append(
            Event(
                title=_clean_title(title),
                start=start,
                end=end if end != start else None,
                all_day=not isinstance(start, datetime),
                venue=venue,
                address=address,
                place_name=town,
                online=online,
                registration_url=_registration(node),
                source=str(node.get("_source", "jsonld")),
                status=status_from_schema(_scalar(node.get("eventStatus")))
                or status_from_text(title),
            )
        )
    return events


def _as_local_wall(raw: str | None) -> datetime | None:
    if not raw:
        return None
    naive = datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    return naive.replace(tzinfo=BERLIN)
