"""Sitemaps through Scrapy's own utilities: indexes, ``.xml.gz`` files, robots.txt lines.

Scrapy's :class:`~scrapy.utils.sitemap.Sitemap` reads sitemaps with and without the
sitemaps.org namespace and never resolves entities; :func:`~scrapy.utils.gz.gunzip` unpacks
``.xml.gz`` files under the same size cap as every download. Every body still passes the
defusedxml check first, so a document that declares entities is refused and recorded as such
rather than half-read.
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from citynews.errors import InputError
from citynews.normalize.discovery import Link, lastmod, refuse_unsafe_xml


class SitemapTooLarge(InputError):
    """A gzipped sitemap unpacks to more than the download size cap."""


def sitemap_body(response: Response, max_size: int) -> bytes:
    """The XML of a sitemap response, unpacked when it is a gzip file (``.xml.gz``).

    A server that sends ``Content-Encoding: gzip`` has been unpacked by Scrapy's compression
    middleware already; a ``.xml.gz`` file served as is arrives packed, with gzip's magic number.
    """
    if not gzip_magic_number(response):
        return response.body
    try:
        return gunzip(response.body, max_size=max_size)
    except ValueError as exc:  # Scrapy's size guard is a ValueError subclass
        raise SitemapTooLarge(f"{response.url}: gzipped sitemap too large: {exc}") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{response.url}: broken gzip file: {exc}") from None


def parse_sitemap(body: bytes, url: str) -> tuple[list[Link], list[str]]:
    """(document links, nested sitemap URLs) of a sitemap or sitemap index."""
    refuse_unsafe_xml(body, url)
    sitemap = Sitemap(body)
    if sitemap.type == "sitemapindex":
        return [], [urljoin(url, entry["loc"]) for entry in sitemap if entry.get("loc")]
    if sitemap.type != "urlset":
        raise InputError(f"{url}: not a sitemap (root element {sitemap.type!r})")
    links = [
        Link(url=urljoin(url, entry["loc"]), updated=lastmod(entry.get("lastmod")))
        for entry in sitemap
        if entry.get("loc")
    ]
    return links, []


def sitemaps_from_robots(body: bytes, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, made absolute, each once."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=url)))


def is_robots_txt(url: str) -> bool:
    return url.split("?", 1)[0].endswith("/robots.txt")
