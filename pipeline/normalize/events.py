"""Events announced by a page: schema.org JSON-LD first, otherwise German text cues.

Text events come from three shapes, strongest first: key/value blocks ("Datum: …",
"Uhrzeit: …", "Ort: …"), a date standing on a line of its own inside an event block, and a date
inside a sentence with an event cue ("findet … statt", "Workshop", "am 6. September in Jena").
Deadlines, publication dates and reports of past work without an event cue are not events.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime

from citynews.model import Event, Page
from citynews.normalize.address import find_addresses, find_venue
from citynews.normalize.dates import (
    find_dates,
)
from citynews.normalize.eventbase import (
    _ONLINE,
    _REGISTRATION_LINK,
    _Candidate,
    _clean_title,
    _day,
    _lines,
    _new_event,
    _reference,
)
from citynews.normalize.eventfate import announced, rescheduled
from citynews.normalize.eventfields import (
    _fill_hours,
    _fill_place,
    _kv_blocks,
    _kv_events,
    _labelled_place,
    _page_hours,
    _page_place,
)
from citynews.normalize.eventschema import (
    _jsonld_events,
)
from citynews.normalize.eventstatus import (
    deadline_dates,
    status_from_text,
)
from citynews.normalize.eventtable import table_events
from citynews.normalize.eventtext import (
    _text_events,
)


def _norm(title: str) -> set[str]:
    return {w for w in re.findall(r"[\wäöüß]+", title.lower()) if len(w) > 3}


def _same_event(a: _Candidate, b: _Candidate) -> bool:
    if _day(a.event.start) != _day(b.event.start):
        return False
    if a.event.start == b.event.start:
        wa, wb = _norm(a.event.title), _norm(b.event.title)
        if not wa or not wb or a.title_strength < 2 or b.title_strength < 2:
            return True
        return len(wa & wb) / len(wa | wb) >= 0.2 or wa <= wb or wb <= wa
    # An all-day mention of a day that is also given with its time is the same event; a run of
    # days ("8. bis 23. Februar") and a timed day in it (the opening) are two events.
    day_only = a.event if a.event.all_day else b.event
    run = day_only.end is not None and _day(day_only.end) != _day(day_only.start)
    return a.event.all_day != b.event.all_day and not run


def _merge(keep: _Candidate, other: _Candidate) -> _Candidate:
    if keep.event.all_day and not other.event.all_day:
        keep, other = other, keep
    event = keep.event
    title = event.title
    strength = keep.title_strength
    if other.title_strength > strength:
        title, strength = other.event.title, other.title_strength
    merged = replace(
        event,
        title=title,
        end=event.end if event.end is not None else other.event.end,
        venue=event.venue or other.event.venue,
        address=event.address or other.event.address,
        place_name=event.place_name or other.event.place_name,
        online=event.online or other.event.online,
        status=event.status if event.status != "scheduled" else other.event.status,
        registration_deadline=event.registration_deadline or other.event.registration_deadline,
    )
    return _Candidate(merged, min(keep.position, other.position), strength)


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: c.position):
        for i, kept in enumerate(out):
            if _same_event(kept, cand):
                out[i] = _merge(kept, cand)
                break
        else:
            out.append(cand)
    return out


def _assign_links(
    page: Page, candidates: list[_Candidate], links: Sequence[tuple[str, str]]
) -> dict[int, str]:
    """Registration links per candidate index: the event the anchor names, else the nearest one."""
    chosen: dict[int, tuple[float, str]] = {}
    if not candidates:
        return {}  # most pages announce nothing: no need to read every link
    for anchor, href in links:
        if not href or not (_REGISTRATION_LINK.search(anchor) or _REGISTRATION_LINK.search(href)):
            continue
        words = _norm(anchor)
        at = page.text.find(anchor.strip()) if anchor.strip() else -1
        best: tuple[float, int] | None = None
        for i, cand in enumerate(candidates):
            named = _norm(cand.event.title) | _norm(cand.event.place_name or "")
            overlap = len(words & named)
            distance = abs(at - cand.position) if at >= 0 else 10**6
            if overlap == 0 and distance > 2000 and len(candidates) > 1:
                continue
            # More shared words first, then the shorter distance.
            score = overlap * 10**7 - distance
            if best is None or score > best[0]:
                best = (score, i)
        if best is not None and (best[1] not in chosen or best[0] > chosen[best[1]][0]):
            chosen[best[1]] = (best[0], href)
    return {i: href for i, (_, href) in chosen.items()}


# How far from its event a deadline may stand and still choose among events by their day.
_DEADLINE_REACH = 5000


@functools.lru_cache(maxsize=1)
def _deadlines(text: str, reference: date | None) -> tuple[tuple[int, date], ...]:
    """The text's registration deadlines; cached for the page being read, whose text the text
    events and its structured events both ask about."""
    return tuple(deadline_dates(text, find_dates(text, reference=reference)))


def _assign_deadlines(page: Page, reference: date | None, candidates: list[_Candidate]) -> None:
    """Give each "Anmeldung bis …" date to the first event after it among those nearby.

    One registers for what comes next: "Anmeldeschluss 9. August" under a competition on
    7 September and its prize concert on 22 September belongs to the competition, even when
    the concert's line stands closer. Without an event nearby, the nearest later one gets it.
    """
    if not candidates:
        return
    for position, day in _deadlines(page.text, reference):
        later = [
            (_day(c.event.start), abs(c.position - position), i)
            for i, c in enumerate(candidates)
            if _day(c.event.start) >= day and c.event.registration_deadline is None
        ]
        if later:
            near = [entry for entry in later if entry[1] <= _DEADLINE_REACH]
            i = min(near)[2] if near else min(later, key=lambda entry: entry[1])[2]
            event = replace(candidates[i].event, registration_deadline=day)
            candidates[i] = replace(candidates[i], event=event)


_CONTACT_LABEL = re.compile(
    r"\b(?:Post(?:adresse|anschrift)|Anschrift|Kontakt(?:adresse)?|Rechnungsadresse)\s*:\s*$",
    re.IGNORECASE,
)

# The heading of a contact box, a line or three above its address.
_CONTACT_HEADING = re.compile(
    r"(?:Kontakt|Veranstalter(?:in)?|Ansprechpartner(?:in)?|Herausgeber(?:in)?|Impressum"
    r"|Post(?:adresse|anschrift)|Anschrift)\b\W*$",
    re.IGNORECASE,
)


def _page_address(text: str) -> tuple[str | None, str | None, str | None, bool] | None:
    """The page's one postal address ("Park Babelsberg 10, 14482 Potsdam"), if it has just one."""
    found = [a for a in find_addresses(text) if a.postal_code and a.town]
    if len({(a.postal_code, a.town) for a in found}) != 1:
        return None
    address = found[0]
    if _CONTACT_LABEL.search(text, max(0, address.span[0] - 40), address.span[0]):
        return None  # "Postadresse: Goethestraße 10, …" is where to write, not where to go
    above = text[max(0, address.span[0] - 160) : address.span[0]].split("\n")[-4:-1]
    if any(_CONTACT_HEADING.match(line.strip()) for line in above):
        return None  # a contact box ("Kontakt", "Veranstalterin", name, street) is no venue
    venue = find_venue(text[max(0, address.span[0] - 120) : address.span[1]])
    return venue, address.text.replace("\n", " ").replace(" ,", ","), address.town, False


