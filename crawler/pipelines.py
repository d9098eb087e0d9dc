"""Thin Scrapy wrappers around the Scrapy-free pipeline: normalize, then store.

A page that fails to normalize costs that page only: the failure is recorded in
``fetch_events`` with its reason (the run becomes ``partial``) and the crawl goes on.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from citynews.crawler.state import get_state
from citynews.model import BERLIN
from citynews.normalize import dedup
from citynews.normalize.document import Normalizer
from citynews.storage.store import LOST_OUTCOMES, SourceConfig, one_line

# Fewer words than this is navigation leaking through, not an article or event: after a
# redesign such pages must count as "no content", so the source shows as broken.
MIN_WORDS = 15
# Outcome of a fetched page that normalization failed on (one of LOST_OUTCOMES).
NORMALIZE_FAILED = LOST_OUTCOMES[0]


@cache
def shared_normalizer() -> Normalizer:
    """One normalizer per process: the taxonomy and gazetteer load once for all sources."""
    normalizer = Normalizer()
    normalizer.preload()
    return normalizer


class NormalizePipeline:
    def __init__(self, crawler: Any, normalizer: Normalizer) -> None:
        self.crawler = crawler
        self.normalizer = normalizer

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        return cls(crawler, shared_normalizer())

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        try:
            record = adapter.get("record")
            if record is not None:
                # Machine-readable sources (iCal, JSON, OParl, event feeds) state their fields:
                # nothing to extract, places and topics are added like for any page.
                # An OParl body's AGS beats the configured home region; stored with the document.
                adapter["home_region"] = record.home_region or adapter.get("home_region")
                adapter["document"] = self.normalizer.from_page(
                    record.page(),
                    source=adapter["source"],
                    home_region=adapter["home_region"],
                    stated_events=record.events,
                )
                return item
            doc = self.normalizer(
                adapter["html"],
                adapter["url"],
                source=adapter["source"],
                home_region=adapter.get("home_region"),
                hints=adapter.get("hints"),
                tree=adapter.pop("tree", None),
                # The fetch day: the year of days a page writes without one.
                now=datetime.now(BERLIN).date(),
            )
        except Exception as exc:
            # A bug or a page no rule foresaw: recorded with its reason, the crawl goes on.
            self._record(adapter, NORMALIZE_FAILED, one_line(exc))
            raise DropItem(f"normalizing failed: {adapter['url']}") from None
        if doc.kind == "listing":
            raise DropItem(f"listing page, not a document: {doc.url}")
        if not doc.title or len(doc.text.split()) < MIN_WORDS:
            self._record(
                adapter, "no-content", f"no title or fewer than {MIN_WORDS} words of main text"
            )
            raise DropItem(f"no title or main text extracted: {adapter['url']}")
        adapter["document"] = doc
        return item

    def _record(self, adapter: ItemAdapter, outcome: str, error: str) -> None:
        state = get_state(self.crawler)
        state.store.record_fetch(
            run_id=state.run_id,
            source=adapter["source"],
            url=adapter["url"],
            outcome=outcome,
            error=error,
        )


class StoragePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        doc = adapter["document"]
        hints = adapter.get("hints")
        # What the document was normalized with, so that re-processing can do it again.
        config = SourceConfig.of(
            adapter["source"], adapter.get("home_region"), hints.selectors if hints else {}
        )
        get_state(self.crawler).store.add(
            doc,
            raw_html=adapter["html"].encode("utf-8"),
            http=adapter.get("http"),
            minhash=dedup.signature(doc.text),
            config=config,
            hints=hints,
        )
        return {"url": doc.url, "title": doc.title, "kind": doc.kind}

    def close_spider(self, spider: Any = None) -> None:
        get_state(self.crawler).store.flush()
