"""Sample sources that are data, not pages: an iCal file, a JSON export, an event feed and an
OParl council system, served as they lie in ``data/sample/<host>/`` (no templates).

The files were written for citynews (CC0). OParl lists page with ``-2.json`` files because
the sample server ignores query strings; ``modified_since`` is accepted and ignored, so the
demo's re-crawl finds everything unchanged rather than nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

HOSTS = ("termine.musterstadt.example", "ratsinfo.musterstadt.example")
CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
}
# One fixed stamp: the files do not change, and 304s need a stable Last-Modified.
STAMP = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def render(root: Path) -> dict[str, dict[str, tuple[bytes, str, datetime]]]:
    """host → URL path → (body, content type, last modified) for every sample data file."""
    sites: dict[str, dict[str, tuple[bytes, str, datetime]]] = {}
    for host in HOSTS:
        folder = root / host
        sites[host] = {
            "/" + path.relative_to(folder).as_posix(): (
                path.read_bytes(),
                CONTENT_TYPES[path.suffix],
                STAMP,
            )
            for path in sorted(folder.rglob("*"))
            if path.suffix in CONTENT_TYPES
        }
    return sites
