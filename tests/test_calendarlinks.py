"""A page's own iCalendar entry: found among its links, fetched in crawls that allow it, read
as the page's event, kept for re-processing; a missing or bogus file costs the page nothing."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.model import BERLIN, Hints
from citynews.normalize.calendarlinks import calendar_links, calendar_text, linked_calendar_nodes
from citynews.normalize.document import Normalizer
from citynews.normalize.html import parse_html
from tests.conftest import run_cli
from tests.dataserver import DataServer, rows, source_file

PAGE = "https://www.stadt.example/leben/termine/repair-cafe/"


def links_of(body: str) -> list[str]:
    return calendar_links(parse_html(f"<html><body>{body}</body></html>"), PAGE)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<a href="/export/termin-17.ics">Termin</a>',
            ["https://www.stadt.example/export/termin-17.ics"],
        ),
        ('<a href="?tx_cal[uid]=9&amp;type=ical">Export</a>', [PAGE + "?tx_cal[uid]=9&type=ical"]),
        (
            '<a href="/kalender/7/ical/">Speichern</a>',
            ["https://www.stadt.example/kalender/7/ical/"],
        ),
        ('<a href="/t/7?format=ICS">x</a>', ["https://www.stadt.example/t/7?format=ICS"]),
        (
            '<a href="/t/7/download">In meinen Kalender eintragen</a>',
            ["https://www.stadt.example/t/7/download"],
        ),
        (
            '<a href="/t/7/x" title="Termin speichern (iCal)">⤓</a>',
            ["https://www.stadt.example/t/7/x"],
        ),
        (
            '<a href="/t/7/x">Zum Outlook-Kalender hinzufügen</a>',
            ["https://www.stadt.example/t/7/x"],
        ),
        # Same file twice (icon and text): one link.
        ('<a href="a.ics">📅</a> <a href="a.ics#x">iCal</a>', [PAGE + "a.ics"]),
        # Not a calendar entry of this page.
        ('<a href="/veranstaltungskalender/">Veranstaltungskalender</a>', []),
        ('<a href="/themen/physics/">Physik</a>', []),
        ('<a href="webcal://www.stadt.example/alle.ics">Abonnieren</a>', []),
        ('<a href="data:text/calendar,BEGIN:VCALENDAR">iCal</a>', []),
        ('<a href="mailto:info@stadt.example?subject=ics">Mail</a>', []),
        # A listing: a file per teaser is no page's own entry.
        ('<a href="/1.ics">1</a><a href="/2.ics">2</a><a href="/3.ics">3</a>', []),
    ],
)
def test_calendar_links(body, expected):
    assert links_of(body) == expected


ENTRY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Stadt Beispiel//Termine//DE
BEGIN:VEVENT
UID:repair-cafe-2027-03@stadt.example
DTSTART;TZID=Europe/Berlin:20270319T173000
DTEND;TZID=Europe/Berlin:20270319T200000
SUMMARY:Repair-Café im Stadtteilzentrum
LOCATION:Stadtteilzentrum Nord, Lindenweg 4, 99084 Erfurt
END:VEVENT
END:VCALENDAR
"""


def vevent(n: int, summary: str) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{n}@stadt.example\nDTSTART;VALUE=DATE:202704{n:02d}\n"
        f"SUMMARY:{summary}\nEND:VEVENT\n"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (ENTRY.encode(), ENTRY),
        (b"\xef\xbb\xbf" + ENTRY.encode(), ENTRY),
        (ENTRY.replace("é", "\xe9").encode("cp1252"), ENTRY),
        (b"\r\n  BEGIN:VEVENT\r\nEND:VEVENT", "\r\n  BEGIN:VEVENT\r\nEND:VEVENT"),
        (b"<!DOCTYPE html><html><body>Kalender</body></html>", None),
        (b"", None),
    ],
)
def test_calendar_text(body, expected):
    assert calendar_text(body) == expected


def test_an_entry_is_read_as_a_schema_event():
    (node,) = linked_calendar_nodes([ENTRY], "Repair-Café")
    assert node["_source"] == "ical-link"
    assert node["startDate"] == "2027-03-19T17:30:00+01:00"
    assert node["endDate"] == "2027-03-19T20:00:00+01:00"
    assert node["location"] == "Stadtteilzentrum Nord, Lindenweg 4, 99084 Erfurt"


