"""The offline sample portals: rendering, ground truth, crawl configuration and the proxy server."""

from __future__ import annotations

import difflib
import http.client
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html
import pytest

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.sample import machine
from citynews.sample.sites import (
    DEFAULT_ROOT,
    HOST_A,
    HOST_B,
    HOST_C,
    HOSTS,
    ROBOTS_DISALLOWED_URL,
    SampleServer,
    ground_truth,
    render_sites,
)

REPO = Path(__file__).resolve().parents[1]
TOPICS = {
    "digitaler-zwilling",
    "mobilitaet",
    "energie-klima",
    "bildung",
    "beteiligung",
    "daten",
    "ki",
    "sensorik",
    "verwaltung",
    "infrastruktur",
    "foerderung",
}
# The hostile page's broken <img onerror=...> points here on purpose.
DELIBERATE_404 = "/medien/nicht-vorhanden.gif"
# Where each site keeps the article body (without teaser, sidebar and footer).
BODY_XPATH = {
    HOST_A: "//div[@class='k21-text']",
    HOST_B: "//div[contains(@class,'field--name-field-text')] | //div[@class='entry-content']",
    HOST_C: "//div[@class='news-text' or @class='event-text']",
}


@cache
def sites() -> dict[str, dict[str, tuple[bytes, str]]]:
    return render_sites()


@cache
def truth() -> tuple[dict, ...]:
    return tuple(ground_truth())


def page_html(url: str) -> str:
    parts = urlsplit(url)
    return sites()[parts.hostname][parts.path][0].decode("utf-8")


