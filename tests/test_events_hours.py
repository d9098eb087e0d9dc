"""A day announced in one sentence, its hours in the next (snippets written for this test)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Page
from citynews.normalize.events import extract_events

NOW = date(2027, 1, 10)


def _at(day: int, month: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "Am 14.03.2027 findet im Rathaus die Bürgerversammlung statt. "
            "Sie dauert von 18.00 Uhr bis 20.00 Uhr.",
            _at(14, 3, 18),
            _at(14, 3, 20),
        ),
        (
            "Am 5. und 6. Juni 2027 findet der Töpfermarkt statt. "
            "Geöffnet ist jeweils von 10 bis 17 Uhr.",
            _at(5, 6, 10),
            _at(6, 6, 17),
        ),
        (
            "Am 9. April 2027 findet das Frühlingskonzert statt. Beginn ist um 19 Uhr.",
            _at(9, 4, 19),
            None,
        ),
        # A blank line ends the paragraph: the hours below belong to something else.
        (
            "Am 9. April 2027 findet das Frühlingskonzert statt.\n\nDie Bücherei öffnet um 10 Uhr.",
            date(2027, 4, 9),
            None,
        ),
        # The next sentence names its own day: its hours are that day's.
        (
            "Am 9. April 2027 findet das Frühlingskonzert statt. Am 10. April öffnet um 10 Uhr "
            "die Ausstellung.",
            date(2027, 4, 9),
            None,
        ),
    ],
)
def test_hours_in_the_next_sentence(
    text: str, start: date | datetime, end: date | datetime | None
) -> None:
    page = Page(url="https://www.example-stadt.de/termin", title="Termin", text=text)
    first = extract_events(page, now=NOW)[0]
    assert (first.start, first.end) == (start, end)
