"""Publication and modification dates of a page, with their provenance.

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
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import htmldate
import htmldate.extractors
from lxml import etree

from citynews.model import DateValue, Hints, Kind
from citynews.normalize.dates import find_dates
from citynews.normalize.regions import headline_segments, in_boilerplate, select_text
from citynews.normalize.structured import MIN_YEAR, as_text, parse_machine_date


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


def as_value(raw: str | None) -> DateValue | None:
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
    issue: bool = False  # a print issue's date ('Ausgabe vom 26.04.2024')


_ITEMPROP_DATE = etree.XPath('//*[@itemprop="datePublished" or @itemprop="dateCreated"]')
_DATE_PROPS = re.compile(r"date(?:Published|Created)")
_QUOTES = "\"'"


def _declares_itemprop_date(html: str) -> bool:
    """Whether the source writes "datePublished" or "dateCreated" as an attribute's value
    (after ``=`` and an optional quotation mark), as ``_ITEMPROP_DATE`` needs: JSON-LD keys
    are quoted but follow no ``=``."""
    for m in _DATE_PROPS.finditer(html):
        i = m.start() - 1
        if i >= 0 and html[i] in _QUOTES:
            i -= 1
        while i >= 0 and html[i].isspace():
            i -= 1
        if i >= 0 and html[i] == "=":
            return True
    return False


def _structured_candidates(
    tree: etree._Element, html: str, meta: dict[str, list[str]], entities: list[dict[str, Any]]
) -> list[_Candidate]:
    """Machine-readable dates, most authoritative first: JSON-LD, then ``<meta>``, microdata."""
    found: list[_Candidate] = []

    def add(raw: str | None, source: str, modified: bool = False) -> None:
        value = as_value(raw)
        if value is not None and value.year >= MIN_YEAR:
            found.append(_Candidate(value, source, modified))

    for obj in entities:
        for key in ("datePublished", "dateCreated"):
            add(as_text(obj.get(key)), "jsonld")
        add(as_text(obj.get("dateModified")), "jsonld", modified=True)
    for key in _META_PUBLISHED:
        for raw in meta.get(key, []):
            add(raw, "meta")
    # The check of the source spares the XPath over every element on pages without such
    # microdata (29 of the 45 bench pages that name "datePublished", in JSON-LD).
    dated = _ITEMPROP_DATE(tree) if _declares_itemprop_date(html) else []
    for el in dated:
        if el.tag != "meta" and not in_boilerplate(el):
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
# A newspaper's print issue: the article went online before (often the evening before) the
# paper came out, so a declared publication date wins over the issue's date.
_ISSUE_CUE = re.compile(
    r"(?:ausgabe|printausgabe|druckausgabe|zeitung|heft)\s+(?:vom|von)\W{0,3}$", re.IGNORECASE
)
_EVENT_CUE = re.compile(
    r"(?:termin|veranstaltung|beginn|wann|zeit|einlass|start|ende|frist|anmeldeschluss|bis|ab)"
    r"\W{0,6}(?:am|:)?\W{0,3}$",
    re.IGNORECASE,
)
# 'Vernissage am 8. Februar 2025 um 11:00 Uhr': a named occasion with its hour is an event.
_OCCASION_AM = re.compile(r"^\s*[A-ZÄÖÜ][\wäöüß-]+\s+am\s*$")
_HOUR_AFTER = re.compile(r"^\s*,?\s*(?:um|ab|von)\s+\d{1,2}(?:[.:]\d{2})?\s*Uhr")


def _announced(before_line: str, after_line: str, timed: bool) -> bool:
    hour = timed or _HOUR_AFTER.match(after_line) is not None
    return hour and _OCCASION_AM.match(before_line) is not None


_SEPARATED = re.compile(r"^[\s\])|–—:/,-]*$|^[\s\])]*[|–—:/-]")
_DATELINE = re.compile(r"^\s*[A-ZÄÖÜ][\w .()/-]{1,40},\s*\(?\s*$")
_DATELINE_END = re.compile(r"^\s*\)?\s*[.:–—-]")
_NOISE = re.compile(r"[\s\[\]()|–—:,/.-]+")


def _visible_dates(
    root: etree._Element, title: str | None, *, cued_only: bool = False
) -> tuple[_Candidate | None, _Candidate | None]:
    """(publication date, modification date) shown next to the headline, as readers see them.

    The modification date is ``weak`` when an explicit update cue ("Zuletzt aktualisiert",
    "Letzte Änderung") says so: only a "Stand" date may stand for the publication.

    Only dates that stand on their own (a byline, ``[19.05.2025]``, ``Veröffentlicht am …``,
    a ``<time>``) count; a date inside a sentence ("Am 3. Juni 2025 findet …") is an event.
    With ``cued_only`` (event pages, whose visible dates are the event's) only dates after a
    publication cue such as "veröffentlicht am" count.
    """
    flat, segments, anchor = headline_segments(root, title)
    if anchor is None:
        return None, None
    starts = [seg.start for seg in segments]
    lo = max(0, anchor.start - 300)
    hi = anchor.start + len(anchor.text) + 600
    window = flat[lo:hi]
    published: list[tuple[int, _Candidate]] = []
    modified: _Candidate | None = None
    for seg in segments:
        if seg.start < lo or seg.start >= hi or seg.element.tag != "time":
            continue
        value = as_value(seg.element.get("datetime"))
        if value is None or value.year < MIN_YEAR:
            continue
        context = flat[max(0, seg.start - 40) : seg.start + len(seg.text)]
        if re.search(r"aktualisiert|ge(?:ä|ae)ndert|updated|stand\b", context, re.I):
            modified = modified or _modified(value, context)
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
            modified = modified or _modified(found.start, before)
            continue
        if _EVENT_CUE.search(before) or (cued_only and not _STRICT_PUBLISHED_CUE.search(before)):
            continue
        line_rest = _NOISE.sub(" ", before_line + " " + after_line).strip()
        standalone = len(line_rest) <= 30 and not re.search(r"\b(?:bis|ab|von)\s*$", before_line)
        timed = isinstance(found.start, datetime)
        standalone = standalone and not _announced(before_line, after_line, timed)
        bracketed = before_line.rstrip().endswith("[") or (
            before_line.strip() == "" and _SEPARATED.match(after_line) is not None
        )
        # Press-release dateline: "Karlsruhe, (12.11.2021). Traditionell …"
        dateline = _DATELINE.match(before_line) is not None and _DATELINE_END.match(after_line)
        if _PUBLISHED_CUE.search(before) or standalone or bracketed or dateline:
            issue = _ISSUE_CUE.search(before) is not None
            published.append((lo + start, _Candidate(found.start, "text", issue=issue)))
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


_STAND_CUE = re.compile(r"\bstand\b", re.IGNORECASE)


def _modified(value: DateValue, cue: str) -> _Candidate:
    """A shown modification date; news sites write "Stand:" for the first publication too."""
    return _Candidate(value, "text", modified=True, weak=not _STAND_CUE.search(cue))


def _same_block(a: etree._Element, b: etree._Element, page_chars: int) -> bool:
    ancestors = {b, *b.iterancestors()}
    common = next((x for x in (a, *a.iterancestors()) if x in ancestors), None)
    if common is None or common.tag in ("html", "body"):
        return False
    return len(common.text_content()) < 0.5 * page_chars


def _find_date(tree: etree._Element, url: str, *, extensive: bool = True) -> str | None:
    """htmldate's day (YYYY-MM-DD) of the page, or None."""
    try:
        with _german_english_dates():
            return htmldate.find_date(
                tree,
                url=url,
                original_date=True,
                extensive_search=extensive,
                outputformat="%Y-%m-%d",
                min_date=f"{MIN_YEAR}-01-01",
            )
    except Exception:  # noqa: BLE001 - htmldate raises assorted errors on odd markup
        return None


def _htmldate(tree: etree._Element, url: str) -> DateValue | None:
    found = _find_date(tree, url)
    return parse_machine_date(found) if found else None


def declared_in_markup(tree: etree._Element, url: str, day: date) -> bool:
    """True when the page's markup (meta tags, ``<time>``, URL, …) declares ``day``.

    htmldate's extensive search falls back to any date in the visible text; with it switched
    off it reads only what the page declares. A day only the fallback found is a guess.
    """
    return _find_date(tree, url, extensive=False) == day.isoformat()


def _select_date(tree: etree._Element, css: str) -> DateValue | None:
    for text in select_text(tree, css):
        found = find_dates(text[:200])
        if found and found[0].start.year >= MIN_YEAR:
            return found[0].start
    return None


def page_dates(
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
    visible, shown_modified = _visible_dates(tree, title, cued_only=not guess)
    modified = modified or (shown_modified.value if shown_modified else None)
    if visible is not None and visible.issue and any(not c.modified for c in structured):
        visible = None
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
    published, source = _undeclared(tree, url, hints, shown_modified, guess=guess)
    return published, modified, source


def _undeclared(
    tree: etree._Element, url: str, hints: Hints, shown: _Candidate | None, *, guess: bool
) -> tuple[DateValue | None, str | None]:
    """A page that declares no publication date: htmldate's guess, the feed's date, "Stand".

    An explicit update stamp ("Zuletzt aktualisiert am …") is never the publication date, also
    not when htmldate read its day; "Stand: …" is, when nothing else dates the page.
    """
    found = _htmldate(tree, url) if guess else None
    if found is not None:
        if shown is not None and day_of(shown.value) == found:
            return (None, None) if shown.weak else (shown.value, "text")
        return found, "htmldate"
    if hints.published is not None:
        return hints.published, "feed"
    if shown is not None and not shown.weak:
        return shown.value, "text"
    return None, None


def day_of(value: DateValue | None) -> date | None:
    """The calendar day of a date or datetime, as written by the source (offset kept)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value
