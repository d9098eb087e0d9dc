"""``scrapy crawl NAME``: ``citynews crawl --source NAME`` with Scrapy's command line."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError


class Command(ScrapyCommand):
    requires_project = True
    # citynews' crawl builds its own crawler process after taking the lock.
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options] <source>"

    def short_desc(self) -> str:
        return "Crawl one source into the database (as `citynews crawl --source NAME`)"

    def long_desc(self) -> str:
        return (
            "Crawl one source of CITYNEWS_SOURCES into CITYNEWS_DB under the crawl lock, print "
            "the one-line summary and exit 0 (ok), 1 (failed), 2 (configuration) or 3 (locked)."
            " Set -s CITYNEWS_PROXY=http://127.0.0.1:PORT to crawl through a local proxy."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--full", action="store_true", help="re-fetch every page, not only new or changed"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one source name")
        from citynews.ops.cli import cli

        assert self.settings is not None
        argv = [
            "crawl",
            "--source",
            args[0],
            "--sources",
            str(self.settings.get("CITYNEWS_SOURCES")),
            "--db",
            str(self.settings.get("CITYNEWS_DB")),
        ]
        if self.settings.get("CITYNEWS_PROXY"):
            argv += ["--proxy", self.settings.get("CITYNEWS_PROXY")]
        if opts.full:
            argv.append("--full")
        # Click exits with the command's own code; Scrapy's exit code would say 0 regardless.
        cli.main(args=argv, prog_name="citynews")
