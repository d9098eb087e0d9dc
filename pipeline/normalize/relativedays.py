"""Days named relative to the day a text was written: "am kommenden Sonntag".

News write "die Landtagswahl am kommenden Sonntag" rather than a date; the day follows from
the publication date, and only from it: a crawl day says nothing about when the text was
written, so a page without a publication date gets no relative days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from citynews.normalize.dates import DateMatch

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
_RELATIVE = re.compile(
    r"\b(?:(?:am|an)\s+)?(?P<which>kommenden|nächsten|diesem|diesen)\s+"
    rf"(?P<day>{'|'.join(_WEEKDAYS)})\b(?!,?\s*(?:den\s+)?\d)",
    re.IGNORECASE,
)


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
    return found
