"""List items whose fields are ``div`` elements keep them apart in the main text (trafilatura
runs div texts inside an item together). Snippets written for this test."""

from __future__ import annotations

import pytest

from citynews.normalize.extract import extract_page
from tests.pages import german_page

INTRO = (
    "<p>Hier finden Sie die Termine der Gemeinde im Überblick, sortiert nach Datum. Änderungen "
    "veröffentlicht die Verwaltung jeweils an dieser Stelle.</p>"
)


def page(items: str) -> str:
    return german_page("Termine", f"{INTRO}<ul>{items}</ul>")


@pytest.mark.parametrize(
    ("item", "line"),
    [
        (
            '<li><div class="d">Fr, 06.06.2025</div><div class="t">Sommerkonzert</div>'
            '<div class="o">Festhalle</div></li>',
            "- Fr, 06.06.2025 Sommerkonzert Festhalle",
        ),
        # One div alone, or divs holding blocks of their own, are left as they are.
        ("<li><div>Sommerkonzert in der Festhalle</div></li>", "- Sommerkonzert in der Festhalle"),
        ("<li>Fr, 06.06.2025: <b>Sommerkonzert</b></li>", "- Fr, 06.06.2025: Sommerkonzert"),
    ],
)
def test_item_fields_stay_apart(item, line):
    text = extract_page(page(item * 3), "https://www.gemeinde.example/termine/").text
    assert line in text.splitlines()