@cache
def tree(url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(page_html(url))


def body_text(url: str) -> str:
    root = lxml.html.fromstring(page_html(url))
    for junk in root.xpath("//script | //style | //iframe"):
        junk.drop_tree()
    return " ".join(
        " ".join(n.text_content().split()) for n in root.xpath(BODY_XPATH[urlsplit(url).hostname])
    )


def by_url(url: str) -> dict:
    return next(p for p in truth() if p["url"] == url)


# --- rendering -------------------------------------------------------------------------------


def test_rendering_is_deterministic_and_independent_of_the_data_location(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(DEFAULT_ROOT, copy)
    assert render_sites(copy) == render_sites()


def test_all_three_hosts_render_with_charset_and_directory_paths() -> None:
    assert set(sites()) == set(HOSTS) | set(machine.HOSTS)
    for host, pages in sites().items():
        for path, (body, ctype) in pages.items():
            assert "charset=utf-8" in ctype, (host, path)
            assert "?" not in path and path.startswith("/"), (host, path)
            if ctype.startswith("text/html"):
                assert path.endswith("/"), (host, path)
                body.decode("utf-8")


def test_at_least_36_article_and_event_pages_each_rendered() -> None:
    pages = truth()
    assert len(pages) >= 36
    for host, minimum in ((HOST_A, 15), (HOST_B, 12), (HOST_C, 10)):
        assert sum(p["host"] == host for p in pages) >= minimum
    for page in pages:
        parts = urlsplit(page["url"])
        assert parts.path in sites()[parts.hostname], page["url"]


def test_body_lengths_are_realistic() -> None:
    for page in truth():
        text = body_text(page["url"])
        assert 800 <= len(text) <= 2500, (page["url"], len(text))


def _links(root: lxml.html.HtmlElement) -> list[str]:
    return root.xpath("//a/@href | //link/@href | //img/@src | //script/@src | //iframe/@src")


def test_every_internal_link_resolves() -> None:
    broken = []
    for host, pages in sites().items():
        for path, (body, ctype) in pages.items():
            base = f"http://{host}{path}"
            if ctype.startswith("text/html"):
                targets = _links(lxml.html.fromstring(body))
            elif "xml" in ctype and not ctype.startswith("image/"):
                root = lxml.etree.fromstring(body)
                targets = root.xpath("//*[local-name()='loc' or local-name()='link']/text()")
                targets += root.xpath("//*[local-name()='link']/@href")
            else:
                continue
            for target in targets:
                url = urlsplit(urljoin(base, target))
                internal = url.scheme == "http" and url.hostname in HOSTS
                if (
                    internal
                    and url.path != DELIBERATE_404
                    and url.path not in sites()[url.hostname]
                ):
                    broken.append((base, target))
    assert broken == []


def test_link_check_would_notice_a_broken_link() -> None:
    root = lxml.html.fromstring('<p><a href="/fehlt/">x</a><img src="bild.svg"></p>')
    assert _links(root) == ["/fehlt/", "bild.svg"]


# --- crawl configuration -----------------------------------------------------------------------


def test_sources_file_loads_and_patterns_classify_every_page() -> None:
    config = load_sources(SAMPLE_SOURCES)
    by_host = {s.allowed_domains[0]: s for s in config.sources.values()}
    assert set(by_host) == set(HOSTS) | set(machine.HOSTS)
    kinds = {s.kind for s in config.sources.values()}
    assert kinds == {"listing", "sitemap", "feed", "ical", "json", "oparl"}
    for page in truth():
        assert by_host[page["host"]].page_kind(page["url"]) == page["kind"], page["url"]
    for source in config.sources.values():
        for url in source.start_urls:
            assert urlsplit(url).path in sites()[urlsplit(url).hostname]


def test_robots_txt_keeps_the_linked_draft_out() -> None:
    source = load_sources(SAMPLE_SOURCES).sources["kommunal-digital"]
    # The draft looks like an article to the crawler: only robots.txt keeps it out.
    assert source.page_kind(ROBOTS_DISALLOWED_URL) == "article"
    assert "Interner Entwurf" in tree(ROBOTS_DISALLOWED_URL).findtext(".//title")
    robots = RobotFileParser()
    robots.parse(sites()[HOST_A]["/robots.txt"][0].decode().splitlines())
    assert not robots.can_fetch("citynews", ROBOTS_DISALLOWED_URL)
    assert robots.can_fetch("citynews", f"http://{HOST_A}/k21-meldungen/")
    linked_from = [
        path
        for path in ("/k21-meldungen/", "/k21-meldungen/seite-2/", "/k21-meldungen/seite-3/")
        if "/intern/entwurf/" in tree(f"http://{HOST_A}{path}").xpath("//a/@href")
    ]
    assert linked_from != []


# --- site A ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "next_link"),
    [
        ("/k21-meldungen/", "/k21-meldungen/seite-2/"),
        ("/k21-meldungen/seite-2/", "/k21-meldungen/seite-3/"),
        ("/k21-meldungen/seite-3/", None),
    ],
)
def test_listing_pagination(path: str, next_link: str | None) -> None:
    root = tree(f"http://{HOST_A}{path}")
    found = [a.get("href") for a in root.cssselect("a.pagination-next")]
    assert found == ([next_link] if next_link else [])
    assert re.search(r"\[\d\d\.\d\d\.\d{4}\] ", root.text_content())
    assert "mehr..." in root.text_content()


def test_a_articles_have_title_suffix_date_line_author_tags_and_other_dated_teasers() -> None:
    articles = [p for p in truth() if p["host"] == HOST_A and p["kind"] == "article"]
    for page in articles:
        root = tree(page["url"])
        assert root.findtext(".//title") == f"{page['title']} - Kommunal Digital"
        intro = root.cssselect("p.k21-intro")[0].text_content()
        assert intro.startswith(f"[{page['published']:%d.%m.%Y}] ")
        assert re.fullmatch(r"\([a-z]{2,3}\)", root.cssselect("p.k21-autor")[0].text_content())
        assert root.cssselect("p.k21-stichwoerter a")
        sidebar = root.cssselect("div.weitere-meldungen li")
        assert len(sidebar) == 4
        assert page["url"].removeprefix(f"http://{HOST_A}") not in root.xpath(
            "//div[contains(@class,'weitere-meldungen')]//a/@href"
        )
        assert all(re.match(r"\[\d\d\.\d\d\.\d{4}\]", li.text_content()) for li in sidebar)


def test_hostile_page_carries_the_junk_around_real_text() -> None:
    (hostile,) = [p for p in truth() if p["hostile"]]
    raw = page_html(hostile["url"])
    for junk in ("<script>", "onerror=", "javascript:", "<iframe", 'style="'):
        assert junk in raw
    assert "Bürgerhaushalt" in body_text(hostile["url"])
    assert "window.__trk" not in body_text(hostile["url"])


def test_near_duplicate_pair() -> None:
    (copy,) = [p for p in truth() if p["duplicate_of"]]
    original = by_url(copy["duplicate_of"])
    assert (copy["host"], original["host"]) == (HOST_A, HOST_C)
    assert copy["title"] != original["title"]
    a, c = body_text(copy["url"]), body_text(original["url"])
    assert a != c
    assert difflib.SequenceMatcher(None, a, c, autojunk=False).ratio() > 0.8


# --- site B ----------------------------------------------------------------------------------


def test_b_events_are_drupal_nodes_with_details_and_time_elements() -> None:
    events = [p for p in truth() if p["host"] == HOST_B and p["kind"] == "event"]
    assert len(events) >= 8
    for page in events:
        root = tree(page["url"])
        assert root.cssselect("article.node.node--type-event")
        assert root.cssselect("div.paragraph.paragraph--type--text")
        details = root.cssselect("div.event-details")[0]
        assert "Veranstaltungsdetails" in details.text_content()
        start = page["events"][0]["start"]
        assert start.isoformat() in details.xpath(".//time/@datetime")
        for label in ("Datum", "Ort", "Veranstalter"):
            assert label in details.text_content()


def test_b_news_are_wordpress_posts_with_published_time() -> None:
    news = [p for p in truth() if p["host"] == HOST_B and p["kind"] == "article"]
    assert len(news) >= 4
    for page in news:
        root = tree(page["url"])
        meta = root.xpath("//meta[@property='article:published_time']/@content")
        assert meta == [page["published"].isoformat()]
        assert root.cssselect("article.type-post div.entry-content")


def test_sitemap_lists_every_b_page_with_lastmod() -> None:
    root = lxml.etree.fromstring(sites()[HOST_B]["/sitemap.xml"][0])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
        for u in root.findall("s:url", ns)
    }
    for page in truth():
        if page["host"] == HOST_B:
            assert datetime.fromisoformat(entries[page["url"]]).tzinfo is not None


