"""Three fictional German smart-city portals, rendered from data and served offline.

The demo and the end-to-end tests crawl these instead of the real portals. Content lives in
``data/sample/<host>/site.toml`` (pages as data, including the ground truth the tests rely on)
and each site has one set of ``string.Template`` files under ``templates/``, so navigation,
cookie banner and footer markup exist once per site.

:class:`SampleServer` is an HTTP proxy on 127.0.0.1: a crawler configured with
``proxy_url`` requests ``http://kommunal-digital.example/...`` and gets the rendered page,
so document URLs stay the same whatever port the server binds.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

from citynews.model import BERLIN, GERMAN_MONTHS
from citynews.paths import PACKAGE_DATA
from citynews.sample import machine

DEFAULT_ROOT = PACKAGE_DATA / "sample"

HOST_A = "kommunal-digital.example"
HOST_B = "smartcity-dialog.example"
HOST_C = "smartcity.halle.example"
HOSTS = (HOST_A, HOST_B, HOST_C)
ROBOTS_DISALLOWED_URL = f"http://{HOST_A}/intern/entwurf/"

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CSS = "text/css; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"

Sites = dict[str, dict[str, tuple[bytes, str]]]
DateValue = date | datetime


@dataclass(frozen=True)
class _Resource:
    body: bytes
    content_type: str
    last_modified: datetime
    status: int = 200

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


class _Out:
    """Collects the rendered resources of one site with their Last-Modified times."""

    def __init__(self, host: str, fallback: datetime) -> None:
        self.host = host
        self.fallback = fallback
        self.items: dict[str, _Resource] = {}

    def add(self, path: str, text: str, ctype: str, modified: DateValue | None = None) -> None:
        if path in self.items:
            raise ValueError(f"{self.host}{path} rendered twice")
        stamp = _as_utc(modified) if modified is not None else self.fallback
        self.items[path] = _Resource(text.encode("utf-8"), ctype, stamp)


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Site:
    host: str
    meta: dict[str, Any]
    pages: list[dict[str, Any]]
    static: list[dict[str, Any]]
    templates: dict[str, Template]


def _load_site(root: Path, host: str) -> _Site:
    folder = root / host
    raw = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    templates = {
        p.stem: Template(p.read_text(encoding="utf-8"))
        for p in sorted((folder / "templates").glob("*.html"))
    }
    pages = [dict(p) for p in raw["pages"]]
    for page in pages:
        page["host"] = host
        page["path"] = _page_path(host, page)
        page["url"] = f"http://{host}{page['path']}"
    return _Site(host, raw["site"], pages, raw.get("static", []), templates)


def _page_path(host: str, page: dict[str, Any]) -> str:
    slug, kind = page["slug"], page["kind"]
    if host == HOST_A:
        if kind == "event":
            return f"/k21-termine/{slug}/"
        return f"/k21-meldungen/meldung-{page['id']}-{slug}/"
    if host == HOST_B:
        return f"/veranstaltungen/{slug}/" if kind == "event" else f"/aktuelles/{slug}/"
    return f"/smart-city/{'veranstaltungen' if kind == 'event' else 'aktuelles'}/{slug}/"


def _resolve_duplicates(sites: dict[str, _Site]) -> None:
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
def _load_all(root: Path) -> dict[str, _Site]:
    sites = {host: _load_site(root, host) for host in HOSTS}
    _resolve_duplicates(sites)
    return sites


# --- small formatting helpers ---------------------------------------------------------------


def _as_utc(value: DateValue) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} in sample data")
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=BERLIN).astimezone(UTC)


def _day(value: DateValue) -> date:
    return value.date() if isinstance(value, datetime) else value


def _de(value: DateValue) -> str:
    return _day(value).strftime("%d.%m.%Y")


def _iso(value: DateValue) -> str:
    return value.isoformat()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(body: str) -> str:
    """Blank-line separated paragraphs; a block that starts with markup is kept as it is."""
    blocks = [b.strip() for b in body.strip().split("\n\n") if b.strip()]
    return "\n".join(b if b.startswith("<") else f"<p>{b}</p>" for b in blocks)


def _jsonld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _svg(label: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
        f'<rect width="640" height="360" fill="#c9d6df"/><text x="24" y="190" font-size="22">'
        f"{_e(label)}</text></svg>\n"
    )


def _tag_slug(keyword: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return re.sub(r"[^a-z0-9]+", "-", keyword.lower().translate(table)).strip("-")


def _split_address(address: str) -> tuple[str, str, str]:
    """'Mansfelder Str. 56, 06108 Halle (Saale)' → street, postcode, town."""
    match = re.fullmatch(r"(?:(.+), )?(\d{5}) (.+)", address)
    if not match:
        raise ValueError(f"address without postcode in sample data: {address!r}")
    return match.group(1) or "", match.group(2), match.group(3)


def _newest(pages: list[dict[str, Any]], fallback: DateValue) -> datetime:
    stamps = [_as_utc(p.get("modified") or p["published"]) for p in pages if p.get("published")]
    return max(stamps, default=_as_utc(fallback))


def _by_date(pages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Pages of one kind, newest first (events without a publication date by start)."""
    chosen = [p for p in pages if p["kind"] == kind]
    return sorted(chosen, key=lambda p: _as_utc(p.get("published") or p["events"][0]["start"]))[
        ::-1
    ]


