"""Spiders for sources whose responses are data, not pages: iCal files, JSON event exports and
feeds whose items are events.

They share the portal spider's requests, fetch log and run bookkeeping (so politeness,
robots.txt, lock, exit codes and health work exactly as for HTML sources); only what a
response is read into differs. The reading itself is in the Scrapy-free normalizers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response

from citynews.crawler.spiders.portal import PortalSpider
from citynews.crawler.state import get_state
from citynews.normalize.eventfeeds import read_event_feed
from citynews.normalize.ical import read_ical
from citynews.normalize.jsonevents import read_json
from citynews.normalize.records import ReadResult, Record

logger = logging.getLogger(__name__)


class MachineSpider(PortalSpider):
    """Base: every start URL is one data file; each is read into records (documents)."""

    name = "machine"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        get_state(self.crawler).begin(self.source.name)
        for url in self.source.start_urls:
            yield self._request(url, self.parse_export, dont_filter=True)

    def parse_export(self, response: Response) -> Iterator[dict[str, Any]]:
        if response.status == 304:
            return
        yield from self.emit(self.read(response), response)

    def read(self, response: Response) -> ReadResult:
        raise NotImplementedError

    @property
    def now(self) -> datetime:
        """The moment calendar windows are centred on; CITYNEWS_NOW pins it (tests, replays)."""
        pinned = self.crawler.settings.get("CITYNEWS_NOW")
        return datetime.fromisoformat(pinned) if pinned else datetime.now(UTC)

    def emit(self, result: ReadResult, response: Response) -> Iterator[dict[str, Any]]:
        """Items for the pipelines; what could not be read is logged and counted as errors."""
        if result.repaired:
            logger.info(
                "%s: %s: %d lines repaired", self.source.name, response.url, result.repaired
            )
        for problem in result.problems:
            logger.warning("%s: %s: %s", self.source.name, response.url, problem)
            self._record(response.url, "bad-record", status=response.status, error=problem)
        http = self._parse_http(response)
        for record in result.records:
            yield self.item(record, http)

    def item(self, record: Record, http: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": record.url,
            "source": self.source.name,
            "home_region": self.source.home_region,
            "record": record,
            "html": record.raw,
            "http": http,
        }


class IcalSpider(MachineSpider):
    name = "ical"

    def read(self, response: Response) -> ReadResult:
        options = self.source.machine
        return read_ical(
            response.body,
            response.url,
            now=self.now,
            past_days=options.past_days,
            future_days=options.future_days,
        )


class JsonSpider(MachineSpider):
    name = "json"

    def read(self, response: Response) -> ReadResult:
        assert self.source.machine.mapping is not None  # config requires it for kind = "json"
        return read_json(response.body, response.url, self.source.machine.mapping)


class EventFeedSpider(MachineSpider):
    name = "eventfeed"

    def read(self, response: Response) -> ReadResult:
        options = self.source.machine
        return read_event_feed(
            response.body,
            response.url,
            item_dates=options.item_dates,
            timezone=options.item_dates_timezone,
        )
