"""Events from tables: a header row with a date column, one event per row.

Extraction writes table rows as "cell | cell | cell" lines. A row with fewer cells than the
header lost its leading cells to a row-spanning cell above it ("2026" spanning four rows):
its cells align from the right and the spanning values carry over, so a year given once in a
``rowspan`` header cell dates every row below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from citynews.model import Event
from citynews.normalize.dates import find_dates, find_times
from citynews.normalize.eventbase import _Candidate, _combine

_DATE_HEADER = re.compile(r"^(?:datum|termine?|wann|tag|beginn|start|zeitraum)\b", re.I)
_YEAR_HEADER = re.compile(r"^jahr\b", re.I)
_TIME_HEADER = re.compile(r"^(?:uhrzeit|zeit)\b", re.I)
_PLACE_HEADER = re.compile(r"^(?:ort|veranstaltungsort|wo)\b", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SEPARATOR = " | "


def is_date_header(text: str) -> bool:
    """Whether a column or field label names a date ("Datum", "Wann?", "Termin")."""
    return _DATE_HEADER.match(text) is not None


@dataclass
class _Table:
    header: list[str]
    start: int  # offset of the header line
    date_col: int
    year_col: int | None
    time_col: int | None
    place_col: int | None


def _header(cells: list[str], start: int) -> _Table | None:
    date_col = next((i for i, c in enumerate(cells) if _DATE_HEADER.match(c)), None)
    if date_col is None:
        return None

    def col(pattern: re.Pattern[str]) -> int | None:
        return next((i for i, c in enumerate(cells) if pattern.match(c)), None)

    return _Table(cells, start, date_col, col(_YEAR_HEADER), col(_TIME_HEADER), col(_PLACE_HEADER))


def _aligned(cells: list[str], previous: list[str], width: int) -> list[str] | None:
    """The row's cells at the header's positions; missing leading cells carry over."""
    if len(cells) == width:
        return cells
    if 0 < len(cells) < width and len(previous) == width:
        return previous[: width - len(cells)] + cells
    return None


def _row_event(
    table: _Table, row: list[str], reference: date | None, position: int
) -> _Candidate | None:
    day_text = row[table.date_col]
    year = row[table.year_col] if table.year_col is not None else ""
    if _YEAR.match(year) and re.fullmatch(r"\d{1,2}\.\d{1,2}\.", day_text.strip()):
        day_text = f"{day_text.strip()}{year}"
    dates = find_dates(day_text, reference=reference)
    if not dates:
        return None
    times = find_times(row[table.time_col]) if table.time_col is not None else []
    start, end, all_day = _combine(dates[0], times)
    skip = {table.date_col, table.year_col, table.time_col}
    title = " – ".join(c for i, c in enumerate(row) if i not in skip and c and i != table.place_col)
    venue = row[table.place_col] if table.place_col is not None else None
    event = Event(title=title[:140], start=start, end=end, all_day=all_day, venue=venue or None)
    return _Candidate(event, position, 2)


def table_events(text: str, reference: date | None) -> list[_Candidate]:
    """One candidate per dated row of every table that has a date column."""
    found: list[_Candidate] = []
    table: _Table | None = None
    previous: list[str] = []
    pos = 0
    for line in text.split("\n"):
        offset, pos = pos, pos + len(line) + 1
        if _SEPARATOR not in line:
            table = None
            continue
        cells = [c.strip() for c in line.split("|")]
        if table is None:
            table = _header(cells, offset)
            previous = []
            continue
        row = _aligned(cells, previous, len(table.header))
        if row is None:
            continue
        previous = row
        if (candidate := _row_event(table, row, reference, offset)) is not None:
            found.append(candidate)
    return found
