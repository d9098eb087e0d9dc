"""Downloader middlewares: route through a local proxy (demo/tests) and log every fetch."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from citynews.crawler.state import get_state


class LocalProxyMiddleware:
    """Send every request through CITYNEWS_PROXY (the bundled sample portals' server).

    The sample portals live on reserved ``.example`` hosts, so document URLs stay the same
    whatever port the local server gets; the proxy maps them to its files.
    """

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> LocalProxyMiddleware:
        return cls(crawler.settings.get("CITYNEWS_PROXY") or "")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.proxy:
            request.meta["proxy"] = self.proxy


def _outcome_of(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if name == "IgnoreRequest":
        return "robots" if "robots.txt" in str(exc) else "ignored"
    if "Cancelled" in name or "size" in str(exc).lower():
        return "too-large"
    if "DNS" in name:
        return "dns"
    return "connection"


class FetchLogMiddleware:
    """Record the final outcome of every request (after retries) in ``fetch_events``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FetchLogMiddleware:
        return cls(crawler)

    def _record(self, request: Request, **fields: Any) -> None:
        state = get_state(self.crawler)
        if state.source is None:
            return
        latency = request.meta.get("download_latency")
        state.store.record_fetch(
            run_id=state.run_id,
            source=state.source,
            url=request.url,
            kind=request.meta.get("citynews_kind"),
            elapsed_ms=round(latency * 1000, 1) if latency is not None else None,
            **fields,
        )

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get("citynews_kind") is None:
            return response  # robots.txt and other framework requests
        if response.status == 304:
            outcome = "not-modified"
        elif response.status >= 400:
            outcome = "http-error"
        elif 300 <= response.status < 400:
            return response  # logged by RedirectLogMiddleware before it was followed
        elif not response.body:
            outcome = "empty"
        else:
            outcome = "ok"
        self._record(
            request,
            outcome=outcome,
            status=response.status,
            size=len(response.body),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        if request.meta.get("citynews_kind") is None:
            return None
        outcome = _outcome_of(exception)
        if outcome != "ignored":
            self._record(
                request, outcome=outcome, error=f"{type(exception).__name__}: {exception}"[:300]
            )
        return None


class RedirectLogMiddleware(FetchLogMiddleware):
    """Log each redirect hop (it sits outside RedirectMiddleware, which swallows 3xx).

    A redirect loop ends when the duplicate filter drops the revisited URL, silently:
    its hops are the only trace.
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get("citynews_kind") is not None and 300 <= response.status < 400:
            self._record(
                request,
                outcome="redirect",
                status=response.status,
                error=f"to {_header(response, b'Location')}",
            )
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
