"""Daily runs: "täglich bis 12. Mai, außer montags, 19 Uhr".

Such a sentence names one day, the run's last; the run starts when the text was written
(its publication date) and its exceptions ("außer montags") are kept as a note. Without a
publication date the start is unknown and no run is made (the crawl day is no start).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from citynews.model import BERLIN, Event
from citynews.normalize.dates import DateMatch, find_times

_DAILY_UNTIL = re.compile(
    r"\b(?:täglich|jeden\s+Tag)(?:\s+(?:noch|weiter|geöffnet))?\s+bis\s+"
    r"(?:zum\s+|einschließlich\s+)?$",
    re.IGNORECASE,
)
_DAY = r"(?:mon|diens|mittwoch|donners|frei|sams|sonnabend|sonn|feier)[a-zäöü]*"
_EXCEPT = re.compile(
    rf"\b(?:außer|ausgenommen)\s+(?:an\s+|am\s+)?{_DAY}(?:-?(?:\s*,\s*|\s+und\s+){_DAY})*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DailyRun:
    note: str  # "täglich, außer montags"
    hours: str  # the rest of the sentence, where the run's daily time stands


def daily_run(text: str, sentence: tuple[int, int], match: DateMatch) -> DailyRun | None:
    """The run a date ends ("täglich bis 12. Mai"), if it ends one."""
    before = text[max(sentence[0], match.span[0] - 60) : match.span[0]]
    one_day = match.end is None or not match.all_day  # "20. April von 10 bis 18 Uhr" is one day
    if not one_day or not _DAILY_UNTIL.search(before):
        return None
    rest = text[match.span[1] : sentence[1]]
    exception = _EXCEPT.search(rest)
    note = "täglich" + (f", {exception[0]}" if exception else "")
    return DailyRun(note, rest)


def _hours(match: DateMatch, run: DailyRun) -> tuple[time, time] | None:
    """The daily hours: those written with the last day, else the first time after it."""
    if isinstance(match.start, datetime):
        end = match.end if isinstance(match.end, datetime) else match.start
        return match.start.time(), end.time()
    times = find_times(run.hours)
    if not times:
        return None
    return times[0].start, times[0].end or times[0].start


def run_event(
    event: Event, run: DailyRun, match: DateMatch, published: date | None
) -> Event | None:
    """The event as a run from the publication date to the match's day, at its daily hours."""
    last = match.start.date() if isinstance(match.start, datetime) else match.start
    if published is None or published > last:
        return None
    hours = _hours(match, run)
    if hours is None:
        return replace(event, start=published, end=last, all_day=True, description=run.note)
    start = datetime.combine(published, hours[0], tzinfo=BERLIN)
    end = datetime.combine(last, hours[1], tzinfo=BERLIN)
    return replace(event, start=start, end=end, all_day=False, description=run.note)
