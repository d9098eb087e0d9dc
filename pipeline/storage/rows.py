"""From model objects to table rows: ids, content hashes and the upsert statement.

Pure functions: the writer (:mod:`citynews.storage.writer`) decides what to write when.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from citynews.model import Document, Event, Hints, Place, iso, utc_key


def document_id(url: str) -> str:
    """Stable id of a document: 16 hex digits of the SHA-1 of its canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _norm_title(title: str) -> str:
    return re.sub(r"\W+", " ", title.casefold()).strip()


def event_id(
    doc_id: str, event: Event, source: str | None = None, *, recurring: bool = False
) -> str:
    """Key of an event, so that re-crawls update and never duplicate.

    An event with a uid (iCal, JSON APIs, OParl) is keyed by its source and uid: the same
    meeting stays one row when its date or title changes. Occurrences of a recurring event
    share their uid, so they (``recurring``) are told apart by their start. Others are keyed
    by document + start + normalized title.
    """
    if event.uid:
        key = f"uid|{source or ''}|{event.uid}"
        if recurring:
            key += f"|{iso(event.start)}"
    else:
        key = f"{doc_id}|{iso(event.start)}|{_norm_title(event.title)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def content_hash(*parts: Any) -> str:
    # surrogatepass: a stray surrogate that slipped past cleaning must not fail the batch.
    data = json.dumps(parts, ensure_ascii=False, default=str)
    return hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class SourceConfig:
    """What matters for normalizing a source's pages again: its home region and selectors."""

    source: str
    home_region: str | None = None
    selectors: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, source: str, home_region: str | None, selectors: dict[str, str]) -> SourceConfig:
        return cls(source, home_region, tuple(sorted(selectors.items())))

    @property
    def key(self) -> str:
        return content_hash(self.source, self.home_region, self.selectors)[:16]

    def row(self, now: str) -> dict[str, Any]:
        return {
            "key": self.key,
            "source": self.source,
            "home_region": self.home_region,
            "selectors": json.dumps(dict(self.selectors), ensure_ascii=False),
            "recorded_at": now,
        }


def hints_json(hints: Hints | None) -> str | None:
    """The crawl's own knowledge of a page (kind, and a feed's title and date), as JSON."""
    if hints is None:
        return None
    known: dict[str, Any] = {
        "kind": hints.kind,
        "title": hints.title,
        "published": iso(hints.published),
    }
    if hints.calendars:
        # Fetched with the page and read with it: re-processing needs them as much as the page.
        known["calendars"] = list(hints.calendars)
    return json.dumps(known, ensure_ascii=False)


def document_hash(d: Document) -> str:
    return content_hash(
        d.title,
        d.text,
        iso(d.published),
        iso(d.modified),
        d.keywords,
        [(t.slug, t.rule) for t in d.topics],
        [(pl.ags, pl.role) for pl in d.places],
        [(iso(e.start), iso(e.end), e.title, e.venue, e.address) for e in d.events],
    )


def document_row(doc_id: str, d: Document, source: str | None, hash_: str, now: str) -> dict:
    return {
        "id": doc_id,
        "url": d.url,
        "source": source,
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
        "content_hash": hash_,
        "first_seen": now,
        "last_seen": now,
        "updated_at": now,
    }


def topic_rows(doc_id: str, d: Document) -> list[dict[str, Any]]:
    return [
        {
            "document_id": doc_id,
            "topic": t.slug,
            "score": t.score,
            "rule": t.rule,
            "words": json.dumps(t.words, ensure_ascii=False),
        }
        for t in d.topics
    ]


def document_place_rows(doc_id: str, d: Document) -> list[dict[str, Any]]:
    return [
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


def place_row(pl: Place) -> dict[str, Any]:
    return {
        "ags": pl.ags,
        "name": pl.name,
        "kind": pl.kind,
        "lat": pl.lat,
        "lon": pl.lon,
        "state": pl.state,
        "district": pl.district,
        "population": pl.population,
    }


def event_hash(e: Event) -> str:
    return content_hash(
        e.title,
        iso(e.start),
        iso(e.end),
        e.all_day,
        e.venue,
        e.address,
        e.place.ags if e.place else None,
        e.online,
        e.registration_url,
        *_event_extras(e),
    )


def _event_extras(e: Event) -> tuple[Any, ...]:
    # Left out while at their defaults, so that events stored before these fields existed
    # keep their hash (and their iCal SEQUENCE) after the upgrade.
    extras = (iso(e.registration_deadline), e.url, e.organizer, e.description)
    if e.status == "scheduled" and not any(extras):
        return ()
    return (e.status, *extras)


def event_row(eid: str, doc_id: str, e: Event, sequence: int, hash_: str, now: str) -> dict:
    return {
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
        "place_ags": e.place.ags if e.place else None,
        "online": int(e.online),
        "registration_url": e.registration_url,
        "source": e.source,
        "sequence": sequence,
        "content_hash": hash_,
        "first_seen": now,
        "last_seen": now,
        "status": e.status,
        "registration_deadline": iso(e.registration_deadline),
        "provenance": e.provenance,
        "uid": e.uid,
        "url": e.url,
        "organizer": e.organizer,
        "description": e.description,
        "lat": e.lat,
        "lon": e.lon,
    }


@functools.cache
def upsert_sql(
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
