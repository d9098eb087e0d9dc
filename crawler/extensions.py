"""Scrapy extensions: a live progress line for people at a terminal, silence for cron.

When stderr is a terminal, one line is redrawn every ``CITYNEWS_PROGRESS_INTERVAL`` seconds with
pages, items and errors per source; the last state stays on screen when the crawl ends. When
stderr is not a terminal (cron, the scheduler, tests) the extension does not load at all, so the
output stays the one summary line the CLI prints.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from citynews.crawler.state import CrawlState


@dataclass(frozen=True)
class SourceProgress:
    source: str
    pages: int
    items: int
    errors: int


def progress_line(rows: list[SourceProgress], elapsed: float, width: int) -> str:
    """``crawl 12 s: a 24 pages 18 items 0 errors | b ...`` cut to the terminal width."""
    parts = [f"{r.source} {r.pages} pages {r.items} items {r.errors} errors" for r in rows]
    line = f"crawl {elapsed:.0f} s: " + " | ".join(parts)
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


class _Board:
    """One progress line for all crawlers of the process (one crawler per source)."""

    def __init__(self, stream: TextIO, interval: float) -> None:
        self.stream = stream
        self.interval = interval
        self.crawlers: dict[str, Any] = {}
        self.open = 0
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    def opened(self, name: str, crawler: Any) -> None:
        self.crawlers[name] = crawler
        self.open += 1
        if self.loop is None:
            self.started = time.monotonic()
            self.loop = task.LoopingCall(self.draw)
            self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        self.open -= 1
        if self.open > 0:
            return
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.loop = None
        self.draw(final=True)

    def rows(self) -> list[SourceProgress]:
        rows = []
        for name, crawler in self.crawlers.items():
            stats = crawler.stats
            state: CrawlState | None = getattr(crawler, "_citynews_state", None)
            run = state.store.stats.get(name) if state else None
            # Pages and errors as the run summary counts them (robots.txt is no page).
            rows.append(
                SourceProgress(
                    name,
                    run.pages if run else 0,
                    stats.get_value("item_scraped_count", 0),
                    run.errors if run else 0,
                )
            )
        return rows

    def draw(self, final: bool = False) -> None:
        width = shutil.get_terminal_size((100, 20)).columns
        line = progress_line(self.rows(), time.monotonic() - self.started, width)
        # \r and "erase to end of line" redraw in place; the final line is kept.
        self.stream.write("\r" + line + "\x1b[K" + ("\n" if final else ""))
        self.stream.flush()


_boards: dict[int, _Board] = {}


class ProgressExtension:
    """Registers each crawler's spider on the process-wide progress board."""

    def __init__(self, crawler: Any, board: _Board) -> None:
        self.crawler = crawler
        self.board = board

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        interval = crawler.settings.getfloat("CITYNEWS_PROGRESS_INTERVAL")
        stream = sys.stderr
        if interval <= 0 or not stream.isatty():
            # No message: Scrapy logs a NotConfigured reason as a warning, and under cron
            # staying quiet is the point.
            raise NotConfigured
        board = _boards.setdefault(id(stream), _Board(stream, interval))
        ext = cls(crawler, board)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.board.opened(spider.name, self.crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.board.closed()
