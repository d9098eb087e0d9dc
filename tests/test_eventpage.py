"""What a page's events say about the page: its kind and whether a guessed date is real."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Event, Page
from citynews.normalize.document import Normalizer
from citynews.normalize.eventpage import after_fetch, guessed_date_is_wrong, refine_kind
from citynews.normalize.pagekind import overview_title


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
        # A calendar of one day: three events on the guessed day make it theirs, two do not.
        (
            date(2026, 5, 3),
            "",
            [event("Lesung", 3), event("Konzert", 3), event("Kino", 3)],
            False,
            True,
        ),
        (date(2026, 5, 3), "", [event("Lesung", 3), event("Konzert", 3)], False, False),
        # A copyright year read as 1 January, unless the page writes that day.
        (date(2025, 1, 1), "© 2025 Stadt", [], False, True),
        (date(2025, 1, 1), "Neujahrsempfang am 01.01.2025", [], False, False),
        # Written only as an as-of stamp: a statistic's or an update's day.
        (date(2026, 2, 3), "Es gibt 40 Kitas (Stand: 03.02.2026).", [], False, True),
        (date(2026, 2, 3), "Zuletzt aktualisiert: 3.2.2026", [], False, True),
        # One of several datelines of a list of news items.
        (
            date(2026, 2, 3),
            "Aus der Schule\n03.02.2026\nChor singt\n12.01.2026\nNeue Halle",
            [],
            False,
            True,
        ),
        (date(2026, 2, 3), "03.02.2026\nDer Chor singt im Rathaus.", [], False, False),
        # Also written as a plain day: kept.
        (
            date(2026, 2, 3),
            "03.02.2026 Neue Kitas. 40 Kitas (Stand: 03.02.2026).",
            [],
            False,
            False,
        ),
    ],
)
def test_guessed_date_is_wrong(
    published: date, text: str, events: list[Event], text_guess: bool, wrong: bool
) -> None:
    the_page = page(text, published=published, published_source="htmldate")
    assert guessed_date_is_wrong(the_page, events, text_guess=text_guess) is wrong


@pytest.mark.parametrize(
    ("published", "now", "after"),
    [
        (date(2026, 5, 20), date(2026, 5, 10), True),  # a deadline or event day, not a byline
        (datetime(2026, 5, 11, 23, 30, tzinfo=BERLIN), date(2026, 5, 10), False),  # slack
        (date(2026, 5, 9), date(2026, 5, 10), False),
        (date(2026, 5, 20), None, False),  # fetch day unknown: nothing to compare with
        (None, date(2026, 5, 10), False),
    ],
)
def test_after_fetch(published: date | None, now: date | None, after: bool) -> None:
    assert after_fetch(page(published=published), now) is after


def test_normalizer_drops_a_publication_date_after_the_fetch_day() -> None:
    html = (
        "<html><head><title>Stadtfest</title></head><body><main><h1>Stadtfest</h1>"
        "<p>Veröffentlicht am 20.05.2026</p><p>Das Stadtfest lädt alle Familien ein.</p>"
        "</main></body></html>"
    )
    url = "https://www.example-stadt.de/stadtfest"
    assert Normalizer()(html, url, now=date(2026, 5, 10)).published is None
    assert Normalizer()(html, url, now=date(2026, 5, 25)).published == date(2026, 5, 20)


@pytest.mark.parametrize(
    ("title", "overview"),
    [
        ("Aktuelles", True),
        ("Sportliche Veranstaltungen", True),
        ("Ausstellungen im Kunsthaus", True),
        ("Pressemitteilungen 2026", True),
        ("Amtliche Bekanntmachungen", True),
        ("Termine - Stadt Musterhausen", True),
        ("Veranstaltungen im Sommer fallen aus", False),  # a sentence: news
        ("Sommerfest im Stadtpark - Musterhausen - Veranstaltungen", False),  # site parts
        ("Neue Kurse für Senioren an der Volkshochschule", False),
        ("Stadtfest", False),
        (None, False),
    ],
)
def test_overview_title(title: str | None, overview: bool) -> None:
    assert overview_title(title) is overview


@pytest.mark.parametrize(
    ("the_page", "kind"),
    [
        (page(title="Aktuelles"), "listing"),
        (page(title="Sportliche Veranstaltungen", kind="event"), "listing"),
        (page(title="Aktuelles", jsonld=[{"@type": "NewsArticle"}]), "article"),
    ],
)
def test_overview_title_makes_a_listing(the_page: Page, kind: str) -> None:
    assert refine_kind(the_page, [event("Stadtfest", 3)]) == kind
