"""Downloader middlewares: route through a local proxy (demo/tests) and log every fetch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from citynews.crawler.state import get_state

REDIRECT_LOOP = "redirect loop:"


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


def record(
    crawler: Any, url: str, *, outcome: str, error: str | None = None, **fields: Any
) -> None:
    """One ``fetch_events`` row for the crawler's source (outside a run there is none)."""
    state = get_state(crawler)
    if state.source is None:
        return
    state.store.record_fetch(
        run_id=state.run_id,
        source=state.source,
        url=url,
        outcome=outcome,
        error=error[:300] if error else None,
        **fields,
    )


def outcome_of(exc: Exception, request: Request) -> str:
    """The fetch outcome a download exception stands for; "ignored" is not recorded."""
    name, text = type(exc).__name__, str(exc)
    if isinstance(exc, IgnoreRequest):
        return _ignored_outcome(text, request)
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "Cancelled" in name or "size" in text.lower():
        return "too-large"
    if "DNS" in name:
        return "dns"
    return "connection"


def _ignored_outcome(text: str, request: Request) -> str:
    if "robots.txt" in text:
        # A start URL that robots.txt forbids leaves nothing to crawl: the source is blocked.
        return "robots-blocked" if request.meta.get("citynews_start") else "robots"
    if "max redirections" in text or text.startswith(REDIRECT_LOOP):
        return "redirect-loop"
    if "DOWNLOAD_MAXSIZE" in text:  # a compressed body that unpacks beyond the cap
        return "too-large"
    return "ignored"


class FetchLogMiddleware:
    """Record the final outcome of every request (after retries) in ``fetch_events``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FetchLogMiddleware:
        return cls(crawler)

    def _record(self, request: Request, **fields: Any) -> None:
        latency = request.meta.get("download_latency")
        record(
            self.crawler,
            request.url,
            kind=request.meta.get("citynews_kind"),
            elapsed_ms=round(latency * 1000, 1) if latency is not None else None,
            **fields,
        )

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get("citynews_kind") is None:
            return response  # robots.txt and other framework requests
        # A middleware that gave the URL up (e.g. Retry-After too long) says why.
        outcome, error = request.meta.get("citynews_gave_up") or (_status_outcome(response), None)
        if outcome is None:
            return response  # a redirect: logged by RedirectLogMiddleware before it was followed
        self._record(
            request,
            outcome=outcome,
            error=error,
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
        outcome = outcome_of(exception, request)
        if outcome != "ignored":
            self._record(
                request, outcome=outcome, error=f"{type(exception).__name__}: {exception}"[:300]
            )
        return None


def _status_outcome(response: Response) -> str | None:
    if response.status == 304:
        return "not-modified"
    if response.status >= 400:
        return "http-error"
    if 300 <= response.status < 400:
        return None
    return "ok" if response.body else "empty"


class RedirectLogMiddleware(FetchLogMiddleware):
    """Log each redirect hop (it sits outside RedirectMiddleware, which swallows 3xx).

    A hop that leads back to where it came from, directly or over other hops seen in this run,
    closes a loop. Scrapy's duplicate filter would drop the revisited URL silently (and follow
    a start URL up to REDIRECT_MAX_TIMES), so the loop is ended here and reaches the spider's
    errback as a ``redirect-loop``.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.hops: dict[str, str] = {}

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get("citynews_kind") is None or not 300 <= response.status < 400:
            return response
        location = _header(response, b"Location")
        self._record(request, outcome="redirect", status=response.status, error=f"to {location}")
        if location:
            target = urljoin(request.url, safe_url_string(location)).split("#", 1)[0]
            if self._closes_loop(request.url, target):
                raise IgnoreRequest(f"{REDIRECT_LOOP} {request.url} -> {target}")
            self.hops[request.url] = target
        return response

    def _closes_loop(self, origin: str, target: str) -> bool:
        url: str | None = target
        seen: set[str] = set()
        while url is not None and url not in seen:
            if url == origin:
                return True
            seen.add(url)
            url = self.hops.get(url)
        return False

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