def _robots(disallow: list[str], sitemap: str | None = None) -> str:
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow)]
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    return "\n".join(lines) + "\n"


def _render_static(site: _Site, out: _Out, layout: Template) -> None:
    for page in site.static:
        main = f"<h1>{_e(page['title'])}</h1>\n{_paragraphs(page['body'])}"
        out.add(
            page["path"],
            layout.substitute(
                title=_e(page["title"]),
                description=_e(page["title"]),
                canonical=f"http://{site.host}{page['path']}",
                head_extra="",
                main=main,
                sidebar="",
            ),
            HTML,
        )


def _de_long(value: DateValue) -> str:
    day = _day(value)
    return f"{day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"


def _shorten(text: str, limit: int = 150) -> str:
    plain = re.sub(r"<[^>]+>", "", text)
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0]


# --- site A: kommunal-digital.example, a "K21"-style news portal ----------------------------

A_PAGE_SIZE = 6


def _a_teaser(page: dict[str, Any]) -> str:
    date_html = (
        f'<span class="datum">[{_de(page["published"])}]</span> ' if "published" in page else ""
    )
    return (
        f'<div class="k21-teaser">\n<p class="k21-teaser-kopf">{date_html}'
        f'<a class="titel" href="{page["path"]}">{_e(page["title"])}</a></p>\n'
        f'<p class="anriss">{_e(_shorten(page["lead"]))} … '
        f'<a class="mehr" href="{page["path"]}">mehr...</a></p>\n</div>'
    )


def _a_event_line(page: dict[str, Any]) -> str:
    return (
        f'<li><span class="datum">{_e(page["details"]["date_text"])}</span> '
        f'<a href="{page["path"]}">{_e(page["title"])}</a></li>'
    )


def _a_figure(page: dict[str, Any], src: str) -> str:
    image = page.get("image")
    if not image:
        return ""
    return (
        f'<figure class="k21-bild"><img src="{src}" alt="{_e(image["caption"])}" width="640" '
        f'height="360">\n<figcaption>{_e(image["caption"])} '
        f'<span class="bildnachweis">Foto: © {_e(image["credit"])}</span></figcaption></figure>'
    )


def _page_writer(out: _Out, site: _Site, layout: Template) -> Any:
    """A function that renders one page of a site into ``out`` with the site's layout."""

    def page(
        path: str, title: str, main: str, sidebar: str, lead: str, stamp: Any, head_extra: str = ""
    ) -> None:
        out.add(
            path,
            layout.substitute(
                title=_e(title),
                description=_e(_shorten(lead, 200)),
                canonical=f"http://{site.host}{path}",
                head_extra=head_extra,
                main=main,
                sidebar=sidebar,
            ),
            HTML,
            stamp,
        )

    return page


