"""Page-level extraction: canonical URL, title, kind, dates with provenance, main text,
sanitized HTML, summary, keywords, language, listing teasers and JSON-LD.

Dates are the part users notice first, so they come from the most explicit evidence available
and never from the clock: JSON-LD, then ``<meta>``, then a ``<time>`` in the article byline,
then a German date line next to the headline, then htmldate, then the feed's date. Unknown
stays None.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import htmldate
import htmldate.extractors
import lxml.html
import nh3
import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import convert_to_html

from citynews.model import DateValue, Hints, Kind, Page, Teaser
from citynews.normalize.dates import find_dates
from citynews.normalize.structured import (
    MIN_YEAR,
    as_text,
    extract_jsonld,
    extract_meta,
    is_event_type,
    main_entities,
    parse_machine_date,
    types_of,
)

__all__ = ["extract_page", "extract_teasers", "parse_html"]


def _german_english_date_parser() -> Any:
    from dateparser import DateDataParser

    return DateDataParser(
        languages=["de", "en"],
        settings={
            "NORMALIZE": True,
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DATES_FROM": "past",
            "PREFER_LOCALE_DATE_ORDER": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": True,
        },
    )


_GERMAN_ENGLISH_PARSER = cache(_german_english_date_parser)


# fmt: off
_MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
# fmt: on
_LETTERS = re.compile(r"[^\W\d_]+")


@cache
def _month_names() -> frozenset[str]:
    """Month names and abbreviations (lower case) dateparser knows in German and English."""
    from dateparser.languages.loader import default_loader

    return frozenset(
        name.lower()
        for locale in default_loader.get_locales(languages=["de", "en"])
        for key in _MONTH_KEYS
        for name in locale.info.get(key, [])
    )


class _GermanFirstParser:
    """htmldate's external date parser: our German date engine first, then dateparser.

    htmldate hands it short spans ("3. Juni 2025", "June 3, 2020", "22 сентября 2021"). Ours
    reads German and numeric dates in microseconds. dateparser (German and English, strict)
    reads no date in a span with words but no month name it knows, so only the remaining
    spans reach it, and its 0.3 s of regex compilation is paid only when one does. On the
    752 corpus pages this gives the same result as dateparser alone for every span.
    """

    def get_date_data(self, string: str) -> dict[str, Any]:
        found = find_dates(string)
        if found:
            day = found[0].start
            # Naive, like dateparser's result: htmldate compares it with naive bounds.
            return {"date_obj": datetime(day.year, day.month, day.day)}
        words = [word.lower() for word in _LETTERS.findall(string)]
        if words and _month_names().isdisjoint(words):
            return {"date_obj": None}
        return _GERMAN_ENGLISH_PARSER().get_date_data(string)


_GERMAN_FIRST_PARSER = _GermanFirstParser()

# htmldate's hooks into dateparser, with ours: the parser and the month names its cue uses.
_DATEPARSER_HOOKS = {
    "get_external_parser": lambda: _GERMAN_FIRST_PARSER,
    "month_words": _month_names,
}


@contextmanager
def _german_english_dates() -> Iterator[None]:
    """Let htmldate's dateparser fallback try our engine, then German and English only.

    With every locale dateparser takes ~7 s to load once per process and ~20 ms per call,
    and htmldate's month-name cue alone loads all 200 locales (0.2 s); portals we crawl write
    German (or English). Scoped, so htmldate used elsewhere stays stock. A future htmldate
    without one of these hooks runs that part as it is.
    """
    hooks = {
        name: ours for name, ours in _DATEPARSER_HOOKS.items() if hasattr(htmldate.extractors, name)
    }
    stock = {name: getattr(htmldate.extractors, name) for name in hooks}
    for name, ours in hooks.items():
        setattr(htmldate.extractors, name, ours)
    try:
        yield
    finally:
        for name, original in stock.items():
            setattr(htmldate.extractors, name, original)


# --- parsing -------------------------------------------------------------------------------

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def decode_html(data: bytes) -> str:
    """Bytes as text: UTF-8 when valid, else the declared charset, else Windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _html_parser(**options: Any) -> etree.HTMLParser:
    """An HTML parser whose elements are all lxml.html's HtmlElement, looked up in C.

    lxml.html's own parser picks a class per tag (form, input, label …) in a Python callback
    for every element object created; nothing here uses those form helpers, and extraction
    creates thousands of element objects a page (6 % of its time on 200 corpus pages).
    """
    parser = etree.HTMLParser(**options)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_PARSER = _html_parser()
_UTF8_PARSER = _html_parser(encoding="utf-8")
_XML_DECL_BYTES = re.compile(rb"^\s*<\?xml", re.IGNORECASE)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_html(html: str | bytes) -> lxml.html.HtmlElement:
    """An lxml HTML document tree, tolerant of encodings and XML declarations."""
    if (
        isinstance(html, bytes)
        and html
        and not html.isspace()
        and not _XML_DECL_BYTES.match(html)
        and _is_utf8(html)
    ):
        # libxml2 reads UTF-8 bytes faster than a str (15 % of the parse), same tree.
        return lxml.html.document_fromstring(html, parser=_UTF8_PARSER)
    text = decode_html(html) if isinstance(html, bytes) else html
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        text = "<html></html>"
    return lxml.html.document_fromstring(text, parser=_PARSER)


# --- page regions --------------------------------------------------------------------------

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "select", "option"})
_BOILER_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
_BOILER_ATTR = re.compile(
    r"sidebar|side-bar|sidebox|marginal|teaser|related|widget|comment|footer|(?:^|[-_ ])nav"
    r"|menu|breadcrumb|cookie|consent|banner|share|social|recommend|weitere|more-news|newsletter"
    r"|pagination|pager|tag-?cloud|(?:^|[-_ ])aside|(?:^|[-_ ])rail|promo(?!ted)|advert"
    r"|(?:^|[-_ ])ads?(?:$|[-_ ])",
    re.IGNORECASE,
)


