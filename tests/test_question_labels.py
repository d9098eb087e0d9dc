"""Question labels ending in "?" ("Wann? … Wo? …"), snippets written for this test."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Page
from citynews.normalize.events import extract_events


@pytest.mark.parametrize(
    ("text", "start", "venue"),
    [
        (
            "Frühjahrskonzert des Jugendorchesters\nLeitung: Anna Beispiel Wann? 14.03.2027, "
            "19:00 Uhr Wo? Stadthalle, Großer Saal, Parkweg 2, 38100 Braunschweig",
            datetime(2027, 3, 14, 19, 0, tzinfo=BERLIN),
            "Stadthalle, Großer Saal",
        ),
        (
            "Lesung am Kamin\nWann? 02.04.2027, 18:30 Uhr\nWo? Stadtbibliothek",
            datetime(2027, 4, 2, 18, 30, tzinfo=BERLIN),
            "Stadtbibliothek",
        ),
    ],
)
def test_question_labels(text: str, start: datetime, venue: str) -> None:
    page = Page(url="https://www.example-stadt.de/kultur", title="Kultur", text=text)
    [event] = extract_events(page, now=date(2027, 1, 10))
    assert event.start == start
    assert event.venue is not None and event.venue.startswith(venue)


def test_a_question_in_prose_is_no_label() -> None:
    text = "Wo bleibt der Frühling? Der Winter dauert an.\nAm 5. Mai 2027 beginnt der Markt."
    page = Page(url="https://www.example-stadt.de/wetter", title="Wetter", text=text)
    assert all(e.venue is None for e in extract_events(page, now=date(2027, 1, 10)))
