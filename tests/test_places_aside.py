"""Mentions of a town that are about something else, city-states in lists of Länder, and the
publisher's town of a page that names no place. Snippets written for this test."""

from __future__ import annotations

import re
from html import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citynews.model import Hints, Kind
from citynews.normalize.document import Normalizer
from citynews.normalize.gazetteer import Gazetteer, load_gazetteer
from citynews.normalize.placeaside import without_related
from citynews.normalize.placepublisher import publisher_place, publisher_town
from citynews.normalize.places import find_places


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def names(text: str, gaz: Gazetteer) -> list[str]:
    return [p.name for p in find_places(text, gazetteer=gaz) if p.kind != "state"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An association of municipalities carries one member's name.
        ("Zum Wahlkreis gehört auch die Samtgemeinde Hankensbüttel.", []),
        ("Die Verbandsgemeinde Bernkastel-Kues lädt ein, in Trier zu feiern.", ["Trier"]),
        ("Das Amt Büchen und die Stadt Mölln planen einen Radweg.", ["Mölln"]),
        # The member itself, named as a town, stays.
        ("In Hankensbüttel öffnet ein neuer Bäcker.", ["Hankensbüttel"]),
        # A joint region written with a slash: the first town stays, the second is its partner.
        ("Wir suchen Spieler in der Region Celle/Uelzen für unser Team.", ["Celle"]),
        ("Die Strecke Celle / Uelzen wird gesperrt.", ["Celle", "Uelzen"]),
        # Partners of a cooperation are not the page's places.
        ("Die Stadt Goslar kooperiert mit dem Landkreis Peine beim Bürgerportal.", ["Goslar"]),
        ("Eine Partnerschaft mit der Stadt Lingen ist geplant, sagte man in Meppen.", ["Meppen"]),
        # A speaker introduced with the administration they work for.
        (
            "Auf dem Podium in Erfurt: Ina Kowalski von der Stadt Jena, Paul Kern vom Land.",
            ["Erfurt"],
        ),
        ("Der Zuschuss von der Stadt Jena deckt die Kosten.", ["Jena"]),
        # An office introduced with its holder: the sentence is about the person.
        ("Der Landrat des Kreises Kleve, Otto Brandt (SPD), trat zurück.", []),
        ("Der Bürgermeister der Stadt Xanten, Jan Kolb, eröffnete das Fest in Wesel.", ["Wesel"]),
        # Without a name after it the office's town is the subject.
        ("Der Bürgermeister der Stadt Xanten eröffnete das Fest.", ["Xanten"]),
        # A part of the page's town named like a municipality elsewhere.
        ("In Kassel bekommt der Ortsteil Hattorf einen Spielplatz.", ["Kassel"]),
        ("Die Stadtteile Moritzberg und Ochtersum von Hildesheim wachsen.", ["Hildesheim"]),
        ("Im Stadtteil Halle-Neustadt wird gebaut.", ["Halle (Saale)"]),
        # An authority named after its seat: a police report's sender, a court.
        ("Polizeiinspektion Celle: Unfall in Wietze", ["Wietze"]),
        ("Das Amtsgericht Lüneburg verhandelte den Fall aus Bleckede.", ["Bleckede"]),
        ("Die Agentur für Arbeit Hameln berät Schulabgänger in Bodenwerder.", ["Bodenwerder"]),
        # Clubs: a club word before the town, or the founding year after it.
        ("Bayer Leverkusen und Hannover 96 trennten sich in Bremen unentschieden.", ["Bremen"]),
        ("Preußen Münster siegt in Mainz 2:1.", ["Mainz"]),
        # A day or an hour after a town is a calendar line, not a club.
        ("Celle 12. März, Peine 10 Uhr, Verden 09:30 Uhr", ["Celle", "Peine", "Verden (Aller)"]),
    ],
)
def test_mentions_about_something_else(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert names(text, gaz) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # Between two Länder a city-state's name is the Land.
        ("Wahlen 2027: Saarland, Bremen, Hessen und Bayern.", {"Bremen": "state"}),
        (
            "| 10.05. | Thüringen | Landtag |\n| 17.05. | Hamburg | Bürgerschaft |\n"
            "| 24.05. | Sachsen |",
            {"Hamburg": "state"},
        ),
        # Next to one Land, or among towns, it is the city.
        ("Der Zug fährt von Berlin nach Brandenburg an der Havel.", {"Berlin": "municipality"}),
        ("Zwischen Hamburg und Niedersachsen fahren mehr Busse.", {"Hamburg": "municipality"}),
        ("Kiel, Bremen und Rostock bauen Häfen aus.", {"Bremen": "municipality"}),
    ],
)
def test_city_state_in_a_list_of_states(gaz: Gazetteer, text: str, kinds: dict) -> None:
    found = {p.name: p.kind for p in find_places(text, gazetteer=gaz)}
    assert {name: found.get(name) for name in kinds} == kinds


def _page(main: str, footer: str) -> str:
    return (
        "<html><head><title>Übersicht</title></head><body><main><h1>Übersicht</h1>"
        f"{main}</main>{footer}</body></html>"
    )


