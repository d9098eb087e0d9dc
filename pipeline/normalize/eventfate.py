"""What a sentence says about its event's fate: reported as past, or moved to another day.

Only announced (coming or running) events are events; a report of a past one is not. A
notice that moves an event ("wird vom 5. auf den 12. November verschoben") announces the new
day, not the old one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from citynews.normalize.eventbase import _Candidate, _day
from citynews.normalize.sentences import sentence_at

__all__ = ["announced", "rescheduled"]

# Past tense in the sentence of a date: the event is reported, not announced.
_REPORTED = re.compile(
    r"\b(?:fand|fanden|stattfand|stattfanden|stattgefunden|besuchten|kamen|nahmen|feierten"
    r"|trafen|informierten|diskutierten|eröffnete|eröffneten|zog|zogen)\b"
)
_ANNOUNCING = re.compile(r"\b(?:findet|finden|wird|werden|lädt|laden|beginnt|startet|soll)\b")


def announced(text: str, reference: date | None, candidates: list[_Candidate]) -> list[_Candidate]:
    """Events read from prose that the page reports as past ("Der Tag fand am 10. Oktober im
    Stadthaus statt. Rund 300 Gäste …") are no events: only those dated before the page's own
    date (or the fetch day) in a past-tense sentence without an announcing verb."""
    if reference is None:
        return candidates
    kept = []
    for cand in candidates:
        if _day(cand.event.start) < reference:
            left, right = sentence_at(text, cand.position, cand.position + 1)
            sentence = text[left:right]
            if _REPORTED.search(sentence) and not _ANNOUNCING.search(sentence):
                continue
        kept.append(cand)
    return kept


# "verschoben auf den 12. November", "verlegt auf Freitag, 14. März", "neuer Termin: …".
_TARGET = r"\s*(?:den\s+|das\s+|die\s+|der\s+)?(?:[A-Z][a-z]+,?\s+(?:den\s+)?)?$"
_MOVED_TO = re.compile(
    r"(?:(?:verschoben|verlegt|vertagt)\s+(?:auf|zum)|neuer\s+Termin\s*(?:ist|:))" + _TARGET,
    re.IGNORECASE,
)
# "wird auf den 12. November verschoben": the verb after the new day.
_ONTO = re.compile(r"\bauf" + _TARGET)
_MOVED = re.compile(r"\b(?:verschoben|verlegt|vertagt)\b")


def rescheduled(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Where a sentence moves an event to a new day, the old day's event goes and the new
    one is scheduled, with a provenance naming the day it moved from."""
    moved: dict[tuple[int, int], _Candidate] = {}
    for cand in candidates:
        bounds = sentence_at(text, cand.position, cand.position + 1)
        before = max(bounds[0], cand.position - 60)
        if _MOVED_TO.search(text, before, cand.position) or (
            _ONTO.search(text, before, cand.position)
            and _MOVED.search(text, cand.position, bounds[1])
        ):
            moved[bounds] = cand
    if not moved:
        return candidates
    kept = []
    for cand in candidates:
        bounds = sentence_at(text, cand.position, cand.position + 1)
        new = moved.get(bounds)
        if new is None:
            kept.append(cand)
        elif new is cand:
            old = [c for c in candidates if c is not cand and _same_sentence(text, c, bounds)]
            note = f"moved from {_day(old[0].event.start).isoformat()}" if old else "moved"
            event = replace(cand.event, status="scheduled", provenance=f"text: {note}")
            kept.append(replace(cand, event=event))
    return kept


def _same_sentence(text: str, cand: _Candidate, bounds: tuple[int, int]) -> bool:
    return sentence_at(text, cand.position, cand.position + 1) == bounds
