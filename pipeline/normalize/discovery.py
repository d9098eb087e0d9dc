"""Where a source lists its documents: RSS/Atom feeds and XML sitemaps.

Every XML body passes defusedxml first, so an external entity or a billion-laughs
expansion is refused before any parser could expand it; feedparser then does the
tolerant part (date formats, RSS/Atom dialects) that it does better than hand-written code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from citynews.errors import InputError

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class UnsafeXMLError(InputError):
    """An XML document uses entities or external references: refused unexpanded."""


@dataclass(frozen=True)
class Link:
    """A document URL announced by a feed or sitemap, with what it says about the document."""

    url: str
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


def _safe_root(body: bytes, url: str):
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
    _safe_root(body, url)
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


def _lastmod(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_sitemap(body: bytes, url: str) -> tuple[list[Link], list[str]]:
    """(document links, nested sitemap URLs) of a sitemap or sitemap index."""
    root = _safe_root(body, url)
    tag = root.tag.removeprefix(SITEMAP_NS)
    if tag == "sitemapindex":
        locs = [el.findtext(f"{SITEMAP_NS}loc") for el in root.iter(f"{SITEMAP_NS}sitemap")]
        return [], [urljoin(url, loc.strip()) for loc in locs if loc]
    if tag != "urlset":
        raise InputError(f"{url}: not a sitemap (root element {tag!r})")
    links = []
    for el in root.iter(f"{SITEMAP_NS}url"):
        loc = el.findtext(f"{SITEMAP_NS}loc")
        if loc:
            links.append(
                Link(
                    url=urljoin(url, loc.strip()),
                    updated=_lastmod(el.findtext(f"{SITEMAP_NS}lastmod")),
                )
            )
    return links, []
