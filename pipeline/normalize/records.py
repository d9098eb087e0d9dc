"""What the machine-readable readers (iCal, JSON exports, event feeds, OParl) hand on.

They already know title, dates and place of an event, so there is no HTML to extract: each
reader returns :class:`Record` objects, and the normalizer adds places and topics to them like
to any page (``Normalizer.from_page(record.page(), events=record.events)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from citynews.model import BERLIN, DateValue, Event, EventStatus, Kind, Page
from citynews.normalize.address import find_venue, parse_address

# Status words as organisers write them in titles, descriptions and status fields; the first
# rule that matches wins, so "abgesagt" beats a "verschoben" in the same text.
_STATUS_WORDS: tuple[tuple[EventStatus, re.Pattern[str]], ...] = (
    (
        "cancelled",
        re.compile(r"\b(abgesagt|entf[äa]llt|f[äa]llt aus|cancell?ed|storniert)\b", re.I),
    ),
    ("postponed", re.compile(r"\b(verschoben|postponed|neuer termin)\b", re.I)),
    ("moved-online", re.compile(r"\b(nur online|online[- ]only|findet online statt)\b", re.I)),
    ("sold-out", re.compile(r"\b(ausverkauft|sold out)\b", re.I)),
)


def status_from_words(*texts: str | None) -> EventStatus:
    """The status that status words in the texts announce, "scheduled" without any."""
    joined = " ".join(t for t in texts if t)
    for status, pattern in _STATUS_WORDS:
        if pattern.search(joined):
            return status
    return "scheduled"


@dataclass(frozen=True)
class Location:
    venue: str | None = None
    address: str | None = None
    place_name: str | None = None


@lru_cache(maxsize=4096)
def split_location(text: str | None) -> Location:
    """Venue, street address and town of one location string ("Rathaus, Markt 1, 06108 Halle").

    Cached: a calendar repeats the same few locations for hundreds of occurrences."""
    text = " ".join((text or "").split()).strip(" ,")
    if not text:
        return Location()
    address = parse_address(text)
    if address is None:
        return Location(venue=text)
    venue = find_venue(text) or text[: address.span[0]].strip(" ,;-") or None
    return Location(venue=venue, address=address.text, place_name=address.town)


def local(value: DateValue, zone: str | None = None) -> DateValue:
    """A date stays a date; a naive datetime is wall-clock time in ``zone`` (default Berlin)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(zone) if zone else BERLIN)
    return value


@dataclass
class Record:
    """One document of a machine-readable source with the events it announces."""

    url: str
    title: str
    text: str = ""
    content_html: str = ""
    events: list[Event] = field(default_factory=list)
    kind: Kind = "event"
    published: DateValue | None = None
    modified: DateValue | None = None
    # The source's own bytes for this record (kept like a page's HTML, for re-processing).
    raw: str = ""
    # An AGS the source itself names (an OParl body's ``ags``), overriding home_region.
    home_region: str | None = None

    def page(self) -> Page:
        return Page(
            url=self.url,
            title=self.title,
            kind=self.kind,
            published=self.published,
            modified=self.modified,
            published_source="source" if self.published else None,
            text=self.text,
            content_html=self.content_html,
            summary=self.text[:300],
            language="de",
        )


@dataclass
class ReadResult:
    """Records read from one response, and what could not be read (one line per problem)."""

    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    repaired: int = 0


def event_text(description: str | None, location: Location, extra: list[str] = ()) -> str:
    """The document text of an event: its description, then where it takes place."""
    parts = [(description or "").strip()]
    where = ", ".join(p for p in (location.venue, location.address) if p)
    if where:
        parts.append(f"Ort: {where}")
    parts += [p for p in extra if p]
    return "\n\n".join(p for p in parts if p)
