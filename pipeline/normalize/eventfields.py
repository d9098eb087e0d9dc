"""Events from label/value fields: "Datum: …", "Uhrzeit: …", "Ort: …", in any markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from citynews.model import Page
from citynews.normalize.address import parse_address
from citynews.normalize.dates import (
    DateMatch,
    TimeMatch,
    find_dates,
    find_times,
)
from citynews.normalize.eventbase import (
    _INLINE_LABEL,
    _KV,
    _KV_AFTER_NEWLINE,
    _KV_DEADLINE,
    _KV_END,
    _KV_OPENING,
    _KV_PLACE,
    _KV_START,
    _KV_TIME,
    _ONLINE,
    _Candidate,
    _combine,
    _day,
    _heading_like,
    _new_event,
    _place_from,
    _strength,
)


def _kv_lines(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, label, value) of every "Label: value" field of the text.

    A field starts its line, or shares it with at least one more field: markup whose labels
    are inline elements ("<span>Wann:</span> … <span>Wo:</span> …") runs on in one line.
    """
    # The newline in front lets the first line match too; offsets shift back by one.
    for m in _KV_AFTER_NEWLINE.finditer("\n" + text):
        inline = list(_INLINE_LABEL.finditer(text, m.start("value") - 1, m.end() - 1))
        if not inline:
            yield m.start(), m.end() - 1, m.group("label"), m.group("value")
            continue
        yield (
            m.start(),
            inline[0].start(),
            m.group("label"),
            text[m.start("value") - 1 : inline[0].start()],
        )
        yield from _inline_fields(text, inline, m.end() - 1)
    yield from _inline_lines(text)


def _inline_fields(
    text: str, labels: list[re.Match[str]], line_end: int
) -> Iterator[tuple[int, int, str, str]]:
    for i, label in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else line_end
        yield label.start(), end, label.group("label"), text[label.end() : end]


