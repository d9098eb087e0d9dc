"""Serialize feeds: RSS 2.0 and Atom 1.0 channels through feedgen, their items and the OPML list
through lxml."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from feedgen.feed import FeedGenerator
from lxml import etree

from citynews.feeds.common import join_url, plain_text
from citynews.feeds.items import Feed, Item
from citynews.storage.analytics import STATES

GROUPS = {
    "gesamt": "Gesamt",
    "themen": "Themen",
    "laender": "Bundesländer",
    "orte": "Orte",
    "quellen": "Quellen",
    "kalender": "Kalender",
}


_RSS_END = b"  </channel>"
_PLACE_SCHEME = "urn:citynews:ort"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ATOM_END = b"</feed>"
_XML_FORBIDDEN_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r")

# An item's RSS and Atom XML in parts (see ``entry_xml``), ready to be spliced into any feed
# it appears in.
Fragments = tuple[tuple[bytes, ...], tuple[bytes, ...]]


def render_feed(
    feed: Feed, entries: list[Fragments], base_url: str, updated: datetime
) -> tuple[list[bytes], list[bytes]]:
    """The RSS and the Atom file of a feed made of pre-rendered entries (see ``entry_xml``), each
    as the parts to write one after the other (joining them first copied a gigabyte).

    The channel comes from feedgen (see ``_channels``); the items go in before its end tag. A
    document appears in up to six feeds (all, topics, state, town, district, source) and a
    national database has thousands of place feeds: rendering each item once per build
    instead of once per feed cut a 100,000-document build by more than half, same bytes.
    """
    # Titles and descriptions are plain text: a source title with markup must not turn into
    # markup once a reader decodes the channel.
    values = {
        # The slug is text in the Atom id and an attribute value in the self links.
        b"SLUG": _valid(_escape(feed.slug)),
        b"SLUGLINK": _valid(_attribute(feed.slug)),
        b"TITLE": _valid(_escape(plain_text(feed.title))),
        b"DESCRIPTION": _valid(_escape(plain_text(feed.description))),
        b"RSSDATE": _rfc2822(updated).encode(),
        b"ISODATE": updated.isoformat().encode(),
    }

    def fill(template: bytes) -> bytes:
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)

    out = []
    for part, (head, tail) in enumerate(_channels(base_url)):
        out.append([fill(head), *(p for e in entries for p in e[part]), fill(tail)])
    return out[0], out[1]


# Stand-ins for a feed's values in the channels feedgen renders once per build.
_PLACEHOLDER = re.compile(rb"CITYNEWS-(SLUG|SLUGLINK|TITLE|DESCRIPTION|RSSDATE|ISODATE)-0")
_STAMP = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


@lru_cache(maxsize=8)
def _channels(base_url: str) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
    """feedgen's RSS channel and Atom feed, without items, split where the items go.

    Rendered once per base URL with stand-ins that ``render_feed`` fills in: feedgen built and
    serialized two element trees per feed, a second of a national build.
    """
    fg = FeedGenerator()
    fg.id("urn:citynews:feed:CITYNEWS-SLUG-0")
    fg.title("CITYNEWS-TITLE-0")
    fg.subtitle("CITYNEWS-DESCRIPTION-0")
    fg.description("CITYNEWS-DESCRIPTION-0")
    fg.language("de")
    fg.author(name="citynews")
    fg.generator("citynews")
    fg.updated(_STAMP)
    home = join_url(base_url, "index.html")
    dates = {
        "rss": (_rfc2822(_STAMP).encode(), b"CITYNEWS-RSSDATE-0"),
        "atom": (_STAMP.isoformat().encode(), b"CITYNEWS-ISODATE-0"),
    }
    out = []
    for kind, end in (("rss", _RSS_END), ("atom", _ATOM_END)):
        self_url = join_url(base_url, f"CITYNEWS-SLUGLINK-0.{kind}.xml")
        # feedgen uses the last link as the RSS <link>: the human-readable page goes last.
        fg.link(
            [{"href": self_url, "rel": "self"}, {"href": home, "rel": "alternate"}], replace=True
        )
        channel = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
        stamp, stand_in = dates[kind]
        if stamp not in channel:
            raise RuntimeError(f"feedgen wrote the date of the {kind} channel differently")
        channel = channel.replace(stamp, stand_in)
        cut = channel.rindex(end)
        out.append((channel[:cut], channel[cut:]))
    return out[0], out[1]


def entry_xml(item: Item) -> Fragments:
    """An item as feedgen writes it into a pretty-printed RSS channel and Atom feed.

    Written as text in feedgen's element order with feedgen's rules and lxml's escaping and
    indentation: the same bytes as the element trees these items were built from before, at a
    fifth of the cost (a national build renders ~80,000 items; building and serializing lxml
    trees was a third of it). ``tests/test_feeds_items_xml.py`` checks the bytes against
    feedgen's FeedEntry, ``benchmarks/feeds_identical.py`` whole builds against older code.
    Characters XML forbids (C0 controls but tab and newlines, U+FFFE, U+FFFF) are dropped:
    lxml refused them and failed the build.

    Each format comes in three parts, the escaped content (most of an item's bytes) in the
    middle: one bytes object shared by both formats, half the memory of a build's items.
    """
    title = _escape(item.title)
    summary = _escape(item.summary) if item.summary else ""
    content = _valid(_escape(item.content)) if item.content else b""
    rss_head, rss_tail = _rss_item(item, title, summary)
    atom_head, atom_tail = _atom_entry(item, title, summary, bool(content))
    return (
        (_valid(rss_head), content, _valid(rss_tail)),
        (_valid(atom_head), content, _valid(atom_tail)),
    )


def _rss_item(item: Item, title: str, summary: str) -> tuple[str, str]:
    """The item's XML before and after its content."""
    head = ["    <item>", f"      <title>{title}</title>"]
    if item.link:
        head.append(f"      <link>{_escape(item.link)}</link>")
    # feedgen: the summary is the description, the content goes into content:encoded; without
    # a summary the content is the description.
    if summary:
        head.append(f"      <description>{summary}</description>")
        head.append("      <content:encoded>")
        tail = ["</content:encoded>"]
    else:
        head.append("      <description>")
        tail = ["</description>"]
    # No <author>: RSS wants an e-mail address, a source has none (the source element names it).
    tail.append(f'      <guid isPermaLink="false">{_escape(item.guid)}</guid>')
    tail.extend(f"      <category>{_label(name)}</category>" for name in item.categories)
    tail.extend(
        f'      <category domain="{_PLACE_SCHEME}">{_label(name)}</category>'
        for name in item.places
    )
    tail.append(f"      <pubDate>{_rfc2822(item.published)}</pubDate>")
    if item.source_title and item.source_url:
        tail.append(
            f'      <source url="{_label_attribute(item.source_url)}">'
            f"{_label(item.source_title)}</source>"
        )
    tail.append("    </item>\n")
    return "\n".join(head), "\n".join(tail)


def _atom_entry(item: Item, title: str, summary: str, content: bool) -> tuple[str, str]:
    """The entry's XML before and after its content."""
    head = [
        "  <entry>",
        f"    <id>{_escape(item.guid)}</id>",
        f"    <title>{title}</title>",
        f"    <updated>{item.updated.isoformat()}</updated>",
    ]
    if item.source_title:
        head.append(f"    <author>\n      <name>{_label(item.source_title)}</name>\n    </author>")
    # Empty content and summary are empty elements, as feedgen writes them.
    if content:
        head.append('    <content type="html">')
        tail = ["</content>"]
    else:
        head.append('    <content type="html"/>')
        tail = [""]
    if item.link:
        # No rel: feedgen drops it (its loop variable shadows the link), and rel defaults to
        # "alternate" in Atom anyway.
        tail.append(f'    <link href="{_attribute(item.link)}"/>')
    tail.append(f"    <summary>{summary}</summary>" if summary else "    <summary/>")
    tail.extend(f'    <category term="{_label_attribute(name)}"/>' for name in item.categories)
    for name in item.places:
        value = _label_attribute(name)
        tail.append(f'    <category term="{value}" scheme="{_PLACE_SCHEME}" label="{value}"/>')
    tail.append(f"    <published>{item.published.isoformat()}</published>")
    if item.source_title and item.source_url:
        tail.append(
            f"    <source>\n      <title>{_label(item.source_title)}</title>\n"
            f'      <link href="{_label_attribute(item.source_url)}"/>\n    </source>'
        )
    tail.append("  </entry>\n")
    return "\n".join(head), "\n".join(tail)


def _escape(text: str) -> str:
    """Text content escaped as libxml2 serializes it."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attribute(text: str) -> str:
    """An attribute value (in double quotes) escaped as libxml2 serializes it."""
    return _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


# Topic, place and source names recur in thousands of items: each is escaped once.
_label = lru_cache(maxsize=8192)(_escape)
_label_attribute = lru_cache(maxsize=8192)(_attribute)


def _valid(text: str) -> bytes:
    """UTF-8 without the characters XML 1.0 does not allow (bytes below 0x20 occur in UTF-8
    only as those characters themselves)."""
    data = text.encode("utf-8", "replace").translate(None, _XML_FORBIDDEN_BYTES)
    if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        data = data.replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    return data


def _rfc2822(value: datetime) -> str:
    """An RFC 822 date with English names whatever the locale (feedgen's format)."""
    offset = value.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds or value.year < 1000:
        zone = f"{value:%Y %H:%M:%S %z}"  # strftime's rarer forms, spelled by strftime
    else:
        # strftime is a third of the cost of an RSS item's tail; minutes-only offsets are all
        # real zones have.
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        hours, minutes = divmod(abs(minutes), 60)
        zone = (
            f"{value.year} {value.hour:02}:{value.minute:02}:{value.second:02}"
            f" {sign}{hours:02}{minutes:02}"
        )
    return f"{_WEEKDAYS[value.weekday()]}, {value.day:02} {_MONTHS[value.month - 1]} {zone}"


def opml(feeds: list, base_url: str) -> bytes:
    """feeds.opml: one outline per group; place feeds and calendars nested by state."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = "citynews – alle Feeds und Kalender"
    body = etree.SubElement(root, "body")
    for group, label in GROUPS.items():
        members = [f for f in feeds if f.group == group]
        if not members:
            continue
        outline = etree.SubElement(body, "outline", text=label, title=label)
        if group == "quellen":
            # Each source's calendar right after its feed.
            first = {f.slug: i for i, f in reversed(list(enumerate(members)))}
            members.sort(key=lambda f: first[f.slug])
        if group != "orte":
            for f in members:
                _outline(outline, f, base_url)
            continue
        for code, (state, _) in STATES.items():
            in_state = [f for f in members if f.state == code]
            if in_state:
                nested = etree.SubElement(outline, "outline", text=state, title=state)
                for f in in_state:
                    _outline(nested, f, base_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _outline(parent: etree._Element, f, base_url: str) -> None:
    for name in f.files:
        if name.endswith(".atom.xml"):
            continue  # one entry per feed: readers take the RSS file
        if name.endswith(".ics"):
            etree.SubElement(
                parent,
                "outline",
                type="link",
                text=f.title,
                title=f.title,
                url=join_url(base_url, name),
            )
        else:
            etree.SubElement(
                parent,
                "outline",
                type="rss",
                text=f.title,
                title=f.title,
                xmlUrl=join_url(base_url, name),
                htmlUrl=join_url(base_url, "index.html"),
            )
