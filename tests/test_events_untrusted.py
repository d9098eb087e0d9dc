"""Property tests: the event readers take any page text or markup without raising.

Pages are untrusted input: whatever a portal serves, the readers return events with
timezone-aware or day-precision dates, or nothing.
"""

from __future__ import annotations

import urllib.parse
from datetime import date, datetime

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.model import Page
from citynews.normalize.eventmarkup import event_nodes
from citynews.normalize.events import extract_events, listing_events
from citynews.normalize.eventtable import table_events

# Text built from the pieces event readers look for, so the search reaches deep branches.
PIECES = st.sampled_from(
    [
        "Datum:",
        "Wann:",
        "Wo:",
        "Ort:",
        "Uhrzeit:",
        "Status:",
        "Anmeldung bis",
        " | ",
        "\n",
        "Jahr",
        "2026",
        "19.03.",
        "19.03.2027",
        "3. und 4. Juni",
        "Samstag, 8. Februar",
        "17:30 bis 20:00 Uhr",
        "00:00 Uhr",
        "findet am",
        "statt.",
        "abgesagt",
        "ausgebucht",
        "Alter Markt 6, 39104 Magdeburg",
        "im Rathaus",
        "- ",
        "Konzert",
        " ",
        "29./30. November",
    ]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


def _valid(value: object) -> bool:
    if isinstance(value, datetime):
        return value.tzinfo is not None
    return isinstance(value, date)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_text_readers_take_any_text(text: str) -> None:
    page = Page(url="https://www.example.de/x", title="Termin", text=text)
    for events in (
        extract_events(page, now=date(2026, 1, 10)),
        listing_events(page, now=date(2026, 1, 10)),
    ):
        for event in events:
            assert _valid(event.start)
            assert event.end is None or _valid(event.end)
    for candidate in table_events(text, date(2026, 1, 10)):
        assert _valid(candidate.event.start)


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.text(max_size=80))
def test_markup_reader_takes_any_markup(text: str, payload: str) -> None:
    href = "data:text/calendar," + urllib.parse.quote("BEGIN:VCALENDAR\r\n" + payload)
    html = (
        f'<div class="vevent"><span class="dtstart" title="{text[:20]}">x</span></div>'
        f'<div itemscope itemtype="https://schema.org/Event"><span itemprop="startDate">'
        f'{text}</span></div><a href="{href}">ics</a>'
    )
    tree = lxml.html.fromstring(f"<html><body>{html}</body></html>")
    for node in event_nodes(tree):
        assert node["@type"]