def _render_a(site: _Site) -> _Out:
    t = site.templates
    out = _Out(site.host, _as_utc(site.meta["updated"]))
    articles = _by_date(site.pages, "article")
    events = _by_date(site.pages, "event")
    termine_box = (
        '<div class="box termine">\n<h3>Termine</h3>\n<ul>\n'
        + "\n".join(_a_event_line(p) for p in reversed(events))
        + '\n</ul>\n<p><a href="/k21-termine/">Alle Termine</a></p>\n</div>'
    )
    ad_box = (
        '<div class="box anzeige"><p class="hinweis">Anzeige</p>\n'
        "<p>Fachmagazin für die digitale Kommune – jetzt den kostenlosen Newsletter bestellen "
        "und jeden Freitag die wichtigsten Meldungen erhalten.</p></div>"
    )

    page = _page_writer(out, site, t["layout"])

    for i, art in enumerate(articles):
        others = [articles[(i + k) % len(articles)] for k in range(1, 5)]
        weitere = (
            '<div class="box weitere-meldungen">\n<h3>Weitere Meldungen</h3>\n<ul>\n'
            + "\n".join(
                f'<li><span class="datum">[{_de(o["published"])}]</span> '
                f'<a href="{o["path"]}">{_e(o["title"])}</a></li>'
                for o in others
            )
            + "\n</ul>\n</div>"
        )
        tags = ", ".join(
            f'<a href="/k21-stichwort/{_tag_slug(k)}/">{_e(k)}</a>' for k in art["keywords"]
        )
        image_path = f"/medien/k21-{art['id']}.svg"
        if art.get("image"):
            out.add(image_path, _svg(art["image"]["caption"]), SVG, art["published"])
        main = t["article"].substitute(
            rubric=_e(art["rubric"]),
            title=_e(art["title"]),
            date_de=_de(art["published"]),
            lead=_e(art["lead"]),
            figure=_a_figure(art, image_path),
            body=_paragraphs(art["body"]),
            author=_e(art["author"]),
            tags=tags,
            share=_e(art["url"]),
        )
        page(
            art["path"],
            art["title"],
            main,
            weitere + "\n" + termine_box + "\n" + ad_box,
            art["lead"],
            art.get("modified") or art["published"],
        )

    for ev in events:
        d = ev["details"]
        rows = [("Datum", _e(d["date_text"]))]
        if d.get("time_text"):
            rows.append(("Uhrzeit", _e(d["time_text"])))
        rows.append(("Ort", "<br>".join(_e(x) for x in d["place_lines"])))
        rows.append(("Veranstalter", _e(d["organizer"])))
        if d.get("link"):
            rows.append(("Weitere Informationen", f'<a href="{_e(d["link"])}">{_e(d["link"])}</a>'))
        details = "\n".join(f"<tr><th>{k}:</th><td>{v}</td></tr>" for k, v in rows)
        main = t["event"].substitute(
            title=_e(ev["title"]),
            details=details,
            lead=_e(ev["lead"]),
            body=_paragraphs(ev["body"]),
        )
        latest = '<div class="box weitere-meldungen">\n<h3>Aktuelle Meldungen</h3>\n<ul>\n'
        latest += "\n".join(
            f'<li><span class="datum">[{_de(o["published"])}]</span> '
            f'<a href="{o["path"]}">{_e(o["title"])}</a></li>'
            for o in articles[:4]
        )
        page(
            ev["path"],
            ev["title"],
            main,
            latest + "\n</ul>\n</div>\n" + termine_box,
            ev["lead"],
            None,
        )

    draft = site.meta["draft"]
    listing_pages = [articles[i : i + A_PAGE_SIZE] for i in range(0, len(articles), A_PAGE_SIZE)]
    for n, chunk in enumerate(listing_pages, start=1):
        path = "/k21-meldungen/" if n == 1 else f"/k21-meldungen/seite-{n}/"
        teasers = [_a_teaser(p) for p in chunk]
        if n == 2:
            # The CMS leaks a draft into the listing; only robots.txt keeps crawlers out.
            teasers.insert(3, _a_teaser({**draft, "path": "/intern/entwurf/"}))
        nav = []
        if n > 1:
            prev = "/k21-meldungen/" if n == 2 else f"/k21-meldungen/seite-{n - 1}/"
            nav.append(f'<a class="pagination-prev" href="{prev}">vorherige Seite</a>')
        nav.append(f'<span class="pagination-current">Seite {n} von {len(listing_pages)}</span>')
        if n < len(listing_pages):
            nav.append(
                f'<a class="pagination-next" href="/k21-meldungen/seite-{n + 1}/">nächste Seite</a>'
            )
        main = t["listing"].substitute(
            heading="Meldungen" if n == 1 else f"Meldungen – Seite {n}",
            teasers="\n".join(teasers),
            pagination=" ".join(nav),
        )
        page(
            path,
            "Meldungen",
            main,
            termine_box + "\n" + ad_box,
            site.meta["tagline"],
            _newest(chunk, site.meta["updated"]),
        )

    main = t["listing"].substitute(
        heading="Termine",
        teasers="\n".join(_a_teaser(p) for p in reversed(events)),
        pagination="",
    )
    page("/k21-termine/", "Termine", main, ad_box, site.meta["tagline"], None)

    tags: dict[str, list[dict[str, Any]]] = {}
    for art in articles:
        for k in art["keywords"]:
            tags.setdefault(k, []).append(art)
    for keyword, tagged in sorted(tags.items()):
        main = t["listing"].substitute(
            heading=f"Stichwort: {_e(keyword)}",
            teasers="\n".join(_a_teaser(p) for p in tagged),
            pagination="",
        )
        page(
            f"/k21-stichwort/{_tag_slug(keyword)}/",
            f"Stichwort: {keyword}",
            main,
            ad_box,
            site.meta["tagline"],
            _newest(tagged, site.meta["updated"]),
        )

    main = t["article"].substitute(
        rubric="Intern",
        title=_e(draft["title"]),
        date_de=_de(draft["published"]),
        lead=_e(draft["lead"]),
        figure="",
        body=_paragraphs(draft["body"]),
        author="red",
        tags="",
        share=f"http://{site.host}/intern/entwurf/",
    )
    page("/intern/entwurf/", draft["title"], main, "", draft["lead"], draft["published"])

    home = t["listing"].substitute(
        heading="Aktuelle Meldungen",
        teasers="\n".join(_a_teaser(p) for p in articles[:5]),
        pagination='<a href="/k21-meldungen/">Alle Meldungen</a>',
    )
    page(
        "/",
        site.meta["tagline"],
        home,
        termine_box + "\n" + ad_box,
        site.meta["tagline"],
        _newest(articles, site.meta["updated"]),
    )
    _render_static(site, out, t["layout"])
    out.add("/robots.txt", _robots(["/intern/", "/suche/"]), TEXT)
    out.add("/static/k21.css", site.meta["css"], CSS)
    return out


