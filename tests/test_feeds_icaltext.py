"""Calendars are written without icalendar's Event and Calendar but must keep their bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.parser.string import _foldline

from citynews.feeds import icaltext
from citynews.feeds.calendars import PRODID, TZID, _description, _header, _part, _stamp
from citynews.feeds.common import plain_text, safe_url, status_prefix, title_text
from citynews.model import BERLIN, parse_iso


def icalendar_vevent(row: dict) -> bytes:
    """How the calendar builder wrote an event through icalendar's Event before."""
    start, end, stamp = parse_iso(row["start"]), parse_iso(row["end"]), _stamp(row)
    ev = VEvent()
    ev.add("uid", f"{row['id']}@citynews")
    ev.add("dtstamp", stamp)
    ev.add("last-modified", stamp)
    ev.add("sequence", row["sequence"] or 0)
    title = title_text(row["title"]) or title_text(row["doc_title"]) or "Termin"
    ev.add("summary", status_prefix(row["status"]) + title)
    if row["status"] == "cancelled":
        ev.add("status", "CANCELLED")
    if row["all_day"] or not isinstance(start, datetime):
        first = start.astimezone(BERLIN).date() if isinstance(start, datetime) else start
        last = end.astimezone(BERLIN).date() if isinstance(end, datetime) else end
        ev.add("dtstart", first)
        ev.add("dtend", max(last or first, first) + timedelta(days=1))
    else:
        ev.add("dtstart", start.astimezone(BERLIN))
        if isinstance(end, datetime) and end > start:
            ev.add("dtend", end.astimezone(BERLIN))
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
    description = _description(row, url)
    if description:
        ev.add("description", description)
    return ev.to_ical()


def icalendar_header(title: str, description: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", TZID)
    return cal.to_ical().removesuffix(b"END:VCALENDAR\r\n")


def event_row(**values: object) -> dict:
    row = {
        "id": "3309d81e7507befa",
        "title": "Bürgerwerkstatt Klimaquartier",
        "doc_title": "Einladung zur Bürgerwerkstatt",
        "start": "2026-09-03T09:00:00+02:00",
        "end": "2026-09-03T11:00:00+02:00",
        "all_day": 0,
        "status": None,
        "venue": "Bürgerhaus",
        "address": "Marktplatz 1, 06108 Halle (Saale)",
        "place_name": "Halle (Saale)",
        "online": 0,
        "registration_url": None,
        "registration_deadline": None,
        "sequence": 0,
        "url": "https://www.example.org/termine/werkstatt",
        "summary": "Die Stadt lädt ein; alle sind willkommen, auch online.",
        "updated_at": "2026-08-01T10:00:00Z",
        "first_seen": "2026-07-30T08:00:00Z",
        "lat": 51.48158,
        "lon": 11.97947,
        "source_title": "Stadt Halle",
    }
    row.update(values)
    return row


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"all_day": 1, "start": "2026-09-03", "end": "2026-09-05"},
        {"start": "2026-09-03", "end": None, "all_day": 0},
        {"end": None, "lat": None, "lon": None, "url": "javascript:alert(1)"},
        {"status": "cancelled", "sequence": 3, "online": 1, "venue": None, "address": None},
        {"venue": "Saal; Raum 2\\3", "registration_url": "https://anmeldung.example.org/x"},
        {"registration_deadline": "2026-08-30", "title": "„Daten für die Stadt", "summary": ""},
        {"summary": "ä" * 200, "title": "ö" * 80, "source_title": None},
        {"start": "2026-03-29T01:30:00+01:00", "end": "2026-03-29T03:30:00+02:00"},
    ],
)
def test_vevent_bytes_equal_icalendar(values: dict) -> None:
    row = event_row(**values)
    assert _part(row).ical == icalendar_vevent(row)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)


@settings(max_examples=500, deadline=None)
@given(
    title=_TEXT,
    summary=_TEXT,
    venue=st.none() | _TEXT,
    status=st.sampled_from([None, "scheduled", "cancelled", "postponed", "sold-out"]),
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    hours=st.integers(-5, 400),
    all_day=st.booleans(),
    geo=st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    sequence=st.none() | st.integers(0, 10**6),
)
def test_vevent_bytes_equal_icalendar_for_any_row(
    title: str,
    summary: str,
    venue: str | None,
    status: str | None,
    start: datetime,
    hours: int,
    all_day: bool,
    geo: tuple[float, float] | None,
    sequence: int | None,
) -> None:
    begin = start.replace(tzinfo=UTC)
    row = event_row(
        title=title,
        summary=summary,
        venue=venue,
        status=status,
        start=(begin.date() if all_day else begin).isoformat(),
        end=(begin + timedelta(hours=hours)).isoformat(),
        all_day=int(all_day),
        lat=geo[0] if geo else None,
        lon=geo[1] if geo else None,
        sequence=sequence,
    )
    assert _part(row).ical == icalendar_vevent(row)


_LINE = _TEXT.filter(lambda s: "\n" not in s and "\r" not in s)


@settings(max_examples=500, deadline=None)
@given(line=_LINE)
def test_fold_equals_icalendar(line: str) -> None:
    assert icaltext.fold(line) == _foldline(line).encode() + b"\r\n"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "x" * 74,
        "x" * 75,
        "x" * 73 + "\\n" + "y" * 80,
        "x" * 72 + "ä" + "y",
        "ä" * 100,
        "\\" * 200,
        "x" * 73 + "^'" + "z" * 10,
    ],
)
def test_fold_edges_equal_icalendar(line: str) -> None:
    assert icaltext.fold(line) == _foldline(line).encode() + b"\r\n"


@given(title=_LINE, description=_LINE)
@settings(max_examples=200, deadline=None)
def test_header_equals_icalendar(title: str, description: str) -> None:
    assert _header(title, description) == icalendar_header(title, description)


def test_header_line_ends_become_spaces() -> None:
    # icalendar raised on these; a calendar must still have one line per property.
    header = _header("Termine:\nUlm", "eins\r\nzwei")
    assert b"X-WR-CALNAME:Termine: Ulm\r\n" in header
    assert b"X-WR-CALDESC:eins zwei\r\n" in header


def test_dates_pad_like_icalendar() -> None:
    assert icaltext.day(date(987, 6, 5)) == "09870605"
    assert icaltext.utc_stamp(datetime(2026, 12, 2, 9, 3, 4, tzinfo=UTC)) == "20261202T090304Z"
