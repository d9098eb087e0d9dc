"""Feeds whose items are events: pubDate as start (with its timezone trap), dates in titles,
status words, and the real Bundestag and berlin.de feeds served locally."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.config import load_sources
from citynews.errors import ConfigError
from citynews.model import BERLIN
from citynews.normalize.eventfeeds import read_event_feed
from citynews.normalize.records import status_from_words
from tests.dataserver import DataServer, crawl, rows, source_file


def feed(*items: tuple[str, str]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>https://stadt.example/t/{i}</link>"
        f'<guid isPermaLink="false">termin-{i}</guid><description>Beschreibung {i}</description>'
        f"<pubDate>{pub}</pubDate></item>"
        for i, (title, pub) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Termine</title><link>https://stadt.example/</link>{body}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    "title, pub, zone, start, end, all_day",
    [
        (
            "Lesung (15.01.2027 15:30 - 18:00 Uhr)",
            "Fri, 15 Jan 2027 15:30:00 +0000",
            "Europe/Berlin",
            datetime(2027, 1, 15, 15, 30, tzinfo=BERLIN),
            datetime(2027, 1, 15, 18, tzinfo=BERLIN),
            False,
        ),
        (
            "Lesung",
            "Fri, 15 Jan 2027 15:30:00 +0000",
            None,
            datetime(2027, 1, 15, 15, 30, tzinfo=UTC),
            None,
            False,
        ),
        (
            "Tag der offenen Tür (17.02.2027)",
            "Wed, 17 Feb 2027 00:00:00 +0000",
            "Europe/Berlin",
            date(2027, 2, 17),
            None,
            True,
        ),
        (
            "Sommerfest",
            "Sat, 04 Jul 2026 14:00:00 +0200",
            "Europe/Berlin",
            datetime(2026, 7, 4, 14, tzinfo=BERLIN),
            None,
            False,
        ),
    ],
)
def test_pubdate_is_the_event_start(title, pub, zone, start, end, all_day):
    result = read_event_feed(feed((title, pub)), "https://stadt.example/rss", timezone=zone)
    (event,) = result.records[0].events
    assert (event.start, event.end, event.all_day) == (start, end, all_day)
    assert event.uid == "termin-0" and result.records[0].published is None


def test_dates_in_titles_keep_pubdate_as_publication():
    body = feed(
        (
            "Ausschuss: 4. Sitzung am Dienstag, dem 4. August 2026, 13.00 Uhr",
            "Fri, 31 Jul 2026 14:52:33 GMT",
        ),
        ("Tagesordnung komplett", "Fri, 31 Jul 2026 14:52:33 GMT"),
    )
    first, second = read_event_feed(body, "https://x.example/rss", item_dates="title").records
    assert first.events[0].start == datetime(2026, 8, 4, 13, tzinfo=BERLIN)
    assert first.published == datetime(2026, 7, 31, 14, 52, 33, tzinfo=UTC)
    assert second.events == [] and second.kind == "article"


@pytest.mark.parametrize(
    "title, status",
    [
        ("ABGESAGT: Stadtteilfest Nord", "cancelled"),
        ("Bürgerdialog – verschoben auf Herbst", "postponed"),
        ("Infoabend Glasfaser (NUR ONLINE)", "moved-online"),
        ("Konzert im Park ausverkauft", "sold-out"),
        ("Abgesagt und verschoben", "cancelled"),
        ("Onlinezugangsgesetz erklärt", "scheduled"),
    ],
)
def test_status_words(title, status):
    assert status_from_words(title) == status
    result = read_event_feed(feed((title, "Sat, 04 Jul 2026 14:00:00 +0200")), "https://s/rss")
    assert result.records[0].events[0].status == status


@pytest.mark.parametrize(
    "keys, message",
    [
        ('item_dates = "morgen"', "item_dates: must be one of"),
        ('item_dates_timezone = "Europe/Berlin"', "needs item_dates = 'event_start'"),
        ('item_dates = "event_start"\nitem_dates_timezone = "Berlin"', "unknown timezone"),
    ],
)
def test_feed_keys_are_validated(tmp_path, keys, message):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[sources.f]\ntitle = "F"\nkind = "feed"\nstart_urls = ["https://s.example/rss"]\n'
        f'allowed_domains = ["s.example"]\n{keys}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=message):
        load_sources(path)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=60), st.text(max_size=40))
def test_any_title_and_date_text_is_read_without_exception(title, pub):
    clean = "".join(c for c in title + pub if c.isprintable() and c not in "<&")
    result = read_event_feed(feed((clean[: len(title)], clean[len(title) :])), "https://s/rss")
    assert len(result.records) + len(result.problems) <= 1


# --- the real feeds of ../shared (evaluation only) ------------------------------------------

BUNDESTAG = 'item_dates = "title"\n'
BERLIN_DE = 'item_dates = "event_start"\nitem_dates_timezone = "Europe/Berlin"\n'


@pytest.mark.slow
@pytest.mark.parametrize("file, keys", [("030.xml", BUNDESTAG), ("040.xml", BERLIN_DE)])
def test_real_event_feeds(shared_dir, tmp_path, file, keys):
    pages = shared_dir / "corpus" / "real-de" / "pages"
    labels = json.loads((shared_dir / "corpus" / "real-de" / "labels.json").read_text("utf-8"))
    expected = next(e for e in labels if e["file"] == f"pages/{file}")["expected"]
    with DataServer({"/rss.xml": ((pages / file).read_bytes(), "application/rss+xml")}) as server:
        table = (
            f'title = "Termine"\nkind = "feed"\nstart_urls = ["{server.base}/rss.xml"]\n'
            f'allowed_domains = ["127.0.0.1"]\n{keys}'
        )
        db = tmp_path / "citynews.db"
        summary = crawl(source_file(tmp_path, "termine", table), db)
        # Items link to pages elsewhere: the event feed never fetches them.
        assert server.requests == ["/robots.txt", "/rss.xml"]
    assert summary["failed"] == [] and summary["errors"] == 0
    assert rows(db, "select count(*) from documents")[0][0] == expected["items"]
    first = expected["first_item"]
    start = rows(
        db,
        "select e.start from events e join documents d on d.id = e.document_id where d.title = ?",
        (first["title"],),
    )[0][0]
    assert start.startswith(first.get("start") or first["meeting_start"])
    if "items_start" in expected:
        wanted = sorted(expected["items_start"])
        starts = sorted(r[0] for r in rows(db, "select start from events"))
        assert [s[: len(w)] for s, w in zip(starts, wanted, strict=True)] == wanted
