"""Events as real portals write them, through the whole normalizer (HTML → Document).

Every snippet here is written for this test (issue #10, points 1–6): label/value structures in
several markups, structured event data, running-text phrasings, status and deadlines, the
event's town. The clock is frozen by passing ``now``.
"""

from __future__ import annotations

import urllib.parse
from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Document, Event
from citynews.normalize.document import Normalizer
from citynews.normalize.eventmarkup import event_nodes
from citynews.normalize.html import parse_html

NOW = date(2026, 1, 10)


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def doc_of(normalizer: Normalizer, body: str, title: str = "Stadtnachrichten") -> Document:
    html = (
        f"<html><head><title>{title}</title></head><body><header><nav>Start</nav></header>"
        f"<main><h1>{title}</h1>{body}</main><footer>Impressum</footer></body></html>"
    )
    return normalizer(html, "https://www.example-stadt.de/aktuelles/termin", now=NOW)


def only(doc: Document) -> Event:
    assert len(doc.events) == 1, doc.events
    return doc.events[0]


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def town(event: Event) -> str | None:
    return event.place.name if event.place else event.place_name


# --- the phrasings of the issue ------------------------------------------------------------------

WHY = [
    (
        "<p>Am Donnerstag, 19. März 2026, von 17:30 bis 20:00 Uhr stellt die Verwaltung die "
        "Pläne im Alten Rathaus, Alter Markt 6, 39104 Magdeburg vor. Die Werkstatt zum Umbau "
        "findet dort statt.</p>",
        at(2026, 3, 19, 17, 30),
        at(2026, 3, 19, 20),
        "Magdeburg",
    ),
    (
        "<p>Die Bürgerwerkstatt findet am 19. März 2027 statt. Gastgeber ist das Rathaus "
        "Göttingen, Hiroshimaplatz 1, 37083 Göttingen.</p>",
        date(2027, 3, 19),
        None,
        "Göttingen",
    ),
    (
        "<p>Datum: 19.03.2027</p><p>Ort: Stadthalle, Albaniplatz 2, 37073 Göttingen</p>",
        date(2027, 3, 19),
        None,
        "Göttingen",
    ),
    (
        "<p>Wann: Freitag, 19.03.2027, 17:30 Uhr</p><p>Wo: Kulturbahnhof, "
        "Rainer-Dierichs-Platz 1, 34117 Kassel</p>",
        at(2027, 3, 19, 17, 30),
        None,
        "Kassel",
    ),
    (
        '<p><span class="label">Datum:</span> 12.05.2027<br><span class="label">Ort:</span> '
        "Bodenseeforum Konstanz, Reichenaustraße 21, 78467 Konstanz</p>",
        date(2027, 5, 12),
        None,
        "Konstanz",
    ),
]


@pytest.mark.parametrize(("body", "start", "end", "where"), WHY)
def test_issue_phrasings_give_event_with_town(
    normalizer: Normalizer, body: str, start: date, end: date | None, where: str
) -> None:
    event = only(doc_of(normalizer, body, title="Bürgerwerkstatt Innenstadt"))
    assert (event.start, event.end) == (start, end)
    assert town(event) == where
    assert event.venue or event.address


def test_span_label_gives_venue_and_town(normalizer: Normalizer) -> None:
    event = only(doc_of(normalizer, WHY[4][0], title="Fachtag Klima"))
    assert event.venue == "Bodenseeforum Konstanz"
    assert event.address == "Reichenaustraße 21, 78467 Konstanz"


# --- label/value structures in several markups ---------------------------------------------------

FIELDS = [
    "<dl><dt>Datum</dt><dd>Samstag, 6. Juni 2026</dd><dt>Uhrzeit</dt><dd>14:00 Uhr</dd>"
    "<dt>Ort</dt><dd>Stadtbibliothek, Bahnhofstraße 4, 99084 Erfurt</dd></dl>",
    "<table><tr><th>Datum:</th><td>06.06.2026</td></tr><tr><th>Uhrzeit:</th><td>14 Uhr</td></tr>"
    "<tr><th>Ort:</th><td>Stadtbibliothek, Bahnhofstraße 4, 99084 Erfurt</td></tr></table>",
    "<p><strong>Termin:</strong> 06.06.2026, 14:00 Uhr<br><strong>Veranstaltungsort:</strong> "
    "Stadtbibliothek, Bahnhofstraße 4, 99084 Erfurt</p>",
    "<p>Termin: 6. Juni 2026, 14 Uhr</p><p>Adresse: Stadtbibliothek, Bahnhofstraße 4, "
    "99084 Erfurt</p><p>Eintritt: frei</p>",
]


@pytest.mark.parametrize("body", FIELDS)
def test_label_value_structures(normalizer: Normalizer, body: str) -> None:
    event = only(doc_of(normalizer, body, title="Lesung am Nachmittag"))
    assert event.start == at(2026, 6, 6, 14)
    assert event.venue == "Stadtbibliothek"
    assert town(event) == "Erfurt"


