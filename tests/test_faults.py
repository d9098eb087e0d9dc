"""Fault tests: real misbehaving servers on 127.0.0.1, the real crawl engine, a real SQLite file.

One crawl covers most faults at once (several sources side by side keep the suite fast); a
healthy source in the same run must come through untouched. Separate crawls check a crash
(kill -9) midway, hostile XML, two crawls started at once, and the progress line on a terminal.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, crawl_and_status, query, run_cli
from tests.faultserver import (
    FaultServer,
    article_html,
    drop,
    hang,
    listing_html,
    page,
    redirect,
    short_body,
    stream,
)

pytestmark = pytest.mark.slow

MAX_PAGE_BYTES = 1_000_000
HUGE_BYTES = 50 * 1024 * 1024
TOWNS = ("Leipzig", "Halle (Saale)", "Magdeburg", "Erfurt", "Jena", "Dessau-Roßlau", "Gera")


def german_article(n: int, topic: str = "Digitalisierung") -> tuple[str, list[str]]:
    town = TOWNS[n % len(TOWNS)]
    title = f"{town} treibt {topic} voran: Projekt Nummer {n} gestartet"
    paragraphs = [
        f"Die Stadt {town} hat am Montag das Vorhaben Nummer {n} vorgestellt. Nach Angaben der "
        f"Verwaltung sollen Bürgerinnen und Bürger künftig mehr Leistungen online erledigen "
        f"können, von der Meldebescheinigung bis zum Anwohnerparkausweis.",
        f"Für die Umsetzung stehen im laufenden Haushaltsjahr rund {100 + n} 000 Euro bereit. "
        "Die Förderung kommt zum größten Teil aus einem Programm des Landes, den Rest trägt "
        "die Kommune selbst.",
        "Wer keinen Computer besitzt, erhält Hilfe in den Stadtteilbibliotheken. Dort beraten "
        "geschulte Mitarbeitende montags und donnerstags zwischen 14 und 18 Uhr.",
    ]
    return title, paragraphs


def doc_page(n: int, **kwargs) -> str:
    title, paragraphs = german_article(n)
    return article_html(title, paragraphs, **kwargs)


def source_toml(name: str, server: FaultServer, *, kind: str = "listing", start: str = "") -> str:
    return f"""
[sources.{name}]
title = "Störfall {name}"
kind = "{kind}"
start_urls = ["{server.url(start or f"/{name}/")}"]
allowed_domains = ["127.0.0.1"]
article_patterns = ['/{name}/doc-\\d+\\.html$']
schedule = "0 */6 * * *"
"""


def write_sources(path: Path, server: FaultServer, names: list[str], **per_source) -> Path:
    text = f"""
