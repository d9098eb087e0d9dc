"""What `citynews extract` reads and prints: inputs bounded like crawled pages, a text view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citynews.errors import InputError
from citynews.model import USER_AGENT


def capped(stream: Any, item: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of a stream; a longer input (/dev/zero) is an InputError."""
    body = stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise InputError(
            f"{item}: larger than {max_bytes} bytes (crawler.max_page_bytes), not extracted"
        )
    return body


def read_input(item: str, base_url: str | None, max_bytes: int) -> tuple[bytes, str]:
    if item.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(item, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return capped(response, item, max_bytes), response.geturl()
        except OSError as exc:
            raise InputError(f"{item}: cannot fetch: {exc}") from None
    path = Path(item)
    try:
        with path.open("rb") as stream:
            body = capped(stream, item, max_bytes)
    except OSError as exc:
        raise InputError(f"{item}: cannot read: {exc.strerror or exc}") from None
    return body, base_url or path.resolve().as_uri()


def as_text(data: dict[str, Any]) -> str:
    lines = [
        f"url:       {data['url']}",
        f"title:     {data['title']}",
        f"kind:      {data['kind']}",
        f"published: {data['published']} ({data['published_source']})",
        f"topics:    {', '.join(data['topics'])}",
        f"keywords:  {', '.join(data['keywords'])}",
        f"places:    {', '.join(p['name'] for p in data['places'])}",
    ]
    for event in data["events"]:
        lines.append(
            f"event:     {event['start']} – {event['end']} {event['title']} @ {event['venue']}"
        )
    for teaser in data["teasers"]:
        lines.append(f"teaser:    {teaser['published']} {teaser['title']} <{teaser['url']}>")
    lines += ["", data["text"], ""]
    return "\n".join(lines)
