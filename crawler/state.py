"""Per-crawl state shared by the spider, its middlewares and pipelines: one Store per crawler."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.utils.defer import deferred_from_coro

from citynews.storage.store import Store, known_urls, open_db

logger = logging.getLogger(__name__)


class CrawlState:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.store = Store(open_db(crawler.settings.get("CITYNEWS_DB")))
        # A failing database (disk full, read-only) ends the crawl: the run is then 'failed'
        # (see Store.finish_run) and nothing more is fetched that could not be stored.
        self.store.on_write_error = self._stop
        self.full: bool = crawler.settings.getbool("CITYNEWS_FULL")
        self.run_id: int | None = None
        self.source: str | None = None
        self.known: dict[str, dict[str, Any]] = {}

    def begin(self, source: str) -> None:
        self.source = source
        self.known = {} if self.full else known_urls(self.store.db, source)
        self.run_id = self.store.start_run(source)

    def _stop(self, reason: str) -> None:
        logger.error("%s: database write failed, stopping the crawl: %s", self.source, reason)
        engine = getattr(self.crawler, "engine", None)
        if engine is None or engine.spider is None:
            return
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is not None:
            return  # already closing: the run is finished as failed all the same
        closing = deferred_from_coro(engine.close_spider_async(reason="write-failed"))
        closing.addErrback(lambda failure: None)


def get_state(crawler: Any) -> CrawlState:
    state = getattr(crawler, "_citynews_state", None)
    if state is None:
        state = crawler._citynews_state = CrawlState(crawler)
    return state
