"""Analyst layer: full-text search, views, export and Datasette over a small Store-written DB."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from importlib.util import find_spec
from pathlib import Path

import pytest

from citynews.errors import InputError
from citynews.model import BERLIN, Document, Event, TopicMatch
from citynews.storage import analytics
from citynews.storage.store import open_db
from tests.test_feeds import HALLE, crawl, make_sample_db, sample_documents

SOON = (datetime.now(BERLIN) + timedelta(days=10)).replace(
    hour=17, minute=0, second=0, microsecond=0
)


def upcoming_document() -> Document:
    return Document(
        url="https://www.halle.example/termine/datenwerkstatt",
        source="halle",
        title="Datenwerkstatt im Stadtarchiv",
        kind="event",
        published=datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN),
        modified=None,
        published_source="meta",
        text="Offene Datenwerkstatt: Bürgerinnen und Bürger bauen Karten aus offenen Daten.",
        topics=[TopicMatch("veranstaltungen", 1.0, "event", [])],
        places=[HALLE],
        events=[Event("Datenwerkstatt", SOON, venue="Stadtarchiv", place=HALLE)],
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = make_sample_db(tmp_path_factory.mktemp("analytics") / "citynews.db")
    database = open_db(path)
    crawl(database, [upcoming_document()])
    analytics.install(database)
    analytics.refresh_counts(database)  # what every crawl does afterwards
    yield database
    database.close()


def titles(rows: list[dict]) -> list[str]:
    return [r["title"] for r in rows]


def test_install_is_idempotent(db):
    before = list(db.execute("select type, name, sql from sqlite_master order by name"))
    analytics.install(db)
    after = list(db.execute("select type, name, sql from sqlite_master order by name"))
    assert before == after
    assert set(analytics.VIEWS) <= set(db.view_names())
    assert db["documents"].detect_fts() == "documents_fts"
    assert db["states"].count == 16


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zwilling", '"zwilling"*'),
        ("digitaler Zwilling", '"digitaler"* AND "zwilling"*'),
        ("Mobilitaet", '("mobilitaet"* OR "mobilitat"*)'),
        ("Mobilitaet Halle", '("mobilitaet"* OR "mobilitat"*) AND "halle"*'),
        ('Open "Data" AND -x*', '"open"* AND "data"* AND "and"* AND "x"*'),
        ("NEAR(a b)", '"near"* AND "a"* AND "b"*'),
    ],
)
def test_fts_query_quotes_every_word(text, expected):
    assert analytics.fts_query(text) == expected


@pytest.mark.parametrize("text", ["", "   ", '"*()-:^'])
def test_fts_query_without_words_is_an_input_error(text):
    with pytest.raises(InputError):
        analytics.fts_query(text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Zwilling", ["Halle baut einen digitalen Zwilling der Innenstadt"]),
        ("Mobilitat", ["Magdeburg testet Mobilitätsstationen"]),
        ("Mobilitaet", ["Magdeburg testet Mobilitätsstationen"]),
        ("MOBILITÄT", ["Magdeburg testet Mobilitätsstationen"]),
        ("Sensor", ["Sensoren messen die Luftqualität"]),
        ("Zwilling Klima", ["Halle baut einen digitalen Zwilling der Innenstadt"]),
        ("Zwilling Feinstaub", []),
        ("Magdeburg Mobilitaet", ["Magdeburg testet Mobilitätsstationen"]),
        ("Mobilitaet Magdeburg", ["Magdeburg testet Mobilitätsstationen"]),
    ],
)
def test_search_finds_words_with_and_without_umlauts(db, query, expected):
    assert titles(analytics.search(db, query)) == expected


@pytest.mark.parametrize(
    "query", ['Zwilling"', "-Zwilling", "Zwilling)", "(Zwilling", "^Zwilling*", "Zwilling:"]
)
def test_hostile_search_input_never_breaks_fts(db, query):
    assert titles(analytics.search(db, query)) == [
        "Halle baut einen digitalen Zwilling der Innenstadt"
    ]


@pytest.mark.parametrize("query", ["Zwilling OR", "NEAR(", "AND AND", 'title:"x'])
def test_operators_in_input_are_searched_as_words(db, query):
    assert analytics.search(db, query) == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"topic": "digitaler-zwilling"}, 1),
        ({"topic": "mobilitaet"}, 0),
        ({"place": "15"}, 1),
        ({"place": "15002000"}, 1),
        ({"place": "Halle (Saale)"}, 1),
        ({"place": "sachsen-anhalt"}, 1),
        ({"place": "Bayern"}, 0),
        ({"since": "2026-03-10"}, 1),
        ({"since": "2026-03-11"}, 0),
    ],
)
def test_search_filters(db, kwargs, expected):
    assert len(analytics.search(db, "Stadtmodell", **kwargs)) == expected


def test_search_hides_duplicates_and_returns_snippets(db):
    rows = analytics.search(db, "Stadtmodell")
    assert [r["url"] for r in rows] == ["https://www.halle.example/meldung/zwilling"]
    assert "[" in rows[0]["snippet"]


def test_search_rejects_bad_since(db):
    with pytest.raises(InputError):
        analytics.search(db, "Zwilling", since="gestern")


def test_fts_follows_recrawled_changes(tmp_path):
    path = make_sample_db(tmp_path / "citynews.db")
    database = open_db(path)
    analytics.install(database)
    docs = sample_documents()
    docs[0].text += " Neu ist ein Hochwassermodell."
    crawl(database, docs)
    assert titles(analytics.search(database, "Hochwassermodell")) == [docs[0].title]
    database.close()


def test_views_return_joined_rows(db):
    doc = next(db.query("select * from v_documents where url like '%/meldung/konferenz'"))
    assert doc["source_title"] == "Kommune21"
    assert set(doc["topics"].split("; ")) == {"Künstliche Intelligenz", "Termine"}
    assert doc["places"] == "Leipzig" and doc["events"] == 4

    upcoming = list(db.query("select * from v_events_upcoming"))
    assert [e["title"] for e in upcoming] == ["Datenwerkstatt"]
    assert upcoming[0]["state"] == "Sachsen-Anhalt" and upcoming[0]["place"] == "Halle (Saale)"
    assert upcoming[0]["document_url"] == "https://www.halle.example/termine/datenwerkstatt"

    months = {
        (r["topic"], r["month"]): r["documents"] for r in db.query("select * from v_topic_month")
    }
    # The near-duplicate of the March article is not counted twice.
    assert months[("digitaler-zwilling", "2026-03")] == 1
    assert months[("mobilitaet", "2026-02")] == 1

    places = {r["name"]: r for r in db.query("select * from v_place_counts")}
    assert places["Halle (Saale)"]["documents"] == 2
    assert places["Jena"]["state"] == "Thüringen"


def test_refresh_counts_counts_new_documents(tmp_path):
    database = open_db(make_sample_db(tmp_path / "citynews.db"))
    analytics.install(database)
    sql = "select documents from v_topic_month where topic = 'veranstaltungen'"
    halle = "select documents from v_place_counts where ags = '15002000'"
    assert database.execute(sql).fetchall() == [(1,)]
    assert database.execute(halle).fetchall() == [(1,)]  # its near-duplicate is not counted
    crawl(database, [upcoming_document()])
    assert database.execute(sql).fetchall() == [(1,)]
    analytics.refresh_counts(database)
    assert database.execute(sql).fetchall() == [(2,)]
    assert database.execute(halle).fetchall() == [(2,)]
    database.close()


def test_export_table_as_csv_and_sql_as_json(db, tmp_path):
    out = tmp_path / "topics.csv"
    assert analytics.export(db, table="topics", out=out) == 6
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "slug,name,description,position"
    stream = io.StringIO()
    count = analytics.export(
        db,
        sql="select title, published from documents where source = 'halle' order by title",
        fmt="json",
        out=stream,
    )
    rows = json.loads(stream.getvalue())
    assert count == len(rows) == 3
    assert rows[0] == {
        "title": "Bürgerportal <script>alert('t')</script>startet",
        "published": "2026-03-01T11:00:00+01:00",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table": "nope"}, "no table or view 'nope'"),
        ({"sql": "delete from documents"}, "only reading is allowed"),
        ({"sql": "select 1; delete from documents"}, "bad SQL"),
        ({"sql": "selec * from documents"}, "bad SQL"),
        ({"table": "documents", "sql": "select 1"}, "either a table or a SQL query"),
        ({"table": "documents", "fmt": "xml"}, "format must be csv or json"),
    ],
)
def test_export_rejects_bad_input_with_one_line(db, kwargs, message):
    count = db["documents"].count
    with pytest.raises(InputError) as err:
        analytics.export(db, out=io.StringIO(), **kwargs)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert db["documents"].count == count
    db.execute("insert into states (code, name, slug) values ('99', 'Test', 'test')")
    db.execute("delete from states where code = '99'")  # query_only was switched off again


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, deadline: float) -> object:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.skipif(find_spec("datasette") is None, reason="datasette is not installed")
def test_datasette_serves_canned_queries(db):
    path = Path(db.execute("pragma database_list").fetchone()[2])
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "citynews", "serve", "--db", str(path), "--port", str(port)],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}/citynews"
        deadline = time.monotonic() + 30
        rows = _get_json(f"{base}/dokumente_pro_thema_und_monat.json?_shape=array", deadline)
        assert {"topic_name": "Mobilität & Verkehr", "month": "2026-02", "documents": 1} in rows
        rows = _get_json(f"{base}/termine_in_ort.json?_shape=array&ort=Sachsen-Anhalt", deadline)
        assert [r["title"] for r in rows] == ["Datenwerkstatt"]
        rows = _get_json(f"{base}/volltextsuche.json?_shape=array&suche=Zwilling", deadline)
        assert len(rows) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
