"""What a page's events say about the page: its kind and whether a guessed date is real."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.model import Event, Page
from citynews.normalize.eventpage import guessed_date_is_wrong, refine_kind


def event(title: str, day: int, **kwargs: object) -> Event:
    return Event(title=title, start=date(2026, 5, day), all_day=True, **kwargs)


def page(text: str = "Kurzer Text.", **kwargs: object) -> Page:
    return Page(url="https://www.example-stadt.de/seite", text=text, **kwargs)


@pytest.mark.parametrize(
    ("the_page", "events", "kind"),
    [
        (page(), [event("Stadtfest", 3)], "event"),
        (page(), [event("Stadtfest", 3), event("Stadtfest", 4)], "event"),
        (page(), [event("Lesung", 3), event("Konzert", 4), event("Markt", 5)], "listing"),
        (page(), [event("Sitzung", d) for d in range(1, 8)], "listing"),
        (page("Langer Bericht. " * 400), [event("Stadtfest", 3)], "article"),
        (page(jsonld=[{"@type": "NewsArticle"}]), [event("Stadtfest", 3)], "article"),
        (page(), [], "article"),
        (page(kind="listing"), [event("Stadtfest", 3)], "listing"),
    ],
)
def test_refine_kind(the_page: Page, events: list[Event], kind: str) -> None:
    assert refine_kind(the_page, events) == kind


@pytest.mark.parametrize(
    ("published", "text", "events", "text_guess", "wrong"),
    [
        # Read from the text of a page that announces events: an item's dateline.
        (date(2026, 4, 20), "", [event("Stadtfest", 3)], True, True),
        # The day of one of its events: news written on that day show it (kept).
        (date(2026, 5, 3), "", [event("Stadtfest", 3)], True, False),
        # Declared in markup, or a page without events: kept.
        (date(2026, 4, 20), "", [event("Stadtfest", 3)], False, False),
        (date(2026, 4, 20), "", [], True, False),
        # A copyright year read as 1 January, unless the page writes that day.
        (date(2025, 1, 1), "© 2025 Stadt", [], False, True),
        (date(2025, 1, 1), "Neujahrsempfang am 01.01.2025", [], False, False),
    ],
)
def test_guessed_date_is_wrong(
    published: date, text: str, events: list[Event], text_guess: bool, wrong: bool
) -> None:
    the_page = page(text, published=published, published_source="htmldate")
    assert guessed_date_is_wrong(the_page, events, text_guess=text_guess) is wrong
