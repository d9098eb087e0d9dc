"""The data model shared by every stage: spider → item → normalize → store → feeds.

Dates are either ``datetime.date`` (day known, no time: all-day or day-precision
publication) or timezone-aware ``datetime.datetime``. Naive datetimes are a bug.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

# The one time zone, the one event topic slug and the one user agent of the code base.
BERLIN = ZoneInfo("Europe/Berlin")
# Slug of the events topic (data/topics.toml): the normalizer assigns it from the events a
# document announces, never by keywords.
EVENT_TOPIC = "veranstaltungen"
USER_AGENT = "citynews/0.1 (+https://github.com/citynews/citynews)"

Kind = Literal["article", "event", "listing"]
PlaceKind = Literal["municipality", "district", "state"]
PlaceRole = Literal["mentioned", "event", "source-home"]
EventStatus = Literal["scheduled", "cancelled", "postponed", "moved-online", "sold-out"]
EVENT_STATUSES: tuple[str, ...] = EventStatus.__args__

DateValue = date | datetime

GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


@dataclass
class Teaser:
    """One entry of a listing page: what the spider may follow."""

    title: str
    url: str
    published: DateValue | None = None


@dataclass
class Place:
    """A gazetteer entry found in a text (or resolved from an address)."""

    name: str
    kind: PlaceKind
    ags: str | None = None
    lat: float | None = None
    lon: float | None = None
    state: str | None = None
    district: str | None = None
    population: int | None = None
    role: PlaceRole = "mentioned"
    evidence: str = ""


@dataclass
class Event:
    """One event announced by a document."""

    title: str
    start: DateValue
    end: DateValue | None = None
    all_day: bool = False
    venue: str | None = None
    address: str | None = None
    place_name: str | None = None
    place: Place | None = None
    online: bool = False
    registration_url: str | None = None
    # Where the event came from: "jsonld", "microdata", "ical", "json", "oparl", "feed", "text"…
    source: str = "text"
    status: EventStatus = "scheduled"
    registration_deadline: DateValue | None = None
    # Which reading won where structured fields and visible text disagree, and why.
    provenance: str | None = None
    # A key that survives re-crawls for machine-readable sources (iCal UID + RECURRENCE-ID,
    # an OParl id, a JSON record id); None for events found in page text.
    uid: str | None = None
    url: str | None = None
    organizer: str | None = None
    description: str | None = None
    # Coordinates the source states for the event itself (iCal GEO, OParl location geojson).
    lat: float | None = None
    lon: float | None = None


@dataclass
class TopicMatch:
    """Why a document carries a topic: the rule that fired and the words it matched."""

    slug: str
    score: float
    rule: str
    words: list[str] = field(default_factory=list)


@dataclass
class Page:
    """What page-level extraction finds in one HTML page, before events/places/topics."""

    url: str
    title: str | None = None
    kind: Kind = "article"
    published: DateValue | None = None
    modified: DateValue | None = None
    published_source: str | None = None
    text: str = ""
    content_html: str = ""
    summary: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    teasers: list[Teaser] = field(default_factory=list)
    jsonld: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Document:
    """A fully normalized document, ready to store."""

    url: str
    source: str | None
    title: str | None
    kind: Kind
    published: DateValue | None
    modified: DateValue | None
    published_source: str | None
    text: str
    content_html: str = ""
    summary: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    topics: list[TopicMatch] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)


def iso(value: DateValue | None) -> str | None:
    """ISO 8601 text for a date or an aware datetime (offset kept), None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: every datetime must carry a timezone")
        return value.isoformat()
    return value.isoformat()


def utc_key(value: DateValue | None) -> str | None:
    """A sortable UTC timestamp (``YYYY-MM-DDTHH:MM:SSZ``); a date counts from Berlin midnight."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=BERLIN)
    elif value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: every datetime must carry a timezone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> DateValue | None:
    """Inverse of :func:`iso`: a date for ``YYYY-MM-DD``, an aware datetime otherwise."""
    if not text:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {text!r} in stored data")
    return value


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and lists as plain JSON values."""
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, date):
        return iso(obj)
    return obj


@dataclass
class Hints:
    """What the crawler knows about a page before extraction looks at it."""

    kind: Kind | None = None
    title: str | None = None
    published: DateValue | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    # The page's own iCalendar entries, fetched from its "In Kalender eintragen" links.
    calendars: tuple[str, ...] = ()
