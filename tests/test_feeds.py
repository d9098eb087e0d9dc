"""Feeds, calendars, OPML and index.html built from a small database written through Store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from citynews.config import Source
from citynews.feeds.build import build_feeds
from citynews.model import BERLIN, Document, Event, Place, TopicMatch
from citynews.storage import analytics
from citynews.storage.store import Store, document_id, open_db

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=BERLIN)
BASE = "https://feeds.example.org/citynews/"


@dataclass
class Topic:
    slug: str
    name: str
    description: str


TOPICS = [
    Topic("digitaler-zwilling", "Digitaler Zwilling & 3D-Stadtmodell", "Stadtmodelle."),
    Topic("mobilitaet", "Mobilität & Verkehr", "Verkehr und Mobilität."),
    Topic("ki", "Künstliche Intelligenz", "KI in Kommunen."),
    Topic("verwaltung", "Digitale Verwaltung & E-Government", "Onlinedienste."),
    Topic("bildung", "Bildung & digitale Kompetenzen", "Schulen."),
    Topic("veranstaltungen", "Termine", "Veranstaltungen."),
]
SOURCES = [
    Source(
        name="kommune21",
        title="Kommune21",
        kind="listing",
        start_urls=("https://www.kommune21.example/",),
        allowed_domains=("kommune21.example",),
    ),
    Source(
        name="halle",
        title="Stadt Halle (Saale)",
        kind="listing",
        start_urls=("https://www.halle.example/",),
        allowed_domains=("halle.example",),
    ),
]
HALLE = Place("Halle (Saale)", "municipality", "15002000", 51.4825, 11.9697, "Sachsen-Anhalt")
MAGDEBURG = Place("Magdeburg", "municipality", "15003000", 52.1205, 11.6276, "Sachsen-Anhalt")
LEIPZIG = Place("Leipzig", "municipality", "14713000", 51.3397, 12.3731, "Sachsen")
JENA = Place("Jena", "municipality", "16053000", 50.9272, 11.5864, "Thüringen")

HOSTILE_HTML = (
    "<p>Das neue Bürgerportal ist online.</p>"
    "<script>alert('x')</script><style>p{display:none}</style>"
    '<img src="https://www.halle.example/bild.png" onerror="alert(1)">'
    '<a href="javascript:alert(2)">Hier klicken</a>'
    '<a href="https://www.halle.example/portal" onclick="steal()">Zum Portal</a>'
    '<iframe src="https://evil.example/"></iframe>'
)


def _doc(slug: str, source: str, **fields) -> Document:
    base = {
        "url": f"https://www.{source}.example/meldung/{slug}",
        "source": source,
        "title": slug,
        "kind": "article",
        "published": None,
        "modified": None,
        "published_source": "meta",
        "text": "",
    }
    return Document(**{**base, **fields})


def sample_documents() -> list[Document]:
    """German sample content written for these tests (no portal text copied)."""
    return [
        _doc(
            "zwilling",
            "halle",
            title="Halle baut einen digitalen Zwilling der Innenstadt",
            published=datetime(2026, 3, 10, 9, 30, tzinfo=BERLIN),
            summary="Die Stadt Halle erstellt ein 3D-Stadtmodell als digitalen Zwilling.",
            text="Die Stadt Halle erstellt ein 3D-Stadtmodell. Der digitale Zwilling soll "
            "Planungen für Verkehr und Klima sichtbar machen.",
            content_html="<p>Die Stadt Halle erstellt ein <b>3D-Stadtmodell</b>.</p>",
            topics=[TopicMatch("digitaler-zwilling", 4.0, "keyword", ["Zwilling"])],
            places=[HALLE],
        ),
        _doc(
            "mobilitaet",
            "kommune21",
            title="Magdeburg testet Mobilitätsstationen",
            published=date(2026, 2, 1),
            text="Magdeburg eröffnet drei Mobilitätsstationen. Die Mobilität in den Quartieren "
            "soll ohne eigenes Auto funktionieren.",
            topics=[TopicMatch("mobilitaet", 3.0, "keyword", ["Mobilität"])],
            places=[MAGDEBURG],
        ),
        _doc(
            "konferenz",
            "kommune21",
            kind="event",
            title="Smart-City-Konferenz in Leipzig",
            published=datetime(2026, 1, 20, 8, 0, tzinfo=BERLIN),
            summary="Drei Termine rund um KI in der Verwaltung.",
            text="Die Konferenz zu künstlicher Intelligenz findet in Leipzig statt.",
            topics=[
                TopicMatch("ki", 2.0, "keyword", ["KI"]),
                TopicMatch("veranstaltungen", 1.0, "event", []),
            ],
            places=[LEIPZIG],
            events=[
                Event(
                    "KI-Werkstatt",
                    datetime(2026, 3, 20, 10, 0, tzinfo=BERLIN),
                    datetime(2026, 3, 20, 16, 0, tzinfo=BERLIN),
                    venue="Neues Rathaus",
                    address="Martin-Luther-Ring 4-6, 04109 Leipzig",
                    place=LEIPZIG,
                ),
                Event(
                    "Sommerforum Smart City",
                    datetime(2026, 6, 18, 18, 0, tzinfo=BERLIN),
                    venue="Kongresshalle",
                    place=LEIPZIG,
                ),
                Event("Datentag", date(2026, 5, 5), date(2026, 5, 6), all_day=True),
                Event("Auftakt", datetime(2026, 2, 2, 9, 0, tzinfo=BERLIN), online=True),
            ],
        ),
        _doc(
            "portal",
            "halle",
            title="Bürgerportal <script>alert('t')</script>startet",
            published=datetime(2026, 3, 1, 11, 0, tzinfo=BERLIN),
            summary='Neues Portal <img src=x onerror="alert(3)"> für Jena.',
            text="Das neue Bürgerportal für Jena ist online.",
            content_html=HOSTILE_HTML,
            topics=[TopicMatch("verwaltung", 2.0, "keyword", ["Bürgerportal"])],
            places=[JENA],
        ),
        _doc(
            "undatiert",
            "kommune21",
            title="Sensoren messen die Luftqualität",
            text="Ohne Datum: Sensoren messen Feinstaub an zwölf Kreuzungen.",
            topics=[TopicMatch("mobilitaet", 1.5, "keyword", ["Verkehr"])],
        ),
        _doc(
            "zwilling-kopie",
            "kommune21",
            title="Digitaler Zwilling für Halle",
            published=datetime(2026, 3, 11, 7, 0, tzinfo=BERLIN),
            text="Die Stadt Halle erstellt ein 3D-Stadtmodell als digitalen Zwilling.",
            topics=[TopicMatch("digitaler-zwilling", 4.0, "keyword", ["Zwilling"])],
            places=[HALLE],
        ),
    ]


DUPLICATE_URL = "https://www.kommune21.example/meldung/zwilling-kopie"
CANONICAL_URL = "https://www.halle.example/meldung/zwilling"


def crawl(db, documents: list[Document], sources: list[Source] = SOURCES) -> None:
    """One crawl run per source through Store, as the crawler writes them."""
    store = Store(db)
    store.upsert_sources(sources)
    store.upsert_topics(TOPICS)
    for source in sources:
        run = store.start_run(source.name)
        for doc in documents:
            if doc.source == source.name:
                store.add(doc, raw_html=b"<html></html>")
        store.finish_run(run, source.name, "ok", duration_s=1.0)


def make_sample_db(path: Path) -> Path:
    db = open_db(path)
    crawl(db, sample_documents())
    # What the dedup step does after a crawl: mark the later copy of the same story.
    with db.conn:
        db["documents"].update(
            document_id(DUPLICATE_URL), {"duplicate_of": document_id(CANONICAL_URL)}
        )
    analytics.refresh_counts(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    db_path = make_sample_db(root / "citynews.db")
    out = root / "out"
    report = build_feeds(db_path, out, base_url=BASE, limit=50, now=NOW)
    return db_path, out, report


def feed_files(out: Path, suffix: str) -> list[Path]:
    return sorted(out.glob(f"*{suffix}"))


RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_expected_feeds_exist_and_empty_ones_are_skipped(built):
    _, out, report = built
    names = {p.name for p in out.iterdir()}
    for slug in (
        "alle",
        "veranstaltungen",
        "digitaler-zwilling",
        "mobilitaet",
        "ki",
        "verwaltung",
        "land-sachsen-anhalt",
        "land-sachsen",
        "land-thueringen",
        "quelle-halle",
        "quelle-kommune21",
    ):
        assert f"{slug}.rss.xml" in names and f"{slug}.atom.xml" in names, slug
    assert "bildung.rss.xml" not in names
    assert "land-bayern.rss.xml" not in names
    assert {"feeds.opml", "index.html", "alle-termine.ics", "ki.ics"} <= names
    assert "mobilitaet.ics" not in names
    assert report.items["land-sachsen-anhalt.rss.xml"] == 2
    assert report.items["alle.rss.xml"] == 5


def test_rss_files_follow_the_rules_validators_check(built):
    _, out, _ = built
    for path in feed_files(out, ".rss.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        root = etree.fromstring(path.read_bytes())
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for required in ("title", "link", "description", "lastBuildDate"):
            assert (channel.findtext(required) or "").strip(), (path.name, required)
        assert RFC822.match(channel.findtext("lastBuildDate"))
        assert channel.findtext("link") == BASE + "index.html"
        self_links = channel.findall("{http://www.w3.org/2005/Atom}link[@rel='self']")
        assert [link.get("href") for link in self_links] == [BASE + path.name]
        guids = [item.findtext("guid") for item in channel.findall("item")]
        assert len(guids) == len(set(guids)) and all(guids)
        for item in channel.findall("item"):
            assert item.findtext("title").strip()
            assert item.findtext("link").startswith("https://")
            assert item.find("guid").get("isPermaLink") == "false"
            assert RFC822.match(item.findtext("pubDate")), item.findtext("pubDate")
            assert item.findtext("description").strip()


def test_atom_files_follow_the_rules_validators_check(built):
    _, out, _ = built
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for path in feed_files(out, ".atom.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        root = etree.fromstring(path.read_bytes())
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
            assert (root.findtext(required, namespaces=ns) or "").strip(), (path.name, required)
        assert RFC3339.match(root.findtext("a:updated", namespaces=ns))
        assert [x.get("href") for x in root.findall("a:link[@rel='self']", ns)] == [
            BASE + path.name
        ]
        ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
        assert len(ids) == len(set(ids)) and all(i.startswith("urn:citynews:") for i in ids)
        for entry in root.findall("a:entry", ns):
            for field in ("a:updated", "a:published"):
                assert RFC3339.match(entry.findtext(field, namespaces=ns))
            # feedgen omits rel on entry links: a link without rel is the alternate one.
            links = entry.findall("a:link", ns)
            assert [x.get("rel", "alternate") for x in links] == ["alternate"]
            assert links[0].get("href").startswith("https://")
            assert entry.find("a:content", ns).get("type") == "html"


def test_items_newest_first_with_topics_places_and_source(built):
    _, out, _ = built
    parsed = feedparser.parse((out / "alle.rss.xml").read_bytes())
    dates = [parsedate_to_datetime(e.published) for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    # The undated document counts from when it was first seen (the test run), so it leads.
    assert parsed.entries[0].title == "Sensoren messen die Luftqualität"
    first = parsed.entries[1]
    assert first.title == "Halle baut einen digitalen Zwilling der Innenstadt"
    assert first.link == CANONICAL_URL
    assert first.id == f"urn:citynews:{document_id(CANONICAL_URL)}"
    assert {t.term for t in first.tags} >= {"Digitaler Zwilling & 3D-Stadtmodell", "Halle (Saale)"}
    assert "Orte: Halle (Saale)" in first.summary
    assert first.source.title == "Stadt Halle (Saale)"
    lastbuild = parsed.feed.updated_parsed
    assert lastbuild is not None
    # lastBuildDate comes from the data (newest item change), not from the clock.
    assert datetime(*lastbuild[:6]).year <= datetime.now().year


def test_undated_document_uses_first_seen_and_says_so(built):
    _, out, _ = built
    parsed = feedparser.parse((out / "mobilitaet.rss.xml").read_bytes())
    undated = [e for e in parsed.entries if e.title == "Sensoren messen die Luftqualität"]
    assert len(undated) == 1
    assert undated[0].summary.startswith("(Datum unbekannt, gefunden am ")
    dated = [e for e in parsed.entries if e.title == "Magdeburg testet Mobilitätsstationen"][0]
    assert parsedate_to_datetime(dated.published) == datetime(2026, 2, 1, tzinfo=BERLIN)


def test_near_duplicate_appears_once(built):
    _, out, _ = built
    for name in ("alle.rss.xml", "digitaler-zwilling.rss.xml", "land-sachsen-anhalt.rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        links = [e.link for e in parsed.entries]
        assert links.count(CANONICAL_URL) == 1, name
        assert DUPLICATE_URL not in links, name


def test_limit_caps_items(tmp_path, built):
    db_path, _, _ = built
    report = build_feeds(db_path, tmp_path, base_url=BASE, limit=2, now=NOW)
    assert report.items["alle.rss.xml"] == 2
    assert len(feedparser.parse((tmp_path / "alle.atom.xml").read_bytes()).entries) == 2


def test_events_feed_lists_upcoming_first_by_start(built):
    _, out, _ = built
    parsed = feedparser.parse((out / "veranstaltungen.rss.xml").read_bytes())
    titles = [e.title for e in parsed.entries]
    assert titles == [
        "20.03.2026: KI-Werkstatt",
        "05.05.2026: Datentag",
        "18.06.2026: Sommerforum Smart City",
        "02.02.2026: Auftakt",
    ]
    assert parsed.entries[0].id.startswith("urn:citynews:event:")
    assert "Termin: Fr, 20. März 2026, 10:00 Uhr · Ort: Neues Rathaus" in parsed.entries[0].summary


def _calendar(out: Path, name: str) -> Calendar:
    return Calendar.from_ical((out / name).read_bytes())


def test_calendars_parse_with_berlin_times_dst_and_all_day_dates(built):
    _, out, _ = built
    for path in feed_files(out, ".ics"):
        cal = _calendar(out, path.name)
        assert cal.get("version") == "2.0" and cal.get("prodid")
        assert [tz.get("tzid") for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = {str(e.get("summary")): e for e in _calendar(out, "alle-termine.ics").walk("VEVENT")}
    assert set(events) == {"KI-Werkstatt", "Sommerforum Smart City", "Datentag", "Auftakt"}
    march = events["KI-Werkstatt"]
    assert march["dtstart"].params["TZID"] == "Europe/Berlin"
    assert march.decoded("dtstart").utcoffset() == timedelta(hours=1)
    assert march.decoded("dtend") == datetime(2026, 3, 20, 16, 0, tzinfo=BERLIN)
    assert events["Sommerforum Smart City"].decoded("dtstart").utcoffset() == timedelta(hours=2)
    allday = events["Datentag"]
    assert type(allday.decoded("dtstart")) is date
    assert allday.decoded("dtstart") == date(2026, 5, 5)
    assert allday.decoded("dtend") == date(2026, 5, 7)  # exclusive
    assert march["location"] == "Neues Rathaus, Martin-Luther-Ring 4-6, 04109 Leipzig"
    assert march.decoded("geo")[0] == pytest.approx(51.3397)
    assert str(march["url"]) == "https://www.kommune21.example/meldung/konferenz"
    assert re.fullmatch(r"[0-9a-f]{16}@citynews", str(march["uid"]))
    assert int(march["sequence"]) == 0
    assert march.decoded("dtstamp").utcoffset() == timedelta(0)
    assert events["Auftakt"]["location"] == "Online"
    ki = {str(e.get("summary")) for e in _calendar(out, "ki.ics").walk("VEVENT")}
    assert ki == set(events)


def _identities(out: Path) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for path in feed_files(out, ".rss.xml"):
        ids[path.name] = [e.id for e in feedparser.parse(path.read_bytes()).entries]
    for path in feed_files(out, ".ics"):
        ids[path.name] = [str(e["uid"]) for e in _calendar(out, path.name).walk("VEVENT")]
    return ids


def test_rebuild_without_new_data_rewrites_nothing(tmp_path):
    db_path = make_sample_db(tmp_path / "citynews.db")
    out = tmp_path / "out"
    first = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert first.written and not first.unchanged
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    ids = _identities(out)
    second = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert second.written == [] and second.removed == []
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes

    # A re-crawl that finds the same content keeps every file but the index (new run times).
    db = open_db(db_path)
    crawl(db, sample_documents())
    db.close()
    third = build_feeds(db_path, out, base_url=BASE, now=NOW)
    # Only the index can change: it shows the sources' last crawl time.
    assert set(third.written) <= {"index.html"}
    assert _identities(out) == ids


def test_changed_document_rewrites_only_affected_files(tmp_path):
    db_path = make_sample_db(tmp_path / "citynews.db")
    out = tmp_path / "out"
    build_feeds(db_path, out, base_url=BASE, now=NOW)
    docs = sample_documents()
    docs[1].title = "Magdeburg erweitert die Mobilitätsstationen"
    db = open_db(db_path)
    crawl(db, docs)
    db.close()
    report = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert "mobilitaet.rss.xml" in report.written and "alle.atom.xml" in report.written
    assert "digitaler-zwilling.rss.xml" in report.unchanged
    assert "ki.ics" in report.unchanged


def test_hostile_document_is_defused_everywhere(built):
    _, out, _ = built
    for path in out.iterdir():
        text = path.read_text("utf-8").lower()
        if path.name == "index.html":
            # The page's own filter script is the one script allowed, and it is not the item's.
            assert text.count("<script") == 1 and "alert" not in text
            text = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
        for bad in ("<script", "&lt;script", "onerror", "onclick", "javascript:", "<iframe"):
            assert bad not in text, (path.name, bad)
    parsed = feedparser.parse((out / "verwaltung.atom.xml").read_bytes())
    entry = parsed.entries[0]
    assert entry.title == "Bürgerportal startet"
    assert "Zum Portal" in entry.content[0].value
    assert 'href="https://www.halle.example/portal"' in entry.content[0].value


def test_opml_lists_every_feed_grouped_and_places_by_state(built):
    _, out, report = built
    root = etree.fromstring((out / "feeds.opml").read_bytes())
    groups = {o.get("text"): o for o in root.find("body")}
    assert list(groups) == ["Gesamt", "Themen", "Bundesländer", "Orte", "Quellen", "Kalender"]
    urls = {o.get("xmlUrl") or o.get("url") for o in root.iter("outline") if o.get("type")}
    assert urls == {BASE + f.files[0] for f in report.feeds}
    assert BASE + "land-sachsen-anhalt.rss.xml" in {o.get("xmlUrl") for o in groups["Bundesländer"]}
    states = {o.get("text"): o for o in groups["Orte"]}
    assert list(states) == ["Sachsen", "Sachsen-Anhalt", "Thüringen"]
    in_saxony_anhalt = {o.get("xmlUrl") or o.get("url") for o in states["Sachsen-Anhalt"]}
    assert BASE + "ort-15002000-halle-saale.rss.xml" in in_saxony_anhalt
    assert BASE + "ort-15003000-magdeburg.rss.xml" in in_saxony_anhalt


def test_removed_feed_file_is_deleted(tmp_path, built):
    db_path, _, _ = built
    (tmp_path / "alt-thema.rss.xml").write_text("<rss/>")
    (tmp_path / "notizen.txt").write_text("bleibt")
    report = build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    assert report.removed == ["alt-thema.rss.xml"]
    assert (tmp_path / "notizen.txt").exists()


def test_relative_links_without_base_url(tmp_path, built):
    db_path, _, _ = built
    build_feeds(db_path, tmp_path, now=NOW)
    root = etree.fromstring((tmp_path / "alle.rss.xml").read_bytes())
    link = root.find("channel/{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert link.get("href") == "alle.rss.xml"


# --- incremental builds: every VEVENT serialized once, unchanged feeds not rendered at all ------


@pytest.fixture
def render_counter(monkeypatch):
    """Counts feed renders and VEVENT serializations while still producing the real output."""

    from citynews import feeds
    from citynews.feeds import build, calendars, render  # noqa: F401  (loads them as attributes)

    calls = {"feeds": [], "vevents": []}
    render_feed, part = feeds.render.render_feed, feeds.calendars._part

    def counting_render(feed, *args, **kwargs):
        calls["feeds"].append(feed.slug)
        return render_feed(feed, *args, **kwargs)

    def counting_part(row):
        calls["vevents"].append(row["id"])
        return part(row)

    monkeypatch.setattr(feeds.render, "render_feed", counting_render)
    monkeypatch.setattr(feeds.calendars, "_part", counting_part)
    return calls


def test_each_vevent_is_serialized_once_per_build(tmp_path, built, render_counter):
    db_path, _, _ = built
    report = build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    calendars = {f.slug: f.items for f in report.feeds if f.group == "kalender"}
    assert calendars == {"ki": 4, "alle-termine": 4}
    # ki.ics and alle-termine.ics share the same four events.
    assert len(render_counter["vevents"]) == 4
    assert len(set(render_counter["vevents"])) == 4


def test_assembled_calendars_equal_what_icalendar_serializes(built):
    _, out, _ = built
    for path in feed_files(out, ".ics"):
        data = path.read_bytes()
        # Re-serializing the parsed calendar as one icalendar component gives the same bytes:
        # the assembly from cached VEVENTs adds nothing icalendar would not write.
        assert Calendar.from_ical(data).to_ical() == data, path.name
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_noop_rebuild_renders_nothing(tmp_path, built, render_counter):
    db_path, _, _ = built
    first = build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    rendered = len(render_counter["feeds"])
    assert rendered == len([f for f in first.feeds if f.files[0].endswith(".rss.xml")])
    render_counter["feeds"].clear()
    render_counter["vevents"].clear()
    mtimes = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    second = build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    assert render_counter == {"feeds": [], "vevents": []}
    assert second.written == []
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == mtimes
    # What index.html and feeds.opml list comes from the data, rendered or not.
    assert [(f.slug, f.items, f.updated) for f in second.feeds] == [
        (f.slug, f.items, f.updated) for f in first.feeds
    ]


@pytest.mark.parametrize(
    ("second_build", "expect_rendered"),
    [
        ({"base_url": BASE, "limit": 50}, False),
        ({"base_url": "https://andere.example.org/feeds/", "limit": 50}, True),
        ({"base_url": BASE, "limit": 3}, True),
    ],
)
def test_build_parameters_are_part_of_the_fingerprint(
    tmp_path, built, render_counter, second_build, expect_rendered
):
    db_path, _, _ = built
    build_feeds(db_path, tmp_path, base_url=BASE, limit=50, now=NOW)
    render_counter["feeds"].clear()
    build_feeds(db_path, tmp_path, now=NOW, **second_build)
    assert ("alle" in render_counter["feeds"]) is expect_rendered
    root = etree.fromstring((tmp_path / "alle.rss.xml").read_bytes())
    link = root.find("channel/{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert link.get("href") == second_build["base_url"] + "alle.rss.xml"
    assert len(root.findall("channel/item")) == min(5, second_build["limit"])


@pytest.mark.parametrize(
    "damage",
    ["delete-file", "corrupt-manifest", "delete-manifest", "foreign-manifest"],
)
def test_missing_file_or_unusable_manifest_renders_again(tmp_path, built, render_counter, damage):
    db_path, _, _ = built
    build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    expected = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    manifest = tmp_path / ".citynews-feeds.json"
    if damage == "delete-file":
        (tmp_path / "ki.ics").unlink()
        (tmp_path / "mobilitaet.atom.xml").unlink()
    elif damage == "corrupt-manifest":
        manifest.write_text("{nicht json")
    elif damage == "delete-manifest":
        manifest.unlink()
    else:
        manifest.write_text('{"files": {"ki.ics": 5, "../ki.ics": "x"}}')
    render_counter["feeds"].clear()
    render_counter["vevents"].clear()
    report = build_feeds(db_path, tmp_path, base_url=BASE, now=NOW)
    assert "mobilitaet" in render_counter["feeds"]
    assert len(render_counter["vevents"]) == 4
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == expected
    if damage == "delete-file":
        assert {"ki.ics", "mobilitaet.atom.xml"} <= set(report.written)
        assert "alle" not in render_counter["feeds"]


def test_changed_event_renders_only_its_calendars_and_feeds(tmp_path, render_counter):
    db_path = make_sample_db(tmp_path / "citynews.db")
    out = tmp_path / "out"
    build_feeds(db_path, out, base_url=BASE, now=NOW)
    docs = sample_documents()
    docs[2].events[0].venue = "Altes Rathaus"
    db = open_db(db_path)
    crawl(db, docs)
    db.close()
    render_counter["feeds"].clear()
    render_counter["vevents"].clear()
    report = build_feeds(db_path, out, base_url=BASE, now=NOW)
    assert {"ki.ics", "alle-termine.ics", "veranstaltungen.rss.xml"} <= set(report.written)
    assert "mobilitaet" not in render_counter["feeds"]
    assert "digitaler-zwilling.rss.xml" in report.unchanged
    events = {str(e["summary"]): e for e in _calendar(out, "ki.ics").walk("VEVENT")}
    assert str(events["KI-Werkstatt"]["location"]).startswith("Altes Rathaus")
    assert int(events["KI-Werkstatt"]["sequence"]) == 1
    # Both calendars hold the changed event: serialized once for both.
    assert len(render_counter["vevents"]) == 4
