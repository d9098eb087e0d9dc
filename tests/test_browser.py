"""The pages people open, in a real headless Chromium: index.html at phone and desktop width,
and `citynews serve` (search, map, chart).

Chromium is Debian's package (``.ci/run`` installs it), driven through Playwright. Without
Chromium or Playwright these tests skip. Set ``CITYNEWS_SCREENSHOTS=docs/screenshots`` to keep
the screenshots the README shows.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from citynews.feeds.build import build_feeds
from tests.test_datasette import _add_future_events, serving
from tests.test_feeds import NOW, make_sample_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"),
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A 1x1 transparent PNG: map tiles come from the internet, which tests never reach.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The feed folder served over HTTP on 127.0.0.1, built with that address as base URL."""
    root = tmp_path_factory.mktemp("site")
    db_path = make_sample_db(root / "citynews.db")
    out = root / "feeds"
    out.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    build_feeds(db_path, out, base_url=base, now=NOW)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, out
    server.shutdown()


def _screenshot(page, name: str, selector: str | None = None) -> None:
    folder = os.environ.get("CITYNEWS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        target = page.locator(selector).first if selector else page
        target.screenshot(path=str(Path(folder) / name))


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("width", [390, 1280])
def test_index_fits_the_screen_without_errors(browser, site, width):
    base, _ = site
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = _watch_errors(page)
    page.goto(base + "index.html")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px wider than the {width} px screen"
    # The subscribe links are on screen, not pushed off to the right.
    box = page.locator("li.feed a").first.bounding_box()
    assert box["x"] + box["width"] <= width
    assert page.locator("#filterbox").is_visible()
    assert errors == []
    _screenshot(page, f"index-{width}.png")
    page.close()


def _parses(name: str, body: bytes) -> bool:
    if name.endswith(".ics"):
        return bool(Calendar.from_ical(body).walk("VCALENDAR"))
    if name.endswith(".opml"):
        return etree.fromstring(body).tag == "opml"
    parsed = feedparser.parse(body)
    return not parsed.bozo and bool(parsed.feed.get("title"))


def test_every_feed_link_resolves_to_a_file_that_parses(browser, site):
    base, out = site
    page = browser.new_page()
    page.goto(base + "index.html")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    feeds = sorted({h for h in hrefs if h.endswith((".xml", ".ics", ".opml"))})
    published = {p.name for p in out.iterdir() if p.name.endswith((".xml", ".ics", ".opml"))}
    assert feeds == sorted(base + name for name in published)
    for href in feeds:
        response = page.request.get(href)
        assert response.status == 200, href
        assert _parses(href, response.body()), href
    copyable = page.eval_on_selector_all("input.url", "els => els.map(e => e.value)")
    assert set(copyable) <= set(feeds) and len(copyable) == page.locator("li.feed").count()
    page.close()


def test_filter_narrows_the_list(browser, site):
    base, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(base + "index.html")
    visible = "li.feed:visible"
    shown = "li.feed:not([hidden])"
    before = page.locator(shown).count()
    page.fill("#filter", "halle")
    after = page.locator(visible).all_inner_texts()
    assert 0 < len(after) < before
    assert all("halle" in text.lower() for text in after)
    assert page.locator("section#themen").is_hidden()  # no empty headings left
    page.fill("#filter", "Sachsen-Anhalt")
    assert any("Magdeburg" in t for t in page.locator(visible).all_inner_texts())
    _screenshot(page, "index-filter-390.png")
    page.fill("#filter", "")
    assert page.locator(shown).count() == before
    page.close()


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    db_path = make_sample_db(tmp_path_factory.mktemp("ds") / "citynews.db")
    _add_future_events(db_path)
    with serving(db_path) as base:
        yield base


def _offline(page) -> None:
    """Map tiles would come from the internet: answer them with a blank tile."""
    page.route(
        lambda url: not url.startswith("http://127.0.0.1"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG),
    )


def test_datasette_search_form_finds_smart_city(browser, datasette):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch_errors(page)
    page.goto(datasette + "/citynews/documents")
    page.fill("input[name=_search]", "Smart-City")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_load_state()
    assert "Smart-City-Konferenz in Leipzig" in page.inner_text("table.rows-and-columns")
    assert "Die Konferenz zu künstlicher" not in page.content()  # text column hidden
    assert errors == []
    _screenshot(page, "datasette-search.png")
    page.close()


def test_datasette_map_page_loads_without_console_errors(browser, datasette):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _offline(page)
    errors = _watch_errors(page)
    page.goto(datasette + "/citynews/places")
    page.wait_for_selector(".leaflet-container", timeout=20_000)
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20_000)
    assert errors == []
    _screenshot(page, "datasette-map.png", ".leaflet-container")
    page.close()


def test_datasette_chart_page_loads_without_console_errors(browser, datasette):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _offline(page)
    errors = _watch_errors(page)
    page.goto(datasette + "/citynews/dokumente_pro_thema_und_monat")
    page.wait_for_load_state("networkidle")
    assert "Mobilität & Verkehr" in page.inner_text("table.rows-and-columns")
    assert errors == []
    _screenshot(page, "datasette-chart.png")
    page.close()