def test_table_with_rowspan_year_dates_every_row(normalizer: Normalizer) -> None:
    body = (
        "<table><tr><th>Jahr</th><th>Datum</th><th>Gremium</th></tr>"
        '<tr><th rowspan="2">2026</th><td>14.04.</td><td>Bauausschuss</td></tr>'
        "<tr><td>21.04.</td><td>Stadtrat</td></tr>"
        "<tr><th>2027</th><td>12.01.</td><td>Stadtrat</td></tr></table>"
    )
    doc = doc_of(normalizer, body, title="Sitzungstermine")
    starts = sorted(e.start for e in doc.events)
    assert starts == [date(2026, 4, 14), date(2026, 4, 21), date(2027, 1, 12)]


def test_course_list_on_a_listing(normalizer: Normalizer) -> None:
    items = "".join(
        f"<li><h3>Yoga für Eltern {n}</h3><p>Wann:</p><p>Mo. 0{n}.03.2026, 10.00 Uhr</p>"
        f"<p>Wo:</p><p>Familienzentrum Süd</p><p>Status:</p><p>{status}</p></li>"
        for n, status in ((2, "Plätze frei"), (9, "Kurs ausgefallen"), (5, "ausgebucht"))
    )
    doc = doc_of(normalizer, f"<ul>{items}</ul>", title="Kursprogramm")
    by_start = {e.start: e for e in doc.events}
    assert set(by_start) == {at(2026, 3, 2, 10), at(2026, 3, 9, 10), at(2026, 3, 5, 10)}
    assert by_start[at(2026, 3, 9, 10)].status == "cancelled"
    assert by_start[at(2026, 3, 5, 10)].status == "sold-out"
    assert by_start[at(2026, 3, 2, 10)].status == "scheduled"


# --- structured event data -----------------------------------------------------------------------


def test_inline_icalendar_link(normalizer: Normalizer) -> None:
    ical = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:abc-1\r\n"
        "DTSTART;TZID=Europe/Berlin:20260913T160000\r\nDTEND;TZID=Europe/Berlin:20260913T170000\r\n"
        "SUMMARY:Sprachspiele für Kinder\r\nLOCATION:Blücherplatz 1\\, 10961 Berlin\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    href = "data:text/calendar;charset=utf8," + urllib.parse.quote(ical)
    body = f'<p>Ein Nachmittag voller Spiele.</p><a href="{href}">In Kalender eintragen</a>'
    event = only(doc_of(normalizer, body, title="Sprachspiele für Kinder"))
    assert (event.start, event.end) == (at(2026, 9, 13, 16), at(2026, 9, 13, 17))
    assert event.source == "ical"
    assert town(event) == "Berlin"


def test_microdata_event(normalizer: Normalizer) -> None:
    body = (
        '<div itemscope itemtype="https://schema.org/Event"><h2 itemprop="name">Stadtführung</h2>'
        '<time itemprop="startDate" datetime="2026-05-02T11:00">2. Mai, 11 Uhr</time>'
        '<div itemprop="location" itemscope itemtype="https://schema.org/Place">'
        '<span itemprop="name">Dom</span><div itemprop="address" itemscope '
        'itemtype="https://schema.org/PostalAddress"><span itemprop="postalCode">99084</span> '
        '<span itemprop="addressLocality">Erfurt</span></div></div></div>'
    )
    event = only(doc_of(normalizer, body, title="Stadtführung"))
    assert event.start == at(2026, 5, 2, 11)
    assert (event.venue, event.source) == ("Dom", "microdata")
    assert town(event) == "Erfurt"


def test_hcalendar_event(normalizer: Normalizer) -> None:
    body = (
        '<div class="vevent"><span class="summary">Repair-Café</span> am '
        '<abbr class="dtstart" title="2026-04-18T14:00:00+02:00">18. April</abbr> im '
        '<span class="location">Bürgerhaus Nord</span></div>'
    )
    event = only(doc_of(normalizer, body, title="Repair-Café"))
    assert event.start == at(2026, 4, 18, 14)
    assert event.source == "hcalendar"


def test_jsonld_status_and_series_dates_from_the_text(normalizer: Normalizer) -> None:
    jsonld = (
        '<script type="application/ld+json">{"@type": "Event", "name": "Schlossführung", '
        '"startDate": "2026-09-06T11:00:00+02:00", "eventStatus": '
        '"https://schema.org/EventScheduled"}</script>'
    )
    body = (
        f"{jsonld}<p>Die Führung zeigt die unsanierten Räume.</p>"
        "<ul><li>6. September 2026 11:00</li><li>17. September 2026 14:00</li></ul>"
    )
    doc = doc_of(normalizer, body, title="Schlossführung")
    assert [e.start for e in doc.events] == [at(2026, 9, 6, 11), at(2026, 9, 17, 14)]
    assert doc.events[1].provenance and "leaves out" in doc.events[1].provenance


# --- status and registration deadline ------------------------------------------------------------

