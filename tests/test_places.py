"""Place extraction: traps, disambiguation, districts, states, addresses, the labelled set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from citynews.normalize.gazetteer import Gazetteer, load_gazetteer
from citynews.normalize.places import find_places, resolve_place

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def keys(text: str, gaz: Gazetteer, **kwargs) -> list[str]:
    return [p.ags for p in find_places(text, gazetteer=gaz, **kwargs) if p.ags]


# Ordinary German in which a municipality's name appears as a word, not a place.
TRAPS = [
    "Nach dem Essen gehen die Kinder wieder in die Klassen.",
    "Zum Essen gibt es Suppe. Das Essen schmeckt gut.",
    "Essen und Trinken sind in der Pause erlaubt.",
    "Im Hof hinter dem Rathaus stehen Fahrradbügel.",
    "Hof- und Küchenbetriebe arbeiten zusammen.",
    "Im Lauf des Jahres soll das Portal starten.",
    "Der Lauf der Dinge lässt sich nicht aufhalten.",
    "Weil die Fördermittel fehlen, verzögert sich der Bau.",
    "Das klappt nicht, weil das Netz zu langsam ist.",
    "Das Wetter war in diesem Sommer sehr trocken.",
    "Wetter und Jahreszeit bestimmen das Angebot.",
    "Rettungskräfte üben, wie sie Verletzte aus dem Fluss bergen.",
    "Bergen lässt sich aus alten Daten noch einiges.",
    "Die neue Sporthalle hat eine smarte Lüftung.",
    "In der Halle ist es warm, die Halle wird saniert.",
    "Die Messe belegt Halle 3 und Halle 4.",
    "Borussia Dortmund gewann das Spiel deutlich.",
    "Die Deutsche Bahn meldet Verspätungen im Regionalverkehr.",
    "Die Zählstelle steht an der Berliner Straße und an der Hamburger Allee.",
    "Frau Essen und Herr Weil leiten das Projekt gemeinsam.",
    "Die Leitung übernimmt Sabine Weil, Stellvertreter ist Thomas Essen.",
    "Das Wissen der Beschäftigten soll in Wissen und Können einfließen.",
    "Die Lage ist ernst, sagte die Ministerin.",
    "Den Haag und Salzburg liegen nicht in Deutschland.",
    "Wer suchet, der findet: in Sorge um die Zukunft.",
    "Kuchen und Brunnen gibt es auf dem Marktplatz.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_trap_words_are_no_places(gaz: Gazetteer, text: str) -> None:
    assert find_places(text, gazetteer=gaz) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Konferenz findet in Halle (Saale) statt.", "15002000"),
        ("Das Projekt in Halle/Saale wächst.", "15002000"),
        ("Gäste aus Halle an der Saale reisen an.", "15002000"),
        ("Der Stadtteil Halle-Neustadt bekommt ein Quartierszentrum.", "15002000"),
        ("Die Stadt Halle (Westf.) testet Sensoren.", "05754012"),
        ("Gäste aus Halle (Westfalen) sind dabei.", "05754012"),
        # An unqualified name takes its district's candidate ...
        ("Im Kreis Gütersloh baut die Stadt Halle ein Glasfasernetz aus.", "05754012"),
        ("Halle, Versmold und Werther teilen sich ein Funknetz.", "05754012"),
        # ... and otherwise the most populous one.
        ("Die Stadt Halle baut ein Glasfasernetz aus.", "15002000"),
        ("Die Stadt Halle in Sachsen-Anhalt baut ein Glasfasernetz aus.", "15002000"),
    ],
)
def test_halle(gaz: Gazetteer, text: str, expected: str) -> None:
    found = keys(text, gaz)
    assert expected in found
    assert not {"15002000", "05754012"} - {expected} & set(found)


@pytest.mark.parametrize(
    ("home_region", "expected"),
    [("05754", "05754012"), ("05", "05754012"), ("15", "15002000"), (None, "15002000")],
)
def test_home_region_breaks_ties(gaz: Gazetteer, home_region: str | None, expected: str) -> None:
    assert keys("Die Stadt Halle startet ein Projekt.", gaz, home_region=home_region) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Landkreis Hameln-Pyrmont digitalisiert seine Schulen.", "03252"),
        ("Im Kreis Gütersloh fahren Rufbusse.", "05754"),
        ("Der Rhein-Sieg-Kreis testet KI.", "05382"),
        ("Die Wirtschaftsförderung des Rhein-Sieg-Kreises lädt ein.", "05382"),
        ("Die Region Hannover vergibt Kita-Plätze online.", "03241"),
        ("Die Städteregion Aachen setzt einen Chatbot ein.", "05334"),
        ("Kommunen im Märkischen Kreis teilen ein Rechenzentrum.", "05962"),
        ("Im Vogtlandkreis prüft eine Software Anträge.", "14523"),
        ("Der Regionalverband Saarbrücken hilft beim Antrag.", "10041"),
    ],
)
def test_districts(gaz: Gazetteer, text: str, expected: str) -> None:
    assert keys(text, gaz) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das Land NRW fördert offene Daten.", "05"),
        ("Nordrhein-Westfalen fördert offene Daten.", "05"),
        ("Baden-Württemberg baut eine Datenplattform.", "08"),
        ("Der Freistaat Bayern fördert das Netz.", "09"),
        ("Kommunen in Sachsen-Anhalt tauschen sich aus.", "15"),
        ("In Brandenburg entstehen Mobilitätsstationen.", "12"),
        ("Das Saarland fördert LED-Leuchten.", "10"),
    ],
)
def test_states(gaz: Gazetteer, text: str, expected: str) -> None:
    assert keys(text, gaz) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In Kreuzberg werden Ladezonen digital.", ["11000000"]),
        ("Neue Netze entstehen in Schwabing und Freiham.", ["09162000"]),
        ("Die HafenCity und Altona bekommen Fernwärme.", ["02000000"]),
        ("Berlin-Brandenburg plant einen Flughafen-Express.", ["11000000"]),
    ],
)
def test_town_districts_belong_to_their_city(
    gaz: Gazetteer, text: str, expected: list[str]
) -> None:
    assert keys(text, gaz) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In Essen entstehen 600 Ladepunkte.", ["05113000"]),
        ("Die Stadtwerke Essen bauen aus.", ["05113000"]),
        ("Die Hochschule in Hof hat ein 5G-Netz.", ["09464000"]),
        ("In Wetter (Ruhr) messen Pegelsensoren.", ["05954032"]),
        ("Bauanträge in Lauf an der Pegnitz sind digital.", ["09574138"]),
        ("Weil am Rhein und Lörrach planen eine App.", ["08336091", "08336050"]),
        ("Die Stadt Bergen auf Rügen lenkt Besucher.", ["13073010"]),
        ("Kiel setzt auf eine Lernplattform.", ["01002000"]),
        ("Parksensoren in Hagen, Kiel und Münster.", ["05914000", "01002000", "05515000"]),
    ],
)
def test_ordinary_word_names_with_place_context(
    gaz: Gazetteer, text: str, expected: list[str]
) -> None:
    assert keys(text, gaz) == expected


def test_place_fields_and_evidence(gaz: Gazetteer) -> None:
    text = "Am 3. Juni findet die Konferenz in Halle (Saale) statt. Gastgeber ist Sachsen-Anhalt."
    halle, state = find_places(text, title="Konferenz", gazetteer=gaz)
    assert (halle.name, halle.kind, halle.ags, halle.role) == (
        "Halle (Saale)",
        "municipality",
        "15002000",
        "mentioned",
    )
    assert halle.state == "Sachsen-Anhalt" and halle.population and halle.lat and halle.lon
    assert "Halle (Saale)" in halle.evidence and len(halle.evidence) < 200
    assert (state.kind, state.ags, state.name) == ("state", "15", "Sachsen-Anhalt")


def test_deduplicated_by_key_in_order_of_mention(gaz: Gazetteer) -> None:
    text = "Leipzig und Dresden kooperieren. Auch in Leipzig gibt es Sensoren."
    assert keys(text, gaz, title="Dresden startet") == ["14612000", "14713000"]


def test_empty_text(gaz: Gazetteer) -> None:
    assert find_places("", gazetteer=gaz) == []


@pytest.mark.parametrize(
    ("town", "postal_code", "expected"),
    [
        ("Halle (Saale)", "06108", "15002000"),
        ("Halle", "06108", "15002000"),
        ("Halle", "33790", "05754012"),
        ("Halle (Westf.)", None, "05754012"),
        ("06108 Halle (Saale)", None, "15002000"),
        ("Mansfelder Str. 56, 06108 Halle (Saale)", None, "15002000"),
        ("Frankfurt", "15230", "12053000"),
        ("Frankfurt", "60311", "06412000"),
        ("Neustadt", "67433", "07316000"),
        ("Berlin-Kreuzberg", "10997", "11000000"),
        ("Essen", "45127", "05113000"),
    ],
)
def test_resolve_place(gaz: Gazetteer, town: str, postal_code: str | None, expected: str) -> None:
    place = resolve_place(town, postal_code, gazetteer=gaz)
    assert place is not None
    assert (place.ags, place.role, place.kind) == (expected, "event", "municipality")


@pytest.mark.parametrize(("town", "postal_code"), [(None, "06108"), ("", None), ("Atlantis", None)])
def test_resolve_place_unknown(gaz: Gazetteer, town: str | None, postal_code: str | None) -> None:
    assert resolve_place(town, postal_code, gazetteer=gaz) is None


def test_resolve_place_uses_context(gaz: Gazetteer) -> None:
    context = "Der Digitaltag im Kreis Gütersloh findet im Rathaus statt."
    place = resolve_place("Halle", context=context, gazetteer=gaz)
    assert place is not None and place.ags == "05754012"


def test_labelled_set_precision_and_recall() -> None:
    sys.path.insert(0, str(REPO))
    from eval.labelled_eval import load_labelled, score_places

    docs = load_labelled()
    assert len(docs) >= 45
    score = score_places(docs)
    assert score.precision >= 0.95, score.errors
    assert score.recall >= 0.9, score.errors


def test_labelled_set_is_well_formed(gaz: Gazetteer) -> None:
    sys.path.insert(0, str(REPO))
    from eval.labelled_eval import load_labelled

    docs = load_labelled()
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids))
    slugs = {
        "digitaler-zwilling", "mobilitaet", "energie-klima", "bildung", "beteiligung", "daten",
        "ki", "sensorik", "verwaltung", "infrastruktur", "foerderung", "veranstaltungen",
    }  # fmt: skip
    for doc in docs:
        assert 400 <= len(doc["text"]) <= 1500, doc["id"]
        assert set(doc["topics"]) <= slugs, doc["id"]
        assert all(gaz.get(a) for a in doc["places"]), doc["id"]
        assert doc["duplicate_of"] in ("", *ids)
    assert sum(1 for d in docs if d["duplicate_of"]) >= 3


@pytest.mark.parametrize(
    "region, ags, name",
    [
        ("15002", "15002000", "Halle (Saale)"),
        ("05754012", "05754012", "Halle (Westf.)"),
        ("15", "15", None),
    ],
)
def test_home_place_of_a_source(region, ags, name):
    from citynews.normalize.places import home_place

    place = home_place(region)
    assert place is not None and place.ags == ags and place.role == "source-home"
    if name:
        assert place.name == name


def test_no_home_place_without_region():
    from citynews.normalize.places import home_place

    assert home_place(None) is None and home_place("99999") is None
