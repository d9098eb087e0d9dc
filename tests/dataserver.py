"""A data server on 127.0.0.1 for the machine-readable source tests (iCal, JSON, feeds, OParl).

Serves fixed bodies by path, remembers every request with its query string, and can filter
an answer by the query (an OParl list honouring ``modified_since``). Crawls run as child
processes: the Twisted reactor runs once per process.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import REPO, run_cli

Answer = tuple[bytes, str] | Callable[[dict[str, list[str]]], tuple[bytes, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests read DataServer.requests."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        parts = urlsplit(self.path)
        owner = self.server.owner
        owner.requests.append(self.path)
        answer = owner.files.get(parts.path)
        if answer is None:
            body, ctype, status = b"not found", "text/plain", 404
        else:
            body, ctype = answer(parse_qs(parts.query)) if callable(answer) else answer
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: DataServer


class DataServer:
    def __init__(self, files: dict[str, Answer] | None = None) -> None:
        self.files: dict[str, Answer] = dict(files or {})
        self.requests: list[str] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> DataServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


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


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()
