import re
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlite_utils

import citynews.storage
from citynews.config import Source
from citynews.errors import InputError
from citynews.model import BERLIN, Document, Event, Place, TopicMatch
from citynews.storage.store import (
    MIGRATIONS,
    RunStats,
    StorageWriteError,
    Store,
    abort_stale_runs,
    document_id,
    known_urls,
    migrate,
    open_db,
    stored_pages,
)

SOURCE = Source(
    name="alpha",
    title="Alpha",
    kind="listing",
    start_urls=("http://alpha.example/",),
    allowed_domains=("alpha.example",),
)
HALLE = Place("Halle (Saale)", "municipality", "15002000", 51.48, 11.97, state="Sachsen-Anhalt")


def make_doc(n: int = 1, **changes) -> Document:
    doc = Document(
        url=f"http://alpha.example/news/{n}/",
        source="alpha",
        title=f"Meldung {n}",
        kind="article",
        published=date(2026, 3, n),
        modified=None,
        published_source="text",
        text=f"Text der Meldung {n} über den digitalen Zwilling in Halle.",
        topics=[TopicMatch("digitaler-zwilling", 3.0, "keyword:Zwilling", ["Zwilling"])],
        places=[replace(HALLE, evidence="in Halle")],
        events=[
            Event(
                f"Workshop {n}",
                datetime(2026, 3, 17, 9, 0, tzinfo=BERLIN),
                datetime(2026, 3, 17, 12, 0, tzinfo=BERLIN),
                venue="Stadthaus",
                place=HALLE,
            )
        ],
    )
    return replace(doc, **changes)


@pytest.fixture
def store(tmp_path):
    db = open_db(tmp_path / "t.db")
    st = Store(db, batch_size=3)
    st.upsert_sources([SOURCE])
    yield st
    db.close()


def counts(db):
    return {t: db[t].count for t in ("documents", "events", "document_topics", "document_places")}


def test_schema_wal_and_idempotent_migration(store):
    db = store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrate(db) == migrate(db)
    assert {"documents", "events", "crawl_runs", "fetch_events", "url_state"} <= set(
        db.table_names()
    )


def test_recrawl_updates_instead_of_duplicating(store):
    for n in range(1, 6):  # crosses a batch boundary
        store.add(make_doc(n), raw_html=b"<html>%d</html>" % n)
    store.flush()
    first = counts(store.db)
    assert first == {"documents": 5, "events": 5, "document_topics": 5, "document_places": 5}
    seen = store.db["documents"].get(document_id(make_doc(1).url))["first_seen"]
    for n in range(1, 6):
        store.add(make_doc(n), raw_html=b"<html>%d</html>" % n)
    store.flush()
    assert counts(store.db) == first
    assert store.stats["alpha"].new == 5 and store.stats["alpha"].unchanged == 5
    assert store.db["documents"].get(document_id(make_doc(1).url))["first_seen"] == seen


def test_changed_event_bumps_sequence_and_removed_event_disappears(store):
    store.add(make_doc(1), raw_html=b"x")
    store.flush()
    moved = make_doc(1)
    moved.events[0].venue = "Rathaus"
    store.add(moved, raw_html=b"x")
    store.flush()
    row = next(store.db["events"].rows)
    assert (row["venue"], row["sequence"]) == ("Rathaus", 1)
    assert (
        row["start"] == "2026-03-17T09:00:00+01:00" and row["start_utc"] == "2026-03-17T08:00:00Z"
    )
    assert row["place_ags"] == "15002000"
    store.add(make_doc(1, events=[]), raw_html=b"x")
    store.flush()
    assert store.db["events"].count == 0
    assert store.stats["alpha"].updated == 2


def test_raw_html_round_trip_for_reprocessing(store):
    html = "<html><body>Grüße aus Halle</body></html>".encode()
    store.add(make_doc(2), raw_html=html)
    store.flush()
    (page,) = stored_pages(store.db, source="alpha")
    assert page["html"] == html and page["url"] == make_doc(2).url


