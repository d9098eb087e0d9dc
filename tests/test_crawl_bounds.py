"""Off-site redirects, health reasons and bounds, crawled through the real engine.

One fault server plays several hosts (it is the crawl's proxy, as the demo's sample server
is), one crawl covers every case side by side, and a real SQLite file records what happened.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from citynews.config import load_sources
from citynews.crawler.retry import retry_after_seconds
from citynews.errors import ConfigError
from tests.conftest import crawl_and_status, query
from tests.faultserver import (
    FaultServer,
    article_html,
    gzip_bomb,
    in_turn,
    listing_html,
    page,
    redirect,
)

RSS = "application/rss+xml"
XML = "application/xml"
MAX_PAGE_BYTES = 1_000_000


def doc(n: int) -> str:
    return article_html(
        f"Glasfaser für Ortsteil {n}: Ausbau beginnt im Frühjahr",
        [
            f"Im Ortsteil {n} beginnt der Ausbau des Glasfasernetzes. Nach Angaben der Gemeinde "
            "werden rund vierhundert Haushalte angeschlossen, die Arbeiten dauern ein Jahr.",
            "Anwohnerinnen und Anwohner können sich in der Bürgersprechstunde am Dienstag über "
            "den Ablauf der Bauarbeiten und mögliche Sperrungen informieren.",
        ],
    )


def feed(*links: str) -> str:
    items = "".join(f"<item><title>Meldung</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )


def sitemap_index(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    )


def source(name: str, host: str, start: str, kind: str = "listing", **extra: object) -> str:
    lines = [
        f"[sources.{name}]",
        f'title = "Grenzfall {name}"',
        f'kind = "{kind}"',
        f'start_urls = ["http://{host}{start}"]',
        f'allowed_domains = ["{host}"]',
        "article_patterns = ['/doc-\\d+\\.html$']",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def build(server: FaultServer) -> str:
    """Routes for every case; returns the sources file's text."""
    route = server.route
    # A start URL redirected to another host, without and with the opt-in.
    route("//moved.example/", redirect("http://elsewhere.example/"))
    route("//elsewhere.example/", page(listing_html(["/doc-1.html"])))
    route("//feeds.example/feed.xml", redirect("http://feedhost.example/feed.xml", status=301))
    route(
        "//feedhost.example/feed.xml",
        page(feed("http://feeds.example/doc-1.html"), content_type=RSS),
    )
    route("//feeds.example/doc-1.html", page(doc(1)))
    # robots.txt forbids everything.
    route("//blocked.example/robots.txt", page("User-agent: *\nDisallow: /\n", 200, "text/plain"))
    route("//blocked.example/", page(listing_html(["/doc-1.html"])))
    # A compressed body that unpacks far beyond the size cap.
    route("//bomb.example/", page(listing_html(["/doc-1.html"])))
    route("//bomb.example/doc-1.html", gzip_bomb(20 * MAX_PAGE_BYTES))
    # A start URL whose redirects come back to it.
    route("//loop.example/", redirect("http://loop.example/a"))
    route("//loop.example/a", redirect("http://loop.example/"))
    # Ever-new sitemaps: each index names the next one.
    for n in range(1, 40):
        route(
            f"//chain.example/sitemap-{n}.xml",
            page(sitemap_index(f"http://chain.example/sitemap-{n + 1}.xml"), content_type=XML),
        )
    # More documents than the page bound.
    route("//many.example/", page(listing_html([f"/doc-{n}.html" for n in range(1, 9)])))
    for n in range(1, 9):
        route(f"//many.example/doc-{n}.html", page(doc(n)))
    # Retry-After: a short pause is honoured, a long one gives the URL up.
    route("//pause.example/", page(listing_html(["/doc-1.html", "/doc-2.html"])))
    route(
        "//pause.example/doc-1.html",
        in_turn(page("Zu viele Anfragen", 429, Retry_After="2"), page(doc(1))),
    )
    route("//pause.example/doc-2.html", page("Wartung", 503, Retry_After="3600"))
    return "".join(
        [
            "[crawler]\ndownload_timeout = 5\nretry_times = 2\nautothrottle = false\n",
            f"max_page_bytes = {MAX_PAGE_BYTES}\nconcurrency_per_domain = 4\n",
            "max_retry_after = 60\n\n",
            source("moved", "moved.example", "/"),
            source(
                "optin",
                "feeds.example",
                "/feed.xml",
                kind="feed",
                redirect_domains=["feedhost.example"],
            ),
            source("blocked", "blocked.example", "/"),
            source("bomb", "bomb.example", "/"),
            source("loop", "loop.example", "/"),
            source("chain", "chain.example", "/sitemap-1.xml", kind="sitemap", max_sitemaps=5),
            source("many", "many.example", "/", max_pages=3),
            source("pause", "pause.example", "/"),
        ]
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bounds")
    with FaultServer() as server:
        sources = tmp / "sources.toml"
        sources.write_text(build(server), encoding="utf-8")
        yield {
            "server": server,
            **crawl_and_status(sources, tmp / "bounds.db", "--proxy", server.url("")),
        }


def outcomes(db: Path, name: str) -> list[tuple[str, str]]:
    return query(db, "select url, outcome from fetch_events where source = ? order by id", (name,))


def requested(server: FaultServer, host: str) -> list[str]:
    return [path for path in server.requests if path.startswith(f"http://{host}/")]


@pytest.mark.slow
def test_the_crawl_finishes_and_names_the_blocked_sources(crawled):
    result = crawled["result"]
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"moved", "blocked", "loop"} <= set(summary["failed"])
    assert "optin" not in summary["failed"] and "many" not in summary["failed"]


@pytest.mark.slow
def test_start_url_redirect_to_another_host_is_not_fetched(crawled):
    assert requested(crawled["server"], "elsewhere.example") == []
    assert ("http://moved.example/", "redirect-off-site") in outcomes(crawled["db"], "moved")
    assert query(crawled["db"], "select status from crawl_runs where source = 'moved'") == [
        ("failed",)
    ]


@pytest.mark.slow
def test_redirect_domains_opt_in_allows_the_listed_host(crawled):
    assert requested(crawled["server"], "feedhost.example") == ["http://feedhost.example/feed.xml"]
    titles = query(crawled["db"], "select title from documents where source = 'optin'")
    assert titles == [("Glasfaser für Ortsteil 1: Ausbau beginnt im Frühjahr",)]


@pytest.mark.slow
def test_site_blocked_by_robots_is_recorded_and_blocked(crawled):
    assert ("http://blocked.example/", "robots-blocked") in outcomes(crawled["db"], "blocked")
    assert requested(crawled["server"], "blocked.example") == ["http://blocked.example/robots.txt"]
    states = {row["source"]: row for row in json.loads(crawled["status"].stdout)}
    assert states["blocked"]["state"] == "blocked"
    runs = query(
        crawled["db"],
        "select status, errors, message from crawl_runs where source = ?",
        ("blocked",),
    )
    assert runs == [("failed", 1, "0 documents, 0 known pages skipped; robots-blocked 1")]


@pytest.mark.slow
def test_gzip_bomb_is_recorded_as_too_large(crawled):
    assert ("http://bomb.example/doc-1.html", "too-large") in outcomes(crawled["db"], "bomb")
    assert query(crawled["db"], "select count(*) from documents where source = 'bomb'") == [(0,)]
    assert query(crawled["db"], "select errors from crawl_runs where source = 'bomb'") == [(1,)]


@pytest.mark.slow
def test_redirect_loop_of_a_start_url_is_recorded(crawled):
    found = {outcome for _url, outcome in outcomes(crawled["db"], "loop")}
    assert "redirect-loop" in found, found
    states = {row["source"]: row["state"] for row in json.loads(crawled["status"].stdout)}
    assert states["loop"] == "blocked"


@pytest.mark.slow
def test_chain_of_new_sitemaps_stops_at_max_sitemaps(crawled):
    assert len(requested(crawled["server"], "chain.example")) == 5 + 1  # robots.txt + 5
    limits = [
        url for url, outcome in outcomes(crawled["db"], "chain") if outcome == "sitemap-limit"
    ]
    assert limits == ["http://chain.example/sitemap-6.xml"]
    assert "max_sitemaps = 5 reached" in crawled["result"].stderr


@pytest.mark.slow
def test_pages_per_run_stop_at_max_pages(crawled):
    stored = query(crawled["db"], "select count(*) from documents where source = 'many'")
    assert stored == [(3,)]
    assert [o for _u, o in outcomes(crawled["db"], "many")].count("page-limit") == 1


@pytest.mark.slow
def test_retry_after_is_waited_for_before_the_retry(crawled):
    times = [t for path, t in crawled["server"].times if path.endswith("pause.example/doc-1.html")]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.9  # the server asked for 2 s
    assert query(crawled["db"], "select count(*) from documents where source = 'pause'") == [(1,)]


@pytest.mark.slow
def test_retry_after_beyond_the_maximum_gives_the_url_up(crawled):
    assert (
        requested(crawled["server"], "pause.example").count("http://pause.example/doc-2.html") == 1
    )
    rows = query(
        crawled["db"],
        "select outcome, error from fetch_events where url = 'http://pause.example/doc-2.html'",
    )
    assert rows == [("retry-after", "HTTP 503, Retry-After 3600 s > 60 s")]
    assert crawled["seconds"] < 120


NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("Thu, 12 Mar 2026 09:02:00 GMT", 120.0),
        ("Thu, 12 Mar 2026 08:00:00 GMT", 0.0),  # already past: retry now
        ("bald", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_values(value, expected):
    assert retry_after_seconds(value, NOW) == expected


def test_retry_after_date_in_the_future_counts_from_now():
    later = (NOW + timedelta(minutes=10)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(later, NOW) == 600.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_sitemaps = 0", "max_sitemaps: must be a whole number from 1 to 10000"),
        ("max_pages = -1", "max_pages: must be a whole number from 1 to 1000000"),
        ("max_pages = 1.5", "max_pages: must be a whole number"),
        ("max_pages = true", "max_pages: must be a whole number"),
        ('redirect_domains = "x.example"', "redirect_domains: must be a list of strings"),
    ],
)
def test_bound_keys_are_checked_at_load(tmp_path, line, message):
    path = tmp_path / "sources.toml"
    path.write_text(source("a", "a.example", "/") + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"sources.a.{message}"):
        load_sources(path)


def test_max_retry_after_is_checked_at_load(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[crawler]\nmax_retry_after = -1\n" + source("a", "a.example", "/"))
    with pytest.raises(ConfigError, match="crawler.max_retry_after: must be between 0 and 86400"):
        load_sources(path)


def test_bound_defaults_fit_a_portal(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(source("a", "a.example", "/"), encoding="utf-8")
    loaded = load_sources(path)
    assert (loaded.sources["a"].max_sitemaps, loaded.sources["a"].max_pages) == (50, 2000)
    assert loaded.sources["a"].redirect_domains == ()
    assert loaded.crawler.max_retry_after == 300
