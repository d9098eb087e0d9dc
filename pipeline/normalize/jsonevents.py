"""JSON event exports read through a declarative field mapping from ``sources.toml``.

A city's JSON calendar needs no Python: the mapping says where the list of records is and
which keys hold title, start (or date and time), end, venue, address, URL, status and id.
Values are read the way German exports write them: ISO dates and datetimes, "22.08.2026",
times such as "11.30 - 19.00 Uhr" or "19:00"; an empty time means an all-day event.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from citynews.model import DateValue, Event, iso
from citynews.normalize.dates import find_dates, find_times
from citynews.normalize.records import (
    Location,
    ReadResult,
    Record,
    event_text,
    split_location,
    status_from_words,
)
from citynews.sourcekinds import JsonMapping


def dotted(record: Any, path: str) -> Any:
    """The value at a dotted path ("a.b.0.c") of nested objects and arrays, or None."""
    value = record
    for part in (p for p in path.split(".") if p):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _field(record: dict[str, Any], mapping: JsonMapping, name: str) -> str | None:
    path = mapping.get(name)
    if path is None:
        return None
    value = dotted(record, path)
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


def parse_moment(text: str | None, zone: ZoneInfo) -> DateValue | None:
    """An ISO or German date or datetime; naive times are wall-clock times in ``zone``."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        found = find_dates(text)
        if not found:
            return None
        value = found[0].start
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
    if isinstance(value, datetime):
        if len(text.strip()) == 10 and value.time() == time():
            return value.date()
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return value


def _clock(day: date, text: str | None, zone: ZoneInfo) -> tuple[DateValue, DateValue | None]:
    """Start and end of a day with a time text; no readable time keeps the day (all-day)."""
    times = find_times(text or "")
    if not times:
        return day, None
    first = times[0]
    start = datetime.combine(day, first.start, tzinfo=zone)
    end = datetime.combine(day, first.end, tzinfo=zone) if first.end else None
    return start, (end if end and end > start else None)


def _when(
    record: dict[str, Any], mapping: JsonMapping, zone: ZoneInfo
) -> tuple[DateValue, DateValue | None]:
    start = parse_moment(_field(record, mapping, "start"), zone)
    end = parse_moment(_field(record, mapping, "end"), zone)
    if start is None:
        day = parse_moment(_field(record, mapping, "date"), zone)
        if day is None:
            raise ValueError("no readable start or date")
        if isinstance(day, datetime):
            day = day.date()
        start, end_time = _clock(day, _field(record, mapping, "time"), zone)
        end = end or end_time
    last_day = parse_moment(_field(record, mapping, "end_date"), zone)
    if end is None and last_day is not None and last_day != start:
        end = last_day
    return start, end


def _location(record: dict[str, Any], mapping: JsonMapping) -> Location:
    venue = _field(record, mapping, "venue")
    address = _field(record, mapping, "address")
    if address is None:
        return split_location(venue)
    # A separate address field is the address as a whole, whatever the parser recognises.
    return Location(venue=venue, address=address, place_name=split_location(address).place_name)


def to_event(record: dict[str, Any], mapping: JsonMapping, zone: ZoneInfo) -> Event:
    """One JSON record as an Event (raises ValueError when it has no readable start)."""
    title = _field(record, mapping, "title")
    if not title:
        raise ValueError("no title")
    start, end = _when(record, mapping, zone)
    location = _location(record, mapping)
    record_id = _field(record, mapping, "id")
    return Event(
        title=title,
        start=start,
        end=end,
        all_day=not isinstance(start, datetime),
        venue=location.venue,
        address=location.address,
        place_name=location.place_name,
        source="json",
        status=status_from_words(title, _field(record, mapping, "status")),
        uid=f"{record_id}/{iso(start)}" if record_id else None,
        url=_field(record, mapping, "url"),
        organizer=_field(record, mapping, "organizer"),
        description=_field(record, mapping, "description"),
    )


def _key(record: dict[str, Any], mapping: JsonMapping, event: Event) -> str:
    """What groups records into one document: the id, else title and start (one per record)."""
    record_id = _field(record, mapping, "id")
    if record_id:
        return re.sub(r"\s", "", record_id)
    digest = hashlib.sha1(f"{event.title}|{iso(event.start)}".encode()).hexdigest()[:12]
    return f"r{digest}"


def items_of(data: Any, mapping: JsonMapping) -> list[Any]:
    items = dotted(data, mapping.items) if mapping.items else data
    if not isinstance(items, list):
        where = mapping.items or "the document"
        raise ValueError(f"{where} is not a list of records")
    return items


def _record(
    url: str, key: str, items: list[tuple[dict[str, Any], Event]], mapping: JsonMapping
) -> Record:
    record, first = items[0]
    location = _location(record, mapping)
    # An id shared by several records is one event with several dates: one document for all.
    own_url = first.url if len(items) == 1 and first.url else None
    published = parse_moment(_field(record, mapping, "published"), ZoneInfo(mapping.timezone))
    return Record(
        url=own_url or f"{url}#{key}",
        title=first.title,
        text=event_text(first.description, location, [first.organizer or ""]),
        events=[event for _, event in items],
        published=published,
        raw=json.dumps([r for r, _ in items], ensure_ascii=False),
    )


def read_json(body: bytes, url: str, mapping: JsonMapping) -> ReadResult:
    """Documents of a JSON export: one per id (or per record), each with its events."""
    result = ReadResult()
    try:
        data = json.loads(body.decode("utf-8-sig"))
        items = items_of(data, mapping)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        result.problems.append(f"not a JSON event export: {exc}")
        return result
    zone = ZoneInfo(mapping.timezone)
    groups: dict[str, list[tuple[dict[str, Any], Event]]] = defaultdict(list)
    for number, record in enumerate(items):
        if not isinstance(record, dict):
            result.problems.append(f"record #{number + 1}: not an object")
            continue
        try:
            event = to_event(record, mapping, zone)
        except ValueError as exc:
            result.problems.append(f"record #{number + 1}: {exc}")
            continue
        groups[_key(record, mapping, event)].append((record, event))
    result.records = [_record(url, key, items, mapping) for key, items in groups.items()]
    return result