@pytest.mark.parametrize(
    ("footer", "town"),
    [
        ("<footer><p>Stadtverwaltung<br>Marktplatz 1<br>99084 Erfurt</p></footer>", "99084 Erfurt"),
        (
            '<div class="footer-address">Rathausstr. 2, 06108 Halle (Saale)</div>',
            "06108 Halle (Saale)",
        ),
        (
            '<section id="kontakt"><span>Am Markt 5</span><span>17489 Greifswald</span></section>',
            "17489 Greifswald",
        ),
        ("<address>Kirchplatz 3<br>60311 Frankfurt am Main</address>", "60311 Frankfurt am Main"),
        # Address blocks only: a postcode elsewhere, a phone number, no postcode at all.
        ("<div><p>Treffpunkt 04109 Leipzig</p></div>", None),
        ("<footer><p>Telefon 03461 40000</p></footer>", None),
        ("<footer><p>© 2026 Stadt</p></footer>", None),
    ],
)
def test_publisher_town(footer: str, town: str | None) -> None:
    markup = _page("<p>Text</p>", footer)
    assert publisher_town(markup) == town


def test_publisher_place_resolves_the_municipality(gaz: Gazetteer) -> None:
    markup = _page("<p>Text</p>", "<footer>Markt 1, 06108 Halle (Saale)</footer>")
    place = publisher_place(markup, gazetteer=gaz)
    assert place is not None
    assert (place.ags, place.role) == ("15002000", "source-home")


_OVERVIEW = (
    "<ul><li><a href='/a'>Konzert im Park</a></li><li><a href='/b'>Lesung am Abend</a></li>"
    "<li><a href='/c'>Ausstellung der Schulen</a></li></ul>"
    "<p>Hier finden Sie alle Angebote unseres Kulturamts auf einen Blick.</p>"
)
_FOOTER = '<footer><div class="address">Stadt<br>Markt 1<br>39104 Magdeburg</div></footer>'


@pytest.mark.parametrize(
    ("main", "kind", "home_region", "expected"),
    [
        # An event or listing page without a place in its text: the publisher's town.
        (_OVERVIEW, "event", None, [("Magdeburg", "source-home")]),
        (_OVERVIEW, "listing", None, [("Magdeburg", "source-home")]),
        # A news article without one is about no town in particular.
        (_OVERVIEW, "article", None, []),
        # A town in the text: that one, not the publisher's.
        (
            _OVERVIEW + "<p>Das Kulturamt lädt nach Wernigerode ein.</p>",
            "event",
            None,
            [("Wernigerode", "mentioned")],
        ),
        # A configured home region says it already.
        (_OVERVIEW, "event", "15002", [("Halle (Saale)", "source-home")]),
    ],
)
def test_page_without_places_gets_its_publishers_town(
    main: str, kind: Kind, home_region: str | None, expected: list[tuple[str, str]]
) -> None:
    doc = Normalizer()(
        _page(main, _FOOTER),
        "https://kultur.example/angebote",
        home_region=home_region,
        hints=Hints(kind=kind),
    )
    assert [(p.name, p.role) for p in doc.places] == expected


_STORY = (
    "Der Stadtrat von Bautzen hat am Abend den Haushalt beschlossen. Die Mehrheit war knapp, "
    "die Debatte dauerte vier Stunden und endete mit einem Kompromiss zur Schulsanierung."
)
_LONG = (
    "Im Anschluss beriet der Rat über die Sanierung der Turnhalle, die seit Jahren geplant "
    "ist; die Kosten sollen sich Kreis und Stadt teilen, sagte die Sprecherin in Kamenz."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Teaser titles after a related-articles heading belong to other articles.
        (
            f"{_STORY}\n\nLesen Sie auch:\n\nNeues Bad in Görlitz eröffnet\n\nZittau spart",
            ["Bautzen"],
        ),
        (f"{_STORY}\nMehr zum Thema\n- Haushalt in Görlitz\n- Streit in Zittau", ["Bautzen"]),
        (f"{_STORY}\n\nWeitere Artikel\nGörlitz: Brücke gesperrt", ["Bautzen"]),
        # After the list the story goes on: a long line is body text again.
        (f"{_STORY}\n\nAuch interessant\n\n- Brücke in Görlitz\n\n{_LONG}", ["Bautzen", "Kamenz"]),
        # The words inside a sentence are no heading.
        (f"{_STORY} Lesen Sie auch, was Görlitz plant.", ["Bautzen", "Görlitz"]),
    ],
)
def test_related_articles_are_not_the_pages_places(
    gaz: Gazetteer, text: str, expected: list[str]
) -> None:
    assert names(text, gaz) == expected


_HEADINGS = st.sampled_from(["Lesen Sie auch:", "Mehr zum Thema", "Weiterlesen", "Bautzen"])


@given(st.lists(st.one_of(_HEADINGS, st.text(max_size=200)), max_size=8))
def test_blanking_related_lists_keeps_offsets(lines: list[str]) -> None:
    text = "\n".join(lines)
    blanked = without_related(text)
    assert len(blanked) == len(text)
    assert all(b == a or b == " " for a, b in zip(text, blanked, strict=True))


_FOOTER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"), max_size=300
)


@given(_FOOTER_TEXT)
def test_publisher_town_of_any_footer(footer_text: str) -> None:
    markup = f"<html><body><footer><p>{escape(footer_text)}</p></footer></body></html>"
    town = publisher_town(markup)
    said = town and re.search(re.escape(town[:5]) + r"\s+" + re.escape(town[6:]), footer_text)
    assert town is None or (town[:5].isdigit() and said)
