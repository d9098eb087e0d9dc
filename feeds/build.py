"""Publish the database as RSS 2.0 and Atom 1.0 feeds, iCalendar files, OPML and index.html.

File names: ``<slug>.rss.xml`` and ``<slug>.atom.xml`` for every feed, ``<slug>.ics`` for
calendars, ``feeds.opml`` and ``index.html``. Slugs: ``alle``, one per topic (the topic slug),
``land-<state>`` per German state, ``ort-<AGS>-<name>`` per municipality and ``kreis-<AGS>-<name>``
per district with documents (see ``feeds.items``), ``quelle-<source>`` per source (with a
calendar ``quelle-<source>.ics`` when the source has events). The topic
``veranstaltungen`` lists events (one item per event, upcoming first) instead of documents.

Published feeds need the public URL of the output folder (``base_url``): every self link, the
OPML file and index.html use it, so the files work where they are served.

Every item has a GUID that survives rebuilds and re-crawls (``urn:citynews:<document id>``,
the id being a hash of the canonical URL; ``urn:citynews:event:<event id>`` for events). Feed
dates come from the data (newest item), never from the clock, and a file is only written when
its bytes change, so a rebuild without new data leaves every file and its mtime alone.

A rebuild does not even render what has not changed: every feed and calendar has a fingerprint
of its inputs (the rows it is made from, labels, ``base_url``, ``limit``, the rendering code),
kept per file in ``.citynews-feeds.json`` in the output folder. An existing file whose
fingerprint matches is left as it is.

A fresh build renders each document's RSS and Atom item once and splices it into every feed it
appears in, keeping it only until its last feed is written; files are written as they are
rendered (``feeds.output``, which also keeps the manifest honest). Large builds write the
calendars in a forked process while this one reads the feed rows (``feeds.forked``), and
render items with helper processes (``feeds.feedwriter``). Town and district feeds hold the
``PLACE_LIMIT`` newest items, the others ``limit``.

Queries are indexed and capped with LIMIT: no feed ever loads all documents into Python.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from citynews.feeds import buildkey, feedwriter, index, render
from citynews.feeds.calendars import CalendarFile, build_calendars
from citynews.feeds.common import (
    FeedsWriteError,
    as_datetime,
    connect_readonly,
    fingerprint,
    title_text,
    write_if_changed,
)
from citynews.feeds.feedwriter import Job
from citynews.feeds.forked import SideJob
from citynews.feeds.items import (
    EPOCH,
    Feed,
    ItemFetcher,
    PlaceFeed,
    collect_feeds,
    item_dates,
    place_feeds,
    place_limits,
)
from citynews.feeds.output import Output

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
    state: str | None = None
    # The newest items (title, link, date) for index.html.
    top: list[tuple[str, str | None, datetime]] = field(default_factory=list)


@dataclass
class BuildReport:
    """What ``build_feeds`` did: files written, left unchanged and removed, items per feed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    feeds: list[FeedInfo] = field(default_factory=list)
    seconds: float = 0.0
    # Time per feed group ("orte", "themen", ..., "index" for feeds.opml and index.html):
    # querying, rendering and writing its files. Place feeds dominate a national database.
    seconds_by_group: dict[str, float] = field(default_factory=dict)
    # Nothing read or rendered: the database and parameters equal the last complete build's.
    skipped: bool = False
    # Processes that rendered feeds (see feeds.feedwriter).
    processes: int = 1

    def charge(self, group: str, since: float) -> float:
        """Add the time since ``since`` to ``group``; the current clock reading."""
        now = time.perf_counter()
        self.seconds_by_group[group] = self.seconds_by_group.get(group, 0.0) + now - since
        return now

    @property
    def items(self) -> dict[str, int]:
        """Item (or event) count per published file."""
        return {name: info.items for info in self.feeds for name in info.files}

    def __str__(self) -> str:
        calendars = sum(1 for f in self.feeds if f.files[0].endswith(".ics"))
        feeds = len(self.feeds) - calendars
        return (
            f"feeds: {feeds} feeds, {calendars} calendars; {len(self.written)} files written,"
            f" {len(self.unchanged)} unchanged, {len(self.removed)} removed in {self.seconds:.2f} s"
            + (" (database unchanged since the last build)" if self.skipped else "")
        )