def _field_texts(page: Page, kind: str) -> list[str]:
    """The values of the page's labelled fields (:mod:`citynews.normalize.eventlabelled`)."""
    return [n["text"] for n in page.jsonld if isinstance(n, dict) and n.get("_source") == kind]


def _field_place(page: Page) -> tuple[str | None, str | None, str | None, bool] | None:
    """The page's one labelled venue field, if it has just one.

    A field whose text another field contains is the same venue labelled twice (a section
    heading "Veranstaltungsort" over a list that labels the name again).
    """
    texts = _field_texts(page, "venue-field")
    texts = [t for t in texts if not any(t != o and t in o for o in texts)]
    return _labelled_place(texts[0]) if len(texts) == 1 else None


def _field_events(page: Page, reference: date | None) -> list[Event]:
    """The dates of the page's one labelled date field ("Veranstaltungstermin/e"), as events
    of the page's title at its labelled venue: for pages whose text names no date at all."""
    texts = _field_texts(page, "date-field")
    if len(texts) != 1 or not page.title:
        return []
    venue, address, town, online = _field_place(page) or (None, None, None, False)
    events = []
    for match in find_dates(texts[0], reference=reference):
        event = _new_event(
            page.title, (match.start, match.end, match.all_day), (venue, address, town), page.title
        )
        events.append(
            replace(
                event,
                online=event.online or online,
                provenance="text: the page's labelled date field",
            )
        )
    return events