# --- site B: smartcity-dialog.example, a Drupal programme portal with WordPress news ----------

WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def _b_event_line(page: dict[str, Any]) -> str:
    start = page["events"][0]["start"]
    return (
        f'<div class="views-row"><span class="date">{WEEKDAYS[_day(start).weekday()]}, '
        f'{_de(start)}</span> <a href="{page["path"]}" hreflang="de">{_e(page["title"])}</a></div>'
    )


def _b_news_line(page: dict[str, Any]) -> str:
    return (
        f'<div class="views-row"><time datetime="{_iso(page["published"])}">'
        f'{_de(page["published"])}</time> <a href="{page["path"]}">{_e(page["title"])}</a>'
        f"<p>{_e(_shorten(page['lead']))} …</p></div>"
    )


def _b_field(name: str, label: str, value: str) -> str:
    return (
        f'<div class="field field--name-field-{name} field--label-above">\n'
        f'<div class="field__label">{label}</div>\n<div class="field__item">{value}</div>\n</div>'
    )


def _b_figure(page: dict[str, Any], src: str) -> str:
    image = page.get("image")
    if not image:
        return ""
    return (
        '<div class="field field--name-field-image">'
        f'<figure><img src="{src}" alt="{_e(image["caption"])}" loading="lazy">'
        f'<figcaption>{_e(image["caption"])} <small class="credit">Bild: © '
        f"{_e(image['credit'])}</small></figcaption></figure></div>"
    )


