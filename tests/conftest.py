"""Shared fixtures: the sample portals' server, a CLI runner, saved-page responses."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Subprocess-heavy files, marked slow here so that `make test-fast` (-m "not slow") stays
# under a minute; end-to-end files mark themselves with ``pytestmark = pytest.mark.slow``.
# `make test` runs everything.
SLOW_FILES = frozenset(
    {
        "test_bench_smoke.py",  # the benchmark script on tiny inputs: ~90 s
        "test_cli.py",  # one `citynews` child process per test
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def run_cli(*args: str, timeout: float = 240, **kwargs) -> subprocess.CompletedProcess:
    """Run the real `citynews` command in a child process (one reactor per process)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "citynews", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
        **kwargs,
    )


def file_response(path: Path, url: str, *, meta: dict | None = None, headers: dict | None = None):
    """A saved page as a Scrapy response (City Scrapers' ``file_response``)."""
    from scrapy.http import HtmlResponse, Request, TextResponse

    body = path.read_bytes()
    request = Request(url=url, meta=meta or {})
    cls = HtmlResponse if path.suffix in (".html", ".htm") else TextResponse
    return cls(url=url, request=request, body=body, headers=headers or {}, encoding="utf-8")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (evaluation data for developers only)")
    return SHARED


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query on a crawled database file."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def crawl_and_status(sources: Path, db: Path, *extra: str, timeout: float = 120) -> dict:
    """`citynews crawl --json` then `citynews status --json` on the same files, timed."""
    started = time.monotonic()
    result = run_cli(
        "crawl", "--sources", str(sources), "--db", str(db), "--json", *extra, timeout=timeout
    )
    seconds = time.monotonic() - started
    status = run_cli("status", "--sources", str(sources), "--db", str(db), "--json")
    return {"db": db, "sources": sources, "result": result, "seconds": seconds, "status": status}
