"""The committed gazetteer file (counts, known keys, hierarchy) and the build's name parsing."""

from __future__ import annotations

import gzip
import math

import pytest

from citynews.normalize import gazetteer as gz
from citynews.normalize.gazetteer import ATTRIBUTION, DEFAULT_PATH, load_gazetteer
from tools.build_gazetteer import stats
from tools.gazetteer_names import district_aliases, municipality_aliases, split_official


@pytest.fixture(scope="module")
def gaz() -> gz.Gazetteer:
    return load_gazetteer()


def test_file_is_committed_and_compact() -> None:
    assert DEFAULT_PATH.exists()
    assert DEFAULT_PATH.stat().st_size < 2_000_000


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [
        # datenguidepy keeps some municipalities dissolved by reforms after 2008: see
        # data/gazetteer/ATTRIBUTION.md; the official count is about 10,800.
        ("municipality", 10_500, 12_400),
        ("district", 390, 410),
        ("state", 16, 16),
    ],
)
def test_counts(gaz: gz.Gazetteer, kind: str, low: int, high: int) -> None:
    assert low <= len(gaz.of_kind(kind)) <= high


@pytest.mark.parametrize(
    ("ags", "short", "kind"),
    [
        ("15002000", "Halle (Saale)", "municipality"),
        ("05754012", "Halle (Westf.)", "municipality"),
        ("11000000", "Berlin", "municipality"),
        ("02000000", "Hamburg", "municipality"),
        ("09162000", "München", "municipality"),
        ("05754", "Kreis Gütersloh", "district"),
        ("03252", "Landkreis Hameln-Pyrmont", "district"),
        ("05382", "Rhein-Sieg-Kreis", "district"),
        ("03241", "Region Hannover", "district"),
        ("05334", "Städteregion Aachen", "district"),
        ("10041", "Regionalverband Saarbrücken", "district"),
        ("15", "Sachsen-Anhalt", "state"),
        ("08", "Baden-Württemberg", "state"),
    ],
)
def test_known_keys(gaz: gz.Gazetteer, ags: str, short: str, kind: str) -> None:
    entry = gaz.get(ags)
    assert entry is not None
    assert (entry.short, entry.kind) == (short, kind)


@pytest.mark.parametrize(
    ("ags", "lat", "lon"),
    [
        ("15002000", 51.48, 11.97),
        ("05754012", 52.06, 8.36),
        ("11000000", 52.52, 13.40),
        ("09162000", 48.14, 11.58),
    ],
)
def test_coordinates(gaz: gz.Gazetteer, ags: str, lat: float, lon: float) -> None:
    entry = gaz.get(ags)
    assert entry is not None and entry.lat is not None and entry.lon is not None
    assert math.isclose(entry.lat, lat, abs_tol=0.05)
    assert math.isclose(entry.lon, lon, abs_tol=0.05)
    assert entry.coord_source == "geonames"


def test_every_municipality_has_district_and_state(gaz: gz.Gazetteer) -> None:
    for entry in gaz.of_kind("municipality"):
        assert len(entry.ags) == 8
        assert gaz.get(entry.ags[:5]) is not None, entry
        assert gaz.get(entry.ags[:2]) is not None, entry
        assert gaz.district_name(entry.ags) and gaz.state_name(entry.ags)
        assert entry.lat is not None, entry  # GeoNames or the district's centroid
        assert entry.coord_source in {"geonames", "district"}


def test_every_district_lies_in_a_state(gaz: gz.Gazetteer) -> None:
    for entry in gaz.of_kind("district"):
        assert len(entry.ags) == 5 and gaz.get(entry.ags[:2]) is not None
        assert entry.lat is not None


def test_rows_sorted_for_reproducible_builds() -> None:
    with gzip.open(DEFAULT_PATH, "rt", encoding="utf-8") as fh:
        keys = [line.split("\t", 1)[0] for line in fh][1:]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_lookup_ranks_by_population(gaz: gz.Gazetteer) -> None:
    found = gaz.lookup("Halle")
    assert [e.ags for e in found[:2]] == ["15002000", "05754012"]
    assert gaz.lookup("Nirgendwo an der Nirgends") == []


