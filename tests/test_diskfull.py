"""A full disk ends the run as failed and never reports more than was written.

The crawl runs in a child process under a small ``RLIMIT_FSIZE`` (with SIGXFSZ ignored, so a
write beyond the limit fails with EFBIG instead of killing the process): no mount, no root.
A second crawl without the limit must store what the first could not.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from citynews.config import load_sources
from citynews.storage.store import Store, open_db
from tests.conftest import REPO
from tests.faultserver import FaultServer, article_html, listing_html, page
from tests.test_isolation import query, write_sources

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE"),
]

PAGES = 400
# Room above the database file for the write-ahead log: a first batch of a crawl fits,
# the rest of the crawl does not.
HEADROOM = 3_000_000


def article(n: int) -> str:
    title = f"Sitzung des Ortschaftsrats Nummer {n}: Beschlüsse zum Radwegenetz"
    # Varied words per page, so that compression does not make every page tiny.
    words = " ".join(f"Abschnitt{n * 7 + k} Radweg{(n * 13 + k) % 997}" for k in range(120))
    paragraphs = [
        f"Der Ortschaftsrat hat in seiner Sitzung Nummer {n} über den Ausbau beraten. {words}",
        "Die Verwaltung legt den überarbeiteten Plan im kommenden Monat erneut vor.",
    ]
    return article_html(title, paragraphs, published=f"2026-02-{n % 28 + 1:02d}")


def crawl(sources: Path, db: Path, *, max_file_bytes: int | None) -> subprocess.CompletedProcess:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "citynews", "crawl", "--sources", str(sources), "--db", str(db)]
        + ["--json"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=limit if max_file_bytes else None,
    )


def test_a_full_disk_fails_the_run_truthfully_and_the_next_run_stores_the_rest(tmp_path):
    with FaultServer() as server:
        server.route("/rat/", page(listing_html([f"/rat/doc-{n}.html" for n in range(PAGES)])))
        for n in range(PAGES):
            server.route(f"/rat/doc-{n}.html", page(article(n)))
        sources = write_sources(tmp_path / "sources.toml", server, "ortsrat", "rat")
        db = tmp_path / "full.db"
        # The schema and reference rows exist before the limit, as in a database in use.
        store = Store(open_db(db))
        store.upsert_sources(load_sources(sources).sources.values())
        store.db.close()

        full = crawl(sources, db, max_file_bytes=db.stat().st_size + HEADROOM)

        assert full.returncode == 1, full.stderr[-3000:]
        assert "Traceback" not in full.stderr, full.stderr[-3000:]
        stored = query(db, "select count(*) from documents")[0][0]
        assert stored < PAGES
        runs = query(db, "select status, documents_new, message from crawl_runs")
        for status, new, message in runs:
            # A run row claims nothing that is not in the table; a finished one says why.
            assert (new or 0) <= stored
            assert status in ("failed", "running"), runs
            if status == "failed":
                assert message.startswith("database write failed:") and "\n" not in message
                assert new == stored  # exactly what was committed
        if full.stdout.strip():
            assert json.loads(full.stdout.strip().splitlines()[-1])["new"] <= stored
        else:
            assert len(full.stderr.strip().splitlines()[-1]) < 400
        # Pages whose documents were not stored are not remembered as known.
        known = query(
            db,
            "select count(*) from url_state u"
            " where exists (select 1 from pages p where p.url = u.url)",
        )[0][0]
        assert known <= stored

        again = crawl(sources, db, max_file_bytes=None)

    assert again.returncode == 0, again.stderr[-3000:]
    assert query(db, "select count(*) from documents") == [(PAGES,)]
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["new"] == PAGES - stored
    assert query(db, "select status from crawl_runs order by id desc limit 1") == [("ok",)]