def _attr_text(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _is_boilerplate(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _BOILER_TAGS:
        return True
    if el.get("role") in ("navigation", "complementary", "contentinfo"):
        return True
    return _boilerplate_attrs(_attr_text(el))


# Pages repeat their class names over and over ("menu-item", "col-md-4"): the regex, ~9 µs on
# a long class list, runs once per distinct one.
@lru_cache(maxsize=8192)
def _boilerplate_attrs(attrs: str) -> bool:
    return bool(attrs.strip()) and _BOILER_ATTR.search(attrs) is not None


def _in_boilerplate(el: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if isinstance(node.tag, str) and node.tag not in ("html", "body") and _is_boilerplate(node):
            return True
        node = node.getparent()
    return False


@dataclass
class _Segment:
    element: etree._Element
    start: int
    text: str


def _text_nodes(el: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Visible text outside boilerplate in document order, whitespace folded, lazily."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS or _is_boilerplate(el):
        return
    if el.text and (text := " ".join(el.text.split())):
        yield el, text
    for child in el:
        yield from _text_nodes(child)
        if child.tail and (text := " ".join(child.tail.split())):
            yield el, text


def _headline_segments(
    root: etree._Element, title: str | None
) -> tuple[str, list[_Segment], _Segment | None]:
    """(flat text, text nodes with offsets, the headline's node) up to 600 characters past it.

    The headline is the h1 text matching the title, else the first h1. Reading stops soon
    after a matching one: dates further down are not the byline's, and most of a page lies
    below its headline.
    """
    body = root.find("body")
    body = body if body is not None else root
    in_h1 = {node for h1 in body.iter("h1") for node in h1.iter()}
    parts: list[str] = []
    segments: list[_Segment] = []
    if not in_h1:
        return "", segments, None
    wanted = _norm(title or "")
    first: _Segment | None = None
    anchor: _Segment | None = None
    pos = 0
    for el, text in _text_nodes(body):
        if anchor is not None and pos >= anchor.start + len(anchor.text) + 600:
            break
        segment = _Segment(el, pos, text)
        segments.append(segment)
        parts.append(text)
        parts.append("\n")
        pos += len(text) + 1
        if anchor is None and el in in_h1:
            first = first or segment
            norm = _norm(text)
            if wanted and norm and (norm in wanted or wanted in norm):
                anchor = segment
    return "".join(parts), segments, anchor or first


# --- URL, title, language ------------------------------------------------------------------


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _same_site(a: str, b: str) -> bool:
    ha, hb = _host(a), _host(b)
    if not ha or not hb:
        return False
    return ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha)


def _canonical_url(tree: etree._Element, meta: dict[str, list[str]], url: str) -> str:
    candidates = [
        el.get("href")
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    candidates += meta.get("og:url", [])
    for href in candidates:
        if not href or not href.strip() or href.strip().startswith(("#", "javascript:")):
            continue
        absolute = urljoin(url, href.strip())
        # A saved page (file://) knows where it came from better than its path does.
        trusted = _same_site(absolute, url) or urlsplit(url).scheme == "file"
        if urlsplit(absolute).scheme in ("http", "https") and trusted:
            return absolute
    return url


_TITLE_SEP = re.compile(r"\s+(?:[-–—|·»:]|::)\s+")


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_names(meta: dict[str, list[str]], jsonld: list[dict[str, Any]], url: str) -> list[str]:
    names = list(meta.get("og:site_name", [])) + list(meta.get("application-name", []))
    for obj in jsonld:
        kinds = types_of(obj)
        if "WebSite" in kinds or "Organization" in kinds or "GovernmentOrganization" in kinds:
            name = as_text(obj.get("name"))
            if name:
                names.append(name)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and (name := as_text(publisher.get("name"))):
            names.append(name)
    labels = [lab for lab in _host(url).split(".")[:-1] if len(lab) > 2]
    return [n for n in (_norm(x) for x in names) if n] + [_norm(lab) for lab in labels]


def _is_site_name(part: str, sites: list[str]) -> bool:
    norm = _norm(part)
    if not norm:
        return True
    return any(site and (site in norm or norm in site) for site in sites)


def strip_site_name(title: str, sites: list[str]) -> str:
    """``title`` without a leading or trailing part that names the site."""
    title = " ".join(title.split())
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEP.findall(title)
    # Only the outermost part is a candidate: inner parts are the headline's own punctuation.
    if _is_site_name(parts[-1], sites):
        kept = title[: title.rfind(seps[-1])].strip()
        if kept:
            return strip_site_name(kept, sites)
    if _is_site_name(parts[0], sites):
        kept = title[title.find(seps[0]) + len(seps[0]) :].strip()
        if kept:
            return kept
    return title


def _title(
    tree: etree._Element,
    meta: dict[str, list[str]],
    entities: list[dict[str, Any]],
    hints: Hints,
    sites: list[str],
) -> str | None:
    candidates: list[str | None] = []
    if hints.selectors.get("title"):
        candidates.extend(_select_text(tree, hints.selectors["title"])[:1])
    candidates.extend(as_text(obj.get("headline")) for obj in entities)
    candidates.extend(meta.get("og:title", [])[:1])
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text and not _in_boilerplate(h1):
            candidates.append(text)
            break
    title_el = tree.find(".//title")
    if title_el is not None:
        candidates.append(title_el.text_content())
    candidates.append(hints.title)
    for cand in candidates:
        if cand and cand.strip():
            return strip_site_name(cand, sites)
    return None


def _language(tree: etree._Element, meta: dict[str, list[str]]) -> str | None:
    values = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    values += meta.get("content-language", []) + meta.get("language", [])
    values += meta.get("dc.language", []) + meta.get("og:locale", [])
    for value in values:
        if not value:
            continue
        code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
        if 2 <= len(code) <= 3 and code.isalpha():
            return code
    return None


def _select_text(tree: etree._Element, css: str) -> list[str]:
    try:
        found = tree.cssselect(css)
    except Exception:  # noqa: BLE001 - a bad selector in sources.toml must not kill the page
        return []
    texts = [" ".join(el.text_content().split()) for el in found]
    return [t for t in texts if t]


# --- keywords ------------------------------------------------------------------------------

_KEYWORD_LABEL = re.compile(
    r"^\s*(?:Stichw(?:ö|oe)rter|Schlagw(?:ö|oe)rter|Schlagworte|Tags)\s*:", re.I
)


def _split_keywords(text: str) -> list[str]:
    return [k.strip(" .;·") for k in re.split(r"[,;|]", text) if k.strip(" .;·")]


def _keywords(
    tree: etree._Element, meta: dict[str, list[str]], entities: list[dict[str, Any]]
) -> list[str]:
    found: list[str] = []
    for el in tree.iter("p", "div", "span", "strong", "b", "dt", "li", "h3", "h4"):
        if not _KEYWORD_LABEL.match(el.text or ""):
            continue
        holder = el
        # "<strong>Stichwörter:</strong> <a>A</a>, <a>B</a>": the tags are the label's siblings.
        while holder is not None and not _KEYWORD_LABEL.sub("", holder.text_content()).strip():
            holder = holder.getparent()
        if holder is not None:
            found.extend(_split_keywords(_KEYWORD_LABEL.sub("", holder.text_content(), count=1)))
        break
    for key in ("keywords", "news_keywords"):
        for value in meta.get(key, []):
            found.extend(_split_keywords(value))
    found.extend(v.strip() for v in meta.get("article:tag", []))
    for obj in entities[:1]:
        raw = obj.get("keywords")
        if isinstance(raw, str):
            found.extend(_split_keywords(raw))
        elif isinstance(raw, list):
            found.extend(str(k).strip() for k in raw if isinstance(k, str | int) and str(k).strip())
    seen: set[str] = set()
    result: list[str] = []
    for kw in found:
        key = kw.casefold()
        if kw and key not in seen:
            seen.add(key)
            result.append(kw)
    return result


# --- main content --------------------------------------------------------------------------

_DROP_PARAGRAPH = re.compile(
    r"^(?:Stichw(?:ö|oe)rter|Schlagw(?:ö|oe)rter|Schlagworte|Tags)\s*:"
    r"|^(?:©|\(c\)|Copyright\b)"
    r"|^(?:Foto|Fotos|Bild|Bilder|Fotoquelle|Bildquelle|Quelle|Bildnachweis|Fotonachweis)\s*:"
    r"|^(?:Weitere Meldungen|Weitere Nachrichten|Termine|Das könnte Sie auch interessieren)$"
    r"|^(?:mehr\.\.\.|mehr …|weiterlesen|zurück)$"
    # Not "Datum": on event pages "Datum: 19.03.2027" is the event's date, kept for its reader.
    r"|^(?:Stand|Ver(?:ö|oe)ffentlicht(?: am)?|Aktualisiert(?: am)?|Erstellt(?: am)?)"
    r"\s*:?\s*\d{1,2}\.[\d.\s:,]*(?:Uhr)?$",
    re.IGNORECASE,
)
_LEAD_DATE = re.compile(r"^\s*\[\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*\]\s*")
# trafilatura's inline elements: their text runs on; everything else is a block.
_INLINE = frozenset({"hi", "ref", "del", "span", "a", "b", "i", "em", "strong", "sub", "sup"})
# Tags that open a line or a cell of their own even as the block itself.
_LINE_TAGS = frozenset({"lb", "item", "row", "cell"})


def _block_text(el: etree._Element) -> str:
    """Text of one trafilatura block; list items and table rows on lines of their own."""
    if el.tag not in _LINE_TAGS and all(d.tag in _INLINE for d in el.iterdescendants()):
        # Only running text (most paragraphs): lxml joins it in C.
        return _lines("".join(el.itertext()))
    parts: list[str] = []

    def walk(node: etree._Element, prefix: str = "") -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
        elif tag in ("item", "row"):
            parts.append("\n" + prefix)
        elif tag == "cell":
            parts.append(" | ")
        elif tag not in _INLINE and node is not el:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child, "- " if tag == "list" else "")
            if child.tail:
                parts.append(child.tail)
        if tag not in _INLINE and node is not el:
            parts.append(" ")

    walk(el, "- " if el.tag == "list" else "")
    return _lines("".join(parts))


def _lines(text: str) -> str:
    lines = (" ".join(line.split()).strip(" |") for line in text.split("\n"))
    return "\n".join(line for line in lines if line and line != "-")


def _strip_lead_date(el: etree._Element) -> None:
    """Remove a leading ``[19.05.2025]`` from the first text of ``el`` (it is metadata)."""
    for node in el.iter():
        if node.text and node.text.strip():
            node.text = _LEAD_DATE.sub("", node.text, count=1)
            return


def _kept_blocks(body: etree._Element, title: str | None) -> list[tuple[etree._Element, str]]:
    """Top-level blocks of the main content with their text, boilerplate and headline removed."""
    kept: list[tuple[etree._Element, str]] = []
    for el in body:
        text = _LEAD_DATE.sub("", _block_text(el), count=1).strip()
        if text and not _DROP_PARAGRAPH.search(text):
            kept.append((el, text))
    wanted = _norm(title or "")
    for i, (_, text) in enumerate(kept[:4]):
        if wanted and _norm(text) == wanted:
            # The headline and a short kicker above it are page furniture, not content.
            lead = kept[:i]
            kept = kept[i + 1 :] if all(len(t) < 80 for _, t in lead) else lead + kept[i + 1 :]
            break
    return kept


_ALLOWED_TAGS = {
    "p", "a", "ul", "ol", "li", "h2", "h3", "h4", "strong", "em", "blockquote", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_RENAME = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4", "u": "em"}


def _sanitize(blocks: list[etree._Element], base_url: str) -> str:
    """Sanitized HTML of trafilatura blocks (already converted to HTML tag names)."""
    chunks: list[str] = []
    for block in blocks:
        # Only the elements to rename or resolve: lxml filters tags in C.
        for el in block.iter(*_RENAME, "a"):
            el.tag = _RENAME.get(el.tag, el.tag)
            if el.tag == "a" and el.get("href"):
                el.set("href", urljoin(base_url, el.get("href").strip()))
        chunks.append(etree.tostring(block, encoding="unicode", method="html", with_tail=False))
    return nh3.clean(
        "".join(chunks),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    ).strip()


# Elements trafilatura's cleaning removes anyway (its MANUALLY_CLEANED list). It copies the
# tree three times and runs XPath pruning over all of it first: handed a tree without them, its
# step took 9.7 instead of 11.1 ms a page on 200 corpus pages, with the same text on 198 of
# them and unchanged scores on trafilatura-eval. ``prune_xpath`` removes them from the copy
# trafilatura makes of its input anyway, which spares a copy of our own (0.4 ms a page).
_TRAFILATURA_CLEANS = "|".join(
    f"//{tag}"
    for tag in (
        "script",
        "style",
        "noscript",
        "svg",
        "nav",
        "footer",
        "aside",
        "iframe",
        "select",
        "button",
    )
)


def _from_trafilatura(tree: etree._Element, url: str, title: str | None) -> tuple[str, str]:
    try:
        doc = trafilatura.bare_extraction(
            tree,
            prune_xpath=_TRAFILATURA_CLEANS,
            fast=True,
            include_comments=False,
            include_links=True,
            include_formatting=True,
            include_tables=True,
            # Not "python": that renders a text we do not use (blocks are rendered below).
            output_format="txt",
        )
    except Exception:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup
        return "", ""
    body = getattr(doc, "body", None)
    if body is None or not len(body):
        return "", ""
    kept = _kept_blocks(body, title)
    if not kept:
        return "", ""
    return "\n\n".join(text for _, text in kept), _kept_html(kept, url)


def _kept_html(kept: list[tuple[etree._Element, str]], url: str) -> str:
    """Sanitized HTML of the kept blocks; they move out of trafilatura's result, unused after."""
    fragment = etree.Element("body")
    for el, _ in kept:
        el.tail = None
        _strip_lead_date(el)
        fragment.append(el)
    html_body = convert_to_html(fragment)[0]
    return _sanitize(list(html_body), url)


def _from_selector(tree: etree._Element, css: str, url: str, title: str | None) -> tuple[str, str]:
    try:
        found = tree.cssselect(css)
    except Exception:  # noqa: BLE001 - a bad selector in sources.toml must not kill the page
        return "", ""
    if not found:
        return "", ""
    fragment = deepcopy(found[0])
    for bad in list(fragment.iter(*_SKIP_TAGS, *_BOILER_TAGS, "iframe")):
        if bad.getparent() is not None:
            bad.drop_tree()
    blocks = [
        el
        for el in fragment.iter("p", "h2", "h3", "h4", "ul", "ol", "blockquote", "table")
        if not any(a.tag in ("p", "ul", "ol", "blockquote", "table") for a in el.iterancestors())
    ]
    kept: list[tuple[etree._Element, str]] = []
    for el in blocks:
        text = _LEAD_DATE.sub("", " ".join(el.text_content().split()), count=1).strip()
        if text and not _DROP_PARAGRAPH.search(text) and _norm(text) != _norm(title or ""):
            kept.append((el, text))
    if not kept:
        return "", ""
    for el, _ in kept:
        el.tail = None
        _strip_lead_date(el)
    return "\n\n".join(t for _, t in kept), _sanitize([el for el, _ in kept], url)


def _main_content(
    tree: etree._Element, url: str, hints: Hints, title: str | None
) -> tuple[str, str]:
    """(plain text with blank lines between paragraphs, sanitized HTML) of the main content."""
    text, html = _from_trafilatura(tree, url, title)
    if not text and hints.selectors.get("content"):
        text, html = _from_selector(tree, hints.selectors["content"], url, title)
    return text, html


def _summary(meta: dict[str, list[str]], text: str, limit: int = 300) -> str:
    for key in ("description", "og:description", "twitter:description", "dc.description"):
        for value in meta.get(key, []):
            value = " ".join(value.split())
            if value:
                return value
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:–-") + " …"


# --- dates ---------------------------------------------------------------------------------

_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "date",
    "dc.date.issued",
    "dc.date",
    "dc.date.created",
    "dcterms.created",
    "dcterms.issued",
    "dcterms.date",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publication_date",
    "date.created",
    "created",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_date",
)
_META_MODIFIED = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
)


def _as_value(raw: str | None) -> DateValue | None:
    if not raw:
        return None
    value = parse_machine_date(raw)
    if value is None:
        found = find_dates(raw[:80])
        value = found[0].start if found else None
    return value


@dataclass
class _Candidate:
    value: DateValue
    source: str
    modified: bool = False
    weak: bool = False


_ITEMPROP_DATE = etree.XPath('//*[@itemprop="datePublished" or @itemprop="dateCreated"]')


def _structured_candidates(
    tree: etree._Element, html: str, meta: dict[str, list[str]], entities: list[dict[str, Any]]
) -> list[_Candidate]:
    """Machine-readable dates, most authoritative first: JSON-LD, then ``<meta>``, microdata."""
    found: list[_Candidate] = []

    def add(raw: str | None, source: str, modified: bool = False) -> None:
        value = _as_value(raw)
        if value is not None and value.year >= MIN_YEAR:
            found.append(_Candidate(value, source, modified))

    for obj in entities:
        for key in ("datePublished", "dateCreated"):
            add(as_text(obj.get(key)), "jsonld")
        add(as_text(obj.get("dateModified")), "jsonld", modified=True)
    for key in _META_PUBLISHED:
        for raw in meta.get(key, []):
            add(raw, "meta")
    # The literal check spares the XPath over every element on pages without such microdata.
    dated = _ITEMPROP_DATE(tree) if "datePublished" in html or "dateCreated" in html else []
    for el in dated:
        if el.tag != "meta" and not _in_boilerplate(el):
            add(el.get("datetime") or el.get("content") or el.text_content(), "meta")
    for key in _META_MODIFIED:
        for raw in meta.get(key, []):
            add(raw, "meta", modified=True)
    return found


_PUBLISHED_CUE = re.compile(
    r"(?:ver(?:ö|oe)ffentlicht|erschienen|publiziert|erstellt|eingestellt|datum|vom|"
    r"pressemitteilung|meldung|geschrieben|posted|published|created)\W{0,6}(?:am|on|:)?\W{0,3}$",
    re.IGNORECASE,
)
# On event pages "Datum:" or "vom" introduce the event's date: only unambiguous cues count.
_STRICT_PUBLISHED_CUE = re.compile(
    r"(?:ver(?:ö|oe)ffentlicht|erschienen|publiziert|erstellt|eingestellt|geschrieben|posted"
    r"|published|created)\W{0,6}(?:am|on|:)?\W{0,3}$",
    re.IGNORECASE,
)
_MODIFIED_CUE = re.compile(
    r"(?:stand|aktualisiert|ge(?:ä|ae)ndert|update[d]?|zuletzt\s+bearbeitet|letzte\s+(?:ä|ae)nderung"
    r"|last\s+modified|modified)\W{0,6}(?:am|on|:)?\W{0,3}$",
    re.IGNORECASE,
)
_EVENT_CUE = re.compile(
    r"(?:termin|veranstaltung|beginn|wann|zeit|einlass|start|ende|frist|anmeldeschluss|bis|ab)"
    r"\W{0,6}(?:am|:)?\W{0,3}$",
    re.IGNORECASE,
)
_SEPARATED = re.compile(r"^[\s\])|–—:/,-]*$|^[\s\])]*[|–—:/-]")
_DATELINE = re.compile(r"^\s*[A-ZÄÖÜ][\w .()/-]{1,40},\s*\(?\s*$")
_DATELINE_END = re.compile(r"^\s*\)?\s*[.:–—-]")
_NOISE = re.compile(r"[\s\[\]()|–—:,/.-]+")


def _visible_dates(
    root: etree._Element, title: str | None, *, cued_only: bool = False
) -> tuple[_Candidate | None, DateValue | None]:
    """(publication date, modification date) shown next to the headline, as readers see them.

    Only dates that stand on their own (a byline, ``[19.05.2025]``, ``Veröffentlicht am …``,
    a ``<time>``) count; a date inside a sentence ("Am 3. Juni 2025 findet …") is an event.
    With ``cued_only`` (event pages, whose visible dates are the event's) only dates after a
    publication cue such as "veröffentlicht am" count.
    """
    flat, segments, anchor = _headline_segments(root, title)
    if anchor is None:
        return None, None
    starts = [seg.start for seg in segments]
    lo = max(0, anchor.start - 300)
    hi = anchor.start + len(anchor.text) + 600
    window = flat[lo:hi]
    published: list[tuple[int, _Candidate]] = []
    modified: DateValue | None = None
    for seg in segments:
        if seg.start < lo or seg.start >= hi or seg.element.tag != "time":
            continue
        value = _as_value(seg.element.get("datetime"))
        if value is None or value.year < MIN_YEAR:
            continue
        context = flat[max(0, seg.start - 40) : seg.start + len(seg.text)]
        if re.search(r"aktualisiert|ge(?:ä|ae)ndert|updated|stand\b", context, re.I):
            modified = modified or value
        elif cued_only and not _STRICT_PUBLISHED_CUE.search(
            flat[max(0, seg.start - 40) : seg.start]
        ):
            continue
        else:
            published.append((seg.start, _Candidate(value, "time")))
    for found in find_dates(window):
        if found.end is not None or found.start.year < MIN_YEAR:
            continue
        start, end = found.span
        before = window[max(0, start - 40) : start]
        before_line = before.rsplit("\n", 1)[-1]
        after_line = window[end:].split("\n", 1)[0]
        if _MODIFIED_CUE.search(before):
            modified = modified or found.start
            continue
        if _EVENT_CUE.search(before) or (cued_only and not _STRICT_PUBLISHED_CUE.search(before)):
            continue
        line_rest = _NOISE.sub(" ", before_line + " " + after_line).strip()
        standalone = len(line_rest) <= 30 and not re.search(r"\b(?:bis|ab|von)\s*$", before_line)
        bracketed = before_line.rstrip().endswith("[") or (
            before_line.strip() == "" and _SEPARATED.match(after_line) is not None
        )
        # Press-release dateline: "Karlsruhe, (12.11.2021). Traditionell …"
        dateline = _DATELINE.match(before_line) is not None and _DATELINE_END.match(after_line)
        if _PUBLISHED_CUE.search(before) or standalone or bracketed or dateline:
            published.append((lo + start, _Candidate(found.start, "text")))
    if not published:
        return None, modified
    published.sort(key=lambda p: p[0])
    after = [p for p in published if p[0] >= anchor.start]
    if after:
        return after[0][1], modified
    # Above the headline sit site headers ("Mittwoch, 26.02.2020" = today): only a date in
    # the headline's own block (a small common ancestor) is as good as a byline.
    pos, weak = published[-1]
    element = segments[bisect_right(starts, pos) - 1].element
    weak.weak = not _same_block(element, anchor.element, len(root.text_content()))
    return weak, modified


def _same_block(a: etree._Element, b: etree._Element, page_chars: int) -> bool:
    ancestors = {b, *b.iterancestors()}
    common = next((x for x in (a, *a.iterancestors()) if x in ancestors), None)
    if common is None or common.tag in ("html", "body"):
        return False
    return len(common.text_content()) < 0.5 * page_chars


def _htmldate(tree: etree._Element, url: str) -> DateValue | None:
    try:
        with _german_english_dates():
            found = htmldate.find_date(
                tree,
                url=url,
                original_date=True,
                outputformat="%Y-%m-%d",
                min_date=f"{MIN_YEAR}-01-01",
            )
    except Exception:  # noqa: BLE001 - htmldate raises assorted errors on odd markup
        return None
    return parse_machine_date(found) if found else None


def _select_date(tree: etree._Element, css: str) -> DateValue | None:
    for text in _select_text(tree, css):
        found = find_dates(text[:200])
        if found and found[0].start.year >= MIN_YEAR:
            return found[0].start
    return None


def _dates(
    tree: etree._Element,
    raw: str,
    url: str,
    meta: dict[str, list[str]],
    entities: list[dict[str, Any]],
    hints: Hints,
    title: str | None,
    kind: Kind,
) -> tuple[DateValue | None, DateValue | None, str | None]:
    """(published, modified, provenance of published)."""
    structured = _structured_candidates(tree, raw, meta, entities)
    modified = next((c.value for c in structured if c.modified), None)
    if hints.selectors.get("date") and (sel := _select_date(tree, hints.selectors["date"])):
        return sel, modified, "text"
    # On event pages the visible dates are the event's days, and htmldate would pick one
    # of them: only declared or explicitly cued publication dates count there.
    guess = kind != "event"
    visible, visible_modified = _visible_dates(tree, title, cued_only=not guess)
    modified = modified or visible_modified
    if visible is not None:
        # The date the page shows its readers is the one they expect in the feed; markup
        # agreeing on that day supplies the time of day and the provenance.
        day = day_of(visible.value)
        same = [c for c in structured if day_of(c.value) == day]
        if same or not visible.weak:
            best = next((c for c in same if not c.modified), None)
            best = best or (same[0] if same else visible)
            value = best.value if isinstance(best.value, datetime) else visible.value
            return value, modified, best.source if not best.modified else visible.source
    first = next((c for c in structured if not c.modified), None)
    if first is not None:
        return first.value, modified, first.source
    found = _htmldate(tree, url) if guess else None
    if found is not None:
        same_as_stand = visible_modified is not None and day_of(visible_modified) == found
        if same_as_stand:
            return visible_modified, modified, "text"
        return found, modified, "htmldate"
    if hints.published is not None:
        return hints.published, modified, "feed"
    if visible_modified is not None:
        return visible_modified, modified, "text"
    return None, modified, None


# --- listings ------------------------------------------------------------------------------

_MORE_LINK = re.compile(
    r"^(?:mehr|weiter|weiterlesen|more|read more|details|zum artikel)\W*$", re.I
)
_ITEM_TAGS = frozenset({"li", "article", "div", "p", "tr", "section", "dd", "dl"})


def _item_date(item: etree._Element) -> DateValue | None:
    for el in item.iter("time"):
        value = _as_value(el.get("datetime") or el.text_content())
        if value is not None:
            return value
    found = find_dates(" ".join(item.text_content().split())[:300])
    return found[0].start if found else None


def _teaser(item: etree._Element, base_url: str) -> Teaser | None:
    links = [a for a in item.iter("a") if (a.get("href") or "").strip()]
    links = [
        a for a in links if not a.get("href").strip().startswith(("#", "javascript:", "mailto:"))
    ]
    if not links:
        return None
    heading = next(iter(item.iter("h1", "h2", "h3", "h4", "h5", "h6")), None)
    title = ""
    href = None
    if heading is not None:
        title = " ".join(heading.text_content().split())
        inner = next((a for a in heading.iter("a") if a in links), None)
        href = inner.get("href") if inner is not None else None
    if not title:
        named = [a for a in links if not _MORE_LINK.match(" ".join(a.text_content().split()))]
        best = max(named, key=lambda a: len(a.text_content().strip()), default=None)
        if best is not None and len(best.text_content().strip()) >= 8:
            title = " ".join(best.text_content().split())
            href = best.get("href")
    if not title:
        text = " ".join(item.text_content().split())
        text = re.sub(r"^\[?\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*\]?\s*", "", text)
        text = re.sub(r"\s*(?:mehr|weiter(?:lesen)?)\s*(?:\.\.\.|…|»|>)?\s*$", "", text, flags=re.I)
        title = text[:200].rstrip(" .…")
    if not title:
        return None
    href = href or links[0].get("href")
    return Teaser(title=title, url=urljoin(base_url, href.strip()), published=_item_date(item))


def _teasers(tree: etree._Element, base_url: str) -> tuple[list[Teaser], str]:
    """Teasers of the largest group of dated, linked sibling items, and the items' text."""
    groups: dict[etree._Element, set[etree._Element]] = {}
    markers: list[etree._Element] = list(tree.iter("time"))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if el.text and _DATEISH.search(el.text):
            markers.append(el)
        if el.tail and _DATEISH.search(el.tail) and el.getparent() is not None:
            markers.append(el.getparent())
    for marker in markers:
        child = marker
        for parent in marker.iterancestors():
            if child.tag in _ITEM_TAGS:
                groups.setdefault(parent, set()).add(child)
            child = parent
    best: list[etree._Element] = []
    for parent, items in groups.items():
        linked = [it for it in items if any(a.get("href") for a in it.iter("a"))]
        if len(linked) < 3 or len(linked) <= len(best) or _in_boilerplate(parent):
            continue
        # Whole articles or comment threads with dates are not teasers.
        linked = [it for it in linked if len(it.text_content()) <= _TEASER_MAX_CHARS]
        if len(linked) < 3 or len(linked) <= len(best):
            continue
        # A group wrapping the whole page (one child per region) is not a list of teasers.
        if sum(1 for _ in parent) > 3 * len(linked) + 5:
            continue
        best = linked
    if not best:
        return [], ""
    order = {el: i for i, el in enumerate(best[0].getparent())}
    best.sort(key=lambda el: order.get(el, 0))
    teasers = [t for it in best if (t := _teaser(it, base_url)) is not None]
    return teasers, " ".join(_norm(it.text_content()) for it in best)


_TEASER_MAX_CHARS = 1200
# Factored on the leading digit: sre then skips to digits at C speed (4x faster on page text).
_DATEISH = re.compile(
    r"\d(?:\d?\.\s?\d{1,2}\.\s?\d{2,4}"
    r"|\d?\.\s*(?:Jan|Feb|Mär|Mrz|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)"
    r"|\d{3}-\d{2}-\d{2})"
)


def _mostly_teasers(text: str, teaser_text: str) -> bool:
    """Whether the main text is made of the teasers (a listing) rather than an article."""
    paragraphs = [_norm(line) for line in text.splitlines()]
    total = sum(len(p) for p in paragraphs)
    if total == 0:
        return True
    covered = sum(len(p) for p in paragraphs if p and p[:120] in teaser_text)
    return covered >= 0.6 * total


def _declares_article(entities: list[dict[str, Any]]) -> bool:
    return any(t.endswith(("Article", "Posting")) for o in entities for t in types_of(o))


def _kind(
    hints: Hints,
    jsonld: list[dict[str, Any]],
    entities: list[dict[str, Any]],
    tree: etree._Element,
    raw: str,
    title: str | None,
    teasers: list[Teaser],
    teaser_text: str,
    text: str,
    details: _Details | None,
) -> Kind:
    if hints.kind:
        return hints.kind
    articles = _declares_article(entities)
    events = [o for o in jsonld if any(is_event_type(t) for t in types_of(o))]
    wanted = _norm(title or "")

    def names_page(name: str | None) -> bool:
        norm = _norm(name or "")
        return bool(norm and wanted) and (norm in wanted or wanted in norm)

    # An event widget in a sidebar also brings Event markup: it must be the page's subject.
    if any(names_page(as_text(e.get("name"))) for e in events):
        return "event"
    # The literal check spares the XPath over every element on pages without microdata.
    itemtypes = _EVENT_ITEMTYPE(tree) if "schema.org/" in raw else []
    for el in itemtypes:
        if next(el.iter("h1"), None) is not None or any(
            names_page(n.text_content()) for n in el.xpath('.//*[@itemprop="name"]')
        ):
            return "event"
    if len(teasers) >= 3 and not articles and _mostly_teasers(text, teaser_text):
        return "listing"
    # A labelled details box ("Startdatum: …", "Ort: …") about this very page is the
    # strongest visible marker, even where the CMS also calls the page an Article.
    if details is not None and (details.labelled or not articles):
        return "event"
    return "article"


_EVENT_ITEMTYPE = etree.XPath('//*[contains(translate(@itemtype, "E", "e"), "schema.org/event")]')
_EVENTISH_XPATH = etree.XPath(
    '//*[contains(translate(@class, "ETV", "etv"), "event")'
    ' or contains(translate(@class, "ETV", "etv"), "veranstaltung")'
    ' or contains(translate(@class, "ETV", "etv"), "termin")'
    ' or contains(translate(@id, "ETV", "etv"), "event")'
    ' or contains(translate(@id, "ETV", "etv"), "veranstaltung")'
    ' or contains(translate(@id, "ETV", "etv"), "termin")]'
)
_EVENT_BLOCK = re.compile(
    r"event-?details?|veranstaltungs?-?details?|termin-?details?|event-?info|veranstaltungsinfo",
    re.IGNORECASE,
)
# A page header of an event (headline, date, place): only counts when it holds the page's h1.
_EVENT_HEADER = re.compile(
    r"event-?(?:page-?)?head(?:er)?|veranstaltungs?-?(?:kopf|head(?:er)?)", re.IGNORECASE
)
_OUTER_TAGS = frozenset({"nav", "footer", "menu"})
# Literal-led searches of the raw HTML that gate the tree searches below: a C-level scan
# costs a fraction of an XPath over every node, and most pages have no such markers.
_MARKER_TAIL = r"(?:[Dd]etail|DETAIL|[Ii]nfo|INFO|(?:[Pp]age[-_]?)?[Hh]ead|HEAD|[Kk]opf)"
_BLOCK_HINTS = tuple(
    re.compile(p + _MARKER_TAIL) for p in (r"vents?[-_]?", r"eranstaltungs?[-_]?", r"ermine?[-_]?")
)
_LABEL_HINTS = tuple(re.compile(p + r"\s*[:<?]") for p in ("atum", "ermin", "Wann", "eginn"))

# Labels of a details box, by the fact they introduce.
_BOX_LABELS = {
    "startdatum": "start",
    "datum": "start",
    "termin": "start",
    "wann": "start",
    "beginn": "start",
    "enddatum": "end",
    "ende": "end",
    "uhrzeit": "time",
    "zeit": "time",
    "ort": "place",
    "veranstaltungsort": "place",
    "wo": "place",
    "adresse": "place",
    "treffpunkt": "place",
    "veranstalter": "organizer",
}
_EVENT_ONLY_LABELS = frozenset({"startdatum", "termin", "wann", "beginn"})
_BOX_LABEL = re.compile(
    r"^\s*(" + "|".join(sorted(_BOX_LABELS, key=len, reverse=True)) + r")\s*([:?]?)\s*(\S?)",
    re.IGNORECASE,
)
# The C-level prefilter keeps this cheap: only short text nodes naming a label reach Python.
_BOX_LABEL_XPATH = etree.XPath(
    "//text()[string-length(normalize-space(.)) < 60 and ("
    + " or ".join(f'contains(., "{w}")' for w in ("atum", "ermin", "ann", "eginn", "nde", "eit",
                                                  "rt", "Wo", "dresse", "reffpunkt", "eranstalter"))
    + ")]"
)  # fmt: skip
# Box headings that announce facts of this page, and ones that announce other events.
_DETAILS_HEADING = re.compile(
    r"^(?:termin|veranstaltungs?|event)?[- ]?(?:details?|daten|infos?|informationen)\b"
    r"|^termin$|^wann und wo|^auf einen blick$|^eckdaten$|^das wichtigste",
    re.IGNORECASE,
)
_OTHER_EVENTS_HEADING = re.compile(
    r"^(?:nächste|kommende|weitere|aktuelle|alle)\w*\s|^(?:termine|veranstaltungen)\b",
    re.IGNORECASE,
)
_BOX_MAX_CHARS = 2000
_BOX_DEPTH = 6


@dataclass
class _Details:
    """The element carrying the event facts of this page, and whether they are labelled."""

    element: etree._Element
    labelled: bool


def _in_outer(el: etree._Element) -> bool:
    return any(
        a.tag in _OUTER_TAGS or a.get("role") in ("navigation", "contentinfo")
        for a in el.iterancestors()
    )


def _box_heading(box: etree._Element) -> str | None:
    heading = next(box.iter("h1", "h2", "h3", "h4", "h5", "h6"), None)
    if heading is None:
        previous = box.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None and previous.tag in ("h2", "h3", "h4", "h5", "h6"):
            heading = previous
    return " ".join(heading.text_content().split()) if heading is not None else None


def _labelled_box(tree: etree._Element, title: str | None) -> etree._Element | None:
    """The box of labelled event facts about this page ("Termindetails": Startdatum, Ort, …).

    It may sit in a layout column that looks like a sidebar. A box repeating a label is a list
    of other events, and so is one headed by another name than the page's or a details heading.
    """
    labels: list[tuple[etree._Element, str]] = []
    for node in _BOX_LABEL_XPATH(tree):
        m = _BOX_LABEL.match(node)
        # "Ort", "Wo?" or "Ort: …" is a label; "Orte der Stadt" or "Ortsteil" is not.
        if m is None or (m.group(3) and not m.group(2)):
            continue
        el = node.getparent()
        if el is None:
            continue
        if node.is_tail:
            el = el.getparent()
            if el is None:
                continue
        labels.append((el, m.group(1).lower()))
    if len(labels) < 2:
        return None
    wanted = _norm(title or "")
    for el, word in labels:
        if _BOX_LABELS[word] != "start":
            continue
        for depth, box in enumerate(el.iterancestors()):
            if depth >= _BOX_DEPTH or box.tag in ("body", "html"):
                break
            inside = [w for e, w in labels if e is box or box in e.iterancestors()]
            kinds = {_BOX_LABELS[w] for w in inside}
            if len(kinds) < 2:
                continue
            # "Ort …, Datum …" alone is a press release's dateline: an event box names its
            # time or end, or its start with a word no byline uses.
            if not (kinds & {"time", "end"} or set(inside) & _EVENT_ONLY_LABELS):
                break
            if len(inside) != len(set(inside)) or len(box.text_content()) > _BOX_MAX_CHARS:
                break
            if _in_outer(box) or not find_dates(" ".join(box.text_content().split())):
                break
            heading = _box_heading(box)
            norm = _norm(heading or "")
            if (
                heading is None
                or _DETAILS_HEADING.match(heading)
                or (norm and wanted and (norm in wanted or wanted in norm))
                or next(box.iter("h1"), None) is not None
            ) and not (heading and _OTHER_EVENTS_HEADING.match(heading)):
                return box
            break
    return None


def _details(tree: etree._Element, raw: str, title: str | None) -> _Details | None:
    """Where the page states its event's facts: a labelled box, a details block, the header.

    ``raw`` is the page's HTML source, used to skip the tree searches on pages without markers.
    """
    if any(hint.search(raw) for hint in _LABEL_HINTS):
        box = _labelled_box(tree, title)
        if box is not None:
            return _Details(box, labelled=True)
    if not any(hint.search(raw) for hint in _BLOCK_HINTS):
        return None
    for el in _EVENTISH_XPATH(tree):
        attrs = _attr_text(el)
        if _EVENT_BLOCK.search(attrs) and not _in_boilerplate(el):
            return _Details(el, labelled=False)
        if (
            _EVENT_HEADER.search(attrs)
            and next(el.iter("h1"), None) is not None
            and not _in_outer(el)
        ):
            return _Details(el, labelled=False)
    return None


_DETAIL_BLOCKS = frozenset(
    {"div", "p", "tr", "li", "dt", "dd", "h2", "h3", "h4", "h5", "section", "table", "tbody",
     "thead", "ul", "ol", "dl", "address", "article", "header", "footer"}
)  # fmt: skip
_DETAIL_LABEL = re.compile(
    r"^(?:datum|uhrzeit|zeit|beginn|ende|startdatum|enddatum|ort|veranstaltungsort|adresse"
    r"|anschrift|veranstalter|anmeldung|kosten|termin|wann|wo)$",
    re.IGNORECASE,
)


_QUESTION_LABEL = re.compile(r"^(Wann|Wo|Was|Wer)\s*\?", re.IGNORECASE)


def _detail_lines(block: etree._Element) -> list[str]:
    """Lines of an event-details block, labels joined to their values ("Ort: …")."""
    block = deepcopy(block)
    for br in block.iter("br"):
        br.tail = ", " + (br.tail or "")
    raw: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            return
        if node.tag == "tr":
            cells = [" ".join(c.text_content().split()) for c in node if c.tag in ("th", "td")]
            if cells:
                raw.append(": ".join(c.rstrip(":") for c in cells if c))
            return
        if not any(isinstance(c.tag, str) and c.tag in _DETAIL_BLOCKS for c in node):
            line = " ".join(node.text_content().split()).strip(" ,")
            if line:
                raw.append(line)
            return
        if node.text and node.text.strip():
            raw.append(node.text.strip())
        for child in node:
            walk(child)

    walk(block)
    lines: list[str] = []
    for line in raw:
        # "Wann? Samstag …" is the question form of "Wann: Samstag …".
        line = _QUESTION_LABEL.sub(r"\1:", line, count=1)
        if lines and _DETAIL_LABEL.match(lines[-1].rstrip(":").strip()):
            lines[-1] = f"{lines[-1].rstrip(':').strip()}: {line}"
        else:
            lines.append(line)
    return lines


def _event_details(details: _Details, text: str, title: str | None) -> str:
    """The page's event-details block as text, when main-text extraction dropped it.

    Detail boxes (date, time, place) are often laid out as tables or label/value fields that
    main-text extraction treats as furniture, yet they are the event's facts.
    """
    # Compared as written: a line that main-text extraction kept without the line breaks
    # between venue, street and town is worth repeating in its separated form.
    flat = " ".join(text.split())
    headline = _norm(title or "")
    return "\n".join(
        line
        for line in _detail_lines(details.element)
        if line not in flat and not (headline and _norm(line) == headline)
    )


# --- entry point ---------------------------------------------------------------------------


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
    canonical = _canonical_url(tree, meta, url)
    sites = _site_names(meta, jsonld, canonical)
    title = _title(tree, meta, entities, hints, sites)
    text, content_html = _main_content(tree, canonical, hints, title)
    # Teasers only matter on listings; when the crawler already knows the page is an article
    # or an event, or the page declares itself an Article (never a listing then, see _kind),
    # looking for them would cost a tenth of the extraction.
    maybe_listing = hints.kind == "listing" or (
        hints.kind is None and not _declares_article(entities)
    )
    teasers, teaser_text = _teasers(tree, canonical) if maybe_listing else ([], "")
    raw = html if isinstance(html, str) else html.decode("latin-1")
    details = _details(tree, raw, title) if hints.kind in (None, "event") else None
    kind = _kind(hints, jsonld, entities, tree, raw, title, teasers, teaser_text, text, details)
    if kind == "event" and details is not None and (lines := _event_details(details, text, title)):
        text = f"{lines}\n\n{text}" if text else lines
    published, modified, source = _dates(tree, raw, canonical, meta, entities, hints, title, kind)
    return Page(
        url=canonical,
        title=title,
        kind=kind,
        published=published,
        modified=modified,
        published_source=source,
        text=text,
        content_html=content_html,
        summary=_summary(meta, text),
        keywords=_keywords(tree, meta, entities),
        language=_language(tree, meta),
        teasers=teasers if kind == "listing" else [],
        jsonld=jsonld,
    )


def extract_teasers(html: str | bytes, url: str) -> list[Teaser]:
    """The teasers (title, URL, date) of a listing page, without the rest of the extraction."""
    return _teasers(parse_html(html), url)[0]


def day_of(value: DateValue | None) -> date | None:
    """The calendar day of a date or datetime, as written by the source (offset kept)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value
