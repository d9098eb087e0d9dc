from __future__ import annotations

import pytest

from citynews.normalize.address import find_addresses, find_venue, parse_address


@pytest.mark.parametrize(
    ("text", "street", "number", "postal", "town"),
    [
        # The town before its code, as international event plugins print addresses.
        ("Deisterstraße 10\nGöttingen, 37081", "Deisterstraße", "10", "37081", "Göttingen"),
        ("Am Anger 4, Erfurt, 99084", "Am Anger", "4", "99084", "Erfurt"),
        (
            "Mansfelder Str. 56, 06108 Halle (Saale)",
            "Mansfelder Str.",
            "56",
            "06108",
            "Halle (Saale)",
        ),
        ("Am Markt 1 in 06108 Halle", "Am Markt", "1", "06108", "Halle"),
        ("Kampstraße 13-15", "Kampstraße", "13-15", None, None),
        ("Kampstraße 13 – 15, 32052 Herford", "Kampstraße", "13-15", "32052", "Herford"),
        ("Rathausplatz 2, 32052 Herford", "Rathausplatz", "2", "32052", "Herford"),
        (
            "Stadtbibliothek\nSalzgrafenstraße 2\n06108 Halle (Saale)",
            "Salzgrafenstraße",
            "2",
            "06108",
            "Halle (Saale)",
        ),
        ("Karl-Marx-Straße 12a, 10243 Berlin", "Karl-Marx-Straße", "12a", "10243", "Berlin"),
        ("Große Ulrichstraße 51, 06108 Halle", "Große Ulrichstraße", "51", "06108", "Halle"),
        ("Unter den Linden 6, 10117 Berlin", "Unter den Linden", "6", "10117", "Berlin"),
        ("Platz der Einheit 1, 14467 Potsdam", "Platz der Einheit", "1", "14467", "Potsdam"),
        (
            "Frankfurter Allee 1, 60311 Frankfurt am Main",
            "Frankfurter Allee",
            "1",
            "60311",
            "Frankfurt am Main",
        ),
        (
            "Hauptstraße 5 b, 67433 Neustadt an der Weinstraße",
            "Hauptstraße",
            "5 b",
            "67433",
            "Neustadt an der Weinstraße",
        ),
        ("Augustusplatz, 04109 Leipzig", "Augustusplatz", None, "04109", "Leipzig"),
        ("Ort: Am Markt 1", "Am Markt", "1", None, None),
        (
            "Treffpunkt ist die Leipziger Straße 5 in 06108 Halle.",
            "Leipziger Straße",
            "5",
            "06108",
            "Halle",
        ),
        ("06108 Halle (Saale)", None, None, "06108", "Halle (Saale)"),
        # A street without a street word, right before the postal code.
        (
            "Sportplatz, Lindenhagen 12b, 12345 Musterstadt",
            "Lindenhagen",
            "12b",
            "12345",
            "Musterstadt",
        ),
        (
            "Schule, Am alten Teich 4,54321 Beispieldorf",
            "Am alten Teich",
            "4",
            "54321",
            "Beispieldorf",
        ),
        ("Tel. 0345 22, 06108 Halle", None, None, "06108", "Halle"),
    ],
)
def test_parse_address(
    text: str, street: str | None, number: str | None, postal: str | None, town: str | None
) -> None:
    found = parse_address(text)
    assert found is not None
    assert (found.street, found.house_number, found.postal_code, found.town) == (
        street,
        number,
        postal,
        town,
    )
    assert text[found.span[0] : found.span[1]] == found.text


@pytest.mark.parametrize(
    "text",
    [
        "Im Jahr 2025 wurden 3 Projekte gefördert.",
        "Am Ende 2 Projekte",
        "Die Straße 5 Meter weiter",
        "Wir gehen zum Markt 3 mal",
        "Hauptstraße 5 Meter",
        "Tel. 0345 221-0",
        "Es kamen 10000 Besucher",
        "Am 3. Juni 2025 in Halle",
        "",
    ],
)
def test_parse_address_rejects(text: str) -> None:
    assert parse_address(text) is None


def test_find_addresses_in_order() -> None:
    text = (
        "Vormittags im Rathaus, Marktplatz 1, 99084 Erfurt; nachmittags in der "
        "Kulturfabrik, Wagnergasse 7, 07743 Jena."
    )
    assert [(a.street, a.town) for a in find_addresses(text)] == [
        ("Marktplatz", "Erfurt"),
        ("Wagnergasse", "Jena"),
    ]


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        ("Stadtbibliothek Halle, Salzgrafenstraße 2, 06108 Halle (Saale)", "Stadtbibliothek Halle"),
        ("Am 14. September findet die Konferenz im Volkshaus in Jena statt.", "Volkshaus"),
        (
            "Mitteldeutsches Multimediazentrum Halle (Saale), Mansfelder Str. 56, "
            "06108 Halle (Saale)",
            "Mitteldeutsches Multimediazentrum Halle (Saale)",
        ),
        ("Ort: Rathaus Herford, Rathausplatz 2, 32052 Herford", "Rathaus Herford"),
        ("Die Sitzung findet im Rathaus, Marktplatz 1, 99084 Erfurt statt.", "Rathaus"),
        ("Stadtbibliothek\nSalzgrafenstraße 2\n06108 Halle (Saale)", "Stadtbibliothek"),
        ("Das Treffen ist in der Stadthalle Gotha.", "Stadthalle Gotha"),
        ("im Rahmen des Projekts", None),
        ("Im Anschluss, ab 18 Uhr, gibt es einen Imbiss.", None),
        ("Ort: online", None),
        ("Augustusplatz, 04109 Leipzig", None),
        ("Die Stadtverwaltung informiert über den Haushalt, Marktplatz 1, 99084 Erfurt.", None),
        # A name after 'im'/'in der' at the end of a sentence part, right before the street.
        (
            "Sitzung am Montag, den 03.02.2025 um 17:00 Uhr im Haus der Vereine, "
            "Lindenweg 4, 12345 Musterstadt",
            "Haus der Vereine",
        ),
        (
            "Die Sprechstunde ist am 4. März um 10 Uhr in der Alten Schule, Dorfstraße 2, "
            "12345 Musterstadt",
            "Alten Schule",
        ),
        # A lower-case tail after the preposition is no name.
        ("Die Sitzung findet im großen Saal statt, Lindenweg 4, 12345 Musterstadt", None),
    ],
)
def test_find_venue(text: str, venue: str | None) -> None:
    assert find_venue(text) == venue


def test_venue_parts_right_before_the_street() -> None:
    from citynews.normalize.address import find_venue

    line = (
        "- Sitzung des Ortsrates Nord am Dienstag, den 11.03.2025 um 18:30 Uhr im Ortsteil "
        "Nord, Bürgerhaus, Saal 2, Lindenweg 4, 12345 Musterstadt"
    )
    assert find_venue(line) == "Bürgerhaus, Saal 2"
