"""Event pages and non-events as CMSs and news write them, through the whole normalizer.
Snippets written for this test; the clock is frozen by passing ``now``."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Document
from citynews.normalize.document import Normalizer

NOW = date(2026, 8, 2)


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def doc_of(normalizer: Normalizer, main: str) -> Document:
    html = (
        "<html><head><title>Ratssitzung</title></head><body><nav><a href='/'>Start</a></nav>"
        f"<main>{main}</main><footer>Impressum</footer></body></html>"
    )
    return normalizer(html, "https://www.example-stadt.de/termine/rat-2026-09-24", now=NOW)


def test_event_header_named_by_a_class_of_its_own(normalizer: Normalizer) -> None:
    main = (
        '<article class="article-full event"><h1>Ratssitzung</h1>'
        '<div class="meta"><p><span class="date">24.09.2026</span> '
        '<span class="time">17:00 Uhr</span></p>'
        '<p class="location">Rathaus, Marktstraße 1, Großer Sitzungssaal</p></div>'
        '<div class="body-text"><p>Die Tagesordnung erscheint am 10. September 2026.</p>'
        "<p>Die Sitzung ist öffentlich. Gäste sind willkommen.</p></div></article>"
    )
    doc = doc_of(normalizer, main)
    assert doc.kind == "event"
    assert [e.start for e in doc.events] == [datetime(2026, 9, 24, 17, 0, tzinfo=BERLIN)]
    assert doc.events[0].venue == "Rathaus"


@pytest.mark.parametrize(
    "sentence",
    [
        "Das Amtsblatt mit der Vorschau auf die Sitzung erscheint am 15. September 2026.",
        "Die Broschüre zur Ausstellung erscheinen am 15. September 2026 in allen Bürgerbüros.",
    ],
)
def test_a_publication_day_is_no_event(normalizer: Normalizer, sentence: str) -> None:
    assert doc_of(normalizer, f"<h1>Neuigkeiten</h1><p>{sentence}</p>").events == []


def test_a_news_class_is_no_event_header(normalizer: Normalizer) -> None:
    main = (
        '<article class="article news"><h1>Ratssitzung</h1>'
        "<p>Der Rat hat am Montag den Haushalt beschlossen. Die Sitzung dauerte vier Stunden.</p>"
        "</article>"
    )
    assert doc_of(normalizer, main).kind == "article"
