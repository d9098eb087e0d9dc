"""Where a source lists its documents: RSS/Atom feeds, and what a sitemap entry says.

Every XML body passes defusedxml first, so an external entity or a billion-laughs
expansion is refused before any parser could expand it; feedparser then does the
tolerant part (date formats, RSS/Atom dialects) that it does better than hand-written code.
Sitemaps themselves are read in the crawler with Scrapy's sitemap utilities
(``citynews.crawler.sitemaps``); this module stays free of Scrapy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from citynews.errors import InputError


class UnsafeXMLError(InputError):
    """An XML document uses entities or external references: refused unexpanded."""


@dataclass(frozen=True)
class Link:
    """A document URL announced by a feed or sitemap, with what it says about the document."""

    url: str
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


def refuse_unsafe_xml(body: bytes, url: str):
    """The parsed root; InputError for XML that is not well-formed or uses entities."""
    try:
        return SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXMLError(f"{url}: refused XML with {type(exc).__name__}") from None
    except SafeET.ParseError as exc:
        raise InputError(f"{url}: not well-formed XML: {exc}") from None


def _struct_time(value) -> datetime | None:
    if not value:
        return None
    return datetime(*value[:6], tzinfo=UTC)


def parse_feed(body: bytes, url: str) -> list[Link]:
    """Entries of an RSS or Atom feed, links made absolute."""
    refuse_unsafe_xml(body, url)
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    links = []
    for entry in parsed.entries:
        href = entry.get("link")
        if not href:
            continue
        links.append(
            Link(
                url=urljoin(url, href),
                title=entry.get("title"),
                # dict.get skips feedparser's deprecated updated→published fallback.
                published=_struct_time(dict.get(entry, "published_parsed")),
                updated=_struct_time(dict.get(entry, "updated_parsed")),
            )
        )
    return links


def lastmod(text: str | None) -> datetime | None:
    """A sitemap ``lastmod`` (W3C datetime) as an aware datetime; UTC when it names no zone."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
