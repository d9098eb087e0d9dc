"""Items are written without feedgen's FeedEntry but must keep the bytes it wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from feedgen.entry import FeedEntry
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from citynews.feeds.items import Item
from citynews.feeds.render import _ATOM_END, _ATOM_NS, _RSS_END, _RSS_NSMAP, _inner, entry_xml
from citynews.model import BERLIN


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
    ],
)
def test_items_are_byte_identical_to_feedgen(fields):
    item = _item(**fields)
    assert entry_xml(item) == feedgen_entry(item)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    title=_text.filter(bool),
    summary=_text,
    content=_text.filter(bool),
    names=st.lists(_text.filter(bool), max_size=3),
    day=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(BERLIN)
    ),
)
def test_any_text_and_date_render_as_feedgen_did(title, summary, content, names, day):
    item = _item(
        title=title, summary=summary, content=content, categories=names, places=names, published=day
    )
    assert entry_xml(item) == feedgen_entry(item)
