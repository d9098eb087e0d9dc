"""Spider paths on saved pages (City Scrapers style): saved file → response → requests/items."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip

import pytest
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.test import get_crawler

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.crawler.spiders.portal import PortalSpider
from citynews.crawler.state import get_state
from citynews.model import Hints
from tests.conftest import FIXTURES, file_response

SAVED = FIXTURES / "spider"
SOURCES = load_sources(SAMPLE_SOURCES).sources
KD = "http://kommunal-digital.example"
SCD = "http://smartcity-dialog.example"
HALLE = "http://smartcity.halle.example"


def make_spider(tmp_path, name: str, *, known: dict | None = None) -> PortalSpider:
    crawler = get_crawler(PortalSpider, {"CITYNEWS_DB": str(tmp_path / "spider.db")})
    spider = PortalSpider.from_crawler(crawler, source=SOURCES[name])
    get_state(crawler).begin(name)
    if known:
        get_state(crawler).known.update(known)
    return spider


def by_kind(requests: list[Request]) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for request in requests:
        kinds.setdefault(request.meta["citynews_kind"], []).append(request.url)
    return kinds


def test_listing_follows_articles_events_listings_and_next_page(tmp_path):
    spider = make_spider(tmp_path, "kommunal-digital")
    response = file_response(SAVED / "kd_listing.html", f"{KD}/k21-meldungen/")
    kinds = by_kind(list(spider.parse_listing(response)))
    assert len(kinds["article"]) == 6
    assert all("/k21-meldungen/meldung-" in url for url in kinds["article"])
    assert f"{KD}/k21-termine/zukunftsforum-breitband-2028-mainz/" in kinds["event"]
    assert f"{KD}/k21-meldungen/seite-2/" in kinds["listing"]
    assert f"{KD}/k21-termine/" in kinds["listing"]
    # Stichwort pages, imprint and stylesheets match no pattern and are not followed.
    assert not [u for urls in kinds.values() for u in urls if "stichwort" in u or "impressum" in u]


def test_listing_stops_paginating_when_a_page_holds_only_known_items(tmp_path):
    response = file_response(SAVED / "kd_listing.html", f"{KD}/k21-meldungen/")
    spider = make_spider(tmp_path, "kommunal-digital")
    urls = [r.url for r in spider.parse_listing(response) if r.meta["citynews_kind"] != "listing"]
    known = {url: {"last_fetched": "2099-01-01T00:00:00Z", "etag": None} for url in urls}
    spider = make_spider(tmp_path, "kommunal-digital", known=known)
    assert list(spider.parse_listing(response)) == []
    assert spider.skipped_known == len(urls)


def test_last_listing_page_has_no_next_page(tmp_path):
    spider = make_spider(tmp_path, "kommunal-digital")
    response = file_response(SAVED / "kd_listing_last.html", f"{KD}/k21-meldungen/seite-3/")
    assert spider._parse_next_page(response) is None


def test_sitemap_yields_every_document_page(tmp_path):
    spider = make_spider(tmp_path, "smartcity-dialog")
    response = file_response(SAVED / "scd_sitemap.xml", f"{SCD}/sitemap.xml")
    kinds = by_kind(list(spider.parse_sitemap(response)))
    assert len(kinds["event"]) == 8 and len(kinds["article"]) == 4
    assert "listing" not in kinds  # the sitemap's listing pages are not documents


def test_feed_passes_title_and_date_as_hints(tmp_path):
    spider = make_spider(tmp_path, "smartcity-halle")
    response = file_response(SAVED / "halle_feed.xml", f"{HALLE}/smart-city/feed.xml")
    requests = list(spider.parse_feed(response))
    assert len(requests) == 10
    hints = requests[0].meta["citynews_hints"]
    assert hints.title and hints.published is not None and hints.published.tzinfo is not None


def test_changed_feed_entry_is_refetched_conditionally(tmp_path):
    response = file_response(SAVED / "halle_feed.xml", f"{HALLE}/smart-city/feed.xml")
    first = list(make_spider(tmp_path, "smartcity-halle").parse_feed(response))
    url = first[0].url
    stale = {url: {"last_fetched": "2000-01-01T00:00:00Z", "etag": '"v1"', "last_modified": None}}
    spider = make_spider(tmp_path, "smartcity-halle", known=stale)
    again = {r.url: r for r in spider.parse_feed(response)}
    assert again[url].headers.get("If-None-Match") == b'"v1"'


@pytest.mark.parametrize(
    "fixture, source, url, kind",
    [
        (
            "kd_article.html",
            "kommunal-digital",
            f"{KD}/k21-meldungen/meldung-47402-halle-saale-sensornetz-luftqualitaet/",
            "article",
        ),
        (
            "scd_event.html",
            "smartcity-dialog",
            f"{SCD}/veranstaltungen/webinar-ki-in-der-stadtverwaltung/",
            "event",
        ),
        (
            "halle_news.html",
            "smartcity-halle",
            f"{HALLE}/smart-city/aktuelles/lorawan-sensornetz-luftqualitaet/",
            "article",
        ),
    ],
)
def test_document_page_becomes_an_item(tmp_path, fixture, source, url, kind):
    spider = make_spider(tmp_path, source)
    response = file_response(
        SAVED / fixture,
        url,
        meta={"citynews_kind": kind, "citynews_hints": Hints(kind=kind)},
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'},
    )
    (item,) = list(spider.parse_page(response))
    assert item["url"] == url and item["source"] == source
    assert item["hints"].kind == kind
    assert "<html" in item["html"] and item["tree"] is not None
    assert item["http"]["etag"] == '"abc"'


def test_non_html_download_is_not_an_item(tmp_path):
    spider = make_spider(tmp_path, "kommunal-digital")
    response = file_response(
        SAVED / "kd_article.html",
        f"{KD}/de/media/123/download",
        meta={"citynews_kind": "article"},
        headers={"Content-Type": "application/pdf"},
    )
    assert list(spider.parse_page(response)) == []
    assert get_state(spider.crawler).store.stats["kommunal-digital"].outcomes == {"not-html": 1}


def test_listing_teaser_newer_than_last_fetch_triggers_a_conditional_refetch(tmp_path):
    response = file_response(SAVED / "kd_listing.html", f"{KD}/k21-meldungen/")
    spider = make_spider(tmp_path, "kommunal-digital")
    teasers = spider._parse_teasers(response)
    dated = [link for link in teasers.values() if link.updated is not None]
    assert len(dated) >= 5 and all(link.updated.tzinfo for link in dated)
    stale, fresh = dated[0].url, dated[1].url
    known = {
        stale: {"last_fetched": "2000-01-01T00:00:00Z", "etag": '"old"', "last_modified": None},
        fresh: {"last_fetched": "2099-01-01T00:00:00Z", "etag": '"new"', "last_modified": None},
    }
    spider = make_spider(tmp_path, "kommunal-digital", known=known)
    requested = {r.url: r for r in spider.parse_listing(response)}
    assert requested[stale].headers.get("If-None-Match") == b'"old"'
    assert fresh not in requested


def bounded_spider(tmp_path, name: str, **bounds: int) -> PortalSpider:
    source = dataclasses.replace(SOURCES[name], **bounds)
    crawler = get_crawler(PortalSpider, {"CITYNEWS_DB": str(tmp_path / "bounded.db")})
    spider = PortalSpider.from_crawler(crawler, source=source)
    get_state(crawler).begin(name)
    return spider


def test_document_requests_stop_at_max_pages_and_say_so_once(tmp_path):
    spider = bounded_spider(tmp_path, "smartcity-dialog", max_pages=5)
    response = file_response(SAVED / "scd_sitemap.xml", f"{SCD}/sitemap.xml")
    requests = list(spider.parse_sitemap(response))
    assert len(requests) == 5
    assert get_state(spider.crawler).store.stats["smartcity-dialog"].outcomes == {"page-limit": 1}


def test_robots_txt_start_url_yields_its_sitemaps_up_to_max_sitemaps(tmp_path):
    spider = bounded_spider(tmp_path, "smartcity-dialog", max_sitemaps=3)
    spider.sitemaps = 1  # the robots.txt start URL itself
    robots = b"User-agent: *\n" + b"".join(b"Sitemap: /s-%d.xml\n" % n for n in range(5))
    response = TextResponse(
        url=f"{SCD}/robots.txt", body=robots, request=Request(f"{SCD}/robots.txt")
    )
    requests = list(spider.parse_sitemap(response))
    assert [r.url for r in requests] == [f"{SCD}/s-0.xml", f"{SCD}/s-1.xml"]
    assert all(r.callback == spider.parse_sitemap for r in requests)
    assert get_state(spider.crawler).store.stats["smartcity-dialog"].outcomes == {
        "sitemap-limit": 1
    }


def test_start_requests_are_marked_as_starts(tmp_path):
    spider = make_spider(tmp_path, "kommunal-digital")

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    starts = asyncio.run(collect())
    assert [r.url for r in starts] == list(SOURCES["kommunal-digital"].start_urls)
    assert all(r.meta["citynews_start"] and r.dont_filter for r in starts)


def test_gzipped_sitemap_beyond_the_size_cap_is_recorded_as_too_large(tmp_path):
    crawler = get_crawler(
        PortalSpider, {"CITYNEWS_DB": str(tmp_path / "gz.db"), "DOWNLOAD_MAXSIZE": 50_000}
    )
    spider = PortalSpider.from_crawler(crawler, source=SOURCES["smartcity-dialog"])
    get_state(crawler).begin("smartcity-dialog")
    entries = "".join(f"<url><loc>{SCD}/aktuelles/m-{n}/</loc></url>" for n in range(5000))
    packed = gzip.compress(f"<urlset>{entries}</urlset>".encode())
    response = Response(
        url=f"{SCD}/sitemap.xml.gz", body=packed, request=Request(f"{SCD}/sitemap.xml.gz")
    )
    assert len(packed) < 50_000
    assert list(spider.parse_sitemap(response)) == []
    assert get_state(crawler).store.stats["smartcity-dialog"].outcomes == {"too-large": 1}