def _with_field_venue(
    events: list[Event], place: tuple[str | None, str | None, str | None, bool] | None
) -> list[Event]:
    """Structured events without a venue name take the labelled one (their address stays)."""
    if place is None or place[0] is None:
        return events
    venue, address, town, _ = place
    return [
        e
        if e.venue
        else replace(e, venue=venue, address=e.address or address, place_name=e.place_name or town)
        for e in events
    ]


def _line_of(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return pos, len(text) if end < 0 else end


def _structured(page: Page) -> list[Event]:
    unique: dict[tuple[str, str], Event] = {}
    for event in _jsonld_events(page):
        unique.setdefault((str(event.start), " ".join(event.title.lower().split())), event)
    return _one_per_start(list(unique.values()))


# Which kind of markup states an event most exactly: the page's own calendar entry first.
_SOURCE_RANK = {"ical-link": 0, "ical": 1, "jsonld": 2, "microdata": 3, "hcalendar": 4}
_GAPS = ("end", "venue", "address", "place_name", "registration_url", "registration_deadline")


def _one_per_start(events: list[Event]) -> list[Event]:
    """One event per start time across kinds of markup.

    A page may state its event twice, as a calendar file and as JSON-LD, with titles worded
    apart ("Gründerabend" / "Gründerabend im Technologiezentrum"); the same minute from two
    kinds is one event. The more exact kind wins and the other fills its empty fields. Events
    of one kind at the same start stay apart (two rooms of a programme).
    """
    kept: dict[str, int] = {}
    out: list[tuple[int, Event]] = []  # (position on the page, event)
    ranked = sorted(enumerate(events), key=lambda p: _SOURCE_RANK.get(p[1].source, 9))
    for position, event in ranked:
        at = kept.get(str(event.start))
        if at is None or out[at][1].source == event.source or not isinstance(event.start, datetime):
            kept.setdefault(str(event.start), len(out))
            out.append((position, event))
            continue
        first_at, first = out[at]
        gaps = {f: getattr(event, f) for f in _GAPS if getattr(first, f) is None}
        merged = replace(first, **{f: v for f, v in gaps.items() if v is not None})
        out[at] = (min(first_at, position), merged)
    return [event for _, event in sorted(out, key=lambda p: p[0])]


def _same_time(a: Event, b: Event) -> bool:
    if a.start == b.start:
        return True
    return _day(a.start) == _day(b.start) and (a.all_day or b.all_day)


def _beyond_structured(structured: list[Event], candidates: list[_Candidate]) -> list[Event]:
    """Dates of the structured event the text lists and the markup leaves out.

    Event markup often carries only the first date of a series ("startDate" of the first of
    eight tours) while the page lists them all; unnamed dates in the text belong to it.
    """
    if len({e.title for e in structured}) != 1:
        return []
    seen = list(structured)
    model = structured[0]
    extra: list[Event] = []
    for cand in candidates:
        if cand.title_strength >= 2 or any(_same_time(cand.event, e) for e in seen):
            continue
        seen.append(cand.event)
        extra.append(
            replace(
                cand.event,
                title=model.title,
                venue=cand.event.venue or model.venue,
                address=cand.event.address or model.address,
                place_name=cand.event.place_name or model.place_name,
                source="text",
                provenance=f"text: a date of the series that the {model.source} data leaves out",
            )
        )
    return extra


def _grid_events(page: Page, grid: str, reference: date | None) -> list[_Candidate]:
    """Rows of the page's calendar grids (:mod:`citynews.normalize.eventgrid`), placed after
    the main text: their offsets are in the grid text, not in ``page.text``."""
    if not grid:
        return []
    after = len(page.text) + 1
    return [replace(c, position=after + c.position) for c in table_events(grid, reference)]


def _text_candidates(page: Page, reference: date | None, grid: str) -> list[_Candidate]:
    # Both readers need the key/value blocks and the line bounds: find them once.
    blocks = list(_kv_blocks(page))
    lines = _lines(page.text)
    kv = _kv_events(page, reference, blocks, lines)
    tables = table_events(page.text, reference)
    taken = [(s, e) for s, e, _ in blocks] + [_line_of(page.text, c.position) for c in tables]
    # Table rows are distinct items by construction: never merged with one another.
    prose = _text_events(page, reference, taken, lines)
    prose = rescheduled(page.text, announced(page.text, reference, prose))
    candidates = _dedupe(kv + prose) + tables
    candidates += _grid_events(page, grid, reference)
    candidates.sort(key=lambda c: c.position)
    single = len(candidates) == 1
    for i, cand in enumerate(candidates):
        if page.title and (cand.title_strength < 2 or (single and page.kind == "event")):
            title = _clean_title(page.title)
            online = cand.event.online or bool(_ONLINE.search(title))
            status = cand.event.status
            if status == "scheduled":
                status = status_from_text(title)
            event = replace(cand.event, title=title, online=online, status=status)
            candidates[i] = replace(cand, event=event)
    candidates = [c for c in candidates if c.event.title]
    if not candidates:
        # Most pages (75 of 80 corpus pages) have none: the page's place and hours, read
        # only to fill candidates in, would scan the whole text for addresses (0.3 ms).
        return candidates
    _fill_place(candidates, _page_place(blocks) or _field_place(page) or _page_address(page.text))
    _fill_hours(candidates, _page_hours(blocks))
    _assign_deadlines(page, reference, candidates)
    return candidates


def listing_events(page: Page, *, now: date | None = None, grid: str = "") -> list[Event]:
    """The events of a listing page: only items that carry their own date fields.

    Calendars, course lists and date tables do; the running text of an overview (teasers,
    intros) does not, and is not read.
    """
    reference = _reference(page) or now
    blocks = list(_kv_blocks(page))
    kv = _kv_events(page, reference, blocks, _lines(page.text))
    tables = table_events(page.text, reference) + _grid_events(page, grid, reference)
    candidates = sorted(_dedupe(kv) + tables, key=lambda c: c.position)
    return _structured(page) + [c.event for c in candidates if c.event.title]


def _registration_links(links: Sequence[tuple[str, str]]) -> list[str]:
    return [
        href
        for anchor, href in links
        if href and (_REGISTRATION_LINK.search(anchor) or _REGISTRATION_LINK.search(href))
    ]


def _with_text_registration(
    page: Page,
    structured: list[Event],
    candidates: list[_Candidate],
    links: Sequence[tuple[str, str]],
    reference: date | None,
) -> list[Event]:
    """Registration link and deadline the text gives a structured event.

    Event markup (JSON-LD, a calendar entry) seldom carries them, while the page shows
    "Zur Anmeldung" and "Anmeldeschluss: …": a text event of the same time passes its own on;
    a page about one event gives it its one registration link and its last deadline before it.
    """
    urls = _assign_links(page, candidates, links)
    single = len({e.title for e in structured}) == 1
    offered = _registration_links(links) if single else []
    deadlines = _deadlines(page.text, reference) if single else []
    completed = []
    for event in structured:
        same = [i for i, c in enumerate(candidates) if _same_time(c.event, event)]
        url = next((urls[i] for i in same if i in urls), None) or next(iter(offered), None)
        stated = [d for i in same if (d := candidates[i].event.registration_deadline)]
        before = [day for _, day in deadlines if day <= _day(event.start)]
        deadline = next(iter(stated), None) or max(before, default=None)
        completed.append(
            replace(
                event,
                registration_url=event.registration_url or url,
                registration_deadline=event.registration_deadline or deadline,
            )
        )
    return completed


def extract_events(
    page: Page,
    *,
    links: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]] = (),
    now: date | None = None,
    grid: str = "",
) -> list[Event]:
    """The events a page announces: zero, one or several, in text order.

    schema.org Event objects in ``page.jsonld`` (JSON-LD, and inline iCalendar, microdata or
    hCalendar read into that shape) win; dates of the same series that only the text lists are
    added. Otherwise the text is read. ``links`` are the content's (anchor text, href) pairs,
    used to find a registration link near an event (or a function giving them, called only
    when the page has events: most pages have none). ``now`` is the day the page was fetched:
    the year of days written without one when the page has no date of its own. ``grid`` is
    the page's calendar grids as table lines (:func:`citynews.normalize.eventgrid.grid_text`).
    """
    reference = _reference(page) or now
    structured = _structured(page)
    candidates = _text_candidates(page, reference, grid)
    if not structured and not candidates:
        return _field_events(page, reference)
    found = links() if callable(links) else links
    if structured:
        structured = _with_field_venue(structured, _field_place(page))
        structured = _with_text_registration(page, structured, candidates, found, reference)
        return structured + _beyond_structured(structured, candidates)
    urls = _assign_links(page, candidates, found)
    return [
        replace(c.event, registration_url=urls[i]) if i in urls else c.event
        for i, c in enumerate(candidates)
    ]
