"""What each feed is made of: the feed list (all, events, topics, states, places, sources) and
the rows behind every feed, turned into items.

Place feeds exist per municipality (8-digit AGS) and per district (5-digit AGS, Landkreis) that
has documents. A kreisfreie Stadt is its own district (its municipality key ends in ``000``), so
it gets the town feed only. Slugs carry the official key and stay stable when a name changes its
spelling: ``ort-15002000-halle-saale``, ``kreis-15084-burgenlandkreis``.
"""

from __future__ import annotations

import html
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from citynews.feeds.common import (
    as_datetime,
    clean_html,
    file_slug,
    german_date,
    plain_text,
    safe_url,
    short_date,
    slugify,
    status_prefix,
    title_text,
    upcoming_threshold,
    window_start,
    without_ads,
)
from citynews.storage.analytics import STATES

EVENTS_SLUG = "veranstaltungen"
SUMMARY_CHARS = 400
# Items per town and district feed (at most the build's limit). A place has a few items a day
# even in a national database, so 20 cover days between two polls of a feed reader, while
# thousands of place feeds at 50 items made most of a build's time and 1.2 of its 1.4 GB on
# 100,000 documents (20: about half of both).
PLACE_LIMIT = 20
# Shown for an empty feed: a fixed date, so an empty database still rebuilds identical bytes.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Feed order: the document's own date, else when citynews first saw it (the index in
# citynews.storage.analytics covers exactly this expression).
# "+d.duplicate_of" keeps SQLite from choosing the duplicate_of index (almost every row is
# null) over the order index, which turned a 0.4 ms LIMIT scan into a 20 ms sort.
ORDER_KEY = "coalesce(d.published_utc, d.first_seen)"
# What a document feed's fingerprint and index.html need; the bodies (_BODY_COLUMNS) are read
# only for items about to be rendered, once per build: a rebuild without changes reads none.
_KEY_COLUMNS = (
    "d.id, d.url, d.source, d.title, d.published, d.modified, d.first_seen, d.content_hash,"
    " d.updated_at"
)
# The text's start stands in for a missing summary; read only then (a fifth of the query).
_BODY_COLUMNS = (
    "d.summary, case when coalesce(d.summary, '') = '' then substr(d.text, 1, 1000) end"
    " as text_start, d.content_html"
)
_DOC_COLUMNS = f"{_KEY_COLUMNS}, {_BODY_COLUMNS}"
# A document's summary, text start and content HTML (_BODY_COLUMNS).
_Body = tuple[str | None, str | None, str | None]


@dataclass
class Item:
    guid: str
    title: str
    link: str | None
    published: datetime
    updated: datetime
    summary: str
    content: str
    categories: list[str]
    places: list[str]
    source_title: str | None
    source_url: str | None


@dataclass
class Rows:
    """What a feed is made from: its rows (documents or events) and their labels."""

    rows: list[sqlite3.Row]
    topics: dict[str, list[str]]
    places: dict[str, list[str]]
    events: bool = False


@dataclass
class Feed:
    slug: str
    group: str
    title: str
    description: str
    data: Rows
    # Places only: the state's AGS prefix (OPML and index.html group place feeds by state).
    state: str | None = None


@dataclass
class PlaceFeed:
    """A municipality or district with documents: its key, name, slug and state."""

    ags: str
    name: str
    kind: str
    slug: str = field(init=False)

    def __post_init__(self) -> None:
        prefix = "ort" if self.kind == "municipality" else "kreis"
        self.slug = file_slug(f"{prefix}-{self.ags}-{slugify(self.name)}")

    @property
    def state(self) -> str:
        return self.ags[:2]


def place_feeds(conn: sqlite3.Connection) -> list[PlaceFeed]:
    """Every municipality and district that documents refer to, in key order."""
    names = dict(conn.execute("select ags, name from places where name is not null"))
    districts = dict(
        conn.execute(
            "select substr(ags, 1, 5), max(district) from places"
            " where length(ags) = 8 and district is not null group by 1"
        )
    )
    keys = [row[0] for row in conn.execute("select distinct ags from document_places")]
    towns = {k for k in keys if len(k) == 8}
    out = [PlaceFeed(k, names.get(k) or k, "municipality") for k in sorted(towns)]
    for key in sorted({k[:5] for k in keys if len(k) >= 5}):
        if f"{key}000" in towns:
            continue  # a kreisfreie Stadt: the town feed is the district feed
        name = names.get(key) or districts.get(key) or f"Kreis {key}"
        out.append(PlaceFeed(key, name, "district"))
    return sorted(out, key=lambda p: p.ags)


