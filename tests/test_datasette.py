"""`citynews serve`: a real Datasette on 127.0.0.1 over a database written through Store.

Searches take everyday German input, every column of documents, events and places is
described, tables open newest first with facets, heavy columns stay out of table views, the
canned queries answer by name, and the map and chart plugins are active.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from citynews.model import BERLIN, Event
from citynews.ops.datasette_hooks import hidden_columns_location
from citynews.ops.serve import METADATA_PATH, metadata_for
from citynews.storage.store import open_db
from tests.conftest import REPO
from tests.test_feeds import HALLE, LEIPZIG, _doc, crawl, make_sample_db

pytest.importorskip("datasette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float) -> tuple[int, str, str]:
    """Status, final URL and body; retries while the server starts."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, url, exc.read().decode("utf-8", "replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _add_future_events(db_path: Path) -> None:
    """Events ahead of the real clock: the server's "upcoming" is today's."""
    soon = datetime.now(BERLIN).replace(microsecond=0) + timedelta(days=10)
    docs = [
        _doc(
            f"zukunft-{place.ags}",
            "halle",
            kind="event",
            title=f"Werkstatt {place.name}",
            published=date.today(),
            places=[place],
            events=[Event(f"Zukunftswerkstatt {place.name}", soon, venue="Rathaus", place=place)],
        )
        for place in (HALLE, LEIPZIG)
    ]
    db = open_db(db_path)
    crawl(db, docs)
    db.close()


@contextmanager
def serving(db_path: Path) -> Iterator[str]:
    """`citynews serve` over ``db_path`` on a free port; yields the server's base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "citynews", "serve", "--db", str(db_path), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _get(f"{base}/-/versions.json", time.monotonic() + 60)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`citynews serve` over a database file named unlike `citynews.db` (metadata re-keyed)."""
    db_path = make_sample_db(tmp_path_factory.mktemp("serve") / "meine-daten.db")
    _add_future_events(db_path)
    with serving(db_path) as base:
        yield base, f"{base}/meine-daten", db_path


def _json(url: str):
    status, _, body = _get(url, time.monotonic() + 30)
    assert status == 200, body[:500]
    return json.loads(body)


@pytest.mark.parametrize("text", ["Smart-City", '"Smart', "Mobilität", "mobilitat", "Zwilling"])
def test_canned_full_text_search_takes_any_input(served, text):
    _, db, _ = served
    query = urllib.parse.urlencode({"suche": text, "_shape": "array"})
    rows = _json(f"{db}/volltextsuche.json?{query}")
    assert rows, text


@pytest.mark.parametrize("text", ["Smart-City", '"Smart', "Mobilität", "AND", "-", "'"])
def test_table_search_answers_200(served, text):
    _, db, _ = served
    query = urllib.parse.urlencode({"_search": text, "_shape": "array"})
    _json(f"{db}/documents.json?{query}")


def test_table_search_finds_hyphenated_words(served):
    _, db, _ = served
    rows = _json(f"{db}/documents.json?_search=Smart-City&_shape=array")
    assert [r["title"] for r in rows] == ["Smart-City-Konferenz in Leipzig"]


def test_every_column_of_documents_events_places_is_described(served):
    _, _, db_path = served
    tables = metadata_for(db_path)["databases"]["meine-daten"]["tables"]
    db = open_db(db_path, create=False)
    for table in ("documents", "events", "places"):
        columns = {c.name for c in db[table].columns}
        described = tables[table]["columns"]
        assert columns <= set(described), (table, columns - set(described))
        assert all(len(text) > 5 for text in described.values())
    db.close()


def test_metadata_is_keyed_for_the_served_file(tmp_path):
    shipped = json.loads(METADATA_PATH.read_text("utf-8"))
    assert list(shipped["databases"]) == ["citynews"]
    assert list(metadata_for(tmp_path / "x.db")["databases"]) == ["x"]
    assert list(metadata_for(tmp_path / "citynews.db")["databases"]) == ["citynews"]


