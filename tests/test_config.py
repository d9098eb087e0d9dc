from pathlib import Path

import pytest

from citynews.config import DEFAULT_SOURCES, SAMPLE_SOURCES, load_sources
from citynews.errors import ConfigError

GOOD = """
[crawler]
user_agent = "citynews-test/1 (+https://example.org/contact)"

[sources.alpha]
title = "Alpha"
kind = "listing"
start_urls = ["http://alpha.example/news/"]
allowed_domains = ["alpha.example"]
article_patterns = ['/news/[^/]+/$']
listing_patterns = ['/news/page-\\d+/$']
schedule = "*/5 * * * *"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    source = config.sources["alpha"]
    assert config.crawler.user_agent.startswith("citynews-test")
    assert source.page_kind("http://alpha.example/news/some-story/") == "article"
    assert source.page_kind("http://alpha.example/news/page-2/") == "listing"
    assert source.page_kind("http://alpha.example/about/") is None
    assert [s.name for s in config.select()] == ["alpha"]


@pytest.mark.parametrize(
    "replace, expected",
    [
        (('kind = "listing"', 'kind = "rss"'), r"sources\.alpha\.kind: must be one of"),
        (('title = "Alpha"\n', ""), r"sources\.alpha\.title: missing"),
        (
            ('start_urls = ["http://alpha.example/news/"]', "start_urls = []"),
            r"start_urls: must not",
        ),
        (
            ('start_urls = ["http://alpha.example/news/"]', 'start_urls = ["ftp://x"]'),
            r"start_urls\[0\]",
        ),
        (
            ("article_patterns = ['/news/[^/]+/$']", "article_patterns = ['(']"),
            r"article_patterns\[0\]: bad",
        ),
        (('schedule = "*/5 * * * *"', 'schedule = "hourly"'), r"schedule: cron expression"),
        (('schedule = "*/5 * * * *"', 'colour = "red"'), r"sources\.alpha\.colour: unknown key"),
        (('user_agent = "citynews', 'agent = "x'), r"crawler\.agent: unknown key"),
        (("[sources.alpha]", "[sources.Alpha!]"), r"broken TOML|source names"),
    ],
)
def test_bad_keys_are_named(tmp_path, replace, expected):
    old, new = replace
    assert old in GOOD
    with pytest.raises(ConfigError, match=expected):
        load_sources(write(tmp_path, GOOD.replace(old, new)))


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="broken TOML"):
        load_sources(write(tmp_path, "[sources.alpha\n"))


def test_unknown_source_selected(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="unknown source 'beta'.*known: alpha"):
        config.select(["beta"])


@pytest.mark.parametrize("path", [DEFAULT_SOURCES, SAMPLE_SOURCES])
def test_bundled_source_files_are_valid(path):
    config = load_sources(path)
    assert config.sources
    for source in config.sources.values():
        assert source.start_urls and source.allowed_domains
