"""German date and time expressions: single dates, ranges and attached clock times.

Everything here is regex based. ``dateparser.search.search_dates`` is far too slow for running
text and reads words like "die" or numbers like "56" as dates, so it is never used.

Results are ``datetime.date`` when no clock time was given (all-day) and timezone-aware
``datetime.datetime`` in Europe/Berlin otherwise. A date without a year is only resolved when a
reference date is known; without one it is dropped instead of guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from citynews.model import BERLIN
from citynews.normalize.clocktimes import TimeMatch, find_times, time_at
from citynews.normalize.sentences import sentence_at

__all__ = ["DateMatch", "TimeMatch", "find_dates", "find_times", "infer_year", "parse_date"]

# fmt: off
_MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feber": 2, "feb": 2, "märz": 3, "maerz": 3,
    "mär": 3, "mrz": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}
# fmt: on
# Longest first so that "Juni" is not cut to "Jun" and "September" not to "Sept".
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
# The trailing guard keeps "Mai" out of "Mainz" and "Mar" out of "Markt".
_MONTH = rf"(?:{_MONTH_RE})(?![a-zäöüß])\.?"

_WEEKDAY = (
    r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag"
    r"|(?:Mo|Di|Mi|Do|Fr|Sa|So)\b\.?)"
)
_DASH = r"[-–—]"
_RANGE_SEP = rf"(?:{_DASH}|/|bis(?:\s+(?:zum|einschließlich))?)"


# A day-only range start in front of a date: "14.–16. Mai", "14. bis 16.05.2026"; a list of
# days read as the run from the first to the last: "27. und 28. Mai", "25., 26. und 27. April".
def _day_prefix(group: str) -> str:
    return (
        rf"(?:(?P<{group}>\d{{1,2}})\.(?:\s*,\s*\d{{1,2}}\.)*\s*(?:{_RANGE_SEP}|und|u\.|&)\s*"
        rf"(?:{_WEEKDAY},?\s*)?)?"
    )


# The leading lookahead lets the regex engine skip to digits; without it the scan is 10x slower.
_ATOM = re.compile(
    rf"""
    (?=\d)
    (?:
        (?<!\d)(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)
        (?:[T\s](?P<ih>\d\d):(?P<imin>\d\d)(?::\d\d(?:\.\d+)?)?
           (?P<itz>Z|[+-]\d\d:?\d\d)?)?
        (?![\d:])
    |
        (?<![\d/])(?<!\d[.,])
        {_day_prefix("nrd")}
        (?P<nd>\d{{1,2}})\.\s?(?P<nm>\d{{1,2}})\.
        (?:\s?(?P<ny>(?:19|20)\d\d)|(?P<ny2>\d\d))?
        (?!\d|\.\d)
    |
        (?<![\d/])(?<!\d[.,])
        {_day_prefix("trd")}
        (?P<td>\d{{1,2}})\.?\s*(?P<tm>{_MONTH})
        (?:\s*(?P<ty>(?:19|20)\d\d)(?!\d))?
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# A weekday in front of a date belongs to its text: "Di, 17.03.2026", "Mittwoch, 3. Juni".
_WEEKDAY_BEFORE = re.compile(rf"\b{_WEEKDAY},?\s*(?:den\s+)?$", re.IGNORECASE)
_WEEKDAY_INDEX = {
    name: i
    for i, names in enumerate(
        [("mo", "montag"), ("di", "dienstag"), ("mi", "mittwoch"), ("do", "donnerstag")]
        + [("fr", "freitag"), ("sa", "samstag", "sonnabend"), ("so", "sonntag")]
    )
    for name in names
}

# Numbers that look like "3.12." but name a version or a section, not a day.
_NOT_A_DATE_BEFORE = re.compile(
    r"(?:version|release|python|kapitel|abschnitt|abs|nr|§|v)\.?\s*$", re.IGNORECASE
)

_CONNECTOR = re.compile(rf"\s*{_RANGE_SEP}\s*", re.IGNORECASE)

# What may stand between a date and the clock time that belongs to it.
_TIME_GAP = re.compile(
    r"""
    [ \t]*(?:[,;|/(–—-][ \t]*)?
    (?:(?:[ \t]*\r?\n){1,3}[ \t]*)?
    (?:(?:um|jeweils|Beginn|Uhrzeit|Zeit|Start|Einlass)(?:[ \t]*:)?[ \t]*(?:\|[ \t]*)?)*
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Past tense around a yearless date: "fand am 3. Juni statt", "hat am 3. Juni stattgefunden".
_PAST_CUE = re.compile(
    r"\b(?:fand|fanden|stattgefunden|stattfand|stattfanden|tagte|tagten|trafen|traf|"
    r"präsentierte|präsentierten|starteten|startete|begann|begannen|endete|endeten|"
    r"kamen|war|waren|hatte|hatten|Rückblick|vergangenen?)\b",
    re.IGNORECASE,
)
_FUTURE_CUE = re.compile(
    r"\b(?:findet|finden|wird|werden|lädt|laden|geplant|statt\s*finden|stattfinden|"
    r"anmelden|Anmeldung|kommende[nmr]?|nächste[nmr]?)\b",
    re.IGNORECASE,
)


# How far back a yearless date may lie and still be read as an upcoming date.
_LOOKBACK = timedelta(days=61)


@dataclass(frozen=True)
class DateMatch:
    """One date or date range found in a text, with any clock times attached to it."""

    start: date | datetime
    end: date | datetime | None
    all_day: bool
    span: tuple[int, int]
    text: str


@dataclass(frozen=True)
class _Atom:
    """A day found by ``_ATOM`` before year inference and range linking."""

    day: int
    month: int
    year: int | None
    range_day: int | None
    span: tuple[int, int]
    moment: datetime | None = None
    weekday: int | None = None  # 0 = Monday, when the text names it: a clue to the year
    listed: tuple[int, ...] = ()  # days listed before ``day`` ("25., 26. und 27. April")


def _year(full: str | None, short: str | None) -> int | None:
    if full:
        return int(full)
    if short:
        return 2000 + int(short)
    return None


def _atom(m: re.Match[str], text: str) -> _Atom | None:
    span = m.span()
    weekday = _WEEKDAY_BEFORE.search(text, max(0, span[0] - 18), span[0])
    named_day = None
    if weekday:
        span = (weekday.start(), span[1])
        named_day = _WEEKDAY_INDEX.get(weekday.group().split(",")[0].split()[0].rstrip(".").lower())
    if m.group("iy"):
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        moment = None
        if m.group("ih"):
            hour, minute = int(m.group("ih")), int(m.group("imin"))
            if hour > 23 or minute > 59:
                return None
            try:
                naive = datetime(y, mo, d, hour, minute)
            except ValueError:
                return None
            tz = m.group("itz")
            if tz:
                moment = datetime.fromisoformat(
                    naive.isoformat() + ("+00:00" if tz.upper() == "Z" else _colon(tz))
                ).astimezone(BERLIN)
            else:
                moment = naive.replace(tzinfo=BERLIN)
        return _Atom(d, mo, y, None, span, moment)
    if m.group("nd"):
        if m.group("ny") is None and m.group("ny2") is None:
            before = text[max(0, span[0] - 12) : span[0]]
            if _NOT_A_DATE_BEFORE.search(before):
                return None
        rd, listed = _range_or_list(m, text, "nrd", int(m.group("nd")))
        return _Atom(
            int(m.group("nd")),
            int(m.group("nm")),
            _year(m.group("ny"), m.group("ny2")),
            rd,
            span,
            weekday=named_day,
            listed=listed,
        )
    month_word = m.group("tm").rstrip(".").lower()
    rd, listed = _range_or_list(m, text, "trd", int(m.group("td")))
    return _Atom(
        int(m.group("td")),
        _MONTHS[month_word],
        _year(m.group("ty"), None),
        rd,
        span,
        weekday=named_day,
        listed=listed,
    )


_LIST_WORD = re.compile(r",|\bund\b|\bu\.|&")


def _range_or_list(m: re.Match[str], text: str, group: str, last: int) -> tuple[int | None, tuple]:
    """(first day of a run, days listed apart) of the day prefix: "14.–16." and "27. und 28."
    are runs, "25., 26. und 27." and "25. und 27." three and two dates of their own."""
    first = m.group(group)
    if not first:
        return None, ()
    prefix = text[m.start(group) : m.start(group[0] + "d")]
    days = tuple(int(d) for d in re.findall(r"\d{1,2}", prefix))
    if _LIST_WORD.search(prefix) and (len(days) > 1 or days[-1] + 1 != last):
        return None, days
    return int(first), ()


def _colon(offset: str) -> str:
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plausible(month: int, day: int) -> bool:
    # 29 February is checked against the inferred year later; 2000 is a leap year.
    return _valid(2000, month, day) is not None


def infer_year(month: int, day: int, reference: date, *, past: bool = False) -> date | None:
    """The year for a day given without one, relative to a reference date.

    ``past``: the text reports something that already happened, so the latest such day on or
    before the reference. Otherwise the earliest such day not more than about two months before
    the reference (announcements are read as upcoming; a recent day still counts as itself).
    """
    if past:
        for year in range(reference.year, reference.year - 5, -1):
            found = _valid(year, month, day)
            if found and found <= reference:
                return found
        return None
    floor = reference - _LOOKBACK
    for year in range(reference.year - 1, reference.year + 5):
        found = _valid(year, month, day)
        if found and found >= floor:
            return found
    return None


def _year_of_weekday(month: int, day: int, weekday: int, reference: date) -> date | None:
    """The day nearest the reference on which "Samstag, 8. Februar" is really a Saturday."""
    fits = [
        found
        for year in range(reference.year - 2, reference.year + 3)
        if (found := _valid(year, month, day)) is not None and found.weekday() == weekday
    ]
    return min(fits, key=lambda d: abs((d - reference).days), default=None)


def _resolve(
    atom: _Atom, end_atom: _Atom | None, text: str, reference: date | None
) -> tuple[date, date | None] | None:
    """Start and end day of one atom or linked pair, with years filled in."""
    last = end_atom or atom
    if not _plausible(last.month, last.day) or not _plausible(atom.month, atom.day):
        return None
    if last.year is not None:
        end_day = _valid(last.year, last.month, last.day)
    elif reference is not None and atom.weekday is not None and atom is last:
        end_day = _year_of_weekday(atom.month, atom.day, atom.weekday, reference)
        if end_day is None:
            past = _is_past(text, atom.span[0], last.span[1])
            end_day = infer_year(last.month, last.day, reference, past=past)
    elif reference is not None:
        past = _is_past(text, atom.span[0], last.span[1])
        end_day = infer_year(last.month, last.day, reference, past=past)
    else:
        return None
    if end_day is None:
        return None
    if end_atom is None:
        if atom.range_day is None:
            return end_day, None
        start_day = _valid(end_day.year, end_day.month, atom.range_day)
        if start_day is None or start_day >= end_day:
            return None
        return start_day, end_day
    year = atom.year if atom.year is not None else end_day.year
    start_day = _valid(year, atom.month, atom.day)
    if start_day is not None and start_day > end_day and atom.year is None:
        start_day = _valid(year - 1, atom.month, atom.day)
    if start_day is None or start_day >= end_day or (end_day - start_day).days > 366:
        return None
    return start_day, end_day


def _is_past(text: str, start: int, end: int) -> bool:
    left, right = sentence_at(text, start, end)
    sentence = text[left:right]
    return bool(_PAST_CUE.search(sentence)) and not _FUTURE_CUE.search(sentence)


def _attach(text: str, pos: int) -> TimeMatch | None:
    gap = _TIME_GAP.match(text, pos)
    at = gap.end() if gap else pos
    return time_at(text, at)


def _combine(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


def _build(
    text: str, start_day: date, end_day: date | None, tm: TimeMatch | None, span: tuple[int, int]
) -> DateMatch:
    if tm is not None and tm.start == time(0, 0) and tm.end is None:
        # Calendars print "00:00 Uhr" for events without a time: the day alone is known.
        tm = None
    if tm is None:
        return DateMatch(start_day, end_day, True, span, text[span[0] : span[1]])
    span = (span[0], tm.span[1])
    start = _combine(start_day, tm.start)
    end: date | datetime | None = end_day
    if tm.end is not None:
        last = end_day or start_day
        end = _combine(last, tm.end)
        if end <= start:
            end = _combine(last + timedelta(days=1), tm.end)
    return DateMatch(start, end, False, span, text[span[0] : span[1]])


# How far back a dated day still gives its year to a day written without one.
_CONTEXT_REACH = 2000


_HEADING_YEAR = re.compile(r"(?:^|\n)([^\n]{0,80}\b((?:19|20)\d\d))[ \t]*\n[^\n]*$")


def _local_reference(
    atom: _Atom, partner: _Atom | None, last_dated: tuple[int, date] | None, reference: date | None
) -> date | None:
    """The nearest earlier full date of the text, for a day written without a year."""
    if (partner or atom).year is not None or last_dated is None:
        return reference
    position, day = last_dated
    return day if atom.span[0] - position <= _CONTEXT_REACH else reference


def _with_heading_year(
    text: str, atom: _Atom, partner: _Atom | None, last_dated: tuple[int, date] | None
) -> tuple[_Atom, _Atom | None]:
    """A day without a year takes the year of the heading right above its paragraph
    ("Stadtlauf 2024" over "am 07. September"), unless a full date stands between."""
    if (partner or atom).year is not None:
        return atom, partner
    heading = _HEADING_YEAR.search(text, max(0, atom.span[0] - 400), atom.span[0])
    if heading is None or (last_dated is not None and last_dated[0] >= heading.start()):
        return atom, partner
    year = int(heading[2])
    if partner is not None:
        return atom, replace(partner, year=year)
    return replace(atom, year=year), None


def find_dates(
    text: str, *, reference: date | None = None, context_years: bool = False
) -> list[DateMatch]:
    """Every date, date range and attached clock time in running German text, in text order.

    ``reference`` (usually the publication date) supplies the year of days written without one;
    without it such days are skipped. With ``context_years`` the nearest earlier date with a
    year in the text (an item's date line, "am 14. November 2021 … am 21. November") does.
    """
    if isinstance(reference, datetime):
        reference = reference.astimezone(BERLIN).date() if reference.tzinfo else reference.date()
    atoms = [a for m in _ATOM.finditer(text) if (a := _atom(m, text)) is not None]
    results: list[DateMatch] = []
    last_dated: tuple[int, date] | None = None
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        partner = None
        if i + 1 < len(atoms) and atom.range_day is None and atom.moment is None:
            nxt = atoms[i + 1]
            gap = text[atom.span[1] : nxt.span[0]]
            if nxt.range_day is None and nxt.moment is None and _CONNECTOR.fullmatch(gap):
                partner = nxt
        if atom.moment is not None:
            moment = atom.moment
            results.append(DateMatch(moment, None, False, atom.span, text[slice(*atom.span)]))
            i += 1
            continue
        if context_years:
            atom, partner = _with_heading_year(text, atom, partner, last_dated)
        local = _local_reference(atom, partner, last_dated, reference) if context_years else None
        days = _resolve(atom, partner, text, local or reference)
        if days is None and partner is not None:
            partner = None
            days = _resolve(atom, None, text, local or reference)
        i += 2 if partner is not None else 1
        if days is None:
            continue
        if (partner or atom).year is not None:
            last_dated = (atom.span[0], days[0])
        span = (atom.span[0], (partner or atom).span[1])
        clock = _attach(text, span[1])
        for day in atom.listed if partner is None else ():
            if (earlier := _valid(days[0].year, days[0].month, day)) and earlier < days[0]:
                results.append(_build(text, earlier, None, clock, span))
        results.append(_build(text, days[0], days[1], clock, span))
    return results


def parse_date(text: str, *, reference: date | None = None) -> date | None:
    """The day of the first German date in a short span, or None.

    Accepts "19.05.2025", "19.5.25", "3. Juni 2025", "Di, 17.03.2026", "2025-05-19" and, with a
    reference date for the year, "3. Juni". A month without a day ("Juni 2025") gives None.
    """
    for found in find_dates(text, reference=reference):
        start = found.start
        return start.date() if isinstance(start, datetime) else start
    return None
