"""iCal sources: repairs, occurrences in the window, local times across DST, and a real crawl."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.model import BERLIN
from citynews.normalize.ical import read_ical, repair
from tests.conftest import run_cli
from tests.dataserver import DataServer, crawl, rows, source_file

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

# Written for these tests: LF line ends, no VERSION, a description continued without the
# leading space, X-WR-TIMEZONE with UTC times, a weekly series across the change to summer
# time with one EXDATE and one moved occurrence, all-day, GEO, floating and cancelled events,
# and events outside the window.
CALENDAR = """BEGIN:VCALENDAR
PRODID:-//citynews tests//DE
X-WR-CALNAME:Termine Musterstadt
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
UID:sprechstunde@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Digitale Sprechstunde im Bürgerbüro
DESCRIPTION:Fragen zum Onlinezugang und zur digitalen Verwaltung beantwortet
das Team des Bürgerbüros jede Woche.
DTSTART:20260312T170000Z
DTEND:20260312T183000Z
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE:20260319T170000Z
LOCATION:Bürgerbüro\\, Marktplatz 3\\, 06108 Halle (Saale)
END:VEVENT
BEGIN:VEVENT
UID:sprechstunde@musterstadt.example
RECURRENCE-ID:20260402T160000Z
DTSTAMP:20260301T080000Z
SUMMARY:Digitale Sprechstunde (später)
DTSTART:20260402T173000Z
DTEND:20260402T190000Z
LOCATION:Bürgerbüro\\, Marktplatz 3\\, 06108 Halle (Saale)
END:VEVENT
BEGIN:VEVENT
UID:aktionstage@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Aktionstage Smarte Straßenbeleuchtung
DTSTART;VALUE=DATE:20260425
DTEND;VALUE=DATE:20260427
END:VEVENT
BEGIN:VEVENT
UID:sensorfest@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Sensorfest auf dem Campus
DTSTART;TZID=Europe/Berlin:20260510T100000
DURATION:PT6H
GEO:51.4963;11.9688
URL:https://musterstadt.example/termine/sensorfest
END:VEVENT
BEGIN:VEVENT
UID:abend@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Stadtgespräch Open Data
DTSTART:20260601T190000
END:VEVENT
BEGIN:VEVENT
UID:hackday@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Hackday Verkehrsdaten
STATUS:CANCELLED
DTSTART:20260321T090000Z
END:VEVENT
BEGIN:VEVENT
UID:alt@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Längst vorbei
DTSTART:20250101T090000Z
END:VEVENT
BEGIN:VEVENT
UID:fern@musterstadt.example
DTSTAMP:20260301T080000Z
SUMMARY:Weit weg
DTSTART:20270601T090000Z
END:VEVENT
BEGIN:VEVENT
UID:kaputt@musterstadt.example
SUMMARY:Ohne Beginn
END:VEVENT
END:VCALENDAR
"""


def occurrences(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for record in result.records:
        for event in record.events:
            found.setdefault(event.title, []).append(event)
    return found


def test_weekly_series_with_exdate_override_and_dst():
    result = read_ical(CALENDAR.encode(), "http://cal.example/termine.ics", now=NOW)
    series = [e for r in result.records for e in r.events if e.uid.startswith("sprechstunde@")]
    starts = [e.start.astimezone(BERLIN).strftime("%d.%m. %H:%M %z") for e in series]
    # 19 March is excluded; 2 April is moved; from 29 March on Berlin keeps summer time.
    assert starts == [
        "12.03. 18:00 +0100",
        "26.03. 18:00 +0100",
        "02.04. 19:30 +0200",
        "09.04. 18:00 +0200",
        "16.04. 18:00 +0200",
    ]
    assert series[2].title == "Digitale Sprechstunde (später)"
    assert len({e.uid for e in series}) == 5
    assert series[0].venue == "Bürgerbüro" and "06108 Halle" in series[0].address
    assert "jede Woche" in series[0].description and "beantwortet das Team" in series[0].description


@pytest.mark.parametrize(
    "title, start, end, all_day, status",
    [
        (
            "Aktionstage Smarte Straßenbeleuchtung",
            date(2026, 4, 25),
            date(2026, 4, 26),
            True,
            "scheduled",
        ),
        (
            "Sensorfest auf dem Campus",
            datetime(2026, 5, 10, 10, tzinfo=BERLIN),
            datetime(2026, 5, 10, 16, tzinfo=BERLIN),
            False,
            "scheduled",
        ),
        (
            "Stadtgespräch Open Data",
            datetime(2026, 6, 1, 19, tzinfo=BERLIN),
            None,
            False,
            "scheduled",
        ),
        (
            "Hackday Verkehrsdaten",
            datetime(2026, 3, 21, 10, tzinfo=BERLIN),
            None,
            False,
            "cancelled",
        ),
    ],
)
def test_single_events(title, start, end, all_day, status):
    (event,) = occurrences(read_ical(CALENDAR.encode(), "http://cal.example/t.ics", now=NOW))[title]
    assert (event.start, event.end, event.all_day, event.status) == (start, end, all_day, status)
    assert event.source == "ical"


def test_window_geo_url_and_what_could_not_be_read():
    result = read_ical(CALENDAR.encode(), "http://cal.example/t.ics", now=NOW)
    found = occurrences(result)
    assert "Längst vorbei" not in found and "Weit weg" not in found
    (fest,) = found["Sensorfest auf dem Campus"]
    assert (fest.lat, fest.lon) == (51.4963, 11.9688)
    urls = {r.title: r.url for r in result.records}
    assert urls["Sensorfest auf dem Campus"] == "https://musterstadt.example/termine/sensorfest"
    assert urls["Hackday Verkehrsdaten"] == "http://cal.example/t.ics#hackday@musterstadt.example"
    assert result.problems == ["VEVENT kaputt@musterstadt.example: no DTSTART, skipped"]
    assert result.repaired >= 1


def test_window_keys_move_the_window():
    wide = read_ical(CALENDAR.encode(), "http://c/t.ics", now=NOW, past_days=800, future_days=800)
    found = occurrences(wide)
    assert "Längst vorbei" in found and "Weit weg" in found


@pytest.mark.parametrize(
    "text, expected, repaired",
    [
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            0,
        ),
        (
            "BEGIN:VCALENDAR\r\nDESCRIPTION:eins\r\nzwei\r\nEND:VCALENDAR",
            "DESCRIPTION:eins\r\n  zwei\r\n",
            1,
        ),
        (
            "BEGIN:VCALENDAR\nDESCRIPTION:a\n folded\nEND:VCALENDAR",
            "DESCRIPTION:a\r\n folded\r\n",
            0,
        ),
        (
            "BEGIN:VCALENDAR\nDESCRIPTION:a\nHinweis: b\nEND:VCALENDAR",
            "DESCRIPTION:a\r\n  Hinweis: b",
            1,
        ),
        ("BEGIN:VEVENT\nEND:VEVENT", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT", 2),
    ],
)
def test_repair(text, expected, repaired):
    fixed, count = repair(text)
    assert expected in fixed
    assert count == repaired


def test_windows_1252_bytes_are_read():
    body = CALENDAR.replace("Sensorfest", "Größtes Sensorfest").encode("cp1252")
    titles = occurrences(read_ical(body, "http://c/t.ics", now=NOW))
    assert "Größtes Sensorfest auf dem Campus" in titles


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_give_a_result_not_an_exception(body):
    result = read_ical(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + body, "http://c/x.ics", now=NOW)
    assert all(e.start is not None for r in result.records for e in r.events)


@pytest.mark.slow
def test_crawl_stores_occurrences_and_a_recrawl_adds_nothing(tmp_path):
    with DataServer({"/termine.ics": (CALENDAR.encode(), "text/calendar")}) as server:
        sources = source_file(
            tmp_path,
            "musterstadt-termine",
            f'title = "Termine Musterstadt"\nkind = "ical"\n'
            f'start_urls = ["{server.base}/termine.ics"]\nallowed_domains = ["127.0.0.1"]\n',
        )
        db = tmp_path / "citynews.db"
        first = crawl(sources, db, now=NOW.isoformat())["musterstadt-termine"]
        events = rows(db, "select id, start, title, first_seen from events order by id")
        documents = rows(db, "select id, kind, title from documents order by id")
        second = crawl(sources, db, now=NOW.isoformat())["musterstadt-termine"]
        assert rows(db, "select id, start, title, first_seen from events order by id") == events
    assert first["new"] == 5 and first["events"] == 9
    assert second["new"] == 0 and second["updated"] == 0 and second["unchanged"] == 5
    assert {kind for _, kind, _ in documents} == {"event"}
    starts = sorted(start for _, start, title, _ in events if title.startswith("Digitale"))
    assert starts[2] == "2026-04-02T19:30:00+02:00"
    status = rows(db, "select status, errors from crawl_runs order by id")
    # The VEVENT without DTSTART is counted as an error in both runs: partial, not failed.
    assert [s for s, _ in status] == ["partial", "partial"] and status[0][1] == 1


OUTLOOK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:ausschuss@rathaus.example
SUMMARY:Sitzung des Bauausschusses
DTSTART;TZID=W. Europe Standard Time:20260326T170000
DTEND;TZID=W. Europe Standard Time:20260326T190000
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
END:VCALENDAR
"""


def test_vtimezone_of_an_outlook_export_gives_local_times_across_dst():
    (record,) = read_ical(OUTLOOK.encode(), "http://rathaus.example/a.ics", now=NOW).records
    assert [e.start.isoformat() for e in record.events] == [
        "2026-03-26T17:00:00+01:00",
        "2026-04-02T17:00:00+02:00",
    ]


@pytest.mark.slow
def test_a_missing_calendar_fails_the_source_with_exit_code_1(tmp_path):
    with DataServer() as server:
        sources = source_file(
            tmp_path,
            "weg",
            f'title = "Weg"\nkind = "ical"\nstart_urls = ["{server.base}/weg.ics"]\n'
            'allowed_domains = ["127.0.0.1"]\n',
        )
        result = run_cli("crawl", "--sources", str(sources), "--db", str(tmp_path / "c.db"))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "1 failed" in result.stdout
    assert "Traceback" not in result.stderr