def test_runs_and_fetch_events(store):
    run = store.start_run("alpha")
    store.record_fetch(
        run_id=run,
        source="alpha",
        url="http://alpha.example/1",
        outcome="ok",
        status=200,
        etag='"a"',
    )
    store.record_fetch(
        run_id=run, source="alpha", url="http://alpha.example/2", outcome="timeout", error="x"
    )
    stats = store.finish_run(run, "alpha", "partial", duration_s=1.5)
    assert (stats.pages, stats.errors) == (1, 1)
    row = store.db["crawl_runs"].get(run)
    assert row["status"] == "partial" and row["pages"] == 1 and row["errors"] == 1
    assert store.db["fetch_events"].count == 2
    assert store.db["url_state"].get("http://alpha.example/1")["etag"] == '"a"'


def test_missing_and_bad_database(tmp_path):
    with pytest.raises(InputError, match="database not found"):
        open_db(tmp_path / "none.db", create=False)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not a usable citynews database"):
        open_db(bad)


def test_a_document_that_cannot_be_stored_costs_that_document_only(store):
    run = store.start_run("alpha")
    broken = make_doc(3)
    broken.events[0].start = datetime(2026, 3, 17, 9, 0)  # naive: refused when written
    store.add(make_doc(1), raw_html=b"x")
    store.add(broken, raw_html=b"x")
    store.add(make_doc(2), raw_html=b"x")
    store.flush()
    stored = {row["url"] for row in store.db["documents"].rows}
    assert stored == {make_doc(1).url, make_doc(2).url}
    # Nothing of the broken document is half-written: no page, no event, no topic row.
    assert store.db["pages"].count == 2
    broken_id = document_id(broken.url)
    for table in ("events", "document_topics", "document_places"):
        assert store.db[table].count_where("document_id = ?", [broken_id]) == 0
    failures = list(store.db.query("select run_id, url, outcome, error from fetch_events"))
    assert failures == [
        {"run_id": run, "url": broken.url, "outcome": "store-failed", "error": failures[0]["error"]}
    ]
    assert "naive datetime" in failures[0]["error"]
    stats = store.stats["alpha"]
    assert (stats.new, stats.errors) == (2, 1)


def test_a_url_is_known_only_once_its_page_is_stored(store):
    run = store.start_run("alpha")
    for n in (1, 2):
        store.record_fetch(
            run_id=run, source="alpha", url=make_doc(n).url, outcome="ok", status=200, etag=f'"{n}"'
        )
    store.add(make_doc(1), raw_html=b"x")
    store.flush()
    assert set(known_urls(store.db, "alpha")) == {make_doc(1).url}


def test_runs_left_running_by_a_killed_crawl_are_marked_aborted(store):
    dead = store.start_run("alpha")
    finished = store.start_run("alpha")
    store.finish_run(finished, "alpha", "ok", duration_s=1)
    assert abort_stale_runs(store.db) == 1
    assert store.db["crawl_runs"].get(dead)["status"] == "aborted"
    assert store.db["crawl_runs"].get(finished)["status"] == "ok"


def fts_data(db) -> list[tuple]:
    return db.execute("select id, block from documents_fts_data order by id").fetchall()


def fts_check(db) -> None:
    # rank 1: also compare the index with the content of the documents table.
    db.execute("insert into documents_fts(documents_fts, rank) values ('integrity-check', 1)")


def search_ids(db, word: str) -> set[str]:
    return {
        row[0]
        for row in db.execute(
            "select d.id from documents_fts f join documents d on d.rowid = f.rowid"
            " where documents_fts match ?",
            [word],
        )
    }


def test_an_unchanged_recrawl_leaves_the_search_index_alone(tmp_path):
    path = tmp_path / "t.db"
    db = open_db(path)
    # A database from before: sqlite-utils' trigger re-indexes on every update.
    with db.atomic():
        db.execute("drop trigger documents_au")
        db.execute(
            "create trigger documents_au after update on documents begin"
            " insert into documents_fts (documents_fts, rowid, title, text)"
            " values ('delete', old.rowid, old.title, old.text);"
            " insert into documents_fts (rowid, title, text)"
            " values (new.rowid, new.title, new.text); end"
        )
    db.close()
    db = open_db(path)
    store = Store(db, batch_size=3)
    for n in range(1, 6):
        store.add(make_doc(n), raw_html=b"x")
    store.flush()
    before = fts_data(db)
    for n in range(1, 6):
        store.add(make_doc(n, summary="neu"), raw_html=b"y")
    store.flush()
    assert store.stats["alpha"].unchanged == 5
    assert fts_data(db) == before
    assert {r["summary"] for r in db["documents"].rows} == {"neu"}
    fts_check(db)
    db.close()


