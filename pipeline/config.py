"""Sources as data: load and validate ``sources.toml``.

Every problem is reported as a :class:`ConfigError` naming the file and the bad key,
so a user who edits the file sees exactly what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citynews import cron
from citynews.errors import ConfigError
from citynews.model import USER_AGENT as DEFAULT_USER_AGENT
from citynews.paths import PACKAGE_DATA, default_db, default_feeds_dir, default_sources
from citynews.sourcekinds import (
    MACHINE_KINDS,
    MACHINE_SOURCE_KEYS,
    MachineOptions,
    parse_machine_keys,
)

DEFAULT_SOURCES = default_sources()
SAMPLE_SOURCES = PACKAGE_DATA / "sample" / "sources.toml"
DEFAULT_DB = default_db()
DEFAULT_FEEDS_DIR = default_feeds_dir()

KINDS = ("feed", "sitemap", "listing", *MACHINE_KINDS)
SELECTOR_KEYS = ("title", "content", "date")
# Source names become file names, feed titles and URL parts: short and plain.
SOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_TITLE = 200


@dataclass(frozen=True)
class Limit:
    """The type and inclusive range a numeric setting must have."""

    type: type
    low: float
    high: float


# Every numeric setting, range-checked at load. A value outside these makes no sense for a
# polite crawler of municipal portals (0 concurrency hangs the crawl; a negative timeout
# breaks Twisted), so it is refused with the file, table and key rather than tolerated.
CRAWLER_LIMITS: dict[str, Limit] = {
    "concurrency_per_domain": Limit(int, 1, 16),
    "download_timeout": Limit(float, 1, 600),
    "retry_times": Limit(int, 0, 10),
    "max_page_bytes": Limit(int, 64 * 1024, 100 * 1024 * 1024),
    "max_retry_after": Limit(float, 0, 86_400),
}


@dataclass(frozen=True)
class CrawlerSettings:
    user_agent: str = DEFAULT_USER_AGENT
    concurrency_per_domain: int = 2
    download_timeout: float = 30.0
    retry_times: int = 2
    max_page_bytes: int = 5 * 1024 * 1024
    autothrottle: bool = True
    # A Retry-After longer than this gives the URL up for the run instead of holding the lock.
    max_retry_after: int = 300


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    kind: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    article_patterns: tuple[str, ...] = ()
    event_patterns: tuple[str, ...] = ()
    listing_patterns: tuple[str, ...] = ()
    pagination_selector: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    schedule: str = "0 */6 * * *"
    home_region: str | None = None
    licence: str = ""
    verified: bool = True
    enabled: bool = True
    # iCal/JSON/OParl windows, the JSON mapping and event-feed dates (citynews.sourcekinds).
    machine: MachineOptions = field(default_factory=MachineOptions)
    # Hosts a start URL may redirect to besides allowed_domains (a portal that moved).
    redirect_domains: tuple[str, ...] = ()
    # Bounds of one run: sitemaps fetched, document pages requested.
    max_sitemaps: int = 50
    max_pages: int = 2000
    # Fetch a page's own iCalendar entry ("In Kalender eintragen"): one request more per event
    # page, the event's exact start, end and place in return.
    fetch_calendars: bool = False

    def page_kind(self, url: str) -> str | None:
        """'listing', 'event' or 'article' when a configured pattern matches the URL.

        Listing patterns win: pagination URLs often also look like article URLs.
        """
        for kind, patterns in (
            ("listing", self.listing_patterns),
            ("event", self.event_patterns),
            ("article", self.article_patterns),
        ):
            if any(re.search(p, url) for p in patterns):
                return kind
        return None


@dataclass(frozen=True)
class SourcesConfig:
    path: Path
    crawler: CrawlerSettings
    sources: dict[str, Source]
    # [feeds] base_url: the public URL of the published feed folder.
    feeds_base_url: str | None = None

    def select(self, names: list[str] | tuple[str, ...] | None = None) -> list[Source]:
        """The enabled sources, or exactly the named ones (unknown names are an error)."""
        if not names:
            return [s for s in self.sources.values() if s.enabled]
        unknown = [n for n in names if n not in self.sources]
        if unknown:
            known = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(f"unknown source {unknown[0]!r} in {self.path} (known: {known})")
        return [self.sources[n] for n in names]


def _expect(value: Any, typ: type | tuple[type, ...], where: str, what: str) -> Any:
    if not isinstance(value, typ):
        raise ConfigError(f"{where}: must be {what}, got {type(value).__name__} {value!r}")
    return value


def _number(value: Any, where: str, limit: Limit) -> Any:
    """A numeric setting of the right type inside its range (booleans are not numbers)."""
    allowed = (int, float) if limit.type is float else (limit.type,)
    if isinstance(value, bool) or not isinstance(value, allowed):
        what = "a number" if limit.type is float else "a whole number"
        raise ConfigError(f"{where}: must be {what}, got {type(value).__name__} {value!r}")
    # Written as "not inside" so NaN (valid TOML) is refused too.
    if not limit.low <= value <= limit.high:
        low, high = (f"{b:g}" for b in (limit.low, limit.high))
        raise ConfigError(f"{where}: must be between {low} and {high}, got {value!r}")
    return limit.type(value)


def _text(value: Any, where: str, *, max_length: int = MAX_TITLE) -> str:
    """A one-line string of at most ``max_length`` characters."""
    _expect(value, str, where, "a string")
    if len(value) > max_length:
        raise ConfigError(f"{where}: at most {max_length} characters, got {len(value)}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ConfigError(f"{where}: must not contain control characters or line breaks")
    return value


def _str_list(table: dict[str, Any], key: str, where: str, *, required: bool = False) -> tuple:
    if key not in table:
        if required:
            raise ConfigError(f"{where}.{key}: missing (a list of strings)")
        return ()
    items = _expect(table[key], list, f"{where}.{key}", "a list of strings")
    for i, item in enumerate(items):
        _expect(item, str, f"{where}.{key}[{i}]", "a string")
    if required and not items:
        raise ConfigError(f"{where}.{key}: must not be empty")
    return tuple(items)


def _patterns(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    patterns = _str_list(table, key, where)
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}.{key}[{i}]: bad regular expression: {exc}") from None
    return patterns


def _cron(expr: str, where: str) -> str:
    try:
        cron.validate(expr)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return expr


SOURCE_KEYS = {
    "title",
    "kind",
    "start_urls",
    "allowed_domains",
    "article_patterns",
    "event_patterns",
    "listing_patterns",
    "pagination_selector",
    "selectors",
    "schedule",
    "home_region",
    "licence",
    "verified",
    "enabled",
    *MACHINE_SOURCE_KEYS,
    "redirect_domains",
    "max_sitemaps",
    "max_pages",
    "fetch_calendars",
}
# Ranges of the numeric source keys: (smallest, largest).
SOURCE_BOUNDS = {"max_sitemaps": (1, 10_000), "max_pages": (1, 1_000_000)}
CRAWLER_KEYS = {f for f in CrawlerSettings.__dataclass_fields__}


def _bounded(table: dict[str, Any], key: str, where: str) -> int:
    low, high = SOURCE_BOUNDS[key]
    value = table.get(key, Source.__dataclass_fields__[key].default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}.{key}: must be a whole number from {low} to {high}")
    return value


def _parse_source(name: str, table: Any, where: str) -> Source:
    table = _expect(table, dict, where, "a table")
    unknown = sorted(set(table) - SOURCE_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(SOURCE_KEYS))})"
        )
    if not SOURCE_NAME.fullmatch(name):
        raise ConfigError(f"{where}: source names are 1 to 64 characters of a-z, 0-9, '-' and '_'")
    if "title" not in table:
        raise ConfigError(f"{where}.title: missing")
    kind = table.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    start_urls = _str_list(table, "start_urls", where, required=True)
    for i, url in enumerate(start_urls):
        if not re.match(r"https?://[^/]+", url):
            raise ConfigError(f"{where}.start_urls[{i}]: not an http(s) URL: {url!r}")
    selectors = _expect(table.get("selectors", {}), dict, f"{where}.selectors", "a table")
    for key, value in selectors.items():
        if key not in SELECTOR_KEYS:
            raise ConfigError(
                f"{where}.selectors.{key}: unknown (allowed: {', '.join(SELECTOR_KEYS)})"
            )
        _expect(value, str, f"{where}.selectors.{key}", "a CSS selector string")
    home_region = table.get("home_region") or None
    if home_region is not None and not re.fullmatch(r"\d{2,8}", str(home_region)):
        raise ConfigError(f"{where}.home_region: must be an AGS prefix of 2 to 8 digits")
    return Source(
        name=name,
        title=_text(table["title"], f"{where}.title"),
        kind=kind,
        start_urls=start_urls,
        allowed_domains=_str_list(table, "allowed_domains", where, required=True),
        article_patterns=_patterns(table, "article_patterns", where),
        event_patterns=_patterns(table, "event_patterns", where),
        listing_patterns=_patterns(table, "listing_patterns", where),
        pagination_selector=table.get("pagination_selector") or None,
        selectors=dict(selectors),
        schedule=_cron(
            _expect(table.get("schedule", "0 */6 * * *"), str, f"{where}.schedule", "a string"),
            f"{where}.schedule",
        ),
        home_region=home_region,
        licence=_expect(table.get("licence", ""), str, f"{where}.licence", "a string"),
        verified=_expect(table.get("verified", True), bool, f"{where}.verified", "true or false"),
        enabled=_expect(table.get("enabled", True), bool, f"{where}.enabled", "true or false"),
        machine=parse_machine_keys(table, kind, where),
        redirect_domains=_str_list(table, "redirect_domains", where),
        max_sitemaps=_bounded(table, "max_sitemaps", where),
        max_pages=_bounded(table, "max_pages", where),
        fetch_calendars=_expect(
            table.get("fetch_calendars", False),
            bool,
            f"{where}.fetch_calendars",
            "true or false",
        ),
    )


def _parse_crawler(table: Any, where: str) -> CrawlerSettings:
    table = _expect(table, dict, where, "a table")
    unknown = sorted(set(table) - CRAWLER_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(CRAWLER_KEYS))})"
        )
    defaults = CrawlerSettings()
    values = {}
    for key, value in table.items():
        default = getattr(defaults, key)
        if key in CRAWLER_LIMITS:
            values[key] = _number(value, f"{where}.{key}", CRAWLER_LIMITS[key])
        elif isinstance(default, str):
            values[key] = _text(value, f"{where}.{key}")
        else:
            values[key] = _expect(value, type(default), f"{where}.{key}", type(default).__name__)
    return CrawlerSettings(**values)


def _parse_feeds(table: Any, where: str) -> str | None:
    table = _expect(table, dict, where, "a table")
    unknown = sorted(set(table) - {"base_url"})
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: base_url)")
    url = _expect(table.get("base_url", ""), str, f"{where}.base_url", "a string")
    if url and not re.match(r"https?://[^/]+", url):
        raise ConfigError(f"{where}.base_url: not an absolute http(s) URL: {url!r}")
    return url or None


def load_sources(path: Path | str | None = None) -> SourcesConfig:
    """Read and validate a sources file; raise ConfigError naming the bad key."""
    path = Path(path) if path else DEFAULT_SOURCES
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: broken TOML: {exc}") from None
    unknown = sorted(set(raw) - {"crawler", "feeds", "sources"})
    if unknown:
        raise ConfigError(
            f"{path}: {unknown[0]}: unknown top-level key (allowed: crawler, feeds, sources)"
        )
    feeds_base_url = _parse_feeds(raw.get("feeds", {}), f"{path}: feeds")
    crawler = _parse_crawler(raw.get("crawler", {}), f"{path}: crawler")
    tables = _expect(raw.get("sources", {}), dict, f"{path}: sources", "a table of sources")
    if not tables:
        raise ConfigError(f"{path}: no [sources.NAME] tables")
    sources = {
        name: _parse_source(name, table, f"{path}: sources.{name}")
        for name, table in tables.items()
    }
    return SourcesConfig(path=path, crawler=crawler, sources=sources, feeds_base_url=feeds_base_url)
