"""A calendar per source: ``quelle-<name>.ics`` holds exactly that source's events."""

from __future__ import annotations

from datetime import date, datetime

from icalendar import Calendar
from lxml import etree
from lxml import html as lxml_html

from citynews.feeds.build import build_feeds
from citynews.model import BERLIN, Event, TopicMatch
from citynews.storage.store import open_db
from tests.test_feeds import BASE, NOW, _doc, crawl

EVENT_TOPIC = [TopicMatch("veranstaltungen", 1.0, "event", [])]


def _documents(extra_halle_event: bool = False) -> list:
    halle_events = [
        Event(
            "Sitzung des Stadtrates",
            datetime(2026, 3, 25, 16, 0, tzinfo=BERLIN),
            venue="Ratshof",
            status="cancelled",
        ),
        Event("Bürgersprechstunde", date(2026, 4, 2), date(2026, 4, 2), all_day=True),
    ]
    if extra_halle_event:
        halle_events.append(
            Event("Ausschuss Digitales", datetime(2026, 4, 9, 17, 0, tzinfo=BERLIN))
        )
    return [
        _doc(
            "rat",
            "halle",
            kind="event",
            title="Sitzungen im März und April",
            published=datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN),
            topics=EVENT_TOPIC,
            events=halle_events,
        ),
        _doc(
            "tagung",
            "kommune21",
            kind="event",
            title="Tagung Datenplattformen",
            published=datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN),
            topics=EVENT_TOPIC,
            events=[
                Event("Tagung Datenplattformen", datetime(2026, 5, 12, 9, 30, tzinfo=BERLIN)),
                # Before the calendar window: in no calendar.
                Event("Vortreffen", datetime(2025, 11, 3, 10, 0, tzinfo=BERLIN)),
            ],
        ),
        _doc("meldung", "kommune21", title="Eine Meldung ohne Termin", published=date(2026, 3, 3)),
    ]


def _make_db(path, **kwargs):
    db = open_db(path)
    crawl(db, _documents(**kwargs))
    db.close()
    return path


def _summaries(path) -> dict[str, str | None]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {
        str(e["SUMMARY"]): (str(e["STATUS"]) if "STATUS" in e else None)
        for e in calendar.walk("VEVENT")
    }


def test_each_source_calendar_holds_exactly_its_events(tmp_path):
    out = tmp_path / "out"
    report = build_feeds(_make_db(tmp_path / "c.db"), out, base_url=BASE, now=NOW)
    assert _summaries(out / "quelle-halle.ics") == {
        "Abgesagt: Sitzung des Stadtrates": "CANCELLED",
        "Bürgersprechstunde": None,
    }
    assert _summaries(out / "quelle-kommune21.ics") == {"Tagung Datenplattformen": None}
    everything = _summaries(out / "alle-termine.ics")
    assert set(everything) == {
        "Abgesagt: Sitzung des Stadtrates",
        "Bürgersprechstunde",
        "Tagung Datenplattformen",
    }
    assert report.items["quelle-halle.ics"] == 2
    calendar = Calendar.from_ical((out / "quelle-halle.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "citynews – Termine der Quelle: Stadt Halle (Saale)"


def test_source_calendar_listed_next_to_its_feeds(tmp_path):
    out = tmp_path / "out"
    build_feeds(_make_db(tmp_path / "c.db"), out, base_url=BASE, now=NOW)
    page = lxml_html.fromstring((out / "index.html").read_bytes())
    entries = page.xpath('//section[@id="quellen"]//li[@class="feed"]')
    links = [[a.get("href").removeprefix(BASE) for a in e.xpath(".//p/a")] for e in entries]
    assert [name for name in links[0] if name.startswith("quelle-")] == [
        "quelle-halle.rss.xml",
        "quelle-halle.atom.xml",
        "quelle-halle.ics",
    ]
    assert [name for name in links[1] if name.startswith("quelle-")] == [
        "quelle-kommune21.rss.xml",
        "quelle-kommune21.atom.xml",
        "quelle-kommune21.ics",
    ]
    opml = etree.fromstring((out / "feeds.opml").read_bytes())
    urls = [o.get("xmlUrl") or o.get("url") for o in opml.xpath('//outline[@text="Quellen"]/*')]
    assert [u.removeprefix(BASE) for u in urls] == [
        "quelle-halle.rss.xml",
        "quelle-halle.ics",
        "quelle-kommune21.rss.xml",
        "quelle-kommune21.ics",
    ]


def test_only_the_changed_source_calendar_is_rewritten(tmp_path):
    out = tmp_path / "out"
    build_feeds(_make_db(tmp_path / "a.db"), out, base_url=BASE, now=NOW)
    again = build_feeds(tmp_path / "a.db", out, base_url=BASE, now=NOW)
    assert "quelle-halle.ics" in again.unchanged and not again.written
    # The next crawl finds a new event at halle only. Re-crawled in the same database: a second
    # database built apart would differ in every row's stored times whenever a second passed.
    db = open_db(tmp_path / "a.db")
    crawl(db, [d for d in _documents(extra_halle_event=True) if d.source == "halle"])
    db.close()
    changed = build_feeds(tmp_path / "a.db", out, base_url=BASE, now=NOW)
    assert "quelle-halle.ics" in changed.written
    assert "quelle-kommune21.ics" in changed.unchanged
    assert "Ausschuss Digitales" in _summaries(out / "quelle-halle.ics")


def test_source_without_events_has_no_calendar(tmp_path):
    db = open_db(tmp_path / "c.db")
    crawl(db, [_doc("meldung", "kommune21", title="Nur eine Meldung", published=date(2026, 3, 3))])
    db.close()
    out = tmp_path / "out"
    report = build_feeds(tmp_path / "c.db", out, base_url=BASE, now=NOW)
    assert (out / "quelle-kommune21.rss.xml").is_file()
    assert not (out / "quelle-kommune21.ics").exists()
    assert not any(name.startswith("quelle-") for name in report.items if name.endswith(".ics"))
