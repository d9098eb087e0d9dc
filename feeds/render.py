"""Serialize feeds: RSS 2.0 and Atom 1.0 channels through feedgen, their items and the OPML list
through lxml."""

from __future__ import annotations

from datetime import datetime

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


# feedgen's namespaces of an RSS root: an item rendered under the same root serializes to the
# same bytes as inside the feed.
_RSS_NSMAP = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
_ATOM_NS = "http://www.w3.org/2005/Atom"
_RSS_END = b"  </channel>"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_PLACE_SCHEME = "urn:citynews:ort"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ATOM_END = b"</feed>"

# An item's RSS and Atom XML, ready to be spliced into any feed it appears in.
Fragments = tuple[bytes, bytes]


def render_feed(
    feed: Feed, entries: list[Fragments], base_url: str, updated: datetime
) -> tuple[bytes, bytes]:
    """The RSS and the Atom file of a feed made of pre-rendered entries (see ``entry_xml``).

    feedgen renders the channel alone; the items go in before its end tag. A document appears
    in up to six feeds (all, topics, state, town, district, source) and a national database has
    thousands of place feeds: rendering each item once per build instead of once per feed cut
    a 100,000-document build by more than half, with the same bytes.
    """
    fg = FeedGenerator()
    fg.id(f"urn:citynews:feed:{feed.slug}")
    # Titles and descriptions are plain text: a source title with markup must not turn into
    # markup once a reader decodes the channel.
    fg.title(plain_text(feed.title))
    fg.subtitle(plain_text(feed.description))
    fg.description(plain_text(feed.description))
    fg.language("de")
    fg.author(name="citynews")
    fg.generator("citynews")
    fg.updated(updated)
    home = join_url(base_url, "index.html")
    out = []
    for kind, end in (("rss", _RSS_END), ("atom", _ATOM_END)):
        self_url = join_url(base_url, f"{feed.slug}.{kind}.xml")
        # feedgen uses the last link as the RSS <link>: the human-readable page goes last.
        fg.link(
            [{"href": self_url, "rel": "self"}, {"href": home, "rel": "alternate"}], replace=True
        )
        envelope = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
        cut = envelope.rindex(end)
        part = 0 if kind == "rss" else 1
        out.append(b"".join([envelope[:cut], *(e[part] for e in entries), envelope[cut:]]))
    return out[0], out[1]


def entry_xml(item: Item) -> Fragments:
    """An item as feedgen writes it into a pretty-printed RSS channel and Atom feed.

    The elements are built here in feedgen's order with feedgen's rules (see ``_rss_item`` and
    ``_atom_entry``) and serialized by lxml like feedgen's: the same bytes at less than half
    the cost. feedgen's FeedEntry checks and copies every value through its setters and resets
    the process locale twice per date; with ~80,000 documents in a national build that was a
    quarter of it. ``benchmarks/feeds_identical.py`` checks the bytes against the previous code.
    """
    rss = etree.Element("rss", version="2.0", nsmap=_RSS_NSMAP)
    _rss_item(etree.SubElement(rss, "channel"), item)
    atom = etree.Element("feed", xmlns=_ATOM_NS, nsmap={})
    _atom_entry(atom, item)
    return _inner(rss, 2, _RSS_END), _inner(atom, 1, _ATOM_END)


def _text(parent: etree._Element, tag: str, text: str | None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attrib)
    element.text = text
    return element


def _rss_item(channel: etree._Element, item: Item) -> None:
    entry = etree.SubElement(channel, "item")
    _text(entry, "title", item.title)
    if item.link:
        _text(entry, "link", item.link)
    # feedgen: the summary is the description, the content goes into content:encoded; without
    # a summary the content is the description.
    if item.summary:
        _text(entry, "description", item.summary)
        _text(entry, _CONTENT_ENCODED, item.content)
    else:
        _text(entry, "description", item.content)
    # No <author>: RSS wants an e-mail address, a source has none (the source element names it).
    _text(entry, "guid", item.guid, isPermaLink="false")
    for name in item.categories:
        _text(entry, "category", name)
    for name in item.places:
        _text(entry, "category", name, domain=_PLACE_SCHEME)
    _text(entry, "pubDate", _rfc2822(item.published))
    if item.source_title and item.source_url:
        _text(entry, "source", item.source_title, url=item.source_url)


def _atom_entry(feed: etree._Element, item: Item) -> None:
    entry = etree.SubElement(feed, "entry")
    _text(entry, "id", item.guid)
    _text(entry, "title", item.title)
    _text(entry, "updated", item.updated.isoformat())
    if item.source_title:
        _text(etree.SubElement(entry, "author"), "name", item.source_title)
    _text(entry, "content", item.content or None, type="html")
    if item.link:
        # No rel: feedgen drops it (its loop variable shadows the link), and rel defaults to
        # "alternate" in Atom anyway.
        etree.SubElement(entry, "link", href=item.link)
    # An empty summary is an empty element, as feedgen writes it.
    _text(entry, "summary", item.summary or None)
    for name in item.categories:
        etree.SubElement(entry, "category", term=name)
    for name in item.places:
        etree.SubElement(entry, "category", term=name, scheme=_PLACE_SCHEME, label=name)
    _text(entry, "published", item.published.isoformat())
    if item.source_title and item.source_url:
        source = etree.SubElement(entry, "source")
        _text(source, "title", item.source_title)
        etree.SubElement(source, "link", href=item.source_url)


def _rfc2822(value: datetime) -> str:
    """An RFC 822 date with English names whatever the locale (feedgen's format)."""
    return (
        f"{_WEEKDAYS[value.weekday()]}, {value:%d} {_MONTHS[value.month - 1]}"
        f" {value:%Y %H:%M:%S %z}"
    )


def _inner(root: etree._Element, depth: int, end: bytes) -> bytes:
    """The serialized children at ``depth`` of a root whose opening tags take one line each."""
    data = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=False)
    start = 0
    for _ in range(depth):
        start = data.index(b"\n", start) + 1
    return data[start : data.rindex(end)]


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
