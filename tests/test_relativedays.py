"""Weekdays named relative to the publication date (snippets written for this test)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Page
from citynews.normalize.events import extract_events
from citynews.normalize.relativedays import relative_days

TUESDAY = date(2026, 3, 10)
SUNDAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "published", "days"),
    [
        ("Der Umzug startet am kommenden Sonntag.", TUESDAY, [date(2026, 3, 15)]),
        ("Am nächsten Montag tagt der Rat.", TUESDAY, [date(2026, 3, 16)]),
        ("Die Messe öffnet an diesem Freitag.", TUESDAY, [date(2026, 3, 13)]),
        ("Der Markt ist am kommenden Sonnabend.", TUESDAY, [date(2026, 3, 14)]),
        # Written on a Sunday, "kommenden Sonntag" is a week later; "diesen Sonntag" today.
        ("Der Lauf ist am kommenden Sonntag.", SUNDAY, [date(2026, 3, 22)]),
        ("Der Lauf ist diesen Sonntag.", SUNDAY, [date(2026, 3, 15)]),
        # A date written after the weekday is read as written, not relative.
        ("Am kommenden Sonntag, 15. März, ist Markt.", TUESDAY, []),
        # No publication date, no relative day: a crawl day is not when the text was written.
        ("Der Umzug startet am kommenden Sonntag.", None, []),
        ("Am Sonntag ist Markt.", TUESDAY, []),
        # A bare weekday in a sentence saying it is still to come is this week's (or today).
        ("Am Freitag soll der Rat darüber beraten.", TUESDAY, [date(2026, 3, 13)]),
        ("Am Dienstag wird im Rathaus eine Anhörung stattfinden.", TUESDAY, [TUESDAY]),
        ("Am Freitag hat der Rat darüber beraten, nun wird gebaut.", TUESDAY, []),
    ],
)
def test_relative_days(text: str, published: date | None, days: list[date]) -> None:
    assert [m.start for m in relative_days(text, published)] == days


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Die Kommunalwahl am kommenden Sonntag entscheidet über den Rat.", date(2026, 3, 15)),
        ("Das Frühlingsfest findet am kommenden Samstag statt.", date(2026, 3, 14)),
        ("Am Montag soll es dazu im Landtag eine Anhörung geben.", date(2026, 3, 16)),
    ],
)
def test_relative_day_events(text: str, day: date) -> None:
    page = Page(
        url="https://www.example-zeitung.de/lokal/1",
        title="Lokales",
        text=text,
        published=datetime(2026, 3, 10, 9, 0, tzinfo=BERLIN),
    )
    assert [e.start for e in extract_events(page, now=TUESDAY)] == [day]


def test_election_rules_are_no_event() -> None:
    text = "Ein Antrag, der nach dem 3. Mai 2026 eingeht, regelt die Europawahlordnung."
    page = Page(url="https://www.example-stadt.de/wahl", title="Wahl", text=text)
    assert extract_events(page, now=TUESDAY) == []
