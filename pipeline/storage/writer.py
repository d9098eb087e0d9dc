"""The writer: buffers documents and fetch events, writes each batch in one transaction.

Writes are buffered and flushed in one transaction per batch (row-by-row commits are ~30x
slower), and a document is keyed by a hash of its canonical URL, so re-crawls update instead
of duplicating. Two kinds of failure are kept apart:

- a document that cannot be stored (a value SQLite refuses, a bug) costs that document only:
  the batch is written again document by document inside savepoints, and the failure is
  recorded in ``fetch_events`` with its reason;
- a failing database (disk full, file too large, read-only, I/O error) ends the writing: the
  batch is rolled back, nothing of it is counted, and :attr:`Store.write_error` says why.

Run statistics count what was committed, never what was merely handed in.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from citynews.errors import CitynewsError
from citynews.model import Document, Event, Hints
from citynews.storage import rows as r
from citynews.storage.batch import Batch, Pending, Tally, merge
from citynews.storage.schema import now_utc

# fetch_events.outcome values: FETCHED count as pages, NEUTRAL as neither page nor error.
FETCHED = frozenset({"ok", "not-modified"})
NEUTRAL = frozenset({"not-html", "no-content", "robots", "redirect"})
# Outcome of a fetched page whose document could not be stored; with the crawler's
# "normalize-failed", the outcomes of pages lost to the run (it ends partial, exit 1).
STORE_FAILED = "store-failed"
LOST_OUTCOMES = ("normalize-failed", STORE_FAILED)
# Raw pages are kept for re-processing only. On 200 real 128 KB pages level 1 keeps 23.0 % of
# the bytes against 19.6 % at level 6, in half the time (0.9 instead of 1.8 ms a page).
ZLIB_LEVEL = 1
# Primary SQLite result codes that mean the database, not the document, is at fault:
# PERM, BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB.
_DATABASE_FAULTS = frozenset({3, 5, 6, 7, 8, 10, 11, 13, 14, 26})


class StorageWriteError(CitynewsError):
    """The database cannot be written (disk full, file too large, read-only, I/O error)."""

    exit_code = 1


def is_database_fault(exc: BaseException) -> bool:
    """True when ``exc`` says the database or the disk failed, not one document."""
    if isinstance(exc, OSError | MemoryError):
        return True
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.ProgrammingError
    ):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is None or code & 0xFF in _DATABASE_FAULTS
    return False


def one_line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class RunStats:
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    # Why the database could not be written, when it could not: the run failed.
    write_error: str | None = None


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
        self._docs: list[Pending] = []
        self._pending_bytes = 0
        self._fetches: list[dict[str, Any]] = []
        self.stats: dict[str, RunStats] = {}
        self.run_ids: dict[str, int] = {}
        # Set once the database failed; from then on nothing more is buffered or written.
        self.write_error: str | None = None
        # Called with the reason instead of raising StorageWriteError (a crawl stops itself).
        self.on_write_error: Callable[[str], None] | None = None

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
        with self._writing():
            self.db["sources"].upsert_all(rows, pk="name")

    def upsert_topics(self, topics: Iterable[Any]) -> None:
        rows = [
            {"slug": t.slug, "name": t.name, "description": t.description, "position": i}
            for i, t in enumerate(topics)
        ]
        with self._writing():
            self.db["topics"].upsert_all(rows, pk="slug")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction; a failing database becomes one line (StorageWriteError)."""
        try:
            with self.db.atomic():
                yield
        except Exception as exc:
            if not is_database_fault(exc):
                raise
            raise StorageWriteError(f"database write failed: {one_line(exc)}") from None

    def start_run(self, source: str) -> int:
        with self._writing():
            table = self.db["crawl_runs"].insert(
                {"source": source, "started_at": now_utc(), "status": "running"}
            )
        self.stats[source] = RunStats()
        self.run_ids[source] = int(table.last_pk)
        return self.run_ids[source]

    def finish_run(
        self, run_id: int, source: str, status: str, *, duration_s: float, message: str = ""
    ) -> RunStats:
        """Write the run's row with what was committed; a failed database fails the run."""
        self.flush()
        st = self.stats.setdefault(source, RunStats())
        if self.write_error:
            status, message = "failed", f"database write failed: {self.write_error}"
            st.write_error = self.write_error
        row = {
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
        }
        try:
            with self.db.atomic():
                self.db["crawl_runs"].update(run_id, row)
        except Exception as exc:
            if not is_database_fault(exc):
                raise
            # The row stays 'running' and the next crawl marks it aborted: it claims nothing.
            self.write_error = self.write_error or one_line(exc)
            st.write_error = self.write_error
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
        if self.write_error:
            return
        self._count_outcome(source, outcome)
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

    def _count_outcome(self, source: str, outcome: str) -> None:
        st = self.stats.setdefault(source, RunStats())
        st.outcomes[outcome] = st.outcomes.get(outcome, 0) + 1
        if outcome in FETCHED:
            st.pages += 1
        elif outcome not in NEUTRAL:
            st.errors += 1

    def add(
        self,
        doc: Document,
        *,
        raw_html: bytes,
        fetched_at: str | None = None,
        http: dict[str, Any] | None = None,
        minhash: bytes | None = None,
        config: r.SourceConfig | None = None,
        hints: Hints | None = None,
    ) -> None:
        """Buffer a document with its raw page, near-duplicate signature and crawl context.

        ``config`` and ``hints`` are what the document was normalized with; re-processing
        uses them instead of the current sources file.
        """
        if self.write_error:
            return
        # Compressed now, so that a pending batch holds about a fifth of the raw pages.
        html_zlib = zlib.compress(raw_html, ZLIB_LEVEL)
        pending = Pending(
            doc, doc.source, html_zlib, fetched_at or now_utc(), http or {}, minhash, config
        )
        pending.hints = r.hints_json(hints)
        self._docs.append(pending)
        self._pending_bytes += len(html_zlib) + len(doc.text) + len(doc.content_html or "")
        if len(self._docs) >= self.batch_size or self._pending_bytes >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        """Write what is pending; one bad document costs that document only."""
        docs, self._docs = self._docs, []
        fetches, self._fetches = self._fetches, []
        self._pending_bytes = 0
        if not (docs or fetches) or self.write_error:
            return
        try:
            with self.db.atomic():
                tallies = self._write_documents(docs)
                self._write_fetches(fetches)
        except Exception as exc:
            if is_database_fault(exc):
                self._fail(exc)
                return
            try:
                tallies = self._write_each(docs, fetches)
            except Exception as again:
                self._fail(again)
                return
        self._count(tallies)

    def _write_each(self, docs: list[Pending], fetches: list[dict[str, Any]]) -> dict[str, Tally]:
        """The batch again, each document in a savepoint; failures are recorded, not raised."""
        tallies: dict[str, Tally] = {}
        failures: list[dict[str, Any]] = []
        with self.db.atomic():
            for p in docs:
                self.db.execute("savepoint citynews_document")
                try:
                    written = self._write_documents([p])
                except Exception as exc:
                    self.db.execute("rollback to citynews_document")
                    self.db.execute("release citynews_document")
                    if is_database_fault(exc):
                        raise
                    failures.append(self._failure(p, exc))
                    continue
                self.db.execute("release citynews_document")
                for source, tally in written.items():
                    merge(tallies.setdefault(source, Tally()), tally)
            self._write_fetches(fetches + failures)
        for failure in failures:
            self._count_outcome(failure["source"], STORE_FAILED)
        return tallies

    def _failure(self, p: Pending, exc: Exception) -> dict[str, Any]:
        source = p.source or ""
        return {
            "run_id": self.run_ids.get(source),
            "source": source,
            "url": p.doc.url,
            "status": p.http.get("status"),
            "outcome": STORE_FAILED,
            "error": one_line(exc),
            "bytes": None,
            "elapsed_ms": None,
            "at": now_utc(),
            "_kind": None,
            "_etag": None,
            "_last_modified": None,
        }

    def _fail(self, exc: BaseException) -> None:
        self.write_error = one_line(exc)
        if self.on_write_error is not None:
            self.on_write_error(self.write_error)
            return
        raise StorageWriteError(f"database write failed: {self.write_error}") from None

    def _count(self, tallies: dict[str, Tally]) -> None:
        for source, tally in tallies.items():
            st = self.stats.setdefault(source, RunStats())
            st.new += tally.new
            st.updated += tally.updated
            st.unchanged += tally.unchanged
            st.events += tally.events

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
            self.db.conn.executemany(r.upsert_sql(table, columns, pk, keep), rows)

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

    def _write_documents(self, pending: list[Pending]) -> dict[str, Tally]:
        if not pending:
            return {}
        # The last version of a URL within one batch wins.
        by_id = {r.document_id(p.doc.url): p for p in pending}
        ids = list(by_id)
        marks = ",".join("?" * len(ids))
        existing = dict(
            self.db.execute(f"select id, content_hash from documents where id in ({marks})", ids)
        )
        now = now_utc()
        batch = Batch()
        tallies: dict[str, Tally] = {}
        for doc_id, p in by_id.items():
            hash_ = r.document_hash(p.doc)
            old_hash = existing.get(doc_id)
            tally = tallies.setdefault(p.source or "", Tally())
            tally.events += len(p.doc.events)
            if old_hash is None:
                tally.new += 1
            elif old_hash != hash_:
                tally.updated += 1
            else:
                tally.unchanged += 1
            batch.add(doc_id, p, hash_, now, unchanged=old_hash == hash_)
        self._write_references(by_id.values(), batch, now)
        self._write_rows(batch, now)
        return tallies

    def _write_references(self, pending: Iterable[Pending], batch: Batch, now: str) -> None:
        """Rows a document points at must exist before it (foreign keys are on).

        Normally the crawl wrote sources and topics already, so those inserts are no-ops.
        """
        pending = list(pending)
        places = [pl for p in pending for pl in p.doc.places if pl.ags]
        places += [e.place for p in pending for e in p.doc.events if e.place and e.place.ags]
        self._upsert("places", list({pl.ags: r.place_row(pl) for pl in places}.values()), ("ags",))
        self.db.conn.executemany(
            "insert into sources (name) values (?) on conflict do nothing",
            [(name,) for name in {p.source for p in pending if p.source}],
        )
        self.db.conn.executemany(
            "insert into topics (slug, name) values (?, ?) on conflict do nothing",
            [(slug, slug) for slug in {row["topic"] for row in batch.topics}],
        )
        configs = {p.config.key: p.config for p in pending if p.config is not None}
        self._upsert("source_configs", [c.row(now) for c in configs.values()], ("key",), _KEEP_ALL)

    def _write_rows(self, batch: Batch, now: str) -> None:
        # first_seen is kept on update; an unchanged document also keeps updated_at and is not
        # handed title and text at all, so the FTS update trigger does not re-index it.
        self._upsert("documents", batch.changed_rows, ("id",), _KEEP_FIRST_SEEN)
        self._upsert("documents", batch.unchanged_rows, ("id",), _KEEP_UNCHANGED)
        self._upsert("pages", batch.pages, ("document_id",))
        changed = batch.changed
        if changed:
            marks = ",".join("?" * len(changed))
            for table in ("document_topics", "document_places"):
                self.db.execute(f"delete from {table} where document_id in ({marks})", changed)
            self._upsert("document_topics", batch.topics, ("document_id", "topic"))
            self._upsert("document_places", batch.places, ("document_id", "ags", "role"))
            self._write_events(changed, batch.events, now)

    def _write_events(
        self, doc_ids: list[str], events: list[tuple[str, str | None, Event]], now: str
    ) -> None:
        uids = Counter((doc_id, e.uid) for doc_id, _, e in events if e.uid)
        rows = [
            (r.event_id(doc_id, e, source, recurring=uids[doc_id, e.uid] > 1), doc_id, e)
            for doc_id, source, e in events
        ]
        keys = [eid for eid, _, _ in rows]
        marks = ",".join("?" * len(doc_ids))
        key_marks = ",".join("?" * len(keys))
        # An event keyed by uid may have been announced by another document before.
        existing = {
            row[0]: (row[1], row[2], row[3])
            for row in self.db.execute(
                "select id, content_hash, sequence, document_id from events"
                f" where document_id in ({marks}) or id in ({key_marks or 'null'})",
                [*doc_ids, *keys],
            )
        }
        out = []
        for eid, doc_id, e in rows:
            hash_ = r.event_hash(e)
            old = existing.get(eid)
            sequence = 0 if old is None else (old[1] if old[0] == hash_ else old[1] + 1)
            out.append(r.event_row(eid, doc_id, e, sequence, hash_, now))
        keep = set(keys)
        ours = set(doc_ids)
        gone = [eid for eid, old in existing.items() if eid not in keep and old[2] in ours]
        if gone:
            self.db.execute(f"delete from events where id in ({','.join('?' * len(gone))})", gone)
        self._upsert("events", out, ("id",), _KEEP_FIRST_SEEN)


# Columns an update leaves as they are (see Store._write_rows).
_KEEP_FIRST_SEEN = frozenset({"first_seen"})
_KEEP_UNCHANGED = frozenset({"first_seen", "updated_at", "title", "text"})
_KEEP_ALL = frozenset({"source", "home_region", "selectors", "recorded_at"})
