"""End to end: real HTTP server on 127.0.0.1 → real Scrapy engine → real SQLite → real feeds.

The sample portals are served by an in-test proxy server; the crawl runs as the real
``citynews`` command in a child process (the Twisted reactor runs once per process).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.sample.sites import HOSTS, ROBOTS_DISALLOWED_URL, SampleServer, ground_truth
from tests.conftest import query, run_cli

pytestmark = pytest.mark.slow


def snapshot(db: Path, table: str) -> list[tuple]:
    return query(db, f"select * from {table} order by 1")


def crawl(server: SampleServer, db: Path, *extra: str) -> dict:
    result = run_cli(
        "crawl",
        "--sources",
        str(SAMPLE_SOURCES),
        "--db",
        str(db),
        "--proxy",
        server.proxy_url,
        "--json",
        *extra,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "citynews.db"
    with SampleServer() as server:
        first = crawl(server, db)
        first_requests = list(server.requests)
        events_after_first = snapshot(db, "events")
        documents_after_first = query(db, "select id, url, first_seen from documents order by id")
        del server.requests[:]
        second = crawl(server, db)
        second_requests = list(server.requests)
    feeds_dir = tmp / "feeds"
    built = run_cli(
        "feeds", "--db", str(db), "--out", str(feeds_dir), "--base-url", "https://f.example/"
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return {
        "db": db,
        "first": first,
        "second": second,
        "first_requests": first_requests,
        "second_requests": second_requests,
        "events_after_first": events_after_first,
        "documents_after_first": documents_after_first,
        "feeds": feeds_dir,
    }


def test_first_crawl_stores_documents_with_title_text_and_date(crawled):
    db = crawled["db"]
    assert crawled["first"]["new"] >= 30 and crawled["first"]["failed"] == []
    rows = query(db, "select url, title, text, published from documents")
    complete = [r for r in rows if r[1] and len(r[2]) > 200 and r[3]]
    assert len(complete) >= 30
    # Only pages that really carry no publication date lack one (never "now" as a fallback).
    undated = {page["url"] for page in ground_truth() if page["published"] is None}
    portals = {page["host"] for page in ground_truth()}  # calendars and exports have no dates
    assert {r[0] for r in rows if not r[3] and urlsplit(r[0]).hostname in portals} == undated
    assert query(db, "select count(*) from events")[0][0] >= 5
    statuses = {r[0] for r in query(db, "select status from crawl_runs")}
    assert statuses == {"ok"}


def test_every_sample_source_contributes(crawled):
    per_source = dict(
        query(crawled["db"], "select source, count(*) from documents group by source")
    )
    assert set(per_source) == set(load_sources(SAMPLE_SOURCES).sources)
    assert all(count >= 5 for count in per_source.values())


def test_robots_disallowed_page_is_never_fetched(crawled):
    assert not [r for r in crawled["first_requests"] if "/intern/" in r[2]]
    assert query(crawled["db"], "select count(*) from documents where url like '%/intern/%'") == [
        (0,)
    ]
    assert any(r[2] == "/robots.txt" for r in crawled["first_requests"])
    # The page was a candidate (linked, matching a pattern) and robots.txt stopped it.
    blocked = query(crawled["db"], "select url from fetch_events where outcome = 'robots'")
    assert {url for (url,) in blocked} == {ROBOTS_DISALLOWED_URL}


def test_second_crawl_adds_nothing_and_refetches_no_document_page(crawled):
    db = crawled["db"]
    assert crawled["second"]["new"] == 0
    assert (
        query(db, "select id, url, first_seen from documents order by id")
        == crawled["documents_after_first"]
    )
    assert snapshot(db, "events") == crawled["events_after_first"]
    urls = [url for (url,) in query(db, "select url from documents")]
    # Calendar, export and council documents link to pages that are never fetched.
    document_pages = {urlsplit(u)[1:3] for u in urls if urlsplit(u).hostname in HOSTS}
    first = {(r[1], r[2]) for r in crawled["first_requests"]}
    second = {(r[1], r[2]) for r in crawled["second_requests"]}
    assert document_pages <= first
    assert second, "the second crawl fetched nothing at all (not even listings)"
    assert not second & document_pages, sorted(second & document_pages)


def test_document_urls_do_not_depend_on_the_server_port(crawled):
    urls = [r[0] for r in query(crawled["db"], "select url from documents")]
    assert all(".example/" in url and "127.0.0.1" not in url for url in urls)


def test_feeds_parse_back_with_entries(crawled):
    out: Path = crawled["feeds"]
    assert (out / "index.html").is_file()
    xml_files = sorted(out.glob("*.xml"))
    assert xml_files, "no feed files written"
    total = 0
    for path in xml_files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        total += len(parsed.entries)
    assert total >= 30
    topics = {r[0] for r in query(crawled["db"], "select distinct topic from document_topics")}
    for slug in topics:
        assert any(p.name.startswith(slug + ".") for p in xml_files), slug


def test_hostile_markup_never_reaches_published_files(crawled):
    hostile = [page["url"] for page in ground_truth() if page.get("hostile")]
    assert hostile and query(
        crawled["db"], "select count(*) from documents where url = ?", (hostile[0],)
    ) == [(1,)]
    for path in crawled["feeds"].iterdir():
        body = path.read_text(encoding="utf-8").lower()
        if path.name == "index.html":  # its own filter script is the one script allowed
            assert body.count("<script") == 1 and "alert" not in body
            body = re.sub(r"<script>.*?</script>", "", body, flags=re.S)
        for bad in ("<script", "onerror", "javascript:", "<iframe", "&lt;script"):
            assert bad not in body, (path.name, bad)


def test_near_duplicate_story_is_one_item(crawled):
    pairs = [(p["url"], p["duplicate_of"]) for p in ground_truth() if p.get("duplicate_of")]
    assert pairs
    db = crawled["db"]
    for copy, original in pairs:
        ids = dict(query(db, "select url, id from documents where url in (?, ?)", (copy, original)))
        assert query(db, "select duplicate_of from documents where id = ?", (ids[copy],)) == [
            (ids[original],)
        ]
        for path in crawled["feeds"].glob("*.rss.xml"):
            links = [e.link for e in feedparser.parse(path.read_bytes()).entries]
            assert copy not in links, path.name


def test_analyst_views_and_full_text_search(crawled):
    db = crawled["db"]
    for view in ("v_documents", "v_events_upcoming", "v_topic_month", "v_place_counts"):
        assert query(db, f"select count(*) from {view}")[0][0] > 0, view
    for words in ("Zwilling", "Mobilitat", "Mobilität"):
        result = run_cli("search", words, "--db", str(db), "--json", timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip(), f"no document found for {words!r}"


def test_feed_links_are_absolute(crawled):
    # Read as written: feedparser itself rewrites file:/// URLs while resolving them.
    for path in crawled["feeds"].glob("*.xml"):
        body = path.read_text(encoding="utf-8")
        links = re.findall(r"<link>([^<]*)</link>|<(?:atom:)?link [^>]*href=\"([^\"]*)\"", body)
        assert links, path.name
        for link in (a or b for a, b in links):
            assert link.startswith(("file:///", "http://", "https://")), (path.name, link)


def test_a_redesigned_portal_shows_broken_and_status_fails(tmp_path):
    db = tmp_path / "citynews.db"
    with SampleServer() as server:
        crawl(server, db, "--source", "smartcity-halle")
        healthy = run_cli("status", "--db", str(db), "--json", timeout=60)
        assert healthy.returncode == 0, healthy.stdout
        # A redesign: every page still answers 200, but the content moved where we do not look.
        redesign = b"<html><body><nav><a href='/'>Start</a></nav><div id='app'></div></body></html>"
        for page in ground_truth():
            host, path = urlsplit(page["url"])[1:3]
            if host == "smartcity.halle.example":
                server.set_page(host, path, redesign)
        crawl(server, db, "--source", "smartcity-halle", "--full")
    result = run_cli("status", "--db", str(db), "--json", timeout=60)
    assert result.returncode == 1, result.stdout
    states = {row["source"]: row["state"] for row in json.loads(result.stdout)}
    assert states["smartcity-halle"] == "broken"
    assert set(states.values()) <= {"broken", "never"}
