"""Events in running text and on date lines: "findet am … statt", "lädt … ein", "- 6. Mai 11:00"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from citynews.model import Page
from citynews.normalize.address import find_venue, named_venue, parse_address
from citynews.normalize.dates import (
    DateMatch,
    TimeMatch,
    find_dates,
    find_times,
)
from citynews.normalize.eventbase import (
    _AM_IN,
    _CUE,
    _CUE_LITERALS,
    _CUE_NOUN,
    _DEADLINE_STRONG,
    _DEADLINE_WEAK,
    _EVENT_VERB,
    _IN_TOWN,
    _LABEL_CUE,
    _block_after,
    _Candidate,
    _combine,
    _day,
    _heading_like,
    _new_event,
    _place_from,
    _strength,
    _subject,
)
from citynews.normalize.eventfields import (
    _heading_before,
)
from citynews.normalize.eventruns import DailyRun, daily_run, run_event
from citynews.normalize.relativedays import relative_days
from citynews.normalize.sentences import sentence_at


def _is_deadline(text: str, sentence_start: int, match: DateMatch) -> bool:
    before = text[max(sentence_start, match.span[0] - 90) : match.span[0]]
    for pattern in (_DEADLINE_STRONG, _DEADLINE_WEAK):
        m = pattern.search(before)
        # "Nach der Anmeldung findet der Workshop am …": the event verb wins.
        if m and not _EVENT_VERB.search(m.group()):
            return True
    return False


@dataclass
class _Scan:
    """One page's text as the date readers see it, and what is already known about it."""

    page: Page
    reference: date | None
    lines: list[tuple[int, int]]
    all_dates: list[DateMatch]
    published: date | None


@dataclass
class _Spot:
    """Where one date stands: its sentence and its line."""

    match: DateMatch
    s_start: int
    s_end: int
    line_start: int
    line_end: int
    before_on_line: str
    after_on_line: str


_BULLET = re.compile(r"[ \t]*[-–•*·][ \t]")


def _spot(text: str, match: DateMatch) -> _Spot:
    s_start, s_end = sentence_at(text, *match.span)
    line_start = text.rfind("\n", 0, match.span[0]) + 1
    line_end = text.find("\n", match.span[1])
    line_end = len(text) if line_end < 0 else line_end
    if _BULLET.match(text, line_start):
        # A list item is a sentence of its own, whatever its punctuation.
        s_start, s_end = max(s_start, line_start), min(s_end, line_end)
    # List bullets ("- 6. September 2026 11:00") leave a date line bare.
    before = text[line_start : match.span[0]].strip(" \t-–•*·")
    after = text[match.span[1] : line_end].strip()
    return _Spot(match, s_start, s_end, line_start, line_end, before, after)


_END_LABEL = re.compile(r"(?:Ende|Enddatum|Endet|Bis)\s*:?$", re.IGNORECASE)


def _bare_candidate(scan: _Scan, spot: _Spot) -> _Candidate | None:
    """A date standing alone on its line: an event when the lines around it say so."""
    text, lines, match = scan.page.text, scan.lines, spot.match
    previous_line = _previous_line(text, lines, spot.line_start) or ""
    if _END_LABEL.match(previous_line.lstrip(" \t-–•*·")):
        return None  # "Ende\n07.06.2026, 18:00 Uhr" ends the event above, it starts none
    block = _block_after(text, lines, spot.line_end + 1)
    labelled = bool(_LABEL_CUE.match(previous_line))
    has_cue = (
        labelled
        or scan.page.kind == "event"
        or bool(find_times(block) or parse_address(block))
        or not match.all_day
        or match.end is not None
    )
    if not has_cue or (scan.published == _day(match.start) and match.all_day):
        return None
    when = _combine(match, find_times(block.split("\n")[0]))
    if labelled:
        title = _first_heading(text, lines, spot.line_end + 1)
    else:
        title = _heading_before(text, lines, spot.line_start)
    venue, address, town = _place_from(block)
    if venue is None and title:
        # "Sommerfest am Schloss Neustadt" over a bare date line: the heading names the venue.
        venue = find_venue(title)
    event = _new_event(title, when, (venue, address, town), block + " " + (title or ""))
    return _Candidate(event, match.span[0], _strength(title))


