"""Items are written without feedgen's FeedEntry but must keep the bytes it wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from citynews.feeds.common import plain_text
from citynews.feeds.items import Feed, Item, Rows
from citynews.feeds.render import _ATOM_END, _RSS_END, _rfc2822, entry_xml, render_feed
from citynews.model import BERLIN

# feedgen's namespaces of an RSS root: an item serialized under the same root has the bytes it
# has inside a feed.
_RSS_NSMAP = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
_ATOM_NS = "http://www.w3.org/2005/Atom"


def _inner(root: etree._Element, depth: int, end: bytes) -> bytes:
    """The serialized children at ``depth`` of a root whose opening tags take one line each."""
    data = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=False)
    start = 0
    for _ in range(depth):
        start = data.index(b"\n", start) + 1
    return data[start : data.rindex(end)]


def feedgen_entry(item: Item) -> tuple[bytes, bytes]:
    """How the feed builder wrote an item through feedgen before."""
    fe = FeedEntry()
    fe.guid(item.guid, permalink=False)
    fe.title(item.title)
    if item.link:
        fe.link(href=item.link, rel="alternate")
    fe.published(item.published)
    fe.pubDate(item.published)
    fe.updated(item.updated)
    fe.summary(item.summary)
    fe.description(item.summary)
    fe.content(item.content, type="html")
    for name in item.categories:
        fe.category(term=name)
    for name in item.places:
        fe.category(term=name, scheme="urn:citynews:ort", label=name)
    if item.source_title:
        fe.author(name=item.source_title)
        if item.source_url:
            fe.source(url=item.source_url, title=item.source_title)
    rss = etree.Element("rss", version="2.0", nsmap=_RSS_NSMAP)
    etree.SubElement(rss, "channel").append(fe.rss_entry())
    atom = etree.Element("feed", xmlns=_ATOM_NS, nsmap={})
    atom.append(fe.atom_entry())
    return _inner(rss, 2, _RSS_END), _inner(atom, 1, _ATOM_END)


def joined(fragments: tuple[tuple[bytes, ...], tuple[bytes, ...]]) -> tuple[bytes, bytes]:
    """An item's RSS and Atom bytes from the parts entry_xml returns."""
    return b"".join(fragments[0]), b"".join(fragments[1])


def _item(**fields) -> Item:
    base = {
        "guid": "urn:citynews:abc",
        "title": "Halle testet Sensoren",
        "link": "https://www.halle.example/a?x=1&y=2",
        "published": datetime(2026, 3, 1, 9, 30, tzinfo=BERLIN),
        "updated": datetime(2026, 3, 2, 9, 30, tzinfo=BERLIN),
        "summary": "Sensoren messen <Feinstaub> & Lärm.",
        "content": "<p>Sensoren messen <b>Feinstaub</b> &amp; Lärm.</p>",
        "categories": ["Sensorik, IoT & LoRaWAN", "Mobilität"],
        "places": ["Halle (Saale)"],
        "source_title": 'Stadt Halle "Saale"',
        "source_url": "https://www.halle.example/",
    }
    return Item(**{**base, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"summary": ""},
        {"link": None},
        {"categories": [], "places": []},
        {"source_title": None, "source_url": None},
        {"source_url": None},
        {"published": datetime(2026, 7, 4, 23, 5, tzinfo=UTC)},
        {"updated": datetime(2026, 12, 31, 0, 0, tzinfo=timezone(timedelta(hours=-3)))},
        {"content": ""},
        {"summary": "", "content": ""},
        {"source_title": ""},
        {"title": 'Zeile 1\r\nZeile 2\t„Ende“ <b> & "x"'},
        {"link": 'https://a.example/?q="1"&r=<2>\t\n\r'},
        {"source_url": "https://a.example/?a=1&b='2'"},
        {"places": ['Halle "Saale"\t\n\r<&>'], "categories": ["A\rB"]},
    ],
)
def test_items_are_byte_identical_to_feedgen(fields):
    item = _item(**fields)
    assert joined(entry_xml(item)) == feedgen_entry(item)