def test_documents_newest_first_with_facets_and_no_heavy_columns(served):
    _, db, _ = served
    status, final, html = _get(f"{db}/documents", time.monotonic() + 30)
    assert status == 200
    assert "_nocol=text" in final and "_nocol=minhash" in final
    data = _json(f"{db}/documents.json?_nocol=text&_nocol=content_html&_nocol=minhash")
    assert "text" not in data["columns"] and "minhash" not in data["columns"]
    assert data.get("sort_desc") == "published_utc" or "sorted by published_utc descending" in html
    published = [r[data["columns"].index("published_utc")] for r in data["rows"]]
    dated = [p for p in published if p]
    assert dated == sorted(dated, reverse=True)
    assert {"source", "kind"} <= set(data["facet_results"])
    view = _json(f"{db}/v_documents.json")
    assert {"source", "kind", "topic_list", "state_list"} <= set(view["facet_results"])
    states = {f["value"] for f in view["facet_results"]["state_list"]["results"]}
    assert {"Sachsen-Anhalt", "Sachsen", "Thüringen"} <= states


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/x/documents", "", "/x/documents?_nocol=text&_nocol=content_html&_nocol=minhash"),
        ("/x/documents", "_sort=id", "/x/documents?_sort=id&_nocol=text&_nocol=content_html"),
        ("/x/documents", "_nocol=url", None),
        ("/x/documents.json", "", None),
        ("/x/documents/abc", "", None),
        ("/x/events", "", None),
    ],
)
def test_heavy_columns_redirect(path, query, expected):
    location = hidden_columns_location(path, query)
    if expected is None:
        assert location is None
    else:
        assert location.startswith(expected)


@pytest.mark.parametrize(
    ("ort", "titles"),
    [
        ("Leipzig", ["Zukunftswerkstatt Leipzig"]),
        ("halle", ["Zukunftswerkstatt Halle (Saale)"]),
        ("Sachsen-Anhalt", ["Zukunftswerkstatt Halle (Saale)"]),
        ("sachsen", ["Zukunftswerkstatt Leipzig"]),
        ("Jena", []),
    ],
)
def test_upcoming_events_by_town_or_state_name(served, ort, titles):
    _, db, _ = served
    rows = _json(f"{db}/termine_in_ort.json?_shape=array&ort={urllib.parse.quote(ort)}")
    assert [r["title"] for r in rows if r["title"].startswith("Zukunft")] == titles


def test_canned_queries_per_topic_month_source_and_duplicates(served):
    _, db, _ = served
    months = _json(f"{db}/dokumente_pro_thema_und_monat.json?_shape=array")
    assert {"topic_name": "Mobilität & Verkehr", "month": "2026-02", "documents": 1} in months
    newest = _json(f"{db}/neueste_dokumente_einer_quelle.json?_shape=array&quelle=halle")
    assert "Halle baut einen digitalen Zwilling der Innenstadt" in [r["title"] for r in newest]
    assert all(r["url"].startswith("https://www.halle.example/") for r in newest)
    assert [r["published"][:10] for r in newest] == sorted(
        (r["published"][:10] for r in newest), reverse=True
    )
    dupes = _json(f"{db}/dubletten_ueber_portale.json?_shape=array")
    assert dupes == [
        {
            "titel": "Halle baut einen digitalen Zwilling der Innenstadt",
            "portal": "halle",
            "url": "https://www.halle.example/meldung/zwilling",
            "kopie_portal": "kommune21",
            "kopie_url": "https://www.kommune21.example/meldung/zwilling-kopie",
        }
    ]


def test_map_and_chart_plugins_are_active(served):
    base, db, _ = served
    plugins = {p["name"] for p in _json(f"{base}/-/plugins.json")}
    assert {"datasette-cluster-map", "datasette-vega", "citynews"} <= plugins
    status, _, html = _get(f"{db}/places", time.monotonic() + 30)
    assert status == 200 and "datasette-cluster-map" in html
    status, _, html = _get(f"{db}/dokumente_pro_thema_und_monat", time.monotonic() + 30)
    assert status == 200 and "/-/static-plugins/datasette_vega/" in html


def test_serve_needs_an_existing_database(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "citynews", "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert Path(tmp_path / "none.db").exists() is False
