"""Days named relative to the day a text was written: "am kommenden Sonntag".

News write "die Landtagswahl am kommenden Sonntag" rather than a date; the day follows from
the publication date, and only from it: a crawl day says nothing about when the text was
written, so a page without a publication date gets no relative days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from citynews.normalize.dates import DateMatch
from citynews.normalize.sentences import sentence_at

_WEEKDAYS = {
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
}
# "(am) kommenden/nächsten Sonntag", "(an) diesem Freitag"; not when a date follows
# ("kommenden Sonntag, 1. September"): that date is read as written.
_PAST = re.compile(r"\b(?:hat|haben|hatte|hatten|war|waren|wurde|wurden|fand|fanden)\b")
_RELATIVE = re.compile(
    r"\b(?:(?:am|an)\s+)?(?P<which>kommenden|nächsten|diesem|diesen)\s+"
    rf"(?P<day>{'|'.join(_WEEKDAYS)})\b(?!,?\s*(?:den\s+)?\d)",
    re.IGNORECASE,
)


# "Am Montag soll es eine Anhörung geben": a bare weekday is this week's only in a sentence that
# says it is still to come; "Am Sonntag ist Markt" or "Am Montag hat der Rat …" may be any week.
_BARE = re.compile(
    # Led by a letter class, not a word boundary: the engine then skips ahead in C (3x faster).
    rf"[Aa](?<!\w[Aa])m\s+(?P<day>{'|'.join(w.capitalize() for w in _WEEKDAYS)})\b"
    r"(?!,?\s*(?:den\s+)?\d)"
)
_TO_COME = re.compile(r"\b(?:soll|sollen|wird|werden|will|wollen|geplant|findet|finden)\b")


def relative_days(text: str, published: date | None) -> list[DateMatch]:
    """Weekdays named relative to ``published``, as all-day matches in text order."""
    if published is None:
        return []
    found = []
    for m in _RELATIVE.finditer(text):
        ahead = (_WEEKDAYS[m["day"].lower()] - published.weekday()) % 7
        if ahead == 0 and m["which"].lower() in ("kommenden", "nächsten"):
            ahead = 7  # "kommenden Sonntag" written on a Sunday is next week's
        day = published + timedelta(days=ahead)
        found.append(DateMatch(start=day, end=None, all_day=True, span=m.span(), text=m[0]))
    for m in _BARE.finditer(text):
        left, right = sentence_at(text, *m.span())
        if not _TO_COME.search(text, left, right) or _PAST.search(text, left, right):
            continue
        day = published + timedelta(days=(_WEEKDAYS[m["day"].lower()] - published.weekday()) % 7)
        # The span starts at the weekday: "Am" is no part of the date.
        found.append(DateMatch(day, None, True, (m.start("day"), m.end()), m["day"]))
    return sorted(found, key=lambda match: match.span[0])
