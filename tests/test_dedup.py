"""Near-duplicate detection: reworded copies of one story, not different stories."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from citynews.normalize.dedup import (
    NUM_PERM,
    SIGNATURE_BYTES,
    find_duplicates,
    signature,
    similarity,
)

ORIGINAL = (
    "Die Stadt Halle (Saale) startet im Juni 2026 eine neue Beteiligungsplattform für ihre "
    "Bürgerinnen und Bürger. Auf der Plattform können Einwohnerinnen und Einwohner Vorschläge "
    "für die Gestaltung öffentlicher Plätze einreichen, Ideen kommentieren und über Prioritäten "
    "abstimmen. Die Plattform basiert auf der Open-Source-Software Decidim und wird im "
    "Rechenzentrum des kommunalen IT-Dienstleisters betrieben. In einer ersten Phase sollen die "
    "Neugestaltung des Marktplatzes und die Begrünung von drei Schulhöfen diskutiert werden. "
    "Oberbürgermeister und Stadtrat haben zugesagt, die Ergebnisse in die weiteren Planungen "
    "einzubeziehen. Wer keinen Internetzugang hat, kann Vorschläge auch in den "
    "Stadtteilbibliotheken abgeben, wo Mitarbeitende bei der Eingabe helfen. Das Projekt wird im "
    "Rahmen des Bundesprogramms Modellprojekte Smart Cities gefördert und soll nach einer "
    "Testphase von zwölf Monaten auf weitere Themen wie Verkehr und Klimaanpassung ausgeweitet "
    "werden."
)
# What a portal makes of it: a new lead sentence and a few words swapped.
REWORDED = (
    "Halle (Saale) bekommt eine digitale Beteiligungsplattform: Ab Juni 2026 können Bürgerinnen "
    "und Bürger mitreden. Auf der Plattform können Einwohnerinnen und Einwohner Vorschläge für "
    "die Gestaltung öffentlicher Plätze einreichen, Ideen kommentieren und über Prioritäten "
    "abstimmen. Die Plattform basiert auf der Open-Source-Software Decidim und wird im "
    "Rechenzentrum des kommunalen IT-Dienstleisters betrieben. In einer ersten Phase sollen die "
    "Neugestaltung des Marktplatzes und die Begrünung von drei Schulhöfen diskutiert werden. "
    "Oberbürgermeister und Stadtrat haben zugesagt, die Ergebnisse in die künftigen Planungen "
    "einzubeziehen. Wer keinen Internetzugang hat, kann Vorschläge auch in den "
    "Stadtteilbibliotheken abgeben, wo Mitarbeitende bei der Eingabe unterstützen. Das Vorhaben "
    "wird im Rahmen des Bundesprogramms Modellprojekte Smart Cities gefördert und soll nach "
    "einer Testphase von zwölf Monaten auf weitere Themen wie Verkehr und Klimaanpassung "
    "ausgeweitet werden."
)
# The city's own page: same text with a contact line appended.
WITH_FOOTER = ORIGINAL + " Kontakt: Presseamt der Stadt Halle (Saale), Marktplatz 1."
# Same topic, same programme, another city: a different story.
OTHER_STORY = (
    "Die Stadt Jena startet im September 2026 eine Beteiligungsplattform für den neuen "
    "Radverkehrsplan. Bürgerinnen und Bürger können auf einer digitalen Karte gefährliche "
    "Kreuzungen markieren, fehlende Radwege melden und Vorschläge für Fahrradstraßen machen. Die "
    "Beiträge werden von der Verkehrsplanung ausgewertet und in einem öffentlichen Bericht "
    "zusammengefasst. Ergänzend finden in vier Stadtteilen Vor-Ort-Termine statt, bei denen "
    "Planerinnen und Planer die Vorschläge mit Anwohnenden diskutieren. Die Plattform wird von "
    "einem Dienstleister aus Erfurt betrieben und ist barrierefrei gestaltet. Das Projekt wird "
    "im Rahmen des Bundesprogramms Modellprojekte Smart Cities gefördert. Nach Abschluss der "
    "Beteiligung soll der Stadtrat im Frühjahr 2027 über den Radverkehrsplan entscheiden und "
    "erste Maßnahmen sollen noch im selben Jahr umgesetzt werden."
)
# Two announcements written from one template: different events, so different stories.
TEMPLATE_JENA = (
    "Am 14. September 2026 findet im Volkshaus in Jena die 11. Regionalkonferenz der "
    "Modellprojekte Smart Cities statt. Die Veranstaltung richtet sich an Vertreterinnen und "
    "Vertreter aus Kommunen der Region, unabhängig davon, ob sie gefördert werden. Im Mittelpunkt "
    "stehen Workshops zu digitalen Zwillingen, Datenplattformen und Bürgerbeteiligung. Die "
    "Teilnahme ist kostenfrei, eine Anmeldung ist bis zum 31. August möglich. Das Programm "
    "beginnt um 9:30 Uhr mit einem Grußwort des Oberbürgermeisters und endet gegen 16 Uhr mit "
    "einer Podiumsdiskussion."
)
TEMPLATE_HALLE = (
    "Am 3. Juni 2026 findet im Stadthaus in Halle (Saale) die 22. Regionalkonferenz der "
    "Modellprojekte Smart Cities statt. Die Veranstaltung richtet sich an Vertreterinnen und "
    "Vertreter aus Kommunen der Region, unabhängig davon, ob sie gefördert werden. Im Mittelpunkt "
    "stehen Workshops zu Mobilität, Wärmeplanung und Sensorik. Die Teilnahme ist kostenfrei, eine "
    "Anmeldung ist bis zum 20. Mai möglich. Das Programm beginnt um 10 Uhr mit einem Grußwort der "
    "Bürgermeisterin und endet gegen 17 Uhr mit einem Markt der Möglichkeiten."
)
SHORT = "Halle startet eine Beteiligungsplattform für Bürgerinnen und Bürger."


@pytest.fixture(scope="module")
def sigs() -> dict[str, bytes]:
    texts = {
        "original": ORIGINAL,
        "reworded": REWORDED,
        "footer": WITH_FOOTER,
        "other": OTHER_STORY,
        "jena": TEMPLATE_JENA,
        "halle": TEMPLATE_HALLE,
    }
    return {name: signature(text) for name, text in texts.items()}


def test_signature_is_compact_fixed_size_bytes(sigs):
    assert all(isinstance(s, bytes) and len(s) == SIGNATURE_BYTES == 512 for s in sigs.values())


def test_signature_is_deterministic_across_calls_and_processes(sigs):
    assert signature(ORIGINAL) == sigs["original"]
    code = (
        "import sys; from citynews.normalize.dedup import signature; "
        "sys.stdout.write(signature(sys.stdin.read()).hex())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=ORIGINAL, capture_output=True, text=True, check=True
    )
    assert bytes.fromhex(done.stdout) == sigs["original"]


def test_signature_ignores_case_and_punctuation():
    assert signature(ORIGINAL.upper().replace(",", "")) == signature(ORIGINAL)


@pytest.mark.parametrize(
    ("left", "right", "low", "high"),
    [
        ("original", "original", 1.0, 1.0),
        ("original", "reworded", 0.8, 1.0),
        ("original", "footer", 0.85, 1.0),
        ("original", "other", 0.0, 0.4),
        ("jena", "halle", 0.0, 0.75),
    ],
)
def test_similarity_estimates_jaccard(sigs, left, right, low, high):
    assert low <= similarity(sigs[left], sigs[right]) <= high


def test_reworded_copy_maps_to_the_earlier_original(sigs):
    items = [
        ("portal-copy", sigs["reworded"], "2026-05-20T08:00:00Z"),
        ("city-page", sigs["original"], "2026-05-19T10:00:00Z"),
        ("other", sigs["other"], "2026-05-18T10:00:00Z"),
    ]
    assert find_duplicates(items) == {"portal-copy": "city-page"}


@pytest.mark.parametrize("other", ["other", "jena"])
def test_different_stories_on_the_same_topic_are_not_duplicates(sigs, other):
    items = [("a", sigs["original"], "2026-05-19"), ("b", sigs[other], "2026-05-19")]
    assert find_duplicates(items) == {}


def test_template_announcements_of_different_events_are_not_duplicates(sigs):
    items = [("jena", sigs["jena"], "2026-08-01"), ("halle", sigs["halle"], "2026-05-01")]
    assert find_duplicates(items) == {}


def test_short_texts_are_never_duplicates():
    assert signature(SHORT) == b""
    items = [("a", signature(SHORT), "2026-01-01"), ("b", signature(SHORT), "2026-01-02")]
    assert find_duplicates(items) == {}


def test_malformed_or_empty_signatures_are_skipped(sigs):
    items = [
        ("a", sigs["original"], "2026-01-01"),
        ("b", b"", "2026-01-01"),
        ("c", sigs["original"][:100], "2026-01-01"),
        ("d", sigs["original"], "2026-01-02"),
    ]
    assert find_duplicates(items) == {"d": "a"}


@pytest.mark.parametrize(
    ("keys", "canonical"),
    [
        ({"a": "2026-03-02", "b": "2026-03-01", "c": "2026-03-03"}, "b"),
        ({"a": None, "b": "2026-03-05", "c": None}, "b"),
        ({"a": None, "b": None, "c": None}, "a"),
        ({"a": "2026-03-01", "b": "2026-03-01", "c": "2026-03-01"}, "a"),
        ({"c": "2026-03-01", "b": "2026-03-01", "a": "2026-03-02"}, "b"),
    ],
)
def test_canonical_is_earliest_then_smallest_id(sigs, keys, canonical):
    variants = {"a": sigs["original"], "b": sigs["reworded"], "c": sigs["footer"]}
    items = [(doc, variants[doc], key) for doc, key in keys.items()]
    result = find_duplicates(items)
    assert result == {doc: canonical for doc in keys if doc != canonical}


def _mutate(values: np.ndarray, positions: range, rng: np.random.Generator) -> np.ndarray:
    out = values.copy()
    out[list(positions)] = rng.integers(0, 2**32, len(positions), dtype=np.uint32)
    return out


def test_transitive_chain_maps_to_one_canonical():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
    y = _mutate(x, range(0, 20), rng)  # x~y: 108/128 agree
    z = _mutate(y, range(20, 40), rng)  # y~z: 108/128, x~z only 88/128
    w = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
    items = [
        ("z", z.astype("<u4").tobytes(), "2026-01-01"),
        ("y", y.astype("<u4").tobytes(), "2026-01-02"),
        ("x", x.astype("<u4").tobytes(), "2026-01-03"),
        ("w", w.astype("<u4").tobytes(), "2025-12-31"),
    ]
    assert similarity(items[0][1], items[2][1]) < 0.8
    assert find_duplicates(items) == {"y": "z", "x": "z"}


def test_threshold_is_respected(sigs):
    items = [("a", sigs["original"], None), ("b", sigs["reworded"], None)]
    assert find_duplicates(items, threshold=1.0) == {}
    assert find_duplicates(items, threshold=0.8) == {"b": "a"}
    with pytest.raises(ValueError):
        find_duplicates(items, threshold=0)


def test_hundred_thousand_items_with_planted_duplicates():
    rng = np.random.default_rng(11)
    n = 100_000
    matrix = rng.integers(0, 2**32, size=(n, NUM_PERM), dtype=np.uint32)
    for k in range(0, 2000, 2):  # 1,000 planted pairs with 116 of 128 values shared
        matrix[k + 1] = _mutate(matrix[k], range(k % 116, k % 116 + 12), rng)
    matrix[50_000:50_300] = matrix[50_000]  # one big cluster of identical copies
    items = [(f"d{i:06d}", matrix[i].tobytes(), None) for i in range(n)]
    result = find_duplicates(items)
    planted = {f"d{k + 1:06d}": f"d{k:06d}" for k in range(0, 2000, 2)}
    planted.update({f"d{i:06d}": "d050000" for i in range(50_001, 50_300)})
    assert result == planted


def _components(pairs: list[tuple[int, int]], members: range) -> list[set[int]]:
    groups = {m: {m} for m in members}
    for i, j in pairs:
        if groups[i] is not groups[j]:
            merged = groups[i] | groups[j]
            for m in merged:
                groups[m] = merged
    return [g for m, g in groups.items() if min(g) == m and len(g) > 1]


def test_many_similar_pages_match_all_pairs_comparison():
    # 500 stories with 20 copies each (8 % of values changed): ~94,000 candidate pairs, for
    # which comparing all at once allocated 110 MB.
    rng = np.random.default_rng(5)
    stories, copies = 500, 20
    matrix = np.repeat(rng.integers(0, 2**32, size=(stories, NUM_PERM), dtype=np.uint32), copies, 0)
    changed = rng.random(matrix.shape) < 0.08
    matrix[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
    items = [(f"d{i:05d}", matrix[i].tobytes(), None) for i in range(len(matrix))]
    expected = {}
    for story in range(stories):
        block = range(story * copies, (story + 1) * copies)
        close = [
            (i, j)
            for i in block
            for j in block
            if i < j and np.count_nonzero(matrix[i] == matrix[j]) >= 0.8 * NUM_PERM
        ]
        for group in _components(close, block):
            expected.update({f"d{m:05d}": f"d{min(group):05d}" for m in group - {min(group)}})
    # Its peak memory (under 40 MB, where comparing all pairs at once took 110 MB) is
    # measured by make bench (benchmarks/micro.py).
    result = find_duplicates(items)
    assert result == expected and len(expected) > 9000


LABELLED = Path(__file__).resolve().parents[1] / "eval" / "labelled"


def test_no_false_duplicates_on_labelled_set():
    docs = [
        doc
        for path in sorted(LABELLED.glob("*.toml"))
        for doc in tomllib.loads(path.read_text(encoding="utf-8")).get("doc", [])
        if "duplicate_of" in doc
    ]
    if len(docs) < 10:
        pytest.skip("eval/labelled/ has no labelled set with duplicate_of yet")
    gold = {doc["id"]: doc["duplicate_of"] for doc in docs if doc["duplicate_of"]}
    found = find_duplicates((doc["id"], signature(doc["text"]), None) for doc in docs)
    assert all(
        gold.get(dup) == canonical or gold.get(canonical) == dup for dup, canonical in found.items()
    )
    print(f"duplicates on {len(docs)} labelled texts: {len(found)} of {len(gold)} found")