STATUS = [
    ("Das Konzert am 3. Juni 2026 im Kulturhaus ist leider abgesagt.", "cancelled"),
    ("Die Lesung am 3. Juni 2026 fällt krankheitsbedingt aus.", "cancelled"),
    ("Der Workshop am 3. Juni 2026 wird verschoben, ein neuer Termin folgt.", "postponed"),
    ("Die Sprechstunde am 3. Juni 2026 findet nur online statt.", "moved-online"),
    ("Die Führung am 3. Juni 2026 ist bereits ausgebucht.", "sold-out"),
    ("Das Sommerfest findet am 3. Juni 2026 im Stadtpark statt.", "scheduled"),
]


@pytest.mark.parametrize(("sentence", "status"), STATUS)
def test_status_words(normalizer: Normalizer, sentence: str, status: str) -> None:
    event = only(doc_of(normalizer, f"<p>{sentence}</p>", title="Termine im Juni"))
    assert event.status == status


def test_cancelled_title_prefix(normalizer: Normalizer) -> None:
    body = "<p>Datum: 03.06.2026</p><p>Ort: Kulturhaus</p>"
    event = only(doc_of(normalizer, body, title="ABGESAGT: Sommerkonzert"))
    assert event.status == "cancelled"


def test_registration_deadline(normalizer: Normalizer) -> None:
    body = (
        "<p>Der Fachtag findet am 24. September 2026 im Rathaus statt. "
        "Anmeldung bis zum 10.09.2026 per E-Mail.</p>"
    )
    event = only(doc_of(normalizer, body, title="Fachtag Ehrenamt"))
    assert event.start == date(2026, 9, 24)
    assert event.registration_deadline == date(2026, 9, 10)


# --- the event's town ----------------------------------------------------------------------------


def test_event_town_is_the_address_not_the_publisher(normalizer: Normalizer) -> None:
    body = (
        "<p>Hildesheimer Künstler stellen in der Partnerstadt aus.</p>"
        "<p>19.10.2026 bis 02.03.2027</p><p>Ausstellungsort: Galerie am Dom, Domplatz 3, "
        "38820 Halberstadt</p>"
    )
    event = only(doc_of(normalizer, body, title="Ausstellung in der Partnerstadt"))
    assert (event.start, event.end) == (date(2026, 10, 19), date(2027, 3, 2))
    assert town(event) == "Halberstadt"


def test_venue_town_without_address(normalizer: Normalizer) -> None:
    body = "<p>Wann: Freitag, 19.03.2027, 17:30 Uhr</p><p>Wo: Rathaus Kassel</p>"
    event = only(doc_of(normalizer, body, title="Bürgerwerkstatt"))
    assert town(event) == "Kassel"


def test_list_items_are_sentences_of_their_own(normalizer: Normalizer) -> None:
    body = (
        "<ul><li>Sitzung des Bauausschusses am Dienstag, 14.04.2026, um 17 Uhr im Rathaus, "
        "Markt 1, 99084 Erfurt</li><li>Sitzung des Ortsteilrates am Mittwoch, 15.04.2026, um "
        "19 Uhr im Ortsteil Nord, Bürgerhaus, Lindenweg 4, 99086 Erfurt</li></ul>"
    )
    doc = doc_of(normalizer, body, title="Bekanntmachungen")
    venues = {e.start: e.venue for e in doc.events}
    assert venues == {at(2026, 4, 14, 17): "Rathaus", at(2026, 4, 15, 19): "Bürgerhaus"}


_VCAL = (
    "BEGIN:VCALENDAR%0D%0AVERSION:2.0%0D%0ABEGIN:VEVENT%0D%0AUID:a1%0D%0ASUMMARY:Stadtrat"
    "%0D%0ADTSTART:20270311T180000%0D%0AEND:VEVENT%0D%0AEND:VCALENDAR"
)


@pytest.mark.parametrize(
    "markup",
    [
        f'<A HREF="data:text/calendar;charset=utf-8,{_VCAL}">Termin speichern</A>',
        '<div itemscope itemtype="https://schema.org/Event"><span itemprop="name">Forum</span>'
        '<time itemprop="startDate" datetime="2027-03-11T18:00">11.3.</time></div>',
        '<div class="vevent"><span class="summary">Forum</span>'
        '<abbr class="dtstart" title="2027-03-11">11. März</abbr></div>',
        '<div class="h-event"><p class="p-name">Forum</p>'
        '<time class="dt-start" datetime="2027-03-11">11. März</time></div>',
        "<p>Ein Text ohne jede Termin-Auszeichnung.</p>",
    ],
)
def test_source_markers_skip_only_markup_the_page_lacks(markup: str) -> None:
    # With the page source, event_nodes skips XPath scans whose marker words are absent;
    # the result must be what the scans over the whole tree give.
    source = f"<html><body>{markup}</body></html>"
    tree = parse_html(source)
    expected = event_nodes(tree)
    assert len(expected) == (0 if "Auszeichnung" in markup else 1)
    assert event_nodes(tree, source) == expected
    assert event_nodes(tree, source.encode()) == expected
