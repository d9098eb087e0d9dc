"""One spider class for every configured portal: feed, sitemap or listing, driven by data.

``parse_*`` methods only route; each decision lives in a small ``_parse_<field>`` or
``_follow_*`` method, and everything about the page's content is left to the pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from citynews.config import Source
from citynews.crawler.middlewares import outcome_of
from citynews.crawler.offsite import host_pattern
from citynews.crawler.sitemaps import (
    SitemapTooLarge,
    is_robots_txt,
    parse_sitemap,
    sitemap_body,
    sitemaps_from_robots,
)
from citynews.crawler.state import get_state
from citynews.errors import InputError
from citynews.model import BERLIN, DateValue, Hints, utc_key
from citynews.normalize.calendarlinks import calendar_links, calendar_text
from citynews.normalize.discovery import Link, parse_feed
from citynews.normalize.extract import extract_teasers, parse_html

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _as_datetime(value: DateValue | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=BERLIN)


# Outcomes that say why a source yields little although its pages answer: named in the run's
# message, so `status` and the crawl_runs table show them beside the error count.
SIGNALS = (
    "robots-blocked",
    "too-large",
    "redirect-loop",
    "redirect-off-site",
    "retry-after",
    "sitemap-limit",
    "page-limit",
)


def _signals(outcomes: dict[str, int]) -> str:
    found = [f"{name} {outcomes[name]}" for name in SIGNALS if outcomes.get(name)]
    return "; " + ", ".join(found) if found else ""


class PortalSpider(scrapy.Spider):
    name = "portal"
    # Bound by the spider loader's per-source subclasses; crawler.run passes it instead.
    source: Source

    def __init__(self, source: Source | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source or type(self).source
        self.name = self.source.name
        self.allowed_domains = list(self.source.allowed_domains)
        self.redirect_domains = list(self.source.redirect_domains)
        self.started = datetime.now().timestamp()
        self.skipped_known = 0
        # Bounds of a run: sitemaps requested and document pages requested so far.
        self.sitemaps = 0
        self.pages = 0

    # --- discovery ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        get_state(self.crawler).begin(self.source.name)
        callback = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "listing": self.parse_listing,
        }[self.source.kind]
        for url in self.source.start_urls:
            if callback == self.parse_sitemap and not self._count_sitemap(url):
                break
            request = self._request(url, callback, dont_filter=True)
            request.meta["citynews_start"] = True
            yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        for link in self._parse_xml(self._feed_entries, response) or []:
            yield from self._follow_document(
                link, Hints(title=link.title, published=link.published)
            )

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap, a sitemap index, or a robots.txt whose ``Sitemap:`` lines name them."""
        if is_robots_txt(response.url):
            links, nested = [], sitemaps_from_robots(response.body, response.url)
        else:
            links, nested = self._parse_xml(self._sitemap_entries, response) or ([], [])
        for url in nested:
            if not self._count_sitemap(url):
                break
            yield self._request(url, self.parse_sitemap)
        for link in links:
            yield from self._follow_document(link, Hints())

    def _sitemap_entries(self, response: Response) -> tuple[list[Link], list[str]]:
        max_size = response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        return parse_sitemap(sitemap_body(response, max_size), response.url)

    def _count_sitemap(self, url: str) -> bool:
        """False (logged and recorded once) when the run's sitemap bound is reached."""
        self.sitemaps += 1
        return self._within("max_sitemaps", self.sitemaps, url, "sitemap-limit")

    def _within(self, key: str, count: int, url: str, outcome: str) -> bool:
        limit = getattr(self.source, key)
        if count <= limit:
            return True
        if count == limit + 1:
            logger.warning(
                "%s: %s = %d reached, not following %s and beyond",
                self.source.name,
                key,
                limit,
                url,
            )
            self._record(url, outcome, error=f"{key} = {limit} reached for this run")
        return False

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._is_html(response):
            return
        listings, documents = [], []
        teasers = self._parse_teasers(response)
        for url in self._parse_links(response):
            kind = self.source.page_kind(url)
            if kind == "listing":
                listings.append(url)
            elif kind is not None:
                documents += self._follow_document(teasers.get(url) or Link(url), Hints())
        yield from documents
        next_page = self._parse_next_page(response)
        if next_page:
            listings.append(next_page)
        # A page that held only known items means the pages behind it are known too;
        # listings that must always be checked belong in start_urls.
        if documents or self._full:
            for url in listings:
                yield self._request(url, self.parse_listing)

    def _parse_xml(self, parser: Any, response: Response) -> Any:
        try:
            return parser(response)
        except InputError as exc:
            logger.warning("%s: %s", self.source.name, exc)
            outcome = "too-large" if isinstance(exc, SitemapTooLarge) else "bad-xml"
            self._record(response.url, outcome, status=response.status, error=str(exc))
            return None

    def _feed_entries(self, response: Response) -> list[Link]:
        return parse_feed(response.body, response.url)

    def _parse_links(self, response: Response) -> list[str]:
        seen: dict[str, None] = {}
        for href in response.css("a::attr(href)").getall():
            href = href.strip()
            if href and not href.startswith(("#", "mailto:", "javascript:", "tel:")):
                seen[response.urljoin(href).split("#", 1)[0]] = None
        return list(seen)

    def _parse_teasers(self, response: Response) -> dict[str, Link]:
        """Teasers of a listing page by URL: a teaser dated after our last fetch means a change."""
        return {
            t.url: Link(t.url, title=t.title, updated=_as_datetime(t.published))
            for t in extract_teasers(response.text, response.url)
        }

    def _parse_next_page(self, response: Response) -> str | None:
        if not self.source.pagination_selector:
            return None
        href = response.css(f"{self.source.pagination_selector}::attr(href)").get()
        return response.urljoin(href) if href else None

    @property
    def _full(self) -> bool:
        return get_state(self.crawler).full

    def _follow_document(self, link: Link, hints: Hints) -> Iterator[scrapy.Request]:
        kind = self.source.page_kind(link.url)
        if kind == "listing":
            return
        if kind is None and (self.source.article_patterns or self.source.event_patterns):
            return
        hints.kind = kind
        known = get_state(self.crawler).known.get(link.url)
        if known is None or self._changed(link, known):
            self.pages += 1
            if self._within("max_pages", self.pages, link.url, "page-limit"):
                yield self._document_request(link, kind, hints, known)
            return
        self.skipped_known += 1

    def _changed(self, link: Link, known: dict[str, Any]) -> bool:
        """Known pages are fetched again only when the feed, sitemap or teaser says so."""
        changed = utc_key(link.updated or link.published)
        return changed is not None and (known["last_fetched"] or "") < changed

    def _document_request(
        self, link: Link, kind: str | None, hints: Hints, known: dict[str, Any] | None
    ) -> scrapy.Request:
        headers = {}
        if known is not None:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        return self._request(
            link.url, self.parse_page, kind=kind or "article", hints=hints, headers=headers
        )

    def _request(
        self,
        url: str,
        callback: Any,
        *,
        kind: str = "listing",
        hints: Hints | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        meta = {"citynews_kind": kind}
        if hints is not None:
            meta["citynews_hints"] = hints
        return scrapy.Request(url, callback=callback, errback=self._on_error, meta=meta, **kwargs)

    def _on_error(self, failure: Any) -> None:
        """Failures the fetch log cannot see: raised while a response was processed.

        Redirect loops and compressed bodies beyond the size cap end as IgnoreRequest in a
        middleware's process_response, which only the request's errback hears of.
        """
        if not failure.check(IgnoreRequest):
            return  # download errors: recorded by the fetch log middleware
        outcome = outcome_of(failure.value, failure.request)
        if outcome in ("redirect-loop", "too-large"):
            self._record(failure.request.url, outcome, error=str(failure.value))

    def _record(
        self, url: str, outcome: str, *, status: int | None = None, error: str | None = None
    ) -> None:
        """A fetch outcome the fetch-log middleware cannot see (it happens after download)."""
        state = get_state(self.crawler)
        state.store.record_fetch(
            run_id=state.run_id,
            source=self.source.name,
            url=url,
            outcome=outcome,
            status=status,
            error=error[:300] if error else None,
        )

    # --- documents ---------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[dict[str, Any]]:
        if response.status == 304 or not self._is_html(response):
            return
        html, tree = self._parse_html(response)
        item = {
            "url": response.url,
            "source": self.source.name,
            "home_region": self.source.home_region,
            "html": html,
            "tree": tree,
            "hints": self._parse_hints(response),
            "http": self._parse_http(response),
        }
        yield self._next_calendar(item, self._parse_calendar_links(item)) or item

    # --- a page's own calendar entry (sources with fetch_calendars) --------------------------

    def _parse_calendar_links(self, item: dict[str, Any]) -> list[str]:
        if not self.source.fetch_calendars:
            return []
        # ``dont_filter`` (below) passes Scrapy's off-site filter: the domains are checked here.
        allowed = host_pattern(self.allowed_domains)
        return [
            url
            for url in calendar_links(item["tree"], item["url"])
            if allowed.search(urlsplit(url).hostname or "")
        ]

    def _next_calendar(self, item: dict[str, Any], links: list[str]) -> scrapy.Request | None:
        """The request for the page's next calendar entry; the page item rides along in it.

        Not a fetch of the source's: no fetch-log kind, so a missing file is no source error,
        and ``dont_filter`` because pages may share a file and the item must come back.
        """
        if not links:
            return None
        # A parsed tree is heavy to keep while the request waits; the pipeline parses again.
        item["tree"] = None
        return scrapy.Request(
            links[0],
            callback=self.parse_calendar,
            errback=self._calendar_failed,
            dont_filter=True,
            meta={"citynews_page": item, "citynews_calendar_links": links[1:]},
        )

    def parse_calendar(self, response: Response) -> Iterator[Any]:
        item = response.meta["citynews_page"]
        text = calendar_text(response.body) if response.status == 200 else None
        if text is not None:
            hints = item["hints"]
            hints.calendars = (*hints.calendars, text)
        else:
            logger.info("not a calendar, page read without it: %s", response.url)
        yield self._next_calendar(item, response.meta["citynews_calendar_links"]) or item

    def _calendar_failed(self, failure: Any) -> Iterator[Any]:
        """A calendar entry that cannot be fetched costs the page nothing but that entry."""
        meta = failure.request.meta
        logger.info("calendar entry not fetched (%s): %s", failure.value, failure.request.url)
        yield (
            self._next_calendar(meta["citynews_page"], meta["citynews_calendar_links"])
            or (meta["citynews_page"])
        )

    def _parse_html(self, response: Response) -> tuple[str, Any]:
        """The page's text and parsed tree; a body that is valid UTF-8 is read as UTF-8.

        Servers often declare ISO-8859-1 for UTF-8 pages; bytes that decode as UTF-8 are
        practically never meant as Latin-1. Anything else is decoded by Scrapy (w3lib: header,
        byte-order mark, ``<meta>``, detection). The tree comes from the extraction's own parser
        (its elements are cheaper to create than Scrapy's selector's).
        """
        try:
            text = response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response.text, parse_html(response.text)
        return text, parse_html(response.body)

    def _parse_hints(self, response: Response) -> Hints:
        hints = response.meta.get("citynews_hints") or Hints()
        hints.selectors = dict(self.source.selectors)
        return hints

    def _parse_http(self, response: Response) -> dict[str, Any]:
        def header(name: str) -> str | None:
            value = response.headers.get(name)
            return value.decode("latin-1") if value else None

        return {
            "url": response.url,
            "status": response.status,
            "content_type": header("Content-Type"),
            "etag": header("ETag"),
            "last_modified": header("Last-Modified"),
        }

    def _is_html(self, response: Response) -> bool:
        content_type = (response.headers.get("Content-Type") or b"text/html").lower()
        if content_type.startswith(HTML_TYPES):
            return True
        self._record(
            response.url, "not-html", status=response.status, error=content_type.decode("latin-1")
        )
        return False

    def closed(self, reason: str) -> None:
        state = get_state(self.crawler)
        if state.run_id is None:
            return
        stats = state.store.stats.get(self.source.name)
        pages = stats.pages if stats else 0
        errors = stats.errors if stats else 0
        documents = (stats.new + stats.updated + stats.unchanged) if stats else 0
        if reason != "finished":
            status = "aborted"
        elif pages == 0 and errors:
            status = "failed"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        message = f"{documents} documents, {self.skipped_known} known pages skipped"
        message += _signals(stats.outcomes if stats else {})
        state.store.finish_run(
            state.run_id,
            self.source.name,
            status,
            duration_s=datetime.now().timestamp() - self.started,
            message=message,
        )
