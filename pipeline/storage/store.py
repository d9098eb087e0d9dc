"""SQLite storage through sqlite-utils: schema and migrations in code, batched upserts.

Writes are buffered and flushed in one transaction per batch (row-by-row commits are
~30x slower), the database runs in WAL mode so a killed crawl never corrupts it, and a
document is keyed by a hash of its canonical URL, so re-crawls update instead of duplicating.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from citynews.errors import InputError
from citynews.model import Document, Event, iso, utc_key
from citynews.storage import analytics

SCHEMA_VERSION_TABLE = "_migrations"
# fetch_events.outcome values: FETCHED count as pages, NEUTRAL as neither page nor error.
FETCHED = frozenset({"ok", "not-modified"})
NEUTRAL = frozenset({"not-html", "no-content", "robots", "redirect"})
# Raw pages are kept for re-processing only. On 200 real 128 KB pages level 1 keeps 23.0 % of
# the bytes against 19.6 % at level 6, in half the time (0.9 instead of 1.8 ms a page).
ZLIB_LEVEL = 1


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_id(url: str) -> str:
    """Stable id of a document: 16 hex digits of the SHA-1 of its canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _norm_title(title: str) -> str:
    return re.sub(r"\W+", " ", title.casefold()).strip()


def event_id(doc_id: str, event: Event) -> str:
    """Key of an event: document + start + normalized title (re-crawls update, never duplicate)."""
    key = f"{doc_id}|{iso(event.start)}|{_norm_title(event.title)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _hash(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


# --- schema -----------------------------------------------------------------------------------


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


# Each migration runs once, in order, inside a transaction; never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_m001_initial, _m002_pages_by_url]

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


# --- writing ----------------------------------------------------------------------------------


@dataclass
class RunStats:
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


@dataclass
class _Pending:
    doc: Document
    source: str | None
    html_zlib: bytes
    fetched_at: str
    http: dict[str, Any]
    minhash: bytes | None


