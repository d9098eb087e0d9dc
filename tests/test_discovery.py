from datetime import UTC, datetime

import pytest

from citynews.errors import InputError
from citynews.normalize.discovery import UnsafeXMLError, parse_feed, parse_sitemap

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>http://a.example/</link><description>d</description>
<item><title>Erste Meldung</title><link>/news/1/</link>
<pubDate>Tue, 17 Mar 2026 09:00:00 +0100</pubDate></item>
<item><title>Ohne Link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id><updated>2026-06-01T10:00:00Z</updated>
<entry><title>Atom-Eintrag</title><id>urn:1</id><link href="http://a.example/news/2/"/>
<updated>2026-06-01T10:00:00Z</updated></entry></feed>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://a.example/e/1/</loc><lastmod>2026-03-01</lastmod></url>
<url><loc>http://a.example/e/2/</loc></url></urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://a.example/sitemap-1.xml</loc></sitemap></sitemapindex>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol3;</loc></url></urlset>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>"""


def test_rss_entries_absolute_with_dates():
    links = parse_feed(RSS, "http://a.example/feed.xml")
    assert [link.url for link in links] == ["http://a.example/news/1/"]
    assert links[0].title == "Erste Meldung"
    assert links[0].published == datetime(2026, 3, 17, 8, 0, tzinfo=UTC)


def test_atom_entries():
    links = parse_feed(ATOM, "http://a.example/atom.xml")
    assert links[0].url == "http://a.example/news/2/"
    assert links[0].updated == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def test_sitemap_and_index():
    links, nested = parse_sitemap(SITEMAP, "http://a.example/sitemap.xml")
    assert [link.url for link in links] == ["http://a.example/e/1/", "http://a.example/e/2/"]
    assert links[0].updated == datetime(2026, 3, 1, tzinfo=UTC)
    assert links[1].updated is None and nested == []
    links, nested = parse_sitemap(INDEX, "http://a.example/sitemap.xml")
    assert links == [] and nested == ["http://a.example/sitemap-1.xml"]


@pytest.mark.parametrize(
    "parser, body", [(parse_sitemap, LAUGHS), (parse_feed, XXE), (parse_feed, LAUGHS)]
)
def test_entities_refused_unexpanded(parser, body):
    with pytest.raises(UnsafeXMLError, match="refused XML"):
        parser(body, "http://a.example/x.xml")


@pytest.mark.parametrize("body", [b"", b"<html><body>not xml", b"<rss><channel>"])
def test_broken_xml_is_input_error(body):
    with pytest.raises(InputError):
        parse_sitemap(body, "http://a.example/x.xml")
