"""Registration offered beside the text (a details box, a sidebar button) reaches the event;
logins, account sign-ups and newsletters do not. Snippets written for this test."""

from __future__ import annotations

from datetime import date

import pytest

from citynews.normalize.document import Normalizer
from citynews.normalize.html import parse_html
from citynews.normalize.registration import registration_links
from tests.pages import german_page

URL = "https://www.stadt.example/veranstaltungen/planspiel/"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<aside><a class="button" href="/anmeldung/planspiel">Zur Anmeldung »</a></aside>',
            [("Zur Anmeldung", "https://www.stadt.example/anmeldung/planspiel")],
        ),
        (
            '<div class="event-box"><a href="https://tickets.example/p-7">Tickets kaufen</a></div>',
            [("Tickets kaufen", "https://tickets.example/p-7")],
        ),
        # Accounts, logins, newsletters and navigation are no event's registration.
        ('<div><a href="/user/register">Registrieren</a></div>', []),
        ('<div><a href="/login?next=/">Jetzt anmelden</a></div>', []),
        ('<div><a href="/newsletter/">Zur Anmeldung</a></div>', []),
        ('<nav><a href="/anmeldung/">Anmeldung</a></nav>', []),
        ('<footer><a href="/tickets/">Tickets</a></footer>', []),
        # A link that mentions registration among other words is not the offer itself.
        ('<p><a href="/faq/">Fragen zur Anmeldung und zum Ablauf</a></p>', []),
    ],
)
def test_registration_links(markup, expected):
    tree = parse_html(f"<html><body><main><p>Text</p></main>{markup}</body></html>")
    assert registration_links(tree, URL) == expected


def test_an_event_page_takes_the_button_beside_its_text():
    body = (
        "<p>Das Planspiel Kommunalpolitik findet am 14. Mai 2027 um 9 Uhr im Rathaus statt. "
        "Schülerinnen und Schüler übernehmen für einen Tag die Rollen im Stadtrat.</p>"
    )
    html = german_page("Planspiel Kommunalpolitik", body).replace(
        "</main>",
        '</main><aside class="event-info">'
        '<a href="/anmeldung/planspiel">Jetzt anmelden</a></aside>',
    )
    doc = Normalizer()(html, URL, now=date(2027, 4, 1))
    assert doc.kind == "event"
    (event,) = doc.events
    assert event.registration_url == "https://www.stadt.example/anmeldung/planspiel"
