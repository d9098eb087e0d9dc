"""Publish the database as RSS 2.0 and Atom 1.0 feeds, iCalendar files, OPML and index.html.

File names: ``<slug>.rss.xml`` and ``<slug>.atom.xml`` for every feed, ``<slug>.ics`` for
calendars, ``feeds.opml`` and ``index.html``. Slugs: ``alle``, one per topic (the topic slug),
``land-<state>`` per German state, ``quelle-<source>`` per source. The topic ``veranstaltungen``
lists events (one item per event, upcoming first) instead of documents.

Every item has a GUID that survives rebuilds and re-crawls (``urn:citynews:<document id>``,
the id being a hash of the canonical URL; ``urn:citynews:event:<event id>`` for events). Feed
dates come from the data (newest item), never from the clock, and a file is only written when
its bytes change, so a rebuild without new data leaves every file and its mtime alone.

A rebuild does not even render what has not changed: every feed and calendar has a fingerprint
of its inputs (the rows it is made from, labels, ``base_url``, ``limit``, the rendering code),
kept per file in ``.citynews-feeds.json`` in the output folder. An existing file whose
fingerprint matches is left as it is.

Queries are indexed and capped with LIMIT: no feed ever loads all documents into Python.
"""

from __future__ import annotations

import html
import json
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from citynews.feeds.calendars import build_calendars
from citynews.feeds.common import (
    as_datetime,
    clean_html,
    connect_readonly,
    fingerprint,
    german_date,
    join_url,
    plain_text,
    safe_url,
    short_date,
    upcoming_threshold,
    write_if_changed,
)
from citynews.model import BERLIN
from citynews.model import EVENT_TOPIC as EVENTS_SLUG
from citynews.storage.analytics import STATES

GROUPS = {
    "gesamt": "Gesamt",
    "themen": "Themen",
    "laender": "Bundesländer",
    "quellen": "Quellen",
    "kalender": "Kalender",
}
SUMMARY_CHARS = 400
# Shown for an empty feed: a fixed date, so an empty database still rebuilds identical bytes.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Feed order: the document's own date, else when citynews first saw it (the index in
# citynews.storage.analytics covers exactly this expression).
# "+d.duplicate_of" keeps SQLite from choosing the duplicate_of index (almost every row is
# null) over the order index, which turned a 0.4 ms LIMIT scan into a 20 ms sort.
ORDER_KEY = "coalesce(d.published_utc, d.first_seen)"
_DOC_COLUMNS = (
    "d.id, d.url, d.source, d.title, d.published, d.first_seen, d.updated_at, d.summary,"
    " substr(d.text, 1, 1000) as text_start, d.content_html"
)
PUBLISHED_SUFFIXES = (".rss.xml", ".atom.xml", ".ics")
MANIFEST = ".citynews-feeds.json"


@dataclass
class FeedInfo:
    """One published feed or calendar: what index.html and feeds.opml list."""

    slug: str
    group: str
    title: str
    description: str
    items: int
    updated: datetime | None
    files: list[str]