class Store:
    """Buffers documents and fetch events; writes each batch in one transaction."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        batch_size: int = 1000,
        batch_bytes: int = 16 * 2**20,
        fetch_batch_size: int = 200,
    ) -> None:
        self.db = db
        # A batch ends at batch_size documents, at about batch_bytes of pending text, HTML and
        # compressed pages, or at fetch_batch_size fetch events, whichever comes first. Bulk
        # writers (re-processing, imports) gain from large batches: a commit costs about as
        # much as writing 60 documents, and 1,000 per batch wrote 15-25 % more documents/s
        # than 200. A crawl records a fetch per page, so it still commits every 200 pages and
        # a killed crawl loses little; the byte limit bounds the memory of large pages.
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.fetch_batch_size = fetch_batch_size
        self._docs: list[_Pending] = []
        self._pending_bytes = 0
        self._fetches: list[dict[str, Any]] = []
        self.stats: dict[str, RunStats] = {}

    # sources, topics and places are small reference tables: written straight away.
    def upsert_sources(self, sources: Iterable[Any]) -> None:
        rows = [
            {
                "name": s.name,
                "title": s.title,
                "kind": s.kind,
                "home_url": s.start_urls[0],
                "schedule": s.schedule,
                "home_region": s.home_region,
                "licence": s.licence,
                "verified": int(s.verified),
                "enabled": int(s.enabled),
                "updated_at": now_utc(),
            }
            for s in sources
        ]
        with self.db.atomic():
            self.db["sources"].upsert_all(rows, pk="name")

    def upsert_topics(self, topics: Iterable[Any]) -> None:
        rows = [
            {"slug": t.slug, "name": t.name, "description": t.description, "position": i}
            for i, t in enumerate(topics)
        ]
        with self.db.atomic():
            self.db["topics"].upsert_all(rows, pk="slug")

    def start_run(self, source: str) -> int:
        with self.db.atomic():
            table = self.db["crawl_runs"].insert(
                {"source": source, "started_at": now_utc(), "status": "running"}
            )
        self.stats[source] = RunStats()
        return int(table.last_pk)

    def finish_run(
        self, run_id: int, source: str, status: str, *, duration_s: float, message: str = ""
    ) -> RunStats:
        self.flush()
        st = self.stats.setdefault(source, RunStats())
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {
                    "finished_at": now_utc(),
                    "status": status,
                    "pages": st.pages,
                    "documents_new": st.new,
                    "documents_updated": st.updated,
                    "documents_unchanged": st.unchanged,
                    "events": st.events,
                    "errors": st.errors,
                    "duration_s": round(duration_s, 3),
                    "message": message,
                },
            )
        return st

    def record_fetch(
        self,
        *,
        run_id: int | None,
        source: str,
        url: str,
        outcome: str,
        status: int | None = None,
        error: str | None = None,
        size: int | None = None,
        elapsed_ms: float | None = None,
        kind: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        st = self.stats.setdefault(source, RunStats())
        st.outcomes[outcome] = st.outcomes.get(outcome, 0) + 1
        if outcome in FETCHED:
            st.pages += 1
        elif outcome not in NEUTRAL:
            st.errors += 1
        self._fetches.append(
            {
                "run_id": run_id,
                "source": source,
                "url": url,
                "status": status,
                "outcome": outcome,
                "error": error,
                "bytes": size,
                "elapsed_ms": elapsed_ms,
                "at": now_utc(),
                "_kind": kind,
                "_etag": etag,
                "_last_modified": last_modified,
            }
        )
        if len(self._fetches) >= self.fetch_batch_size:
            self.flush()

    def add(
        self,
        doc: Document,
        *,
        raw_html: bytes,
        fetched_at: str | None = None,
        http: dict[str, Any] | None = None,
        minhash: bytes | None = None,
    ) -> None:
        # Compressed now, so that a pending batch holds about a fifth of the raw pages.
        html_zlib = zlib.compress(raw_html, ZLIB_LEVEL)
        self._docs.append(
            _Pending(doc, doc.source, html_zlib, fetched_at or now_utc(), http or {}, minhash)
        )
        self._pending_bytes += len(html_zlib) + len(doc.text) + len(doc.content_html or "")
        if len(self._docs) >= self.batch_size or self._pending_bytes >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        docs, self._docs = self._docs, []
        fetches, self._fetches = self._fetches, []
        self._pending_bytes = 0
        if not docs and not fetches:
            return
        with self.db.atomic():
            if docs:
                self._write_documents(docs)
            if fetches:
                self._write_fetches(fetches)

    def _upsert(
        self,
        table: str,
        rows: list[dict[str, Any]],
        pk: tuple[str, ...] | None,
        keep: frozenset[str] = frozenset(),
    ) -> None:
        """Insert rows (dicts whose keys are the columns), updating those whose pk exists.

        Plain executemany: sqlite-utils' upsert_all costs more Python time than SQLite
        needs, and fires both insert and update triggers (three FTS tokenizations) for a
        new document.
        """
        if rows:
            columns = tuple(c for c in rows[0] if not c.startswith("_"))
            self.db.conn.executemany(_upsert_sql(table, columns, pk, keep), rows)

    def _write_fetches(self, fetches: list[dict[str, Any]]) -> None:
        states = [
            {
                "url": f["url"],
                "source": f["source"],
                "kind": f["_kind"],
                "etag": f["_etag"],
                "last_modified": f["_last_modified"],
                "last_status": f["status"],
                "last_fetched": f["at"],
            }
            for f in fetches
            if f["outcome"] == "ok"
        ]
        # Keys starting with "_" are not columns (see _upsert).
        self._upsert("fetch_events", fetches, None)
        self._upsert("url_state", states, ("url",))

    def _write_documents(self, pending: list[_Pending]) -> None:
        # The last version of a URL within one batch wins.
        by_id = {document_id(p.doc.url): p for p in pending}
        ids = list(by_id)
        marks = ",".join("?" * len(ids))
        existing = dict(
            self.db.execute(f"select id, content_hash from documents where id in ({marks})", ids)
        )
        now = now_utc()
        changed_rows, unchanged_rows, page_rows = [], [], []
        topic_rows, place_rows, event_rows = [], [], []
        changed: list[str] = []
        for doc_id, p in by_id.items():
            d = p.doc
            content_hash = _hash(
                d.title,
                d.text,
                iso(d.published),
                iso(d.modified),
                d.keywords,
                [(t.slug, t.rule) for t in d.topics],
                [(pl.ags, pl.role) for pl in d.places],
                [(iso(e.start), iso(e.end), e.title, e.venue, e.address) for e in d.events],
            )
            old_hash = existing.get(doc_id)
            st = self.stats.setdefault(p.source or "", RunStats())
            if old_hash is None:
                st.new += 1
            elif old_hash != content_hash:
                st.updated += 1
            else:
                st.unchanged += 1
            st.events += len(d.events)
            row = {
                "id": doc_id,
                "url": d.url,
                "source": p.source,
                "title": d.title,
                "kind": d.kind,
                "published": iso(d.published),
                "published_utc": utc_key(d.published),
                "modified": iso(d.modified),
                "published_source": d.published_source,
                "summary": d.summary,
                "text": d.text,
                "content_html": d.content_html,
                "keywords": json.dumps(d.keywords, ensure_ascii=False),
                "language": d.language,
                "word_count": len(d.text.split()),
                "content_hash": content_hash,
                "minhash": p.minhash,
                "first_seen": now,
                "last_seen": now,
                "updated_at": now,
            }
            page_rows.append(
                {
                    "document_id": doc_id,
                    "url": p.http.get("url", d.url),
                    "fetched_at": p.fetched_at,
                    "status": p.http.get("status"),
                    "content_type": p.http.get("content_type"),
                    "etag": p.http.get("etag"),
                    "last_modified": p.http.get("last_modified"),
                    "html_zlib": p.html_zlib,
                }
            )
            if old_hash == content_hash:
                unchanged_rows.append(row)
                continue
            changed_rows.append(row)
            changed.append(doc_id)
            topic_rows += [
                {
                    "document_id": doc_id,
                    "topic": t.slug,
                    "score": t.score,
                    "rule": t.rule,
                    "words": json.dumps(t.words, ensure_ascii=False),
                }
                for t in d.topics
            ]
            place_rows += [
                {
                    "document_id": doc_id,
                    "ags": pl.ags,
                    "role": pl.role,
                    "name": pl.name,
                    "evidence": pl.evidence,
                }
                for pl in d.places
                if pl.ags
            ]
            event_rows += [(doc_id, e) for e in d.events]

        self._ensure_places(
            [pl for p in by_id.values() for pl in p.doc.places if pl.ags]
            + [e.place for p in by_id.values() for e in p.doc.events if e.place and e.place.ags]
        )
        # Reference rows a document points at must exist before it (foreign keys are on);
        # normally the crawl wrote them already, so these inserts are no-ops.
        self.db.conn.executemany(
            "insert into sources (name) values (?) on conflict do nothing",
            [(name,) for name in {p.source for p in by_id.values() if p.source}],
        )
        self.db.conn.executemany(
            "insert into topics (slug, name) values (?, ?) on conflict do nothing",
            [(slug, slug) for slug in {r["topic"] for r in topic_rows}],
        )
        # first_seen is kept on update; an unchanged document also keeps updated_at and is not
        # handed title and text at all, so the FTS update trigger does not re-index it.
        self._upsert("documents", changed_rows, ("id",), _KEEP_FIRST_SEEN)
        self._upsert("documents", unchanged_rows, ("id",), _KEEP_UNCHANGED)
        self._upsert("pages", page_rows, ("document_id",))
        if changed:
            marks = ",".join("?" * len(changed))
            for table in ("document_topics", "document_places"):
                self.db.execute(f"delete from {table} where document_id in ({marks})", changed)
            self._upsert("document_topics", topic_rows, ("document_id", "topic"))
            self._upsert("document_places", place_rows, ("document_id", "ags", "role"))
            self._write_events(changed, event_rows, now)

    def _write_events(self, doc_ids: list[str], events: list[tuple[str, Event]], now: str) -> None:
        marks = ",".join("?" * len(doc_ids))
        existing = {
            row[0]: (row[1], row[2])
            for row in self.db.execute(
                f"select id, content_hash, sequence from events where document_id in ({marks})",
                doc_ids,
            )
        }
        rows = []
        for doc_id, e in events:
            eid = event_id(doc_id, e)
            place_ags = e.place.ags if e.place else None
            content_hash = _hash(
                e.title,
                iso(e.start),
                iso(e.end),
                e.all_day,
                e.venue,
                e.address,
                place_ags,
                e.online,
                e.registration_url,
            )
            old = existing.get(eid)
            sequence = 0 if old is None else (old[1] if old[0] == content_hash else old[1] + 1)
            rows.append(
                {
                    "id": eid,
                    "document_id": doc_id,
                    "title": e.title,
                    "start": iso(e.start),
                    "end": iso(e.end),
                    "start_utc": utc_key(e.start),
                    "all_day": int(e.all_day),
                    "venue": e.venue,
                    "address": e.address,
                    "place_name": e.place.name if e.place else e.place_name,
                    "place_ags": place_ags,
                    "online": int(e.online),
                    "registration_url": e.registration_url,
                    "source": e.source,
                    "sequence": sequence,
                    "content_hash": content_hash,
                    "first_seen": now,
                    "last_seen": now,
                }
            )
        keep = {r["id"] for r in rows}
        gone = [eid for eid in existing if eid not in keep]
        if gone:
            self.db.execute(f"delete from events where id in ({','.join('?' * len(gone))})", gone)
        self._upsert("events", rows, ("id",), _KEEP_FIRST_SEEN)

    def _ensure_places(self, places: list[Any]) -> None:
        rows = {
            pl.ags: {
                "ags": pl.ags,
                "name": pl.name,
                "kind": pl.kind,
                "lat": pl.lat,
                "lon": pl.lon,
                "state": pl.state,
                "district": pl.district,
                "population": pl.population,
            }
            for pl in places
        }
        self._upsert("places", list(rows.values()), ("ags",))


# Columns an update leaves as they are (see Store._write_documents).
_KEEP_FIRST_SEEN = frozenset({"first_seen"})
_KEEP_UNCHANGED = frozenset({"first_seen", "updated_at", "title", "text"})


@functools.cache
def _upsert_sql(
    table: str, columns: tuple[str, ...], pk: tuple[str, ...] | None, keep: frozenset[str]
) -> str:
    """INSERT of named parameters; with a pk, ON CONFLICT updates every column not in keep."""
    names = ", ".join(f"[{c}]" for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    sql = f"insert into [{table}] ({names}) values ({values})"
    if pk is None:
        return sql
    updates = [f"[{c}] = excluded.[{c}]" for c in columns if c not in pk and c not in keep]
    action = f"do update set {', '.join(updates)}" if updates else "do nothing"
    return f"{sql} on conflict ({', '.join(f'[{c}]' for c in pk)}) {action}"


# --- reading ----------------------------------------------------------------------------------


def known_urls(db: sqlite_utils.Database, source: str) -> dict[str, dict[str, Any]]:
    """URL → validators (etag, last_modified, kind) of the pages stored for a source.

    A URL counts as known only once its page is stored: a crawl killed between fetching a
    page and writing it must fetch that page again next time.
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
    """Stored raw pages (decompressed) with their document's source, for re-processing."""
    sql = (
        "select d.id, d.url, d.source, d.kind, p.html_zlib, p.fetched_at, p.status, p.content_type,"
        " p.etag, p.last_modified from pages p join documents d on d.id = p.document_id where 1=1"
    )
    params: list[Any] = []
    if source:
        sql += " and d.source = ?"
        params.append(source)
    if since:
        sql += " and coalesce(d.published_utc, d.first_seen) >= ?"
        params.append(since)
    for row in db.query(sql, params):
        row["html"] = zlib.decompress(row.pop("html_zlib"))
        yield row


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


def assign_duplicates(db: sqlite_utils.Database) -> int:
    """Mark near-duplicate documents (same story, several sources); returns how many."""
    from citynews.normalize import dedup

    items = [
        (row[0], row[1], row[2])
        for row in db.execute(
            "select id, minhash, coalesce(published_utc, first_seen) from documents"
            " where minhash is not null"
        )
    ]
    mapping = dedup.find_duplicates(items)
    with db.atomic():
        db.execute("update documents set duplicate_of = null where duplicate_of is not null")
        db.conn.executemany(
            "update documents set duplicate_of = ? where id = ?",
            [(canonical, dup) for dup, canonical in mapping.items()],
        )
    return len(mapping)


def refresh_derived(db: sqlite_utils.Database) -> None:
    """Recompute data derived across documents after a crawl or re-processing."""
    assign_duplicates(db)
    for hook in POST_CRAWL_HOOKS:
        hook(db)