def _inline_lines(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Fields of lines that do not start with a label but carry two or more of them."""
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if line.count(":") + line.count("?") < 2 or _KV.match(line):
            continue
        labels = list(_INLINE_LABEL.finditer(text, start, start + len(line)))
        if len(labels) >= 2:
            yield from _inline_fields(text, labels, start + len(line))


def _title_on_line(text: str, pos: int) -> str | None:
    """The name in front of a line's first field: "- Yoga für Eltern Wann: …"."""
    line_start = text.rfind("\n", 0, pos) + 1
    head = text[line_start:pos].strip(" \t-–•*·|")
    return head if head and _heading_like(head) else None


def _kv_blocks(page: Page) -> Iterator[tuple[int, int, dict[str, str]]]:
    """Clusters of "Label: value" lines: (start, end, {label: value})."""
    text = page.text
    cluster: dict[str, str] = {}
    first = last = -1
    for start, end, raw_label, raw_value in _kv_lines(text):
        label = raw_label.lower()
        value = raw_value.strip()
        if not value:
            # The value sits on the next line(s): "Startdatum:\n21. März 2022".
            nxt = re.match(r"\s*\n\s*([^\n]+)", text[end:])
            if nxt and not _KV.match(nxt.group(1)):
                value = nxt.group(1).strip()
                end += nxt.end()
        if label in _KV_PLACE:
            more = re.match(r"(?:\n[ \t]*(?![ \t]*\n)(?!.*:)[^\n]{1,80}){1,3}", text[end:])
            if more and parse_address(value + more.group()):
                value += more.group()
                end += more.end()
        # A label seen again starts the next item of a list ("Wann: …", "Wo: …", "Wann: …").
        if cluster and (start - last > 250 or label in cluster):
            yield first, last, cluster
            cluster = {}
        if not cluster:
            first = start
        cluster.setdefault(label, value)
        last = end
    if cluster:
        yield first, last, cluster


def _kv_events(
    page: Page,
    reference: date | None,
    blocks: list[tuple[int, int, dict[str, str]]],
    lines: list[tuple[int, int]],
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for first, _last, kv in blocks:  # noqa: B007 - _last bounds the block's status words
        start_value = next((kv[k] for k in kv if k in _KV_START), None)
        if start_value is None:
            continue
        dates = find_dates(start_value, reference=reference)
        if not dates:
            continue
        match = dates[0]
        end_value = next((kv[k] for k in kv if k in _KV_END), None)
        end_dates = find_dates(end_value, reference=reference) if end_value else []
        if end_dates:
            match = replace(match, end=end_dates[0].start)
        times = [t for k in kv if k in _KV_TIME for t in find_times(kv[k])]
        if not times:
            times = [t for k in kv if k in _KV_START | _KV_END for t in find_times(kv[k])]
            if len(times) == 2 and times[0].end is None:
                times = [replace(times[0], end=times[1].start)]
        start, end, all_day = _combine(match, times)
        place_text = next((kv[k] for k in kv if k in _KV_PLACE), "")
        venue, address, town, online = _labelled_place(place_text)
        title = _title_on_line(page.text, first) or _heading_before(page.text, lines, first)
        deadline_value = next((kv[k] for k in kv if k in _KV_DEADLINE), "")
        deadline = find_dates(deadline_value, reference=reference) if deadline_value else []
        event = _new_event(
            title, (start, end, all_day), (venue, address, town), page.text[first:_last]
        )
        event = replace(
            event,
            online=event.online or online,
            registration_deadline=_day(deadline[0].start) if deadline else None,
        )
        found.append(_Candidate(event, first, _strength(title)))
    return found


def _labelled_place(place_text: str) -> tuple[str | None, str | None, str | None, bool]:
    """(venue, address, town, online) of the value of an "Ort:" label."""
    if not place_text:
        return None, None, None, False
    online = bool(_ONLINE.search(place_text))
    venue, address, town = _place_from(place_text)
    if not online and venue is None and address is None:
        venue = place_text.split("\n")[0].strip(" ,.") or None
    return venue, address, town, online


def _outside_dates(blocks: list[tuple[int, int, dict[str, str]]], labels: set[str]) -> set[str]:
    """The distinct values of these labels in blocks that give no date of their own."""
    return {
        " ".join(kv[k].split())
        for _, _, kv in blocks
        if not kv.keys() & _KV_START
        for k in kv
        if k in labels
    }


def _page_place(
    blocks: list[tuple[int, int, dict[str, str]]],
) -> tuple[str | None, str | None, str | None, bool] | None:
    """The one place a page labels outside its date blocks ("Veranstaltungsort: …"), if one."""
    values = _outside_dates(blocks, _KV_PLACE)
    return _labelled_place(values.pop()) if len(values) == 1 else None


def _page_hours(blocks: list[tuple[int, int, dict[str, str]]]) -> tuple[TimeMatch, bool] | None:
    """(hours, opening) of the one time a page labels outside its date blocks ("Uhrzeit: 19
    Uhr", "Öffnungszeiten: 11 bis 18 Uhr"), or of undated "Beginn: 10 Uhr", "Ende: 16 Uhr"
    fields. ``opening``: they are opening hours, which fit a run of days, not any event."""
    for labels, opening in ((_KV_TIME - _KV_OPENING, False), (_KV_OPENING, True)):
        values = _outside_dates(blocks, labels)
        times = find_times(values.pop()) if len(values) == 1 else []
        if len(times) == 1:
            return times[0], opening
    undated = [kv for _, _, kv in blocks if not any(find_dates(v) for v in kv.values())]
    begin = [t for kv in undated for k in kv if k in _KV_START for t in find_times(kv[k])]
    end = [t for kv in undated for k in kv if k in _KV_END for t in find_times(kv[k])]
    if len(begin) != 1 or len(end) > 1:
        return None
    return (replace(begin[0], end=end[0].start) if end else begin[0]), False


def _fill_hours(candidates: list[_Candidate], hours: tuple[TimeMatch, bool] | None) -> None:
    """A page's one all-day event takes the hours labelled apart from its date: "Am 3. und 4. Mai
    findet der Markt statt … Öffnungszeiten: 11 bis 18 Uhr" runs from 11:00 to 18:00."""
    if hours is None or len(candidates) != 1 or not candidates[0].event.all_day:
        return
    event = candidates[0].event
    if hours[1] and event.end is None:
        return  # a museum's opening hours are not the hours of its one-day lecture
    when = DateMatch(event.start, event.end, True, (0, 0), "")
    start, end, all_day = _combine(when, [hours[0]])
    candidates[0] = replace(
        candidates[0], event=replace(event, start=start, end=end, all_day=all_day)
    )


def _fill_place(
    candidates: list[_Candidate], place: tuple[str | None, str | None, str | None, bool] | None
) -> None:
    """Events the text gives no venue get the page's labelled place."""
    if place is None:
        return
    venue, address, town, online = place
    for i, cand in enumerate(candidates):
        event = cand.event
        if event.venue or event.address:
            continue
        filled = replace(
            event,
            venue=venue,
            address=address,
            place_name=town or event.place_name,
            online=event.online or online,
        )
        candidates[i] = replace(cand, event=filled)


def _heading_before(
    text: str, lines: list[tuple[int, int]], pos: int, reach: int = 6
) -> str | None:
    previous = [text[s:e].strip() for s, e in lines if e <= pos][-reach:]
    for line in reversed(previous):
        if _heading_like(line):
            return line
    return None
