"""Which spider class crawls a source: chosen by its ``kind`` (and, for feeds, item_dates)."""

from __future__ import annotations

from citynews.config import Source
from citynews.crawler.spiders.machine import EventFeedSpider, IcalSpider, JsonSpider
from citynews.crawler.spiders.oparl import OparlSpider
from citynews.crawler.spiders.portal import PortalSpider

SPIDERS: dict[str, type[PortalSpider]] = {
    "ical": IcalSpider,
    "json": JsonSpider,
    "oparl": OparlSpider,
}


def spider_for(source: Source) -> type[PortalSpider]:
    if source.kind == "feed" and source.machine.item_dates != "published":
        return EventFeedSpider
    return SPIDERS.get(source.kind, PortalSpider)
