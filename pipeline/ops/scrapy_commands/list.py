"""``scrapy list``: one spider per enabled source; a broken sources file is one line."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.list import Command as ScrapyList

from citynews.errors import CitynewsError


class Command(ScrapyList):
    def short_desc(self) -> str:
        return "List the spiders: one per enabled source of CITYNEWS_SOURCES"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().run(args, opts)
        except CitynewsError as exc:
            print(f"citynews: error: {exc}", file=sys.stderr)
            self.exitcode = exc.exit_code
