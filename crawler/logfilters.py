"""Crawl log lines fit for cron: one line per failure, no tracebacks for network errors."""

from __future__ import annotations

import logging

# Scrapy's robots.txt middleware logs a failed robots.txt download with the full traceback
# (~60 lines for an unreachable host); the failure itself is expected and recorded per request.
QUIET_TRACEBACK_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)
# Libraries that warn about decisions citynews handles itself ("discarding data" for a page
# without main text, which the crawl records as no-content).
QUIET_LOGGERS = ("trafilatura",)


class OneLine(logging.Filter):
    """Keep the record's message (it names the URL and the error) and drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def install() -> None:
    """Idempotent: a crawl process may configure logging more than once."""
    for name in QUIET_TRACEBACK_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in target.filters):
            target.addFilter(OneLine())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