def test_search_index_follows_changed_titles_and_texts(store):
    for n in (1, 2, 3):
        store.add(make_doc(n), raw_html=b"x")
    store.flush()
    store.add(make_doc(1, title="Glasfaser für Halle"), raw_html=b"x")
    store.add(make_doc(2, text="Neuer Text über Wärmeplanung in Halle."), raw_html=b"x")
    store.add(make_doc(3, keywords=["Zwilling"]), raw_html=b"x")  # changed, same title and text
    store.flush()
    assert store.stats["alpha"].updated == 3
    db = store.db
    fts_check(db)
    assert search_ids(db, "Glasfaser") == {document_id(make_doc(1).url)}
    assert search_ids(db, "Wärmeplanung") == {document_id(make_doc(2).url)}
    assert search_ids(db, "Zwilling") == {document_id(make_doc(n).url) for n in (1, 3)}


def test_updated_at_moves_only_with_content_and_last_seen_always(store, monkeypatch):
    days = iter(["2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z"])
    monkeypatch.setattr("citynews.storage.writer.now_utc", lambda: next(days))
    seen = []
    for doc in (make_doc(1), make_doc(1), make_doc(1, title="Neuer Titel")):
        store.add(doc, raw_html=b"x", fetched_at="2026-03-01T09:00:00Z")
        store.flush()
        row = store.db["documents"].get(document_id(doc.url))
        event = next(store.db["events"].rows)
        seen.append(
            (row["first_seen"][8:10], row["updated_at"][8:10], row["last_seen"][8:10])
            + (event["first_seen"][8:10], event["last_seen"][8:10], event["sequence"])
        )
    assert seen == [
        ("01", "01", "01", "01", "01", 0),
        ("01", "01", "02", "01", "01", 0),  # unchanged: events are not rewritten either
        ("01", "03", "03", "01", "03", 0),
    ]


def test_a_batch_is_written_once_its_pending_bytes_reach_the_limit(tmp_path):
    db = open_db(tmp_path / "t.db")
    store = Store(db, batch_size=100, batch_bytes=2_000)
    store.add(make_doc(1), raw_html=b"x")
    assert db["documents"].count == 0
    store.add(make_doc(2, text="Sehr lange Meldung über Halle. " * 100), raw_html=b"x")
    assert db["documents"].count == 2
    db.close()


def test_a_crawl_commits_every_fetch_batch_however_large_the_document_batch(tmp_path):
    db = open_db(tmp_path / "t.db")
    store = Store(db, batch_size=100, fetch_batch_size=2)
    run = store.start_run("alpha")
    store.add(make_doc(1), raw_html=b"x")
    store.record_fetch(run_id=run, source="alpha", url=make_doc(1).url, outcome="ok")
    assert db["documents"].count == 0
    store.record_fetch(run_id=run, source="alpha", url=make_doc(2).url, outcome="timeout")
    assert (db["documents"].count, db["fetch_events"].count) == (1, 2)
    db.close()


def test_an_old_database_gains_the_new_columns_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["_migrations"].create({"version": int, "applied_at": str}, pk="version")
    for version, step in enumerate(MIGRATIONS[:2], start=1):
        step(old)
        old["_migrations"].insert({"version": version, "applied_at": "2026-01-01T00:00:00Z"})
    old["sources"].insert({"name": "alpha"})
    old["documents"].insert({"id": "d1", "url": "http://alpha.example/1", "source": "alpha"})
    old["events"].insert({"id": "e1", "document_id": "d1", "title": "Alt", "start": "2026-03-01"})
    old.close()
    db = open_db(path)
    columns = {c.name for c in db["events"].columns}
    assert {"status", "registration_deadline", "provenance", "uid", "url", "organizer"} <= columns
    assert {"source_config", "crawl_hints"} <= {c.name for c in db["documents"].columns}
    assert db["events"].get("e1")["title"] == "Alt"
    db.close()