# --- site C ----------------------------------------------------------------------------------


def _jsonld(url: str) -> list[dict]:
    return [json.loads(s) for s in tree(url).xpath("//script[@type='application/ld+json']/text()")]


def test_c_jsonld_matches_ground_truth() -> None:
    for page in (p for p in truth() if p["host"] == HOST_C):
        (data,) = _jsonld(page["url"])
        if page["kind"] == "article":
            assert data["@type"] == "NewsArticle"
            assert data["datePublished"] == page["published"].isoformat()
            assert data["dateModified"] == (page["modified"] or page["published"]).isoformat()
        else:
            event = page["events"][0]
            assert data["@type"] == "Event"
            assert data["startDate"] == event["start"].isoformat()
            assert data.get("endDate") == (event["end"].isoformat() if event["end"] else None)
            assert data["location"]["@type"] == "Place"
            assert data["location"]["address"]["@type"] == "PostalAddress"
        byline = tree(page["url"]).xpath("//p[@class='byline']/time/@datetime")
        assert byline[0] == page["published"].isoformat()


def test_rss_feed_has_every_c_page_with_rfc822_pubdate() -> None:
    root = lxml.etree.fromstring(sites()[HOST_C]["/smart-city/feed.xml"][0])
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = {i.findtext("link"): i.findtext("pubDate") for i in root.iter("item")}
    c_pages = [p for p in truth() if p["host"] == HOST_C]
    assert set(items) == {p["url"] for p in c_pages}
    for page in c_pages:
        assert parsedate_to_datetime(items[page["url"]]) == page["published"]


