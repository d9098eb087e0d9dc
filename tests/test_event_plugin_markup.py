"""Event pages of calendar plugins: the details and venue in definition lists of their own,
the venue labelled twice (a section heading and a list label), the address in the
"Town, 12345" order such plugins print. Snippets written for this test."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN
from citynews.normalize.document import Normalizer

URL = "https://www.quartier.example/veranstaltung/erzaehlcafe/"

PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Erzählcafé im Nachbarschaftshaus – Quartiersbüro</title></head><body>
<div class="single-event">
<h1 class="event-title">Erzählcafé im Nachbarschaftshaus</h1>
<div class="event-schedule"><h2><span class="date-start">14. Mai 2027 @ 15:00</span> -
<span class="time">17:00</span></h2></div>
<div class="event-description"><p>Beim Erzählcafé berichten ältere Nachbarinnen und Nachbarn
von früher: vom Bau der Siedlung, von den Läden an der Ecke und vom ersten Straßenfest. Kaffee
und Kuchen stehen bereit, jüngere Gäste sind ausdrücklich willkommen.</p></div>
<div class="event-meta"><div class="meta-details"><h2>Details</h2><dl>
<dt>Datum:</dt><dd><abbr title="2027-05-14">14. Mai 2027</abbr></dd>
<dt>Zeit:</dt><dd>15:00 - 17:00</dd></dl></div>
<div class="meta-venue"><h2>{heading}</h2><dl>
<dt class="screen-reader-text">Veranstaltungsort</dt><dd class="venue">Nachbarschaftshaus Linde</dd>
<dd class="venue-location"><address><span class="street">{street}</span><br>
<span class="locality">{town}</span><span class="delimiter">,</span>
<span class="postal">{postal}</span></address></dd></dl></div></div></div>
<footer>Quartiersbüro e.V. · Markt 1 · 31134 Hildesheim</footer></body></html>"""


@pytest.fixture(scope="module")
def normalize():
    return Normalizer()


@pytest.mark.parametrize(
    ("heading", "street", "town", "postal", "venue", "place"),
    [
        (
            "Veranstaltungsort",
            "Lindenstraße 8",
            "Erfurt",
            "99084",
            "Nachbarschaftshaus Linde",
            "Erfurt",
        ),
        # Without the section heading: the list label alone.
        ("Anfahrt", "Lindenstraße 8", "Erfurt", "99084", "Nachbarschaftshaus Linde", "Erfurt"),
    ],
)
def test_plugin_event_page(normalize, heading, street, town, postal, venue, place):
    html = PAGE.format(heading=heading, street=street, town=town, postal=postal)
    doc = normalize(html, URL, now=date(2027, 4, 1))
    (event,) = doc.events
    assert event.start == datetime(2027, 5, 14, 15, 0, tzinfo=BERLIN)
    assert event.end == datetime(2027, 5, 14, 17, 0, tzinfo=BERLIN)
    assert event.venue == venue
    assert event.place is not None and event.place.name == place
    # The publisher's footer town is not the event's, nor a place of the page.
    assert "Hildesheim" not in {p.name for p in doc.places}
