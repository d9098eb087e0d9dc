"""Re-run extraction and normalization over stored raw pages, without any network access.

After a change to the gazetteer, the topic taxonomy or the extraction code, every document can
be brought up to date from the HTML kept in ``pages``: documents, events, places and topics are
rewritten in place through :class:`~citynews.storage.store.Store` (batched transactions, unchanged
documents keep their rows), then derived data is refreshed.

Pages are read through a second connection: in WAL mode its open statement keeps reading one
consistent snapshot while the writer commits its batches.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from citynews.config import SourcesConfig
from citynews.errors import InputError
from citynews.model import BERLIN, Hints, parse_iso
from citynews.normalize import dedup
from citynews.normalize.document import Normalizer
from citynews.ops.lock import crawl_lock
from citynews.ops.records import stored_record
from citynews.sourcekinds import reads_records
from citynews.storage.store import (
    SourceConfig,
    Store,
    count_pages,
    open_db,
    refresh_derived,
    stored_pages,
)

Progress = Callable[[int, int], None]


@dataclass
class ReprocessResult:
    documents: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (
            f"reprocess: {self.documents} documents, {self.updated} updated{skipped}"
            f" in {self.seconds:.1f} s"
        )


def since_key(since: date | str | None) -> str | None:
    """``YYYY-MM-DD`` as the UTC key stored documents are compared with (None stays None)."""
    if not since:
        return None
    if isinstance(since, date):
        return since.isoformat()
    try:
        return date.fromisoformat(since).isoformat()
    except ValueError:
        raise InputError(f"--since must be a date YYYY-MM-DD, got {since!r}") from None


def _context(row: dict, config: SourcesConfig | None) -> tuple[Hints, str | None, SourceConfig]:
    """What the crawl knew when it normalized the page: the recorded source configuration and
    hints when the document has them, else the configured source's (older databases)."""
    recorded = row["config"]
    source = None if recorded else (config.sources.get(row["source"]) if config else None)
    if recorded:
        home_region, selectors = recorded["home_region"], recorded["selectors"]
    else:
        home_region = source.home_region if source else None
        selectors = dict(source.selectors) if source else {}
    known = row["hints"] or {}
    kind = known.get("kind") if row["hints"] else (source.page_kind(row["url"]) if source else None)
    hints = Hints(kind=kind or row["kind"], selectors=dict(selectors))
    if row["hints"]:
        hints.title = known.get("title")
        hints.published = parse_iso(known.get("published"))
        hints.calendars = tuple(known.get("calendars") or ())
    elif row["published_source"] == "feed":
        # The feed's date and title are not in the page; the stored ones came from the feed.
        hints.published = parse_iso(row["published"])
        hints.title = row["title"]
    return hints, home_region, SourceConfig.of(row["source"], home_region, selectors)


def fetch_day(fetched_at: str | None) -> date | None:
    """The Berlin day of a stored fetch time (UTC ISO text)."""
    if not fetched_at:
        return None
    moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    return moment.astimezone(BERLIN).date() if moment.tzinfo else moment.date()


def _is_record(row: dict, config: SourcesConfig | None) -> bool:
    source = config.sources.get(row["source"]) if config else None
    if source is not None:
        return reads_records(source)
    return not (row["content_type"] or "text/html").startswith(("text/html", "application/xhtml"))


def reprocess(
    db_path: Path,
    *,
    source: str | None = None,
    since: date | str | None = None,
    taxonomy_path: Path | None = None,
    config: SourcesConfig | None = None,
    progress: Progress | None = None,
) -> ReprocessResult:
    """Normalize every stored page again (optionally one source, or pages since a date)."""
    started = time.monotonic()
    since = since_key(since)
    db_path = Path(db_path)
    check = open_db(db_path, create=False)
    try:
        if source and not (config and source in config.sources):
            # A source removed from the configuration may still have pages worth re-processing.
            stored = check.execute("select 1 from documents where source = ? limit 1", [source])
            if not stored.fetchone():
                raise InputError(f"unknown source {source!r}: not configured, nothing stored")
    finally:
        check.close()
    normalizer = Normalizer(taxonomy_path=taxonomy_path)
    normalizer.preload()
    result = ReprocessResult()
    with crawl_lock(db_path):
        writer = open_db(db_path)
        reader = sqlite_utils.Database(sqlite3.connect(db_path, timeout=30))
        try:
            store = Store(writer)
            store.upsert_topics(normalizer.taxonomy.topics)
            total = count_pages(reader, source=source, since=since)
            for row in stored_pages(reader, source=source, since=since):
                result.documents += 1
                row.update(_document_fields(reader, row["id"]))
                hints, home_region, source_config = _context(row, config)
                if _is_record(row, config):
                    # iCal, JSON, OParl and event-feed records hold no page to extract again.
                    doc = stored_record(reader, row, normalizer, home_region)
                else:
                    # The crawl stored the decoded page re-encoded as UTF-8, whatever the site sent.
                    doc = normalizer(
                        row["html"].decode("utf-8", errors="replace"),
                        row["url"],
                        source=row["source"],
                        home_region=home_region,
                        hints=hints,
                        # The day it was fetched, as in the crawl: same years for undated days.
                        now=fetch_day(row["fetched_at"]),
                    )
                if doc.kind == "listing" or not (doc.title and doc.text.strip()):
                    # Keep what an earlier extraction found rather than blank it out.
                    result.skipped += 1
                else:
                    store.add(
                        doc,
                        raw_html=row["html"],
                        fetched_at=row["fetched_at"],
                        http={
                            "url": row["url"],
                            "status": row["status"],
                            "content_type": row["content_type"],
                            "etag": row["etag"],
                            "last_modified": row["last_modified"],
                        },
                        minhash=dedup.signature(doc.text),
                        config=source_config,
                        hints=hints if row["hints"] else None,
                    )
                if progress:
                    progress(result.documents, total)
            store.flush()
            stats = store.stats.values()
            result.updated = sum(s.updated + s.new for s in stats)
            result.unchanged = sum(s.unchanged for s in stats)
            refresh_derived(writer, find_duplicates=dedup.find_duplicates)
        finally:
            reader.conn.close()
            writer.conn.close()
    result.seconds = time.monotonic() - started
    return result


def _document_fields(db: sqlite_utils.Database, doc_id: str) -> dict:
    row = db.execute(
        "select title, published, published_source from documents where id = ?", [doc_id]
    ).fetchone()
    return dict(zip(("title", "published", "published_source"), row, strict=True))
