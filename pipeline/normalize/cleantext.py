"""Text cleaned once where it enters normalization, so no later step meets hostile characters.

Three kinds of characters are removed: lone surrogates (a JSON escape such as ``"\\ud800"``
decodes to one, and it cannot be encoded as UTF-8, so hashing or storing the text fails),
control characters other than tab and newline (``\\x0b`` from word processors made the
main-text step return nothing), and bidi overrides and isolates (U+202A–U+202E,
U+2066–U+2069: a right-to-left override turns a feed title around). Vertical tab, form
feed and the line/record separators become a newline, so the words around them stay apart.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")

# Characters that separate lines or pages: a newline keeps the words apart.
_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# C0 controls but tab, newline and carriage return (the HTML parser turns CR into a newline),
# DEL and C1 controls, lone surrogates, bidi embeddings/overrides and isolates.
_DROP = "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
_BAD = re.compile(f"[{_BREAKS}{_DROP}]")
_DROP_ONLY = re.compile(f"[{_DROP}]")
_BREAK = re.compile(f"[{_BREAKS}]")
# The same in bytes of an ASCII-compatible encoding: C0 controls only (C1 and the rest are
# multi-byte or encoding-dependent, and are cleaned once the text is decoded).
_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every other byte: deleting them leaves only the bad ones. bytes.translate walks a page in
# 0.03 ms, the character-class search above in 0.26 ms (100 kB); most pages have none.
_GOOD_BYTES = bytes(b for b in range(256) if not _BAD_BYTES.match(bytes([b])))
_BREAK_BYTES = re.compile(rb"[\x0b\x0c\x1c-\x1e]")
_DROP_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1b\x1f\x7f]")
# UTF-16 and UTF-32 pages are full of NUL bytes: they are cleaned after decoding only.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def needs_cleaning(text: str) -> bool:
    return _BAD.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` without lone surrogates, bidi controls and control characters but tab/newline."""
    if not needs_cleaning(text):
        return text
    return _DROP_ONLY.sub("", _BREAK.sub("\n", text))


def _has_bad_bytes(body: bytes) -> bool:
    return bool(body.translate(None, _GOOD_BYTES))


def clean_bytes(body: bytes) -> bytes:
    """Control bytes of an ASCII-compatible page removed (line and page breaks: a newline)."""
    if body.startswith(_WIDE_BOMS) or not _has_bad_bytes(body):
        return body
    return _DROP_BYTES.sub(b"", _BREAK_BYTES.sub(b"\n", body))


def clean_markup(html: str | bytes) -> str | bytes:
    """A page's markup cleaned before parsing, as text or as undecoded bytes."""
    return clean_bytes(html) if isinstance(html, bytes) else clean_text(html)


def markup_needs_cleaning(html: str | bytes) -> bool:
    if isinstance(html, bytes):
        return not html.startswith(_WIDE_BOMS) and _has_bad_bytes(html)
    return needs_cleaning(html)


def clean_deep(value: T) -> T:
    """Every string in ``value`` cleaned: strings, lists, tuples, dicts (keys too), dataclasses.

    Parsed JSON-LD and the fields taken from it are where escapes such as ``\\ud800`` turn into
    characters; dataclass instances are updated in place.
    """
    return _clean(value, 0)


_MAX_DEPTH = 200


def _clean(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if depth > _MAX_DEPTH:
        # Deeper than any real JSON-LD; json.loads refuses far less deep input anyway.
        return value
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {_clean(k, depth + 1): _clean(v, depth + 1) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            cleaned = _clean(current, depth + 1)
            if cleaned is not current:
                setattr(value, f.name, cleaned)
        return value
    return value