def _sentence_title(
    scan: _Scan, spot: _Spot, sentence: str, town: str | None
) -> tuple[str | None, bool]:
    """(title, weak) of an event named in a sentence."""
    match = spot.match
    title = _subject(sentence, match.text)
    if title and town and town not in title:
        days = find_dates(sentence, reference=scan.reference)
        if sum(_day(m.start) != scan.published for m in days) > 1:
            # "Weitere Konferenzen sind am 6. September in Iserlohn und am 5. Dezember in …"
            title = f"{title} in {town}"
    rest = re.sub(r"^[\s–—:|-]+", "", spot.after_on_line)
    if not title and spot.s_start >= match.span[0] - 12 and _heading_like(rest):
        title = rest
    if title:
        return title, False
    named = _CUE_NOUN.search(sentence)
    return (named.group() if named else None), True


def _next_sentence_times(scan: _Scan, end: int) -> list[TimeMatch]:
    """The hours of a day given in the sentence after it, in the same paragraph and naming no
    other day: "Am 9. Juni findet die Wahl statt. Die Wahl dauert von 8 bis 18 Uhr."."""
    text = scan.page.text
    start = end
    while start < len(text) and text[start] in " \t":
        start += 1
    if start >= len(text) or text[start] == "\n" and text[start + 1 : start + 2] == "\n":
        return []
    n_end = sentence_at(text, start, start)[1]
    if any(start <= m.span[0] < n_end for m in scan.all_dates):
        return []
    return find_times(text[start:n_end])


# "Samstag, 8. März 2025, 15 Uhr, Spiegelsaal des Rathauses": the venue ends the line.
_VENUE_AFTER_TIME = re.compile(
    r"(?P<uhr>[^\n]{0,20}?\bUhr\b)?[,;:]?[ \t]*(?P<venue>[A-ZÄÖÜ][^\n.!?;:]{2,70})$"
)


# "beginnt um 14 Uhr und endet gegen 22 Uhr", "ab 19 Uhr, Ende ca. 22:30 Uhr": the end's hour.
_END_HOUR = re.compile(
    r"\b(?:bis|endet|Ende)\b(?:\s+(?:gegen|um|ca\.|etwa))*\s+(\d{1,2})(?:[:.](\d\d))?\s*Uhr\b"
)
# "öffnet am 6. Juni und läuft bis zum 8. Juni": the run's last day.
_RUNS_UNTIL = re.compile(
    r"\b(?:läuft|laufen|dauert|dauern|geht|gehen|ist|sind)\s+(?:noch\s+)?(?:[\wäöüß]+\s+){0,2}?"
    r"bis\s+(?:zum\s+|einschließlich\s+)?$"
)


def _open_end(
    text: str, match: DateMatch, following: list[DateMatch], stop: int, when: tuple[Any, Any, bool]
) -> tuple[Any, Any, bool]:
    """An end the sentence gives apart from the date (up to ``stop``, the next date or the
    sentence's end): a closing hour, or a run's last day."""
    start, end, all_day = when
    if end is not None:
        return when
    hour = None if all_day else _END_HOUR.search(text, match.span[1], stop)
    if hour is not None and int(hour[1]) < 24:
        close = datetime.combine(start.date(), time(int(hour[1]), int(hour[2] or 0)), start.tzinfo)
        return start, close if close > start else close + timedelta(days=1), False
    run = all_day and following and following[0].all_day
    if run and _RUNS_UNTIL.search(text[max(match.span[1], stop - 60) : stop]):
        return start, following[0].end or following[0].start, True
    return when


