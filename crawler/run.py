"""Run one crawl of several sources in this process through the real Scrapy engine.

The Twisted reactor cannot be restarted, so a process runs at most one crawl; the
scheduler starts each crawl as a child process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from citynews.config import CrawlerSettings, Source
from citynews.crawler import logfilters
from citynews.crawler.spiders.kinds import spider_for
from citynews.crawler.state import get_state
from citynews.storage.store import RunStats


def build_settings(
    crawler_settings: CrawlerSettings,
    *,
    db_path: Path,
    full: bool = False,
    proxy: str | None = None,
    log_level: str = "WARNING",
) -> Settings:
    settings = Settings()
    settings.setmodule("citynews.crawler.settings", priority="project")
    settings.setdict(
        {
            "USER_AGENT": crawler_settings.user_agent,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawler_settings.concurrency_per_domain,
            "DOWNLOAD_TIMEOUT": crawler_settings.download_timeout,
            "RETRY_TIMES": crawler_settings.retry_times,
            "DOWNLOAD_MAXSIZE": crawler_settings.max_page_bytes,
            "AUTOTHROTTLE_ENABLED": crawler_settings.autothrottle,
            "CITYNEWS_MAX_RETRY_AFTER": crawler_settings.max_retry_after,
            "CITYNEWS_DB": str(db_path),
            "CITYNEWS_FULL": full,
            "CITYNEWS_PROXY": proxy or "",
            "LOG_LEVEL": log_level,
        },
        priority="cmdline",
    )
    return settings


def run_crawl(
    sources: list[Source],
    *,
    db_path: Path,
    crawler_settings: CrawlerSettings | None = None,
    full: bool = False,
    proxy: str | None = None,
    log_level: str = "WARNING",
    extra_settings: dict[str, Any] | None = None,
) -> dict[str, RunStats]:
    """Crawl the sources concurrently; return per-source statistics once all are done."""
    settings = build_settings(
        crawler_settings or CrawlerSettings(),
        db_path=db_path,
        full=full,
        proxy=proxy,
        log_level=log_level,
    )
    if extra_settings:
        settings.setdict(extra_settings, priority="cmdline")
    process = CrawlerProcess(settings)
    logfilters.install()
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(spider_for(source))
        process.crawl(crawler, source=source)
        crawlers.append((source.name, crawler))
    process.start()
    results = {}
    for name, crawler in crawlers:
        state = get_state(crawler)
        results[name] = state.store.stats.get(name, RunStats())
        state.store.db.close()
    return results