[crawler]
download_timeout = 2
retry_times = 1
autothrottle = false
max_page_bytes = {MAX_PAGE_BYTES}
concurrency_per_domain = 8
"""
    for name in names:
        text += source_toml(name, server, **per_source.get(name, {}))
    path.write_text(text, encoding="utf-8")
    return path


def serve_listing(server: FaultServer, name: str, docs: dict[int, object]) -> None:
    """/NAME/ lists /NAME/doc-N.html; each doc is answered by its action."""
    server.route(f"/{name}/", page(listing_html([f"/{name}/doc-{n}.html" for n in docs])))
    for n, action in docs.items():
        server.route(f"/{name}/doc-{n}.html", action)


CHARSET_TITLE = "Größere Straßenbahn für Köln-Mülheim"
CHARSET_TEXT = [
    "Die Kölner Verkehrs-Betriebe erhöhen die Taktung auf der Linie 18 in Mülheim. Für "
    "Fahrgäste ändert sich außerdem die Haltestelle am Wiener Platz während der Bauarbeiten.",
    "Die Maßnahme dauert voraussichtlich bis Ende September. Über Umleitungen informieren "
    "Aushänge an den Haltestellen und die Fahrplanauskunft.",
]
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n'
    '<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title>'
    "<link>{link}</link></item></channel></rss>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>{link}</loc><lastmod>&xxe;</lastmod></url></urlset>"
)

FAULT_SOURCES = [
    "healthy",
    "errors",
    "slow",
    "dropped",
    "loop",
    "huge",
    "charset",
    "truncated",
    "cut",
    "empty",
    "down",
    "xxe",
    "bomb",
]


def build_faults(server: FaultServer) -> None:
    serve_listing(server, "healthy", {n: page(doc_page(n)) for n in (1, 2, 3)})
    serve_listing(
        server,
        "errors",
        {
            1: page("Interner Fehler", status=500),
            2: page("Wartung", status=503),
            3: page(doc_page(3)),
        },
    )
    serve_listing(server, "slow", {1: hang(10)})
    serve_listing(server, "dropped", {1: drop()})
    serve_listing(
        server,
        "loop",
        {1: redirect("/loop/doc-2.html"), 2: redirect("/loop/doc-1.html")},
    )
    serve_listing(server, "huge", {1: stream(HUGE_BYTES, counter="huge")})
    serve_listing(
        server,
        "charset",
        {
            1: page(
                article_html(CHARSET_TITLE, CHARSET_TEXT),
                content_type="text/html; charset=iso-8859-1",
            )
        },
    )
    cut_page = doc_page(4)
    serve_listing(server, "truncated", {1: page(cut_page[: cut_page.index("Wer keinen")])})
    serve_listing(server, "cut", {1: short_body(doc_page(5)[:600], claimed=4000)})
    serve_listing(server, "empty", {1: page(b"")})
    server.route("/down/", page("Wartungsarbeiten", status=503))
    server.route(
        "/xxe/sitemap.xml",
        page(XXE.format(link=server.url("/xxe/doc-1.html")), content_type="application/xml"),
    )
    server.route("/xxe/doc-1.html", page(doc_page(6)))
    server.route(
        "/bomb/feed.xml",
        page(
            BILLION_LAUGHS.format(link=server.url("/bomb/doc-1.html")),
            content_type="application/rss+xml",
        ),
    )
    server.route("/bomb/doc-1.html", page(doc_page(7)))


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    with FaultServer() as server:
        build_faults(server)
        sources = write_sources(
            tmp / "sources.toml",
            server,
            FAULT_SOURCES,
            xxe={"kind": "sitemap", "start": "/xxe/sitemap.xml"},
            bomb={"kind": "feed", "start": "/bomb/feed.xml"},
        )
        yield {
            "server": server,
            "port": server.port,
            **crawl_and_status(sources, tmp / "faults.db"),
        }


def outcomes(db: Path, source: str) -> dict[str, str]:
    """URL path → outcomes of its fetch events (comma-joined, in order)."""
    rows = query(
        db, "select url, outcome from fetch_events where source = ? order by id", (source,)
    )
    found: dict[str, list[str]] = {}
    for url, outcome in rows:
        found.setdefault(url.split(":", 2)[2].split("/", 1)[1], []).append(outcome)
    return {"/" + path: ",".join(values) for path, values in found.items()}


def documents(db: Path, source: str) -> list[tuple[str, str, str]]:
    return query(
        db, "select url, title, text from documents where source = ? order by url", (source,)
    )


def test_crawl_with_faults_finishes_with_exit_1_naming_the_failed_source(faults):
    result = faults["result"]
    assert result.returncode == 1, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["failed"] == ["down"]
    assert faults["seconds"] < 60


def test_dropped_pages_are_not_dumped_into_the_log(faults):
    """The empty page is dropped and recorded; its item (raw HTML and all) is not printed."""
    stderr = faults["result"].stderr
    assert "Dropped:" not in stderr and "'html':" not in stderr
    assert "no-content" in outcomes(faults["db"], "empty")["/empty/doc-1.html"]


def test_unreachable_site_is_one_line_per_failure_without_traceback(tmp_path):
    """Cron mails whatever a crawl prints: a host that refuses connections, robots.txt
    included, gives one-line errors and exit 1, not pages of tracebacks."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f"""
