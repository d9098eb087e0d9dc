"""Large builds: helper processes render the items and write the calendars, place feeds hold
the newest PLACE_LIMIT items. The output must not depend on any of it."""

from __future__ import annotations

import filecmp
import multiprocessing
import os
import time
from datetime import datetime, timedelta

import feedparser
import pytest

from citynews.feeds import build, feedwriter, render
from citynews.feeds.build import MANIFEST, build_feeds
from citynews.feeds.common import FeedsWriteError
from citynews.feeds.items import PLACE_LIMIT
from citynews.model import BERLIN, Event, Place, TopicMatch
from citynews.storage.store import open_db
from tests.test_feeds import BASE, NOW, _doc, crawl

ULM = Place("Ulm", "municipality", "08421000", 48.40, 9.99, "Baden-Württemberg", "Ulm")
WURZEN = Place("Wurzen", "municipality", "14729430", 51.37, 12.74, "Sachsen", "Leipzig")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """Forty documents about Ulm and Wurzen, every fifth with an event."""
    docs = []
    for n in range(40):
        published = datetime(2026, 1, 1, 8, 0, tzinfo=BERLIN) + timedelta(days=n)
        events = (
            [Event(f"Werkstatt {n}", published + timedelta(days=30), venue="Stadthaus", place=ULM)]
            if n % 5 == 0
            else []
        )
        docs.append(
            _doc(
                f"meldung-{n}",
                "halle" if n % 2 else "kommune21",
                title=f"Meldung {n}: Sensoren & „Daten“ <für> alle",
                published=published,
                summary=f"Zusammenfassung {n}; mit Komma, Semikolon und Umlauten äöü.",
                text=f"Text der Meldung {n}.",
                content_html=f"<p>Absatz {n} mit <b>Fettdruck</b> und <a href='/x'>Link</a>.</p>",
                topics=[TopicMatch("mobilitaet", 1.0, "keyword", ["Verkehr"])],
                places=[ULM] if n % 3 else [ULM, WURZEN],
                events=events,
            )
        )
    path = tmp_path_factory.mktemp("parallel") / "c.db"
    db = open_db(path)
    crawl(db, docs)
    db.close()
    return path


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    # Forty items in batches of three: the helpers and this process all take turns.
    monkeypatch.setattr(feedwriter, "BATCH", 3)


def _mismatched(one, two) -> list[str]:
    """Files that differ between two folders (the manifest's fingerprints aside)."""
    names = sorted(p.name for p in one.iterdir() if p.name != MANIFEST)
    assert names == sorted(p.name for p in two.iterdir() if p.name != MANIFEST)
    match, mismatch, errors = filecmp.cmpfiles(one, two, names, shallow=False)
    assert len(match) > 20
    return mismatch + errors


def test_helper_process_gives_the_same_bytes(db_path, tmp_path):
    single = build_feeds(db_path, tmp_path / "one", base_url=BASE, now=NOW, processes=1)
    helped = build_feeds(db_path, tmp_path / "two", base_url=BASE, now=NOW, processes=2)
    assert (single.processes, helped.processes) == (1, 2)
    assert sorted(single.written) == sorted(helped.written)
    assert _mismatched(tmp_path / "one", tmp_path / "two") == []
    assert not multiprocessing.active_children()


def test_small_builds_stay_in_one_process(db_path, tmp_path):
    report = build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW)
    assert report.processes == 1  # 40 items: a helper would cost more than it saves
    assert len(report.written) > 10


def test_place_feeds_hold_the_newest_items(db_path, tmp_path):
    report = build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW)
    ulm = feedparser.parse((tmp_path / "out" / "ort-08421000-ulm.rss.xml").read_bytes())
    assert not ulm.bozo
    assert len(ulm.entries) == PLACE_LIMIT == report.items["ort-08421000-ulm.rss.xml"]
    assert ulm.entries[0].title.startswith("Meldung 39:")
    assert ulm.entries[-1].title.startswith(f"Meldung {40 - PLACE_LIMIT}:")
    # Topic feeds keep the build's limit.
    assert report.items["mobilitaet.rss.xml"] == 40
    wurzen = report.items["ort-14729430-wurzen.rss.xml"]
    assert wurzen == len([n for n in range(40) if n % 3 == 0])


