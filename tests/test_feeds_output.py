"""Feed output hygiene: safe file writes, capped and cleaned titles, ads, quotes, event status,
hostile source names, and one-line errors for folders that cannot be written."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from lxml import etree

from citynews.config import Source
from citynews.feeds.build import build_feeds
from citynews.feeds.common import (
    FeedsWriteError,
    check_base_url,
    file_slug,
    plain_text,
    slugify,
    title_text,
    without_ads,
    write_if_changed,
)
from citynews.model import BERLIN, Document, Event, TopicMatch
from citynews.storage.store import open_db
from tests.test_feeds import BASE, NOW, crawl, make_sample_db

RLO = "\u202e"


def _db(path: Path, documents: list[Document], sources: list[Source]) -> Path:
    db = open_db(path)
    crawl(db, documents, sources)
    db.close()
    return path


def _source(name: str, title: str) -> Source:
    return Source(
        name=name,
        title=title,
        kind="listing",
        start_urls=("https://portal.example/",),
        allowed_domains=("portal.example",),
    )


def _document(slug: str, source: str, **fields) -> Document:
    base = {
        "url": f"https://portal.example/{slug}",
        "source": source,
        "title": slug,
        "kind": "article",
        "published": date(2026, 3, 1),
        "modified": None,
        "published_source": "meta",
        "text": "Text.",
    }
    return Document(**{**base, **fields})


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kongress „Daten für die Stadt", "Kongress „Daten für die Stadt“"),
        ("Kongress „Daten für die Stadt“ in Halle", "Kongress „Daten für die Stadt“ in Halle"),
        (f"Rechnung{RLO}fdp.exe", "Rechnungfdp.exe"),
        ("<b>Fett</b> &amp; klar", "Fett & klar"),
        ("", ""),
    ],
)
def test_title_text(raw, expected):
    assert title_text(raw) == expected


def test_long_titles_are_capped():
    assert len(title_text("Wort " * 2000)) <= 302
    assert len(title_text("x" * 10_000)) <= 302


@pytest.mark.parametrize(
    ("raw", "kept", "dropped"),
    [
        (
            "Die Stadt plant.\nAnzeige · Jetzt Tarife vergleichen!\nMehr dazu.",
            "Mehr dazu",
            "Tarife",
        ),
        ("<p>Gut.</p><p>Anzeige: Strom billiger</p><p>Weiter.</p>", "Weiter", "billiger"),
        ("<div class='ad'><span>Werbung</span> Kaufen!</div><p>Text</p>", "Text", "Kaufen"),
        ("Die Anzeigetafel zeigt Busse.", "Anzeigetafel", "nichts"),
    ],
)
def test_ad_lines_are_not_content(raw, kept, dropped):
    out = without_ads(raw)
    assert kept in out and dropped not in out


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Halle (Saale)", "halle-saale"),
        ("Frankfurt am Main", "frankfurt-am-main"),
        ("Mühlhausen/Thüringen", "muehlhausen-thueringen"),
        ("Großröhrsdorf", "grossroehrsdorf"),
        ("Île", "ile"),
        ("!!!", "ohne-namen"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_file_slug_caps_long_names_with_a_hash():
    long = "quelle-" + "a" * 250
    capped = file_slug(long)
    assert len(capped) <= 100 and capped != file_slug(long[:-1])
    assert file_slug("quelle-kurz") == "quelle-kurz"


@pytest.mark.parametrize(
    "url",
    ["example.org/feeds", "ftp://example.org/", "file:///var/www/feeds/", "https://", "/feeds"],
)
def test_base_url_must_be_absolute_http(url):
    with pytest.raises(Exception, match="absolute http"):
        check_base_url(url)


def test_base_url_gets_a_trailing_slash():
    assert (
        check_base_url("https://feeds.example.org/citynews")
        == "https://feeds.example.org/citynews/"
    )
    assert check_base_url("file:///tmp/f", allow_file=True) == "file:///tmp/f/"


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_plain_text_never_keeps_markup_or_bidi_controls(text):
    out = title_text(text)
    assert "<" not in plain_text(out) or "<" in out  # idempotent on its own output
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert len(out) <= 302


# --- files ------------------------------------------------------------------------------------


def test_planted_symlink_is_replaced_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("geheim")
    out = tmp_path / "feeds"
    out.mkdir()
    (out / "alle.rss.xml.tmp").symlink_to(outside)  # the old predictable temp name
    (out / "index.html").symlink_to(outside)
    assert write_if_changed(out / "alle.rss.xml", b"<rss/>")
    assert write_if_changed(out / "index.html", b"<html></html>")
    assert outside.read_text() == "geheim"
    assert not (out / "index.html").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == [
        "alle.rss.xml",
        "alle.rss.xml.tmp",
        "index.html",
    ]


def test_published_files_are_readable_by_the_web_server(tmp_path):
    write_if_changed(tmp_path / "alle.rss.xml", b"<rss/>")
    mode = (tmp_path / "alle.rss.xml").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # 0o644 under the usual umask, not mkstemp's 0o600


def test_unwritable_out_is_one_error_and_leaves_nothing(tmp_path):
    db_path = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(FeedsWriteError, match="cannot write"):
            build_feeds(db_path, out, base_url=BASE, now=NOW)
    finally:
        out.chmod(0o700)
    assert list(out.iterdir()) == []


def test_out_below_a_file_is_one_error(tmp_path):
    db_path = make_sample_db(tmp_path / "c.db")
    (tmp_path / "datei").write_text("x")
    with pytest.raises(FeedsWriteError, match="cannot create"):
        build_feeds(db_path, tmp_path / "datei" / "feeds", base_url=BASE, now=NOW)


_FULL_DISK = """
import resource, sqlite3, sys
from datetime import datetime
from citynews.feeds.build import build_feeds
from citynews.feeds.common import FeedsWriteError
from citynews.model import BERLIN
# Without WAL, a reader needs no shared-memory file: only the feed files meet the limit.
sqlite3.connect(sys.argv[1]).execute("pragma journal_mode=delete").close()
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
try:
    build_feeds(sys.argv[1], sys.argv[2], base_url="https://f.example/",
                now=datetime(2026, 3, 15, tzinfo=BERLIN))
