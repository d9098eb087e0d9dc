"""What one batch of documents holds: pending documents, their rows by table, their counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from citynews.model import Document, Event
from citynews.storage.rows import SourceConfig, document_place_rows, document_row, topic_rows


@dataclass
class Tally:
    """Document counts of one write, added to the run statistics once committed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0


@dataclass
class Pending:
    doc: Document
    source: str | None
    html_zlib: bytes
    fetched_at: str
    http: dict[str, Any]
    minhash: bytes | None
    config: SourceConfig | None = None
    hints: str | None = None


def merge(into: Tally, more: Tally) -> None:
    into.new += more.new
    into.updated += more.updated
    into.unchanged += more.unchanged
    into.events += more.events


@dataclass
class Batch:
    """The rows of one batch of documents, by table."""

    changed_rows: list[dict[str, Any]] = field(default_factory=list)
    unchanged_rows: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    events: list[tuple[str, str | None, Event]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def add(self, doc_id: str, p: Pending, hash_: str, now: str, *, unchanged: bool) -> None:
        d = p.doc
        row = document_row(doc_id, d, p.source, hash_, now)
        row["minhash"] = p.minhash
        row["source_config"] = p.config.key if p.config else None
        row["crawl_hints"] = p.hints
        self.pages.append(
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
        if unchanged:
            self.unchanged_rows.append(row)
            return
        self.changed_rows.append(row)
        self.changed.append(doc_id)
        self.topics += topic_rows(doc_id, d)
        self.places += document_place_rows(doc_id, d)
        self.events += [(doc_id, p.source, e) for e in d.events]
