"""Places of a page about one town: its Ortsteile are not far-away namesakes, and the seat in
an institution's name is not a place the page is about. Texts written for this test."""

from __future__ import annotations

import pytest

from citynews.normalize.places import find_places

HOME_TOWN = (
    "Hildesheim baut das Glasfasernetz aus. Die Stadt Hildesheim beginnt im Frühjahr. "
    "In Hildesheim sind zuerst die Ortsteile {parts} an der Reihe. "
)


@pytest.mark.parametrize(
    ("text", "home", "wanted", "unwanted"),
    [
        # Ortsteile named like small towns far away resolve to nothing else.
        (HOME_TOWN.format(parts="Barnstorf und Sülfeld"), None, {"Hildesheim"}, {"Barnstorf"}),
        (HOME_TOWN.format(parts="Hattorf und Neuhaus"), None, {"Hildesheim"}, {"Hattorf am Harz"}),
        # The source's home region is the subject even when named once.
        ("Der Ortsrat Sülfeld tagt am Montag.", "03103", set(), {"Sülfeld"}),
        # A small town near the subject stays: it is a neighbour, not a namesake.
        (HOME_TOWN.format(parts="Vorsfelde") + "Auch Gifhorn baut aus.", None, {"Gifhorn"}, set()),
        # Big towns far away stay: a page may compare itself with them.
        (HOME_TOWN.format(parts="Ehmen") + "Vorbild ist Dortmund.", None, {"Dortmund"}, set()),
        # A city of a million named twice is the subject: its Bezirk is no far-away village.
        (
            "Berlin feiert. Das Fest in Berlin beginnt in Lichtenberg am Rathaus.",
            None,
            {"Berlin"},
            {"Lichtenberg"},
        ),
        # Named once, or a smaller city named twice, is no such subject.
        ("Das Fest in Berlin beginnt in Lichtenberg.", None, {"Lichtenberg"}, set()),
        (
            "Kassel feiert. In Kassel und in Lichtenberg gibt es Musik.",
            None,
            {"Lichtenberg"},
            set(),
        ),
        # Without a clear subject (no town named three times) nothing is dropped.
        ("Barnstorf und Hildesheim feiern ein Fest.", None, {"Barnstorf", "Hildesheim"}, set()),
    ],
)
def test_far_namesakes(text: str, home: str | None, wanted: set[str], unwanted: set[str]) -> None:
    names = {p.name for p in find_places(text, home_region=home)}
    assert wanted <= names, names
    assert not unwanted & names, names


@pytest.mark.parametrize(
    ("text", "unwanted"),
    [
        ("Gefördert von der Sparkasse Celle und der Stadt Hildesheim.", "Celle"),
        ("Die Beratung übernimmt die IHK Lüneburg für die Stadt Hildesheim.", "Lüneburg"),
        ("Ein Vortrag vom Zentrum Hannover für Unternehmen in Hildesheim.", "Hannover"),
        # A compound ending in an institution word names an organisation by its seat.
        ("Die Bürgerstiftung Celle fördert das Fest in Hildesheim.", "Celle"),
        ("Die Sparkassenstiftung Goslar lädt nach Hildesheim ein.", "Goslar"),
        # A college with its own qualifier is a proper name: a speaker's affiliation.
        ("Es spricht ein Arzt der Medizinischen Hochschule Hannover in Hildesheim.", "Hannover"),
        ("Eine Forscherin der Otto-Friedrich-Universität Bamberg besucht Hildesheim.", "Bamberg"),
        # Towns listed after 'mit den Städten' are a project's partners.
        (
            "Die Stadt Hildesheim arbeitet mit den Städten Solingen, Kassel und Jena zusammen.",
            "Kassel",
        ),
        ("Hildesheim plant gemeinsam mit den Kommunen Celle und Peine einen Radweg.", "Peine"),
        ("Am Projekt beteiligen sich neben Hildesheim die Städte Hamm und Unna.", "Unna"),
        # A bracketed or quoted pair of towns names an electoral district or a route.
        ("In Hildesheim wählt der Wahlkreis 51 (Goslar-Hildesheim) neu.", "Goslar"),
        ("Der Radweg „Celle – Hildesheim“ ist fertig, sagt die Stadt Hildesheim.", "Celle"),
    ],
)
def test_seats_and_partners_are_no_places(text: str, unwanted: str) -> None:
    names = {p.name for p in find_places(text)}
    assert "Hildesheim" in names
    assert unwanted not in names


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Die Universität Trier begleitet das Programm.", "Trier"),
        ("In den Städten Solingen und Kassel öffnen neue Bäder.", "Kassel"),
        ("Die Stadt Kassel und die Stadt Jena feiern.", "Jena"),
        # A town in brackets alone, or a pair outside brackets, stays.
        ("Der Vortrag findet statt (Goslar, Rathaus).", "Goslar"),
        ("Der Zug fährt Goslar - Hildesheim im Stundentakt.", "Goslar"),
    ],
)
def test_places_next_to_those_rules_stay(text: str, wanted: str) -> None:
    assert wanted in {p.name for p in find_places(text)}


def _calendar(times: int, extra: str) -> str:
    items = " ".join(f"Am {day}. Mai spielt die Stadtkapelle in Lüneburg." for day in range(times))
    return f"{items} {extra}"


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        # A page naming its town ten times: another town named once is a passing mention.
        (_calendar(10, "Auch in Uelzen gibt es Märkte."), {"Lüneburg"}, {"Uelzen"}),
        (
            _calendar(10, "Gäste kommen aus dem Landkreis Harburg."),
            {"Lüneburg"},
            {"Landkreis Harburg"},
        ),
        # Named twice it is a place of the page.
        (_calendar(10, "In Uelzen und später in Uelzen Nord."), {"Lüneburg", "Uelzen"}, set()),
        # A page that names its town less often keeps every town.
        (_calendar(9, "Auch in Uelzen gibt es Märkte."), {"Lüneburg", "Uelzen"}, set()),
        # States stay.
        (_calendar(10, "Ganz Niedersachsen feiert."), {"Lüneburg", "Niedersachsen"}, set()),
    ],
)
def test_towns_in_passing(text: str, wanted: set[str], unwanted: set[str]) -> None:
    found = {p.name for p in find_places(text)}
    assert wanted <= found
    assert not unwanted & found
