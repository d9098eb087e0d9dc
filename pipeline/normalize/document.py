"""From one HTML page to one normalized Document: extraction, events, places, topics.

A :class:`Normalizer` loads the taxonomy and gazetteer once; calling it is pure with
respect to its inputs, so crawls, ``citynews extract`` and ``citynews reprocess`` share it.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html

from citynews.model import EVENT_TOPIC, Document, Event, Hints, Page, Place, TopicMatch, iso
from citynews.normalize import events as events_mod
from citynews.normalize import places as places_mod
from citynews.normalize import topics as topics_mod
from citynews.normalize.address import parse_address
from citynews.normalize.calendarlinks import linked_calendar_nodes
from citynews.normalize.cleantext import clean_deep, clean_markup, markup_needs_cleaning
from citynews.normalize.eventgrid import grid_text
from citynews.normalize.eventmarkup import event_nodes
from citynews.normalize.eventpage import after_fetch, guessed_date_is_wrong, refine_kind
from citynews.normalize.eventstatus import without_status_prefix
from citynews.normalize.extract import extract_page, parse_html
from citynews.normalize.guesscheck import guess_is_event_day
from citynews.normalize.pagedates import day_of, declared_in_markup
from citynews.normalize.placepublisher import publisher_place
from citynews.normalize.registration import registration_links


def content_links(content_html: str) -> list[tuple[str, str]]:
    """(anchor text, href) pairs of the main content, e.g. registration links near an event."""
    if not content_html.strip():
        return []
    root = lxml.html.fragment_fromstring(content_html, create_parent="div")
    return [(a.text_content().strip(), a.get("href")) for a in root.iter("a") if a.get("href")]


def _with_offered_registration(
    events: list[Event], offered: Callable[[], list[tuple[str, str]]] | None
) -> list[Event]:
    """The page's one event takes a registration button beside the text (a details box, a
    sidebar) when its text links none; looked for only then, since it scans every link."""
    if offered is None or len({e.title for e in events}) != 1:
        return events
    if all(e.registration_url for e in events):
        return events
    links = offered()
    if not links:
        return events
    return [e if e.registration_url else replace(e, registration_url=links[0][1]) for e in events]


class Normalizer:
    def __init__(self, *, taxonomy_path: Path | None = None, gazetteer: Any = None) -> None:
        self.taxonomy = topics_mod.load_taxonomy(taxonomy_path)
        self.gazetteer = gazetteer

    def preload(self) -> None:
        """Load everything a page needs now, and keep it out of the garbage collector's scans.

        For batch runs (extract, reprocess, crawls): the gazetteer and its matcher are
        ~100,000 long-lived objects that every full collection would otherwise walk again;
        ``gc.freeze`` cut the collector's time in a 200-page extract from 0.13 to 0.04 s.
        """
        places_mod.prepare(self.gazetteer)
        gc.freeze()

    def __call__(
        self,
        html: str | bytes,
        url: str,
        *,
        source: str | None = None,
        home_region: str | None = None,
        hints: Hints | None = None,
        tree: Any = None,
        now: date | None = None,
    ) -> Document:
        if markup_needs_cleaning(html):
            # Cleaned once here, before parsing: a tree parsed from the raw markup is dropped.
            html, tree = clean_markup(html), None
        if tree is None:
            tree = parse_html(html)
        # Read before extraction, which may prune the tree the markup sits in.
        markup = event_nodes(tree, html)
        grid = grid_text(tree)
        # Strings parsed out of the page (JSON-LD escapes such as "\ud800") are cleaned too.
        page = clean_deep(extract_page(html, url, hints=hints, tree=tree))
        if hints and hints.calendars:
            # The page's own calendar entry states its event best: read before the page's own.
            markup = [*linked_calendar_nodes(hints.calendars, page.title or ""), *markup]
        if markup:
            page = replace(page, jsonld=[*page.jsonld, *clean_deep(markup)])
        if page.published_source == "htmldate" and guess_is_event_day(tree, day_of(page.published)):
            page = replace(page, published=None, published_source=None)
        guessed_day = day_of(page.published) if page.published_source == "htmldate" else None
        # A second htmldate pass (≈ 2 ms), asked for only when the answer matters (pages with
        # events or items: 1 of the 19 bench pages that reach it).
        text_guess = guessed_day is not None and (
            lambda: not declared_in_markup(tree, url, guessed_day)
        )
        doc = self.from_page(
            page,
            source=source,
            home_region=home_region,
            now=now,
            text_guess=text_guess,
            grid=grid,
            offered=lambda: registration_links(tree, page.url),
        )
        # An event or listing page that names no place at all is about its publisher's town
        # (read only then); a news article without one is about no town in particular.
        if home_region is None and not doc.places and doc.kind != "article":
            publisher = publisher_place(html, gazetteer=self.gazetteer)
            doc.places.extend([publisher] if publisher else [])
        return doc

    def from_page(
        self,
        page: Page,
        *,
        source: str | None = None,
        home_region: str | None = None,
        now: date | None = None,
        text_guess: bool | Callable[[], bool] = False,
        stated_events: list[Event] | None = None,
        grid: str = "",
        offered: Callable[[], list[tuple[str, str]]] | None = None,
    ) -> Document:
        """``now``: the day the page was fetched, the year of undated days when it has no date.

        ``text_guess``: the publication date is htmldate's guess from the visible text only
        (or a function telling it, called only when the answer matters).
        ``stated_events``: what a machine-readable source (iCal, JSON, OParl) says; the text
        is then not searched for more. ``grid``: the page's calendar grids as table lines.
        """
        guessed = page.published_source == "htmldate"
        # A guessed date must not date the events: read them against the crawl day instead.
        reader = replace(page, published=None) if guessed else page
        places = places_mod.find_places(
            page.text, title=page.title or "", home_region=home_region, gazetteer=self.gazetteer
        )
        topics: list[TopicMatch] = []
        if stated_events is not None:
            events = list(stated_events)
        elif page.kind == "listing":
            events = events_mod.listing_events(reader, now=now, grid=grid)
        else:
            events = events_mod.extract_events(
                reader,
                links=lambda: content_links(page.content_html),
                now=now,
                grid=grid,
            )
        # The status field says "abgesagt"; the title need not say it first as well.
        events = [replace(e, title=without_status_prefix(e.title, e.status)) for e in events]
        events = _with_offered_registration(events, offered)
        kind = refine_kind(page, events)
        # Judged as the page it turned out to be: an "Aktuelles" overview is a listing.
        wrong = guessed and guessed_date_is_wrong(
            replace(page, kind=kind), events, text_guess=text_guess
        )
        if wrong or after_fetch(page, now):
            page = replace(page, published=None, published_source=None)
        for event in events:
            self._resolve_event_place(event, page.text, home_region, places)
        if page.kind != "listing":
            home = places_mod.home_place(home_region, gazetteer=self.gazetteer)
            if home is not None:
                places.append(home)
            topics = topics_mod.tag(page.title or "", page.text, self.taxonomy, page.keywords)
            if events:
                when = ", ".join(sorted({str(e.start)[:10] for e in events}))
                topics.append(TopicMatch(EVENT_TOPIC, 1.0, "has-event", [when]))
        return Document(
            url=page.url,
            source=source,
            title=page.title,
            kind=kind,
            published=page.published,
            modified=page.modified,
            published_source=page.published_source,
            text=page.text,
            content_html=page.content_html,
            summary=page.summary,
            keywords=page.keywords,
            language=page.language,
            topics=topics,
            places=places,
            events=events,
            teasers=page.teasers,
        )

    def _resolve_event_place(
        self, event: Event, context: str, home_region: str | None, places: list[Place]
    ) -> None:
        if event.place is not None or event.online and not (event.address or event.place_name):
            return
        postal_code = None
        town = event.place_name
        if event.address:
            address = parse_address(event.address)
            if address:
                postal_code = address.postal_code
                town = town or address.town
        place = None
        if town or postal_code:
            place = places_mod.resolve_place(
                town, postal_code, context=context, home_region=home_region
            )
            if place is not None:
                place = replace(place, role="event", evidence=event.address or town or "")
        place = place or self._fallback_place(event, home_region, places, context)
        if place is None:
            return
        event.place = place
        if all(p.ags != place.ags or p.role != "event" for p in places):
            places.append(place)

    def _fallback_place(
        self, event: Event, home_region: str | None, places: list[Place], context: str
    ) -> Place | None:
        """An event without a known town: the venue's town, else the source's home, else the
        page's subject town. Never the publisher's town when the text names another."""
        if event.online and not event.venue:
            return None
        if event.venue:
            named = _municipalities(
                places_mod.find_places(
                    event.venue, home_region=home_region, gazetteer=self.gazetteer
                )
            )
            if named:
                return replace(named[0], role="event", evidence=event.venue)
        home = places_mod.home_place(home_region, gazetteer=self.gazetteer)
        if home is not None:
            return replace(home, role="event")
        page = {p.ags: p for p in _municipalities(places) if p.role == "mentioned"}
        if len(page) == 1:
            only = next(iter(page.values()))
            return replace(only, role="event", evidence=f"the page's only place: {only.name}")
        subject = _subject_town(list(page.values()), context)
        if subject is not None:
            return replace(subject, role="event", evidence=f"the page's town: {subject.name}")
        return None


_SUBJECT_MENTIONS = 3


@functools.lru_cache(maxsize=256)
def _mentions(name: str, text: str) -> int:
    """How often a town's name stands in a text (asked again for every event of a page)."""
    return len(re.findall(rf"\b{re.escape(name)}\b", text))