def one_event(lines: str) -> dict:
    (node,) = linked_calendar_nodes(
        [
            f"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nSUMMARY:Fest\n{lines}END:VEVENT\nEND:VCALENDAR"
        ],
        "Fest",
    )
    return node


@pytest.mark.parametrize(
    ("lines", "start", "end"),
    [
        # DTEND of an all-day event is the day after the last one.
        ("DTSTART;VALUE=DATE:20270514\nDTEND;VALUE=DATE:20270517\n", "2027-05-14", "2027-05-16"),
        ("DTSTART;VALUE=DATE:20270514\nDTEND;VALUE=DATE:20270515\n", "2027-05-14", None),
        # A time in UTC stays that instant; floating time is Berlin's wall clock.
        ("DTSTART:20270701T160000Z\n", "2027-07-01T16:00:00+00:00", None),
        ("DTSTART:20270701T160000\n", "2027-07-01T16:00:00+02:00", None),
    ],
)
def test_entry_times(lines, start, end):
    node = one_event(lines)
    assert (node["startDate"], node.get("endDate")) == (start, end)


@pytest.mark.parametrize(
    ("location", "venue", "address"),
    [
        (
            "Stadthalle Nord, Lindenweg 4, 99084 Erfurt",
            "Stadthalle Nord",
            "Lindenweg 4, 99084 Erfurt",
        ),
        ("Lindenweg 4, 99084 Erfurt", None, "Lindenweg 4, 99084 Erfurt"),
        ("Großer Saal im Rathaus", "Großer Saal im Rathaus", None),
    ],
)
def test_entry_location_names_the_venue_apart_from_its_address(location, venue, address):
    entry = ENTRY.replace("Stadtteilzentrum Nord, Lindenweg 4, 99084 Erfurt", location)
    page = EVENT_PAGE.replace("/termine/repair-cafe.ics", "")
    (event,) = Normalizer()(
        page, PAGE, hints=Hints(calendars=(entry,)), now=date(2027, 3, 1)
    ).events
    assert (event.venue, event.address) == (venue, address)


def test_an_entry_without_location_gives_none():
    assert one_event("DTSTART;VALUE=DATE:20270514\nLOCATION:\n")["location"] is None


def test_a_whole_calendar_gives_only_the_events_named_like_the_page():
    subscription = (
        "BEGIN:VCALENDAR\nVERSION:2.0\n"
        + "".join(vevent(n, f"Sprechstunde {n}") for n in range(1, 6))
        + vevent(20, "Lesenacht in der Stadtbibliothek")
        + "END:VCALENDAR\n"
    )
    nodes = linked_calendar_nodes([subscription], "Lesenacht für Familien")
    assert [n["name"] for n in nodes] == ["Lesenacht in der Stadtbibliothek"]
    small = "BEGIN:VCALENDAR\nVERSION:2.0\n" + vevent(1, "A") + vevent(2, "B") + "END:VCALENDAR"
    assert len(linked_calendar_nodes([small], "Ganz anders")) == 2


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=600)
    | st.text(max_size=600).map(lambda t: ("BEGIN:VCALENDAR\n" + t).encode())
)
def test_any_fetched_bytes_give_nodes_or_nothing(body):
    text = calendar_text(body)
    if text is not None:
        for node in linked_calendar_nodes([text], "Titel"):
            assert node["startDate"]


# --- the page and its entry, normalized together ---------------------------------------------

