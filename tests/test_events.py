from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from citynews.model import Event, Page
from citynews.normalize.dates import BERLIN
from citynews.normalize.events import extract_events


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def page(text: str = "", **kwargs: Any) -> Page:
    kwargs.setdefault("url", "https://www.example.de/meldung")
    return Page(text=text, **kwargs)


def only(events: list[Event]) -> Event:
    assert len(events) == 1, events
    return events[0]


# --- text ----------------------------------------------------------------------------------------


def test_one_event_in_a_sentence() -> None:
    text = (
        "Die Stadt Erfurt lädt am 12. März 2026 von 17 bis 19 Uhr zum Bürgerdialog Smart City "
        "in das Rathaus, Fischmarkt 1, 99084 Erfurt ein. Weitere Informationen folgen."
    )
    event = only(extract_events(page(text, published=date(2026, 2, 1))))
    assert event.title == "Bürgerdialog Smart City"
    assert (event.start, event.end, event.all_day) == (
        at(2026, 3, 12, 17),
        at(2026, 3, 12, 19),
        False,
    )
    assert event.start.utcoffset() == timedelta(hours=1)
    assert event.venue == "Rathaus"
    assert event.address == "Fischmarkt 1, 99084 Erfurt"
    assert event.place_name == "Erfurt"
    assert event.source == "text"
    assert not event.online


def test_two_events_in_one_text() -> None:
    text = (
        "Der erste Workshop findet am 3. Juni 2026 in Gotha statt.\n\n"
        "Am 10. Juni 2026 folgt eine Konferenz in der Stadthalle Eisenach, Beginn 9:30 Uhr."
    )
    events = extract_events(page(text, published=date(2026, 5, 2)))
    assert [(e.start, e.place_name) for e in events] == [
        (date(2026, 6, 3), "Gotha"),
        (at(2026, 6, 10, 9, 30), None),
    ]
    assert events[0].title == "erste Workshop"
    assert events[0].all_day
    assert events[1].venue == "Stadthalle Eisenach"


def test_several_dates_in_one_sentence_get_the_town_in_their_title() -> None:
    text = (
        "Weitere Regionalkonferenzen sind am 6. September in Iserlohn und am 5. Dezember "
        "in Passau geplant."
    )
    events = extract_events(page(text, published=date(2023, 8, 23)))
    assert [(e.title, e.start, e.place_name) for e in events] == [
        ("Regionalkonferenzen in Iserlohn", date(2023, 9, 6), "Iserlohn"),
        ("Regionalkonferenzen in Passau", date(2023, 12, 5), "Passau"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Die Anmeldung ist bis zum 10.09.2025 möglich.",
        "Anmeldung bis 10.09.2025 unter der angegebenen Adresse.",
        "Bewerbungsfrist für den Wettbewerb: 15.01.2026.",
        "Einsendeschluss für die Beiträge zum Workshop ist der 28.02.2026.",
        "Anträge für die Förderung können bis spätestens 30. April 2026 gestellt werden.",
        "Das Projekt wird bis 2027 gefördert.",
        "Die Förderung läuft vom 01.01.2025 bis 31.12.2026.",
        "Am 5. März 2026 starteten wir die Testphase mit allen zehn Kommunen.",
        "[19.05.2025] Die Stadt hat ihren Haushalt beschlossen.",
        "Stand: 04.11.2025",
        "Mit 56 Kommunen und 10.000 Einwohnern, Tel. 0345 221-0, Version 3.12.",
    ],
)
def test_not_events(text: str) -> None:
    assert extract_events(page(text, published=date(2025, 5, 19))) == []


def test_deadline_next_to_an_event_is_not_a_second_event() -> None:
    text = (
        "Der Fachtag Digitale Verwaltung findet am 22. Oktober 2026 in Magdeburg statt. "
        "Anmeldung bis zum 1. Oktober 2026."
    )
    event = only(extract_events(page(text, published=date(2026, 8, 1))))
    assert event.start == date(2026, 10, 22)
    assert event.title == "Fachtag Digitale Verwaltung"


def test_online_event() -> None:
    text = "Das Webinar zur Open-Data-Strategie findet am 4. Februar 2026 um 10 Uhr statt."
    event = only(extract_events(page(text, published=date(2026, 1, 10))))
    assert event.online
    assert event.start == at(2026, 2, 4, 10)
    assert event.title == "Webinar zur Open-Data-Strategie"


def test_year_from_publication_date_forward_and_past() -> None:
    upcoming = "Der Workshop findet am 6. Januar in Weimar statt."
    past = "Der Workshop fand am 6. Januar in Weimar statt."
    reference = date(2025, 12, 1)
    assert only(extract_events(page(upcoming, published=reference))).start == date(2026, 1, 6)
    # Past tense dates the day back to 6 January 2025, before the page: a report, no event.
    assert extract_events(page(past, published=reference)) == []