# --- content variety the extraction tests rely on ----------------------------------------------


@pytest.mark.parametrize(
    "needle",
    [
        "3. Juni 2026",
        "Di, 17.03.2026",
        "Mittwoch, 3. Juni 2026, 9:00 Uhr",
        "14.–16. Mai 2026",
        "18.–19.11.2026",
        "vom 29. September bis 1. Oktober 2026",
        "15:00 – 19:00 Uhr",
        "von 10 bis 14 Uhr",
        "ab 19 Uhr",
        "9.30 Uhr",
        "Zoom",
        "am 6. September in Iserlohn",
        "fand am 12. Februar 2025 in Hameln statt",
        "Anmeldung bis zum 10.09.2026",
        "Halle-Neustadt",
        "Halle (Westf.)",
        "Kreis Gütersloh",
        "Landkreis Hameln-Pyrmont",
        "Mansfelder Str. 56, 06108 Halle (Saale)",
        "Reste vom Essen",
        "Auf dem Hof eines Landwirts",
        "Im Lauf des Jahres",
        " weil ",
        "Wetter",
        "Sporthalle",
        "Borussia",
    ],
)
def test_required_phrases_appear_in_a_document(needle: str) -> None:
    texts = (" ".join(tree(p["url"]).xpath("string(//article)").split()) for p in truth())
    assert any(needle in text for text in texts)


def test_ground_truth_covers_topics_seasons_and_future_years() -> None:
    pages = truth()
    assert set().union(*(p["topics"] for p in pages)) == TOPICS
    events = [e for p in pages for e in p["events"]]
    timed = [e["start"] for e in events if isinstance(e["start"], datetime)]
    assert any(s.month == 3 and s.utcoffset().total_seconds() == 3600 for s in timed)
    assert any(s.month == 6 and s.utcoffset().total_seconds() == 7200 for s in timed)
    assert any(e["all_day"] and not isinstance(e["start"], datetime) for e in events)
    assert any(e["online"] for e in events)
    assert any(e["past"] for e in events)
    assert {2027, 2028} <= {e["start"].year for e in events}
    published = [p["published"] for p in pages if p["published"] is not None]
    assert {2025, 2026} == {d.year for d in published}
    for value in published + [e["start"] for e in events]:
        assert isinstance(value, date)
        if isinstance(value, datetime):
            assert value.tzinfo is not None


def test_readme_mentions_every_document_url() -> None:
    readme = (DEFAULT_ROOT / "README.md").read_text(encoding="utf-8")
    for page in truth():
        assert urlsplit(page["url"]).path in readme, page["url"]


# --- the proxy server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    with SampleServer() as srv:
        yield srv


def fetch(server: SampleServer, url: str, headers: dict[str, str] | None = None):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.proxy_url}))
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_answers_as_proxy_with_validators(server: SampleServer) -> None:
    url = f"http://{HOST_C}/smart-city/feed.xml"
    status, headers, body = fetch(server, url)
    assert status == 200
    assert body == sites()[HOST_C]["/smart-city/feed.xml"][0]
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert headers["ETag"].startswith('"')
    assert parsedate_to_datetime(headers["Last-Modified"]).year == 2026
    assert server.proxy_url == f"http://127.0.0.1:{server.port}"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, 200),
        ({"If-None-Match": "ETAG"}, 304),
        ({"If-None-Match": 'W/"anders", ETAG'}, 304),
        ({"If-None-Match": '"anders"'}, 200),
        ({"If-Modified-Since": "LASTMOD"}, 304),
        ({"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, 200),
    ],
)
def test_conditional_requests(server: SampleServer, extra: dict, expected: int) -> None:
    url = f"http://{HOST_A}/k21-meldungen/"
    _, headers, _ = fetch(server, url)
    filled = {
        k: v.replace("ETAG", headers["ETag"]).replace("LASTMOD", headers["Last-Modified"])
        for k, v in extra.items()
    }
    status, _, body = fetch(server, url, filled)
    assert status == expected
    assert (body == b"") == (expected == 304)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"http://{HOST_A}/robots.txt", 200),
        (f"http://{HOST_B}/gibt-es-nicht/", 404),
        ("http://unbekannt.example/", 404),
        (f"http://{HOST_B}/sitemap.xml?x=1", 200),
    ],
)
def test_status_codes_are_recorded(server: SampleServer, url: str, status: int) -> None:
    before = len(server.requests)
    assert fetch(server, url)[0] == status
    parts = urlsplit(url)
    assert server.requests[before:] == [("GET", parts.hostname, parts.path, status)]


