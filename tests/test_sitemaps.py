"""Sitemaps through Scrapy's utilities: snippets first, then each form crawled for real."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import Request, Response, XmlResponse

from citynews.crawler.sitemaps import (
    SitemapTooLarge,
    is_robots_txt,
    parse_sitemap,
    sitemap_body,
    sitemaps_from_robots,
)
from citynews.errors import InputError
from citynews.normalize.discovery import UnsafeXMLError
from tests.conftest import run_cli
from tests.faultserver import FaultServer, article_html, page

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
BASE = "http://stadt.example/sitemap.xml"


def urlset(*locs: str, ns: str = NS, lastmod: str = "") -> bytes:
    stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = "".join(f"<url><loc>{loc}</loc>{stamp}</url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>{entries}</urlset>'.encode()


def index(*locs: str, ns: str = NS) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?>\n<sitemapindex {ns}>{entries}</sitemapindex>'.encode()


@pytest.mark.parametrize(
    ("body", "links", "nested"),
    [
        (
            urlset("http://stadt.example/a/", "/b/"),
            ["http://stadt.example/a/", "http://stadt.example/b/"],
            [],
        ),
        (urlset("http://stadt.example/a/", ns=""), ["http://stadt.example/a/"], []),
        (urlset(" http://stadt.example/a/ "), ["http://stadt.example/a/"], []),
        (urlset(), [], []),
        (
            index("http://stadt.example/s1.xml", "/s2.xml"),
            [],
            ["http://stadt.example/s1.xml", "http://stadt.example/s2.xml"],
        ),
        (index("http://stadt.example/s1.xml", ns=""), [], ["http://stadt.example/s1.xml"]),
        (b"<urlset><url><lastmod>2026-01-01</lastmod></url></urlset>", [], []),
    ],
    ids=["namespaced", "namespace-less", "spaces", "empty", "index", "index-without-ns", "no-loc"],
)
def test_sitemap_links_and_nested_sitemaps(body, links, nested):
    found, inner = parse_sitemap(body, BASE)
    assert [link.url for link in found] == links
    assert inner == nested


def test_lastmod_becomes_the_links_updated_time():
    (link,), _ = parse_sitemap(urlset("/a/", lastmod="2026-03-01T10:00:00+01:00"), BASE)
    assert link.updated == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x "y">]>'
            b"<urlset><url><loc>&x;</loc></url></urlset>",
            UnsafeXMLError,
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset/>',
            UnsafeXMLError,
        ),
        (b"<html><body>Seite nicht gefunden</body></html>", InputError),
        (b"<rss><channel><title>kein Sitemap</title></channel></rss>", InputError),
        (b"", InputError),
        (b"<urlset><url><loc>", InputError),
    ],
)
def test_unsafe_or_foreign_bodies_are_refused(body, error):
    with pytest.raises(error):
        parse_sitemap(body, BASE)


def response(url: str, body: bytes, cls: type[Response] = Response) -> Response:
    return cls(url=url, body=body, request=Request(url))


def test_gzipped_sitemap_is_unpacked():
    packed = gzip.compress(urlset("/a/"))
    body = sitemap_body(response("http://stadt.example/sitemap.xml.gz", packed), 10_000)
    assert [link.url for link in parse_sitemap(body, BASE)[0]] == ["http://stadt.example/a/"]


def test_plain_sitemap_body_is_returned_as_is():
    body = urlset("/a/")
    assert sitemap_body(response(BASE, body, XmlResponse), 10_000) == body


def test_gzipped_sitemap_beyond_the_size_cap_is_refused():
    packed = gzip.compress(urlset(*[f"/seite-{n}/" for n in range(2000)]))
    with pytest.raises(SitemapTooLarge, match="too large"):
        sitemap_body(response("http://stadt.example/s.xml.gz", packed), 10_000)


def test_broken_gzip_is_an_input_error():
    with pytest.raises(InputError, match="broken gzip"):
        sitemap_body(response("http://stadt.example/s.xml.gz", b"\x1f\x8b\x08" + b"kaputt"), 0)


@pytest.mark.parametrize(
    ("robots", "expected"),
    [
        (
            b"User-agent: *\nDisallow:\nSitemap: http://stadt.example/s.xml\n",
            ["http://stadt.example/s.xml"],
        ),
        (b"sitemap: /karte.xml\nSITEMAP: /karte.xml\n", ["http://stadt.example/karte.xml"]),
        (
            b"  Sitemap: /a.xml\r\nSitemap: /b.xml.gz\r\n",
            ["http://stadt.example/a.xml", "http://stadt.example/b.xml.gz"],
        ),
        (b"User-agent: *\nDisallow: /intern/\n", []),
        (b"Sitemap: /\xff\xfe.xml\nSitemap: /ok.xml\n", ["http://stadt.example/ok.xml"]),
    ],
)
def test_sitemap_lines_of_robots_txt(robots, expected):
    assert sitemaps_from_robots(robots, "http://stadt.example/robots.txt") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://stadt.example/robots.txt", True),
        ("http://stadt.example/robots.txt?x=1", True),
        ("http://stadt.example/sitemap.xml", False),
        ("http://stadt.example/robots.txt/sitemap.xml", False),
    ],
)
def test_robots_txt_start_urls_are_recognised(url, expected):
    assert is_robots_txt(url) is expected


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_links_or_an_input_error(body):
    try:
        links, nested = parse_sitemap(body, BASE)
    except InputError:
        return
    assert all(link.url.startswith("http") for link in links)
    assert all(isinstance(url, str) for url in nested)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40), max_size=8
    )
)
def test_any_loc_text_gives_links_or_an_input_error(locs):
    from xml.sax.saxutils import escape

    try:
        links, _ = parse_sitemap(urlset(*[escape(loc) for loc in locs]), BASE)
    except InputError:
        return
    assert len(links) <= len(locs)


# --- each form crawled through the real engine ---------------------------------------------------


def doc(n: int) -> str:
    return article_html(
        f"Neue Ladesäulen am Rathaus: Standort {n} in Betrieb",
        [
            f"Am Standort {n} können Elektroautos ab sofort geladen werden. Die Stadtwerke haben "
            "zwei Ladepunkte mit je 22 Kilowatt aufgebaut, bezahlt wird per App oder Karte.",
            "Weitere Standorte in den Ortsteilen sollen bis zum Jahresende folgen, teilte die "
            "Verwaltung nach der Sitzung des Bauausschusses mit.",
        ],
    )


FORMS = {
    # name: (start path, routes under the host)
    "index": (
        "/sitemap.xml",
        {
            "/sitemap.xml": (index("http://index.example/sitemap-news.xml"), "application/xml"),
            "/sitemap-news.xml": (urlset("http://index.example/doc-1.html"), "application/xml"),
        },
    ),
    "packed": (
        "/sitemap.xml.gz",
        {"/sitemap.xml.gz": (gzip.compress(urlset("/doc-1.html")), "application/x-gzip")},
    ),
    "robots": (
        "/robots.txt",
        {
            "/robots.txt": (
                b"User-agent: *\nDisallow: /intern/\nSitemap: /karte.xml\n",
                "text/plain",
            ),
            "/karte.xml": (urlset("http://robots.example/doc-1.html"), "text/xml"),
        },
    ),
    "plain": (
        "/sitemap.xml",
        {"/sitemap.xml": (urlset("http://plain.example/doc-1.html", ns=""), "application/xml")},
    ),
}


@pytest.fixture(scope="module")
def sitemap_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sitemaps")
    text = "[crawler]\ndownload_timeout = 5\nretry_times = 0\nautothrottle = false\n"
    with FaultServer() as server:
        for name, (start, routes) in FORMS.items():
            host = f"{name}.example"
            for path, (body, ctype) in routes.items():
                server.route(f"//{host}{path}", page(body, content_type=ctype))
            server.route(f"//{host}/doc-1.html", page(doc(1)))
            text += (
                f'\n[sources.{name}]\ntitle = "Sitemap {name}"\nkind = "sitemap"\n'
                f'start_urls = ["http://{host}{start}"]\nallowed_domains = ["{host}"]\n'
                "article_patterns = ['/doc-\\d+\\.html$']\n"
            )
        sources = tmp / "sources.toml"
        sources.write_text(text, encoding="utf-8")
        db = tmp / "sitemaps.db"
        result = run_cli(
            "crawl", "--sources", str(sources), "--db", str(db), "--proxy", server.url("")
        )
        yield {"db": db, "result": result}


@pytest.mark.slow
def test_sitemap_crawl_succeeds(sitemap_crawl):
    result = sitemap_crawl["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "4 sources" in result.stdout and "4 new" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FORMS))
def test_each_sitemap_form_crawls_its_document(sitemap_crawl, name):
    conn = sqlite3.connect(sitemap_crawl["db"])
    try:
        rows = conn.execute("select url from documents where source = ?", (name,)).fetchall()
    finally:
        conn.close()
    assert rows == [(f"http://{name}.example/doc-1.html",)]
