"""Registration deadlines as pages write them, through the whole normalizer (HTML → Document).

Snippets written for this test; the clock is frozen by passing ``now``.
"""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.dates import find_dates
from citynews.normalize.document import Normalizer
from citynews.normalize.eventstatus import deadline_dates
from tests.test_event_end import NOW, doc_of


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Anmeldeschluß ist der 9. März 2026.", date(2026, 3, 9)),
        ("Anmeldeschluss: 9. März 2026", date(2026, 3, 9)),
        (
            "Der Antrag kann bis Freitag, den 6. März 2026, um 15 Uhr beantragt werden.",
            date(2026, 3, 6),
        ),
        ("Sie können sich bis zum 6. März 2026 per E-Mail anmelden.", date(2026, 3, 6)),
        ("Beiträge müssen bis 6. März 2026 eingereicht werden.", date(2026, 3, 6)),
        ("Bitte melden Sie sich bis zum 6. März 2026 an.", date(2026, 3, 6)),
        ("Meldet euch bis 6. März 2026 im Jugendzentrum.", date(2026, 3, 6)),
        ("Um Rückmeldung bis 6. März 2026 wird gebeten.", date(2026, 3, 6)),
        # A report is no registration.
        ("Wie die Polizei meldet, bleibt die Brücke bis 6. März 2026 gesperrt.", None),
        # "bis" ending a run, with no registration verb, is no deadline.
        ("Die Ausstellung läuft bis zum 6. März 2026 im Foyer.", None),
        ("Geöffnet bis Freitag, den 6. März 2026, dann geschlossen.", None),
    ],
)
def test_deadline_dates(text: str, deadline: date | None) -> None:
    found = deadline_dates(text, find_dates(text, reference=NOW))
    assert [day for _, day in found] == ([deadline] if deadline else [])


def test_deadline_goes_to_the_next_event_not_the_nearest_line(normalizer: Normalizer) -> None:
    body = (
        "<h2>Jugendwettbewerb 2026</h2>"
        "<p>Der Wettbewerb findet am 12. September 2026 in der Stadthalle ab 10 Uhr statt.</p>"
        "<ul><li>Teilnehmen können alle Schülerinnen und Schüler.</li>"
        "<li>Das Abschlusskonzert findet am 27. September 2026 um 17 Uhr statt.</li>"
        "<li>Anmeldeschluß ist der 14. August 2026</li></ul>"
    )
    events = doc_of(normalizer, body, "Musikschule").events
    by_day = {e.start.date() if hasattr(e.start, "date") else e.start: e for e in events}
    assert by_day[date(2026, 9, 12)].registration_deadline == date(2026, 8, 14)
    assert by_day[date(2026, 9, 27)].registration_deadline is None
