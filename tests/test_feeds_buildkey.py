"""The whole-build key: a rebuild from an unchanged database skips everything, any change or a
missing file builds again."""

from __future__ import annotations

import json
from datetime import timedelta

from citynews.feeds.build import MANIFEST, build_feeds
from citynews.storage.store import open_db
from tests.test_feeds import BASE, NOW, _doc, crawl, make_sample_db


def _files(out) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir()}


def test_unchanged_database_skips_the_build_and_reports_the_last_one(tmp_path):
    db = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "out"
    first = build_feeds(db, out, base_url=BASE, now=NOW)
    before = _files(out)
    again = build_feeds(db, out, base_url=BASE, now=NOW)
    assert _files(out) == before
    assert again.skipped and not first.skipped
    assert not again.written and not again.removed
    assert sorted(again.unchanged) == sorted(first.written)
    assert again.items == first.items
    assert [(f.slug, f.title, f.updated, f.top) for f in again.feeds] == [
        (f.slug, f.title, f.updated, f.top) for f in first.feeds
    ]
    assert str(again).startswith(str(first).split(";")[0])


def test_a_new_document_builds_again(tmp_path):
    db_path = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "out"
    build_feeds(db_path, out, base_url=BASE, now=NOW)
    db = open_db(db_path)
    crawl(db, [_doc("neu", "halle", title="Neue Meldung aus Halle")])
    db.close()
    report = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert not report.skipped
    assert "quelle-halle.rss.xml" in report.written
    assert b"Neue Meldung aus Halle" in (out / "quelle-halle.rss.xml").read_bytes()


def test_another_day_parameters_or_a_missing_file_build_again(tmp_path):
    db = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "out"
    build_feeds(db, out, base_url=BASE, now=NOW)
    (out / "alle.rss.xml").unlink()
    assert build_feeds(db, out, base_url=BASE, now=NOW).written == ["alle.rss.xml"]
    assert build_feeds(db, out, base_url=BASE, now=NOW).skipped
    # Months later the past events leave the window: the calendars change.
    later = build_feeds(db, out, base_url=BASE, now=NOW + timedelta(days=200))
    assert "alle-termine.ics" in later.written
    smaller = build_feeds(db, out, base_url=BASE, now=NOW, limit=1)
    assert "alle.rss.xml" in smaller.written


def test_an_interrupted_build_leaves_no_build_key(tmp_path):
    db = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "out"
    build_feeds(db, out, base_url=BASE, now=NOW)
    assert "build" in json.loads((out / MANIFEST).read_text())
    # What a build leaves when it stops after replacing its first existing file.
    (out / MANIFEST).write_text(json.dumps({"files": {}}))
    (out / "alle.rss.xml").write_bytes(b"half")
    report = build_feeds(db, out, base_url=BASE, now=NOW)
    assert "alle.rss.xml" in report.written
    assert (out / "alle.rss.xml").read_bytes() != b"half"