def test_yearless_date_without_publication_date_is_dropped() -> None:
    assert extract_events(page("Der Workshop findet am 6. Januar in Weimar statt.")) == []


def test_same_event_mentioned_twice_is_one_event() -> None:
    text = (
        "[19.05.2025] Unter diesem Motto steht die 7. Regionalkonferenz. Sie findet am 3. Juni "
        "in Halle (Saale) statt.\n\nAm 3. Juni 2025 findet die 7. Regionalkonferenz der "
        "Modellprojekte in der Stadt Halle (Saale) statt."
    )
    event = only(extract_events(page(text, published=date(2025, 5, 19), title="Konferenz")))
    assert event.start == date(2025, 6, 3)
    assert event.title == "7. Regionalkonferenz der Modellprojekte"
    assert event.place_name == "Halle (Saale)"


def test_key_value_block() -> None:
    text = (
        "Stadtteilforum Neustadt\n\n"
        "Datum: 25.10.2026\n"
        "Uhrzeit: 15 bis 19 Uhr\n"
        "Ort: Stadtbibliothek Halle, Salzgrafenstraße 2, 06108 Halle (Saale)\n\n"
        "Wir freuen uns auf Ihre Ideen."
    )
    event = only(extract_events(page(text, published=date(2026, 9, 1))))
    assert event.title == "Stadtteilforum Neustadt"
    # 25 October 2026 is the day clocks go back: 15:00 is already winter time.
    assert (event.start, event.end) == (at(2026, 10, 25, 15), at(2026, 10, 25, 19))
    assert event.start.utcoffset() == timedelta(hours=1)
    assert event.venue == "Stadtbibliothek Halle"
    assert event.address == "Salzgrafenstraße 2, 06108 Halle (Saale)"
    assert event.place_name == "Halle (Saale)"


def test_key_value_block_with_values_on_their_own_lines() -> None:
    text = (
        "Termindetails\nStartdatum:\n2. März 2026\nEnddatum:\n29. Juni 2026\nUhrzeit:\n"
        "18 Uhr\nOrt:\nonline\n"
    )
    event = only(extract_events(page(text, title="Offenes Plenum", kind="event")))
    assert event.title == "Offenes Plenum"
    assert (event.start, event.end) == (at(2026, 3, 2, 18), date(2026, 6, 29))
    assert event.online
    assert event.venue is None


def test_next_event_heading_with_bare_date() -> None:
    text = "Nächste Veranstaltung\n\n01.06.2026\n\nKonferenz Digitale Stadtplanung\n\nAktuelles"
    event = only(extract_events(page(text, published=date(2026, 3, 1))))
    assert (event.title, event.start, event.all_day) == (
        "Konferenz Digitale Stadtplanung",
        date(2026, 6, 1),
        True,
    )


def test_event_block_with_date_time_and_address_lines() -> None:
    text = (
        "3. Smart-City-Forum Dessau\n\n"
        "Wir laden Sie herzlich zum Austausch über Mobilität ein.\n\n"
        " 18. März 2026\n\n 15:00 – 19:00 Uhr\n\n"
        " Bauhaus Museum Dessau, Mies-van-der-Rohe-Platz 1, 06844 Dessau-Roßlau\n"
    )
    event = only(extract_events(page(text, published=date(2026, 2, 1))))
    assert event.title == "3. Smart-City-Forum Dessau"
    assert (event.start, event.end) == (at(2026, 3, 18, 15), at(2026, 3, 18, 19))
    assert event.venue == "Bauhaus Museum Dessau"
    assert event.place_name == "Dessau-Roßlau"


def test_registration_link_goes_to_the_event_it_names() -> None:
    text = (
        "Der Hackathon Offene Daten findet am 7. November 2026 in Jena statt.\n\n"
        "Außerdem findet am 20. November 2026 ein Workshop Wärmeplanung in Gera statt.\n\n"
        "Hackathon - Anmeldung"
    )
    links = [("Hackathon - Anmeldung", "https://www.example.de/hackathon/anmeldung")]
    events = extract_events(page(text, published=date(2026, 9, 1)), links=links)
    assert [e.registration_url for e in events] == [
        "https://www.example.de/hackathon/anmeldung",
        None,
    ]


def test_page_title_for_an_event_page() -> None:
    text = "Termin\nSa. 9. Mai 2026\n10:00 - 13:00\nMarktplatz 1, 99084 Erfurt"
    event = only(extract_events(page(text, title="Radtour durch Erfurt", kind="event")))
    assert event.title == "Radtour durch Erfurt"
    assert (event.start, event.end) == (at(2026, 5, 9, 10), at(2026, 5, 9, 13))
    assert event.address == "Marktplatz 1, 99084 Erfurt"


# --- JSON-LD -------------------------------------------------------------------------------------


