"""Schema of the citynews database: tables, code migrations and opening a database.

Each migration runs once, in order, inside a transaction, so an existing database upgrades in
place; the database runs in WAL mode so a killed crawl never corrupts it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from citynews.errors import InputError
from citynews.storage import analytics

SCHEMA_VERSION_TABLE = "_migrations"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["sources"].create(
        {
            "name": str,
            "title": str,
            "kind": str,
            "home_url": str,
            "schedule": str,
            "home_region": str,
            "licence": str,
            "verified": int,
            "enabled": int,
            "updated_at": str,
        },
        pk="name",
    )
    db["documents"].create(
        {
            "id": str,
            "url": str,
            "source": str,
            "title": str,
            "kind": str,
            "published": str,
            "published_utc": str,
            "modified": str,
            "published_source": str,
            "summary": str,
            "text": str,
            "content_html": str,
            "keywords": str,
            "language": str,
            "word_count": int,
            "content_hash": str,
            "minhash": bytes,
            "duplicate_of": str,
            "first_seen": str,
            "last_seen": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
        not_null={"url"},
    )
    db["documents"].create_index(["url"], unique=True)
    db["documents"].create_index(["source", "published_utc"])
    db["documents"].create_index(["published_utc"])
    db["documents"].create_index(["duplicate_of"])
    db["pages"].create(
        {
            "document_id": str,
            "url": str,
            "fetched_at": str,
            "status": int,
            "content_type": str,
            "etag": str,
            "last_modified": str,
            "html_zlib": bytes,
        },
        pk="document_id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["topics"].create({"slug": str, "name": str, "description": str, "position": int}, pk="slug")
    db["document_topics"].create(
        {"document_id": str, "topic": str, "score": float, "rule": str, "words": str},
        pk=("document_id", "topic"),
        foreign_keys=[("document_id", "documents", "id"), ("topic", "topics", "slug")],
    )
    db["document_topics"].create_index(["topic", "document_id"])
    db["places"].create(
        {
            "ags": str,
            "name": str,
            "kind": str,
            "lat": float,
            "lon": float,
            "state": str,
            "district": str,
            "population": int,
        },
        pk="ags",
    )
    db["document_places"].create(
        {"document_id": str, "ags": str, "role": str, "name": str, "evidence": str},
        pk=("document_id", "ags", "role"),
        foreign_keys=[("document_id", "documents", "id"), ("ags", "places", "ags")],
    )
    db["document_places"].create_index(["ags", "document_id"])
    db["events"].create(
        {
            "id": str,
            "document_id": str,
            "title": str,
            "start": str,
            "end": str,
            "start_utc": str,
            "all_day": int,
            "venue": str,
            "address": str,
            "place_name": str,
            "place_ags": str,
            "online": int,
            "registration_url": str,
            "source": str,
            "sequence": int,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["events"].create_index(["document_id"])
    db["events"].create_index(["start_utc"])
    db["events"].create_index(["place_ags"])
    db["crawl_runs"].create(
        {
            "id": int,
            "source": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pages": int,
            "documents_new": int,
            "documents_updated": int,
            "documents_unchanged": int,
            "events": int,
            "errors": int,
            "duration_s": float,
            "message": str,
        },
        pk="id",
    )
    db["crawl_runs"].create_index(["source", "started_at"])
    db["fetch_events"].create(
        {
            "id": int,
            "run_id": int,
            "source": str,
            "url": str,
            "status": int,
            "outcome": str,
            "error": str,
            "bytes": int,
            "elapsed_ms": float,
            "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db["fetch_events"].create_index(["run_id"])
    db["url_state"].create(
        {
            "url": str,
            "source": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "last_status": int,
            "last_fetched": str,
            "document_id": str,
        },
        pk="url",
    )
    db["url_state"].create_index(["source"])


def _m002_pages_by_url(db: sqlite_utils.Database) -> None:
    # known_urls() asks whether a fetched URL's page was stored.
    db["pages"].create_index(["url"])


def _m003_event_fields_and_source_configs(db: sqlite_utils.Database) -> None:
    # The Event fields of calendars, JSON APIs and OParl; uid keys re-crawled events.
    events = db["events"]
    for column in ("status", "registration_deadline", "provenance", "uid", "url", "organizer"):
        events.add_column(column, str)
    events.add_column("description", str)
    # What a document was normalized with, so re-processing needs no sources.toml.
    db["source_configs"].create(
        {"key": str, "source": str, "home_region": str, "selectors": str, "recorded_at": str},
        pk="key",
    )
    db["documents"].add_column("source_config", str)
    db["documents"].add_column("crawl_hints", str)


def _fts_update_trigger(fts: str) -> str:
    return (
        "CREATE TRIGGER [documents_au] AFTER UPDATE OF [title], [text] ON [documents]\n"
        "WHEN old.[title] IS NOT new.[title] OR old.[text] IS NOT new.[text] BEGIN\n"
        f"  INSERT INTO [{fts}] ([{fts}], rowid, [title], [text])"
        " VALUES('delete', old.rowid, old.[title], old.[text]);\n"
        f"  INSERT INTO [{fts}] (rowid, [title], [text])"
        " VALUES (new.rowid, new.[title], new.[text]);\n"
        "END"
    )


def narrow_fts_update_trigger(db: sqlite_utils.Database) -> None:
    """Re-index a document's full text only when its title or text really changed.

    sqlite-utils' update trigger fires on every UPDATE of documents and tokenizes the row
    twice (delete + insert), also when a re-crawl only bumped last_seen. The trigger is
    created by ``analytics.install``, a post-migration hook that runs after the migrations,
    hence this idempotent hook instead of a migration.
    """
    fts = db["documents"].detect_fts()
    if not fts:
        return
    sql = _fts_update_trigger(fts)
    row = db.execute(
        "select sql from sqlite_master where type = 'trigger' and name = 'documents_au'"
    ).fetchone()
    if row is not None and row[0] == sql:
        return
    with db.atomic():
        db.execute("drop trigger if exists [documents_au]")
        db.execute(sql)


def _m004_event_coordinates(db: sqlite_utils.Database) -> None:
    # Calendars (GEO) and council systems state where an event takes place.
    db["events"].add_column("lat", float)
    db["events"].add_column("lon", float)


# Each migration runs once, in order, inside a transaction; never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_initial,
    _m002_pages_by_url,
    _m003_event_fields_and_source_configs,
    _m004_event_coordinates,
]

# Idempotent installers of the analyst layer (views, full-text search) run after migrations,
# and refreshers of its derived tables after every crawl.
POST_MIGRATION_HOOKS: list[Callable[[sqlite_utils.Database], None]] = [
    analytics.install,
    narrow_fts_update_trigger,
]
POST_CRAWL_HOOKS: list[Callable[[sqlite_utils.Database], None]] = [analytics.refresh_counts]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema to the current version; returns the version."""
    if not db[SCHEMA_VERSION_TABLE].exists():
        db[SCHEMA_VERSION_TABLE].create({"version": int, "applied_at": str}, pk="version")
    done = {row["version"] for row in db[SCHEMA_VERSION_TABLE].rows}
    for version, step in enumerate(MIGRATIONS, start=1):
        if version in done:
            continue
        with db.atomic():
            step(db)
            db[SCHEMA_VERSION_TABLE].insert({"version": version, "applied_at": now_utc()})
    for hook in POST_MIGRATION_HOOKS:
        hook(db)
    return len(MIGRATIONS)


def open_db(path: Path | str, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and create or migrate) a citynews database in WAL mode."""
    path = Path(path)
    if not create and not path.exists():
        raise InputError(
            f"{path}: database not found (run 'citynews crawl' or 'citynews demo' first)"
        )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=30)
        db = sqlite_utils.Database(conn)
        db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a usable citynews database: {exc}") from None
    return db