def build_feeds(
    db_path: Path,
    out_dir: Path,
    *,
    base_url: str = "",
    limit: int = 50,
    now: datetime | None = None,
    processes: int | None = None,
) -> BuildReport:
    """Write every feed, calendar, ``feeds.opml`` and ``index.html`` of a database to ``out_dir``.

    ``base_url`` is the public URL of ``out_dir`` (for self links; relative links without it),
    ``limit`` caps the items per feed, ``now`` decides which events count as upcoming,
    ``processes`` how many processes render items (default: one per CPU for large builds,
    see ``feeds.feedwriter``). A folder that cannot be written raises
    :class:`FeedsWriteError` with a one-line reason.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FeedsWriteError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    report = BuildReport()
    # Before the first read: a write during the build makes the next build's key differ.
    files = buildkey.file_state(db_path)
    existing, last_key = _read_manifest(out_dir)
    fingerprints: dict[str, str] = {}
    output = _output(out_dir, existing, report.written, report.unchanged)
    conn = connect_readonly(db_path)
    side: SideJob[_Calendars] | None = None
    try:
        this_build = buildkey.build_key(files, conn, base_url=base_url, limit=limit, now=now)
        if this_build == last_key and _skip(out_dir, existing, report):
            report.seconds = time.perf_counter() - started
            return report
        sources = {row["name"]: row for row in conn.execute("select * from sources order by name")}
        fetch = ItemFetcher(conn, sources)
        places = place_feeds(conn)
        documents = conn.execute("select count(*) from documents").fetchone()[0]
        fork = feedwriter.helper_count(documents, processes) > 0

        def calendars() -> _Calendars:
            # A forked process must not use this process's connection.
            own = connect_readonly(db_path) if fork else conn
            try:
                return _write_calendars(own, out_dir, existing, now, places, sources, fetch)
            finally:
                if fork:
                    own.close()

        side = SideJob(calendars, fork=fork)
        # What items show of their source; other columns (e.g. updated_at) do not count.
        source_labels = [(name, s["title"], s["home_url"]) for name, s in sources.items()]
        clock = time.perf_counter()
        # Mostly for the thousands of place feeds: the 16 states' rows come with them.
        ranking = fetch.place_ranking(place_limits(places, limit))
        clock = report.charge("orte", clock)
        feeds = []
        for feed in collect_feeds(fetch, places, ranking, limit=limit, now=now):
            if feed.data.rows or feed.slug == "alle":
                feeds.append(feed)
            clock = report.charge(feed.group, clock)
        row_keys: dict[str, str] = {}

        def key_feed(job: Job) -> str:
            """The feed's fingerprint, noted for the manifest, and its entry for the index."""
            feed, rows = job.feed, job.feed.data.rows
            key = fingerprint(
                "feed",
                feed.slug,
                feed.title,
                feed.description,
                base_url,
                limit,
                None if rows else job.updated,  # a feed without items: the last crawl's end
                _row_keys(feed, row_keys),
                source_labels,
            )
            fingerprints.update(dict.fromkeys(job.names, key))
            report.feeds.append(_info(feed, job.names, job.updated if rows else None))
            return key

        jobs = [_job(feed, conn) for feed in feeds]
        # With files on disk, a feed is rendered only when its fingerprint changed. Without,
        # every feed is, and its fingerprint (for the manifest) is taken as it is rendered.
        each: Callable[[Job], object] = key_feed
        if existing:
            changed = []
            for job in jobs:
                key = key_feed(job)
                if all(existing.get(name) == key for name in job.names):
                    report.unchanged += job.names
                else:
                    changed.append(job)
                clock = report.charge(job.feed.group, clock)
            jobs = changed
            each = _nothing  # fingerprints taken above
        output.prepare(name for job in jobs for name in job.names)
        written = feedwriter.render_jobs(
            jobs, fetch, base_url, output.write, db_path, processes=processes, each=each
        )
        made = side.result()
        fingerprints.update(made.fingerprints)
        report.written += made.written
        report.unchanged += made.unchanged
        for group, seconds in [*written.seconds_by_group.items(), ("kalender", made.seconds)]:
            report.seconds_by_group[group] = report.seconds_by_group.get(group, 0.0) + seconds
        report.processes = written.processes
        report.feeds += made.infos
        clock = time.perf_counter()
        output.write("feeds.opml", render.opml(report.feeds, base_url))
        output.write(
            "index.html",
            index.index_html(report.feeds, index.page_data(conn, sources, now), base_url),
        )
        report.charge("index", clock)
    finally:
        if side is not None:
            side.kill()
        conn.close()
    _remove_unlisted(out_dir, fingerprints, report)
    # vars, not asdict: nothing is changed, and asdict deep-copied every list of every feed.
    buildkey.save_feed_list(out_dir, [vars(f) for f in report.feeds])
    _write_manifest(out_dir, fingerprints, this_build)
    report.seconds = time.perf_counter() - started
    return report


def _nothing(job: Job) -> None:
    pass


@dataclass
class _Calendars:
    """What writing the calendars did (possibly in another process: all of it picklable)."""

    infos: list[FeedInfo] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _write_calendars(
    conn: sqlite3.Connection,
    out_dir: Path,
    existing: dict[str, str],
    now: datetime,
    places: list[PlaceFeed],
    sources: dict[str, sqlite3.Row],
    fetch: ItemFetcher,
) -> _Calendars:
    """Write every calendar whose fingerprint changed."""
    started = time.perf_counter()
    made = _Calendars()
    output = _output(out_dir, existing, made.written, made.unchanged)
    for calendar in build_calendars(
        conn,
        now=now,
        existing=existing,
        places=places,
        sources=sources,
        extras=fetch.event_extras,
    ):
        made.fingerprints[calendar.file_name] = calendar.fingerprint
        if calendar.data is None:
            made.unchanged.append(calendar.file_name)
        else:
            output.write(calendar.file_name, calendar.data)
        made.infos.append(_calendar_info(calendar))
    made.seconds = time.perf_counter() - started
    return made


