"""Sentence bounds in extracted text, for readers that judge a date by its sentence."""

from __future__ import annotations

import re

# Dots after digits ("3. Juni") and after abbreviations and initials ("St. Marien", "Dr. Weber",
# "e. V. Der") do not end a sentence. Punctuation at the end of a line does, whatever the next
# line starts with ("Eintritt frei!\n26.11.2024"); so does a blank line.
_SENTENCE_END = re.compile(
    r"(?<![\d\s])(?<!\b\w)(?<!\bSt)(?<!\bDr)(?<!\bNr)(?<!\bStr)(?<!\bProf)(?<!\bca)(?<!\bbzw)"
    r"[.!?](?=\s+[A-ZÄÖÜ\"„]|[ \t]*\n)|\n\s*\n"
)


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``text[start:end]`` (at most 300 characters each side)."""
    left = max(0, start - 300)
    for m in _SENTENCE_END.finditer(text, left, start):
        left = m.end()
    right_m = _SENTENCE_END.search(text, end, end + 300)
    right = right_m.start() + 1 if right_m else min(len(text), end + 300)
    while left < start and text[left].isspace():
        left += 1
    return left, right