def _render_b(site: _Site) -> _Out:
    t = site.templates
    out = _Out(site.host, _as_utc(site.meta["updated"]))
    events = _by_date(site.pages, "event")
    news = _by_date(site.pages, "article")
    upcoming = sorted(events, key=lambda p: _as_utc(p["events"][0]["start"]))

    page = _page_writer(out, site, t["layout"])

    def image(p: dict[str, Any]) -> str:
        src = f"/sites/default/files/{p['slug']}.svg"
        if p.get("image"):
            out.add(src, _svg(p["image"]["caption"]), SVG, p["published"])
        return _b_figure(p, src)

    for ev in events:
        d, gt = ev["details"], ev["events"][0]
        date_html = f'<time datetime="{_iso(gt["start"])}">{_e(d["date_text"])}</time>'
        if gt.get("end") is not None:
            date_html += f' <time class="date-end" datetime="{_iso(gt["end"])}"></time>'
        fields = [_b_field("date", "Datum", date_html)]
        if d.get("time_text"):
            fields.append(_b_field("time", "Uhrzeit", _e(d["time_text"])))
        if gt.get("online"):
            fields.append(_b_field("location", "Ort", _e(d["location_text"])))
        else:
            street, postcode, town = _split_address(gt["address"])
            fields.append(
                _b_field(
                    "location",
                    "Ort",
                    f'<p class="address"><span class="organization">{_e(gt["venue"])}</span><br>'
                    f'<span class="address-line1">{_e(street)}</span><br>'
                    f'<span class="postal-code">{postcode}</span> '
                    f'<span class="locality">{_e(town)}</span></p>',
                )
            )
        fields.append(_b_field("organizer", "Veranstalter", _e(d["organizer"])))
        if gt.get("registration_url"):
            fields.append(
                '<div class="field field--name-field-registration">'
                f'<a class="button button--primary" href="{_e(gt["registration_url"])}">'
                "Zur Anmeldung</a></div>"
            )
        others = [p for p in upcoming if p is not ev][:3]
        sidebar = (
            '<div class="block block-views"><h2>Weitere Veranstaltungen</h2>\n'
            + "\n".join(_b_event_line(p) for p in others)
            + "\n</div>"
        )
        main = t["event"].substitute(
            node_id=ev["id"],
            title=_e(ev["title"]),
            author=_e(ev["author"]),
            published_iso=_iso(ev["published"]),
            published_de=_de(ev["published"]),
            lead=_e(ev["lead"]),
            figure=image(ev),
            details="\n".join(fields),
            body=_paragraphs(ev["body"]),
            tags=" ".join(f'<div class="field__item">{_e(k)}</div>' for k in ev["keywords"]),
        )
        page(
            ev["path"],
            ev["title"],
            main,
            sidebar,
            ev["lead"],
            ev.get("modified") or ev["published"],
        )

    for item in news:
        meta = [
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{_e(item["title"])}">',
            f'<meta property="article:published_time" content="{_iso(item["published"])}">',
        ]
        if item.get("modified"):
            meta.append(
                f'<meta property="article:modified_time" content="{_iso(item["modified"])}">'
            )
        sidebar = (
            '<div class="block block-views"><h2>Nächste Veranstaltungen</h2>\n'
            + "\n".join(_b_event_line(p) for p in upcoming[-3:])
            + "\n</div>\n"
            '<div class="block"><h2>Neueste Beiträge</h2>\n'
            + "\n".join(
                f'<div class="views-row"><a href="{p["path"]}">{_e(p["title"])}</a></div>'
                for p in news
                if p is not item
            )
            + "\n</div>"
        )
        main = t["news"].substitute(
            post_id=item["id"],
            title=_e(item["title"]),
            author=_e(item["author"]),
            published_iso=_iso(item["published"]),
            published_long=_de_long(item["published"]),
            lead=_e(item["lead"]),
            figure=image(item),
            body=_paragraphs(item["body"]),
            tags=", ".join(_e(k) for k in item["keywords"]),
        )
        page(
            item["path"],
            item["title"],
            main,
            sidebar,
            item["lead"],
            item.get("modified") or item["published"],
            "\n".join(meta),
        )

    listing = t["listing"]
    page(
        "/veranstaltungen/",
        "Veranstaltungen",
        listing.substitute(
            heading="Veranstaltungen", rows="\n".join(_b_event_line(p) for p in upcoming)
        ),
        "",
        site.meta["tagline"],
        _newest(events, site.meta["updated"]),
    )
    page(
        "/aktuelles/",
        "Aktuelles",
        listing.substitute(heading="Aktuelles", rows="\n".join(_b_news_line(p) for p in news)),
        "",
        site.meta["tagline"],
        _newest(news, site.meta["updated"]),
    )
    home = listing.substitute(
        heading="Willkommen beim Smart City Dialog",
        rows="\n".join(_b_news_line(p) for p in news[:3])
        + "\n"
        + "\n".join(_b_event_line(p) for p in upcoming[-4:]),
    )
    page(
        "/", "Startseite", home, "", site.meta["tagline"], _newest(site.pages, site.meta["updated"])
    )
    _render_static(site, out, t["layout"])
    out.add("/robots.txt", _robots(["/user/", "/admin/"], f"http://{site.host}/sitemap.xml"), TEXT)
    out.add("/themes/custom/scd/css/style.css", site.meta["css"], CSS)

    urls = "\n".join(
        f"<url><loc>http://{site.host}{path}</loc>"
        f"<lastmod>{res.last_modified.isoformat().replace('+00:00', 'Z')}</lastmod></url>"
        for path, res in sorted(out.items.items())
        if res.content_type == HTML
    )
    out.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n",
        XML,
    )
    return out