@dataclass
class BuildReport:
    """What ``build_feeds`` did: files written, left unchanged and removed, items per feed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    feeds: list[FeedInfo] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def items(self) -> dict[str, int]:
        """Item (or event) count per published file."""
        return {name: info.items for info in self.feeds for name in info.files}

    def __str__(self) -> str:
        feeds = sum(1 for f in self.feeds if f.group != "kalender")
        calendars = len(self.feeds) - feeds
        return (
            f"feeds: {feeds} feeds, {calendars} calendars; {len(self.written)} files written,"
            f" {len(self.unchanged)} unchanged, {len(self.removed)} removed in {self.seconds:.2f} s"
        )


@dataclass
class _Item:
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
class _Rows:
    """What a feed is made from: its rows (documents or events) and their labels."""

    rows: list[sqlite3.Row]
    topics: dict[str, list[str]]
    places: dict[str, list[str]]
    events: bool = False


@dataclass
class _Feed:
    slug: str
    group: str
    title: str
    description: str
    data: _Rows


def build_feeds(
    db_path: Path,
    out_dir: Path,
    *,
    base_url: str = "",
    limit: int = 50,
    now: datetime | None = None,
) -> BuildReport:
    """Write every feed, calendar, ``feeds.opml`` and ``index.html`` of a database to ``out_dir``.

    ``base_url`` is the public URL of ``out_dir`` (for self links; relative links without it),
    ``limit`` caps the items per feed, ``now`` decides which events count as upcoming.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    existing = _existing_fingerprints(out_dir)
    fingerprints: dict[str, str] = {}
    files: dict[str, bytes] = {}
    conn = connect_readonly(db_path)
    try:
        sources = {row["name"]: row for row in conn.execute("select * from sources order by name")}
        fetch = _ItemFetcher(conn, sources)
        # What items show of their source; other columns (e.g. updated_at) do not count.
        source_labels = [(name, s["title"], s["home_url"]) for name, s in sources.items()]
        for feed in _collect_feeds(fetch, limit=limit, now=now):
            if not feed.data.rows and feed.slug != "alle":
                continue
            names = [f"{feed.slug}.rss.xml", f"{feed.slug}.atom.xml"]
            fallback = None if feed.data.rows else _fallback_updated(conn)
            key = fingerprint(
                "feed",
                feed.slug,
                feed.title,
                feed.description,
                base_url,
                limit,
                fallback,
                feed.data.rows,
                feed.data.topics,
                feed.data.places,
                source_labels,
            )
            fingerprints.update(dict.fromkeys(names, key))
            updated = max((_updated(r)[1] for r in feed.data.rows), default=None)
            if all(existing.get(name) == key for name in names):
                report.unchanged += names
            else:
                rss, atom = _render(feed, fetch.items(feed.data), base_url, updated or fallback)
                files.update(zip(names, (rss, atom), strict=True))
            report.feeds.append(
                FeedInfo(
                    feed.slug,
                    feed.group,
                    feed.title,
                    feed.description,
                    len(feed.data.rows),
                    updated,
                    names,
                )
            )
        for calendar in build_calendars(conn, now=now, existing=existing):
            fingerprints[calendar.file_name] = calendar.fingerprint
            if calendar.data is None:
                report.unchanged.append(calendar.file_name)
            else:
                files[calendar.file_name] = calendar.data
            report.feeds.append(
                FeedInfo(
                    calendar.slug,
                    "kalender",
                    calendar.title,
                    calendar.description,
                    calendar.events,
                    calendar.updated,
                    [calendar.file_name],
                )
            )
        files["feeds.opml"] = _opml(report.feeds, base_url)
        files["index.html"] = _index_html(report.feeds, _source_status(conn, sources), base_url)
    finally:
        conn.close()

    # Files about to change lose their fingerprint first: an interrupted build must not leave
    # a new file that the manifest vouches for with an old fingerprint, or the other way round.
    stale = {name for name in files if name in existing}
    if stale:
        _write_manifest(out_dir, {k: v for k, v in existing.items() if k not in stale})
    for name, data in files.items():
        (report.written if write_if_changed(out_dir / name, data) else report.unchanged).append(
            name
        )
    for path in sorted(out_dir.iterdir()):
        if path.name.endswith(PUBLISHED_SUFFIXES) and path.name not in fingerprints:
            path.unlink()
            report.removed.append(path.name)
    _write_manifest(out_dir, fingerprints)
    report.seconds = time.perf_counter() - started
    return report