def place_limits(places: list[PlaceFeed], limit: int) -> dict[str, int]:
    """Items per place feed (town or district key) and per state feed (its two digits)."""
    towns = min(limit, PLACE_LIMIT)
    return {**dict.fromkeys(STATES, limit), **{p.ags: towns for p in places}}


def collect_feeds(
    fetch: ItemFetcher,
    places: list[PlaceFeed],
    ranking: Mapping[str, Rows],
    *,
    limit: int,
    now: datetime,
) -> Iterable[Feed]:
    """Every feed of the database in publishing order; the caller skips empty ones.

    ``ranking``: the rows of every state and place feed (``ItemFetcher.place_ranking`` with
    ``place_limits``)."""
    topic_names = fetch.topic_names
    yield Feed(
        "alle",
        "gesamt",
        "citynews – alle Meldungen",
        "Neue Meldungen aller Quellen zu Smart City und Digitalisierung in deutschen Kommunen.",
        fetch.documents("", [], limit),
    )
    events_name = topic_names.get(EVENTS_SLUG, "Veranstaltungen")
    yield Feed(
        EVENTS_SLUG,
        "gesamt",
        f"citynews – {events_name}",
        "Angekündigte Veranstaltungen aller Quellen, kommende Termine zuerst.",
        fetch.events(limit, now),
    )
    for topic in fetch.topics:
        if topic["slug"] == EVENTS_SLUG:
            continue
        yield Feed(
            topic["slug"],
            "themen",
            f"citynews – {topic['name']}",
            plain_text(topic["description"]) or f"Meldungen zum Thema {topic['name']}.",
            fetch.documents(
                " and exists (select 1 from document_topics dt"
                " where dt.document_id = d.id and dt.topic = ?)",
                [topic["slug"]],
                limit,
            ),
        )
    for code, (name, slug) in STATES.items():
        yield Feed(
            f"land-{slug}",
            "laender",
            f"citynews – {name}",
            f"Meldungen mit Bezug zu Orten in {name}.",
            ranking[code],
        )
    for place in places:
        name = plain_text(place.name)
        label = name if place.kind == "municipality" else _district_label(name)
        yield Feed(
            place.slug,
            "orte",
            f"citynews – {label}",
            f"Meldungen mit Bezug zu {label} (Schlüssel {place.ags}).",
            ranking[place.ags],
            state=place.state,
        )
    for name, source in fetch.sources.items():
        title = title_text(source["title"]) or name
        yield Feed(
            file_slug(f"quelle-{name}"),
            "quellen",
            f"citynews – Quelle: {title}",
            f"Alle Meldungen von {title}.",
            fetch.documents(" and d.source = ?", [name], limit),
        )


def _district_label(name: str) -> str:
    return name if "kreis" in name.casefold() else f"Landkreis {name}"


# Labels of all documents are read in one scan when a build needs more than 1/LABEL_SCAN_SHARE
# of them.
LABEL_SCAN_SHARE = 8
_NO_LABELS: tuple[list[str], list[str]] = ([], [])


