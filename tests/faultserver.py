"""A small misbehaving web server on 127.0.0.1 for fault tests of the real crawl engine.

Each path maps to an *action* that answers the request: a page, an error status, silence
longer than the crawler's timeout, a dropped connection, a redirect, an endless stream, a
body shorter than its Content-Length. Unknown paths answer 404 (robots.txt too: crawl all).

Used as an HTTP proxy (``CITYNEWS_PROXY``), it also serves named hosts: a route registered as
``//host.example/path`` answers only for that host, so one server can play several sites.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Action = Callable[["_Handler"], None]
HTML = "text/html; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: close-delimited bodies work

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        owner = self.server.owner
        owner.requests.append(self.path)
        owner.times.append((self.path, time.monotonic()))
        path = self.path.split("?", 1)[0]
        # A proxy request names the host: http://host.example/path.
        host, _, local = path.removeprefix("http://").partition("/")
        if path.startswith("http://"):
            action = owner.routes.get(f"//{host}/{local}") or owner.routes.get(f"/{local}")
        else:
            action = owner.routes.get(path)
        if action is None:
            send(self, 404, b"not found", "text/plain")
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            action(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer


def send(
    handler: _Handler, status: int, body: bytes, content_type: str = HTML, **headers: str
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


# --- actions ----------------------------------------------------------------------------------


def page(
    body: str | bytes,
    status: int = 200,
    content_type: str = HTML,
    delay: float = 0,
    **headers: str,
) -> Action:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def act(handler: _Handler) -> None:
        if delay and handler.server.owner.stopping.wait(delay):
            return
        send(handler, status, data, content_type, **headers)

    return act


def in_turn(*actions: Action) -> Action:
    """The first request gets the first action, the next the second...; the last repeats."""
    calls = iter(range(len(actions)))

    def act(handler: _Handler) -> None:
        actions[next(calls, len(actions) - 1)](handler)

    return act


def gzip_bomb(unpacked: int) -> Action:
    """A small gzip body (Content-Encoding: gzip) that unpacks to ``unpacked`` bytes."""
    data = gzip.compress(b"<p>" + b"0" * unpacked + b"</p>", compresslevel=9)

    def act(handler: _Handler) -> None:
        send(handler, 200, data, HTML, Content_Encoding="gzip")

    return act


def hang(seconds: float) -> Action:
    """Accept the request and say nothing for this long (longer than the download timeout)."""

    def act(handler: _Handler) -> None:
        handler.server.owner.stopping.wait(seconds)

    return act


def drop() -> Action:
    """Close the connection without any response."""

    def act(handler: _Handler) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    return act


def redirect(location: str, status: int = 302) -> Action:
    def act(handler: _Handler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return act


def stream(total: int, chunk: int = 64 * 1024, counter: str = "streamed") -> Action:
    """Up to ``total`` bytes of HTML without Content-Length; bytes sent are counted per path."""

    def act(handler: _Handler) -> None:
        owner = handler.server.owner
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.end_headers()
        block = b"<p>" + b"Breitbandausbau im Landkreis. " * (chunk // 32) + b"</p>\n"
        sent = 0
        while sent < total and not owner.stopping.is_set():
            handler.wfile.write(block)
            sent += len(block)
            owner.counters[counter] = sent

    return act


def short_body(body: str, claimed: int) -> Action:
    """Promise ``claimed`` bytes, send fewer, close: the body is cut off in transit."""
    data = body.encode("utf-8")

    def act(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", str(claimed))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)

    return act


# --- sample content -----------------------------------------------------------------------------


def article_html(title: str, paragraphs: list[str], *, published: str = "2026-03-12") -> str:
    """A plain German article page with a date, as many small municipal sites publish them."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<meta property="article:published_time" content="{published}T09:00:00+01:00">'
        '</head><body><header><nav><a href="/">Startseite</a></nav></header>'
        f'<main><article><h1>{html.escape(title)}</h1><p class="datum">{published}</p>'
        f"{body}</article></main><footer>Impressum · Datenschutz</footer></body></html>"
    )


def listing_html(links: list[str]) -> str:
    items = "\n".join(f'<li><a href="{href}">Meldung {i}</a></li>' for i, href in enumerate(links))
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>Meldungen</title>'
        f"</head><body><main><h1>Meldungen</h1><ul>{items}</ul></main></body></html>"
    )


class FaultServer:
    """``with FaultServer() as server: server.route("/a", page("..."))``; ``server.url("/a")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Action] = {}
        self.requests: list[str] = []
        self.times: list[tuple[str, float]] = []
        self.counters: dict[str, int] = {}
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, action: Action) -> None:
        self.routes[path] = action

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
