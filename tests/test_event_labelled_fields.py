"""Venues and dates labelled in an element of their own (CMS event modules, dl lists, a label
and its block), through the whole normalizer (HTML → Document). Snippets written for this test."""

from __future__ import annotations

import urllib.parse
from datetime import date

import pytest

from citynews.model import Document, Event
from citynews.normalize.document import Normalizer
from citynews.normalize.eventlabelled import labelled_fields
from citynews.normalize.html import parse_html

NOW = date(2026, 1, 10)
TEXT = "<p>Am 14. März 2026 findet von 10 bis 12 Uhr der Frühjahrsputz für Kinder statt.</p>"


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def page(main: str, aside: str = "") -> str:
    return (
        "<html><head><title>Frühjahrsputz</title></head><body><main><h1>Frühjahrsputz</h1>"
        f"{main}</main>{aside}<footer>Impressum · Kontakt</footer></body></html>"
    )


def only(doc: Document) -> Event:
    assert len(doc.events) == 1, doc.events
    return doc.events[0]


VENUE_MARKUP = [
    (
        '<div class="field field--label-above"><div class="field__label">Veranstaltungsort</div>'
        '<div class="field__item"><h3>Stadtteilbibliothek Nord</h3><p class="address">'
        "<span>Lindenweg 4</span><br><span>12345</span> <span>Musterstadt</span></p></div></div>",
        "Stadtteilbibliothek Nord",
        "12345 Musterstadt",
    ),
    (
        "<dl><dt>Ort</dt><dd>Bürgerhaus Süd<br>Kirchgasse 2<br>54321 Beispielheim</dd></dl>",
        "Bürgerhaus Süd",
        "54321 Beispielheim",
    ),
    (
        "<dl><dt><strong>Treffpunkt:</strong></dt><dd>Haupteingang Stadtpark</dd></dl>",
        "Haupteingang Stadtpark",
        None,
    ),
]


@pytest.mark.parametrize(("markup", "venue", "town"), VENUE_MARKUP)
def test_venue_in_its_own_element(
    normalizer: Normalizer, markup: str, venue: str, town: str | None
) -> None:
    """``town``: the postal code and town the event's address ends with."""
    doc = normalizer(page(TEXT + markup), "https://www.example-stadt.de/termine/putz", now=NOW)
    event = only(doc)
    assert event.venue == venue
    assert (event.address or "").endswith(town) if town else event.address is None


def test_structured_event_takes_the_labelled_venue_name(normalizer: Normalizer) -> None:
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Frühjahrsputz\r\n"
        "DTSTART;TZID=Europe/Berlin:20260314T100000\r\nDTEND;TZID=Europe/Berlin:20260314T120000\r\n"
        "LOCATION:Lindenweg 4 12345 Musterstadt\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    link = f'<a href="data:text/calendar;charset=utf8,{urllib.parse.quote(calendar)}">iCal</a>'
    html = page(TEXT + link + VENUE_MARKUP[0][0])
    event = only(normalizer(html, "https://www.example-stadt.de/termine/putz", now=NOW))
    assert event.source == "ical"
    assert event.venue == "Stadtteilbibliothek Nord"
    assert event.address == "Lindenweg 4 12345 Musterstadt"


@pytest.mark.parametrize(
    "markup",
    [
        # A search form's label is no venue.
        "<form><label>Ort</label><select><option>Nord</option><option>Süd</option></select></form>",
        # "Ort: …" on one line is read by the text readers, not here.
        "<p><b>Ort:</b> Rathaus</p>",
        # Labels in the footer or navigation belong to the site.
        "<footer><div>Ort</div><div>Rathaus, Markt 1, 12345 Musterstadt</div></footer>",
    ],
)
def test_no_venue_field(markup: str) -> None:
    html = page(TEXT, markup)
    assert labelled_fields(parse_html(html), html) == []


def test_two_different_venues_fill_nothing(normalizer: Normalizer) -> None:
    fields = (
        "<dl><dt>Ort</dt><dd>Bürgerhaus Süd</dd></dl><dl><dt>Ort</dt><dd>Rathaus Nord</dd></dl>"
    )
    event = only(normalizer(page(TEXT + fields), "https://www.example-stadt.de/t", now=NOW))
    assert event.venue is None


def test_pages_without_a_label_word_are_not_searched() -> None:
    html = page(TEXT + "<div>Stadthalle</div>")
    assert labelled_fields(parse_html(html), html) == []
    assert labelled_fields(parse_html(html), html.encode()) == []


def test_a_contact_box_is_no_venue(normalizer: Normalizer) -> None:
    body = (
        "<h2>Wir feiern den Sommer am Schloss Neustadt</h2><p>5. bis 14. Juni 2026</p>"
        "<p>Das Programm folgt im Mai.</p><h3>Kontakt</h3><p>Veranstalterin</p>"
        "<p>Stadt Musterstadt – Kulturbüro</p><p>Goethestraße 4<br>12345 Musterstadt</p>"
    )
    event = only(normalizer(page(body), "https://www.example-stadt.de/sommer", now=NOW))
    assert event.venue == "Schloss Neustadt"
    assert event.address is None


@pytest.mark.parametrize(
    ("line", "venue"),
    [
        (
            "Sonntag, 15. März 2026 11:00 Uhr Spiegelsaal des Alten Rathauses",
            "Spiegelsaal des Alten Rathauses",
        ),
        ("Sonntag, 15. März 2026, 11 Uhr, Stadthalle Nord", "Stadthalle Nord"),
        # Not a building: no venue.
        ("Sonntag, 15. März 2026, 11 Uhr, Eintritt frei", None),
    ],
)
def test_venue_after_the_time(normalizer: Normalizer, line: str, venue: str | None) -> None:
    body = (
        "<p>Der Eintritt ist frei!</p><p>Wir laden Sie herzlich zu unserem Frühlingskonzert ein: "
        f"{line}</p><p>Freuen Sie sich auf ein buntes Programm.</p>"
    )
    event = only(normalizer(page(body), "https://www.example-stadt.de/konzert", now=NOW))
    assert event.venue == venue


DATE_FIELD = (
    '<div class="field"><div class="field--label">Veranstaltungstermin/e</div>'
    '<div class="field--items"><ol><li>14.03.2026</li><li>15.03.2026</li></ol>'
    '<form><button type="submit">Weitere Termine</button></form></div></div>'
)


def test_dates_labelled_in_their_own_element(normalizer: Normalizer) -> None:
    # The fields sit beside the main text, which names no date.
    body = "<p>Ein Rätselspaziergang durch den Stadtpark für Kinder ab 6 Jahren.</p>"
    fields = f"<aside>{DATE_FIELD}{VENUE_MARKUP[1][0]}</aside>"
    doc = normalizer(page(body, fields), "https://www.example-stadt.de/r", now=NOW)
    assert [(e.start, e.all_day) for e in doc.events] == [
        (date(2026, 3, 14), True),
        (date(2026, 3, 15), True),
    ]
    assert {e.venue for e in doc.events} == {"Bürgerhaus Süd"}
    assert doc.kind == "event"


def test_the_text_wins_over_a_labelled_date_field(normalizer: Normalizer) -> None:
    doc = normalizer(page(TEXT + DATE_FIELD), "https://www.example-stadt.de/r", now=NOW)
    assert [e.start.date() for e in doc.events] == [date(2026, 3, 14)]
    assert doc.events[0].all_day is False
