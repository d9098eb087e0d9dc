"""iCalendar files as a source: every VEVENT occurrence in a time window becomes an event.

icalendar parses, ``x-wr-timezone`` turns a calendar-wide ``X-WR-TIMEZONE`` into real
timezones, and ``recurring-ical-events`` expands RRULE/RDATE/EXDATE/RECURRENCE-ID: the
recurrence rules of RFC 5545 are far too subtle to write by hand. What this module adds is
tolerance for the files cities really publish (continuation lines without the leading space,
LF line ends, Windows-1252 bytes, a missing VERSION) and the mapping onto :class:`Event`.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events
import x_wr_timezone

from citynews.model import BERLIN, DateValue, Event, iso
from citynews.normalize.records import (
    ReadResult,
    Record,
    event_text,
    local,
    split_location,
    status_from_words,
)

logger = logging.getLogger(__name__)

# A content line starts with an upper-case property name (or an X- name) and ";" or ":".
# Anything else after a line break is the rest of the previous line whose folding lost its
# leading space; lower-case words are not taken for names ("Hinweis: …" in a description).
_CONTENT_LINE = re.compile(r"(?:[A-Z][A-Z0-9-]*|X-[A-Za-z0-9-]+)[;:]")
_BLOCK = re.compile(r"^BEGIN:(VEVENT|VTIMEZONE)\r\n.*?^END:\1\r\n", re.M | re.S)


def _decode(body: bytes, result: ReadResult) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not an error: German calendars from Windows tools are often Windows-1252.
        logger.info("calendar is not UTF-8: read as Windows-1252")
        result.repaired += 1
        return body.decode("cp1252", errors="replace")


def repair(text: str) -> tuple[str, int]:
    """CRLF line ends, continuation lines given back their leading space, and the envelope.

    Returns the repaired text and how many lines needed a repair.
    """
    out: list[str] = []
    repaired = 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        if out and not line.startswith((" ", "\t")) and not _CONTENT_LINE.match(line):
            # Unfolding drops one leading space; the second keeps the words apart.
            line = "  " + line
            repaired += 1
        out.append(line)
    if not out or out[0].strip().upper() != "BEGIN:VCALENDAR":
        out.insert(0, "BEGIN:VCALENDAR")
        repaired += 1
    if out[-1].strip().upper() != "END:VCALENDAR":
        out.append("END:VCALENDAR")
        repaired += 1
    if not any(line.upper().startswith("VERSION:") for line in out):
        out.insert(1, "VERSION:2.0")
    return "\r\n".join(out) + "\r\n", repaired


def _parse(text: str, result: ReadResult) -> icalendar.Calendar:
    """The calendar; when the whole file fails, every VEVENT and VTIMEZONE that parses alone."""
    try:
        return icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        logger.info("calendar does not parse as a whole (%s); reading it event by event", exc)
    calendar = icalendar.Calendar()
    for i, m in enumerate(_BLOCK.finditer(text)):
        try:
            calendar.add_component(icalendar.Calendar.from_ical(m.group()))
        except (ValueError, IndexError, KeyError) as exc:
            result.problems.append(f"{m.group(1)} #{i + 1} unreadable: {exc}")
    return calendar


def _series_uids(calendar: icalendar.Calendar, result: ReadResult) -> set[str]:
    """UIDs of recurring events (their occurrences need the recurrence id in their key).

    VEVENTs without a start are removed and counted: no date is better than a made-up one.
    """
    series = set()
    for component in list(calendar.walk("VEVENT")):
        if "DTSTART" not in component:
            result.problems.append(f"VEVENT {component.get('UID')}: no DTSTART, skipped")
            calendar.subcomponents.remove(component)
        elif any(k in component for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
            series.add(str(component.get("UID")))
    return series


def _occurrences(calendar: Any, start: datetime, end: datetime, result: ReadResult) -> list:
    try:
        return list(recurring_ical_events.of(calendar).between(start, end))
    except Exception as exc:  # the library raises many kinds for one bad rule
        result.problems.append(f"a recurring series with a bad rule was skipped: {exc}")
        return list(recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end))


def _value(component: Any, name: str) -> Any:
    prop = component.get(name)
    return getattr(prop, "dt", None) if prop is not None else None


def event_span(component: Any) -> tuple[DateValue, DateValue | None, bool]:
    start = local(_value(component, "DTSTART"))
    end = _value(component, "DTEND")
    all_day = not isinstance(start, datetime)
    if end is None:
        return start, None, all_day
    end = local(end)
    if end == start:
        # recurring-ical-events fills in DTEND = DTSTART where the VEVENT has no end.
        return start, None, all_day
    if all_day and isinstance(end, date) and not isinstance(end, datetime):
        # DTEND of an all-day event is exclusive: the last day is the day before.
        end = end - timedelta(days=1)
        return start, (end if end > start else None), True
    return start, end, all_day


def _stamp(component: Any, name: str) -> DateValue | None:
    value = _value(component, name)
    return local(value) if value is not None else None


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    text = str(value).strip() if value is not None else ""
    return text or None


def _geo(component: Any) -> tuple[float | None, float | None]:
    geo = component.get("GEO")
    if geo is None:
        return None, None
    return float(geo.latitude), float(geo.longitude)


def _organizer(component: Any) -> str | None:
    organizer = component.get("ORGANIZER")
    if organizer is None:
        return None
    name = organizer.params.get("CN") if hasattr(organizer, "params") else None
    return str(name or organizer).removeprefix("mailto:").strip() or None


def _uid(component: Any, series: set[str], url: str, number: int) -> tuple[str, str | None]:
    """(UID of the VEVENT, key of this occurrence: UID plus recurrence id for a series)."""
    uid = _text(component, "UID") or f"{url}#vevent-{number}"
    if uid not in series:
        return uid, uid
    recurrence = _value(component, "RECURRENCE-ID") or _value(component, "DTSTART")
    return uid, f"{uid}/{iso(local(recurrence))}"


def to_event(component: Any, key: str) -> Event:
    """One occurrence (a VEVENT as recurring-ical-events hands it out) as an Event."""
    start, end, all_day = event_span(component)
    title = _text(component, "SUMMARY") or "Termin"
    description = _text(component, "DESCRIPTION")
    location = split_location(_text(component, "LOCATION"))
    status = status_from_words(title)
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        status = "cancelled"
    lat, lon = _geo(component)
    return Event(
        title=title,
        start=start,
        end=end,
        all_day=all_day,
        venue=location.venue,
        address=location.address,
        place_name=location.place_name,
        source="ical",
        status=status,
        uid=key,
        url=_text(component, "URL"),
        organizer=_organizer(component),
        description=description,
        lat=lat,
        lon=lon,
    )


def _record_url(url: str, uid: str, link: str | None, link_uids: dict[str, set[str]]) -> str:
    """A stable document URL: the event's own URL when no other event shares it."""
    if link and link_uids.get(link) == {uid}:
        return link
    return f"{url}#{uid}"