# --- site C: smartcity.halle.example, the smart-city pages of Halle (Saale) -------------------

C_ORG = {"@type": "GovernmentOrganization", "name": "Stadt Halle (Saale)"}


def _c_jsonld_news(page: dict[str, Any], image: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page["title"],
        "description": page["lead"],
        "datePublished": _iso(page["published"]),
        "dateModified": _iso(page.get("modified") or page["published"]),
        "author": C_ORG,
        "publisher": {
            **C_ORG,
            "logo": {"@type": "ImageObject", "url": f"http://{HOST_C}/smart-city/logo.svg"},
        },
        "mainEntityOfPage": page["url"],
        "inLanguage": "de-DE",
        "keywords": ", ".join(page["keywords"]),
    }
    if image:
        data["image"] = f"http://{HOST_C}{image}"
    return data


def _c_jsonld_event(page: dict[str, Any]) -> dict[str, Any]:
    gt = page["events"][0]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": gt["title"],
        "description": page["lead"],
        "startDate": _iso(gt["start"]),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {"@type": "Organization", "name": page["details"]["organizer"]},
        "url": page["url"],
    }
    if gt.get("end") is not None:
        data["endDate"] = _iso(gt["end"])
    street, postcode, town = _split_address(gt["address"])
    address = {
        "@type": "PostalAddress",
        "postalCode": postcode,
        "addressLocality": town,
        "addressCountry": "DE",
    }
    if street:
        address["streetAddress"] = street
    data["location"] = {"@type": "Place", "name": gt["venue"], "address": address}
    if gt.get("registration_url"):
        data["offers"] = {
            "@type": "Offer",
            "url": gt["registration_url"],
            "price": "0",
            "priceCurrency": "EUR",
        }
    return data


def _c_teaser(page: dict[str, Any]) -> str:
    return (
        f'<div class="teaser"><time datetime="{_iso(page["published"])}">'
        f'{_de(page["published"])}</time>\n<h3><a href="{page["path"]}">{_e(page["title"])}</a>'
        f"</h3>\n<p>{_e(_shorten(page['lead']))} …</p></div>"
    )