def _existing_fingerprints(out_dir: Path) -> dict[str, str]:
    """Fingerprints of the files on disk; a missing file or a broken manifest counts as none."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return {}
    return {
        name: key
        for name, key in manifest["files"].items()
        if isinstance(key, str) and "/" not in name and (out_dir / name).is_file()
    }


def _write_manifest(out_dir: Path, fingerprints: Mapping[str, str]) -> None:
    manifest = {"files": dict(sorted(fingerprints.items()))}
    write_if_changed(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())


# --- collecting items -------------------------------------------------------------------------


def _collect_feeds(fetch: _ItemFetcher, *, limit: int, now: datetime) -> Iterable[_Feed]:
    topics = fetch.topics
    topic_names = fetch.topic_names

    yield _Feed(
        "alle",
        "gesamt",
        "citynews – alle Meldungen",
        "Neue Meldungen aller Quellen zu Smart City und Digitalisierung in deutschen Kommunen.",
        fetch.documents("", [], limit),
    )
    events_name = topic_names.get(EVENTS_SLUG, "Veranstaltungen")
    yield _Feed(
        EVENTS_SLUG,
        "gesamt",
        f"citynews – {events_name}",
        "Angekündigte Veranstaltungen aller Quellen, kommende Termine zuerst.",
        fetch.events(limit, now),
    )
    for topic in topics:
        if topic["slug"] == EVENTS_SLUG:
            continue
        yield _Feed(
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
        upper = f"{int(code) + 1:02d}"
        yield _Feed(
            f"land-{slug}",
            "laender",
            f"citynews – {name}",
            f"Meldungen mit Bezug zu Orten in {name}.",
            fetch.documents(
                " and exists (select 1 from document_places dp"
                " where dp.document_id = d.id and dp.ags >= ? and dp.ags < ?)",
                [code, upper],
                limit,
            ),
        )
    for name, source in fetch.sources.items():
        title = source["title"] or name
        yield _Feed(
            f"quelle-{name}",
            "quellen",
            f"citynews – Quelle: {title}",
            f"Alle Meldungen von {title}.",
            fetch.documents(" and d.source = ?", [name], limit),
        )


class _ItemFetcher:
    def __init__(self, conn: sqlite3.Connection, sources: dict[str, sqlite3.Row]) -> None:
        self.conn = conn
        self.sources = sources
        self.topics = conn.execute(
            "select slug, name, description from topics order by position, slug"
        ).fetchall()
        self.topic_names = {t["slug"]: t["name"] for t in self.topics}

    def documents(self, where: str, params: list[object], limit: int) -> _Rows:
        rows = self.conn.execute(
            f"select {_DOC_COLUMNS} from documents d where +d.duplicate_of is null{where}"
            f" order by {ORDER_KEY} desc, d.id desc limit ?",
            [*params, limit],
        ).fetchall()
        return _Rows(rows, *self._labels([r["id"] for r in rows]))

    def events(self, limit: int, now: datetime) -> _Rows:
        threshold = upcoming_threshold(now)
        select = (
            f"select e.id as event_id, e.title as event_title, e.start, e.end, e.all_day, e.venue,"
            f" e.address, e.place_name, {_DOC_COLUMNS}"
            " from events e join documents d on d.id = e.document_id where +d.duplicate_of is null"
        )
        rows = self.conn.execute(
            f"{select} and e.start_utc >= ? order by e.start_utc, e.id limit ?", [threshold, limit]
        ).fetchall()
        if len(rows) < limit:
            rows += self.conn.execute(
                f"{select} and e.start_utc < ? order by e.start_utc desc, e.id desc limit ?",
                [threshold, limit - len(rows)],
            ).fetchall()
        return _Rows(rows, *self._labels(list({r["id"] for r in rows})), events=True)

    def items(self, data: _Rows) -> list[_Item]:
        """The feed items of rows from ``documents`` or ``events``."""
        if not data.events:
            return [
                self._item(r, f"urn:citynews:{r['id']}", data.topics[r["id"]], data.places[r["id"]])
                for r in data.rows
            ]
        items = []
        for r in data.rows:
            start = as_datetime(r["start"])
            item = self._item(
                r, f"urn:citynews:event:{r['event_id']}", data.topics[r["id"]], data.places[r["id"]]
            )
            when = german_date(start.date() if len(r["start"]) == 10 else start)
            where = ", ".join(
                p
                for p in (plain_text(r["venue"]), plain_text(r["address"] or r["place_name"]))
                if p
            )
            prefix = f"Termin: {when}" + (f" · Ort: {where}" if where else "")
            item.title = f"{short_date(start)}: {plain_text(r['event_title']) or item.title}"
            item.summary = f"{prefix}. {item.summary}".strip()
            item.content = f"<p>{html.escape(prefix)}</p>{item.content}"
            items.append(item)
        return items

    def _labels(self, ids: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        topics: dict[str, list[str]] = defaultdict(list)
        places: dict[str, list[str]] = defaultdict(list)
        if not ids:
            return topics, places
        marks = ",".join("?" * len(ids))
        for row in self.conn.execute(
            "select dt.document_id, dt.topic from document_topics dt"
            f" where dt.document_id in ({marks}) order by dt.document_id, dt.score desc, dt.topic",
            ids,
        ):
            topics[row[0]].append(self.topic_names.get(row[1], row[1]))
        for row in self.conn.execute(
            f"select dp.document_id, coalesce(p.name, dp.name) from document_places dp"
            f" left join places p on p.ags = dp.ags where dp.document_id in ({marks})"
            " order by dp.document_id, dp.role = 'source-home', dp.ags",
            ids,
        ):
            if row[1] and row[1] not in places[row[0]]:
                places[row[0]].append(row[1])
        return topics, places

    def _item(self, r: sqlite3.Row, guid: str, topics: list[str], places: list[str]) -> _Item:
        published, updated = _updated(r)
        summary = plain_text(r["summary"] or r["text_start"], max_chars=SUMMARY_CHARS)
        if not r["published"]:
            # The reader must not mistake the crawl date for the publication date.
            summary = f"(Datum unbekannt, gefunden am {short_date(published)}) {summary}".strip()
        if places:
            summary += f" Orte: {', '.join(places)}."
        source = self.sources.get(r["source"])
        source_title = (source["title"] or r["source"]) if source else r["source"]
        content = clean_html(r["content_html"]) or f"<p>{html.escape(summary)}</p>"
        title = plain_text(r["title"]) or "(ohne Titel)"
        return _Item(
            guid=guid,
            title=title,
            link=safe_url(r["url"]),
            published=published,
            updated=updated,
            summary=summary.strip(),
            content=content,
            categories=topics,
            places=places,
            source_title=source_title,
            source_url=safe_url(source["home_url"]) if source else None,
        )


def _updated(r: sqlite3.Row) -> tuple[datetime, datetime]:
    """An item's publication date (first seen when unknown) and its last change."""
    first_seen = as_datetime(r["first_seen"]) or EPOCH
    published = as_datetime(r["published"]) or first_seen
    return published, max(as_datetime(r["updated_at"]) or first_seen, published)