def test_new_event_fields_are_stored(store):
    event = Event(
        "Stadtratssitzung",
        datetime(2026, 5, 6, 16, 0, tzinfo=BERLIN),
        source="oparl",
        status="postponed",
        registration_deadline=date(2026, 5, 1),
        provenance="https://ratsinfo.example/oparl/meeting/7",
        uid="meeting-7",
        url="https://ratsinfo.example/meeting/7",
        organizer="Stadtrat",
        description="Öffentliche Sitzung",
    )
    store.add(make_doc(1, events=[event]), raw_html=b"x")
    store.flush()
    row = next(store.db["events"].rows)
    assert {k: row[k] for k in ("status", "registration_deadline", "uid", "organizer")} == {
        "status": "postponed",
        "registration_deadline": "2026-05-01",
        "uid": "meeting-7",
        "organizer": "Stadtrat",
    }
    assert row["provenance"].endswith("/meeting/7") and row["description"] == "Öffentliche Sitzung"
    assert row["url"] == "https://ratsinfo.example/meeting/7"


def test_an_event_with_a_uid_is_updated_when_its_date_and_title_change(store):
    def meeting(day: int, title: str) -> Event:
        return Event(title, datetime(2026, 5, day, 16, 0, tzinfo=BERLIN), source="ical", uid="m-7")

    store.add(make_doc(1, events=[meeting(6, "Bauausschuss")]), raw_html=b"x")
    store.flush()
    store.add(make_doc(1, events=[meeting(13, "Bauausschuss (verlegt)")]), raw_html=b"x")
    store.flush()
    rows = list(store.db.query("select title, start, sequence from events"))
    assert rows == [
        {"title": "Bauausschuss (verlegt)", "start": "2026-05-13T16:00:00+02:00", "sequence": 1}
    ]


def test_occurrences_of_a_recurring_event_stay_apart(store):
    weekly = [
        Event("Sprechstunde", datetime(2026, 5, d, 10, 0, tzinfo=BERLIN), uid="s-1")
        for d in (4, 11)
    ]
    store.add(make_doc(1, events=weekly), raw_html=b"x")
    store.flush()
    assert store.db["events"].count == 2


def test_a_read_only_database_fails_in_one_line_and_counts_nothing(tmp_path):
    path = tmp_path / "ro.db"
    open_db(path).close()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    store = Store(db)
    store.stats["alpha"] = RunStats()
    store.add(make_doc(1), raw_html=b"x")
    with pytest.raises(StorageWriteError, match="readonly") as raised:
        store.flush()
    assert "\n" not in str(raised.value)
    assert store.stats["alpha"].new == 0
    assert store.write_error
    store.add(make_doc(2), raw_html=b"x")  # nothing more is buffered once the database failed
    store.flush()
    db.close()


def test_a_database_fault_calls_the_crawls_handler_instead_of_raising(tmp_path):
    path = tmp_path / "ro.db"
    open_db(path).close()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    store = Store(db)
    reasons = []
    store.on_write_error = reasons.append
    store.record_fetch(run_id=None, source="alpha", url="http://alpha.example/", outcome="ok")
    store.flush()
    assert len(reasons) == 1 and "readonly" in reasons[0]
    db.close()


def test_storage_imports_no_normalizer():
    storage = Path(citynews.storage.__file__).parent
    offenders = [
        p.name
        for p in storage.glob("*.py")
        if re.search(r"^\s*(from|import) citynews\.normalize", p.read_text("utf-8"), re.M)
    ]
    assert offenders == []


def test_reference_writes_to_a_read_only_database_are_one_line(tmp_path):
    path = tmp_path / "ro.db"
    open_db(path).close()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    with pytest.raises(StorageWriteError, match="^database write failed: .*readonly"):
        Store(db).upsert_sources([SOURCE])
    with pytest.raises(StorageWriteError, match="readonly"):
        Store(db).start_run("alpha")
    db.close()