def _sentence_candidate(scan: _Scan, spot: _Spot) -> _Candidate | None:
    """A date inside a sentence: an event when the sentence has an event cue."""
    text, match = scan.page.text, spot.match
    sentence = text[spot.s_start : spot.s_end]
    am_in = bool(_AM_IN.search(text[spot.s_start : match.span[0]])) and bool(
        _IN_TOWN.match(text[match.span[1] : spot.s_end])
    )
    cued = any(word in sentence for word in _CUE_LITERALS) and bool(_CUE.search(sentence))
    # "Am 19. März, von 17:30 bis 20:00 Uhr … im Alten Rathaus, Alter Markt 6, 39104 Magdeburg":
    # a day with its hours at a postal address is an appointment.
    appointment = not match.all_day and parse_address(sentence) is not None
    if not (cued or am_in or appointment):
        return None
    if scan.published == _day(match.start) and spot.s_start == match.span[0]:
        return None
    following = [m for m in scan.all_dates if match.span[0] < m.span[0] < spot.s_end]
    stop = following[0].span[0] if following else spot.s_end
    times = find_times(text[match.span[1] : stop])
    if not times and match.all_day and not following:
        times = _next_sentence_times(scan, spot.s_end)
    when = _open_end(text, match, following, stop, _combine(match, times))
    place = _place_from(sentence, text[match.span[1] : spot.s_end])
    after = _VENUE_AFTER_TIME.match(spot.after_on_line)
    if place[0] is None and after and (after.group("uhr") or not match.all_day):
        place = (named_venue(after.group("venue")), place[1], place[2])
    title, weak = _sentence_title(scan, spot, sentence, place[2])
    strength = min(_strength(title), 1) if weak else _strength(title)
    return _Candidate(_new_event(title, when, place, sentence), match.span[0], strength)


def _run_candidate(scan: _Scan, spot: _Spot, run: DailyRun) -> _Candidate | None:
    """A daily run ending on the spot's date ("täglich bis 12. Mai, außer montags, 19 Uhr")."""
    text, match = scan.page.text, spot.match
    sentence = text[spot.s_start : spot.s_end]
    place = _place_from(sentence, text[match.span[1] : spot.s_end])
    title, weak = _sentence_title(scan, spot, sentence, place[2])
    event = _new_event(title, (match.start, None, True), place, sentence)
    ran = run_event(event, run, match, scan.published)
    if ran is None:
        return None
    strength = min(_strength(title), 1) if weak else _strength(title)
    return _Candidate(ran, match.span[0], strength)


def _text_events(
    page: Page, reference: date | None, taken: list[tuple[int, int]], lines: list[tuple[int, int]]
) -> list[_Candidate]:
    text = page.text
    published = _day(page.published) if page.published else None
    all_dates = find_dates(text, reference=reference, context_years=True)
    relative = relative_days(text, published)
    if relative:
        spans = [m.span for m in all_dates]
        extra = [r for r in relative if not any(s < r.span[1] and r.span[0] < e for s, e in spans)]
        all_dates = sorted(all_dates + extra, key=lambda m: m.span[0])
    scan = _Scan(page, reference, lines, all_dates, published)
    # Days long before the page was written are history ("1926 geboren"), not announcements.
    newest = reference or max((_day(m.start) for m in all_dates), default=None)
    # Without a publication date the page may be years older than the crawl: a municipal
    # page announcing its 2022 events in the future tense still announces them.
    reach = timedelta(days=400 if published else 5 * 366)
    oldest = newest - reach if newest else date.min
    found: list[_Candidate] = []
    for match in all_dates:
        if any(s <= match.span[0] < e for s, e in taken) or _day(match.start) < oldest:
            continue
        if text[match.span[0] - 1 : match.span[0]] == "[" and text[match.span[1] :].startswith("]"):
            continue  # "[19.05.2025]": the portal's publication-date line
        spot = _spot(text, match)
        run = daily_run(text, (spot.s_start, spot.s_end), match)
        if run is not None:
            found.extend(c for c in [_run_candidate(scan, spot, run)] if c is not None)
            continue
        if _is_deadline(text, spot.s_start, match):
            continue
        bare = (
            not spot.before_on_line or _LABEL_CUE.match(spot.before_on_line)
        ) and not spot.after_on_line
        reader = _bare_candidate if bare else _sentence_candidate
        if (candidate := reader(scan, spot)) is not None:
            found.append(candidate)
    return found


def _previous_line(text: str, lines: list[tuple[int, int]], line_start: int) -> str | None:
    previous = [text[s:e] for s, e in lines if e < line_start]
    return previous[-1].strip() if previous else None


def _first_heading(text: str, lines: list[tuple[int, int]], pos: int) -> str | None:
    for s, e in lines:
        if s >= pos:
            line = text[s:e].strip()
            return line if _heading_like(line) else None
    return None
