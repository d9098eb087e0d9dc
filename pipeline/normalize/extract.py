"""Page-level extraction: canonical URL, title, kind, dates with provenance, main text,
sanitized HTML, summary, keywords, language, listing teasers and JSON-LD.

Composes the page normalizers: ``html`` (parsing), ``regions`` (boilerplate, headline),
``metadata``, ``content``, ``teasers``, ``eventdetails``, ``pagekind`` and ``pagedates``.
"""

from __future__ import annotations

import functools

import lxml.html

from citynews.model import Hints, Page, Teaser
from citynews.normalize.content import main_content
from citynews.normalize.eventdetails import event_details, find_details
from citynews.normalize.html import decode_html, parse_html
from citynews.normalize.metadata import (
    canonical_url,
    page_keywords,
    page_language,
    page_summary,
    page_title,
    site_names,
    strip_site_name,
)
from citynews.normalize.pagedates import day_of, page_dates
from citynews.normalize.pagekind import declares_article, page_kind
from citynews.normalize.structured import extract_jsonld, extract_meta, main_entities
from citynews.normalize.teasers import find_teasers

__all__ = [
    "day_of",
    "decode_html",
    "extract_page",
    "extract_teasers",
    "parse_html",
    "strip_site_name",
]


def extract_page(
    html: str | bytes,
    url: str,
    *,
    hints: Hints | None = None,
    tree: lxml.html.HtmlElement | None = None,
) -> Page:
    """Everything page-level extraction knows about one HTML page.

    ``tree`` is an already parsed lxml HTML tree of ``html`` (Scrapy's ``response.selector.root``)
    and spares a second parse. Dates are never guessed: unknown stays None.
    """
    hints = hints or Hints()
    if tree is None:
        tree = parse_html(html)
    jsonld = extract_jsonld(tree)
    meta = extract_meta(tree)
    entities = main_entities(jsonld)
    canonical = canonical_url(tree, meta, url)
    sites = site_names(meta, jsonld, canonical)
    title = page_title(tree, meta, entities, hints, sites)
    text, content_html = main_content(tree, canonical, hints, title)
    # Teasers only matter on listings; when the crawler already knows the page is an article
    # or an event, or the page declares itself an Article (never a listing then, see page_kind),
    # looking for them would cost a tenth of the extraction.
    maybe_listing = hints.kind == "listing" or (
        hints.kind is None and not declares_article(entities)
    )
    teasers, teaser_text = find_teasers(tree, canonical) if maybe_listing else ([], "")
    raw = html if isinstance(html, str) else html.decode("latin-1")
    # Looked for only when asked: not on listings, and on a declared Article only a labelled
    # box counts for its kind (its details lines are read only if it is an event after all).
    wants = hints.kind in (None, "event")
    details = functools.cache(
        lambda labelled_only: (
            find_details(tree, raw, title, labelled_only=labelled_only) if wants else None
        )
    )
    kind = page_kind(hints, jsonld, entities, tree, raw, title, teasers, teaser_text, text, details)
    found = details(False) if kind == "event" else None
    if found is not None and (lines := event_details(found, text, title)):
        text = f"{lines}\n\n{text}" if text else lines
    published, modified, source = page_dates(
        tree, raw, canonical, meta, entities, hints, title, kind
    )
    return Page(
        url=canonical,
        title=title,
        kind=kind,
        published=published,
        modified=modified,
        published_source=source,
        text=text,
        content_html=content_html,
        summary=page_summary(meta, text),
        keywords=page_keywords(tree, meta, entities),
        language=page_language(tree, meta),
        teasers=teasers if kind == "listing" else [],
        jsonld=jsonld,
    )


def extract_teasers(html: str | bytes, url: str) -> list[Teaser]:
    """The teasers (title, URL, date) of a listing page, without the rest of the extraction."""
    return find_teasers(parse_html(html), url)[0]
