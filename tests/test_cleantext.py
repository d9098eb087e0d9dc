"""Text cleaned once at the boundary: surrogates, control characters, bidi controls."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from citynews.normalize.cleantext import clean_bytes, clean_deep, clean_markup, clean_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rathaus Halle", "Rathaus Halle"),
        ("Tab\tund\nZeile", "Tab\tund\nZeile"),
        ("Ladesäulen\x0bfür", "Ladesäulen\nfür"),
        ("Seite 1\x0cSeite 2", "Seite 1\nSeite 2"),
        ("Null\x00byte", "Nullbyte"),
        ("Glocke\x07 und Escape\x1b", "Glocke und Escape"),
        ("C1\x85Zeile", "C1\nZeile"),
        ("C1\x9bsteuer", "C1steuer"),
        ("Sturm\ud800 am Rathaus", "Sturm am Rathaus"),
        ("hoch\udfff", "hoch"),
        ("\u202eetreuS", "etreuS"),
        ("\u2066isoliert\u2069", "isoliert"),
        ("Zeile\u2028Absatz\u2029Ende", "Zeile\nAbsatz\nEnde"),
        ("Umlaute äöüß € ✓ 😀", "Umlaute äöüß € ✓ 😀"),
        ("\u200fRLM bleibt", "\u200fRLM bleibt"),
    ],
)
def test_clean_text(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<p>ganz normal</p>", b"<p>ganz normal</p>"),
        (b"<p>eins\x0bzwei</p>", b"<p>eins\nzwei</p>"),
        (b"<p>null\x00</p>", b"<p>null</p>"),
        ("<p>Straße\x0c</p>".encode(), "<p>Straße\n</p>".encode()),
        ("<p>Straße</p>".encode("latin-1"), "<p>Straße</p>".encode("latin-1")),
        # UTF-16 pages are cleaned after decoding: their NUL bytes are characters' halves.
        ("\ufeff<p>a</p>".encode("utf-16-le"), "\ufeff<p>a</p>".encode("utf-16-le")),
    ],
)
def test_clean_bytes(body, expected):
    assert clean_bytes(body) == expected


def test_clean_markup_takes_text_or_bytes():
    assert clean_markup("a\x0bb") == "a\nb"
    assert clean_markup(b"a\x0bb") == b"a\nb"


@dataclass
class _Inner:
    name: str
    tags: list[str] = field(default_factory=list)


@dataclass
class _Outer:
    title: str
    inner: _Inner
    data: dict
    when: int = 3


def test_clean_deep_reaches_json_ld_strings_and_dataclasses():
    parsed = json.loads('{"headline": "A\\ud800B", "author": [{"name\\udc00": "\\u202eX"}]}')
    outer = _Outer("T\x0bU", _Inner("N\x00", ["\ud83d", "ok"]), parsed)
    cleaned = clean_deep(outer)
    assert cleaned is outer
    assert outer.title == "T\nU"
    assert outer.inner.name == "N" and outer.inner.tags == ["", "ok"]
    assert outer.data == {"headline": "AB", "author": [{"name": "X"}]}
    assert outer.when == 3
    assert clean_deep(("a\x00", 1, None)) == ("a", 1, None)


def test_clean_deep_stops_at_absurd_depth_without_recursion_error():
    nested: list = ["x\x00"]
    for _ in range(5000):
        nested = [nested]
    clean_deep(nested)