def _subject_town(towns: list[Place], text: str) -> Place | None:
    """The town a page is about: named at least three times and more often than any other
    (a gazette notice that names only a Stadtteil after the postcode)."""
    counts = sorted(
        ((_mentions(t.name, text), t) for t in towns),
        key=lambda c: -c[0],
    )
    if not counts or counts[0][0] < _SUBJECT_MENTIONS:
        return None
    if len(counts) > 1 and counts[1][0] == counts[0][0]:
        return None
    return counts[0][1]


def _municipalities(places: list[Place]) -> list[Place]:
    return [p for p in places if p.kind in ("municipality", "district")]


def _place_json(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "kind": place.kind,
        "ags": place.ags,
        "lat": place.lat,
        "lon": place.lon,
        "role": place.role,
        "evidence": place.evidence,
    }


def document_json(doc: Document) -> dict[str, Any]:
    """The public ``citynews extract`` record (other tools read it: keep keys stable)."""
    return {
        "url": doc.url,
        "title": doc.title,
        "kind": doc.kind,
        "published": iso(doc.published),
        "modified": iso(doc.modified),
        "published_source": doc.published_source,
        "summary": doc.summary,
        "text": doc.text,
        "language": doc.language,
        "keywords": doc.keywords,
        "topics": [t.slug for t in doc.topics],
        "topic_rules": [
            {"slug": t.slug, "score": t.score, "rule": t.rule, "words": t.words} for t in doc.topics
        ],
        "places": [_place_json(p) for p in doc.places],
        "events": [
            {
                "title": e.title,
                "start": iso(e.start),
                "end": iso(e.end),
                "all_day": e.all_day,
                "venue": e.venue,
                "address": e.address,
                "place": _place_json(e.place)
                or ({"name": e.place_name, "lat": None, "lon": None} if e.place_name else None),
                "online": e.online,
                "registration_url": e.registration_url,
                "source": e.source,
                "status": e.status,
                "registration_deadline": iso(e.registration_deadline),
                "provenance": e.provenance,
            }
            for e in doc.events
        ],
        "teasers": [
            {"title": t.title, "url": t.url, "published": iso(t.published)} for t in doc.teasers
        ],
    }
