"""A status said before the title ("ABGESAGT: …") moves into the status field: feeds and
calendars put it back in front ("Abgesagt: …") and must not say it twice."""

from __future__ import annotations

import pytest

from citynews.normalize.eventstatus import without_status_prefix


@pytest.mark.parametrize(
    ("title", "status", "expected"),
    [
        ("ABGESAGT: Konzert im Park", "cancelled", "Konzert im Park"),
        ("Abgesagt! Konzert im Park", "cancelled", "Konzert im Park"),
        ("[Ausgebucht] Töpferkurs für Kinder", "sold-out", "Töpferkurs für Kinder"),
        ("Verschoben – Lesung am Kamin", "postponed", "Lesung am Kamin"),
        ("(entfällt) Bürgersprechstunde", "cancelled", "Bürgersprechstunde"),
        # No separator: the word belongs to the title.
        ("Abgesagte Feste und ihre Folgen", "cancelled", "Abgesagte Feste und ihre Folgen"),
        ("Online-Vortrag Datenschutz", "moved-online", "Online-Vortrag Datenschutz"),
        # A scheduled event keeps its title whatever it says.
        ("ABGESAGT: Konzert im Park", "scheduled", "ABGESAGT: Konzert im Park"),
        ("Abgesagt:", "cancelled", "Abgesagt:"),
    ],
)
def test_without_status_prefix(title, status, expected):
    assert without_status_prefix(title, status) == expected
