"""Retry-After honoured, up to a bound: a server that asks for a pause gets it.

Scrapy's retry middleware retries a 429 or 503 at once. This one waits what ``Retry-After``
asks (seconds or an HTTP date) before the retry, without blocking the reactor: the wait is a
timer the download awaits, and other requests go on meanwhile. A wait longer than
``CITYNEWS_MAX_RETRY_AFTER`` seconds gives the URL up for this run (recorded as
``retry-after``) rather than holding the crawl lock for it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (never negative); None when unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (in its place), waiting for ``Retry-After`` before a retry."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("CITYNEWS_MAX_RETRY_AFTER")

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in RETRY_AFTER_STATUSES:
            return super().process_response(request, response)
        header = response.headers.get(b"Retry-After")
        wait = retry_after_seconds(header.decode("latin-1") if header else None, datetime.now(UTC))
        if wait is None:
            return super().process_response(request, response)
        if wait > self.max_wait:
            logger.warning(
                "%s: Retry-After %.0f s exceeds the %.0f s maximum; given up for this run",
                request.url,
                wait,
                self.max_wait,
            )
            request.meta["citynews_gave_up"] = (
                "retry-after",
                f"HTTP {response.status}, Retry-After {wait:.0f} s > {self.max_wait:.0f} s",
            )
            return response
        retry = self._retry(request, f"{response.status} with Retry-After {wait:.0f} s")
        if retry is None:
            return response
        # A timer, not a sleep: the reactor keeps serving every other download meanwhile.
        # (Imported here: importing the reactor at module level would install the wrong one.)
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry
