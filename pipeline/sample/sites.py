"""Fictional German smart-city portals, rendered from data and served offline.

The demo and the end-to-end tests crawl these instead of the real portals. Content lives in
``data/sample/<host>/site.toml`` (pages as data, including the ground truth the tests rely on)
and each site has one set of ``string.Template`` files under ``templates/``, so navigation,
cookie banner and footer markup exist once per site. One module per portal renders it
(citynews.sample.kommunal_digital, .smartcity_dialog, .halle) with the shared renderer
(citynews.sample.render); citynews.sample.registry lists them.

:class:`SampleServer` is an HTTP proxy on 127.0.0.1: a crawler configured with
``proxy_url`` requests ``http://kommunal-digital.example/...`` and gets the rendered page,
so document URLs stay the same whatever port the server binds.

    python -m citynews.sample.sites --port 8765
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from typing import Any

from citynews.sample import halle, kommunal_digital, smartcity_dialog
from citynews.sample.registry import DEFAULT_ROOT, HOSTS, load_all, render_all
from citynews.sample.render import Sites
from citynews.sample.server import SampleServer

__all__ = [
    "DEFAULT_ROOT",
    "HOSTS",
    "HOST_A",
    "HOST_B",
    "HOST_C",
    "ROBOTS_DISALLOWED_URL",
    "SampleServer",
    "ground_truth",
    "main",
    "render_sites",
]

HOST_A = kommunal_digital.HOST
HOST_B = smartcity_dialog.HOST
HOST_C = halle.HOST
ROBOTS_DISALLOWED_URL = f"http://{HOST_A}/intern/entwurf/"


def render_sites(root: Path = DEFAULT_ROOT) -> Sites:
    """host → URL path → (body bytes, content type with charset); the same bytes every call."""
    rendered = render_all(Path(root).resolve())
    return {
        host: {path: (r.body, r.content_type) for path, r in sorted(pages.items())}
        for host, pages in rendered.items()
    }


def ground_truth(root: Path = DEFAULT_ROOT) -> list[dict[str, Any]]:
    """What every article and event page says, as the tests may rely on it.

    One dict per page: url, host, kind, title, published/modified (date, aware datetime or
    None), keywords, places, topics, events (title, start, end, all_day, venue, address,
    place_name, online, registration_url, past), duplicate_of, hostile.
    """
    result = []
    for site in load_all(Path(root).resolve()).values():
        for page in site.pages:
            events = [
                {
                    "title": ev["title"],
                    "start": ev["start"],
                    "end": ev.get("end"),
                    "all_day": ev.get("all_day", False),
                    "venue": ev.get("venue"),
                    "address": ev.get("address"),
                    "place_name": ev.get("place_name"),
                    "online": ev.get("online", False),
                    "registration_url": ev.get("registration_url"),
                    "past": ev.get("past", False),
                }
                for ev in page.get("events", [])
            ]
            result.append(
                {
                    "url": page["url"],
                    "host": site.host,
                    "kind": page["kind"],
                    "title": page["title"],
                    "published": page.get("published"),
                    "modified": page.get("modified"),
                    "keywords": list(page.get("keywords", [])),
                    "places": list(page["places"]),
                    "topics": list(page["topics"]),
                    "events": events,
                    "duplicate_of": page.get("duplicate_of"),
                    "hostile": page.get("hostile", False),
                }
            )
    return sorted(result, key=lambda r: r["url"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the citynews sample portals as a proxy.")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 = any)")
    args = parser.parse_args(argv)
    with SampleServer(port=args.port) as server:
        print(f"Sample portals on proxy {server.proxy_url}", flush=True)
        for host in HOSTS:
            print(f"  http://{host}/", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", flush=True)


if __name__ == "__main__":
    main()