def _output(
    out_dir: Path, existing: dict[str, str], written: list[str], unchanged: list[str]
) -> Output:
    """Writes files to ``out_dir``, dropping the manifest before it replaces one."""
    return Output(
        out_dir,
        existing,
        written=written,
        unchanged=unchanged,
        drop_manifest=lambda: _write_manifest(out_dir, {}),
    )


def _row_keys(feed: Feed, known: dict[str, str]) -> object:
    """What a feed's rows contribute to its fingerprint.

    A document's stored content changes only together with its content hash and update time,
    so these stand for its text and HTML (hashing those took a third of a build); its topic and
    place labels go in by name. Event rows are taken whole: their columns are small and change
    on their own. One string per document, not nested lists: thousands of place feeds made
    walking those a third of a no-change rebuild. ``known`` keeps each document's string for
    the other feeds it appears in (labels are per document).
    """
    data = feed.data
    if data.events:
        return [data.rows, data.topics, data.places]
    keys = []
    for r in data.rows:
        key = known.get(r["id"])
        if key is None:
            key = known[r["id"]] = repr(
                (
                    r["id"],
                    r["content_hash"],
                    r["updated_at"],
                    r["first_seen"],
                    r["source"],
                    # "or None": the labels are defaultdicts, which a read may have filled.
                    data.topics.get(r["id"]) or None,
                    data.places.get(r["id"]) or None,
                )
            )
        keys.append(key)
    return "\n".join(keys)


def _job(feed: Feed, conn: sqlite3.Connection) -> Job:
    """A feed to render, dated by its newest item (a feed without items: the last crawl)."""
    rows = feed.data.rows
    updated = max((item_dates(r)[1] for r in rows), default=None)
    return Job(
        feed, [f"{feed.slug}.rss.xml", f"{feed.slug}.atom.xml"], updated or _fallback_updated(conn)
    )


def _calendar_info(calendar: CalendarFile) -> FeedInfo:
    return FeedInfo(
        calendar.slug,
        calendar.group,
        calendar.title,
        calendar.description,
        calendar.events,
        calendar.updated,
        [calendar.file_name],
        calendar.state,
    )


def _info(feed: Feed, names: list[str], updated: datetime | None) -> FeedInfo:
    top = []
    for row in feed.data.rows[: 5 if feed.data.events else 3]:
        title = row["event_title"] if feed.data.events else row["title"]
        when = as_datetime(row["start"]) if feed.data.events else item_dates(row)[0]
        top.append((title_text(title) or "(ohne Titel)", row["url"], when))
    return FeedInfo(
        feed.slug,
        feed.group,
        feed.title,
        feed.description,
        len(feed.data.rows),
        updated,
        names,
        feed.state,
        top,
    )


def _remove_unlisted(out_dir: Path, fingerprints: dict[str, str], report: BuildReport) -> None:
    """Remove published files of feeds that no longer exist (e.g. a place without documents)."""
    # Names, not Path objects: a national build lists ~9,600 files.
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(PUBLISHED_SUFFIXES) and name not in fingerprints:
            (out_dir / name).unlink()
            report.removed.append(name)


def _read_manifest(out_dir: Path) -> tuple[dict[str, str], str | None]:
    """Fingerprints of the files on disk and the key of the build that wrote them (None when a
    file it lists is missing); a broken manifest counts as none."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}, None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return {}, None
    existing = {
        name: key
        for name, key in manifest["files"].items()
        if isinstance(key, str) and "/" not in name and (out_dir / name).is_file()
    }
    complete = len(existing) == len(manifest["files"])
    build = manifest.get("build")
    return existing, build if complete and isinstance(build, str) else None


def _skip(out_dir: Path, existing: dict[str, str], report: BuildReport) -> bool:
    """Report the last build's files as unchanged, if they are all there; else False."""
    listed = buildkey.load_feed_list(out_dir)
    pages = ["feeds.opml", "index.html"]
    if listed is None or not all((out_dir / name).is_file() for name in pages):
        return False
    try:
        report.feeds = [_stored_info(info) for info in listed]
    except (TypeError, ValueError, KeyError):
        return False
    report.unchanged = [name for f in report.feeds for name in f.files] + pages
    report.skipped = set(report.unchanged[:-2]) == set(existing)
    return report.skipped


def _stored_info(info: dict) -> FeedInfo:
    return FeedInfo(
        **{
            **info,
            "updated": as_datetime(info["updated"]),
            "top": [(title, link, as_datetime(when)) for title, link, when in info["top"]],
        }
    )


def _write_manifest(
    out_dir: Path, fingerprints: Mapping[str, str], build: str | None = None
) -> None:
    manifest: dict[str, object] = {"files": dict(sorted(fingerprints.items()))}
    if build:
        manifest["build"] = build
    write_if_changed(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())


def _fallback_updated(conn: sqlite3.Connection) -> datetime:
    row = conn.execute("select max(finished_at) from crawl_runs").fetchone()
    return as_datetime(row[0]) if row and row[0] else EPOCH
