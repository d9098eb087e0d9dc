"""Page regions: boilerplate (navigation, sidebars, footers), visible text in document order,
and the text around the headline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "select", "option"})
BOILER_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
_BOILER_ATTR = re.compile(
    r"sidebar|side-bar|sidebox|marginal|teaser|related|widget|comment|footer|(?:^|[-_ ])nav"
    r"|menu|breadcrumb|cookie|consent|banner|share|social|recommend|weitere|more-news|newsletter"
    r"|pagination|pager|tag-?cloud|(?:^|[-_ ])aside|(?:^|[-_ ])rail|promo(?!ted)|advert"
    r"|(?:^|[-_ ])ads?(?:$|[-_ ])",
    re.IGNORECASE,
)


def attr_text(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _is_boilerplate(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in BOILER_TAGS:
        return True
    if el.get("role") in ("navigation", "complementary", "contentinfo"):
        return True
    return _boilerplate_attrs(attr_text(el))


# Pages repeat their class names over and over ("menu-item", "col-md-4"): the regex, ~9 µs on
# a long class list, runs once per distinct one.
@lru_cache(maxsize=8192)
def _boilerplate_attrs(attrs: str) -> bool:
    return bool(attrs.strip()) and _BOILER_ATTR.search(attrs) is not None


def in_boilerplate(el: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if isinstance(node.tag, str) and node.tag not in ("html", "body") and _is_boilerplate(node):
            return True
        node = node.getparent()
    return False


@dataclass
class Segment:
    element: etree._Element
    start: int
    text: str


def _text_nodes(el: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Visible text outside boilerplate in document order, whitespace folded, lazily."""
    tag = el.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or _is_boilerplate(el):
        return
    if el.text and (text := " ".join(el.text.split())):
        yield el, text
    for child in el:
        yield from _text_nodes(child)
        if child.tail and (text := " ".join(child.tail.split())):
            yield el, text


def headline_segments(
    root: etree._Element, title: str | None
) -> tuple[str, list[Segment], Segment | None]:
    """(flat text, text nodes with offsets, the headline's node) up to 600 characters past it.

    The headline is the h1 text matching the title, else the first h1. Reading stops soon
    after a matching one: dates further down are not the byline's, and most of a page lies
    below its headline.
    """
    body = root.find("body")
    body = body if body is not None else root
    in_h1 = {node for h1 in body.iter("h1") for node in h1.iter()}
    parts: list[str] = []
    segments: list[Segment] = []
    if not in_h1:
        return "", segments, None
    wanted = norm_text(title or "")
    first: Segment | None = None
    anchor: Segment | None = None
    pos = 0
    for el, text in _text_nodes(body):
        if anchor is not None and pos >= anchor.start + len(anchor.text) + 600:
            break
        segment = Segment(el, pos, text)
        segments.append(segment)
        parts.append(text)
        parts.append("\n")
        pos += len(text) + 1
        if anchor is None and el in in_h1:
            first = first or segment
            norm = norm_text(text)
            if wanted and norm and (norm in wanted or wanted in norm):
                anchor = segment
    return "".join(parts), segments, anchor or first


def norm_text(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def select_text(tree: etree._Element, css: str) -> list[str]:
    try:
        found = tree.cssselect(css)
    except Exception:  # noqa: BLE001 - a bad selector in sources.toml must not kill the page
        return []
    texts = [" ".join(el.text_content().split()) for el in found]
    return [t for t in texts if t]
