"""One hostile page costs nothing else: a real crawl over 127.0.0.1 into a real SQLite file.

Ten article pages of one source; one carries a lone surrogate escape in its JSON-LD (it used to
make the content hash raise inside the storage batch, losing every document of the batch),
another a vertical tab in its text (it used to make the main-text step return nothing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.faultserver import FaultServer, article_html, listing_html, page

pytestmark = pytest.mark.slow

SURROGATE_JSONLD = (
    '<script type="application/ld+json">{"@context": "https://schema.org",'
    ' "@type": "NewsArticle", "headline": "Sturmschäden\\ud800 am Rathaus",'
    ' "datePublished": "2026-04-02T08:00:00+02:00", "author": {"name": "Pressestelle\\udc00"}}'
    "</script>"
)


def article(n: int) -> str:
    title = f"Neue Ladesäulen im Stadtteil Nummer {n} in Betrieb genommen"
    paragraphs = [
        f"Im Stadtteil {n} sind seit Dienstag vier neue Ladesäulen für Elektroautos in Betrieb. "
        "Die Stadtwerke haben sie an zwei Parkplätzen in der Nähe des Bürgeramts aufgestellt.",
        "Geladen wird mit Ökostrom; bezahlt wird mit der Ladekarte oder per Smartphone. "
        "Weitere Standorte sollen bis zum Jahresende folgen, teilte die Verwaltung mit.",
    ]
    return article_html(title, paragraphs, published=f"2026-04-{n:02d}")


def hostile_pages() -> dict[int, str]:
    pages = {n: article(n) for n in range(1, 11)}
    pages[3] = pages[3].replace("</head>", SURROGATE_JSONLD + "</head>")
    # A vertical tab between two words, as text pasted from a word processor brings it.
    pages[7] = pages[7].replace("Ladesäulen für", "Ladesäulen\x0bfür", 1)
    return pages


def serve(server: FaultServer, pages: dict[int, str]) -> None:
    server.route("/news/", page(listing_html([f"/news/doc-{n}.html" for n in pages])))
    for n, html in pages.items():
        server.route(f"/news/doc-{n}.html", page(html))


def write_sources(
    path: Path, server: FaultServer, name: str = "hostile", folder: str = "news"
) -> Path:
    """A sources file with one listing source at /FOLDER/ whose articles are /FOLDER/doc-N.html."""
    path.write_text(
        f"""
[crawler]
download_timeout = 5
retry_times = 0
autothrottle = false
concurrency_per_domain = 8

[sources.{name}]
title = "Testquelle {name}"
kind = "listing"
start_urls = ["{server.url(f"/{folder}/")}"]
allowed_domains = ["127.0.0.1"]
article_patterns = ['/{folder}/doc-\\d+\\.html$']
schedule = "0 */6 * * *"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isolation")
    with FaultServer() as server:
        serve(server, hostile_pages())
        sources = write_sources(tmp / "sources.toml", server)
        db = tmp / "hostile.db"
        result = run_cli("crawl", "--sources", str(sources), "--db", str(db), "--json")
    return {"db": db, "result": result}


def test_every_page_of_the_hostile_source_is_stored(crawled):
    result = crawled["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["new"] == 10 and summary["failed"] == []
    assert query(crawled["db"], "select count(*) from documents") == [(10,)]
    run = query(crawled["db"], "select status, documents_new, errors from crawl_runs")
    assert run == [("ok", 10, 0)]


def test_the_vertical_tab_is_gone_and_the_words_stay_apart(crawled):
    [(text,)] = query(crawled["db"], "select text from documents where url like '%doc-7.html'")
    assert "\x0b" not in text
    assert "Ladesäulen\nfür" in text or "Ladesäulen für" in text


def test_the_lone_surrogates_are_gone_from_title_and_text(crawled):
    [(title, text)] = query(
        crawled["db"], "select title, text from documents where url like '%doc-3.html'"
    )
    assert title == "Sturmschäden am Rathaus"
    assert text.encode("utf-8")


def test_extract_prints_a_record_for_the_surrogate_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(hostile_pages()[3], encoding="utf-8")
    result = run_cli("extract", str(path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "Sturmschäden am Rathaus"
    assert "Ladesäulen" in record["text"]


def test_a_page_that_normalizing_fails_on_is_recorded_with_its_reason(tmp_path):
    """A bug in a normalizer (here: one that always raises) costs that page, with its reason."""
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from citynews.crawler.pipelines import NormalizePipeline
    from citynews.crawler.state import get_state

    def failing_normalizer(html, url, **kwargs):
        raise ZeroDivisionError("division by zero in a date rule")

    crawler = get_crawler(settings_dict={"CITYNEWS_DB": str(tmp_path / "n.db")})
    state = get_state(crawler)
    state.begin("hostile")
    pipeline = NormalizePipeline(crawler, failing_normalizer)
    item = {"url": "http://127.0.0.1/news/doc-1.html", "source": "hostile", "html": article(1)}
    with pytest.raises(DropItem, match="normalizing failed"):
        pipeline.process_item(item)
    state.store.flush()
    rows = list(state.store.db.query("select run_id, url, outcome, error from fetch_events"))
    assert rows == [
        {
            "run_id": state.run_id,
            "url": item["url"],
            "outcome": "normalize-failed",
            "error": "ZeroDivisionError: division by zero in a date rule",
        }
    ]
    assert state.store.stats["hostile"].errors == 1
    state.store.db.close()
