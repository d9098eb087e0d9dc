"""A small misbehaving web server on 127.0.0.1 for fault tests of the real crawl engine.

Each path maps to an *action* that answers the request: a page, an error status, silence
longer than the crawler's timeout, a dropped connection, a redirect, an endless stream, a
body shorter than its Content-Length. Unknown paths answer 404 (robots.txt too: crawl all).

Used as an HTTP proxy (``CITYNEWS_PROXY``), it also serves named hosts: a route registered as
``//host.example/path`` answers only for that host, so one server can play several sites.
"""

from __future__ import annotations

import gzip
import html
import socket

from citynews.sample.httpserver import HTML, Action, LocalServer, RequestHandler, send

# --- actions ----------------------------------------------------------------------------------


def page(
    body: str | bytes,
    status: int = 200,
    content_type: str = HTML,
    delay: float = 0,
    **headers: str,
) -> Action:
    """A response; keyword headers use ``_`` for ``-`` (``Retry_After="2"``)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    named = {name.replace("_", "-"): value for name, value in headers.items()}

    def act(handler: RequestHandler) -> None:
        if delay and handler.owner.stopping.wait(delay):
            return
        send(handler, status, data, content_type, named)

    return act


def in_turn(*actions: Action) -> Action:
    """The first request gets the first action, the next the second...; the last repeats."""
    calls = iter(range(len(actions)))

    def act(handler: RequestHandler) -> None:
        actions[next(calls, len(actions) - 1)](handler)

    return act


def gzip_bomb(unpacked: int) -> Action:
    """A small gzip body (Content-Encoding: gzip) that unpacks to ``unpacked`` bytes."""
    data = gzip.compress(b"<p>" + b"0" * unpacked + b"</p>", compresslevel=9)

    def act(handler: RequestHandler) -> None:
        send(handler, 200, data, HTML, {"Content-Encoding": "gzip"})

    return act


def hang(seconds: float) -> Action:
    """Accept the request and say nothing for this long (longer than the download timeout)."""

    def act(handler: RequestHandler) -> None:
        handler.owner.stopping.wait(seconds)

    return act


def drop() -> Action:
    """Close the connection without any response."""

    def act(handler: RequestHandler) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    return act


def redirect(location: str, status: int = 302) -> Action:
    def act(handler: RequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return act


def stream(total: int, chunk: int = 64 * 1024, counter: str = "streamed") -> Action:
    """Up to ``total`` bytes of HTML without Content-Length; bytes sent are counted per path."""

    def act(handler: RequestHandler) -> None:
        owner = handler.owner
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

    def act(handler: RequestHandler) -> None:
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


class FaultServer(LocalServer):
    """``with FaultServer() as server: server.route("/a", page("..."))``; ``server.url("/a")``.

    HTTP/1.0, one request per connection, so close-delimited bodies work. ``counters`` holds
    what streaming actions sent, per counter name.
    """

    def __init__(self) -> None:
        super().__init__(protocol="HTTP/1.0")
        self.counters: dict[str, int] = {}
