"""One Scrapy spider per source: what `scrapy list` shows and `scrapy crawl NAME` finds.

Sources are data, so the spiders are too: each enabled source of ``CITYNEWS_SOURCES`` (the
default sources file unless set) becomes a subclass of :class:`PortalSpider` bound to it. The
file is read on first use, not when Scrapy builds the loader, so a broken sources file is
reported by the command as one line instead of a traceback from Scrapy's start-up.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from scrapy import Request
from scrapy.utils.httpobj import urlparse_cached

from citynews.config import Source, load_sources
from citynews.crawler.offsite import host_pattern
from citynews.crawler.spiders.portal import PortalSpider


def spider_class(source: Source) -> type[PortalSpider]:
    """A spider class bound to one source (Scrapy instantiates it without arguments)."""
    identifier = "".join(part.capitalize() for part in source.name.replace("-", "_").split("_"))
    return type(f"{identifier}Spider", (PortalSpider,), {"name": source.name, "source": source})


class SourceSpiderLoader:
    """Scrapy's spider-loader interface over ``sources.toml``."""

    def __init__(self, sources_path: str) -> None:
        self.sources_path = sources_path

    @classmethod
    def from_settings(cls, settings: Any) -> SourceSpiderLoader:
        return cls(settings.get("CITYNEWS_SOURCES"))

    @cached_property
    def _spiders(self) -> dict[str, type[PortalSpider]]:
        config = load_sources(self.sources_path)
        return {source.name: spider_class(source) for source in config.select()}

    def load(self, spider_name: str) -> type[PortalSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        host = urlparse_cached(request).hostname or ""
        return [
            name
            for name, spider in sorted(self._spiders.items())
            if host_pattern(list(spider.source.allowed_domains)).search(host)
        ]
