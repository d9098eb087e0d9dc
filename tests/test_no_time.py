"""Midnight written for "no time": "00:00 Uhr" in text and "T00:00:00" in page markup give the
day alone (issue point 4); real times, and times of calendar files, stay. Own snippets."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Hints
from citynews.normalize.document import Normalizer
from tests.pages import german_page

URL = "https://www.gemeinde.example/termine/seniorennachmittag/"
BODY = (
    "Kaffee und Kuchen für alle Seniorinnen und Senioren der Gemeinde, dazu Musik vom "
    "Posaunenchor und ein Rückblick auf das Jahr in Bildern."
)


def html(sentence: str = "", node: dict | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(node)}</script>' if node else ""
    return german_page("Seniorennachmittag", f"<p>{sentence}</p><p>{BODY}</p>", head=script)


@pytest.fixture(scope="module")
def normalize():
    return Normalizer()


@pytest.mark.parametrize(
    ("sentence", "start"),
    [
        ("Er findet am 22. Oktober 2025, 00:00 Uhr, im Gemeindehaus statt.", date(2025, 10, 22)),
        ("Er findet am 22. Oktober 2025 um 0:00 Uhr im Gemeindehaus statt.", date(2025, 10, 22)),
        (
            "Er findet am 22. Oktober 2025 um 15 Uhr im Gemeindehaus statt.",
            datetime(2025, 10, 22, 15, tzinfo=BERLIN),
        ),
    ],
)
def test_text(normalize, sentence, start):
    (event,) = normalize(html(sentence), URL, now=date(2025, 10, 1)).events
    assert event.start == start and event.all_day == (not isinstance(start, datetime))


@pytest.mark.parametrize(
    ("start_date", "end_date", "start", "end"),
    [
        ("2025-10-22T00:00:00+02:00", None, date(2025, 10, 22), None),
        ("2025-10-22T00:00", "2025-10-24T00:00", date(2025, 10, 22), date(2025, 10, 24)),
        ("2025-10-22T00:00", "2025-10-22T00:00", date(2025, 10, 22), None),
        # A real end time keeps both times.
        (
            "2025-10-22T00:00",
            "2025-10-22T02:00",
            datetime(2025, 10, 22, 0, tzinfo=BERLIN),
            datetime(2025, 10, 22, 2, tzinfo=BERLIN),
        ),
    ],
)
def test_markup(normalize, start_date, end_date, start, end):
    node = {"@context": "https://schema.org", "@type": "Event", "name": "Seniorennachmittag"}
    node |= {"startDate": start_date} | ({"endDate": end_date} if end_date else {})
    (event,) = normalize(html(node=node), URL, now=date(2025, 10, 1)).events
    assert (event.start, event.end) == (start, end)


def test_a_calendar_file_keeps_its_midnight(normalize):
    entry = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:n@gemeinde.example\n"
        "DTSTART;TZID=Europe/Berlin:20251231T000000\nSUMMARY:Seniorennachmittag\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    doc = normalize(html(), URL, hints=Hints(calendars=(entry,)), now=date(2025, 10, 1))
    assert [e.start for e in doc.events] == [datetime(2025, 12, 31, 0, tzinfo=BERLIN)]