def test_origin_form_request_with_host_header(server: SampleServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", "/smart-city/", headers={"Host": f"{HOST_C}:80"})
        response = conn.getresponse()
        assert response.status == 200
        assert b"Smart City Halle" in response.read()
        conn.request("HEAD", "/", headers={"Host": HOST_B})
        response = conn.getresponse()
        assert response.status == 200 and response.read() == b""
    finally:
        conn.close()


def test_set_page_replaces_content_and_validators() -> None:
    with SampleServer() as srv:
        url = f"http://{HOST_B}/aktuelles/"
        _, old, _ = fetch(srv, url)
        srv.set_page(HOST_B, "/aktuelles/", b"<html>neu</html>", "text/html; charset=utf-8")
        status, new, body = fetch(srv, url, {"If-None-Match": old["ETag"]})
        assert (status, body) == (200, b"<html>neu</html>")
        assert new["ETag"] != old["ETag"]
        assert parsedate_to_datetime(new["Last-Modified"]) > parsedate_to_datetime(
            old["Last-Modified"]
        )
        srv.set_page(HOST_B, "/kaputt/", b"Fehler", "text/plain; charset=utf-8", status=500)
        assert fetch(srv, f"http://{HOST_B}/kaputt/")[0] == 500


def test_custom_sites_get_stable_validators() -> None:
    custom = {"a.example": {"/": (b"hallo", "text/plain; charset=utf-8")}}
    with SampleServer(custom) as srv:
        first = fetch(srv, "http://a.example/")
        second = fetch(srv, "http://a.example/", {"If-Modified-Since": first[1]["Last-Modified"]})
        assert first[2] == b"hallo"
        assert second[0] == 304


def test_cli_prints_the_proxy_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "citynews.sample.sites", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert re.fullmatch(r"Sample portals on proxy http://127\.0\.0\.1:\d+\n", line)
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_every_registered_portal_has_data_and_every_data_folder_a_portal() -> None:
    from citynews.sample import machine

    folders = {p.name for p in DEFAULT_ROOT.iterdir() if p.is_dir()}
    # HTML portals are rendered from templates; machine-readable samples are served as files.
    assert folders == set(HOSTS) | set(machine.HOSTS)


def test_a_new_portal_is_a_module_and_its_data(tmp_path: Path) -> None:
    from citynews.sample.render import TEXT, Out, SampleSite, SiteData, as_utc, load_site

    folder = tmp_path / "neu.example"
    (folder / "templates").mkdir(parents=True)
    (folder / "site.toml").write_text(
        '[site]\nupdated = 2026-01-01\n\n[[pages]]\nslug = "a"\nkind = "article"\ntitle = "Ä"\n',
        encoding="utf-8",
    )

    def render(site: SiteData) -> Out:
        out = Out(site.host, as_utc(site.meta["updated"]))
        for page in site.pages:
            out.add(page["path"], page["title"], TEXT)
        return out

    portal = SampleSite("neu.example", lambda page: f"/{page['slug']}/", render)
    data = load_site(tmp_path, portal)
    assert data.pages[0]["url"] == "http://neu.example/a/"
    resource = portal.render(data).items["/a/"]
    assert resource.body == "Ä".encode()
    assert resource.last_modified.isoformat() == "2025-12-31T23:00:00+00:00"
