"""Which date a page presents as its publication date. Snippets written for this test."""

from __future__ import annotations

import pytest

from citynews.normalize.extract import extract_page
from citynews.normalize.pagedates import day_of

URL = "https://zeitung.example/politik/artikel-123"

_JSONLD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"datePublished": "2025-11-06T20:15:00+01:00"}</script>'
)


def _page(head: str, byline: str) -> str:
    return (
        f"<html><head><title>Neue Brücke eröffnet</title>{head}</head><body><article>"
        f"<h1>Neue Brücke eröffnet</h1>{byline}"
        "<p>Nach zwei Jahren Bauzeit ist die neue Brücke über den Fluss für den Verkehr "
        "freigegeben worden. Radfahrer und Fußgänger bekommen einen eigenen Weg.</p>"
        "<p>Die Kosten lagen unter der Planung, teilte die Verwaltung mit.</p>"
        "</article></body></html>"
    )


@pytest.mark.parametrize(
    ("head", "byline", "published"),
    [
        # A print issue's date yields to the declared (online) publication the evening before.
        (_JSONLD, '<div class="issue">Aus: Ausgabe vom 07.11.2025, Seite 3</div>', "2025-11-06"),
        (
            _JSONLD + '<meta name="date" content="2025-11-07">',
            "<p>Printausgabe vom 7. November 2025</p>",
            "2025-11-06",
        ),
        # Without a declared date the date is the only one the page shows.
        ("", '<div class="issue">Ausgabe vom 07.11.2025</div>', "2025-11-07"),
        # A byline date is the publication date, declared date or not.
        (_JSONLD, '<p class="date">06.11.2025</p>', "2025-11-06"),
        ("", '<p class="date">Veröffentlicht am 07.11.2025</p>', "2025-11-07"),
    ],
)
def test_publication_date_shown(head: str, byline: str, published: str) -> None:
    page = extract_page(_page(head, byline), URL)
    assert str(day_of(page.published)) == published


_STORY = (
    "<p>Nach zwei Jahren Bauzeit ist die neue Brücke über den Fluss für den Verkehr "
    "freigegeben worden. Radfahrer und Fußgänger bekommen einen eigenen Weg.</p>"
)


def _bare(stamp: str) -> str:
    return (
        "<html><head><title>Neue Brücke eröffnet</title></head><body><article>"
        f"<h1>Neue Brücke eröffnet</h1><p>{stamp}</p>{_STORY}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("stamp", "published", "modified"),
    [
        # An explicit update stamp dates a change, not the publication: unknown stays null.
        ("Zuletzt aktualisiert am 12.03.2025", None, "2025-03-12"),
        ("Letzte Änderung: 12.03.2025", None, "2025-03-12"),
        ("Aktualisiert: 12. März 2025", None, "2025-03-12"),
        # News sites write "Stand" for the first publication: it stands in when alone.
        ("Stand: 12.03.2025, 10:15 Uhr", "2025-03-12", "2025-03-12"),
        # A publication date next to the update stamp wins.
        ("Veröffentlicht am 10.03.2025, aktualisiert am 12.03.2025", "2025-03-10", "2025-03-12"),
    ],
)
def test_update_stamps(stamp: str, published: str | None, modified: str) -> None:
    page = extract_page(_bare(stamp), URL)
    assert (str(day_of(page.published)) if page.published else None) == published
    assert str(day_of(page.modified)) == modified
