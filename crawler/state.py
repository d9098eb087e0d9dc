"""Per-crawl state shared by the spider, its middlewares and pipelines: one Store per crawler."""

from __future__ import annotations

from typing import Any

from citynews.storage.store import Store, known_urls, open_db


class CrawlState:
    def __init__(self, crawler: Any) -> None:
        self.store = Store(open_db(crawler.settings.get("CITYNEWS_DB")))
        self.full: bool = crawler.settings.getbool("CITYNEWS_FULL")
        self.run_id: int | None = None
        self.source: str | None = None
        self.known: dict[str, dict[str, Any]] = {}

    def begin(self, source: str) -> None:
        self.source = source
        self.known = {} if self.full else known_urls(self.store.db, source)
        self.run_id = self.store.start_run(source)


def get_state(crawler: Any) -> CrawlState:
    state = getattr(crawler, "_citynews_state", None)
    if state is None:
        state = crawler._citynews_state = CrawlState(crawler)
    return state