def _render_c(site: _Site) -> _Out:
    t = site.templates
    out = _Out(site.host, _as_utc(site.meta["updated"]))
    news = _by_date(site.pages, "article")
    events = sorted(_by_date(site.pages, "event"), key=lambda p: _as_utc(p["events"][0]["start"]))

    def next_event_box(after: DateValue) -> str:
        # What the CMS shows as "next event" depends on when the page was published.
        later = [p for p in events if _as_utc(p["events"][0]["start"]) >= _as_utc(after)]
        nxt = (later or events[-1:])[0]
        return (
            '<div class="box naechste-veranstaltung"><h2>Nächste Veranstaltung</h2>\n'
            f'<p class="datum">{_de(nxt["events"][0]["start"])}</p>\n'
            f'<p><a href="{nxt["path"]}">{_e(nxt["title"])}</a></p></div>'
        )

    page = _page_writer(out, site, t["layout"])

    def figure(p: dict[str, Any]) -> tuple[str, str | None]:
        image = p.get("image")
        if not image:
            return "", None
        src = f"/smart-city/medien/{p['slug']}.svg"
        out.add(src, _svg(image["caption"]), SVG, p["published"])
        return (
            f'<figure class="bild"><img src="{src}" alt="{_e(image["caption"])}">'
            f'<figcaption>{_e(image["caption"])}<br><span class="foto">© Fotoquelle: '
            f"{_e(image['credit'])}</span></figcaption></figure>",
            src,
        )

    def byline(p: dict[str, Any]) -> str:
        text = (
            f'Veröffentlicht am <time datetime="{_iso(p["published"])}">'
            f"{_de(p['published'])}</time>"
        )
        if p.get("modified"):
            text += (
                f' · aktualisiert am <time datetime="{_iso(p["modified"])}">'
                f"{_de(p['modified'])}</time>"
            )
        return text + f" · {_e(p['author'])}"

    others_box = (
        '<div class="box"><h2>Aktuelles</h2>\n<ul>\n'
        + "\n".join(
            f'<li><time datetime="{_iso(p["published"])}">{_de(p["published"])}</time> '
            f'<a href="{p["path"]}">{_e(p["title"])}</a></li>'
            for p in news[:4]
        )
        + "\n</ul></div>"
    )

    for item in news:
        fig, src = figure(item)
        main = t["news"].substitute(
            title=_e(item["title"]),
            byline=byline(item),
            lead=_e(item["lead"]),
            figure=fig,
            body=_paragraphs(item["body"]),
            tags=", ".join(_e(k) for k in item["keywords"]),
        )
        page(
            item["path"],
            item["title"],
            main,
            next_event_box(item["published"]) + "\n" + others_box,
            item["lead"],
            item.get("modified") or item["published"],
            _jsonld(_c_jsonld_news(item, src)),
        )

    for ev in events:
        d, gt = ev["details"], ev["events"][0]
        rows = [f'<li class="event-datum">{_e(d["date_text"])}</li>']
        if d.get("time_text"):
            rows.append(f'<li class="event-zeit">{_e(d["time_text"])}</li>')
        rows.append(f'<li class="event-ort">{_e(gt["venue"])}, {_e(gt["address"])}</li>')
        rows.append(f'<li class="event-veranstalter">Veranstalter: {_e(d["organizer"])}</li>')
        registration = ""
        if gt.get("registration_url"):
            registration = (
                f'<p><a class="btn" href="{_e(gt["registration_url"])}">Zur Anmeldung</a></p>'
            )
        fig, _ = figure(ev)
        main = t["event"].substitute(
            title=_e(ev["title"]),
            byline=byline(ev),
            lead=_e(ev["lead"]),
            figure=fig,
            details="\n".join(rows),
            registration=registration,
            body=_paragraphs(ev["body"]),
        )
        page(
            ev["path"],
            ev["title"],
            main,
            others_box,
            ev["lead"],
            ev.get("modified") or ev["published"],
            _jsonld(_c_jsonld_event(ev)),
        )

    listing = t["listing"]
    page(
        "/smart-city/aktuelles/",
        "Aktuelles",
        listing.substitute(
            heading="Aktuelles aus der Smart City", teasers="\n".join(_c_teaser(p) for p in news)
        ),
        next_event_box(news[0]["published"]),
        site.meta["tagline"],
        _newest(news, site.meta["updated"]),
    )
    page(
        "/smart-city/veranstaltungen/",
        "Veranstaltungen",
        listing.substitute(
            heading="Veranstaltungen", teasers="\n".join(_c_teaser(p) for p in events)
        ),
        others_box,
        site.meta["tagline"],
        _newest(events, site.meta["updated"]),
    )
    home = listing.substitute(
        heading="Smart City Halle (Saale)",
        teasers="\n".join(_c_teaser(p) for p in news[:3]),
    )
    page(
        "/smart-city/",
        "Smart City",
        home,
        next_event_box(news[0]["published"]),
        site.meta["tagline"],
        _newest(site.pages, site.meta["updated"]),
    )
    page(
        "/",
        "Stadtportal",
        listing.substitute(heading="Stadt Halle (Saale)", teasers=site.meta["portal_html"]),
        "",
        site.meta["tagline"],
        None,
    )
    _render_static(site, out, t["layout"])
    out.add("/robots.txt", _robots(["/suche/"]), TEXT)
    out.add("/smart-city/assets/halle.css", site.meta["css"], CSS)
    out.add("/smart-city/logo.svg", _svg("Smart City Halle (Saale)"), SVG)

    everything = sorted(news + events, key=lambda p: _as_utc(p["published"]), reverse=True)
    items = "\n".join(
        "<item>\n"
        f"<title>{_e(p['title'])}</title>\n<link>{p['url']}</link>\n"
        f'<guid isPermaLink="true">{p["url"]}</guid>\n'
        f"<pubDate>{format_datetime(_published_dt(p['published']))}</pubDate>\n"
        f"<category>{'Veranstaltungen' if p['kind'] == 'event' else 'Aktuelles'}</category>\n"
        f"<description>{_e(p['lead'])}</description>\n</item>"
        for p in everything
    )
    newest = _newest(everything, site.meta["updated"])
    out.add(
        "/smart-city/feed.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "<title>Smart City Halle (Saale)</title>\n"
        f"<link>http://{site.host}/smart-city/</link>\n"
        "<description>Neuigkeiten und Veranstaltungen der Smart City Halle (Saale)</description>\n"
        "<language>de-de</language>\n"
        f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n"
        f'<atom:link href="http://{site.host}/smart-city/feed.xml" rel="self" '
        'type="application/rss+xml"/>\n'
        f"{items}\n</channel>\n</rss>\n",
        RSS,
        newest,
    )
    return out


