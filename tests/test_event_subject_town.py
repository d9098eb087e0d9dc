"""An event whose own town is unknown takes the town the page is about (snippets written here)."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.document import Normalizer

NOW = date(2026, 2, 1)
AMTSBLATT = (
    "<p>Amtsblatt der Stadt Hildesheim. Die Stadt Hildesheim macht bekannt. Die Ortsräte in "
    "Hildesheim tagen öffentlich. Gäste aus Braunschweig sind willkommen.</p>"
    "<p>Die Sitzung des Ortsrates findet am Dienstag, den 10.03.2026 um 18:30 Uhr statt, "
    "{where}.</p>"
)


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


@pytest.mark.parametrize(
    ("where", "town"),
    [
        # A Stadtteil as the address's town: the page's town, not nothing.
        ("Grundschule, Am Markt 3, 31139 Himmelsthür", "Hildesheim"),
        # No place at all in the notice: the page's town.
        ("im Sitzungssaal", "Hildesheim"),
        # A named town wins over the page's.
        ("Am Markt 3, 38100 Braunschweig", "Braunschweig"),
    ],
)
def test_event_town_falls_back_to_the_page_town(
    normalizer: Normalizer, where: str, town: str
) -> None:
    html = (
        f"<html><body><main><h1>Amtsblatt</h1>{AMTSBLATT.format(where=where)}</main></body></html>"
    )
    doc = normalizer(html, "https://www.example-stadt.de/amtsblatt", now=NOW)
    [event] = doc.events
    assert event.place is not None and event.place.name == town


def test_no_page_town_when_two_towns_are_named_as_often(normalizer: Normalizer) -> None:
    body = (
        "<p>Hildesheim und Braunschweig planen gemeinsam. Hildesheim lädt ein, Braunschweig auch. "
        "Hildesheim und Braunschweig teilen die Kosten.</p>"
        "<p>Das Treffen findet am 10.03.2026 um 18:30 Uhr im Sitzungssaal statt.</p>"
    )
    html = f"<html><body><main><h1>Kooperation</h1>{body}</main></body></html>"
    [event] = normalizer(html, "https://www.example-stadt.de/k", now=NOW).events
    assert event.place is None