_UID_LINE = re.compile(r"^UID[^:\r\n]*:(.*?)\r$", re.M)


def _sources(text: str) -> dict[str, str]:
    """UID → the VEVENT blocks of the file as written (serializing again costs a quarter of
    the read of a 1,000-event file)."""
    found: dict[str, str] = defaultdict(str)
    for m in _BLOCK.finditer(text):
        uid = _UID_LINE.search(m.group())
        if m.group(1) == "VEVENT" and uid:
            found[uid.group(1).strip()] += m.group()
    return found


def _records(groups: dict[str, list[tuple[Any, Event]]], url: str, text: str) -> list[Record]:
    sources = _sources(text)
    link_uids: dict[str, set[str]] = defaultdict(set)
    for uid, items in groups.items():
        for _, event in items:
            if event.url:
                link_uids[event.url].add(uid)
    records = []
    for uid, items in groups.items():
        component, first = items[0]
        location = split_location(_text(component, "LOCATION"))
        records.append(
            Record(
                url=_record_url(url, uid, first.url, link_uids),
                title=first.title,
                text=event_text(first.description, location),
                events=[event for _, event in items],
                # DTSTAMP is when the file was written, often every request: never a date here.
                published=_stamp(component, "CREATED"),
                modified=_stamp(component, "LAST-MODIFIED"),
                raw=sources.get(uid, ""),
            )
        )
    return records


def read_ical(
    body: bytes, url: str, *, now: datetime, past_days: int = 30, future_days: int = 365
) -> ReadResult:
    """Documents (one per UID) with their occurrences from ``now - past_days`` on."""
    result = ReadResult()
    text, repaired = repair(_decode(body, result))
    result.repaired += repaired
    calendar = x_wr_timezone.to_standard(_parse(text, result))
    now = now.astimezone(BERLIN)
    window = (now - timedelta(days=past_days), now + timedelta(days=future_days))
    series = _series_uids(calendar, result)
    groups: dict[str, list[tuple[Any, Event]]] = defaultdict(list)
    for number, component in enumerate(_occurrences(calendar, *window, result)):
        try:
            uid, key = _uid(component, series, url, number)
            groups[uid].append((component, to_event(component, key)))
        except (ValueError, TypeError, AttributeError) as exc:
            result.problems.append(f"VEVENT {component.get('UID')}: unreadable: {exc}")
    result.records = _records(groups, url, text)
    return result