def _fallback_updated(conn: sqlite3.Connection) -> datetime:
    row = conn.execute("select max(finished_at) from crawl_runs").fetchone()
    return as_datetime(row[0]) if row and row[0] else EPOCH


# --- rendering --------------------------------------------------------------------------------


def _render(
    feed: _Feed, items: list[_Item], base_url: str, updated: datetime
) -> tuple[bytes, bytes]:
    fg = FeedGenerator()
    fg.id(f"urn:citynews:feed:{feed.slug}")
    fg.title(feed.title)
    fg.subtitle(feed.description)
    fg.description(feed.description)
    fg.language("de")
    fg.author(name="citynews")
    fg.generator("citynews")
    fg.updated(updated)
    for item in items:
        fe = fg.add_entry(order="append")
        fe.guid(item.guid, permalink=False)
        fe.title(item.title)
        if item.link:
            fe.link(href=item.link, rel="alternate")
        fe.published(item.published)
        fe.pubDate(item.published)
        fe.updated(item.updated)
        fe.summary(item.summary)
        fe.description(item.summary)
        fe.content(item.content, type="html")
        for name in item.categories:
            fe.category(term=name)
        for name in item.places:
            fe.category(term=name, scheme="urn:citynews:ort", label=name)
        if item.source_title:
            fe.author(name=item.source_title)
            if item.source_url:
                fe.source(url=item.source_url, title=item.source_title)
    home = join_url(base_url, "index.html")
    out = []
    for kind in ("rss", "atom"):
        self_url = join_url(base_url, f"{feed.slug}.{kind}.xml")
        # feedgen uses the last link as the RSS <link>: the human-readable page goes last.
        fg.link(
            [{"href": self_url, "rel": "self"}, {"href": home, "rel": "alternate"}], replace=True
        )
        out.append(fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True))
    return out[0], out[1]


def _opml(feeds: list[FeedInfo], base_url: str) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = "citynews – alle Feeds und Kalender"
    body = etree.SubElement(root, "body")
    for group, label in GROUPS.items():
        members = [f for f in feeds if f.group == group]
        if not members:
            continue
        outline = etree.SubElement(body, "outline", text=label, title=label)
        for f in members:
            if group == "kalender":
                etree.SubElement(
                    outline,
                    "outline",
                    type="link",
                    text=f.title,
                    title=f.title,
                    url=join_url(base_url, f.files[0]),
                )
            else:
                etree.SubElement(
                    outline,
                    "outline",
                    type="rss",
                    text=f.title,
                    title=f.title,
                    xmlUrl=join_url(base_url, f.files[0]),
                    htmlUrl=join_url(base_url, "index.html"),
                )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _source_status(
    conn: sqlite3.Connection, sources: dict[str, sqlite3.Row]
) -> list[dict[str, object]]:
    last = {
        row["source"]: row
        for row in conn.execute(
            "select source, max(finished_at) as finished_at, status from crawl_runs"
            " where finished_at is not null group by source"
        )
    }
    ok = dict(
        conn.execute(
            "select source, max(finished_at) from crawl_runs"
            " where status in ('ok', 'partial') group by source"
        ).fetchall()
    )
    counts = dict(conn.execute("select source, count(*) from documents group by source").fetchall())
    return [
        {
            "name": name,
            "title": row["title"] or name,
            "home_url": safe_url(row["home_url"]),
            "documents": counts.get(name, 0),
            "last_ok": as_datetime(ok.get(name)),
            "last_run": as_datetime(last[name]["finished_at"]) if name in last else None,
            "last_status": last[name]["status"] if name in last else None,
        }
        for name, row in sources.items()
    ]