class ItemFetcher:
    """Queries of the feed builder; every query is indexed and capped with LIMIT."""

    def __init__(self, conn: sqlite3.Connection, sources: dict[str, sqlite3.Row]) -> None:
        self.conn = conn
        self.sources = sources
        self.topics = conn.execute(
            "select slug, name, description from topics order by position, slug"
        ).fetchall()
        self.topic_names = {t["slug"]: t["name"] for t in self.topics}
        self._known_labels: dict[str, tuple[list[str], list[str]]] = {}
        self._all_labels = False
        self._source_cache: dict[str, tuple[str, str | None]] = {}
        columns = {row[1] for row in conn.execute("pragma table_info(events)")}
        # Event status and deadline come with a later schema migration; older files lack them.
        self.event_extras = ", ".join(
            f"e.{c}" if c in columns else f"null as {c}"
            for c in ("status", "registration_deadline")
        )

    def documents(self, where: str, params: list[object], limit: int) -> Rows:
        rows = self.conn.execute(
            f"select {_KEY_COLUMNS} from documents d where +d.duplicate_of is null{where}"
            f" order by {ORDER_KEY} desc, d.id desc limit ?",
            [*params, limit],
        ).fetchall()
        return Rows(rows, *self._labels([r["id"] for r in rows]))

    def place_ranking(self, limits: Mapping[str, int]) -> dict[str, Rows]:
        """The newest documents of every place key in ``limits`` (a state's two digits, a
        district's five, a town's eight), at most as many as it says, in one pass.

        One ordered walk of all place links instead of a query per place: thousands of place
        feeds cost one sort, not thousands of them (the 16 state queries alone took 0.5 s,
        each sorting the documents of a whole state). The walk reads only indexes (the
        feed-order index and the place links' primary key); the documents' key columns come
        from one sequential scan of the table. Reading them per link in feed order jumped
        across the whole table: 1.4 s for 140,000 links against 0.7 s on 100,000 documents.
        """
        ranking: dict[str, list[sqlite3.Row]] = {key: [] for key in limits}
        by_id = {
            row["id"]: row
            for row in self.conn.execute(
                f"select {_KEY_COLUMNS} from documents d where d.duplicate_of is null"
            )
        }
        for ags, document_id in self.conn.execute(
            "select dp.ags, d.id from documents d join document_places dp"
            f" on dp.document_id = d.id order by {ORDER_KEY} desc, d.id desc"
        ):
            row = by_id.get(document_id)
            if row is None:
                continue  # a duplicate: its original is listed
            for key in (ags, ags[:5], ags[:2]):
                chosen = ranking.get(key)
                # A document's links are adjacent in this order: one check against the last
                # row keeps a document once per feed.
                if (
                    chosen is not None
                    and len(chosen) < limits[key]
                    and (not chosen or chosen[-1] is not row)
                ):
                    chosen.append(row)
        del by_id
        linked = {r["id"] for rows in ranking.values() for r in rows}
        documents = self.conn.execute("select count(*) from documents").fetchone()[0]
        if len(linked) * LABEL_SCAN_SHARE > documents:
            self._load_all_labels()
        return {
            key: Rows(rows, *self._labels([r["id"] for r in rows])) for key, rows in ranking.items()
        }

    def events(self, limit: int, now: datetime) -> Rows:
        """Upcoming events first, then recent ones: the calendars' window, never older."""
        threshold = upcoming_threshold(now)
        select = (
            f"select e.id as event_id, e.title as event_title, e.start, e.end, e.all_day,"
            f" e.venue, e.address, e.place_name, {self.event_extras}, {_DOC_COLUMNS}"
            " from events e join documents d on d.id = e.document_id where +d.duplicate_of is null"
        )
        rows = self.conn.execute(
            f"{select} and e.start_utc >= ? order by e.start_utc, e.id limit ?", [threshold, limit]
        ).fetchall()
        if len(rows) < limit:
            rows += self.conn.execute(
                f"{select} and e.start_utc < ? and e.start_utc >= ?"
                " order by e.start_utc desc, e.id desc limit ?",
                [threshold, window_start(now), limit - len(rows)],
            ).fetchall()
        return Rows(rows, *self._labels(list({r["id"] for r in rows})), events=True)

    def items(self, data: Rows) -> list[Item]:
        """The feed items of rows from ``documents`` or ``events``."""
        if data.events:
            return [self._event_item(r, data) for r in data.rows]
        bodies = self._bodies([r["id"] for r in data.rows])
        return [
            self._item(
                r,
                bodies[r["id"]],
                f"urn:citynews:{r['id']}",
                data.topics[r["id"]],
                data.places[r["id"]],
            )
            for r in data.rows
        ]

    def _bodies(self, ids: list[str]) -> dict[str, _Body]:
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"select d.id, {_BODY_COLUMNS} from documents d where d.id in ({marks})", ids
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def _event_item(self, r: sqlite3.Row, data: Rows) -> Item:
        start = as_datetime(r["start"])
        item = self._item(
            r,
            (r["summary"], r["text_start"], r["content_html"]),
            f"urn:citynews:event:{r['event_id']}",
            data.topics[r["id"]],
            data.places[r["id"]],
        )
        when = german_date(start.date() if len(r["start"]) == 10 else start)
        where = ", ".join(
            p for p in (plain_text(r["venue"]), plain_text(r["address"] or r["place_name"])) if p
        )
        prefix = f"Termin: {when}" + (f" · Ort: {where}" if where else "")
        deadline = as_datetime(r["registration_deadline"])
        if deadline:
            prefix += f" · Anmeldung bis {german_date(deadline.date())}"
        name = title_text(r["event_title"]) or item.title
        item.title = f"{status_prefix(r['status'])}{short_date(start)}: {name}"
        item.summary = f"{prefix}. {item.summary}".strip()
        item.content = f"<p>{html.escape(prefix)}</p>{item.content}"
        return item

    def _labels(self, ids: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Topic and place names per document; each document's are read once per build."""
        known = self._known_labels
        missing = [] if self._all_labels else [i for i in ids if i not in known]
        if missing:
            topics, places = self._read_labels(missing)
            known.update((i, (topics.get(i, []), places.get(i, []))) for i in missing)
        labels = [known.get(i, _NO_LABELS) for i in ids]
        topics = defaultdict(list, {i: t for i, (t, _) in zip(ids, labels, strict=True) if t})
        places = defaultdict(list, {i: p for i, (_, p) in zip(ids, labels, strict=True) if p})
        return topics, places

    def _load_all_labels(self) -> None:
        """Every document's labels in two scans, for builds that need most of them.

        Looking labels up per document costs about ten times a row of a full scan: with
        thousands of place feeds on 100,000 documents the scans took 1 s, the lookups 2.3 s.
        """
        topics, places = self._read_labels(None)
        self._known_labels = {
            i: (topics.get(i, []), places.get(i, [])) for i in topics.keys() | places.keys()
        }
        self._all_labels = True

    def _read_labels(
        self, ids: list[str] | None
    ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Labels of these documents (of all documents for None)."""
        topics: dict[str, list[str]] = defaultdict(list)
        places: dict[str, list[str]] = defaultdict(list)
        marks = ",".join("?" * len(ids or ()))
        topic_filter = f" where dt.document_id in ({marks})" if ids is not None else ""
        place_filter = f" where dp.document_id in ({marks})" if ids is not None else ""
        for row in self.conn.execute(
            f"select dt.document_id, dt.topic from document_topics dt{topic_filter}"
            " order by dt.document_id, dt.score desc, dt.topic",
            ids or (),
        ):
            topics[row[0]].append(self.topic_names.get(row[1], row[1]))
        for row in self.conn.execute(
            "select dp.document_id, coalesce(p.name, dp.name) from document_places dp"
            f" left join places p on p.ags = dp.ags{place_filter}"
            " order by dp.document_id, dp.role = 'source-home', dp.ags",
            ids or (),
        ):
            if row[1] and row[1] not in places[row[0]]:
                places[row[0]].append(row[1])
        return topics, places

    def _item(
        self, r: Mapping[str, Any], body: _Body, guid: str, topics: list[str], places: list[str]
    ) -> Item:
        published, updated = item_dates(r)
        summary_text, text_start, content_html = body
        summary = plain_text(without_ads(summary_text or text_start), max_chars=SUMMARY_CHARS)
        if not r["published"]:
            # The reader must not mistake the crawl date for the publication date.
            summary = f"(Datum unbekannt, gefunden am {short_date(published)}) {summary}".strip()
        if places:
            summary += f" Orte: {', '.join(places)}."
        source_title, source_url = self._source_labels(r["source"])
        content = clean_html(content_html) or f"<p>{html.escape(summary)}</p>"
        return Item(
            guid=guid,
            title=title_text(r["title"]) or "(ohne Titel)",
            link=safe_url(r["url"]),
            published=published,
            updated=updated,
            summary=summary.strip(),
            content=content,
            categories=topics,
            places=places,
            source_title=source_title,
            source_url=source_url,
        )

    def _source_labels(self, name: str) -> tuple[str, str | None]:
        """What an item shows of its source: its title and home page (once per source)."""
        labels = self._source_cache.get(name)
        if labels is None:
            source = self.sources.get(name)
            labels = self._source_cache[name] = (
                (title_text(source["title"]) or name, safe_url(source["home_url"]))
                if source
                else (name, None)
            )
        return labels


def item_dates(r: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """An item's publication date (first seen when unknown) and the document's own last change.

    The crawl time of a change is not the document's: ``updated`` is the modification date the
    page states, else its publication date.
    """
    published = as_datetime(r["published"]) or as_datetime(r["first_seen"]) or EPOCH
    modified = as_datetime(r["modified"])
    return published, max(modified, published) if modified else published
