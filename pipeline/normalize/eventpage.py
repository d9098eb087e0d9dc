"""What a page's events tell about the page: its kind, and whether its guessed date is real.

Extraction sees markup, not events; these checks run once the events are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from citynews.model import Event, Kind, Page
from citynews.normalize.pagedates import day_of
from citynews.normalize.pagekind import overview_title
from citynews.normalize.structured import is_article_type, types_of

# A page whose events all share one or two names and whose text is short is about that event;
# several differently named dated items, or many dates, make an overview.
_EVENT_PAGE_CHARS = 4000
_LISTING_TITLES = 3
_LISTING_EVENTS = 6
_CALENDAR_DAY_EVENTS = 3


def refine_kind(page: Page, events: list[Event]) -> Kind:
    """The page kind, refined by the events found: extraction sees markup, not events.

    An overview headline ("Aktuelles", "Sportliche Veranstaltungen") makes a listing of a
    page whose items the extraction read as one event or an article.
    """
    if any(is_article_type(t) for node in page.jsonld for t in types_of(node)):
        return page.kind  # a news article that mentions events stays an article
    if page.kind != "listing" and overview_title(page.title):
        return "listing"
    if page.kind != "article" or not events:
        return page.kind
    titles = {e.title for e in events}
    if len(titles) >= _LISTING_TITLES or len(events) >= _LISTING_EVENTS:
        return "listing"
    if len(page.text) < _EVENT_PAGE_CHARS:
        return "event"
    return page.kind


def _event_days(events: list[Event]) -> set[date]:
    days = set()
    for event in events:
        for value in (event.start, event.end, event.registration_deadline):
            if value is not None:
                days.add(day_of(value))
    return days


def after_fetch(page: Page, now: date | None) -> bool:
    """True when the publication date lies after the day the page was fetched (``now``).

    No page is published after it was read: such a date is an announced event's day, a
    registration deadline or a calendar link's start that a date reader took for a byline.
    One day of slack covers a UTC timestamp that is already tomorrow in Berlin.
    """
    day = day_of(page.published)
    return day is not None and now is not None and day > now + timedelta(days=1)


_AS_OF = re.compile(r"(?:\bStand|\bletzte Änderung|aktualisiert(?: am)?)\s*:?\s*$", re.IGNORECASE)


def _only_as_of(text: str, day: date) -> bool:
    """Whether the day is written in the text only as an as-of stamp ("Stand: 24.01.2024"):
    a statistic's or an update's day, not the day the text was published."""
    forms = (f"{day.day:02d}.{day.month:02d}.{day.year}", f"{day.day}.{day.month}.{day.year}")
    spots = [m.start() for form in set(forms) for m in re.finditer(re.escape(form), text)]
    return bool(spots) and all(_AS_OF.search(text[max(0, at - 30) : at]) for at in spots)


_DATE_LINE = re.compile(r"^[ \t]*(\d{1,2})\.(\d{1,2})\.(\d{4})[ \t]*$", re.MULTILINE)


def _item_dateline(text: str, day: date) -> bool:
    """Whether the day is one of several dates standing on lines of their own: the datelines
    of a list of news items ("28.01.2025" above "Kita singt"), none of them the page's."""
    days = set()
    for m in _DATE_LINE.finditer(text):
        try:
            days.add(date(int(m[3]), int(m[2]), int(m[1])))
        except ValueError:
            continue
    return len(days) >= 2 and day in days


def guessed_date_is_wrong(
    page: Page, events: list[Event], *, text_guess: bool | Callable[[], bool]
) -> bool:
    """True when htmldate's guessed publication date is a bare year, or read from the visible
    text of a page that announces events or lists items (and is none of its events' days).

    htmldate falls back to any date it can find: on overviews that is an item's dateline, and a
    copyright year becomes 1 January. Neither is a publication date; unknown stays unknown.
    """
    if page.published is None:
        return False
    day = day_of(page.published)
    # On pages that announce events or list items, a date read from the visible text is an
    # item's dateline or a notice's signature date. The day of an event itself stays: news
    # written on the day of the event they report show that day (htmldate-eval has several).
    if (
        (events or page.kind == "listing")
        and day not in _event_days(events)
        and (text_guess() if callable(text_guess) else text_guess)
    ):
        return True
    # A calendar of one day shows that day everywhere: several events on it make it theirs.
    if sum(day_of(e.start) == day for e in events) >= _CALENDAR_DAY_EVENTS:
        return True
    if _only_as_of(page.text, day) or _item_dateline(page.text, day):
        return True
    if (day.month, day.day) == (1, 1):
        written = (f"01.01.{day.year}", f"1.1.{day.year}", f"1. Januar {day.year}")
        return not any(form in page.text for form in written)
    return False
