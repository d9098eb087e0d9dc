"""A page's links to its own iCalendar entry, and what such an entry says about the page's event.

Event pages offer their event as a file ("In Kalender eintragen", "iCal-Export", ``….ics``,
``?type=ical``). Its VEVENT states start, end and location in fields, which beats reading them
from prose; crawls fetch it when the source allows (``fetch_calendars``) and hand the text to
the normalizer in :attr:`citynews.model.Hints.calendars`.

Only a page's *own* entry is wanted: a page with many such links is a listing (each teaser its
own file), and a calendar with many VEVENTs is a subscription, not this page's event.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from citynews.normalize.eventmarkup import calendar_nodes
from citynews.normalize.ical import repair

__all__ = ["MAX_CALENDAR_BYTES", "calendar_links", "calendar_text", "linked_calendar_nodes"]

# A single event's file is a few kilobytes; more is a whole calendar.
MAX_CALENDAR_BYTES = 256 * 1024
# More distinct calendar links than this: a listing with one file per teaser.
_MAX_LINKS = 2
# More VEVENTs than this in one file: a subscription, read only where a summary is the title.
_MAX_OWN_EVENTS = 3

_FILE_SUFFIX = re.compile(r"\.(?:ics|ical|ifb|vcs)$", re.IGNORECASE)
# "?type=ical", "&format=ics", "/ical/", "export-ics": a calendar export addressed by a token.
_URL_TOKEN = re.compile(
    r"(?:^|[/?&;=._-])(?:ics|ical|icalendar|vcal|vcalendar|vcs)(?:$|[/&;=._-])", re.IGNORECASE
)
# Anchor texts and titles that offer the event as a calendar entry.
_LINK_WORDS = re.compile(
    r"\b(?:i-?cal|ics|vcal|outlook|kalendereintrag|"
    r"(?:in\s+(?:den\s+|meinen\s+|ihren\s+)?)?kalender\s+(?:eintragen|übernehmen|speichern|"
    r"hinzufügen|exportieren|herunterladen)|"
    r"termin\w*\s+(?:speichern|exportieren|herunterladen|übernehmen|eintragen))\b",
    re.IGNORECASE,
)
_ANCHORS = etree.XPath("//a[@href]")
_WORD = re.compile(r"\w{4,}")


def _is_calendar_link(anchor: etree._Element, url: str) -> bool:
    parts = urlsplit(url)
    if _FILE_SUFFIX.search(parts.path) or _URL_TOKEN.search(f"{parts.path}?{parts.query}"):
        return True
    label = " ".join((anchor.text_content() or "", anchor.get("title") or "")).strip()
    return (
        bool(label)
        and bool(_LINK_WORDS.search(label))
        and "text/html" not in (anchor.get("type") or "")
    )


def calendar_links(tree: etree._Element, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the page's own calendar entry: [] when none or when the page
    links so many that they are its teasers' (a listing)."""
    found: list[str] = []
    for anchor in _ANCHORS(tree):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "data:", "mailto:", "javascript:", "webcal:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https") or url in found:
            continue
        if _is_calendar_link(anchor, url):
            found.append(url)
    return found if len(found) <= _MAX_LINKS else []


def calendar_text(body: bytes) -> str | None:
    """A fetched body as calendar text; None when it is not one (an HTML page, an error page).

    Calendars from Windows tools are often Windows-1252 rather than UTF-8.
    """
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT")):
        return None
    body = body[:MAX_CALENDAR_BYTES]
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def linked_calendar_nodes(texts: tuple[str, ...] | list[str], title: str) -> list[dict[str, Any]]:
    """schema.org-shaped Event objects from the page's fetched calendar entries.

    A file with up to three VEVENTs is the page's own; from a larger one only the VEVENTs
    whose summary shares a word with the page ``title`` are kept.
    """
    nodes: list[dict[str, Any]] = []
    title_words = _words(title)
    for text in texts:
        found = calendar_nodes(repair(text[:MAX_CALENDAR_BYTES])[0], source="ical-link")
        if len(found) > _MAX_OWN_EVENTS:
            found = [n for n in found if _words(n.get("name") or "") & title_words]
        nodes.extend(found)
    return nodes
