"""A day without a year takes the year of the heading right above it (snippets written here)."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.dates import find_dates

REFERENCE = date(2025, 3, 14)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Sommerfest 2024\nDas Fest findet am 07. September im Park statt.", date(2024, 9, 7)),
        ("Rückblick auf 2023\nAm 3. Dezember sang der Chor.", date(2023, 12, 3)),
        # No heading year: the reference decides (the next 7 September).
        ("Sommerfest\nDas Fest findet am 07. September im Park statt.", date(2025, 9, 7)),
        # The heading is a full date: that date is the nearer context and gives the year.
        ("Meldung vom 12.11.2024\nDie Sitzung ist am 5. Dezember.", date(2024, 12, 5)),
        # A year inside a sentence is no heading.
        ("Seit 2019 gibt es den Markt.\nEr öffnet am 07. September.", date(2025, 9, 7)),
        # The day's own year wins.
        ("Sommerfest 2024\nDas Fest ist am 07. September 2026.", date(2026, 9, 7)),
    ],
)
def test_heading_year(text: str, day: date) -> None:
    found = find_dates(text, reference=REFERENCE, context_years=True)
    assert found[-1].start == day
