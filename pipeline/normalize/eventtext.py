"""Events in running text and on date lines: "findet am … statt", "lädt … ein", "- 6. Mai 11:00"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from citynews.model import Event, Page
from citynews.normalize.address import parse_address
from citynews.normalize.dates import (
    DateMatch,
    find_dates,
    find_times,
    sentence_at,
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
    _ONLINE,
    _block_after,
    _Candidate,
    _clean_title,
    _combine,
    _day,
    _heading_like,
    _place_from,
    _strength,
    _subject,
)
from citynews.normalize.eventfields import (
    _heading_before,
)
from citynews.normalize.eventstatus import (
    status_from_text,
)


def _is_deadline(text: str, sentence_start: int, match: DateMatch) -> bool:
    before = text[max(sentence_start, match.span[0] - 90) : match.span[0]]
    for pattern in (_DEADLINE_STRONG, _DEADLINE_WEAK):
        m = pattern.search(before)
        # "Nach der Anmeldung findet der Workshop am …": the event verb wins.
        if m and not _EVENT_VERB.search(m.group()):
            return True
    return False


def _text_events(
    page: Page, reference: date | None, taken: list[tuple[int, int]], lines: list[tuple[int, int]]
) -> list[_Candidate]:
    text = page.text
    published = _day(page.published) if page.published else None
    found: list[_Candidate] = []
    all_dates = find_dates(text, reference=reference)
    # Days long before the page was written are history ("1926 geboren"), not announcements.
    newest = reference or max((_day(m.start) for m in all_dates), default=None)
    oldest = newest - timedelta(days=400) if newest else date.min
    for match in all_dates:
        if any(s <= match.span[0] < e for s, e in taken):
            continue
        s_start, s_end = sentence_at(text, *match.span)
        sentence = text[s_start:s_end]
        sentence_dates = [m for m in all_dates if s_start <= m.span[0] < s_end]
        line_start = text.rfind("\n", 0, match.span[0]) + 1
        line_end = text.find("\n", match.span[1])
        line_end = len(text) if line_end < 0 else line_end
        # List bullets ("- 6. September 2026 11:00") leave a date line bare.
        before_on_line = text[line_start : match.span[0]].strip(" \t-–•*·")
        after_on_line = text[match.span[1] : line_end].strip()
        if text[match.span[0] - 1 : match.span[0]] == "[" and text[match.span[1] :].startswith("]"):
            continue  # "[19.05.2025]": the portal's publication-date line
        if _is_deadline(text, s_start, match) or _day(match.start) < oldest:
            continue
        bare = (not before_on_line or _LABEL_CUE.match(before_on_line)) and not after_on_line
        previous_line = _previous_line(text, lines, line_start)
        block = _block_after(text, lines, line_end + 1)
        weak = False
        if bare:
            has_cue = (
                bool(_LABEL_CUE.match(previous_line or ""))
                or page.kind == "event"
                or bool(find_times(block) or parse_address(block))
                or not match.all_day
                or match.end is not None
            )
            if not has_cue or (published and _day(match.start) == published and match.all_day):
                continue
            start, end, all_day = _combine(match, find_times(block.split("\n")[0]))
            venue, address, town = _place_from(block)
            if _LABEL_CUE.match(previous_line or ""):
                title = _first_heading(text, lines, line_end + 1)
            else:
                title = _heading_before(text, lines, line_start)
            online_scope = block + " " + (title or "")
        else:
            am_in = bool(_AM_IN.search(text[s_start : match.span[0]])) and bool(
                _IN_TOWN.match(text[match.span[1] : s_end])
            )
            cued = any(word in sentence for word in _CUE_LITERALS) and bool(_CUE.search(sentence))
            if not (cued or am_in):
                continue
            if published and _day(match.start) == published and s_start == match.span[0]:
                continue
            following = [m for m in sentence_dates if m.span[0] > match.span[0]]
            stop = following[0].span[0] if following else s_end
            start, end, all_day = _combine(match, find_times(text[match.span[1] : stop]))
            venue, address, town = _place_from(sentence, text[match.span[1] : s_end])
            title = _subject(sentence, match.text)
            if (
                title
                and town
                and town not in title
                and sum(
                    _day(m.start) != published for m in find_dates(sentence, reference=reference)
                )
                > 1
            ):
                # "Weitere Konferenzen sind am 6. September in Iserlohn und am 5. Dezember in …"
                title = f"{title} in {town}"
            rest = re.sub(r"^[\s–—:|-]+", "", after_on_line)
            if not title and s_start >= match.span[0] - 12 and _heading_like(rest):
                title = rest
            if not title:
                named = _CUE_NOUN.search(sentence)
                title = named.group() if named else None
                weak = True
            online_scope = sentence
        candidate = Event(
            title=_clean_title(title) if title else "",
            start=start,
            end=end,
            all_day=all_day,
            venue=venue,
            address=address,
            place_name=town,
            online=bool(_ONLINE.search(online_scope)),
            status=status_from_text(title, online_scope),
        )
        strength = min(_strength(title), 1) if weak else _strength(title)
        found.append(_Candidate(candidate, match.span[0], strength))
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
