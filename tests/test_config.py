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


def with_crawler(line: str) -> str:
    """GOOD with its one [crawler] setting replaced by ``line``."""
    return GOOD.replace('user_agent = "citynews-test/1 (+https://example.org/contact)"', line)


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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "concurrency_per_domain = 0",
            r"crawler\.concurrency_per_domain: must be between 1 and 16, got 0",
        ),
        ("concurrency_per_domain = 1000", r"crawler\.concurrency_per_domain: must be between"),
        (
            "concurrency_per_domain = true",
            r"crawler\.concurrency_per_domain: must be a whole number",
        ),
        (
            "concurrency_per_domain = 2.5",
            r"crawler\.concurrency_per_domain: must be a whole number",
        ),
        ("download_timeout = -5", r"crawler\.download_timeout: must be between 1 and 600, got -5"),
        ("download_timeout = nan", r"crawler\.download_timeout: must be between"),
        ("download_timeout = inf", r"crawler\.download_timeout: must be between"),
        ('download_timeout = "30"', r"crawler\.download_timeout: must be a number"),
        ("retry_times = -1", r"crawler\.retry_times: must be between 0 and 10"),
        ("max_page_bytes = 0", r"crawler\.max_page_bytes: must be between"),
        ("max_page_bytes = 99999999999", r"crawler\.max_page_bytes: must be between"),
        ('autothrottle = "yes"', r"crawler\.autothrottle: must be bool"),
        ('user_agent = "a\\r\\nX-Evil: 1"', r"crawler\.user_agent: must not contain control"),
    ],
)
def test_crawler_settings_are_range_checked(tmp_path, line, expected):
    path = write(tmp_path, with_crawler(line))
    with pytest.raises(ConfigError, match=expected) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: crawler.")


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("concurrency_per_domain = 16", 16),
        ("download_timeout = 2", 2.0),
        ("retry_times = 0", 0),
        ("max_page_bytes = 1000000", 1_000_000),
    ],
)
def test_settings_at_the_edge_of_their_range_load(tmp_path, line, value):
    config = load_sources(write(tmp_path, with_crawler(line)))
    key = line.split(" = ")[0]
    assert getattr(config.crawler, key) == value
    assert type(getattr(config.crawler, key)) is type(value)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("61 * * * *", r"sources\.alpha\.schedule: bad cron expression '61 \* \* \* \*'"),
        ("0 0 31 2 *", r"sources\.alpha\.schedule: cron expression '0 0 31 2 \*' never fires"),
        ("0 25 * * *", r"sources\.alpha\.schedule: bad cron expression"),
        ("0 9 * * 9", r"sources\.alpha\.schedule: bad cron expression"),
    ],
)
def test_bad_schedules_are_refused_at_load_naming_the_key(tmp_path, schedule, expected):
    path = write(tmp_path, GOOD.replace('schedule = "*/5 * * * *"', f'schedule = "{schedule}"'))
    with pytest.raises(ConfigError, match=expected):
        load_sources(path)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("a" * 64, True),
        ("a" * 65, False),
        ("x" * 250, False),
        ("halle-saale_2", True),
        ('"../etc"', False),
        ('"a b"', False),
        ('"ünter"', False),
    ],
)
def test_source_names_are_short_and_plain(tmp_path, name, ok):
    path = write(tmp_path, GOOD.replace("[sources.alpha]", f"[sources.{name}]"))
    if ok:
        assert list(load_sources(path).sources) == [name]
    else:
        with pytest.raises(ConfigError, match="source names are 1 to 64 characters"):
            load_sources(path)


@pytest.mark.parametrize(
    ("title", "expected"),
    [('"T" ', None), (f'"{"T" * 201}"', "at most 200 characters"), ('"a\\nb"', "control")],
)
def test_source_titles_are_one_short_line(tmp_path, title, expected):
    path = write(tmp_path, GOOD.replace('title = "Alpha"', f"title = {title}"))
    if expected is None:
        assert load_sources(path).sources["alpha"].title == "T"
    else:
        with pytest.raises(ConfigError, match=rf"sources\.alpha\.title: .*{expected}"):
            load_sources(path)