def test_a_failing_helper_is_one_error_and_no_process_left(db_path, tmp_path, monkeypatch):
    build_pid = os.getpid()
    entry_xml = render.entry_xml

    def broken(item):
        if os.getpid() != build_pid:
            raise ValueError(f"cannot render {item.guid}")
        return entry_xml(item)

    # Forked, the helper renders with this module state: only it fails.
    monkeypatch.setattr(render, "entry_xml", broken)
    with pytest.raises(FeedsWriteError, match=r"^feed helper process: ValueError: cannot render"):
        build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW, processes=2)
    assert not multiprocessing.active_children()
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_two_helpers_give_the_same_bytes(db_path, tmp_path):
    single = build_feeds(db_path, tmp_path / "one", base_url=BASE, now=NOW, processes=1)
    helped = build_feeds(db_path, tmp_path / "two", base_url=BASE, now=NOW, processes=3)
    assert helped.processes == 3
    assert sorted(single.written) == sorted(helped.written)
    assert _mismatched(tmp_path / "one", tmp_path / "two") == []
    assert not multiprocessing.active_children()


def test_helpers_only_for_large_builds_and_where_forking_is_safe(monkeypatch):
    monkeypatch.setattr(feedwriter, "_cpus", lambda: 2)
    assert feedwriter.helper_count(feedwriter.PARALLEL_ITEMS, None) == 1
    assert feedwriter.helper_count(feedwriter.PARALLEL_ITEMS - 1, None) == 0
    assert feedwriter.helper_count(10**6, 1) == 0
    assert feedwriter.helper_count(10, 3) == 2
    monkeypatch.setattr(feedwriter, "_cpus", lambda: 1)
    assert feedwriter.helper_count(10**6, None) == 0
    monkeypatch.setattr(feedwriter, "_cpus", lambda: 64)
    assert feedwriter.helper_count(10**6, None) == feedwriter.MAX_HELPERS
    monkeypatch.setattr(feedwriter, "_can_fork", lambda: False)
    assert feedwriter.helper_count(10**6, 2) == 0


def test_this_process_renders_what_a_slow_helper_has_not(db_path, tmp_path, monkeypatch):
    build_pid = os.getpid()
    entry_xml = render.entry_xml
    here = multiprocessing.Value("i", 0)

    def uneven(item):
        if os.getpid() == build_pid:
            if ":event:" not in item.guid:  # event items are always rendered here
                here.value += 1
        else:
            time.sleep(0.05)  # the helper is slow: the build takes batches itself
        return entry_xml(item)

    monkeypatch.setattr(render, "entry_xml", uneven)
    single = build_feeds(db_path, tmp_path / "one", base_url=BASE, now=NOW, processes=1)
    here.value = 0
    helped = build_feeds(db_path, tmp_path / "two", base_url=BASE, now=NOW, processes=2)
    assert helped.processes == 2
    # 40 documents in 14 batches; the helper takes the first, the build most of the others.
    assert 20 <= here.value < 40
    assert _mismatched(tmp_path / "one", tmp_path / "two") == []
    assert sorted(single.written) == sorted(helped.written)
    assert not multiprocessing.active_children()


def test_calendars_written_by_another_process_fail_as_one_error(db_path, tmp_path, monkeypatch):
    build_pid = os.getpid()
    calendars = build.build_calendars

    def broken(*args, **kwargs):
        if os.getpid() != build_pid:
            raise ValueError("no calendar today")
        return calendars(*args, **kwargs)

    monkeypatch.setattr(build, "build_calendars", broken)
    with pytest.raises(FeedsWriteError, match=r"^feed helper process: ValueError: no calendar"):
        build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW, processes=2)
    assert not multiprocessing.active_children()
    # In one process the same build writes its calendars itself.
    report = build_feeds(db_path, tmp_path / "one", base_url=BASE, now=NOW, processes=1)
    assert "ort-08421000-ulm.ics" in report.written
