"""Synthetic normalized documents for the storage and feed benchmarks.

Documents look like crawl output: ~3 KB of German text assembled from a pool of generated
paragraphs (building each text from words would cost more than storing it), 1-3 topics of the
real taxonomy, 0-3 real gazetteer places, an event on one document in eight, five sources,
publication dates over the last six years (some undated, some date-only) and events around
today, so the "upcoming" view and the calendars have content.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sitegen import ACTORS, NOUNS, SENTENCES, STATES, SUBJECTS, TOWNS, VENUES, meta_words

from citynews.config import Source
from citynews.model import BERLIN, EVENT_TOPIC, Document, Event, Place, TopicMatch
from citynews.normalize.gazetteer import load_gazetteer
from citynews.normalize.topics import load_taxonomy

SOURCE_NAMES = ("kommune21", "stadt-und-werk", "smart-city-dialog", "halle", "dlr")


def sources() -> list[Source]:
    return [
        Source(
            name=name,
            title=f"Portal {name}",
            kind="listing",
            start_urls=(f"http://{name}.example/",),
            allowed_domains=(f"{name}.example",),
        )
        for name in SOURCE_NAMES
    ]


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    pool = []
    for n in range(count):
        words = meta_words(0, n)
        sentences = []
        for _ in range(rng.randint(3, 6)):
            person = rng.choice(words.people)
            sentences.append(
                rng.choice(SENTENCES).format(
                    Thing=rng.choice(words.things),
                    thing=rng.choice(words.things),
                    thing2=rng.choice(words.things),
                    Person=person,
                    person=person,
                    street=rng.choice(words.streets),
                    quarter=rng.choice(words.quarters),
                    town=rng.choice(TOWNS),
                    town2=rng.choice(TOWNS),
                    district="Saalekreis",
                    state=rng.choice(STATES),
                    actor=rng.choice(ACTORS),
                    subject=rng.choice(SUBJECTS),
                    adj="neue",
                    noun=rng.choice(NOUNS),
                    num=rng.randint(10, 5000),
                    money=f"{rng.randint(2, 900) * 10_000:,}".replace(",", "."),
                    year=2025,
                    year2=2026,
                    month="März",
                    date="12. Mai 2026",
                    short="30.04.2026",
                    weekday="Dienstag",
                    hour="18.00",
                    venue=rng.choice(VENUES),
                )
            )
        pool.append(" ".join(sentences))
    return pool


class DocumentFactory:
    """Deterministic documents ``0..n``; ``today`` anchors publication and event dates."""

    def __init__(self, *, seed: int = 7, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.pool = _paragraphs(self.rng, 400)
        gazetteer = load_gazetteer()
        municipalities = sorted(
            gazetteer.of_kind("municipality"), key=lambda e: -(e.population or 0)
        )[:3000]
        self.places = [
            Place(
                e.short or e.name,
                "municipality",
                e.ags,
                e.lat,
                e.lon,
                gazetteer.state_name(e.ags),
                gazetteer.district_name(e.ags),
                e.population,
            )
            for e in municipalities
        ]
        self.topics = [t.slug for t in load_taxonomy().topics if t.slug != EVENT_TOPIC]

    def document(self, i: int) -> Document:
        rng = self.rng
        source = SOURCE_NAMES[i % len(SOURCE_NAMES)]
        day = self.today - timedelta(days=rng.randrange(0, 6 * 365))
        published: date | datetime | None
        roll = rng.random()
        if roll < 0.04:
            published = None
        elif roll < 0.4:
            published = day
        else:
            published = datetime(day.year, day.month, day.day, rng.randrange(6, 20), tzinfo=BERLIN)
        paragraphs = rng.sample(self.pool, rng.randint(5, 9))
        text = "\n\n".join(paragraphs)
        topics = [
            TopicMatch(slug, round(rng.uniform(2, 12), 1), f"keyword:{slug}", [slug])
            for slug in rng.sample(self.topics, rng.choice((1, 1, 2, 3)))
        ]
        places = rng.sample(self.places, rng.choice((0, 1, 1, 2, 3)))
        events = []
        if i % 8 == 0:
            start_day = self.today + timedelta(days=rng.randrange(-400, 200))
            start = datetime(
                start_day.year, start_day.month, start_day.day, rng.randrange(9, 19), tzinfo=BERLIN
            )
            place = rng.choice(self.places)
            events.append(
                Event(
                    f"Informationsabend {rng.choice(SUBJECTS)} {i}",
                    start,
                    start + timedelta(hours=2),
                    venue=rng.choice(VENUES).split(" ", 1)[1],
                    place_name=place.name,
                    place=place,
                )
            )
            topics.append(TopicMatch(EVENT_TOPIC, 1.0, "has-event", [str(start_day)]))
        title = f"{rng.choice(TOWNS)}: {rng.choice(SUBJECTS)} – {rng.choice(NOUNS)} {i}"
        return Document(
            url=f"http://{source}.example/aktuelles/{i}.html",
            source=source,
            title=title,
            kind="article",
            published=published,
            modified=None,
            published_source="jsonld" if published else None,
            text=text,
            content_html="".join(f"<p>{p}</p>" for p in paragraphs),
            summary=paragraphs[0][:300],
            keywords=[rng.choice(SUBJECTS)],
            language="de",
            topics=topics,
            places=places,
            events=events,
        )

    def raw_html(self, doc: Document) -> bytes:
        """The stored page: the article inside a small page frame (~5 KB)."""
        return (
            f"<html><head><title>{doc.title}</title></head><body><nav>Start Aktuelles Themen"
            f"</nav><article><h1>{doc.title}</h1>{doc.content_html}</article></body></html>"
        ).encode()

    def documents(self, start: int, stop: int) -> Iterator[Document]:
        for i in range(start, stop):
            yield self.document(i)
