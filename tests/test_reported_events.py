"""Only announced (coming or running) events are events: a report of a past one is not."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.document import Normalizer
from tests.pages import german_page

URL = "https://www.stadt.example/aktuelles/digitaltag/"


def page(paragraphs: list[str], *, published: str | None = "2026-10-12") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    stamp = f"{published}T10:00:00+02:00" if published else None
    return german_page("Digitaltag im Rathaus", body, published=stamp)


FILLER = (
    "Vereine, Schulen und Unternehmen zeigten an Ständen, was digitale Werkzeuge im Alltag "
    "leisten können, von der Bürger-App bis zum Sensornetz für die Luftqualität."
)


@pytest.fixture(scope="module")
def normalize():
    return Normalizer()


@pytest.mark.parametrize(
    ("sentence", "published", "days"),
    [
        # Reported: past tense, before the page's date.
        ("Der Digitaltag fand am 10. Oktober 2026 im Rathaus statt.", "2026-10-12", []),
        ("Am 10. Oktober 2026 besuchten rund 300 Gäste den Digitaltag.", "2026-10-12", []),
        # Announced: present or future tense, or after the page's date.
        (
            "Der Digitaltag findet am 10. Oktober 2026 im Rathaus statt.",
            "2026-10-01",
            ["2026-10-10"],
        ),
        ("Der nächste Digitaltag findet am 9. Oktober 2027 statt.", "2026-10-12", ["2027-10-09"]),
        # Past tense but after the page's date: a plan written in the past ("kamen überein").
        (
            "Die Partner kamen überein: Der nächste Digitaltag findet am 9. Oktober 2027 statt.",
            "2026-10-12",
            ["2027-10-09"],
        ),
        # An old page still announcing in the present tense stays an event (stale, not reported).
        (
            "Der Digitaltag findet am 10. Oktober 2026 im Rathaus statt.",
            "2026-11-30",
            ["2026-10-10"],
        ),
    ],
)
def test_reported_events_are_not_events(normalize, sentence, published, days):
    doc = normalize(page([sentence, FILLER], published=published), URL, now=date(2026, 12, 1))
    assert [str(e.start)[:10] for e in doc.events] == days


def test_without_a_page_date_the_fetch_day_decides(normalize):
    html = page(
        ["Der Digitaltag fand am 10. Oktober 2026 im Rathaus statt.", FILLER], published=None
    )
    assert normalize(html, URL, now=date(2026, 10, 20)).events == []
