from datetime import UTC, datetime

import pytest

from citynews.errors import InputError
from citynews.normalize.discovery import UnsafeXMLError, lastmod, parse_feed

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

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

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


@pytest.mark.parametrize("body", [XXE, LAUGHS])
def test_entities_refused_unexpanded(body):
    with pytest.raises(UnsafeXMLError, match="refused XML"):
        parse_feed(body, "http://a.example/x.xml")


@pytest.mark.parametrize("body", [b"", b"<html><body>not xml", b"<rss><channel>"])
def test_broken_xml_is_input_error(body):
    with pytest.raises(InputError):
        parse_feed(body, "http://a.example/x.xml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01T10:30:00Z", datetime(2026, 3, 1, 10, 30, tzinfo=UTC)),
        ("2026-03-01T10:30:00+01:00", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        (" 2026-03-01 ", datetime(2026, 3, 1, tzinfo=UTC)),
        ("gestern", None),
        ("", None),
        (None, None),
    ],
)
def test_sitemap_lastmod_is_aware_or_none(text, expected):
    assert lastmod(text) == expected
