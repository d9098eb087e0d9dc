"""One small HTTP server for the demo, the tests and the benchmarks.

A threaded ``http.server`` on 127.0.0.1 (port 0: any free port) running in a background
thread, used as a context manager. Requests are answered by *actions*: callables that get the
request handler and write the whole response (so an action may also stay silent, drop the
connection or stream). ``routes`` maps a path (query string removed) to its action;
``fallback`` answers every other request, by default with 404. Used as an HTTP proxy, the
server sees absolute URLs: a route ``//host.example/path`` answers for that host only, a plain
``/path`` for every host.

    with LocalServer({"/": html_page("<h1>Hallo</h1>")}) as server:
        fetch(server.url("/"))
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

Action = Callable[["RequestHandler"], None]


class RequestHandler(BaseHTTPRequestHandler):
    """Dispatches GET and HEAD to the owning server's actions; logs nothing."""

    server: _ThreadingServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: servers count their requests in ``LocalServer.requests`` instead."""

    @property
    def owner(self) -> LocalServer:
        return self.server.owner

    def _dispatch(self) -> None:
        owner = self.owner
        with owner.lock:
            owner.requests.append(self.path)
            owner.times.append((self.path, time.monotonic()))
        action = owner.action_for(self.path.split("?", 1)[0])
        # A client that hung up (a crawler's timeout, a test's abort) is not the server's error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            action(self)


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str | None = HTML,
    headers: Mapping[str, str] | None = None,
) -> None:
    """A complete response with Content-Length; HEAD requests get the headers only."""
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD" and body:
        handler.wfile.write(body)


def not_found(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 404, b"Not Found\n", TEXT)


def html_page(body: str | bytes, status: int = 200, content_type: str = HTML) -> Action:
    """An action that answers with this body."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda handler: send(handler, status, data, content_type)


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with a route table, started and stopped by ``with``.

    ``protocol`` is the HTTP version the handler speaks ("HTTP/1.0" closes every connection,
    so bodies may be close-delimited); ``nodelay`` sends small writes at once (headers and
    body go out in two writes: Nagle's algorithm with delayed ACKs stalls each response);
    ``backlog`` is the listen queue for crawls with many parallel connections.
    ``requests`` lists the request paths served, in order (``times`` with their arrival);
    ``stopping`` is set on stop, so actions that wait can end early.
    """

    def __init__(
        self,
        routes: Mapping[str, Action] | None = None,
        *,
        fallback: Action = not_found,
        port: int = 0,
        protocol: str = "HTTP/1.1",
        nodelay: bool = False,
        backlog: int = 5,
    ) -> None:
        self.routes: dict[str, Action] = dict(routes or {})
        self.fallback = fallback
        self.requests: list[str] = []
        # (path, monotonic time) of every request: tests of pacing read the gaps.
        self.times: list[tuple[str, float]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        handler = type(
            "Handler",
            (RequestHandler,),
            {"protocol_version": protocol, "disable_nagle_algorithm": nodelay},
        )
        server_class = type("Server", (_ThreadingServer,), {"request_queue_size": backlog})
        self._port_wanted = port
        self._make = lambda: server_class(("127.0.0.1", self._port_wanted), handler)
        self._httpd: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(self, path: str, action: Action) -> None:
        self.routes[path] = action

    def action_for(self, path: str) -> Action:
        """The action of a request path; proxy requests (``http://host/path``) may name a host."""
        if path.startswith("http://"):
            host, _, local = path.removeprefix("http://").partition("/")
            action = self.routes.get(f"//{host}/{local}") or self.routes.get(f"/{local}")
            return action or self.fallback
        return self.routes.get(path, self.fallback)

    def start(self) -> LocalServer:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        httpd = self._make()
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