[crawler]
download_timeout = 2
retry_times = 1
autothrottle = false

[sources.gone]
title = "Abgeschaltetes Portal"
kind = "listing"
start_urls = ["http://127.0.0.1:{closed_port}/aktuelles/"]
allowed_domains = ["127.0.0.1"]
article_patterns = ['/aktuelles/.+\\.html$']
""",
        encoding="utf-8",
    )
    result = run_cli("crawl", "--sources", str(sources), "--db", str(tmp_path / "c.db"))
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert any("robots.txt" in line for line in result.stderr.splitlines()), result.stderr
    assert "1 failed" in result.stdout


def test_healthy_source_is_fully_stored_and_unaffected(faults):
    db = faults["db"]
    docs = documents(db, "healthy")
    assert [url.rsplit("/", 1)[1] for url, _, _ in docs] == [
        "doc-1.html",
        "doc-2.html",
        "doc-3.html",
    ]
    for _url, title, text in docs:
        assert "Projekt Nummer" in title and "Stadtteilbibliotheken" in text
    assert set(outcomes(db, "healthy").values()) == {"ok"}
    assert query(db, "select status from crawl_runs where source = 'healthy'") == [("ok",)]


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("errors", "/errors/doc-1.html", {"http-error"}),
        ("errors", "/errors/doc-2.html", {"http-error"}),
        ("errors", "/errors/doc-3.html", {"ok"}),
        ("slow", "/slow/doc-1.html", {"timeout"}),
        ("dropped", "/dropped/doc-1.html", {"connection"}),
        ("huge", "/huge/doc-1.html", {"too-large"}),
        ("cut", "/cut/doc-1.html", {"connection"}),
        ("empty", "/empty/doc-1.html", {"empty", "no-content"}),
        ("down", "/down/", {"http-error"}),
        ("xxe", "/xxe/sitemap.xml", {"ok", "bad-xml"}),
        ("bomb", "/bomb/feed.xml", {"ok", "bad-xml"}),
    ],
)
def test_each_fault_is_recorded_with_a_sensible_outcome(faults, source, path, expected):
    seen = outcomes(faults["db"], source)
    assert path in seen, seen
    assert set(seen[path].split(",")) == expected, seen


def test_redirect_loop_is_recorded_and_stores_nothing(faults):
    seen = outcomes(faults["db"], "loop")
    loop = {
        outcome for path, value in seen.items() if "doc-" in path for outcome in value.split(",")
    }
    assert loop and not loop & {"ok"}, seen
    assert "redirect-loop" in loop, seen  # not only hops that end silently in the dupe filter
    assert documents(faults["db"], "loop") == []


def test_huge_body_is_refused_by_size_without_being_downloaded(faults):
    sent = faults["server"].counters["huge"]
    assert sent < 10 * MAX_PAGE_BYTES, f"server sent {sent} bytes before the crawler gave up"
    assert documents(faults["db"], "huge") == []


def test_page_with_wrong_charset_header_is_stored_readable(faults):
    docs = documents(faults["db"], "charset")
    assert len(docs) == 1
    _url, title, text = docs[0]
    assert title == CHARSET_TITLE
    assert "Straßenbahn" in text or "Haltestelle" in text
    assert "Ã" not in title + text and "\ufffd" not in title + text


def test_truncated_html_still_yields_its_text(faults):
    docs = documents(faults["db"], "truncated")
    assert len(docs) == 1 and "Haushaltsjahr" in docs[0][2]


def test_hostile_xml_is_refused_without_expansion(faults):
    db = faults["db"]
    for source in ("xxe", "bomb"):
        assert documents(db, source) == []
        errors = query(
            db, "select error from fetch_events where source = ? and outcome = 'bad-xml'", (source,)
        )
        assert errors and all("refused" in e for (e,) in errors), errors
    assert query(db, "select count(*) from documents where text like '%root:x:0%'") == [(0,)]


def test_every_source_gets_a_finished_run(faults):
    runs = dict(query(faults["db"], "select source, status from crawl_runs"))
    assert set(runs) == set(FAULT_SOURCES)
    assert runs["down"] == "failed" and runs["healthy"] == "ok"
    assert "running" not in runs.values()


def test_status_after_the_faulty_crawl_flags_it_for_cron(faults):
    status = faults["status"]
    assert status.returncode == 1, status.stderr
    states = {row["source"]: row["state"] for row in json.loads(status.stdout)}
    assert states["healthy"] == "ok"
    assert states["down"] == "broken"
    assert states["slow"] == "broken"  # its only document timed out: 1 error of 2 fetches
    assert states["loop"] == "blocked"  # a redirect loop is an error, not "ok" with 0 pages


def test_integrity_after_faults(faults):
    assert query(faults["db"], "pragma integrity_check") == [("ok",)]


# --- crash, concurrency, progress ---------------------------------------------------------------


BULK = 260  # more than one storage batch (200), so some documents are committed midway


@pytest.fixture(scope="module")
def bulk_server():
    with FaultServer() as server:
        serve_listing(server, "bulk", {n: page(doc_page(n)) for n in range(1, BULK + 1)})
        serve_listing(server, "slowbulk", {n: page(doc_page(n), delay=0.5) for n in range(1, 9)})
        serve_listing(server, "healthy", {n: page(doc_page(n)) for n in (1, 2, 3)})
        yield server


def crawl_process(sources: Path, db: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "citynews",
            "crawl",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--json",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        text=True,
        **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs},
    )


def count_rows(db: Path, table: str) -> int:
    try:
        return query(db, f"select count(*) from {table}")[0][0]
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_kill_9_midway_then_recrawl_loses_nothing(bulk_server, tmp_path):
    sources = write_sources(tmp_path / "sources.toml", bulk_server, ["bulk"])
    db = tmp_path / "kill.db"
    proc = crawl_process(sources, db)
    deadline = time.monotonic() + 60
    # The first batch is committed once its fetch events are (they are written last).
    while count_rows(db, "fetch_events") == 0 and proc.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the crawl ended before it could be killed"
    before = {row[0] for row in query(db, "select id from documents")}
    assert 0 < len(before) < BULK

    result = run_cli("crawl", "--sources", str(sources), "--db", str(db), "--json", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(db, "pragma integrity_check") == [("ok",)]
    after = {row[0] for row in query(db, "select id from documents")}
    assert before <= after
    assert query(db, "select count(*), count(distinct url) from documents") == [(BULK, BULK)]
    statuses = [s for (s,) in query(db, "select status from crawl_runs order by id")]
    # The killed run never finished: the next crawl, holding the lock, marks it aborted.
    assert statuses == ["aborted", "ok"]


def test_two_crawls_at_once_one_runs_the_other_exits_3(bulk_server, tmp_path):
    sources = write_sources(tmp_path / "sources.toml", bulk_server, ["slowbulk"])
    db = tmp_path / "twice.db"
    first, second = crawl_process(sources, db), crawl_process(sources, db)
    results = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 3], results
    _, out, err = next(r for r in results if r[0] == 3)
    assert out == "" and len(err.strip().splitlines()) == 1 and "another crawl" in err
    assert query(db, "select count(*) from documents") == [(8,)]


def test_progress_line_on_a_terminal_and_silence_without_one(bulk_server, tmp_path):
    sources = write_sources(tmp_path / "sources.toml", bulk_server, ["healthy"])
    master, slave = pty.openpty()
    proc = crawl_process(sources, tmp_path / "tty.db", stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert "healthy 4 pages 3 items 0 errors" in screen, screen
    assert "crawl" not in out.replace('"', "").split(":")[0]  # stdout is only the JSON summary
    json.loads(out.strip().splitlines()[-1])

    quiet = run_cli("crawl", "--sources", str(sources), "--db", str(tmp_path / "cron.db"))
    assert quiet.returncode == 0
    assert "pages" not in quiet.stderr and quiet.stdout.startswith("crawl: 1 sources")
