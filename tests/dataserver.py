"""A data server on 127.0.0.1 for the machine-readable source tests (iCal, JSON, feeds, OParl).

Serves fixed bodies by path, remembers every request with its query string, and can filter
an answer by the query (an OParl list honouring ``modified_since``). Crawls run as child
processes: the Twisted reactor runs once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from citynews.sample.httpserver import LocalServer, RequestHandler, not_found, send
from tests.conftest import REPO, query, run_cli

Answer = tuple[bytes, str] | Callable[[dict[str, list[str]]], tuple[bytes, str]]


class DataServer(LocalServer):
    """The shared test server with ``files``: path → (body, type) or a function of the query."""

    def __init__(self, files: dict[str, Answer] | None = None) -> None:
        super().__init__(fallback=self._answer)
        self.files: dict[str, Answer] = dict(files or {})

    @property
    def base(self) -> str:
        return self.base_url

    def _answer(self, handler: RequestHandler) -> None:
        parts = urlsplit(handler.path)
        answer = self.files.get(parts.path)
        if answer is None:
            not_found(handler)
            return
        body, ctype = answer(parse_qs(parts.query)) if callable(answer) else answer
        send(handler, 200, body, ctype)


def source_file(tmp: Path, name: str, table: str) -> Path:
    """A sources file with one source and a fast crawler (no AutoThrottle delays)."""
    path = tmp / f"{name}.toml"
    path.write_text(
        "[crawler]\nautothrottle = false\n\n" + f"[sources.{name}]\n" + table, encoding="utf-8"
    )
    return path


def crawl(sources: Path, db: Path, *, now: str | None = None) -> dict[str, Any]:
    """``citynews crawl`` (or, with a pinned clock, run_crawl) in a child process."""
    if now is None:
        result = run_cli("crawl", "--sources", str(sources), "--db", str(db), "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from citynews.config import load_sources\n"
        "from citynews.crawler.run import run_crawl\n"
        "config = load_sources(sys.argv[1])\n"
        "stats = run_crawl(config.select(), db_path=Path(sys.argv[2]),"
        " crawler_settings=config.crawler, extra_settings={'CITYNEWS_NOW': sys.argv[3]})\n"
        "print(json.dumps({n: s.__dict__ for n, s in stats.items()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(sources), str(db), now],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# The rows of one query on a crawled database file, under the name these tests read best.
rows = query
