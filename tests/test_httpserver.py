"""LocalServer, the one HTTP server of the demo, the tests and the benchmarks."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

import pytest

from citynews.sample.httpserver import LocalServer, RequestHandler, html_page, send


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/", 200, b"<h1>Start</h1>"),
        ("/?q=1", 200, b"<h1>Start</h1>"),  # the query string does not select the route
        ("/seite/", 201, "Grüße".encode()),
        ("/fehlt/", 404, b"Not Found\n"),
    ],
)
def test_routes_and_default_404(path: str, status: int, body: bytes) -> None:
    routes = {"/": html_page("<h1>Start</h1>"), "/seite/": html_page("Grüße", status=201)}
    with LocalServer(routes) as server:
        got_status, headers, got_body = fetch(server.url(path))
        assert server.requests == [path]
    assert (got_status, got_body) == (status, body)
    assert headers["Content-Length"] == str(len(body))


def test_head_sends_headers_without_body() -> None:
    with LocalServer({"/": html_page("x" * 50)}) as server:
        status, headers, body = fetch(server.url("/"), method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, "50", b"")


def test_fallback_answers_unrouted_requests_and_sees_the_request() -> None:
    def echo(handler: RequestHandler) -> None:
        send(handler, 200, f"{handler.command} {handler.path}".encode(), "text/plain")

    with LocalServer(fallback=echo) as server:
        assert fetch(server.url("/a/b?c=d"))[2] == b"GET /a/b?c=d"


def test_protocol_and_route_added_while_serving() -> None:
    with LocalServer(protocol="HTTP/1.0") as server:
        server.route("/neu", html_page("neu"))
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/neu")
        response = connection.getresponse()
        assert (response.version, response.read()) == (10, b"neu")
        connection.close()


def test_binds_loopback_on_a_free_port_and_stops() -> None:
    server = LocalServer()
    with pytest.raises(RuntimeError):
        _ = server.port
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.port > 0
        port = server.port
    assert server.stopping.is_set()
    with pytest.raises(RuntimeError):
        _ = server.port
    # Started again, it serves again (on a fresh port 0 binding).
    with LocalServer({"/": html_page("ok")}, port=0) as again:
        assert fetch(again.url("/"))[0] == 200
    assert port > 0
