"""Daily runs ("täglich bis 12. Mai, außer montags, 19 Uhr"); snippets written for this test."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.model import BERLIN, Page
from citynews.normalize.events import extract_events

PUBLISHED = datetime(2026, 4, 2, 9, 0, tzinfo=BERLIN)


def _at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end", "note"),
    [
        (
            "Das Theaterstück läuft täglich bis 12. Mai, außer montags, 19 Uhr.",
            _at(4, 2, 19),
            _at(5, 12, 19),
            "täglich, außer montags",
        ),
        (
            "Die Schau ist täglich bis zum 30. Juni zu sehen, außer Sonn- und feiertags.",
            date(2026, 4, 2),
            date(2026, 6, 30),
            "täglich, außer Sonn- und feiertags",
        ),
        (
            "Das Eisstadion öffnet täglich bis 20. April von 10 bis 18 Uhr.",
            _at(4, 2, 10),
            _at(4, 20, 18),
            "täglich",
        ),
    ],
)
def test_daily_run(text: str, start: date | datetime, end: date | datetime, note: str) -> None:
    page = Page(url="https://www.example-stadt.de/kultur", title="Kultur", text=text)
    page.published = PUBLISHED
    [event] = extract_events(page, now=date(2026, 4, 2))
    assert (event.start, event.end, event.description) == (start, end, note)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        # No publication date: the run's start is unknown (the crawl day is no start).
        ("Das Theaterstück läuft täglich bis 12. Mai, außer montags, 19 Uhr.", None),
        # A run that ended before the text was written is no announcement.
        ("Die Schau war täglich bis 12. März zu sehen.", PUBLISHED),
    ],
)
def test_no_run(text: str, published: datetime | None) -> None:
    page = Page(url="https://www.example-stadt.de/kultur", title="Kultur", text=text)
    page.published = published
    assert extract_events(page, now=date(2026, 4, 2)) == []
