"""iCalendar files: ``alle-termine.ics`` and ``<topic>.ics`` for every topic that has events.

One VEVENT per event row, UID ``<event id>@citynews`` (stable across re-crawls: the id hashes
document, start and title), times in Europe/Berlin with a VTIMEZONE, all-day events as DATE
values with an exclusive DTEND. DTSTAMP and LAST-MODIFIED come from the document's last content
change, not the clock, so unchanged data serializes to unchanged bytes.

A calendar holds the events from ``PAST_DAYS`` before today on (calendar apps want what is
coming, plus recent history), at most ``MAX_EVENTS`` of them in start order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as VEvent

from feeds.common import (
    as_datetime,
    plain_text,
    safe_url,
    upcoming_threshold,
    utc_text,
)
from pipeline.model import BERLIN, parse_iso

ALL_EVENTS_SLUG = "alle-termine"
PAST_DAYS = 90
MAX_EVENTS = 5000
PRODID = "-//citynews//citynews Termine//DE"
EVENTS_TOPIC = "veranstaltungen"
_SELECT = (
    "select e.id, e.title, e.start, e.end, e.all_day, e.venue, e.address, e.place_name,"
    " e.online, e.registration_url, e.sequence, d.url, d.title as doc_title, d.summary,"
    " d.updated_at, d.first_seen, p.lat, p.lon, s.title as source_title"
    " from events e join documents d on d.id = e.document_id"
    " left join places p on p.ags = e.place_ags"
    " left join sources s on s.name = d.source"
    " where +d.duplicate_of is null and e.start_utc >= ?"
)


@dataclass
class CalendarFile:
    """A serialized calendar and what the index lists about it."""

    slug: str
    title: str
    description: str
    events: int
    updated: datetime | None
    data: bytes

    @property
    def file_name(self) -> str:
        return f"{self.slug}.ics"


def build_calendars(conn: sqlite3.Connection, *, now: datetime) -> Iterator[CalendarFile]:
    """All calendars of a database: every topic with events in the window, then all events."""
    since = _window_start(now)
    cache: dict[str, tuple[VEvent, date, datetime]] = {}
    topics = conn.execute("select slug, name from topics order by position, slug").fetchall()
    for topic in topics:
        # Every document with an event carries this topic: its calendar would equal alle-termine.
        if topic["slug"] == EVENTS_TOPIC:
            continue
        rows = conn.execute(
            f"{_SELECT} and exists (select 1 from document_topics dt"
            " where dt.document_id = e.document_id and dt.topic = ?)"
            " order by e.start_utc, e.id limit ?",
            [since, topic["slug"], MAX_EVENTS],
        ).fetchall()
        if rows:
            yield _calendar(
                topic["slug"],
                f"citynews – Termine: {topic['name']}",
                f"Veranstaltungen zum Thema {topic['name']}.",
                rows,
                cache,
            )
    rows = conn.execute(
        f"{_SELECT} order by e.start_utc, e.id limit ?", [since, MAX_EVENTS]
    ).fetchall()
    yield _calendar(
        ALL_EVENTS_SLUG,
        "citynews – alle Termine",
        "Veranstaltungen aller Quellen zu Smart City und Digitalisierung in Kommunen.",
        rows,
        cache,
    )


def _window_start(now: datetime) -> str:
    return utc_text(as_datetime(upcoming_threshold(now)) - timedelta(days=PAST_DAYS))


def _calendar(
    slug: str,
    title: str,
    description: str,
    rows: list[sqlite3.Row],
    cache: dict[str, tuple[VEvent, date, datetime]],
) -> CalendarFile:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", "Europe/Berlin")
    days: list[date] = []
    stamps: list[datetime] = []
    for row in rows:
        if row["id"] not in cache:
            cache[row["id"]] = _vevent(row)
        vevent, day, stamp = cache[row["id"]]
        cal.add_component(vevent)
        days.append(day)
        stamps.append(stamp)
    if days:
        # VTIMEZONE transitions covering exactly the years the events span: data, not clock.
        cal.add_missing_timezones(
            first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
    return CalendarFile(
        slug, title, description, len(rows), max(stamps, default=None), cal.to_ical()
    )


def _vevent(row: sqlite3.Row) -> tuple[VEvent, date, datetime]:
    start = parse_iso(row["start"])
    end = parse_iso(row["end"])
    stamp = (as_datetime(row["updated_at"]) or as_datetime(row["first_seen"])).astimezone(UTC)
    ev = VEvent()
    ev.add("uid", f"{row['id']}@citynews")
    ev.add("dtstamp", stamp)
    ev.add("last-modified", stamp)
    ev.add("sequence", row["sequence"] or 0)
    ev.add("summary", plain_text(row["title"]) or plain_text(row["doc_title"]) or "Termin")
    if row["all_day"] or not isinstance(start, datetime):
        first = start.astimezone(BERLIN).date() if isinstance(start, datetime) else start
        last = end.astimezone(BERLIN).date() if isinstance(end, datetime) else end
        ev.add("dtstart", first)
        # DTEND of an all-day event is exclusive: the day after the last day.
        ev.add("dtend", max(last or first, first) + timedelta(days=1))
        day = first
    else:
        ev.add("dtstart", start.astimezone(BERLIN))
        if isinstance(end, datetime) and end > start:
            ev.add("dtend", end.astimezone(BERLIN))
        day = start.astimezone(BERLIN).date()
    location = ", ".join(
        p for p in (plain_text(row["venue"]), plain_text(row["address"] or row["place_name"])) if p
    )
    if not location and row["online"]:
        location = "Online"
    if location:
        ev.add("location", location)
    if row["lat"] is not None and row["lon"] is not None:
        ev.add("geo", (row["lat"], row["lon"]))
    url = safe_url(row["url"])
    if url:
        ev.add("url", url)
    lines = [plain_text(row["summary"], max_chars=600)]
    if row["online"]:
        lines.append("Online-Veranstaltung.")
    registration = safe_url(row["registration_url"])
    if registration:
        lines.append(f"Anmeldung: {registration}")
    if row["source_title"]:
        lines.append(f"Quelle: {plain_text(row['source_title'])}" + (f" – {url}" if url else ""))
    description = "\n\n".join(line for line in lines if line)
    if description:
        ev.add("description", description)
    return ev, day, stamp
