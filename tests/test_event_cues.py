"""Sentences that announce an event without "findet … statt": opening, beginning, and the
cancellation of an event (which is still the event, with its status). Own snippets."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.document import Normalizer
from citynews.normalize.eventstatus import status_from_text
from tests.pages import german_page

URL = "https://www.stadt.example/aktuelles/meldung/"
FILLER = (
    "Die Stadt bittet um rege Beteiligung und informiert auf ihrer Internetseite über alle "
    "weiteren Einzelheiten, auch zur Anreise mit Bus und Bahn."
)


def page(title: str, sentence: str) -> str:
    body = f"<p>{sentence}</p><p>{FILLER}</p>"
    return german_page(title, body, published="2027-04-20T08:00:00+02:00")


@pytest.fixture(scope="module")
def normalize():
    return Normalizer()


@pytest.mark.parametrize(
    ("title", "sentence", "start", "venue", "status"),
    [
        (
            "Repair-Café öffnet wieder",
            "Das Repair-Café im Bürgerhaus Nord öffnet am Samstag, 15. Mai, von 10 bis 16 Uhr.",
            "2027-05-15T10:00:00+02:00",
            "Bürgerhaus Nord",
            "scheduled",
        ),
        (
            "Freibadsaison",
            "Die Freibadsaison beginnt am 22. Mai 2027 um 9 Uhr im Waldbad.",
            "2027-05-22T09:00:00+02:00",
            "Waldbad",
            "scheduled",
        ),
        (
            "Stadtradeln",
            "Wegen Sturmwarnung fällt die Auftaktfahrt am Samstag, 8. Mai, aus.",
            "2027-05-08",
            None,
            "cancelled",
        ),
        (
            "ABGESAGT: Frühjahrsempfang",
            "Der Frühjahrsempfang am 7. Mai 2027 ist abgesagt.",
            "2027-05-07",
            None,
            "cancelled",
        ),
    ],
)
def test_announcing_sentences(normalize, title, sentence, start, venue, status):
    doc = normalize(page(title, sentence), URL, now=date(2027, 4, 21))
    (event,) = doc.events
    assert (str(event.start.isoformat()), event.venue, event.status) == (start, venue, status)
    assert not event.title.upper().startswith("ABGESAGT")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Wegen Sturmwarnung fällt die Auftaktfahrt am Samstag, 8. Mai, aus.", "cancelled"),
        ("Der Kurs fällt heute leider aus.", "cancelled"),
        # "fällt … aus" with a judgement is a result, not a cancellation.
        ("Die Bilanz des Festes fällt positiv aus.", "scheduled"),
        ("Der Zuschuss fällt in diesem Jahr deutlich höher aus.", "scheduled"),
    ],
)
def test_falls_out(text, status):
    assert status_from_text(text) == status


@pytest.mark.parametrize(
    ("sentence", "days", "status"),
    [
        # A move names the new day: the old one is no event.
        (
            "Die Lesung am 5. Mai 2027 wird auf den 12. Mai 2027 verschoben.",
            ["2027-05-12"],
            "scheduled",
        ),
        (
            "Das Sommerfest wird vom 14. Juni auf Samstag, 21. Juni 2027, verlegt.",
            ["2027-06-21"],
            "scheduled",
        ),
        (
            "Der Vortrag am 20. Mai 2027 fällt aus, neuer Termin ist der 3. Juni 2027.",
            ["2027-06-03"],
            "scheduled",
        ),
        ("Die Sitzung wurde verschoben auf Freitag, 14. Mai 2027.", ["2027-05-14"], "scheduled"),
        # Without a new day the event is postponed.
        ("Die Lesung am 5. Mai 2027 wird verschoben.", ["2027-05-05"], "postponed"),
    ],
)
def test_moved_events(normalize, sentence, days, status):
    doc = normalize(page("Lesung", sentence), URL, now=date(2027, 4, 21))
    assert [str(e.start)[:10] for e in doc.events] == days
    assert {e.status for e in doc.events} == {status}