# Any character XML allows, the whitespace controls included.
_text = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n\r"
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    title=_text.filter(bool),
    summary=_text,
    content=_text.filter(bool),
    names=st.lists(_text.filter(bool), max_size=3),
    link=st.none() | _text.filter(bool),
    source=st.tuples(_text, _text),
    day=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(BERLIN)
    ),
)
def test_any_text_and_date_render_as_feedgen_did(title, summary, content, names, link, source, day):
    item = _item(
        title=title,
        summary=summary,
        content=content,
        categories=names,
        places=names,
        link=link,
        source_title=source[0],
        source_url=source[1],
        published=day,
    )
    assert joined(entry_xml(item)) == feedgen_entry(item)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Bus\x0bfahrplan", "Busfahrplan"),
        ("\x00Null\x1f", "Null"),
        ("Nicht\ufffeZeichen\uffff", "NichtZeichen"),
        ("Tab\tbleibt", "Tab\tbleibt"),
    ],
)
def test_characters_xml_forbids_are_dropped_and_the_feed_parses(text, kept):
    # lxml refused these characters and failed the whole build; the feed keeps the rest.
    item = _item(title=text, summary=text, content=f"<p>{text}</p>", places=[text])
    feed = Feed("ort-1", "orte", "citynews – Ort", "Meldungen", Rows([], {}, {}))
    for parts in render_feed(feed, [entry_xml(item)], "https://f.example/", item.updated):
        parsed = feedparser.parse(b"".join(parts))
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.entries[0].title == kept
        assert kept in parsed.entries[0].tags[-1].term


def feedgen_channels(feed: Feed, base_url: str, updated: datetime) -> tuple[bytes, bytes]:
    """How the feed builder wrote a feed's RSS channel and Atom feed through feedgen before."""
    fg = FeedGenerator()
    fg.id(f"urn:citynews:feed:{feed.slug}")
    fg.title(plain_text(feed.title))
    fg.subtitle(plain_text(feed.description))
    fg.description(plain_text(feed.description))
    fg.language("de")
    fg.author(name="citynews")
    fg.generator("citynews")
    fg.updated(updated)
    home = f"{base_url.rstrip('/')}/index.html" if base_url else "index.html"
    out = []
    for kind in ("rss", "atom"):
        name = f"{feed.slug}.{kind}.xml"
        self_url = f"{base_url.rstrip('/')}/{name}" if base_url else name
        fg.link(
            [{"href": self_url, "rel": "self"}, {"href": home, "rel": "alternate"}], replace=True
        )
        out.append(fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True))
    return out[0], out[1]


@pytest.mark.parametrize(
    ("slug", "title", "description", "base_url", "updated"),
    [
        ("alle", "citynews – alle Meldungen", "Neue Meldungen.", "https://f.example/", None),
        (
            "ort-15002000-halle-saale",
            "citynews – Halle (Saale)",
            "Meldungen mit Bezug zu Halle (Saale) (Schlüssel 15002000).",
            "https://f.example/feeds?a=1&b=2",
            datetime(2026, 3, 1, 9, 30, tzinfo=BERLIN),
        ),
        (
            "quelle-x",
            'citynews – Quelle: <b>"Stadt" & Land</b> CITYNEWS-SLUG-0',
            "Alle Meldungen von Stadt & Land; CITYNEWS-TITLE-0 \u202e",
            "",
            datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-3))),
        ),
        ('thema-"a"&<b>', "citynews – Thema", "Meldungen.", "https://f.example/", None),
    ],
)
def test_channels_are_byte_identical_to_feedgen(slug, title, description, base_url, updated):
    updated = updated or datetime(2026, 7, 4, 23, 5, tzinfo=UTC)
    feed = Feed(slug, "orte", title, description, Rows([], {}, {}))
    rss, atom = render_feed(feed, [], base_url, updated)
    assert (b"".join(rss), b"".join(atom)) == feedgen_channels(feed, base_url, updated)


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(
        timezones=st.sampled_from([UTC, BERLIN, timezone(timedelta(hours=-9, minutes=-30))])
    ),
)
def test_rss_dates_as_strftime_writes_them(value: datetime) -> None:
    expected = value.strftime("%a, %d %b %Y %H:%M:%S %z")
    assert _rfc2822(value) == expected
