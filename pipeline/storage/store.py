"""The storage room's public names in one place: schema, writer and queries.

Importers use ``citynews.storage.store`` as before the room was split into
:mod:`~citynews.storage.schema` (tables and migrations), :mod:`~citynews.storage.rows`
(ids and rows), :mod:`~citynews.storage.writer` (the batched Store) and
:mod:`~citynews.storage.queries` (reads and derived data).
"""

from __future__ import annotations

from citynews.storage.queries import (
    FindDuplicates,
    abort_stale_runs,
    assign_duplicates,
    count_pages,
    known_urls,
    refresh_derived,
    stored_pages,
)
from citynews.storage.rows import SourceConfig, document_id, event_id
from citynews.storage.schema import (
    MIGRATIONS,
    POST_CRAWL_HOOKS,
    POST_MIGRATION_HOOKS,
    migrate,
    narrow_fts_update_trigger,
    now_utc,
    open_db,
)
from citynews.storage.writer import (
    FETCHED,
    LOST_OUTCOMES,
    NEUTRAL,
    STORE_FAILED,
    RunStats,
    StorageWriteError,
    Store,
    is_database_fault,
    one_line,
)

__all__ = [
    "FETCHED",
    "LOST_OUTCOMES",
    "MIGRATIONS",
    "NEUTRAL",
    "POST_CRAWL_HOOKS",
    "POST_MIGRATION_HOOKS",
    "STORE_FAILED",
    "FindDuplicates",
    "RunStats",
    "SourceConfig",
    "Store",
    "StorageWriteError",
    "abort_stale_runs",
    "assign_duplicates",
    "count_pages",
    "document_id",
    "event_id",
    "is_database_fault",
    "known_urls",
    "migrate",
    "narrow_fts_update_trigger",
    "now_utc",
    "one_line",
    "open_db",
    "refresh_derived",
    "stored_pages",
]
