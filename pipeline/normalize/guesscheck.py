"""Whether htmldate's guessed publication date is really an event's day, read from the markup.

htmldate reads dates from ``<time>`` elements, date-classed elements and the text. On event
pages those hold the event's days: a Drupal ``date-recur-occurrences`` list, a "Nächste
Termine" box, a run "19.10.2024 bis 02.03.2025", a sentence "Die Wahl findet am 23.02.2025
statt". None of them dates the page.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

# Class or id words of the boxes that hold an event's dates (occurrence lists, "Termine").
_EVENT_BOX = re.compile(r"recur|occurrence|termin|event|veranstaltung|\bdates\b", re.IGNORECASE)
# How far up from a date a box may sit: page-wide wrappers (body classes) are not a box.
_BOX_DEPTH = 4
# A range's other end: '10.11. bis', '8. bis' (the month follows once), '– 02.03.2025'.
_RANGE_BEFORE = re.compile(r"\d{1,2}\.(?:\d{1,2}\.)?(?:\d{2,4})?\s*(?:bis|–|-)\s*$")
_RANGE_AFTER = re.compile(r"\s*(?:bis|–|-)\s*\d{1,2}\.")
# 'am 23.02.2025', 'Am Sonntag, den 23. Februar 2025': the day something happens on. A
# byline writes the date on its own, after a cue ('Veröffentlicht am', 'Dieser Artikel wurde
# am', 'Gespeichert von … am') or with the time of posting ('am 7. Juli 2019 - 18:44').
_ON_DAY = re.compile(r"\b[Aa]m\s+(?:[A-Z][a-z]+tag|Mittwoch|Sonnabend)?,?\s*(?:den\s+)?$")
_CUE_BEFORE_AM = re.compile(
    r"(?:ver(?:ö|oe)ffentlicht|erschienen|publiziert|erstellt|eingestellt|aktualisiert"
    r"|ge(?:ä|ae)ndert|bearbeitet|geschrieben|verfasst|gespeichert|gepostet|eingetragen"
    r"|wurde)\b",
    re.IGNORECASE,
)
# An author's byline: 'Von Christian am 03.05.2013', a line that starts with 'Von'.
_BYLINE = re.compile(r"(?:^|\n)[ \t]*(?:Von|By|Autor|Autorin)\b")
# The posting time after a dash or bar; 'um 11:00 Uhr' or ', 11:00 Uhr' is an occasion's hour.
_CLOCK_AFTER = re.compile(r"\s*[-–|]\s*\d{1,2}:\d{2}")
_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September")
_MONTHS += ("Oktober", "November", "Dezember")


def guess_is_event_day(tree: etree._Element, day: date) -> bool:
    """True when the page writes ``day`` only inside event-date boxes, only as a date range's
    start or end, or only as the day something happens 'am': an event's day, not the page's."""
    if _only_in_event_boxes(tree, day):
        return True
    text = _visible_text(tree)
    named = f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"
    spots = _spots(text, _forms(day) | {named})  # one pass over the text for every form
    # Figures and words each on their own: a page may write the run in figures and the
    # opening day in words.
    figures = [m for m in spots if m.group() != named]
    words = [m for m in spots if m.group() == named]
    return _all_in_ranges(text, figures) or _all_in_ranges(text, words) or _all_on_day(text, spots)


def _forms(day: date) -> set[str]:
    return {f"{day.day:02d}.{day.month:02d}.{day.year}", f"{day.day}.{day.month}.{day.year}"}


def _only_in_event_boxes(tree: etree._Element, day: date) -> bool:
    forms = _forms(day)
    hits = []
    for el in tree.iter("time", "span", "div", "p", "li", "dd", "td", "h2", "h3", "small"):
        own = (el.text or "").strip()
        if el.get("datetime", "")[:10] == day.isoformat() or any(f in own for f in forms):
            hits.append(el)
    return bool(hits) and all(_in_event_box(el) for el in hits)


def _in_event_box(el: etree._Element) -> bool:
    node: etree._Element | None = el
    for _ in range(_BOX_DEPTH):
        if node is None:
            return False
        words = f"{node.get('class', '')} {node.get('id', '')}"
        if _EVENT_BOX.search(words):
            return True
        node = node.getparent()
    return False


_BODY = etree.XPath("//body")
_HIDDEN = frozenset({"script", "style"})


def _visible_text(tree: etree._Element) -> str:
    """The body's text nodes outside ``script`` and ``style``, joined by spaces.

    Walked with a stack of child iterators (texts before children, tails after them): the
    XPath ``//body//text()[not(ancestor::script) and not(ancestor::style)]`` gave the same
    string on every corpus page at a third more time.
    """
    bodies = _BODY(tree)
    if len(bodies) != 1:
        return " ".join(tree.xpath("//body//text()[not(ancestor::script or ancestor::style)]"))
    body = bodies[0]
    parts = [body.text] if body.text else []
    stack = [(body, iter(body))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and parent.tail:
                parts.append(parent.tail)
        elif isinstance(child.tag, str) and child.tag not in _HIDDEN:
            if child.text:
                parts.append(child.text)
            stack.append((child, iter(child)))
        elif child.tail:
            parts.append(child.tail)
    return " ".join(parts)


def _all_on_day(text: str, spots: list[re.Match[str]]) -> bool:
    """Every form of the day (with its year) follows 'am' and no publication cue precedes it."""
    return bool(spots) and all(_said_on_day(text, m) for m in spots)


def _said_on_day(text: str, spot: re.Match[str]) -> bool:
    on = _ON_DAY.search(text, max(0, spot.start() - 30), spot.start())
    if on is None or _CLOCK_AFTER.match(text, spot.end()):
        return False
    before = max(0, on.start() - 40)
    return not (
        _CUE_BEFORE_AM.search(text, before, on.start()) or _BYLINE.search(text, before, on.start())
    )


def _spots(text: str, forms: set[str]) -> list[re.Match[str]]:
    pattern = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return list(re.finditer(rf"(?<!\d)(?:{pattern})(?!\d)", text))


def _all_in_ranges(text: str, spots: list[re.Match[str]]) -> bool:
    return bool(spots) and all(
        _RANGE_BEFORE.search(text, max(0, m.start() - 20), m.start())
        or _RANGE_AFTER.match(text, m.end())
        for m in spots
    )