def test_jsonld_event_wins_over_text() -> None:
    jsonld = [
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "name": "Veranstaltungen"},
                {
                    "@type": ["EducationEvent"],
                    "name": "Workshop Digitaler Zwilling",
                    "startDate": "2026-03-28T10:00:00+01:00",
                    "endDate": "2026-03-29T16:00:00+02:00",
                    "location": {
                        "@type": "Place",
                        "name": "Stadthaus Halle",
                        "address": {
                            "@type": "PostalAddress",
                            "streetAddress": "Marktplatz 2",
                            "postalCode": "06108",
                            "addressLocality": "Halle (Saale)",
                        },
                    },
                    "offers": {"@type": "Offer", "url": "https://www.example.de/tickets"},
                },
            ],
        }
    ]
    text = "Der Workshop findet am 1. April 2026 statt."
    event = only(extract_events(page(text, jsonld=jsonld)))
    assert event.source == "jsonld"
    assert event.title == "Workshop Digitaler Zwilling"
    # Both sides of the 29 March 2026 switch to summer time.
    assert event.start == at(2026, 3, 28, 10)
    assert event.start.utcoffset() == timedelta(hours=1)
    assert event.end == at(2026, 3, 29, 16)
    assert event.end.utcoffset() == timedelta(hours=2)
    assert event.venue == "Stadthaus Halle"
    assert event.address == "Marktplatz 2, 06108 Halle (Saale)"
    assert event.place_name == "Halle (Saale)"
    assert event.registration_url == "https://www.example.de/tickets"
    assert not event.online


def test_jsonld_online_and_all_day() -> None:
    jsonld = [
        {
            "@type": "Event",
            "name": "Digitaltag",
            "startDate": "2026-06-19",
            "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
            "location": {"@type": "VirtualLocation", "url": "https://www.example.de/stream"},
            "url": "https://www.example.de/digitaltag",
        }
    ]
    event = only(extract_events(page(jsonld=jsonld)))
    assert (event.start, event.end, event.all_day) == (date(2026, 6, 19), None, True)
    assert event.online
    assert event.registration_url == "https://www.example.de/digitaltag"


def test_jsonld_offset_is_converted_to_berlin() -> None:
    jsonld = [{"@type": "Event", "name": "Sitzung", "startDate": "2026-07-01T16:00:00Z"}]
    event = only(extract_events(page(jsonld=jsonld)))
    assert event.start == at(2026, 7, 1, 18)
    assert event.start.tzinfo is not None


def test_jsonld_utc_label_on_local_wall_clock_follows_the_page() -> None:
    jsonld = [
        {
            "@type": "Event",
            "name": "Radtour",
            "startDate": "2026-04-11T09:00:00+00:00",
            "endDate": "2026-04-11T12:00:00+00:00",
            "location": {"@type": "Place", "name": "Domplatz, 99084 Erfurt"},
        }
    ]
    text = "Termin\nSa. 11. Apr 2026\n09:00 - 12:00\nDomplatz, 99084 Erfurt"
    event = only(extract_events(page(text, jsonld=jsonld, kind="event")))
    assert (event.start, event.end) == (at(2026, 4, 11, 9), at(2026, 4, 11, 12))
    assert event.venue is None
    assert event.address == "Domplatz, 99084 Erfurt"
    assert event.place_name == "Erfurt"


def test_jsonld_numeric_postal_code_keeps_its_leading_zero() -> None:
    jsonld = [
        {
            "@type": "Event",
            "name": "Kundgebung",
            "startDate": "2026-05-08T11:00:00+02:00",
            "location": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "Augustusplatz",
                    "postalCode": 4109,
                    "addressLocality": "Leipzig",
                },
            },
        }
    ]
    event = only(extract_events(page(jsonld=jsonld)))
    assert event.address == "Augustusplatz, 04109 Leipzig"


def test_jsonld_without_usable_start_falls_back_to_text() -> None:
    jsonld = [{"@type": "Event", "name": "Ohne Datum", "startDate": "demnächst"}]
    text = "Die Tagung findet am 3. September 2026 in Dessau statt."
    event = only(extract_events(page(text, jsonld=jsonld)))
    assert event.source == "text"
    assert event.start == date(2026, 9, 3)


def test_jsonld_duplicates_are_dropped() -> None:
    node = {"@type": "Event", "name": "Sitzung", "startDate": "2026-07-01T16:00:00+02:00"}
    assert len(extract_events(page(jsonld=[node, dict(node)]))) == 1


def test_cue_literals_cover_every_cue_alternative() -> None:
    # _CUE_LITERALS prefilters _CUE: an alternative none of them covers would never match again.
    from citynews.normalize import eventbase as events

    alternatives = re.split(r"\|(?![^()]*\))", events._CUE.pattern)
    assert len(alternatives) > 30
    for alternative in alternatives:
        word = re.sub(r"\(\?:[^)]*\)|\\b|\[\^[^\]]*\]\{[^}]*\}\??", "", alternative)
        word = re.sub(r"\[(\w)\w\]", r"\1", word)
        assert any(literal in word for literal in events._CUE_LITERALS), alternative
