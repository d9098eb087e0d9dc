"""The whole-build key: a rebuild from a database that has not changed since the last complete
build into the same folder does nothing at all.

Per-file fingerprints (``feeds.build``) still have to read every feed's rows to know that
nothing changed: 5 s on 100,000 documents. The build key is known before reading any rows: the
database file and its write-ahead log (size and modification time: every committed write
changes one of them), a few cheap probes of the data (in case a write lands within the same
clock tick as the last build's look at the files), the day (which events count as upcoming and
which fall in the calendars' window), the build parameters and the code with its rendering
libraries. The key is stored in the manifest, which a build only writes when it completed; the
feed list of that build is kept next to it, so a skipped build reports what the last one did.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from citynews.feeds.common import fingerprint, upcoming_threshold, write_if_changed

FEED_LIST = ".citynews-feeds-list.json"
_PROBES = (
    "select count(*), max(updated_at), max(first_seen) from documents",
    "select count(*), max(rowid) from crawl_runs",
    "select count(*), max(rowid) from events",
)


def file_state(db_path: Path) -> list[tuple[str, int, int]]:
    """Size and modification time of the database and its journals, taken before reading."""
    state = []
    for suffix in ("", "-wal", "-journal"):
        path = Path(f"{db_path}{suffix}")
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        # An empty log holds no data; a read-only connection creates one where none was.
        if suffix == "" or stat.st_size:
            state.append((suffix, stat.st_size, stat.st_mtime_ns))
    return state


def build_key(
    files: list[tuple[str, int, int]],
    conn: sqlite3.Connection,
    *,
    base_url: str,
    limit: int,
    now: datetime,
) -> str:
    """The key of a build: equal keys build equal files (see the module's docstring)."""
    probes = [tuple(conn.execute(query).fetchone()) for query in _PROBES]
    return fingerprint("build", files, probes, upcoming_threshold(now), base_url, limit)


def save_feed_list(out_dir: Path, feeds: list[dict[str, Any]]) -> None:
    """Keep what a completed build listed (dates as ISO text) for a build that skips."""
    data = json.dumps(feeds, default=_iso, ensure_ascii=False, separators=(",", ":"))
    write_if_changed(out_dir / FEED_LIST, data.encode("utf-8"))


def load_feed_list(out_dir: Path) -> list[dict[str, Any]] | None:
    """The feed list of the last completed build; None when it is missing or unreadable."""
    try:
        feeds = json.loads((out_dir / FEED_LIST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return feeds if isinstance(feeds, list) else None


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")
