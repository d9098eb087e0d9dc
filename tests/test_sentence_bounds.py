"""Sentence bounds around a date: abbreviations and initials do not end a sentence."""

from __future__ import annotations

import pytest

from citynews.normalize.sentences import sentence_at


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "Sitzung am 3. Mai um 19 Uhr im Ortsteil Nord, St. Marien Gemeindehaus, Kirchweg 6 in "
            "Nordstadt. Danach gibt es Kaffee.",
            "Sitzung am 3. Mai um 19 Uhr im Ortsteil Nord, St. Marien Gemeindehaus, Kirchweg 6 in "
            "Nordstadt.",
        ),
        (
            "Es spricht Prof. Dr. Weber am 3. Mai im Rathaus. Der Eintritt ist frei.",
            "Es spricht Prof. Dr. Weber am 3. Mai im Rathaus.",
        ),
        (
            "Der Turnverein e. V. Nord lädt am 3. Mai ein. Alle sind willkommen.",
            "Der Turnverein e. V. Nord lädt am 3. Mai ein.",
        ),
        ("Das war schön! Am 3. Mai geht es weiter. Ende", "Am 3. Mai geht es weiter."),
        ("Erster Absatz\n\nAm 3. Mai ist Markt", "Am 3. Mai ist Markt"),
        # Punctuation ending a line ends the sentence, even before a date line.
        ("Eintritt frei!\n12.04.2026\nAm 3. Mai ist Markt", "12.04.2026\nAm 3. Mai ist Markt"),
    ],
)
def test_sentence_at(text: str, sentence: str) -> None:
    at = text.index("3. Mai")
    start, end = sentence_at(text, at, at + len("3. Mai"))
    assert text[start:end] == sentence
