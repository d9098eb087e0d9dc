"""Reads and derived-data refreshes used by the crawler, re-processing and the edge."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlite_utils

from citynews.storage.schema import POST_CRAWL_HOOKS, now_utc
from citynews.storage.writer import StorageWriteError, is_database_fault, one_line

# Near-duplicate detection is a normalizer's job: the caller hands it in. It maps
# (id, minhash signature, date) triples to {duplicate id: canonical id}.
FindDuplicates = Callable[[list[tuple[str, bytes, str]]], dict[str, str]]


def known_urls(db: sqlite_utils.Database, source: str) -> dict[str, dict[str, Any]]:
    """URL → validators (etag, last_modified, kind) of the pages stored for a source.

    A URL counts as known only once its page is stored: a crawl killed between fetching a
    page and writing it, or a page whose document could not be stored, is fetched again.
    """
    return {
        row["url"]: row
        for row in db.query(
            "select u.url, u.kind, u.etag, u.last_modified, u.last_status, u.last_fetched"
            " from url_state u where u.source = ?"
            " and exists (select 1 from pages p where p.url = u.url)",
            [source],
        )
    }


def stored_pages(
    db: sqlite_utils.Database, *, source: str | None = None, since: str | None = None
) -> Iterator[dict[str, Any]]:
    """Stored raw pages (decompressed) with their document's source and crawl context.

    ``config`` is the source configuration the document was crawled with (None for documents
    stored before it was recorded), ``hints`` what the crawl knew about the page.
    """
    where, params = _page_filter(source, since)
    sql = (
        "select d.id, d.url, d.source, d.kind, d.crawl_hints, c.home_region, c.selectors,"
        " c.key as config_key, p.html_zlib, p.fetched_at, p.status, p.content_type, p.etag,"
        " p.last_modified from pages p join documents d on d.id = p.document_id"
        " left join source_configs c on c.key = d.source_config where " + where
    )
    for row in db.query(sql, params):
        row["html"] = zlib.decompress(row.pop("html_zlib"))
        key, home_region, selectors = (
            row.pop(k) for k in ("config_key", "home_region", "selectors")
        )
        row["config"] = (
            {"home_region": home_region, "selectors": json.loads(selectors or "{}")}
            if key
            else None
        )
        row["hints"] = json.loads(row.pop("crawl_hints") or "null")
        yield row


def count_pages(
    db: sqlite_utils.Database, *, source: str | None = None, since: str | None = None
) -> int:
    """How many pages :func:`stored_pages` yields for the same arguments."""
    where, params = _page_filter(source, since)
    sql = "select count(*) from pages p join documents d on d.id = p.document_id where " + where
    return db.execute(sql, params).fetchone()[0]


def _page_filter(source: str | None, since: str | None) -> tuple[str, list[Any]]:
    where, params = ["1=1"], []
    if source:
        where.append("d.source = ?")
        params.append(source)
    if since:
        where.append("coalesce(d.published_utc, d.first_seen) >= ?")
        params.append(since)
    return " and ".join(where), params


def abort_stale_runs(db: sqlite_utils.Database) -> int:
    """Mark runs still 'running' as aborted: call only while holding the crawl lock.

    A crawl killed with SIGKILL never finishes its row; under the lock no other crawl can
    be running, so such rows belong to dead processes.
    """
    with db.atomic():
        cursor = db.execute(
            "update crawl_runs set status = 'aborted', finished_at = ?,"
            " message = 'process ended without finishing the run' where status = 'running'",
            [now_utc()],
        )
    return cursor.rowcount


def assign_duplicates(db: sqlite_utils.Database, find_duplicates: FindDuplicates) -> int:
    """Mark near-duplicate documents (same story, several sources); returns how many."""
    items = [
        (row[0], row[1], row[2])
        for row in db.execute(
            "select id, minhash, coalesce(published_utc, first_seen) from documents"
            " where minhash is not null"
        )
    ]
    mapping = find_duplicates(items)
    with db.atomic():
        db.execute("update documents set duplicate_of = null where duplicate_of is not null")
        db.conn.executemany(
            "update documents set duplicate_of = ? where id = ?",
            [(canonical, dup) for dup, canonical in mapping.items()],
        )
    return len(mapping)


def refresh_derived(db: sqlite_utils.Database, *, find_duplicates: FindDuplicates) -> None:
    """Recompute data derived across documents after a crawl or re-processing.

    A failing database (disk full, read-only) is one line, not a traceback.
    """
    try:
        assign_duplicates(db, find_duplicates)
        for hook in POST_CRAWL_HOOKS:
            hook(db)
    except Exception as exc:
        if not is_database_fault(exc):
            raise
        raise StorageWriteError(f"database write failed: {one_line(exc)}") from None