_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a;background:#fff}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}
td.n{text-align:right}a{color:#0645ad}a:focus{outline:2px solid #000}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
"""


def _when(value: datetime | None) -> str:
    if value is None:
        return "–"
    local = value.astimezone(BERLIN)
    return f'<time datetime="{html.escape(value.isoformat())}">{local:%d.%m.%Y %H:%M}</time>'


def _index_html(feeds: list[FeedInfo], sources: list[dict[str, object]], base_url: str) -> bytes:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>citynews – Feeds und Kalender</title>",
        f"<style>{_CSS}</style>",
    ]
    for f in feeds:
        if f.group != "kalender":
            for name, mime in zip(
                f.files, ("application/rss+xml", "application/atom+xml"), strict=True
            ):
                parts.append(
                    f'<link rel="alternate" type="{mime}" title="{e(f.title)}"'
                    f' href="{e(join_url(base_url, name))}">'
                )
    parts += [
        "</head>",
        "<body>",
        "<main>",
        "<h1>citynews – Feeds und Kalender</h1>",
        "<p>Meldungen und Termine deutscher Smart-City-Portale als RSS- und Atom-Feeds und als"
        " Kalender (iCalendar). Alle Feeds auf einmal abonnieren: "
        f'<a href="{e(join_url(base_url, "feeds.opml"))}">feeds.opml</a> (OPML).</p>',
    ]
    for group, label in GROUPS.items():
        members = [f for f in feeds if f.group == group]
        if not members:
            continue
        is_calendar = group == "kalender"
        noun = "Kalender" if is_calendar else "Feeds"
        parts += [
            f"<h2>{e(label)}</h2>",
            "<table>",
            f"<caption>{e(label)}: {len(members)} {noun}</caption>",
            '<thead><tr><th scope="col">Name</th>'
            f'<th scope="col">{"Termine" if is_calendar else "Einträge"}</th>'
            '<th scope="col">Letzte Änderung</th><th scope="col">Abonnieren</th></tr></thead>',
            "<tbody>",
        ]
        for f in members:
            links = " · ".join(
                f'<a href="{e(join_url(base_url, name))}">{e(_format_label(name))}</a>'
                for name in f.files
            )
            parts.append(
                f'<tr><th scope="row">{e(f.title.removeprefix("citynews – "))}</th>'
                f'<td class="n">{f.items}</td><td>{_when(f.updated)}</td><td>{links}</td></tr>'
            )
        parts += ["</tbody>", "</table>"]
    parts += [
        "<h2>Quellen</h2>",
        "<table>",
        "<caption>Quellen und ihr letzter Abruf</caption>",
        '<thead><tr><th scope="col">Quelle</th><th scope="col">Dokumente</th>'
        '<th scope="col">Letzter erfolgreicher Abruf</th>'
        '<th scope="col">Letzter Lauf</th></tr></thead>',
        "<tbody>",
    ]
    for s in sources:
        title = e(str(s["title"]))
        name = f'<a href="{e(str(s["home_url"]))}">{title}</a>' if s["home_url"] else title
        status = f" ({e(str(s['last_status']))})" if s["last_status"] else ""
        parts.append(
            f'<tr><th scope="row">{name}</th><td class="n">{s["documents"]}</td>'
            f"<td>{_when(s['last_ok'])}</td><td>{_when(s['last_run'])}{status}</td></tr>"  # type: ignore[arg-type]
        )
    parts += ["</tbody>", "</table>", "</main>", "</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def _format_label(name: str) -> str:
    if name.endswith(".rss.xml"):
        return "RSS"
    if name.endswith(".atom.xml"):
        return "Atom"
    return "iCal (.ics)"
