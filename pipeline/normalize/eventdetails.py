"""The box or block where an event page states its facts (date, time, place, organizer)."""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from citynews.normalize.dates import find_dates
from citynews.normalize.regions import SKIP_TAGS, attr_text, in_boilerplate, norm_text

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
    r"event-?(?:page-?)?head(?:er)?|veranstaltungs?-?(?:kopf|head(?:er)?)"
    # A class of its own: "<article class="article-full event">" around the headline.
    r"|(?:^|\s)(?:event|veranstaltung|termin)(?:\s|$)",
    re.IGNORECASE,
)
_OUTER_TAGS = frozenset({"nav", "footer", "menu"})
# Literal-led searches of the raw HTML that gate the tree searches below: a C-level scan
# costs a fraction of an XPath over every node, and most pages have no such markers.
_MARKER_TAIL = r"(?:[Dd]etail|DETAIL|[Ii]nfo|INFO|(?:[Pp]age[-_]?)?[Hh]ead|HEAD|[Kk]opf)"
_BLOCK_HINTS = (
    *(
        re.compile(p + _MARKER_TAIL)
        for p in (r"vents?[-_]?", r"eranstaltungs?[-_]?", r"ermine?[-_]?")
    ),
    # A class token of its own ("article-full event tops"); 1 of 300 corpus pages has one.
    re.compile(r'class="(?:[^"]* )?(?:event|veranstaltung|termin)[ "]'),
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
class Details:
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


def _box_labels(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """(element, label word) of every short text node that reads as a details-box label."""
    labels: list[tuple[etree._Element, str]] = []
    for node in _BOX_LABEL_XPATH(tree):
        m = _BOX_LABEL.match(node)
        # "Ort", "Wo?" or "Ort: …" is a label; "Orte der Stadt" or "Ortsteil" is not.
        if m is None or (m.group(3) and not m.group(2)):
            continue
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        if el is not None:
            labels.append((el, m.group(1).lower()))
    return labels


def _names_this_page(box: etree._Element, wanted: str) -> bool:
    """Whether the box is headed as this page's details (or by its headline), not other events'."""
    heading = _box_heading(box)
    norm = norm_text(heading or "")
    return (
        heading is None
        or _DETAILS_HEADING.match(heading) is not None
        or bool(norm and wanted and (norm in wanted or wanted in norm))
        or next(box.iter("h1"), None) is not None
    ) and not (heading and _OTHER_EVENTS_HEADING.match(heading))


def _box_of(
    el: etree._Element, labels: list[tuple[etree._Element, str]], wanted: str
) -> etree._Element | None:
    """The nearest ancestor of the start label ``el`` that is this page's details box."""
    for depth, box in enumerate(el.iterancestors()):
        if depth >= _BOX_DEPTH or box.tag in ("body", "html"):
            return None
        inside = [w for e, w in labels if e is box or box in e.iterancestors()]
        kinds = {_BOX_LABELS[w] for w in inside}
        if len(kinds) < 2:
            continue
        # "Ort …, Datum …" alone is a press release's dateline: an event box names its
        # time or end, or its start with a word no byline uses.
        if not (kinds & {"time", "end"} or set(inside) & _EVENT_ONLY_LABELS):
            return None
        if len(inside) != len(set(inside)) or len(box.text_content()) > _BOX_MAX_CHARS:
            return None
        if _in_outer(box) or not find_dates(" ".join(box.text_content().split())):
            return None
        return box if _names_this_page(box, wanted) else None
    return None


def _labelled_box(tree: etree._Element, title: str | None) -> etree._Element | None:
    """The box of labelled event facts about this page ("Termindetails": Startdatum, Ort, …).

    It may sit in a layout column that looks like a sidebar. A box repeating a label is a list
    of other events, and so is one headed by another name than the page's or a details heading.
    """
    labels = _box_labels(tree)
    if len(labels) < 2:
        return None
    wanted = norm_text(title or "")
    for el, word in labels:
        if _BOX_LABELS[word] == "start" and (box := _box_of(el, labels, wanted)) is not None:
            return box
    return None


def find_details(
    tree: etree._Element, raw: str, title: str | None, *, labelled_only: bool = False
) -> Details | None:
    """Where the page states its event's facts: a labelled box, a details block, the header.

    ``raw`` is the page's HTML source, used to skip the tree searches on pages without markers.
    ``labelled_only``: only a labelled box is wanted (the block search reads the source four
    more times).
    """
    if any(hint.search(raw) for hint in _LABEL_HINTS):
        box = _labelled_box(tree, title)
        if box is not None:
            return Details(box, labelled=True)
    if labelled_only or not any(hint.search(raw) for hint in _BLOCK_HINTS):
        return None
    for el in _EVENTISH_XPATH(tree):
        attrs = attr_text(el)
        if _EVENT_BLOCK.search(attrs) and not in_boilerplate(el):
            return Details(el, labelled=False)
        if (
            _EVENT_HEADER.search(attrs)
            and next(el.iter("h1"), None) is not None
            and not _in_outer(el)
        ):
            return Details(el, labelled=False)
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
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
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


def event_details(details: Details, text: str, title: str | None) -> str:
    """The page's event-details block as text, when main-text extraction dropped it.

    Detail boxes (date, time, place) are often laid out as tables or label/value fields that
    main-text extraction treats as furniture, yet they are the event's facts.
    """
    # Compared as written: a line that main-text extraction kept without the line breaks
    # between venue, street and town is worth repeating in its separated form.
    flat = " ".join(text.split())
    headline = norm_text(title or "")
    return "\n".join(
        line
        for line in _detail_lines(details.element)
        if line not in flat and not (headline and norm_text(line) == headline)
    )
