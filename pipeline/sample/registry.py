"""The registry of sample portals, and loading and rendering all of them once per process.

Adding a portal: a module beside this one that defines ``SITE = SampleSite(HOST, page_path,
render)``, its data in ``data/sample/<host>/`` and one line in ``PORTALS`` below (see
data/sample/README.md).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from citynews.paths import PACKAGE_DATA
from citynews.sample import halle, kommunal_digital, machine, smartcity_dialog
from citynews.sample.render import Resource, SampleSite, SiteData, load_site

DEFAULT_ROOT = PACKAGE_DATA / "sample"

# In this order the demo lists them.
PORTALS: tuple[SampleSite, ...] = (kommunal_digital.SITE, smartcity_dialog.SITE, halle.SITE)
HOSTS = tuple(site.host for site in PORTALS)


def _resolve_duplicates(sites: dict[str, SiteData]) -> None:
    """A page with ``duplicate_of`` reuses that page's body with its own first sentence."""
    by_url = {p["url"]: p for s in sites.values() for p in s.pages}
    for site in sites.values():
        for page in site.pages:
            if "duplicate_of" not in page:
                continue
            original = by_url[page["duplicate_of"]]
            first, rest = original["body"].strip().split("\n\n", 1)
            _, tail = re.split(r"(?<=[.!?])\s+", first, maxsplit=1)
            page["body"] = f"{page['first_sentence']} {tail}\n\n{rest}"


@cache
def load_all(root: Path) -> dict[str, SiteData]:
    """Every portal's data (pages with host, path and URL), by host."""
    sites = {portal.host: load_site(root, portal) for portal in PORTALS}
    _resolve_duplicates(sites)
    return sites


@cache
def render_all(root: Path) -> dict[str, dict[str, Resource]]:
    """host → URL path → rendered resource, for every portal."""
    sites = load_all(root)
    rendered = {portal.host: portal.render(sites[portal.host]).items for portal in PORTALS}
    # iCal, JSON, event-feed and OParl samples are files served as they are.
    for host, files in machine.render(root).items():
        rendered[host] = {path: Resource(*file) for path, file in files.items()}
    return rendered
