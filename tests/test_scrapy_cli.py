"""Scrapy's own commands in the repository: `scrapy list` and `scrapy crawl NAME`.

They run as child processes in the repository (where scrapy.cfg is), the crawl against the
demo's sample portals, and must behave as `citynews crawl --source NAME` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.crawler.spiderloader import SourceSpiderLoader
from citynews.ops.lock import crawl_lock
from citynews.sample.sites import SampleServer
from tests.conftest import REPO, query, run_cli

pytestmark = pytest.mark.slow


def scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("CITYNEWS_SOURCES", "CITYNEWS_DATA")}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env={**clean, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


@pytest.fixture(scope="module")
def server():
    with SampleServer() as running:
        yield running


def sample_settings(server: SampleServer, db: Path) -> list[str]:
    return [
        "-s",
        f"CITYNEWS_SOURCES={SAMPLE_SOURCES}",
        "-s",
        f"CITYNEWS_PROXY={server.proxy_url}",
        "-s",
        f"CITYNEWS_DB={db}",
    ]


def test_scrapy_list_shows_one_spider_per_enabled_default_source():
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    enabled = sorted(s.name for s in load_sources(REPO / "data" / "sources.toml").select())
    assert result.stdout.split() == enabled


def test_scrapy_list_reads_the_sources_named_in_the_environment():
    result = scrapy("list", env={"CITYNEWS_SOURCES": str(SAMPLE_SOURCES)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == sorted(load_sources(SAMPLE_SOURCES).sources)


def test_scrapy_list_with_a_missing_sources_file_is_one_line_exit_2(tmp_path):
    result = scrapy("list", "-s", f"CITYNEWS_SOURCES={tmp_path / 'nope.toml'}")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"citynews: error: {tmp_path / 'nope.toml'}: sources file not found"
    ]


def test_scrapy_crawl_stores_like_citynews_crawl(server, tmp_path):
    db = tmp_path / "scrapy.db"
    result = scrapy("crawl", "smartcity-dialog", *sample_settings(server, db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("crawl: 1 sources, ")
    assert len(result.stdout.strip().splitlines()) == 1
    assert query(db, "select source, status from crawl_runs") == [("smartcity-dialog", "ok")]

    reference = tmp_path / "citynews.db"
    plain = run_cli(
        "crawl",
        "--source",
        "smartcity-dialog",
        "--sources",
        str(SAMPLE_SOURCES),
        "--db",
        str(reference),
        "--proxy",
        server.proxy_url,
    )
    assert plain.returncode == 0, plain.stderr[-3000:]
    sql = "select url, title, kind from documents order by url"
    assert query(db, sql) == query(reference, sql)
    assert len(query(db, sql)) > 5


def test_scrapy_crawl_while_another_crawl_holds_the_lock_exits_3(server, tmp_path):
    db = tmp_path / "locked.db"
    with crawl_lock(db):
        result = scrapy("crawl", "smartcity-halle", *sample_settings(server, db))
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "another crawl is running" in result.stderr


def test_scrapy_crawl_of_an_unknown_source_is_one_line_exit_2(server, tmp_path):
    result = scrapy("crawl", "portal", *sample_settings(server, tmp_path / "x.db"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unknown source 'portal'" in result.stderr


def test_spider_loader_finds_the_source_of_a_request():
    from scrapy import Request

    loader = SourceSpiderLoader(str(SAMPLE_SOURCES))
    found = loader.find_by_request(Request("http://smartcity.halle.example/smart-city/x/"))
    assert found == ["smartcity-halle"]
    assert loader.load("smartcity-halle").source.home_region == "15002"
    with pytest.raises(KeyError, match="Spider not found: portal"):
        loader.load("portal")