@pytest.mark.parametrize(
    ("official", "expected"),
    [
        ("Halle (Saale), Stadt", ("Halle (Saale)", ["Stadt"], [])),
        ("Friedrichsthal, Saar", ("Friedrichsthal", [], ["Saar"])),
        (
            "Kiel, Landeshauptstadt, Kreisfreie Stadt",
            ("Kiel", ["Landeshauptstadt", "Kreisfreie Stadt"], []),
        ),
        ("Gütersloh, Kreis", ("Gütersloh", ["Kreis"], [])),
    ],
)
def test_split_official(official: str, expected: tuple) -> None:
    assert split_official(official) == expected


@pytest.mark.parametrize(
    ("official", "short", "aliases"),
    [
        ("Halle (Saale), Stadt", "Halle (Saale)", ["Halle/Saale", "Halle an der Saale", "Halle"]),
        ("Halle (Westf.)", "Halle (Westf.)", ["Halle (Westfalen)", "Halle"]),
        ("Lübeck, Hansestadt, Kreisfreie Stadt", "Lübeck", ["Hansestadt Lübeck"]),
        ("Garching b.München, St", "Garching bei München", ["Garching bei München", "Garching"]),
        ("Lauf a.d.Pegnitz, St", "Lauf an der Pegnitz", ["Lauf a.d. Pegnitz", "Lauf"]),
        ("St. Ingbert, Stadt", "St. Ingbert", ["Sankt Ingbert"]),
        ("Frankfurt am Main, krsfr. Stadt", "Frankfurt am Main", ["Frankfurt"]),
    ],
)
def test_municipality_aliases(official: str, short: str, aliases: list[str]) -> None:
    got_short, got_aliases = municipality_aliases(official)
    assert got_short == short
    assert set(aliases) <= set(got_aliases)


@pytest.mark.parametrize(
    ("official", "short", "aliases"),
    [
        ("Gütersloh, Kreis", "Kreis Gütersloh", ["Landkreis Gütersloh", "Kreises Gütersloh"]),
        ("Hameln-Pyrmont, Landkreis", "Landkreis Hameln-Pyrmont", ["Kreis Hameln-Pyrmont"]),
        ("Rhein-Sieg-Kreis", "Rhein-Sieg-Kreis", ["Rhein-Sieg-Kreises"]),
        ("Märkischer Kreis", "Märkischer Kreis", ["Märkischen Kreis"]),
        ("Region Hannover, Landkreis", "Region Hannover", ["Region Hannover"]),
        (
            "Städteregion Aachen (einschl. Stadt Aachen)",
            "Städteregion Aachen",
            ["StädteRegion Aachen"],
        ),
        # A kreisfreie Stadt is found as its municipality, never as a district.
        ("Halle (Saale), Kreisfreie Stadt", "Halle (Saale)", []),
    ],
)
def test_district_aliases(official: str, short: str, aliases: list[str]) -> None:
    got_short, got_aliases = district_aliases(official)
    assert got_short == short
    assert set(aliases) <= set(got_aliases)
    if not aliases:
        assert got_aliases == []


@pytest.mark.parametrize(
    ("ags", "word", "strong"),
    [
        ("05113000", "Essen", True),  # 'essen' is a verb
        ("09464000", "Hof", False),  # a noun: 'Höfe'
        ("05954032", "Wetter", True),
        ("15002000", "Halle", True),
    ],
)
def test_common_word_flags(gaz: gz.Gazetteer, ags: str, word: str, strong: bool) -> None:
    entry = gaz.get(ags)
    assert entry is not None and word in entry.common_words
    assert (word in entry.strong_words) is strong


def test_plain_names_are_not_flagged(gaz: gz.Gazetteer) -> None:
    for ags in ("05754008", "15003000", "05711000"):  # Gütersloh, Magdeburg, Bielefeld
        entry = gaz.get(ags)
        assert entry is not None and not entry.common_words


def test_load_is_cached(gaz: gz.Gazetteer) -> None:
    assert load_gazetteer() is gaz
    assert load_gazetteer(DEFAULT_PATH) is gaz


def test_attribution_names_both_sources() -> None:
    assert "Datenlizenz Deutschland" in ATTRIBUTION and "GeoNames" in ATTRIBUTION
    text = (DEFAULT_PATH.parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Datenlizenz Deutschland" in text and "CC BY 4.0" in text


def test_stats_parses_anew_without_touching_the_cache(gaz: gz.Gazetteer) -> None:
    report = stats()
    assert report["states"] == 16 and report["districts"] == len(gaz.of_kind("district"))
    assert report["file_bytes"] == DEFAULT_PATH.stat().st_size
    assert report["load_seconds"] > 0
    assert load_gazetteer() is gaz
