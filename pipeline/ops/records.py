"""Re-processing of machine-readable documents (iCal, JSON, OParl, event feeds).

Their stored raw bytes are records, not pages: instead of extracting them again, the stored
title, text and events are handed to the normalizer, so a changed taxonomy or gazetteer
re-tags them like every page.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from citynews.model import Document, Event, Page, parse_iso
from citynews.normalize.document import Normalizer

_EVENT_COLUMNS = (
    "title",
    "start",
    "end",
    "all_day",
    "venue",
    "address",
    "place_name",
    "online",
    "registration_url",
    "source",
    "status",
    "registration_deadline",
    "provenance",
    "uid",
    "url",
    "organizer",
    "description",
    "lat",
    "lon",
)


def _events(db: sqlite_utils.Database, doc_id: str) -> list[Event]:
    """The document's stored events, in the order they were written."""
    sql = f"select {', '.join(_EVENT_COLUMNS)} from events where document_id = ? order by rowid"
    events = []
    for values in db.execute(sql, [doc_id]).fetchall():
        fields = dict(zip(_EVENT_COLUMNS, values, strict=True))
        fields.update(
            start=parse_iso(fields["start"]),
            end=parse_iso(fields["end"]),
            registration_deadline=parse_iso(fields["registration_deadline"]),
            status=fields["status"] or "scheduled",
            all_day=bool(fields["all_day"]),
            online=bool(fields["online"]),
        )
        events.append(Event(**fields))
    return events


def stored_record(
    db: sqlite_utils.Database, row: dict[str, Any], normalizer: Normalizer, home_region: str | None
) -> Document:
    """The document again from what is stored of it; the home place stays the stored one
    when the configuration names none (an OParl body's AGS)."""
    title, kind, text, content_html, published, modified = db.execute(
        "select title, kind, text, content_html, published, modified from documents where id = ?",
        [row["id"]],
    ).fetchone()
    if home_region is None:
        home = db.execute(
            "select ags from document_places where document_id = ? and role = 'source-home'",
            [row["id"]],
        ).fetchone()
        home_region = home[0] if home else None
    page = Page(
        url=row["url"],
        title=title,
        kind=kind,
        published=parse_iso(published),
        modified=parse_iso(modified),
        published_source=row.get("published_source"),
        text=text,
        content_html=content_html or "",
        summary=text[:300],
        language="de",
    )
    return normalizer.from_page(
        page, source=row["source"], home_region=home_region, stated_events=_events(db, row["id"])
    )
