"""Venues written the ways real pages write them: genitive names, "auf dem Gelände des …",
registered societies, a name after the time."""

from __future__ import annotations

import pytest

from citynews.normalize.address import find_venue


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        (
            "Das Turnier findet am 4. Mai in der Turnhalle der Lindenschule in Nordstadt statt.",
            "Turnhalle der Lindenschule",
        ),
        (
            "Die Lesung ist am 2. Juni in der Aula des Alten Gymnasiums.",
            "Aula des Alten Gymnasiums",
        ),
        ("Konzert im Festsaal des Bürgerhauses am 3. März", "Festsaal des Bürgerhauses"),
        ("Das Sommerfest findet auf dem Gelände der Feuerwache statt.", "Gelände der Feuerwache"),
        ("Treffen beim Jugendzentrum Ost, ab 18 Uhr", "Jugendzentrum Ost"),
        ("Die Probe ist in der Stadtteilzentrale ab 10 Uhr.", "Stadtteilzentrale"),
        ("Wir sehen uns vor dem Stadttheater um 19 Uhr.", "Stadttheater"),
        ("Sommerkonzerte am Schloss Neustadt", "Schloss Neustadt"),
        ("Treffpunkt ist am Rathaus, ab 9 Uhr.", "Rathaus"),
        ("Wir sehen uns am Samstag, ab 9 Uhr.", None),
        # Linked words that name no building stay out.
        ("im Rahmen des Projekts", None),
        ("Im Vorfeld der Messe, so der Veranstalter, gab es Streit.", None),
        ("in der Nähe des Bahnhofs.", None),
    ],
)
def test_venue_phrase_with_linking_words(text: str, venue: str | None) -> None:
    assert find_venue(text) == venue


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        (
            "Wo: Halle 2, Vereinsheim des SV Blau-Weiß e. V., Lindenhagen 12b, 12345 Musterstadt",
            "Halle 2, Vereinsheim des SV Blau-Weiß e. V.",
        ),
        ("Ort: Kulturverein Ost e.V., Hauptstraße 3, 12345 Musterstadt", "Kulturverein Ost e.V."),
    ],
)
def test_venue_of_a_registered_society(text: str, venue: str) -> None:
    assert find_venue(text) == venue


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        ("Ratssitzung 24.09.2026 17:00 Uhr Rathaus, Marktstraße 1, Saal 2", "Rathaus"),
        ("Sitzung 24.09.2026, Marktstraße 1, 12345 Musterstadt", None),
        ("Treff 17:30 Marktstraße 1", None),
    ],
)
def test_dates_and_times_are_no_part_of_a_venue(text: str, venue: str | None) -> None:
    assert find_venue(text) == venue