except FeedsWriteError as exc:
    print(exc)
    sys.exit(1)
"""


def test_full_disk_is_one_error_and_no_temp_file(tmp_path):
    db_path = make_sample_db(tmp_path / "c.db")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(db_path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: __import__("signal").signal(
            __import__("signal").SIGXFSZ, __import__("signal").SIG_IGN
        ),
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("cannot write") and "Traceback" not in result.stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert resource.RLIMIT_FSIZE  # the limit exists on this platform


# --- hostile sources and documents ---------------------------------------------------------------


def test_hostile_and_long_source_names_do_not_stop_the_build(tmp_path):
    long_name = "a" * 250
    sources = [
        _source(long_name, "Langer Name " * 30),
        _source("boese", "Portal <script>alert(1)</script> Nord"),
    ]
    docs = [
        _document("lang", long_name, title=f"{RLO}Titel " + "sehr " * 3000),
        _document("boese", "boese", title="Meldung"),
    ]
    db_path = _db(tmp_path / "c.db", docs, sources)
    out = tmp_path / "out"
    report = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert {"index.html", "feeds.opml"} <= {p.name for p in out.iterdir()}
    assert all(len(name) < 200 for name in report.items)
    long_feed = next(n for n in report.items if n.startswith("quelle-a") and n.endswith(".rss.xml"))
    entry = feedparser.parse((out / long_feed).read_bytes()).entries[0]
    assert len(entry.title) <= 302 and RLO not in entry.title
    channel = etree.fromstring((out / "quelle-boese.rss.xml").read_bytes()).find("channel")
    for element in ("title", "description"):
        assert "<script" not in channel.findtext(element)
        assert "alert" not in channel.findtext(element)


def test_atom_updated_is_the_documents_own_date(tmp_path):
    docs = [
        _document(
            "geaendert",
            "boese",
            title="Geändert",
            published=datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN),
            modified=datetime(2026, 3, 4, 12, 0, tzinfo=BERLIN),
        ),
        _document("alt", "boese", title="Alt", published=date(2026, 2, 1)),
    ]
    db_path = _db(tmp_path / "c.db", docs, [_source("boese", "Portal")])
    build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW)
    atom = feedparser.parse((tmp_path / "out" / "alle.atom.xml").read_bytes())
    updated = {e.title: e.updated for e in atom.entries}
    assert updated == {"Geändert": "2026-03-04T12:00:00+01:00", "Alt": "2026-02-01T00:00:00+01:00"}
    assert atom.feed.updated == "2026-03-04T12:00:00+01:00"


def test_event_status_and_deadline_reach_feeds_and_calendars(tmp_path):
    db_path = tmp_path / "c.db"
    event = Event(
        "Kongress „Daten für die Stadt",
        datetime(2026, 4, 2, 10, 0, tzinfo=BERLIN),
        venue="Rathaus",
    )
    doc = _document(
        "kongress",
        "boese",
        kind="event",
        title="Kongress",
        events=[event],
        topics=[TopicMatch("veranstaltungen", 1.0, "event", [])],
    )
    _db(db_path, [doc], [_source("boese", "Portal")])
    db = open_db(db_path)
    columns = {c.name for c in db["events"].columns}
    for column in ("status", "registration_deadline"):
        if column not in columns:  # before the storage migration that adds them
            db["events"].add_column(column, str)
    db.execute("update events set status = 'cancelled', registration_deadline = '2026-03-30'")
    db.conn.commit()
    db.close()
    build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW)
    rss = feedparser.parse((tmp_path / "out" / "veranstaltungen.rss.xml").read_bytes())
    assert rss.entries[0].title == "Abgesagt: 02.04.2026: Kongress „Daten für die Stadt“"
    assert "Anmeldung bis" in rss.entries[0].summary
    vevent = Calendar.from_ical((tmp_path / "out" / "alle-termine.ics").read_bytes()).walk(
        "VEVENT"
    )[0]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["SUMMARY"]) == "Abgesagt: Kongress „Daten für die Stadt“"
    assert "Anmeldeschluss: Mo, 30. März 2026" in str(vevent["DESCRIPTION"])


def test_ad_line_is_not_in_the_item(tmp_path):
    doc = _document(
        "werbung",
        "boese",
        title="Glasfaser für alle",
        summary=None,
        text="Der Ausbau beginnt im Mai.\nAnzeige · Jetzt Tarife vergleichen!\nMehr im Sommer.",
        content_html="<p>Der Ausbau beginnt im Mai.</p><p>Anzeige · Jetzt Tarife vergleichen!</p>",
    )
    db_path = _db(tmp_path / "c.db", [doc], [_source("boese", "Portal")])
    build_feeds(db_path, tmp_path / "out", base_url=BASE, now=NOW)
    entry = feedparser.parse((tmp_path / "out" / "alle.atom.xml").read_bytes()).entries[0]
    assert "Ausbau" in entry.summary and "Tarife" not in entry.summary
    assert "Ausbau" in entry.content[0].value and "Tarife" not in entry.content[0].value
