"""The page's one postal address is an event's venue unless it is labelled as a contact."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.model import Page
from citynews.normalize.events import extract_events

EVENT = "Das Sommerkonzert findet am 14. Juni 2027 um 18 Uhr statt.\n"


@pytest.mark.parametrize(
    ("address_line", "venue"),
    [
        ("Postadresse: Goethestraße 10, 31134 Hildesheim", None),
        ("Kontakt: Goethestraße 10, 31134 Hildesheim", None),
        ("Musikschule, Goethestraße 10, 31134 Hildesheim", "Musikschule"),
    ],
)
def test_contact_address_is_no_venue(address_line: str, venue: str | None) -> None:
    page = Page(url="https://www.example-stadt.de/musik", title="Musik", text=EVENT + address_line)
    [event] = extract_events(page, now=date(2027, 1, 10))
    assert event.venue == venue
    assert (event.address is None) is (venue is None)
