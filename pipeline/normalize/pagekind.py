"""Page kind: article, event or listing, from declared types and visible markers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from citynews.model import Hints, Kind, Teaser
from citynews.normalize.eventdetails import Details
from citynews.normalize.regions import norm_text
from citynews.normalize.structured import as_text, is_event_type, types_of

_EVENT_ITEMTYPE = etree.XPath('//*[contains(translate(@itemtype, "E", "e"), "schema.org/event")]')
# What that XPath needs written in the source: its translate() folds only "E".
_EVENT_ITEMTYPE_HINT = re.compile(r"sch[eE]ma\.org/[eE]vent")


# Head nouns of overview pages: "Aktuelles", "Sportliche Veranstaltungen", "Ausstellungen",
# "Veranstaltungen des Stadtmuseums", "Amtliche Bekanntmachungen", "Pressemitteilungen 2025".
_OVERVIEW_NOUN = re.compile(
    r"(?:aktuelles|neuigkeiten|nachrichten|meldungen|pressemitteilungen|presseinformationen"
    r"|veranstaltungen|veranstaltungskalender|termine|terminkalender|ausstellungen|kurse"
    r"|kursangebote|bekanntmachungen|amtsbl(?:a|ä)tter|news|archiv)",
    re.IGNORECASE,
)
_OVERVIEW_WORDS = 4
_TITLE_PARTS = re.compile(r"\s+[-–—|:]\s+|\s*[|»]\s*")


def overview_title(title: str | None) -> bool:
    """Whether a headline names an overview: a short title (at most four words) that starts
    or ends with a plural overview noun. "Veranstaltungen im Sommer fallen aus" is news.

    Of a title with site parts ("Familiensportfest - Lichtenberg - Veranstaltungen") only
    the first part is the page's own name; the others name the site and its section.
    """
    own = _TITLE_PARTS.split(title or "", maxsplit=1)[0]
    words = re.findall(r"[\wäöüÄÖÜß]+", own)
    words = [w for w in words if not w.isdigit()]
    if not words or len(words) > _OVERVIEW_WORDS:
        return False
    return any(_OVERVIEW_NOUN.fullmatch(w) for w in (words[0], words[-1]))


def _mostly_teasers(text: str, teaser_text: str) -> bool:
    """Whether the main text is made of the teasers (a listing) rather than an article."""
    paragraphs = [norm_text(line) for line in text.splitlines()]
    total = sum(len(p) for p in paragraphs)
    if total == 0:
        return True
    covered = sum(len(p) for p in paragraphs if p and p[:120] in teaser_text)
    return covered >= 0.6 * total


def declares_article(entities: list[dict[str, Any]]) -> bool:
    return any(t.endswith(("Article", "Posting")) for o in entities for t in types_of(o))


def page_kind(
    hints: Hints,
    jsonld: list[dict[str, Any]],
    entities: list[dict[str, Any]],
    tree: etree._Element,
    raw: str,
    title: str | None,
    teasers: list[Teaser],
    teaser_text: str,
    text: str,
    details: Callable[[bool], Details | None],
) -> Kind:
    """``details(labelled_only)`` finds the page's event details box, asked only when needed."""
    if hints.kind:
        return hints.kind
    articles = declares_article(entities)
    events = [o for o in jsonld if any(is_event_type(t) for t in types_of(o))]
    wanted = norm_text(title or "")

    def names_page(name: str | None) -> bool:
        norm = norm_text(name or "")
        return bool(norm and wanted) and (norm in wanted or wanted in norm)

    # An event widget in a sidebar also brings Event markup: it must be the page's subject.
    if any(names_page(as_text(e.get("name"))) for e in events):
        return "event"
    # The check of the source spares the XPath over every element on pages without an Event
    # itemtype (all 31 bench pages that name "schema.org/", mostly in JSON-LD).
    itemtypes = _EVENT_ITEMTYPE(tree) if _EVENT_ITEMTYPE_HINT.search(raw) else []
    for el in itemtypes:
        if next(el.iter("h1"), None) is not None or any(
            names_page(n.text_content()) for n in el.xpath('.//*[@itemprop="name"]')
        ):
            return "event"
    if len(teasers) >= 3 and not articles and _mostly_teasers(text, teaser_text):
        return "listing"
    # A labelled details box ("Startdatum: …", "Ort: …") about this very page is the
    # strongest visible marker, even where the CMS also calls the page an Article.
    found = details(articles)
    if found is not None and (found.labelled or not articles):
        return "event"
    return "article"