EVENT_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Repair-Café im Stadtteilzentrum</title></head><body><main><article>
<h1>Repair-Café im Stadtteilzentrum</h1>
<p>Am Freitag, 19. März 2027, reparieren Ehrenamtliche wieder Toaster, Fahrräder und Kleidung.
Wer etwas mitbringt, erfährt dabei, wie man es selbst instand setzt. Die Teilnahme ist frei,
eine Spende für Ersatzteile ist willkommen. Das Café öffnet am späten Nachmittag.</p>
<p><a href="/termine/repair-cafe.ics">In den Kalender eintragen</a></p>
</article></main></body></html>"""


def test_the_entry_states_the_event_the_text_leaves_vague():
    normalize = Normalizer()
    plain = normalize(EVENT_PAGE, PAGE, now=date(2027, 3, 1))
    with_entry = normalize(EVENT_PAGE, PAGE, hints=Hints(calendars=(ENTRY,)), now=date(2027, 3, 1))
    # The prose names the day but no time and no place; the entry states all three.
    assert not [e for e in plain.events if isinstance(e.start, datetime) or e.end]
    (event,) = with_entry.events
    assert event.start == datetime(2027, 3, 19, 17, 30, tzinfo=BERLIN)
    assert event.end == datetime(2027, 3, 19, 20, 0, tzinfo=BERLIN)
    assert event.source == "ical-link"
    assert event.place_name == "Erfurt"


# --- crawled through the real engine ----------------------------------------------------------


def page_linking(href: str, title: str) -> bytes:
    return (
        EVENT_PAGE.replace("/termine/repair-cafe.ics", href)
        .replace("Repair-Café im Stadtteilzentrum", title)
        .encode()
    )


def sitemap(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


PAGES = {
    "/termine/mit-eintrag/": ("/dl/repair-cafe.ics", "Repair-Café im Stadtteilzentrum"),
    "/termine/eintrag-fehlt/": ("/dl/fehlt.ics", "Lesenacht in der Stadtbibliothek"),
    "/termine/kein-kalender/": ("/dl/seite.ics", "Baumpflanzaktion im Stadtpark"),
}


@pytest.fixture(scope="module")
def calendar_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("calendar-links")
    files = {
        "/dl/repair-cafe.ics": (ENTRY.encode(), "text/calendar"),
        # An error page served as 200 instead of the file.
        "/dl/seite.ics": (b"<html><body>Nicht gefunden</body></html>", "text/html"),
    }
    with DataServer(files) as server:
        for path, (href, title) in PAGES.items():
            server.files[path] = (page_linking(href, title), "text/html; charset=utf-8")
        server.files["/sitemap.xml"] = (sitemap(server.base, list(PAGES)), "application/xml")
        results = {}
        for switch in ("true", "false"):
            sources = source_file(
                tmp,
                f"termine-{switch}",
                'title = "Termine"\nkind = "sitemap"\n'
                f'start_urls = ["{server.base}/sitemap.xml"]\nallowed_domains = ["127.0.0.1"]\n'
                f"event_patterns = ['/termine/[^/]+/$']\nfetch_calendars = {switch}\n",
            )
            db = tmp / f"{switch}.db"
            before = len(server.requests)
            result = run_cli("crawl", "--sources", str(sources), "--db", str(db))
            results[switch] = (db, result, server.requests[before:])
        yield results


@pytest.mark.slow
def test_crawl_reads_the_entry_and_loses_no_page(calendar_crawl):
    db, result, requests = calendar_crawl["true"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert {"/dl/repair-cafe.ics", "/dl/fehlt.ics", "/dl/seite.ics"} <= set(requests)
    assert len(rows(db, "select id from documents")) == 3
    events = dict(rows(db, "select e.title, e.end from events e"))
    assert events["Repair-Café im Stadtteilzentrum"] == "2027-03-19T20:00:00+01:00"
    assert rows(db, "select status, errors from crawl_runs") == [("ok", 0)]
    (hints,) = rows(db, "select crawl_hints from documents where url like '%mit-eintrag%'")
    assert json.loads(hints[0])["calendars"] == [ENTRY]


@pytest.mark.slow
def test_without_the_switch_no_entry_is_fetched(calendar_crawl):
    db, result, requests = calendar_crawl["false"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert not [r for r in requests if r.startswith("/dl/")]
    assert len(rows(db, "select id from documents")) == 3
    assert rows(db, "select title from events where end is not null") == []


@pytest.mark.slow
def test_reprocess_reads_the_stored_entry_again(calendar_crawl):
    db, _, _ = calendar_crawl["true"]
    result = run_cli("reprocess", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "3 documents, 0 updated" in result.stderr + result.stdout
