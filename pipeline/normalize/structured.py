"""Structured metadata of an HTML page: JSON-LD objects, ``<meta>`` values, machine dates.

Pure lxml; no network, no clock. Used by :mod:`citynews.normalize.extract`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from citynews.model import BERLIN, DateValue

# Publication dates before the web existed in German municipalities are markup noise
# (copyright years, "1970-01-01" defaults); later bounds belong to the caller's clock.
MIN_YEAR = 1995
MAX_YEAR = 2100

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
_SLASHED = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")
_COMPACT = re.compile(r"^\s*((?:19|20)\d{2})(\d{2})(\d{2})(?:\D|$)")


def _day(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _tz(token: str | None) -> timezone | ZoneInfo:
    if token is None:
        return BERLIN
    if token in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _combine(day: date, hour: int, minute: int, second: int, tz: timezone | ZoneInfo) -> DateValue:
    try:
        moment = datetime.combine(day, time(hour, minute, second), tzinfo=tz)
    except ValueError:
        return day
    # CMSs store UTC and print local time: a German article stamped 23:30Z appeared the next
    # day, so UTC is shown in Berlin time (same instant). Stated local offsets are kept.
    if moment.utcoffset() == timedelta(0):
        moment = moment.astimezone(BERLIN)
    # A bare midnight is how CMSs write "day only"; reporting it as 00:00 would invent a time.
    if moment.hour == moment.minute == moment.second == 0:
        return moment.date()
    return moment


def parse_machine_date(value: str | None) -> DateValue | None:
    """A date from machine-readable markup (ISO 8601, ``YYYY/MM/DD``, ``YYYYMMDD``, RFC 2822).

    Day-only values and bare midnights give a ``date``; values with a time give an aware
    ``datetime`` keeping the stated offset (Europe/Berlin when none is stated). Anything
    unparsable or before 1995 gives None.
    """
    if not value:
        return None
    text = value.strip()
    m = _ISO.match(text)
    if m:
        day = _day(int(m[1]), int(m[2]), int(m[3]))
        if day is None or m[4] is None:
            return day
        return _combine(day, int(m[4]), int(m[5]), int(m[6] or 0), _tz(m[7]))
    m = _SLASHED.match(text) or _COMPACT.match(text)
    if m:
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        day = _day(parsed.year, parsed.month, parsed.day)
        if day is None:
            return None
        tz = parsed.tzinfo or BERLIN
        return _combine(day, parsed.hour, parsed.minute, parsed.second, tz)
    return None


# --- JSON-LD -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_STRING_STOP = re.compile(r'["\\]')
# An unescaped quote ends a string only where JSON syntax goes on after it; elsewhere it is
# a quotation mark inside the text ('lautet: "Online moderieren …".').
_STRING_END = re.compile(r'\s*(?:[:}\]]|,\s*(?:["{\[}\]\d-]|true\b|false\b|null\b)|$)')
_VALID_ESCAPE = frozenset('"\\/bfnrtu')
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
# JSON has no leading zeros; templates print postal codes as numbers ("postalCode": 04109).
_LEADING_ZERO = re.compile(r"(?<![\w.+-])(-?0\d+)(?![\w.])")


def _repair_syntax(text: str) -> str:
    """``text`` with the faults of hand-written JSON-LD fixed, string contents kept.

    Outside strings: HTML comments, trailing commas and numbers with leading zeros (kept as
    strings, so "04109" stays a postal code). Inside strings: unescaped quotation marks,
    invalid backslash escapes and control characters.
    """

    def outside(part: str) -> str:
        part = _TRAILING_COMMA.sub(r"\1", part)
        return _LEADING_ZERO.sub(r'"\1"', part)

    text = _HTML_COMMENT.sub("", text)
    out: list[str] = []
    pos = 0
    end = len(text)
    while pos < end:
        quote = text.find('"', pos)
        if quote < 0:
            out.append(outside(text[pos:]))
            break
        out.append(outside(text[pos:quote]))
        out.append('"')
        i = quote + 1
        while True:
            stop = _STRING_STOP.search(text, i)
            if stop is None:
                out.append(_CONTROL.sub(" ", text[i:]) + '"')
                pos = end
                break
            j = stop.start()
            out.append(_CONTROL.sub(" ", text[i:j]))
            if text[j] == "\\":
                escaped = text[j + 1 : j + 2]
                valid = escaped in _VALID_ESCAPE
                # A lone backslash ("C:\Daten") is text: escape it rather than drop it.
                out.append("\\" + escaped if valid else "\\\\")
                i = j + 2 if valid else j + 1
                continue
            if _STRING_END.match(text, j + 1):
                out.append('"')
                pos = j + 1
                break
            out.append('\\"')
            i = j + 1
    return "".join(out).rstrip().rstrip(";")


def _loads_tolerant(raw: str) -> Any:
    text = raw.strip()
    # CMS templates wrap JSON-LD in comments or CDATA markers meant for old browsers.
    for opener, closer in (("<!--", "-->"), ("/*<![CDATA[*/", "/*]]>*/"), ("<![CDATA[", "]]>")):
        if text.startswith(opener) and text.endswith(closer):
            text = text[len(opener) : -len(closer)].strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    repaired = _repair_syntax(text)
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        pass
    # Several objects pasted into one script tag without an enclosing array.
    decoder = json.JSONDecoder(strict=False)
    objects: list[Any] = []
    pos = 0
    while pos < len(repaired):
        start = repaired.find("{", pos)
        if start < 0:
            break
        try:
            obj, end = decoder.raw_decode(repaired, start)
        except ValueError:
            break
        objects.append(obj)
        pos = end
    return objects or None


def _flatten(value: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(value, list):
        for item in value:
            _flatten(item, out)
    elif isinstance(value, dict):
        graph = value.get("@graph")
        if graph is not None:
            _flatten(graph, out)
            rest = {k: v for k, v in value.items() if k not in ("@graph", "@context")}
            if rest.get("@type"):
                out.append(rest)
        else:
            out.append(value)


def extract_jsonld(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, parsed tolerantly, ``@graph`` flattened, order kept."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text
        if not raw or not raw.strip():
            continue
        _flatten(_loads_tolerant(raw), objects)
    return objects


def types_of(obj: dict[str, Any]) -> list[str]:
    """The schema.org type names of a JSON-LD object, without namespace prefixes."""
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return [str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n]


def is_article_type(name: str) -> bool:
    """Article-like schema.org types: the objects whose dates are the page's own."""
    return name.endswith(("Article", "Posting", "Report")) or name in {
        "Blog",
        "CreativeWork",
        "PressRelease",
        "Guide",
        "Review",
    }


def is_page_type(name: str) -> bool:
    return name.endswith("Page")


def is_event_type(name: str) -> bool:
    return name.endswith("Event")


def as_text(value: Any) -> str | None:
    """A scalar JSON-LD value as text (first element of a list, ``@value`` of an object)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def main_entities(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Objects describing the page itself, most specific first: articles, then web pages.

    A page's ``mainEntity`` is looked into, because CMSs nest the article there.
    """
    articles: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    for obj in objects:
        names = types_of(obj)
        if any(is_article_type(n) for n in names):
            articles.append(obj)
        elif any(is_page_type(n) for n in names):
            inner = obj.get("mainEntity")
            if isinstance(inner, dict) and any(is_article_type(n) for n in types_of(inner)):
                articles.append(inner)
            pages.append(obj)
    return articles + pages


# --- <meta> --------------------------------------------------------------------------------


def extract_meta(tree: etree._Element) -> dict[str, list[str]]:
    """``<meta>`` values keyed by lower-cased name/property/itemprop/http-equiv, order kept."""
    meta: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = content.strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta
