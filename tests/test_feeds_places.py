"""Place feeds per municipality and district, and the feed page for people (index.html)."""

from __future__ import annotations

from datetime import date

import feedparser
from icalendar import Calendar
from lxml import html as lxml_html

from citynews.feeds.build import build_feeds
from citynews.model import Place
from citynews.storage.store import open_db
from tests import test_feeds
from tests.test_feeds import BASE, NOW, _doc, crawl

built = test_feeds.built  # the same module-scoped build of the sample database


def test_place_feeds_per_town_and_district_validate(built):
    _, out, report = built
    towns = {f.slug for f in report.feeds if f.group == "orte" and f.files[0].endswith(".xml")}
    # Kreisfreie Städte: the town feed is the district's, there is no second one.
    assert towns == {
        "ort-14713000-leipzig",
        "ort-15002000-halle-saale",
        "ort-15003000-magdeburg",
        "ort-16053000-jena",
    }
    halle = feedparser.parse((out / "ort-15002000-halle-saale.atom.xml").read_bytes())
    assert not halle.bozo
    assert [e.title for e in halle.entries] == [
        "Halle baut einen digitalen Zwilling der Innenstadt"
    ]
    assert report.items["ort-15002000-halle-saale.rss.xml"] == 1  # the copy is a duplicate
    leipzig = Calendar.from_ical((out / "ort-14713000-leipzig.ics").read_bytes())
    assert {str(e["SUMMARY"]) for e in leipzig.walk("VEVENT")} == {
        "KI-Werkstatt",
        "Sommerforum Smart City",
    }


def test_district_feed_for_landkreis_towns(tmp_path):
    wurzen = Place("Wurzen", "municipality", "14729430", 51.37, 12.74, "Sachsen", "Leipzig")
    grimma = Place("Grimma", "municipality", "14729160", 51.24, 12.72, "Sachsen", "Leipzig")
    docs = [
        _doc(
            "w", "halle", title="Wurzen digitalisiert", published=date(2026, 3, 1), places=[wurzen]
        ),
        _doc(
            "g", "halle", title="Grimma digitalisiert", published=date(2026, 3, 2), places=[grimma]
        ),
    ]
    db = open_db(tmp_path / "c.db")
    crawl(db, docs)
    db.close()
    report = build_feeds(tmp_path / "c.db", tmp_path / "out", base_url=BASE, now=NOW)
    district = feedparser.parse((tmp_path / "out" / "kreis-14729-leipzig.rss.xml").read_bytes())
    assert district.feed.title == "citynews – Landkreis Leipzig"
    assert [e.title for e in district.entries] == ["Grimma digitalisiert", "Wurzen digitalisiert"]
    assert report.items["ort-14729430-wurzen.rss.xml"] == 1


def test_index_page_is_german_complete_and_self_contained(built):
    _, out, report = built
    raw = (out / "index.html").read_text("utf-8")
    doc = lxml_html.fromstring(raw)
    assert doc.get("lang") == "de"
    assert not doc.xpath("//script[@src]|//img|//iframe|//link[@rel='stylesheet']")
    assert "http" not in " ".join(doc.xpath("//style/text()|//script/text()"))
    hrefs = set(doc.xpath("//a/@href"))
    for info in report.feeds:
        assert {BASE + name for name in info.files} <= hrefs
    assert BASE + "feeds.opml" in hrefs
    # Every feed has its URL to copy.
    assert BASE + "alle.rss.xml" in doc.xpath("//input[@class='url']/@value")
    assert len(doc.xpath("//h2[normalize-space()='Quellen']")) == 1
    entries = {li.xpath("string(h3|h4)"): li for li in doc.xpath("//li[@class='feed']")}
    assert (
        entries["Digitaler Zwilling & 3D-Stadtmodell"].xpath("string(p)").startswith("1 Einträge")
    )
    assert "2 Dokumente gespeichert" in entries["Quelle: Stadt Halle (Saale)"].xpath("string(.)")
    newest = entries["Digitaler Zwilling & 3D-Stadtmodell"].xpath("ul[@class='top']/li/a/text()")
    assert newest == ["Halle baut einen digitalen Zwilling der Innenstadt"]
    upcoming = entries["Termine"].xpath("ul[@class='top']/li/a/text()")
    assert upcoming[:2] == ["KI-Werkstatt", "Datentag"]
    # Counts that agree with the calendars, and the window said in words.
    calendar = Calendar.from_ical((out / "alle-termine.ics").read_bytes())
    events = len(calendar.walk("VEVENT"))
    window = doc.xpath("string(//p[@id='calendar-window'])")
    assert f"zusammen {events} Termine in alle-termine.ics" in window
    assert "15.12.2025 (90 Tage vor heute)" in window
    assert entries["Termine"].xpath("string(p)").startswith(f"{events} Termine")
    assert "Bürgerportal" not in raw.split("Verwaltung")[0]  # newest items only under topics


def test_index_chart_counts_documents_per_topic_and_month(built):
    _, out, _ = built
    doc = lxml_html.fromstring((out / "index.html").read_bytes())
    cells = doc.xpath("//svg//g/title/text()")
    assert "Mobilität & Verkehr, 2026-02: 1 Dokumente" in cells
    assert "Digitaler Zwilling & 3D-Stadtmodell, 2026-03: 1 Dokumente" in cells
