"""The baseline crawl: bare Scrapy with citynews' settings, following links and yielding URLs.

Run as a child process (a Twisted reactor runs once per process)::

    python benchmarks/bare_spider.py --start URL --article REGEX --listing REGEX \
        --next "a.next" --concurrency 8 --out result.json

It discovers pages exactly as ``PortalSpider`` does for a listing source (links of listing
pages, filtered by the same patterns, plus the next-page link) and yields ``{"url": ...}`` for
each article, without parsing it. Settings come from ``crawler.run.build_settings`` with
citynews' middlewares and pipelines removed, so concurrency, retries, robots.txt and timeouts
match the real crawl. The JSON result counts responses and times the crawl from spider
creation to close, the same span ``crawl_runs.duration_s`` covers for citynews.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from citynews.config import CrawlerSettings
from citynews.crawler.run import build_settings


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(
        self, start: str, article: str, listing: str, next_selector: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.started = time.perf_counter()
        self.start_url = start
        self.article = re.compile(article)
        self.listing = re.compile(listing)
        self.next_selector = next_selector
        self.counts = {"listings": 0, "articles": 0}
        self.seconds = 0.0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse_listing, dont_filter=True)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self.counts["listings"] += 1
        seen: dict[str, None] = {}
        for href in response.css("a::attr(href)").getall():
            href = href.strip()
            if href and not href.startswith(("#", "mailto:", "javascript:", "tel:")):
                seen[response.urljoin(href).split("#", 1)[0]] = None
        for url in seen:
            if self.listing.search(url):
                yield scrapy.Request(url, callback=self.parse_listing)
            elif self.article.search(url):
                yield scrapy.Request(url, callback=self.parse_article)
        href = response.css(f"{self.next_selector}::attr(href)").get()
        if href:
            yield scrapy.Request(response.urljoin(href), callback=self.parse_listing)

    def parse_article(self, response: Response) -> Iterator[dict[str, str]]:
        self.counts["articles"] += 1
        yield {"url": response.url}

    def closed(self, reason: str) -> None:
        self.seconds = time.perf_counter() - self.started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", required=True)
    parser.add_argument("--article", required=True)
    parser.add_argument("--listing", required=True)
    parser.add_argument("--next", dest="next_selector", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    settings = build_settings(
        CrawlerSettings(concurrency_per_domain=args.concurrency, autothrottle=False),
        db_path=Path("unused.db"),
    )
    settings.setdict(
        {
            "ITEM_PIPELINES": {},
            "DOWNLOADER_MIDDLEWARES": {},
            "EXTENSIONS": {},
            "LOG_LEVEL": "WARNING",
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(
        crawler,
        start=args.start,
        article=args.article,
        listing=args.listing,
        next_selector=args.next_selector,
    )
    process.start()
    spider = crawler.spider
    result = {
        "pages": spider.counts["listings"] + spider.counts["articles"],
        **spider.counts,
        "seconds": spider.seconds,
    }
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
