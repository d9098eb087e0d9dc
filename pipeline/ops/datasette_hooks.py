"""Datasette plugin of citynews (registered as an entry point, active with the serve extra).

Table views of ``documents`` leave out the columns that make every row a screen tall (main
text, HTML, MinHash): a plain request for the table is redirected to the same view with
``_nocol`` for each of them. The row pages, the JSON API and any request that chooses its
columns itself (``_col``/``_nocol``) are left alone.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

HEAVY_COLUMNS = {"documents": ("text", "content_html", "minhash", "content_hash")}


def hidden_columns_location(path: str, query: str) -> str | None:
    """Where a request for a table view with heavy columns goes instead, or None."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] not in HEAVY_COLUMNS:
        return None
    params = parse_qsl(query, keep_blank_values=True)
    if any(name in ("_col", "_nocol") for name, _ in params):
        return None
    params += [("_nocol", column) for column in HEAVY_COLUMNS[parts[1]]]
    return f"{path}?{urlencode(params)}"


@hookimpl
def asgi_wrapper(datasette):  # noqa: ARG001 (hook signature)
    def wrap(app):
        async def hide_heavy_columns(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                location = hidden_columns_location(
                    scope["path"], scope.get("query_string", b"").decode("latin-1")
                )
                if location:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 302,
                            "headers": [[b"location", location.encode("utf-8")]],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return hide_heavy_columns

    return wrap
