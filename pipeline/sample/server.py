"""SampleServer: the sample portals behind an HTTP proxy on 127.0.0.1.

A crawler configured with ``proxy_url`` requests ``http://kommunal-digital.example/...`` and
gets the rendered page, so document URLs stay the same whatever port the server binds. It
answers conditional requests (ETag, Last-Modified) like a real portal.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from citynews.sample.httpserver import LocalServer, RequestHandler, send
from citynews.sample.registry import DEFAULT_ROOT, render_all
from citynews.sample.render import HTML, TEXT, Resource, Sites


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or etag in candidates


def _target(handler: RequestHandler) -> tuple[str, str]:
    """Host and path from an absolute-form (proxy) or origin-form request."""
    if handler.path.startswith("/"):
        host = (handler.headers.get("Host") or "").rsplit(":", 1)[0]
        path = handler.path
    else:
        parts = urlsplit(handler.path)
        host, path = parts.hostname or "", parts.path or "/"
    return host.lower(), path.split("?", 1)[0].split("#", 1)[0]


def _not_modified(handler: RequestHandler, resource: Resource) -> bool:
    if_none_match = handler.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, resource.etag)
    since = handler.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        stamp = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return resource.last_modified <= stamp


class SampleServer:
    """HTTP proxy on 127.0.0.1 that answers for the sample hosts.

    Use as a context manager or call start()/stop(). ``requests`` lists
    (method, host, path, status) for every request served, in order.
    """

    def __init__(self, sites: Sites | None = None, port: int = 0) -> None:
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str, str, int]] = []
        if sites is None:
            self._resources = {
                host: dict(pages) for host, pages in render_all(DEFAULT_ROOT).items()
            }
        else:
            # Given pages carry no dates: one stable stamp per server keeps 304s working.
            stamp = datetime.now(UTC).replace(microsecond=0)
            self._resources = {
                host: {path: Resource(body, ctype, stamp) for path, (body, ctype) in pages.items()}
                for host, pages in sites.items()
            }
        self._server = LocalServer(fallback=self._serve, port=port)

    @property
    def port(self) -> int:
        try:
            return self._server.port
        except RuntimeError:
            raise RuntimeError("SampleServer is not running") from None

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SampleServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_page(
        self, host: str, path: str, body: bytes, content_type: str = HTML, status: int = 200
    ) -> None:
        """Replace (or add) a page while serving; a later Last-Modified and a new ETag."""
        now = datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            pages = self._resources.setdefault(host, {})
            old = pages.get(path)
            stamp = max(now, old.last_modified + timedelta(seconds=1)) if old else now
            pages[path] = Resource(body, content_type, stamp, status)

    def _serve(self, handler: RequestHandler) -> None:
        host, path = _target(handler)
        with self._lock:
            resource = self._resources.get(host, {}).get(path)
        if resource is None:
            status, body, ctype, headers = 404, b"Not Found\n", TEXT, {}
        else:
            status, body, ctype = resource.status, resource.body, resource.content_type
            headers = {
                "ETag": resource.etag,
                "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
            }
            if status == 200 and _not_modified(handler, resource):
                status = 304
        with self._lock:
            self.requests.append((handler.command, host, path, status))
        if status != 304:
            send(handler, status, body, ctype, headers)
            return
        handler.send_response(304)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
