"""The shared renderer of the sample portals: site data, resources, formatting helpers.

Each portal module (kommunal_digital, smartcity_dialog, halle) turns its ``site.toml`` pages
into resources with these helpers; citynews.sample.registry lists the portals.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template
from typing import Any

from citynews.model import BERLIN, GERMAN_MONTHS

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CSS = "text/css; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"
CALENDAR = "text/calendar; charset=utf-8"

Sites = dict[str, dict[str, tuple[bytes, str]]]
DateValue = date | datetime


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    last_modified: datetime
    status: int = 200

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


class Out:
    """Collects the rendered resources of one site with their Last-Modified times."""

    def __init__(self, host: str, fallback: datetime) -> None:
        self.host = host
        self.fallback = fallback
        self.items: dict[str, Resource] = {}

    def add(self, path: str, text: str, ctype: str, modified: DateValue | None = None) -> None:
        if path in self.items:
            raise ValueError(f"{self.host}{path} rendered twice")
        stamp = as_utc(modified) if modified is not None else self.fallback
        self.items[path] = Resource(text.encode("utf-8"), ctype, stamp)


@dataclass(frozen=True)
class SiteData:
    host: str
    meta: dict[str, Any]
    pages: list[dict[str, Any]]
    static: list[dict[str, Any]]
    templates: dict[str, Template]


@dataclass(frozen=True)
class SampleSite:
    """One sample portal: its host, where its pages live, and how it renders.

    ``page_path`` gives the URL path of a page of ``data/sample/<host>/site.toml`` (the tests'
    ground truth knows pages by URL); ``render`` turns the loaded site into its resources.
    """

    host: str
    page_path: Callable[[dict[str, Any]], str]
    render: Callable[[SiteData], Out]


def load_site(root: Path, site: SampleSite) -> SiteData:
    """``root/<host>/site.toml`` and the templates beside it, pages with host, path and URL."""
    folder = root / site.host
    raw = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    templates = {
        p.stem: Template(p.read_text(encoding="utf-8"))
        for p in sorted((folder / "templates").glob("*.html"))
    }
    pages = [dict(p) for p in raw["pages"]]
    for page in pages:
        page["host"] = site.host
        page["path"] = site.page_path(page)
        page["url"] = f"http://{site.host}{page['path']}"
    return SiteData(site.host, raw["site"], pages, raw.get("static", []), templates)


def as_utc(value: DateValue) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} in sample data")
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=BERLIN).astimezone(UTC)


def to_day(value: DateValue) -> date:
    return value.date() if isinstance(value, datetime) else value


def de_date(value: DateValue) -> str:
    return to_day(value).strftime("%d.%m.%Y")


def iso(value: DateValue) -> str:
    return value.isoformat()


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def paragraphs(body: str) -> str:
    """Blank-line separated paragraphs; a block that starts with markup is kept as it is."""
    blocks = [b.strip() for b in body.strip().split("\n\n") if b.strip()]
    return "\n".join(b if b.startswith("<") else f"<p>{b}</p>" for b in blocks)


def jsonld_script(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def svg_image(label: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
        f'<rect width="640" height="360" fill="#c9d6df"/><text x="24" y="190" font-size="22">'
        f"{esc(label)}</text></svg>\n"
    )


def tag_slug(keyword: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return re.sub(r"[^a-z0-9]+", "-", keyword.lower().translate(table)).strip("-")


def split_address(address: str) -> tuple[str, str, str]:
    """'Mansfelder Str. 56, 06108 Halle (Saale)' → street, postcode, town."""
    match = re.fullmatch(r"(?:(.+), )?(\d{5}) (.+)", address)
    if not match:
        raise ValueError(f"address without postcode in sample data: {address!r}")
    return match.group(1) or "", match.group(2), match.group(3)


def newest_stamp(pages: list[dict[str, Any]], fallback: DateValue) -> datetime:
    stamps = [as_utc(p.get("modified") or p["published"]) for p in pages if p.get("published")]
    return max(stamps, default=as_utc(fallback))


def by_date(pages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Pages of one kind, newest first (events without a publication date by start)."""
    chosen = [p for p in pages if p["kind"] == kind]
    return sorted(chosen, key=lambda p: as_utc(p.get("published") or p["events"][0]["start"]))[::-1]


def robots_txt(disallow: list[str], sitemap: str | None = None) -> str:
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow)]
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    return "\n".join(lines) + "\n"


def render_static(site: SiteData, out: Out, layout: Template) -> None:
    for page in site.static:
        main = f"<h1>{esc(page['title'])}</h1>\n{paragraphs(page['body'])}"
        out.add(
            page["path"],
            layout.substitute(
                title=esc(page["title"]),
                description=esc(page["title"]),
                canonical=f"http://{site.host}{page['path']}",
                head_extra="",
                main=main,
                sidebar="",
            ),
            HTML,
        )


def de_long(value: DateValue) -> str:
    day = to_day(value)
    return f"{day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"


def shorten(text: str, limit: int = 150) -> str:
    plain = re.sub(r"<[^>]+>", "", text)
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0]


def page_writer(out: Out, site: SiteData, layout: Template) -> Any:
    """A function that renders one page of a site into ``out`` with the site's layout."""

    def page(
        path: str, title: str, main: str, sidebar: str, lead: str, stamp: Any, head_extra: str = ""
    ) -> None:
        out.add(
            path,
            layout.substitute(
                title=esc(title),
                description=esc(shorten(lead, 200)),
                canonical=f"http://{site.host}{path}",
                head_extra=head_extra,
                main=main,
                sidebar=sidebar,
            ),
            HTML,
            stamp,
        )

    return page
