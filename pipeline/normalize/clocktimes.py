"""Clock times in German text: "19 Uhr", "9.30 Uhr", "15:00 – 19:00 Uhr", "ab 19 Uhr"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

__all__ = ["TimeMatch", "find_times", "time_at"]

_DASH = r"[-–—]"
_CLOCK = r"(?P<{h}>\d{{1,2}})(?:(?P<{s}>[:.])(?P<{m}>\d\d))?(?!\d)"
_UNIT = r"(?:\s*(?P<{u}>Uhr|h)\b)?"
_TIME_ONE = re.compile(
    rf"(?:(?:ab|von|um)\s+)?{_CLOCK.format(h='h1', s='s1', m='m1')}{_UNIT.format(u='u1')}",
    re.IGNORECASE,
)
_TIME_RANGE = re.compile(
    rf"""
    (?:von\s+)?
    {_CLOCK.format(h="h1", s="s1", m="m1")}{_UNIT.format(u="u1")}
    \s*(?P<sep>{_DASH}|bis)\s*
    {_CLOCK.format(h="h2", s="s2", m="m2")}{_UNIT.format(u="u2")}
    """,
    re.IGNORECASE | re.VERBOSE,
)
_TIME_CANDIDATE = re.compile(r"(?<![\d.:,])(?:(?:ab|von|um)\s+)?\d{1,2}(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class TimeMatch:
    """A clock time or time range found in a text ("15:00 – 19:00 Uhr", "ab 19 Uhr")."""

    start: time
    end: time | None
    span: tuple[int, int]
    text: str


def _clock(hour: str, minute: str | None) -> time | None:
    h = int(hour)
    mi = int(minute) if minute else 0
    if h == 24 and mi == 0:
        return time(0, 0)
    if h > 23 or mi > 59:
        return None
    return time(h, mi)


def time_at(text: str, pos: int) -> TimeMatch | None:
    """A clock time starting exactly at ``pos``; bare numbers need "Uhr" or a colon."""
    m = _TIME_RANGE.match(text, pos)
    if m:
        seps = (m.group("s1"), m.group("s2"))
        has_unit = bool(m.group("u1") or m.group("u2"))
        start = _clock(m.group("h1"), m.group("m1"))
        end = _clock(m.group("h2"), m.group("m2"))
        # "Uhr" closes a time: after "10:16 Uhr - " a bare number is something else
        # ("- 1. Bundesliga"); only "bis" still announces an end ("10 Uhr bis 12").
        bare_end = not (m.group("u2") or m.group("m2"))
        closed = m.group("u1") and bare_end and m.group("sep").lower() != "bis"
        if start and end and (has_unit or seps == (":", ":")) and not closed:
            return TimeMatch(start, end, m.span(), m.group())
    m = _TIME_ONE.match(text, pos)
    if m and (m.group("u1") or m.group("s1") == ":"):
        start = _clock(m.group("h1"), m.group("m1"))
        if start:
            return TimeMatch(start, None, m.span(), m.group())
    return None


def find_times(text: str) -> list[TimeMatch]:
    """All clock times in a text ("19 Uhr", "9.30 Uhr", "15:00 – 19:00 Uhr", "ab 19 Uhr")."""
    found: list[TimeMatch] = []
    pos = 0
    while m := _TIME_CANDIDATE.search(text, pos):
        tm = time_at(text, m.start())
        if tm is None:
            pos = m.end()
            continue
        found.append(tm)
        pos = tm.span[1]
    return found
