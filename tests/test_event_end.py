"""An event's hours and end where pages write them apart from its date, through the whole
normalizer (HTML → Document). Snippets written for this test; the clock is frozen by ``now``."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Document, Event
from citynews.normalize.document import Normalizer

NOW = date(2026, 1, 10)


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def doc_of(normalizer: Normalizer, body: str, title: str) -> Document:
    html = (
        f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main>"
        "</body></html>"
    )
    return normalizer(html, "https://www.example-stadt.de/kultur/markt", now=NOW)


def only(doc: Document) -> Event:
    assert len(doc.events) == 1, doc.events
    return doc.events[0]


def at(day: int, hour: int, month: int = 5) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("body", "start", "end"),
    [
        (
            "<p>Am 2. und 3. Mai 2026 findet der Töpfermarkt im Klosterhof statt.</p>"
            "<p>Öffnungszeiten:<br>Samstag und Sonntag von 10:00 bis 17:00 Uhr</p>"
            "<p>Eintritt:<br>2 Euro</p>",
            at(2, 10),
            at(3, 17),
        ),
        (
            "<p>Vom 2. bis 4. Mai 2026 findet das Stadtfest auf dem Marktplatz statt.</p>"
            "<p><b>Öffnungszeit:</b> 11 bis 23 Uhr</p>",
            at(2, 11),
            at(4, 23),
        ),
        # Opening hours fit a run of days, not a one-day event in the same house.
        (
            "<p>Am 2. Mai 2026 findet im Museum ein Vortrag statt.</p>"
            "<p>Öffnungszeiten: 10 bis 17 Uhr</p>",
            date(2026, 5, 2),
            None,
        ),
        (
            "<p>Am 2. Mai 2026 findet im Museum ein Vortrag statt.</p><p>Uhrzeit: 19 Uhr</p>",
            at(2, 19),
            None,
        ),
        # The event's own "Uhrzeit" wins over the house's opening hours.
        (
            "<p>Am 2. und 3. Mai 2026 findet der Töpfermarkt im Klosterhof statt.</p>"
            "<p>Öffnungszeiten: 10 bis 17 Uhr</p><p>Uhrzeit: 12 bis 13 Uhr</p>",
            at(2, 12),
            at(3, 13),
        ),
        # Two different times under the same label: which one is meant is unknown.
        (
            "<p>Am 2. und 3. Mai 2026 findet der Töpfermarkt im Klosterhof statt.</p>"
            "<p>Uhrzeit: 10 bis 17 Uhr</p><p>Ort: Klosterhof</p><p>Uhrzeit: 12 bis 13 Uhr</p>",
            date(2026, 5, 2),
            date(2026, 5, 3),
        ),
    ],
)
def test_hours_labelled_apart_from_the_date(
    normalizer: Normalizer, body: str, start: object, end: object
) -> None:
    event = only(doc_of(normalizer, body, "Töpfermarkt"))
    assert (event.start, event.end) == (start, end)


def test_an_election_announced_by_its_verb(normalizer: Normalizer) -> None:
    body = (
        "<p>Am Sonntag, 7. Juni 2026 wird in der Zeit von 8:00 Uhr bis 18:00 Uhr der 9. Landtag "
        "gewählt. Wahlberechtigt ist, wer das 18. Lebensjahr vollendet hat.</p>"
    )
    event = only(doc_of(normalizer, body, "Landtagswahl 2026"))
    assert (event.start, event.end) == (at(7, 8, 6), at(7, 18, 6))


def test_an_election_reported_is_no_announcement(normalizer: Normalizer) -> None:
    body = "<p>Am 3. Mai 2026 wurde sie mit großer Mehrheit zur Vorsitzenden gewählt.</p>"
    assert doc_of(normalizer, body, "Vereinsnachrichten").events == []


def test_two_days_with_their_hours_in_one_sentence(normalizer: Normalizer) -> None:
    body = (
        "<p>Beim Familienfest am Freitag, 8. Mai 2026 von 14 bis 18 Uhr und Samstag 9. Mai 2026 "
        "von 10 bis 18 Uhr gibt es Musik und Spiele.</p>"
    )
    events = doc_of(normalizer, body, "Familienfest").events
    assert [(e.start, e.end) for e in events] == [(at(8, 14), at(8, 18)), (at(9, 10), at(9, 18))]


def test_a_period_is_no_venue(normalizer: Normalizer) -> None:
    body = "<p>Die Aktionswoche findet im Zeitraum vom 4. bis 9. Mai 2026 statt.</p>"
    event = only(doc_of(normalizer, body, "Aktionswoche"))
    assert (event.start, event.end, event.venue) == (date(2026, 5, 4), date(2026, 5, 9), None)


@pytest.mark.parametrize(
    ("body", "start", "end"),
    [
        # Undated "Beginn"/"Ende" fields are the hours of the day the text names.
        (
            "<p>Der Flohmarkt findet am 2. Mai 2026 statt.</p><p>Beginn: 10 Uhr</p>"
            "<p>Ende: 16 Uhr</p>",
            at(2, 10),
            at(2, 16),
        ),
        # A closing hour later in the sentence.
        (
            "<p>Das Sommerfest beginnt am Samstag, 2. Mai 2026, um 14 Uhr und endet gegen "
            "22 Uhr.</p>",
            at(2, 14),
            at(2, 22),
        ),
        (
            "<p>Das Tanzfest am 2. Mai 2026 beginnt um 20 Uhr, Ende ca. 1 Uhr.</p>",
            at(2, 20),
            at(3, 1),
        ),
        # A run's last day after "läuft bis".
        (
            "<p>Die Messe öffnet am 2. Mai 2026 und läuft bis zum 4. Mai 2026.</p>",
            date(2026, 5, 2),
            date(2026, 5, 4),
        ),
        # "Ende" over a date line ends the event above: no second event.
        (
            "<dl><dt>Beginn</dt><dd>02.05.2026, 10:00 Uhr</dd><dt>Ende</dt>"
            "<dd>03.05.2026, 18:00 Uhr</dd></dl>",
            at(2, 10),
            at(3, 18),
        ),
        # No end in the text: none is made up.
        ("<p>Die Lesung am 2. Mai 2026 um 19 Uhr ist ausverkauft.</p>", at(2, 19), None),
    ],
)
def test_end_written_apart_from_the_start(
    normalizer: Normalizer, body: str, start: object, end: object
) -> None:
    event = only(doc_of(normalizer, body, "Stadtfest"))
    assert (event.start, event.end) == (start, end)


def test_venue_before_a_verb(normalizer: Normalizer) -> None:
    body = "<p>Die Ausstellung ist vom 2. Mai bis zum 14. Juni 2026 im Stadtmuseum zu sehen.</p>"
    event = only(doc_of(normalizer, body, "Ausstellung"))
    assert (event.end, event.venue) == (date(2026, 6, 14), "Stadtmuseum")