def _published_dt(value: DateValue) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=BERLIN)


# --- public API ------------------------------------------------------------------------------

RENDERERS = {HOST_A: _render_a, HOST_B: _render_b, HOST_C: _render_c}


@cache
def _render_all(root: Path) -> dict[str, dict[str, _Resource]]:
    sites = _load_all(root)
    rendered = {host: RENDERERS[host](sites[host]).items for host in HOSTS}
    # iCal, JSON, event-feed and OParl samples are files served as they are.
    for host, files in machine.render(root).items():
        rendered[host] = {path: _Resource(*file) for path, file in files.items()}
    return rendered


def render_sites(root: Path = DEFAULT_ROOT) -> Sites:
    """host → URL path → (body bytes, content type with charset); the same bytes every call."""
    rendered = _render_all(Path(root).resolve())
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
    for site in _load_all(Path(root).resolve()).values():
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


# --- the proxy server ------------------------------------------------------------------------


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or etag in candidates


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "citynews-samplesites/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests count requests through SampleServer.requests instead."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._serve(send_body=False)

    def _target(self) -> tuple[str, str]:
        """Host and path from an absolute-form (proxy) or origin-form request."""
        if self.path.startswith("/"):
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            path = self.path
        else:
            parts = urlsplit(self.path)
            host, path = parts.hostname or "", parts.path or "/"
        return host.lower(), path.split("?", 1)[0].split("#", 1)[0]

    def _serve(self, send_body: bool) -> None:
        owner = self.server.owner
        host, path = self._target()
        resource = owner._lookup(host, path)
        if resource is None:
            status, body, headers = 404, b"Not Found\n", {"Content-Type": TEXT}
        else:
            headers = {
                "Content-Type": resource.content_type,
                "ETag": resource.etag,
                "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
            }
            status, body = resource.status, resource.body
            if status == 200 and self._not_modified(resource):
                status, body = 304, b""
                del headers["Content-Type"]
        owner._record(self.command, host, path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)

    def _not_modified(self, resource: _Resource) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, resource.etag)
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            stamp = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return resource.last_modified <= stamp


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: SampleServer


class SampleServer:
    """HTTP proxy on 127.0.0.1 that answers for the sample hosts.

    Use as a context manager or call start()/stop(). ``requests`` lists
    (method, host, path, status) for every request served, in order.
    """

    def __init__(self, sites: Sites | None = None, port: int = 0) -> None:
        self._lock = threading.Lock()
        self._port_wanted = port
        self.requests: list[tuple[str, str, str, int]] = []
        if sites is None:
            self._resources = {
                host: dict(pages) for host, pages in _render_all(DEFAULT_ROOT).items()
            }
        else:
            # Given pages carry no dates: one stable stamp per server keeps 304s working.
            stamp = datetime.now(UTC).replace(microsecond=0)
            self._resources = {
                host: {path: _Resource(body, ctype, stamp) for path, (body, ctype) in pages.items()}
                for host, pages in sites.items()
            }
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("SampleServer is not running")
        return self._httpd.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SampleServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(("127.0.0.1", self._port_wanted), _Handler)
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
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = self._thread = None

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
            pages[path] = _Resource(body, content_type, stamp, status)

    def _lookup(self, host: str, path: str) -> _Resource | None:
        with self._lock:
            return self._resources.get(host, {}).get(path)

    def _record(self, method: str, host: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, host, path, status))


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
