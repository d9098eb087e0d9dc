"""A structured event (JSON-LD, a calendar entry) takes the registration link and deadline
the page's text gives it: markup seldom carries them, pages nearly always show them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from citynews.model import Hints
from citynews.normalize.document import Normalizer
from tests.pages import german_page

URL = "https://www.kreis.example/veranstaltungen/gruenderabend/"


def page(body: str, *, node: dict | None = None) -> str:
    node = node or {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Gründerabend im Technologiezentrum",
        "startDate": "2027-04-22T18:00:00+02:00",
        "location": {"@type": "Place", "name": "Technologiezentrum"},
    }
    return german_page(
        "Gründerabend im Technologiezentrum",
        "<p>Junge Unternehmen stellen sich vor, danach bleibt Zeit für Gespräche mit "
        f"Geldgebern, der Wirtschaftsförderung und den Kammern der Region.</p>{body}",
        head=f'<script type="application/ld+json">{json.dumps(node)}</script>',
    )


@pytest.fixture(scope="module")
def normalize():
    return Normalizer()


@pytest.mark.parametrize(
    ("body", "url", "deadline"),
    [
        (
            '<p>Anmeldeschluss: 15. April 2027. <a href="/anmeldung/gruenderabend">Zur '
            "Anmeldung</a></p>",
            "https://www.kreis.example/anmeldung/gruenderabend",
            date(2027, 4, 15),
        ),
        (
            '<p>Bitte melden Sie sich bis zum 19.04.2027 an: <a href="https://tickets.example/'
            'g-42">Tickets</a></p>',
            "https://tickets.example/g-42",
            date(2027, 4, 19),
        ),
        # A deadline after the event is not its deadline; a link about something else no link.
        (
            '<p>Anmeldung bis 30. April 2027. <a href="/presse/">Pressestelle</a></p>',
            None,
            None,
        ),
        ("<p>Der Eintritt ist frei.</p>", None, None),
    ],
)
def test_text_completes_a_structured_event(normalize, body, url, deadline):
    (event,) = normalize(page(body), URL, now=date(2027, 3, 1)).events
    assert event.source == "jsonld"
    assert (event.registration_url, event.registration_deadline) == (url, deadline)


def test_markup_that_states_them_wins(normalize):
    node = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Gründerabend im Technologiezentrum",
        "startDate": "2027-04-22T18:00:00+02:00",
        "offers": {"@type": "Offer", "url": "https://tickets.example/offiziell"},
    }
    body = '<p><a href="/anmeldung/">Zur Anmeldung</a></p>'
    (event,) = normalize(page(body, node=node), URL, now=date(2027, 3, 1)).events
    assert event.registration_url == "https://tickets.example/offiziell"


def test_a_calendar_entry_takes_the_pages_registration_link(normalize):
    entry = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:g@kreis.example\n"
        "DTSTART;TZID=Europe/Berlin:20270422T180000\nSUMMARY:Gründerabend\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    html = page(
        '<p>Die Plätze sind begrenzt. <a href="/anmeldung/gruenderabend">Jetzt anmelden</a></p>',
        node={"@context": "https://schema.org", "@type": "WebPage"},
    )
    doc = normalize(html, URL, hints=Hints(calendars=(entry,)), now=date(2027, 3, 1))
    (event,) = [e for e in doc.events if e.source == "ical-link"]
    assert event.registration_url == "https://www.kreis.example/anmeldung/gruenderabend"


def test_a_calendar_entry_and_json_ld_of_the_same_start_are_one_event(normalize):
    entry = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:g@kreis.example\n"
        "DTSTART;TZID=Europe/Berlin:20270422T180000\nDTEND;TZID=Europe/Berlin:20270422T210000\n"
        "SUMMARY:Gründerabend\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    doc = normalize(page(""), URL, hints=Hints(calendars=(entry,)), now=date(2027, 3, 1))
    (event,) = doc.events
    # The entry's title and end; the JSON-LD's venue fills the entry's gap.
    assert (event.source, event.title, event.venue) == (
        "ical-link",
        "Gründerabend",
        "Technologiezentrum",
    )
    assert event.end is not None and event.end.hour == 21


def test_a_location_written_as_text_names_venue_and_address_apart(normalize):
    node = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Gründerabend im Technologiezentrum",
        "startDate": "2027-04-22T18:00:00+02:00",
        "location": "Technologiezentrum, Am Anger 4, 99084 Erfurt",
    }
    (event,) = normalize(page("", node=node), URL, now=date(2027, 3, 1)).events
    assert (event.venue, event.address, event.place_name) == (
        "Technologiezentrum",
        "Am Anger 4, 99084 Erfurt",
        "Erfurt",
    )
