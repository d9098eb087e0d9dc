"""RSS/Atom feeds whose items are events: one document and (where dated) one event per item.

``item_dates = "event_start"``: the item's pubDate is the event's start, not a publication
date. Some calendars write local wall-clock time and label it +0000;
``item_dates_timezone`` names the zone whose clock the pubDate really shows.
``item_dates = "title"``: the date is only in the title ("12. Sitzung am Mittwoch, dem
9. September 2026, 17.00 Uhr"); the pubDate stays the publication date.
Status words in titles ("ABGESAGT", "verschoben", "NUR ONLINE") set the event's status.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
import lxml.html

from citynews.errors import InputError
from citynews.model import BERLIN, DateValue, Event
from citynews.normalize.dates import DateMatch, find_dates
from citynews.normalize.discovery import refuse_unsafe_xml
from citynews.normalize.records import ReadResult, Record, status_from_words


def _plain(html: str | None) -> str:
    if not html or not html.strip():
        return ""
    try:
        return " ".join(lxml.html.fromstring(html).text_content().split())
    except (ValueError, lxml.etree.ParserError):
        return " ".join(html.split())


def _pub_date(entry: Any, zone: ZoneInfo | None) -> datetime | None:
    """The item's pubDate; with ``zone`` its clock time is read as local time in that zone."""
    # dict.get skips feedparser's deprecated updated→published fallback.
    raw = dict.get(entry, "published") or dict.get(entry, "updated")
    value = None
    if raw:
        try:
            value = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            value = None
    if value is None:
        parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        value = datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=zone or UTC)
    return value.replace(tzinfo=zone) if zone else value


def _title_date(title: str, reference: DateValue | None) -> DateMatch | None:
    found = find_dates(title, reference=reference if isinstance(reference, date) else None)
    return found[0] if found else None


def _from_start(
    pub: datetime | None, title: str
) -> tuple[DateValue | None, DateValue | None, bool]:
    """Start, end, all-day for an item whose pubDate is the start; the title adds the end."""
    if pub is None:
        return None, None, False
    start = pub.astimezone(BERLIN)
    in_title = _title_date(title, start.date())
    if in_title is not None and in_title.all_day and start.time() == time():
        # Midnight and a title without a clock time: an all-day item.
        return start.date(), None, True
    end = None
    if in_title is not None and in_title.end is not None and isinstance(in_title.end, datetime):
        end = in_title.end if in_title.end > start else None
    return start, end, False


def _when(
    entry: Any, title: str, item_dates: str, zone: ZoneInfo | None
) -> tuple[DateValue | None, DateValue | None, bool, DateValue | None]:
    """(start, end, all_day, published) of one item."""
    pub = _pub_date(entry, zone)
    if item_dates == "event_start":
        return (*_from_start(pub, title), None)
    reference = pub.astimezone(BERLIN).date() if pub else None
    in_title = _title_date(title, reference)
    if in_title is None:
        return None, None, False, pub
    return in_title.start, in_title.end, in_title.all_day, pub


def _record(entry: Any, url: str, item_dates: str, zone: ZoneInfo | None) -> Record | None:
    link = entry.get("link")
    title = " ".join((entry.get("title") or "").split())
    if not link or not title:
        return None
    link = urljoin(url, link.strip())
    text = _plain(entry.get("summary"))
    start, end, all_day, published = _when(entry, title, item_dates, zone)
    events = []
    if start is not None:
        events.append(
            Event(
                title=title,
                start=start,
                end=end,
                all_day=all_day,
                source="feed",
                status=status_from_words(title),
                uid=entry.get("id") or link,
                url=link,
                description=text or None,
            )
        )
    return Record(
        url=link,
        title=title,
        text=text,
        events=events,
        kind="event" if events else "article",
        published=published,
        raw=str(entry.get("summary") or ""),
    )


def read_event_feed(
    body: bytes, url: str, *, item_dates: str = "event_start", timezone: str | None = None
) -> ReadResult:
    """One record per feed item; items whose date cannot be read are documents without event."""
    result = ReadResult()
    try:
        refuse_unsafe_xml(body, url)
    except InputError as exc:
        result.problems.append(str(exc))
        return result
    zone = ZoneInfo(timezone) if timezone else None
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    for number, entry in enumerate(parsed.entries):
        record = _record(entry, url, item_dates, zone)
        if record is None:
            result.problems.append(f"item #{number + 1}: no link or no title")
            continue
        result.records.append(record)
    return result
