"""Benchmark helper: a synthetic database of N documents and the time to publish all its feeds.

    python -m feeds.bench --documents 100000 --db /tmp/bench.db --out /tmp/bench-feeds

``make_synthetic_db`` writes through ``Store`` exactly like a crawl (sources, topics, places,
events, near-duplicates, undated documents), then installs the analyst layer (indexes, FTS) as
``open_db`` does once the hook is registered. ``time_build`` times ``build_feeds`` twice: a cold
first build that writes every file and a rebuild that writes nothing.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from citynews.config import Source
from citynews.feeds.build import build_feeds
from citynews.model import BERLIN, Document, Event, Place, TopicMatch
from citynews.storage import analytics
from citynews.storage.store import Store, document_id, open_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=BERLIN)
WORDS = [
    "Stadt",
    "Verwaltung",
    "Bürger",
    "Quartier",
    "Sensor",
    "Daten",
    "Plattform",
    "Förderung",
    "Projekt",
    "Netz",
    "Energie",
    "Wärme",
    "Verkehr",
    "Radweg",
    "Schule",
    "Tablet",
    "Beteiligung",
    "Workshop",
    "Zwilling",
    "Modell",
    "Glasfaser",
    "Portal",
    "Antrag",
    "Mobilität",
    "Klima",
    "Strom",
    "Laterne",
    "Parkplatz",
    "Bahnhof",
    "Rathaus",
    "Landkreis",
    "Gemeinde",
    "Kita",
    "Messung",
    "Luft",
    "Lärm",
    "Wasser",
    "Pegel",
    "Baustelle",
    "Gebäude",
    "Dach",
    "Solar",
    "Konzept",
    "Strategie",
    "Team",
]


@dataclass
class _Topic:
    slug: str
    name: str
    description: str


TOPICS = [
    _Topic(slug, name, f"Meldungen zum Thema {name}.")
    for slug, name in (
        ("digitaler-zwilling", "Digitaler Zwilling & 3D-Stadtmodell"),
        ("mobilitaet", "Mobilität & Verkehr"),
        ("energie-klima", "Energie, Wärmeplanung, Klima & Umwelt"),
        ("bildung", "Bildung & digitale Kompetenzen"),
        ("beteiligung", "Bürgerbeteiligung & Teilhabe"),
        ("daten", "Datenplattformen, Open Data & Open Source"),
        ("ki", "Künstliche Intelligenz"),
        ("sensorik", "Sensorik, IoT & LoRaWAN"),
        ("verwaltung", "Digitale Verwaltung & E-Government"),
        ("infrastruktur", "Breitband, WLAN, 5G"),
        ("foerderung", "Förderprogramme & Wettbewerbe"),
        ("veranstaltungen", "Termine"),
    )
]
SOURCES = [
    Source(
        name=name,
        title=title,
        kind="listing",
        start_urls=(f"https://www.{name}.example/",),
        allowed_domains=(f"{name}.example",),
    )
    for name, title in (
        ("kommune21", "Kommune21"),
        ("stadt-und-werk", "Stadt und Werk"),
        ("smart-city-dialog", "Smart City Dialog"),
        ("halle", "Stadt Halle (Saale)"),
        ("dlr", "DLR Projektträger"),
    )
]


def _places(rng: random.Random) -> list[Place]:
    places = []
    for code in analytics.STATES:
        for n in range(1, 9):
            ags = f"{code}{n:03d}{rng.randint(0, 999):03d}"
            places.append(
                Place(
                    f"Gemeinde {code}-{n}",
                    "municipality",
                    ags,
                    round(rng.uniform(47.5, 54.8), 4),
                    round(rng.uniform(6.0, 14.9), 4),
                )
            )
    return places


def _document(i: int, rng: random.Random, places: list[Place]) -> Document:
    source = SOURCES[i % len(SOURCES)].name
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 2350))
    published: date | datetime | None
    roll = rng.random()
    if roll < 0.05:
        published = None
    elif roll < 0.5:
        published = day
    else:
        published = datetime(day.year, day.month, day.day, rng.randrange(7, 19), tzinfo=BERLIN)
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(150, 450)))
    topics = [
        TopicMatch(t.slug, round(rng.uniform(1, 6), 1), "keyword", [])
        for t in rng.sample(TOPICS[:-1], rng.choice((1, 1, 2, 3)))
    ]
    events = []
    if i % 8 == 0:
        # Events cluster around the build date as on real portals (announced ahead, kept a while
        # after), so the calendars' window holds thousands of them as it does in production.
        start_day = NOW.date() + timedelta(days=rng.randrange(-400, 200))
        if rng.random() < 0.2:
            event = Event(
                f"Aktionstag {i}",
                start_day,
                start_day + timedelta(days=rng.choice((0, 1, 2))),
                all_day=True,
                venue="Marktplatz",
                place=rng.choice(places),
            )
        else:
            start = datetime(
                start_day.year, start_day.month, start_day.day, rng.randrange(9, 19), tzinfo=BERLIN
            )
            event = Event(
                f"Termin {i}",
                start,
                start + timedelta(hours=3),
                venue="Rathaus",
                place=rng.choice(places),
            )
        events.append(event)
        topics.append(TopicMatch("veranstaltungen", 1.0, "event", []))
    return Document(
        url=f"https://www.{source}.example/meldung/{i}",
        source=source,
        title=f"Meldung {i}: {' '.join(rng.choice(WORDS) for _ in range(6))}",
        kind="event" if events else "article",
        published=published,
        modified=None,
        published_source="meta" if published else None,
        text=text,
        content_html=f"<p>{text[:2000]}</p>",
        summary=text[:280],
        topics=topics,
        places=rng.sample(places, rng.choice((0, 1, 1, 2))),
        events=events,
    )


def make_synthetic_db(path: Path, documents: int = 100_000, *, seed: int = 7) -> Path:
    """Write ``documents`` synthetic documents (3 % marked near-duplicates) through Store."""
    rng = random.Random(seed)
    places = _places(rng)
    db = open_db(path)
    store = Store(db, batch_size=500)
    store.upsert_sources(SOURCES)
    store.upsert_topics(TOPICS)
    run = store.start_run("kommune21")
    for i in range(documents):
        store.add(_document(i, rng, places), raw_html=b"<html></html>")
    store.finish_run(run, "kommune21", "ok", duration_s=0.0)
    pairs = [
        (document_id(f"https://www.{SOURCES[i % len(SOURCES)].name}.example/meldung/{i}"),)
        for i in range(1, documents, 33)
    ]
    with db.conn:
        # Stands in for the dedup step: every 33rd document repeats its predecessor.
        db.conn.executemany(
            "update documents set duplicate_of = (select id from documents d2"
            " where d2.rowid = documents.rowid - 1) where id = ?",
            pairs,
        )
    analytics.install(db)
    analytics.refresh_counts(db)
    db.execute("analyze")
    db.close()
    return path


def time_build(db_path: Path, out_dir: Path, *, limit: int = 50) -> dict[str, Any]:
    """Seconds for a first build (all files written) and a rebuild (nothing written)."""
    started = time.perf_counter()
    first = build_feeds(db_path, out_dir, limit=limit, now=NOW)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = build_feeds(db_path, out_dir, limit=limit, now=NOW)
    warm = time.perf_counter() - started
    return {
        "feeds": len(first.feeds),
        "files_written": len(first.written),
        "first_build_s": round(cold, 3),
        "rebuild_s": round(warm, 3),
        "rebuild_written": len(second.written),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("bench-feeds.db"))
    parser.add_argument("--out", type=Path, default=Path("bench-feeds"))
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        make_synthetic_db(args.db, args.documents)
        print(f"database: {args.documents} documents in {time.perf_counter() - started:.1f} s")
    print(time_build(args.db, args.out))


if __name__ == "__main__":
    main()
