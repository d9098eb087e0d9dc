"""Main content: the article's text and sanitized HTML, through trafilatura (or a selector)."""

from __future__ import annotations

import re
from copy import deepcopy
from urllib.parse import urljoin

import nh3
from lxml import etree
from trafilatura.htmlprocessing import convert_to_html

from citynews.model import Hints
from citynews.normalize.regions import BOILER_TAGS, SKIP_TAGS, norm_text
from citynews.normalize.textextract import main_text_body

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
    wanted = norm_text(title or "")
    for i, (_, text) in enumerate(kept[:4]):
        if wanted and norm_text(text) == wanted:
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


# Items with two ``div`` children at least, the fewest that can hold two fields: found in C,
# not by visiting every ``li`` of the menus in Python.
_ITEMS_WITH_DIVS = etree.XPath("//li[div[2]]")


def _item_fields_as_paragraphs(tree: etree._Element) -> None:
    """``div`` fields of a list item become ``p``: trafilatura keeps paragraphs apart inside an
    item but runs ``div`` texts together ("19:00 UhrSommerkonzert des MusikvereinsFesthalle")."""
    for item in _ITEMS_WITH_DIVS(tree):
        fields = [
            d
            for d in item.iterchildren("div")
            if not len(d)
            or all(c.tag not in ("div", "ul", "ol", "table", "p") for c in d.iterdescendants())
        ]
        if len(fields) >= 2:
            for field in fields:
                field.tag = "p"


def _from_trafilatura(tree: etree._Element, url: str, title: str | None) -> tuple[str, str]:
    _item_fields_as_paragraphs(tree)
    try:
        body = main_text_body(tree, _TRAFILATURA_CLEANS)
    except Exception:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup
        return "", ""
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
    for bad in list(fragment.iter(*SKIP_TAGS, *BOILER_TAGS, "iframe")):
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
        if text and not _DROP_PARAGRAPH.search(text) and norm_text(text) != norm_text(title or ""):
            kept.append((el, text))
    if not kept:
        return "", ""
    for el, _ in kept:
        el.tail = None
        _strip_lead_date(el)
    return "\n\n".join(t for _, t in kept), _sanitize([el for el, _ in kept], url)


def main_content(
    tree: etree._Element, url: str, hints: Hints, title: str | None
) -> tuple[str, str]:
    """(plain text with blank lines between paragraphs, sanitized HTML) of the main content."""
    text, html = _from_trafilatura(tree, url, title)
    if not text and hints.selectors.get("content"):
        text, html = _from_selector(tree, hints.selectors["content"], url, title)
    return text, html
